// `moat plan`: load the platform, render the bundle, print the port map, the
// differences from the reference and the render warnings, and write the bundle
// (./deploy by default) without touching files moat did not render.
// `--target kubernetes` renders the Kubernetes manifests (kubernetes/ in the
// bundle) instead of the one-host bundle; the port map is the model's either way.
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import type { Finding } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { portTables } from '../../render/port-tables.js';
import { DEPLOYMENTS, type Deployment, renderBundle } from '../../render/registry.js';
import type { RenderedFile, RenderResult } from '../../render/types.js';
import { withConsoleProgram } from '../console-program.js';
import { loadPlatform } from '../load-platform.js';
import { formatNotes, formatTables } from '../terminal-tables.js';
import { type BundleWrite, MANIFEST, writeBundle } from '../write-bundle.js';

interface PlanOptions {
  readonly out: string;
  readonly format: 'text' | 'json';
  readonly withInstance?: boolean;
  readonly target: Deployment;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('render the deployment bundle and print the port map (writes nothing outside --out)')
    .option('-o, --out <dir>', 'the bundle directory', 'deploy')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--with-instance', 'also render the cloud instance (with the bootstrap as its user data)')
    .addOption(
      new Option('--target <target>', 'what to render: the one-host bundle, or Kubernetes manifests (a Kustomize base)')
        .choices(Object.keys(DEPLOYMENTS))
        .default('host'),
    )
    .action(async (options: PlanOptions) => {
      const { config } = program.opts<{ config?: string }>();
      const loaded = await loadPlatform({ configPath: config, cwd: process.cwd() });
      const { platform } = loaded;
      const bundle = renderBundle(platform, await withConsoleProgram(platform, { withInstance: options.withInstance === true }), DEPLOYMENTS[options.target]);
      const outDir = resolve(process.cwd(), options.out);
      // topology.svg pictures the proof of the one-host bundle; the Kubernetes proof is `moat check --target kubernetes`.
      const files = options.target === 'host' ? [...bundle.files, await topologyFile(platform, bundle)] : bundle.files;
      const all = await writeBundle(outDir, files);
      // The host bundle and the Kubernetes manifests share the directory: one is not the other's stale files.
      const ours = (path: string): boolean => path.startsWith('kubernetes/') === (options.target === 'kubernetes');
      const written: BundleWrite = { ...all, stale: all.stale.filter(ours) };
      const tables = portTables(platform);
      if (options.format === 'json') {
        const report = {
          project: platform.project,
          ...(options.target === 'kubernetes' ? { target: options.target } : {}),
          config: loaded.configFile ?? null,
          out: outDir,
          manifest: MANIFEST,
          files: written.files,
          stale: written.stale,
          warnings: bundle.warnings,
          tables,
          notes: platform.notes,
        };
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const source = loaded.configFile ?? 'the built-in reference platform';
      process.stdout.write(
        [
          `${pc.bold(`moat plan: ${platform.project}`)} from ${source}`,
          '',
          formatTables(tables),
          formatNotes(platform.notes),
          formatWarnings(bundle.warnings),
          formatWritten(options.out, written, options.target),
        ]
          .filter((s) => s !== '')
          .join('\n'),
      );
    });
}

/** topology.svg: the picture of what the proof of this very bundle says (elkjs loaded only here). */
async function topologyFile(platform: Platform, bundle: RenderResult): Promise<RenderedFile> {
  const [{ proveBundle }, { platformTopologyInput, topologySvg }] = await Promise.all([
    import('../../proof/bundle.js'),
    import('../../render/topology/index.js'),
  ]);
  return { path: 'topology.svg', content: await topologySvg(platformTopologyInput(platform, proveBundle(platform, bundle).matrix)) };
}

function formatWarnings(warnings: readonly Finding[]): string {
  if (warnings.length === 0) return '';
  const lines = [pc.bold(`Render warnings (${warnings.length})`)];
  for (const w of warnings) lines.push(`  ${w.severity.padEnd(8)} ${w.code}  ${w.path}`, `      ${w.message}`, `      → ${w.hint}`);
  return `${lines.join('\n')}\n`;
}

function formatWritten(out: string, written: BundleWrite, target: Deployment): string {
  const changed = written.files.filter((f) => f.status === 'written').length;
  const lines = [pc.bold(`Bundle in ${out}/ (${changed} written, ${written.files.length - changed} unchanged)`)];
  for (const f of written.files) lines.push(`  ${f.status.padEnd(9)} ${f.mode.toString(8)}  ${f.path}`);
  for (const path of written.stale) lines.push(`  stale     ${path} (rendered before, no longer; left in place)`);
  lines.push(
    '',
    target === 'kubernetes'
      ? `Next: \`moat secrets kubernetes\` creates the Secrets in the cluster; then \`kubectl apply -k ${out}/kubernetes\`.`
      : 'Next: `moat check` proves what this bundle exposes; `moat up` deploys it.',
  );
  return `${lines.join('\n')}\n`;
}
