// `moat host init [--dry-run]`, run on the host itself: read what only the
// host knows (its Tailscale address and name, the interface of its default
// route), write it into moat.yaml (only those values change, comments kept),
// render and prove the bundle (high findings refuse, as `moat up` does), run
// the bootstrap (host/bootstrap.sh: Docker, the firewall, Tailscale, the
// certificate), and install the unit that runs `moat up` after a reboot
// (render/host-unit.ts). On a fresh host Tailscale is not up before the
// bootstrap: the bootstrap brings it up and stops at its address check, then
// moat reads the real address, renders again and runs it once more.
// Idempotent: a second run finds every value in place, the bundle the same,
// the bootstrap already applied (a stamp of the host files it installed) and
// the unit installed and enabled, changes nothing and says so. --dry-run
// reads the facts (read-only commands) and prints each step it would take.
// Every program runs through one Runner (argv, never a shell line).
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Finding } from '../../model/findings.js';
import { atLeast, ExitCode, UserInputError } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { proveBundle } from '../../proof/bundle.js';
import { BOOTSTRAP_PATH } from '../../render/bootstrap.js';
import { HOST_UNIT_NAME, renderHostUnit } from '../../render/host-unit.js';
import { renderBundle } from '../../render/registry.js';
import type { RenderedFile } from '../../render/types.js';
import { commitChange, configFileOf, prepareChange } from '../config-change.js';
import type { ConfigEdit } from '../config-edit.js';
import { withConsoleProgram } from '../console-program.js';
import { locateFindings } from '../format/located.js';
import { formatFindingText } from '../format/text.js';
import { parseDefaultRoute, parseTailscaleIp4, parseTailscaleStatus } from '../host-facts.js';
import type { Runner, RunResult } from '../host-runner.js';
import { systemRunner } from '../host-runner.js';
import { writeBundle } from '../write-bundle.js';
import { proofRefusal } from './service.js';

export interface HostInitOptions {
  readonly configFile: string;
  readonly bundleDir: string;
  /** Where systemd units go (default /etc/systemd/system). */
  readonly unitsDir: string;
  /** The moat command the unit runs (absolute). */
  readonly moat: readonly string[];
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly runner: Runner;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

/** Records which bundle the bootstrap last applied: its host and firewall files. */
const BOOTSTRAP_STAMP = '.moat-host-init';

interface HostFacts {
  readonly publicInterface: string;
  /** Undefined while Tailscale is not installed or not up (the bootstrap brings it up). */
  readonly tailscale?: { readonly address: string; readonly hostname: string; readonly tailnet: string };
  readonly tailscaleProblem?: string;
}

const failed = (argv: readonly string[], result: RunResult, hint: string): UserInputError =>
  new UserInputError([
    {
      code: 'cli.host-command-failed',
      severity: 'high',
      path: argv.join(' '),
      message: `\`${argv.join(' ')}\` exited ${result.code}: ${lastLines(`${result.stderr}\n${result.stdout}`) || '(no output)'}`,
      hint,
    },
  ]);

const unreadable = (argv: readonly string[], output: string, what: string): UserInputError =>
  new UserInputError([
    {
      code: 'cli.host-unexpected-output',
      severity: 'high',
      path: argv.join(' '),
      message: `\`${argv.join(' ')}\` printed no ${what} moat can read: ${JSON.stringify(output.slice(0, 300))}`,
      hint: `set it in moat.yaml by hand, or check the tool's version`,
    },
  ]);

function lastLines(text: string, count = 8): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

const ROUTE = ['ip', '-j', 'route', 'show', 'default'];
const TS_IP = ['tailscale', 'ip', '-4'];
const TS_STATUS = ['tailscale', 'status', '--json'];

async function readFacts(runner: Runner): Promise<HostFacts> {
  const route = await runner.run(ROUTE);
  if (route.code !== 0) throw failed(ROUTE, route, 'moat needs iproute2 (`ip`) to find the interface of the default route');
  const publicInterface = parseDefaultRoute(route.stdout);
  if (publicInterface === undefined) throw unreadable(ROUTE, route.stdout, 'default route with an interface');
  const ip = await runner.run(TS_IP);
  if (ip.code !== 0) return { publicInterface, tailscaleProblem: `\`${TS_IP.join(' ')}\` exited ${ip.code}: ${lastLines(ip.stderr, 2) || 'no output'}` };
  const address = parseTailscaleIp4(ip.stdout);
  if (address === undefined) throw unreadable(TS_IP, ip.stdout, 'IPv4 address');
  const status = await runner.run(TS_STATUS);
  if (status.code !== 0) return { publicInterface, tailscaleProblem: `\`${TS_STATUS.join(' ')}\` exited ${status.code}` };
  const name = parseTailscaleStatus(status.stdout);
  if (name === undefined) throw unreadable(TS_STATUS, status.stdout, 'Self.DNSName (host.tailnet.)');
  return { publicInterface, tailscale: { address, ...name } };
}

/** The moat.yaml values that differ from what the host says. */
function factEdits(platform: Platform, facts: HostFacts): { edits: ConfigEdit[]; said: string[] } {
  const edits: ConfigEdit[] = [];
  const said: string[] = [];
  const set = (path: string[], now: string, want: string): void => {
    if (now === want) return;
    edits.push({ op: 'set', path, value: want });
    said.push(`${path.join('.')}: ${now} -> ${want}`);
  };
  set(['host', 'publicInterface'], platform.host.publicInterface, facts.publicInterface);
  const ts = facts.tailscale;
  if (ts) {
    set(['host', 'tailscale', 'address'], platform.host.tailscale.address, ts.address);
    set(['host', 'tailscale', 'hostname'], platform.host.tailscale.hostname, ts.hostname);
    set(['host', 'tailscale', 'tailnet'], platform.host.tailscale.tailnet, ts.tailnet);
  }
  return { edits, said };
}

function stampOf(files: readonly RenderedFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) if (f.path.startsWith('host/') || f.path.startsWith('firewall/')) hash.update(`${f.path}\u0000${f.content}\u0000`);
  return `${hash.digest('hex')}\n`;
}

