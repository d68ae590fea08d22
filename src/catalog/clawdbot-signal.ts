// The bot's Signal channel: openclaw.json's `channels.signal` and the plugin
// that provides it.
//
// Decision: OpenClaw talks to the platform's signal-api (signal-cli-rest-api
// 0.100 in json-rpc mode) directly, with its `container` transport. No second
// signal-cli daemon and no bridge. Why (checked at the pinned versions):
// - OpenClaw 2026.9.6's Signal channel is the external plugin @openclaw/signal
//   2026.9.6 (docs/channels/signal.md of the openclaw package: "Signal is a
//   downloadable channel plugin"; the official image bundles only codex and
//   diagnostics-otel, docs/install/docker.md). It has three transports
//   (`channels.signal.transport.kind`): managed-native and external-native
//   speak signal-cli's own `daemon --http` (JSON-RPC at /api/v1/rpc, SSE at
//   /api/v1/events), `container` speaks bbernhard/signal-cli-rest-api: REST
//   /v2/send, /v1/typing-indicator, /v1/receipts, /v1/reactions, /v1/about and
//   the WebSocket /v1/receive/{account} (dist/.setup/client-*.mjs of the
//   plugin: containerRpcRequest, streamContainerEvents, containerCheck).
// - signal-cli-rest-api in json-rpc mode runs one `signal-cli --output=json
//   --config … daemon … --tcp 127.0.0.1:6001` under supervisord
//   (src/scripts/jsonrpc2-helper.go at 0.100), loopback only and not --http:
//   nothing outside the container could speak JSON-RPC to it. A second daemon
//   with --http on the same data volume would be a second process on the
//   account (signal-cli keeps one store per account and a daemon holds it), so
//   signal-api would have to lose its own daemon, and `moat signal link`/
//   `register` (signal-api's REST API) with it.
// - The container transport needs MODE=json-rpc (plain `normal` mode answers
//   /v1/about but never upgrades /v1/receive to a WebSocket): the catalog
//   renders json-rpc already.
// So moat renders `transport: { kind: "container", url: http://signal-api:8080 }`,
// clawdbot dependsOn signal-api (the one edge the proof and the firewall
// allow to 8080), and signal-api stays never-route: unauthenticated, reached by
// the bot only.
//
// The account: Signal needs the bot's number (E.164) in the config, and the
// channel must not be configured before one exists (the plugin refuses a
// channel without `account`). moat.yaml gives it as
// `services.clawdbot.env.SIGNAL_ACCOUNT` (not a secret; OpenClaw itself does
// not read that variable). Without it, no channel is rendered.
// DMs stay on OpenClaw's default `dmPolicy: "pairing"`: a stranger who finds
// the number gets a pairing code, nothing else, until an operator approves it
// (`openclaw pairing approve signal CODE`, CLAWDBOT_SIGNAL.approve).
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

export const SIGNAL_ACCOUNT_ENV = 'SIGNAL_ACCOUNT';
const SIGNAL_SERVICE = 'signal-api';

/**
 * The plugin, pinned: installed into the clawdbot-state volume (it holds the
 * bot's state already, owned by uid 1000) and loaded from there by
 * `plugins.load.paths`, because the config is read-only and `openclaw plugins
 * install` records installs in it. Its tarball bundles its own node_modules
 * (ws, zod, @openclaw/fs-safe); its peer is openclaw >= 2026.9.6.
 * Source: https://registry.npmjs.org/@openclaw/signal/2026.9.6 (published
 * 2026-09-24, the same day as openclaw 2026.9.6).
 */
export const CLAWDBOT_SIGNAL_PLUGIN = {
  package: '@openclaw/signal',
  version: '2026.9.6',
  integrity: 'sha512-0iKoejjg0eIKbcm8C7hHcSzBWHCOj5Wc4AX4/oMBXUDXO/MCSC0+5gssr9F9RSjh+7GUZKxz6b8A9Ldcmv8JCw==',
  dir: '/home/node/.openclaw/moat-plugins/signal',
} as const;

/**
 * What an operator runs once (the clawdbot container reaches the npm registry
 * for it): unpack the pinned plugin into the state volume. `npm pack` checks
 * the registry's integrity; the tarball's `package/` prefix is stripped. And
 * the pairing approval of a Signal sender (docs/channels/signal.md, Access control).
 */
export const CLAWDBOT_SIGNAL: {
  readonly installPlugin: readonly string[];
  readonly approve: (code: string) => string[];
} = {
  installPlugin: [
    'docker', 'compose', 'exec', 'clawdbot', 'sh', '-c',
    `set -e; d=$(mktemp -d); cd "$d"; npm pack --silent ${CLAWDBOT_SIGNAL_PLUGIN.package}@${CLAWDBOT_SIGNAL_PLUGIN.version}; rm -rf ${CLAWDBOT_SIGNAL_PLUGIN.dir}; mkdir -p ${CLAWDBOT_SIGNAL_PLUGIN.dir}; tar xzf ./*.tgz -C ${CLAWDBOT_SIGNAL_PLUGIN.dir} --strip-components=1; rm -rf "$d"`,
  ],
  approve: (code) => ['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'pairing', 'approve', 'signal', code],
};

/** The bot's Signal number from moat.yaml, if it is one (E.164). */
export function signalAccount(platform: Platform): string | undefined {
  const value = serviceByName(platform, 'clawdbot')?.env[SIGNAL_ACCOUNT_ENV];
  return typeof value === 'string' && /^\+[1-9]\d{6,14}$/.test(value) ? value : undefined;
}

/** `channels` and `plugins` keys: only when the platform has signal-api and moat.yaml names the bot's number. */
export function signalChannelConfig(platform: Platform): Record<string, unknown> {
  const api = serviceByName(platform, SIGNAL_SERVICE);
  const account = signalAccount(platform);
  if (!api || account === undefined) return {};
  return {
    channels: {
      signal: {
        enabled: true,
        account,
        transport: { kind: 'container', url: `http://${api.name}:${api.ports[0]?.port ?? 8080}` },
        dmPolicy: 'pairing',
      },
    },
    plugins: {
      load: { paths: [CLAWDBOT_SIGNAL_PLUGIN.dir] },
      entries: { signal: { enabled: true } },
    },
  };
}
