// `moat check`: the static proof. Loads the platform, computes the exposure
// matrix and the findings, prints them (text, JSON or SARIF) and exits 1 when
// a finding reaches --fail-on (default high). Unusable input is exit 2, from
// loadPlatform's UserInputError, handled in main.ts.

import type { Command } from 'commander';
import { Option } from 'commander';
import type { MatrixRow } from '../../analyze/index.js';
import type { Severity } from '../../model/findings.js';
import { atLeast, ExitCode, SEVERITIES, UserInputError } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { proveBundle } from '../../proof/bundle.js';
import { formatCheckJson } from '../format/json.js';
import { locateFindings } from '../format/located.js';
import { formatCheckText } from '../format/text.js';
import { loadPlatform } from '../load-platform.js';

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'svg'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];
/** What the proof renders and reads back: the one-host bundle, or the Kubernetes manifests. */
export const CHECK_TARGETS = ['host', 'kubernetes'] as const;

interface CheckOptions {
  readonly format: CheckFormat;
  readonly failOn: Severity;
  readonly config?: string;
  readonly target?: (typeof CHECK_TARGETS)[number];
  /** svg: draw the blocked cells too. */
  readonly blocked?: boolean;
}

export async function runCheck(options: CheckOptions, cwd: string): Promise<number> {
  // The picture draws the one-host layout (Docker network, host, services at their addresses); a cluster's cells have none of these.
  if (options.format === 'svg' && options.target === 'kubernetes') {
    throw new UserInputError([
      {
        code: 'cli.invalid-option',
        severity: 'high',
        path: '--format',
        message: '--format svg draws the one-host picture; it cannot draw the Kubernetes matrix',
        hint: 'use --format text, json or sarif with --target kubernetes, or --format svg without it',
      },
    ]);
  }
  const loaded = await loadPlatform({ configPath: options.config, cwd });
  // Kubernetes: loaded only when asked for (commands load lazily).
  const analysis =
    options.target === 'kubernetes' ? (await import('../../proof/kubernetes-check.js')).checkKubernetes(loaded.platform) : proveBundle(loaded.platform);
  const located = { ...analysis, findings: locateFindings(analysis.findings, loaded.locate) };
  const subject = `${loaded.platform.project} (${loaded.configFile ? `config ${loaded.configFile}` : 'built-in reference platform'})${options.target === 'kubernetes' ? ' on Kubernetes' : ''}`;
  // SARIF names every rule from the finding-code registry, which imports every module's codes
  // (the deploy and probe ones, and execa with them): loaded only when asked for.
  const output =
    options.format === 'svg'
      ? await checkSvg(loaded.platform, analysis.matrix, options.blocked === true)
      : options.format === 'json'
        ? formatCheckJson(located)
        : options.format === 'sarif'
          ? (await import('../format/sarif.js')).formatCheckSarif(located)
          : formatCheckText(located, options.failOn, subject);
  process.stdout.write(output);
  return located.findings.some((f) => atLeast(f.severity, options.failOn)) ? ExitCode.findings : ExitCode.ok;
}

/** The picture (elkjs is large: loaded only for this format). */
async function checkSvg(platform: Platform, matrix: readonly MatrixRow[], blocked: boolean): Promise<string> {
  const { platformTopologyInput, topologySvg } = await import('../../render/topology/index.js');
  return topologySvg(platformTopologyInput(platform, matrix, { blocked }));
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('prove statically what each zone can reach, and report what the policy does not allow')
    .addOption(new Option('--format <format>', 'output format').choices(CHECK_FORMATS).default('text'))
    .option('--blocked', 'with --format svg: draw the blocked cells too (dashed)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 on findings at or above this severity').choices(SEVERITIES).default('high'))
    .addOption(new Option('--target <target>', 'prove the one-host bundle, or the Kubernetes manifests').choices(CHECK_TARGETS).default('host'))
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<CheckOptions>();
      process.exitCode = await runCheck(options, process.cwd());
    });
}