const readOr = (path: string): Promise<string | undefined> => readFile(path, 'utf8').catch(() => undefined);

export async function runHostInit(options: HostInitOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const dry = options.dryRun === true;
  const log = (line: string): void => void stdout.write(`${line}\n`);
  const would = (text: string): string => (dry ? `would ${text}` : text);
  let changes = 0;

  for (let pass = 1; ; pass += 1) {
    const facts = await readFacts(options.runner);
    if (pass === 1) {
      log(`host: default route leaves through ${facts.publicInterface}`);
      log(
        facts.tailscale
          ? `host: Tailscale ${facts.tailscale.address}, ${facts.tailscale.hostname}.${facts.tailscale.tailnet}`
          : `host: Tailscale is not up yet (${facts.tailscaleProblem ?? ''}): the bootstrap installs it and brings it up, then moat reads its address`,
      );
    }
    // 1. moat.yaml: only the values the host contradicts.
    const change = await prepareChange(options.configFile, (current) => factEdits(current.platform, facts).edits);
    const { said } = factEdits(change.before.platform, facts);
    log(said.length > 0 ? `moat.yaml: ${would('set')} ${said.join(', ')}` : 'moat.yaml: unchanged (it already says what the host says)');
    // 2. The proof of what would be deployed, before anything is written.
    const platform = change.after.platform;
    const bundle = renderBundle(platform, await withConsoleProgram(platform));
    const blocking = locateFindings(proveBundle(platform, bundle).findings, change.after.locate).filter((f: Finding) => atLeast(f.severity, 'high'));
    if (blocking.length > 0) {
      stderr.write(
        `moat: the proof (\`moat check\`) has ${blocking.length} high or critical finding(s):\n${blocking.map((f) => `${formatFindingText(f)}\n`).join('')}\n`,
      );
      if (options.force !== true) {
        stderr.write(`${formatFindingText(proofRefusal(options.configFile, blocking.length, 'nothing was written or run', false))}\n`);
        return ExitCode.findings;
      }
    }
    log(`proof: ${blocking.length === 0 ? 'no high or critical findings' : `${blocking.length} high or critical finding(s), going on (--force)`}`);
    if (dry ? said.length > 0 : (await commitChange(change)) === 'written') changes += 1;
    // 3. The bundle, with the unit.
    const unit = renderHostUnit(platform, { moat: options.moat, configFile: options.configFile, bundleDir: options.bundleDir }).files;
    const files = [...bundle.files, ...unit];
    if (dry) {
      const differ = (await Promise.all(files.map(async (f) => ((await readOr(join(options.bundleDir, f.path))) === f.content ? 0 : 1)))).reduce<number>(
        (a, b) => a + b,
        0,
      );
      if (differ > 0) changes += 1;
      log(
        differ > 0
          ? `bundle: would write ${differ} of ${files.length} files into ${options.bundleDir} (files moat did not write are never overwritten)`
          : `bundle: unchanged in ${options.bundleDir}`,
      );
    } else {
      const written = (await writeBundle(options.bundleDir, files)).files.filter((f) => f.status === 'written');
      if (written.length > 0) changes += 1;
      log(
        `bundle: ${
          written.length > 0
            ? `wrote ${written.length} of ${files.length} files (${written
                .slice(0, 5)
                .map((f) => f.path)
                .join(', ')}${written.length > 5 ? ', ...' : ''})`
            : 'unchanged'
        } in ${options.bundleDir}`,
      );
    }
    // 4. The bootstrap, unless it already applied these host and firewall files.
    const stampFile = join(options.bundleDir, BOOTSTRAP_STAMP);
    const stamp = stampOf(files);
    const bootstrap = ['bash', join(options.bundleDir, BOOTSTRAP_PATH)];
    if (facts.tailscale && (await readOr(stampFile)) === stamp) log('bootstrap: already applied to this host (its host and firewall files are unchanged)');
    else if (dry) {
      changes += 1;
      log(
        `bootstrap: would run \`MOAT_BUNDLE=${options.bundleDir} MOAT_CONFIG=${options.configFile} ${bootstrap.join(' ')}\` (as root: Docker, the firewall, Tailscale, the certificate)`,
      );
      if (!facts.tailscale)
        log('tailscale: would read `tailscale ip -4` and `tailscale status --json` after it, write them into moat.yaml, render and run it again');
    } else {
      log(`bootstrap: running ${bootstrap.join(' ')}`);
      // MOAT_CONFIG: the scheduled backups back up this platform (backup-timer.ts), wherever its moat.yaml is.
      const result = await options.runner.run(bootstrap, { env: { MOAT_BUNDLE: options.bundleDir, MOAT_CONFIG: options.configFile } });
      changes += 1;
      const hint = 'fix what the bootstrap said (run as root; put a Tailscale auth key in /etc/moat/tailscale-authkey) and run moat host init again';
      if (!facts.tailscale) {
        // On a fresh host the bootstrap brings Tailscale up and stops at its address check (the bundle had a
        // placeholder): read the real address, render again and run it once more.
        if (pass === 1 && (await readFacts(options.runner)).tailscale) {
          log('bootstrap: Tailscale is up now; writing its address into moat.yaml and running the bootstrap again');
          continue;
        }
        if (result.code !== 0) throw failed(bootstrap, result, hint);
        stderr.write(
          `moat: the bootstrap ran, but Tailscale is still not up: ${lastLines(result.stderr, 3) || 'it said nothing'}\n  hint: put a Tailscale auth key in /etc/moat/tailscale-authkey (mode 0600) and run moat host init again\n`,
        );
        return ExitCode.findings;
      }
      if (result.code !== 0) throw failed(bootstrap, result, hint);
      await writeFile(stampFile, stamp, { mode: 0o644 });
    }
    // 5. The unit that runs `moat up` after a reboot.
    changes += await installUnit(options, unit[0]?.content ?? '', log);
    log(
      changes === 0
        ? 'moat host init: nothing changed; this host already matches moat.yaml'
        : dry
          ? `moat host init: dry run: ${changes} step(s) would change something; nothing was changed`
          : `moat host init: done; \`moat up\` starts the platform (and ${HOST_UNIT_NAME} does after a reboot)`,
    );
    return ExitCode.ok;
  }
}

