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
import type { Finding } from '../model/findings.js';
import { serviceByName } from '../model/lookup.js';
import { isE164 } from '../model/phone.js';
import type { Platform } from '../model/types.js';

const SIGNAL_ACCOUNT_ENV = 'SIGNAL_ACCOUNT';
const SIGNAL_SERVICE = 'signal-api';

/**
 * The plugin, pinned. It must be an official install: a copy loaded through
 * `plugins.load.paths` is untrusted, and the channel then refuses to start
 * ("openChannelIngressQueue is only available for trusted plugins", seen with
 * 2026.9.6; docs/cli/plugins/install.md: "Local copies selected through
 * plugins.load.paths … do not inherit official package trust"). An install
 * from the trusted official catalog (CLAWDBOT_SIGNAL.installPlugin) puts it into `<state dir>/npm/projects/…` and records it in
 * `<state dir>/state/openclaw.sqlite`, with the config read-only: both in the
 * clawdbot-state volume, so it survives recreation. OPENCLAW_STATE_DIR is set
 * for that: without it, 2026.9.6 put the npm projects beside the config file
 * (/etc/openclaw, not writable). The install needs the npm registry once; the
 * integrity is the registry's (dist.integrity of 2026.9.6, published
 * 2026-09-24 with openclaw 2026.9.6), which npm checks.
 * Source: https://registry.npmjs.org/@openclaw/signal/2026.9.6
 */
export const CLAWDBOT_SIGNAL_PLUGIN = {
  id: 'signal',
  package: '@openclaw/signal',
  version: '2026.9.6',
  integrity: 'sha512-0iKoejjg0eIKbcm8C7hHcSzBWHCOj5Wc4AX4/oMBXUDXO/MCSC0+5gssr9F9RSjh+7GUZKxz6b8A9Ldcmv8JCw==',
} as const;

/**
 * What `moat up` runs in the bot's container once it is healthy (deploy/bot-setup.ts;
 * the container needs the npm registry for it), and an operator can run again: any `openclaw plugins` command
 * first installs a plugin the config enables but the state lacks (seen with
 * 2026.9.6; docs/gateway/doctor/state-and-sessions.md: doctor "can also
 * reinstall missing downloadable plugins when config references them"), from
 * the official catalog at the config's OpenClaw version. `plugins install
 * <spec>` installs it that way too and then exits 1 ("plugin already exists"),
 * and `doctor --repair` exits 1 on the read-only config, so the step is
 * `plugins inspect`, which installs and then prints the verdict
 * (`"trust": {"reason": "trusted-official"}`). And the pairing approval of a
 * Signal sender (docs/channels/signal.md, Access control).
 */
export const CLAWDBOT_SIGNAL: {
  readonly installPlugin: readonly string[];
  readonly approve: (code: string) => string[];
} = {
  installPlugin: ['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'plugins', 'inspect', CLAWDBOT_SIGNAL_PLUGIN.id, '--json'],
  approve: (code) => ['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'pairing', 'approve', 'signal', code],
};

/** The bot's Signal number from moat.yaml, if it is one (E.164). */
export function signalAccount(platform: Platform): string | undefined {
  const value = serviceByName(platform, 'clawdbot')?.env[SIGNAL_ACCOUNT_ENV];
  return typeof value === 'string' && isE164(value) ? value : undefined;
}

/** A number that is set but not E.164 would switch the channel off without a word: say so, where it was written. */
export function signalAccountFindings(platform: Platform): Finding[] {
  const value = serviceByName(platform, 'clawdbot')?.env[SIGNAL_ACCOUNT_ENV];
  if (value === undefined || signalAccount(platform) !== undefined) return [];
  return [
    {
      code: 'render.clawdbot.bad-signal-account',
      severity: 'high',
      path: `services.clawdbot.env.${SIGNAL_ACCOUNT_ENV}`,
      message: `${JSON.stringify(String(value)).slice(0, 40)} is not a phone number in E.164 form, so the bot gets no Signal channel`,
      hint: 'write it as + and the country code, then the number, without spaces or a leading 0 (e.g. "+4915112345678")',
    },
  ];
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
    // Enabled explicitly: an external plugin is not on by default.
    plugins: { entries: { [CLAWDBOT_SIGNAL_PLUGIN.id]: { enabled: true } } },
  };
}
