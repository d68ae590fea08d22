// `moat probe TARGET --as internet|admin|tailnet`: live verification of a host
// from one vantage point, compared with what the static proof expects there.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ExitCode, UserInputError } from '../../model/findings.js';
import { ProbeRuntimeError } from '../../probe/errors.js';
import { expectedFor, VANTAGES, type Vantage } from '../../probe/expected.js';
import { runProbe } from '../../probe/index.js';
import { formatProbeReport } from '../../probe/report.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, parsePortList } from '../../probe/tcp.js';
import { recordRun } from '../console-status.js';
import { loadPlatform } from '../load-platform.js';

interface ProbeFlags {
  as: Vantage;
  ports: string;
  udp?: string;
  concurrency: number;
  timeout: number;
  servername?: string;
  streamPath?: string;
  format: 'text' | 'json';
  out: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function ports(spec: string, option: string): number[] {
  try {
    return parsePortList(spec);
  } catch (error) {
    throw new UserInputError([
      { code: 'probe.bad-ports', severity: 'high', path: option, message: (error as Error).message, hint: 'use e.g. 22,80,8000-8100 or all' },
    ]);
  }
}

export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('Probe a live host from one vantage point and compare with the static proof (exit 1 on any difference)')
    .argument('<target>', 'the host address as seen from this vantage point')
    .addOption(new Option('--as <vantage>', 'where this probe runs from').choices([...VANTAGES]).makeOptionMandatory())
    .option('-p, --ports <list>', 'TCP ports to sweep: 22,80,8000-8100 or all', 'all')
    .option('--udp <list>', 'UDP ports to probe besides the expected ones')
    .option('--concurrency <n>', 'connects in flight at once', positiveInt, DEFAULT_CONCURRENCY)
    .option('--timeout <ms>', 'connect timeout: an unanswered port is filtered after this', positiveInt, DEFAULT_TIMEOUT_MS)
    .option('--servername <name>', 'TLS server name and Host of the gateway (default: <hostname>.<tailnet>)')
    .option('--stream-path <path>', 'a path under each streamed route that streams events, to time them')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --out <dir>', "bundle directory whose console shows this probe's outcome (when it has one)", 'deploy')
    .action(async (target: string, flags: ProbeFlags, command: Command) => {
      const global = command.optsWithGlobals<{ config?: string }>();
      const { platform } = await loadPlatform({ configPath: global.config, cwd: process.cwd() });
      const options = {
        target,
        vantage: flags.as,
        expected: () => expectedFor(platform, flags.as),
        ports: ports(flags.ports, '--ports'),
        ...(flags.udp ? { udpPorts: ports(flags.udp, '--udp') } : {}),
        concurrency: flags.concurrency,
        timeoutMs: flags.timeout,
        ...(flags.servername ? { servername: flags.servername } : {}),
        ...(flags.streamPath ? { streamPath: flags.streamPath } : {}),
      };
      let report;
      try {
        report = await runProbe(platform, options);
      } catch (error) {
        // Not a difference from the proof and not a bug: the probe could not
        // observe anything (no route, DNS down, out of sockets). Exit 3.
        if (!(error instanceof ProbeRuntimeError)) throw error;
        process.stderr.write(`moat: ${error.message}\n  hint: ${error.hint}\n`);
        process.exitCode = ExitCode.missingEnvironment;
        return;
      }
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatProbeReport(report));
      await recordRun(
        platform,
        flags.out,
        'probe',
        report.findings.length > 0 ? 'findings' : 'ok',
        `${report.findings.length} difference(s) from the proof, from the ${flags.as} vantage point`,
      );
      process.exitCode = report.findings.length > 0 ? ExitCode.findings : ExitCode.ok;
    });
}