async function installUnit(options: HostInitOptions, content: string, log: (line: string) => void): Promise<number> {
  const dry = options.dryRun === true;
  const target = join(options.unitsDir, HOST_UNIT_NAME);
  let changes = 0;
  const run = async (argv: string[]): Promise<RunResult> => {
    const result = await options.runner.run(argv);
    if (result.code !== 0) throw failed(argv, result, 'moat host init installs a systemd unit: run it as root on a host with systemd');
    return result;
  };
  if ((await readOr(target)) === content) log(`unit: ${target} is installed and current`);
  else if (dry) {
    log(`unit: would install ${target} (runs \`moat up\` after docker and tailscaled) and run systemctl daemon-reload`);
    changes += 1;
  } else {
    await mkdir(options.unitsDir, { recursive: true });
    await writeFile(target, content, { mode: 0o644 });
    await run(['systemctl', 'daemon-reload']);
    log(`unit: installed ${target}`);
    changes += 1;
  }
  const enabled = await options.runner.run(['systemctl', 'is-enabled', HOST_UNIT_NAME]);
  if (enabled.code === 0 && enabled.stdout.trim() === 'enabled') log(`unit: ${HOST_UNIT_NAME} is enabled`);
  else if (dry) {
    log(`unit: would run systemctl enable ${HOST_UNIT_NAME}`);
    changes += 1;
  } else {
    await run(['systemctl', 'enable', HOST_UNIT_NAME]);
    log(`unit: enabled ${HOST_UNIT_NAME} (it starts at the next boot; \`moat up\` starts the platform now)`);
    changes += 1;
  }
  return changes;
}

/** The moat command the unit runs: this very moat, by absolute path. */
function thisMoat(explicit: string | undefined): string[] {
  if (explicit !== undefined) return [resolve(explicit)];
  const script = process.argv[1];
  return script === undefined ? ['/usr/local/bin/moat'] : [process.execPath, resolve(script)];
}

export function registerHost(program: Command): void {
  const host = program.command('host').description('this host: moat host init');
  host
    .command('init')
    .description('on the host itself: bootstrap it, write its real Tailscale address, name and interface into moat.yaml, prove, install the reboot unit')
    .option('--dry-run', 'print each step it would do and change nothing')
    .option('-o, --out <dir>', 'bundle directory', 'deploy')
    .option('--units-dir <dir>', 'where the systemd unit goes', '/etc/systemd/system')
    .option('--moat <path>', 'the moat executable the unit runs (default: this one)')
    .option('--force', 'go on even when the proof has high or critical findings')
    .action(async (o: { dryRun?: boolean; out: string; unitsDir: string; moat?: string; force?: boolean }) => {
      process.exitCode = await runHostInit({
        configFile: configFileOf(program.opts<{ config?: string }>().config),
        bundleDir: resolve(o.out),
        unitsDir: resolve(o.unitsDir),
        moat: thisMoat(o.moat),
        dryRun: o.dryRun === true,
        force: o.force === true,
        runner: systemRunner(),
      });
    });
}
