// What the bot needs once its dependencies run, done by `moat up` instead of
// by hand (first-up.ts calls these):
// - after AnythingLLM is healthy, before Clawdbot starts: the developer key its
//   knowledge tool sends (ANYTHINGLLM_API_KEY, made by AnythingLLM itself:
//   knowledge/api-key.ts), then Clawdbot's env file written again with it, so
//   the bot has the key at its first start;
// - after Clawdbot is healthy, when moat.yaml names its Signal number: OpenClaw's
//   official Signal plugin, installed the way its catalog entry says
//   (`plugins inspect signal --json` installs a configured plugin the state
//   lacks, then reports its trust; src/catalog/clawdbot-signal.ts).
import { CLAWDBOT_SIGNAL, CLAWDBOT_SIGNAL_PLUGIN, signalAccount } from '../catalog/clawdbot-signal.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import type { Engine } from './engine.js';
import { ensureApiKey } from './knowledge/api-key.js';
import { readSecrets } from './secrets-store.js';
import { writeServiceEnvFiles } from './service-env.js';

export const BOT_SERVICE = 'clawdbot';
export const KNOWLEDGE_SERVICE = 'anythingllm';

export interface BotPaths {
  readonly secretsFile: string;
  readonly bundleDir: string;
}

/** The key in the store (made now, or kept), and Clawdbot's env file carrying it. */
export async function ensureBotKnowledgeKey(platform: Platform, paths: BotPaths, baseUrl: string): Promise<'created' | 'in place'> {
  const { created } = await ensureApiKey(baseUrl, paths.secretsFile);
  const values = (await readSecrets(paths.secretsFile)) ?? new Map<string, string>();
  await writeServiceEnvFiles(platform, paths.bundleDir, values);
  return created ? 'created' : 'in place';
}

/** The command inside the container: the catalog's operator command without its `docker compose exec clawdbot`. */
export function pluginInstallArgv(): readonly string[] {
  const argv = CLAWDBOT_SIGNAL.installPlugin;
  return argv.slice(argv.indexOf('node'));
}

export interface PluginOutcome {
  readonly installed: boolean;
  /** What went wrong, from the command's own output (its tail; no secret goes into it). */
  readonly problem?: string;
}

export async function ensureSignalPlugin(engine: Engine, platform: Platform): Promise<PluginOutcome | undefined> {
  if (signalAccount(platform) === undefined || !serviceByName(platform, BOT_SERVICE)) return undefined;
  const result = await engine.exec(BOT_SERVICE, pluginInstallArgv());
  // The verdict OpenClaw prints for a plugin from its official catalog at the config's version.
  if (result.exitCode === 0 && result.stdout.includes('trusted-official')) return { installed: true };
  const said = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-5).join('\n');
  return {
    installed: false,
    problem: `\`${pluginInstallArgv().join(' ')}\` exited ${result.exitCode}${said ? `: ${said}` : ''} (it installs ${CLAWDBOT_SIGNAL_PLUGIN.package}@${CLAWDBOT_SIGNAL_PLUGIN.version} from the npm registry: the container needs to reach it)`,
  };
}
