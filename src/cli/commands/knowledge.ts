// `moat knowledge sync [--workspace SLUG] | search QUERY`: the synced Drive
// files kept in step with an AnythingLLM workspace (src/deploy/knowledge), and
// a query against it. Exit codes: 0 done; 1 a file failed (it is tried again
// next time) or AnythingLLM refused; 2 bad input; 3 AnythingLLM or rclone
// cannot be reached.
import type { Command } from 'commander';
import { DriveSetupError, driveDataPath, driveRc } from '../../deploy/drive/drive.js';
import type { RcClient } from '../../deploy/drive/rc.js';
import { RcError } from '../../deploy/drive/rc.js';
import { stateFileBeside } from '../../deploy/drive/state.js';
import { AnythingError } from '../../deploy/knowledge/anythingllm.js';
import { ensureApiKey } from '../../deploy/knowledge/api-key.js';
import { knowledgeProgress, printable, summaryLine } from '../../deploy/knowledge/progress.js';
import type { KnowledgeSource } from '../../deploy/knowledge/source.js';
import { rcSource } from '../../deploy/knowledge/source.js';
import { syncKnowledge } from '../../deploy/knowledge/sync.js';
import { platformServiceUrl } from '../../deploy/service-url.js';
import { ExitCode } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { loadPlatform } from '../load-platform.js';
import type { DeployPaths } from './up.js';
import { deployPaths } from './up.js';

type Out = NodeJS.WritableStream & { isTTY?: boolean };

export const KNOWLEDGE_STATE_FILE = 'knowledge-state.json';

export interface KnowledgeIo {
  readonly stdout?: Out;
  readonly stderr?: Out;
  readonly anythingllmUrl?: string;
  readonly rcUrl?: string;
  /** Tests: read from this source instead of the gdrive volume over rc. */
  readonly source?: KnowledgeSource;
  readonly rc?: RcClient;
  readonly dataFs?: string;
}

/** Sync and search both need AnythingLLM: say so, the same way (exit 2). */
function noAnythingllm(stderr: Out): number {
  stderr.write('moat: the platform has no anythingllm service\n  next: enable anythingllm in moat.yaml\n');
  return ExitCode.badInput;
}

export function anythingllmUrl(platform: Platform): string | undefined {
  return platformServiceUrl(platform, 'anythingllm');
}

/** Errors of the two APIs as one located message and an exit code; unreachable services propagate (main prints them, exit 3). */
export async function apiGuard(stderr: Out, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof AnythingError || error instanceof RcError || error instanceof DriveSetupError) {
      stderr.write(`moat: ${printable(error.message)}\n`);
      return ExitCode.findings;
    }
    throw error;
  }
}

export async function runKnowledgeSync(platform: Platform, paths: DeployPaths, workspace: string | undefined, io: KnowledgeIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  return apiGuard(stderr, async () => {
    const base = io.anythingllmUrl ?? anythingllmUrl(platform);
    if (base === undefined) return noAnythingllm(stderr);
    const slug = workspace ?? platform.knowledge.workspace;
    const { client, created } = await ensureApiKey(base, paths.secretsFile);
    if (created) stderr.write('moat: made an AnythingLLM developer API key, kept in the secrets store as ANYTHINGLLM_API_KEY\n');
    const source = io.source ?? rcSource(io.rc ?? (await driveRc(platform, paths.secretsFile, io.rcUrl)), io.dataFs ?? driveDataPath(platform));
    const progress = knowledgeProgress(stderr);
    const summary = await syncKnowledge(client, source, {
      workspace: slug,
      stateFile: stateFileBeside(paths.secretsFile, KNOWLEDGE_STATE_FILE),
      events: progress,
    });
    progress.done();
    stdout.write(`${summaryLine(summary, slug)}\n`);
    for (const f of summary.failures) stderr.write(`moat: ${printable(f.path)}: ${printable(f.error)}\n`);
    if (summary.failed > 0) stderr.write('  next: `moat knowledge sync` tries the failed files again\n');
    return summary.failed > 0 ? ExitCode.findings : ExitCode.ok;
  });
}

export async function runKnowledgeSearch(
  platform: Platform,
  paths: DeployPaths,
  query: string,
  workspace: string | undefined,
  io: KnowledgeIo = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  return apiGuard(stderr, async () => {
    const base = io.anythingllmUrl ?? anythingllmUrl(platform);
    if (base === undefined) return noAnythingllm(stderr);
    const slug = workspace ?? platform.knowledge.workspace;
    const { client } = await ensureApiKey(base, paths.secretsFile);
    const hits = await client.vectorSearch(slug, query);
    if (hits.length === 0) stdout.write(`no match in workspace ${slug}\n`);
    for (const h of hits)
      stdout.write(`${printable(h.title ?? '?')}${h.score === undefined ? '' : ` (${h.score.toFixed(2)})`}: ${printable(h.text.slice(0, 200))}\n`);
    return ExitCode.ok;
  });
}

/** The options of withServiceOptions, as commander parses them. */
export interface ServiceOpts {
  out?: string;
  secrets?: string;
  workspace?: string;
  anythingllmUrl?: string;
  rcUrl?: string;
}

export function ioFrom(opts: ServiceOpts): KnowledgeIo {
  return { ...(opts.anythingllmUrl === undefined ? {} : { anythingllmUrl: opts.anythingllmUrl }), ...(opts.rcUrl === undefined ? {} : { rcUrl: opts.rcUrl }) };
}

/** The options both `moat knowledge` and `moat drive` take. */
export function withServiceOptions(cmd: Command): Command {
  return cmd
    .option('-o, --out <dir>', 'bundle directory', 'deploy')
    .option('--secrets <file>', 'secrets store (default: .moat/secrets.env beside the bundle)')
    .option('--workspace <slug>', 'AnythingLLM workspace (default: knowledge.workspace of moat.yaml, moat-knowledge)')
    .option('--anythingllm-url <url>', 'AnythingLLM as this host reaches it (default: its static address on the platform network)')
    .option('--rc-url <url>', "rclone's rc as this host reaches it (default: the gdrive service's static address)");
}

export function registerKnowledge(program: Command): void {
  const load = async () => (await loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() })).platform;
  const knowledge = program.command('knowledge').description('synced Drive documents as an AnythingLLM workspace: sync, search');
  withServiceOptions(
    knowledge.command('sync').description('add, replace and remove workspace documents to match the synced Drive files (unchanged ones are skipped)'),
  ).action(async (opts: ServiceOpts) => {
    process.exitCode = await runKnowledgeSync(await load(), deployPaths(opts), opts.workspace, ioFrom(opts));
  });
  withServiceOptions(
    knowledge.command('search').description("the workspace's closest passages to a query (AnythingLLM's vector search)").argument('<query>'),
  ).action(async (query: string, opts: ServiceOpts) => {
    process.exitCode = await runKnowledgeSearch(await load(), deployPaths(opts), query, opts.workspace, ioFrom(opts));
  });
}
