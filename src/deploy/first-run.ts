// What `moat up` prints after the service table: for each app a user opens,
// its URL and what the first visit needs (a password moat holds, an account
// to create, a pairing to approve), with the exact commands. Never a value:
// secrets are named, with the command that shows them.
import { CLAWDBOT_PAIRING } from '../catalog/clawdbot.js';
import { routeUrl } from '../catalog/host-env.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

/** How OpenClaw's device pairing is listed and approved (src/catalog/clawdbot.ts, CLAWDBOT_PAIRING). */
export interface PairingCommands {
  readonly list: readonly string[];
  readonly approve: (requestId: string) => readonly string[];
  readonly why: string;
}

/**
 * The part of a catalog command that runs inside the container: the catalog
 * writes `docker compose exec <service> ...` as a person would type it in the
 * bundle; moat prints its own invocation for the bundle in front instead
 * (the project, the bundle's compose file, or the v1 container name).
 */
export function insideContainer(argv: readonly string[], service: string): readonly string[] {
  const at = argv.indexOf(service);
  const prefix = argv.slice(0, at);
  const isExec = at >= 0 && prefix.includes('exec') && (prefix[0] === 'docker' || prefix[0] === 'docker-compose' || prefix[0] === 'podman');
  return isExec ? argv.slice(at + 1) : argv;
}

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
  const pairing = options.pairing ?? CLAWDBOT_PAIRING;
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
  if (dify) {
    // Dify 1.x asks for INIT_PASSWORD on /install before the first admin account can be made (when set).
    const init = secretOf(platform, 'dify-api', 'DIFY_INIT_PASSWORD')
      ? ', which asks for the secret DIFY_INIT_PASSWORD (`moat secrets --show DIFY_INIT_PASSWORD`)'
      : '';
    blocks.push(`Dify  ${dify}/\n  first visit: create the admin account at ${dify}/install${init}`);
  }
  const n8n = at('n8n');
  if (n8n) blocks.push(`n8n  ${n8n}/\n  first visit: create the owner account`);
  const claw = at('clawdbot');
  if (claw) {
    const token = secretOf(platform, 'clawdbot', 'CLAWDBOT_GATEWAY_TOKEN')
      ? '\n  gateway token (the Control UI asks for it): the secret CLAWDBOT_GATEWAY_TOKEN (`moat secrets --show CLAWDBOT_GATEWAY_TOKEN`)'
      : '';
    blocks.push(
      `Clawdbot  ${claw}/${token}\n  pairing: ${pairing.why}\n    see the waiting request: ${command('clawdbot', insideContainer(pairing.list, 'clawdbot'))}\n    approve it:              ${command('clawdbot', insideContainer(pairing.approve('<requestId>'), 'clawdbot'))}`,
    );
  }
  return blocks.length === 0 ? '' : `\nFirst steps:\n${blocks.map((b) => `${b}\n`).join('')}`;
}
