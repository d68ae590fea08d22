// What `moat up` prints after the service table: for each app a user opens,
// its URL and what the first visit needs (a password moat holds, an account
// to create, a pairing to approve), with the exact commands. Never a value:
// secrets are named, with the command that shows them.
import { routeUrl } from '../catalog/host-env.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

/** How OpenClaw's device pairing is listed and approved, run inside the clawdbot container. */
export interface PairingCommands {
  readonly list: readonly string[];
  readonly approve: (requestId: string) => readonly string[];
  readonly why: string;
}

/**
 * PLACEHOLDER until src/catalog/clawdbot.ts exports CLAWDBOT_PAIRING (the
 * catalog helper owns that fact). From OpenClaw's docs/web/control-ui.md: a new
 * browser or device gets "disconnected (1008): pairing required" until
 * `openclaw devices approve <requestId>`; only 127.0.0.1 is auto-approved, and
 * behind the gateway every client is remote. The image runs the CLI as
 * `node openclaw.mjs` (its CMD).
 */
export const CLAWDBOT_PAIRING_PLACEHOLDER: PairingCommands = {
  list: ['node', 'openclaw.mjs', 'devices', 'list'],
  approve: (requestId) => ['node', 'openclaw.mjs', 'devices', 'approve', requestId],
  why: 'a new browser must be approved once: behind the gateway every client is remote, and only 127.0.0.1 is approved on its own',
};

/** Quotes a word for a POSIX shell when it needs it (paths with spaces). */
export function shellWord(word: string): string {
  // `<requestId>` is a blank for the user to fill, not a word to quote.
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) || /^<[A-Za-z]+>$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface FirstRunOptions {
  /** The command prefix for running argv in a service's container (Engine.execCommand). */
  readonly execCommand: (service: string, argv: readonly string[]) => readonly string[];
  readonly pairing?: PairingCommands;
}

const secretOf = (platform: Platform, service: string, name: string): boolean =>
  serviceByName(platform, service)?.secrets.some((s) => s.name === name) === true;

/** The lines after the table; empty when no app of the platform needs a first step. */
export function firstRunSteps(platform: Platform, options: FirstRunOptions): string {
  const pairing = options.pairing ?? CLAWDBOT_PAIRING_PLACEHOLDER;
  const command = (service: string, argv: readonly string[]): string => options.execCommand(service, argv).map(shellWord).join(' ');
  const blocks: string[] = [];
  const at = (service: string): string | undefined => (serviceByName(platform, service) ? routeUrl(platform, service) : undefined);

  const anything = at('anythingllm');
  if (anything) {
    blocks.push(
      secretOf(platform, 'anythingllm', 'ANYTHINGLLM_AUTH_TOKEN')
        ? `AnythingLLM  ${anything}/\n  password: the secret ANYTHINGLLM_AUTH_TOKEN (\`moat secrets --show ANYTHINGLLM_AUTH_TOKEN\`)`
        : `AnythingLLM  ${anything}/`,
    );
  }
  const dify = at('dify-nginx');
  if (dify) blocks.push(`Dify  ${dify}/\n  first visit: create the admin account at ${dify}/install`);
  const n8n = at('n8n');
  if (n8n) blocks.push(`n8n  ${n8n}/\n  first visit: create the owner account`);
  const claw = at('clawdbot');
  if (claw) {
    const token = secretOf(platform, 'clawdbot', 'CLAWDBOT_GATEWAY_TOKEN') ? '\n  gateway token (the Control UI asks for it): the secret CLAWDBOT_GATEWAY_TOKEN (`moat secrets --show CLAWDBOT_GATEWAY_TOKEN`)' : '';
    blocks.push(
      `Clawdbot  ${claw}/${token}\n  pairing: ${pairing.why}\n    see the waiting request: ${command('clawdbot', pairing.list)}\n    approve it:              ${command('clawdbot', pairing.approve('<requestId>'))}`,
    );
  }
  return blocks.length === 0 ? '' : `\nFirst steps:\n${blocks.map((b) => `${b}\n`).join('')}`;
}
