// `moat audit PATH...`: the proof of a deployment moat did not make. The same
// ingesters and analyzer as `moat check`, on files and directories the user
// names (kinds detected by content) or, with --live, on the host's own state.
// A layer no artifact speaks for is unknown and counts as open; the report
// names it and what to pass to fill it. Where the artifacts do not say what
// the host is, flags (or a moat.yaml) do.
//
// Exit: 1 when a finding reaches --fail-on (default high), 0 otherwise, 2 when
// nothing usable was given (no path read, no artifact recognised), 3 when
// --live finds none of the tools it runs.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { analyzeState, sortFindings } from '../../analyze/index.js';
import type { Layer } from '../../analyze/state.js';
import { consoleStateDir } from '../../deploy/console-state.js';
import { detectKind } from '../../ingest/detect.js';
import type { HostHints } from '../../ingest/merge.js';
import { mergeFragments } from '../../ingest/merge.js';
import { isGlob, loadNginxConfig, nginxGlobToRegExp } from '../../ingest/nginx-include.js';
import type { Artifact, IngestContext } from '../../ingest/types.js';
import type { Finding, Severity } from '../../model/findings.js';
import { atLeast, ExitCode, MissingEnvironmentError, SEVERITIES, UserInputError } from '../../model/findings.js';
import { DEFAULT_CONFIG_NAME } from '../../model/load.js';
import { isIpAddress, toCidr } from '../../model/net.js';
import type { Policy } from '../../model/types.js';
import { auditPolicy, platformOnlyWhy } from '../../proof/audit-policy.js';
import { ingestAll } from '../../proof/ingest-all.js';
import { withKubernetes } from '../../proof/kubernetes.js';
import { collectArtifacts, collectLive, firstNonUtf8Line, looksSecret } from '../collect-artifacts.js';
import { recordRun } from '../console-status.js';
import { type AuditReport, formatAuditJson, LAYER_HINTS } from '../format/json.js';
import { formatAuditSarif } from '../format/sarif.js';
import { formatAuditText } from '../format/text.js';
import { loadPlatform } from '../load-platform.js';

export const AUDIT_FORMATS = ['text', 'json', 'sarif'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

// The codes this command emits are documented in the registry (src/codes/cli.ts).

interface AuditOptions {
  readonly format: AuditFormat;
  readonly failOn: Severity;
  readonly config?: string;
  readonly live?: boolean;
  readonly adminCidr?: readonly string[];
  readonly tailscaleAddress?: readonly string[];
  readonly publicInterface?: string;
  readonly tailnetTag?: readonly string[];
  readonly sshdConfig?: string;
}

const MAX_INCLUDE_BYTES = 5 * 1024 * 1024;

/** Reads what an artifact refers to (nginx includes): among the collected files first, else the file system, but only under the paths the user gave. */
function includeContext(artifacts: readonly Artifact[], roots: readonly string[], cwd: string): IngestContext {
  const byName = new Map(artifacts.map((a) => [a.file, a]));
  const real = (p: string): string | undefined => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  // A hostile config must not read outside what the user named: `include ../../etc/shadow`, or a symbolic link out of the tree.
  const realRoots = roots.flatMap((r) => [r, real(r) ?? r]);
  const inside = (abs: string) => {
    const target = real(abs);
    return target !== undefined && realRoots.some((r) => target === r || target.startsWith(r.endsWith(sep) ? r : r + sep));
  };
  const nameOf = (path: string, from: Artifact): string => {
    if (isAbsolute(path)) return relative(cwd, path).split(sep).join('/');
    const dir = posix.dirname(from.file);
    return posix.normalize(dir === '.' ? path : `${dir}/${path}`);
  };
  const readFile = (path: string, from: Artifact): Artifact | undefined => {
    if (from.file.startsWith('live:')) return undefined;
    const file = nameOf(path, from);
    const known = byName.get(file);
    if (known) return known;
    const abs = resolve(cwd, file);
    if (!inside(abs) || looksSecret(abs)) return undefined;
    try {
      if (!statSync(abs).isFile() || statSync(abs).size > MAX_INCLUDE_BYTES) return undefined;
      const bytes = readFileSync(abs);
      if (bytes.includes(0) || firstNonUtf8Line(bytes) !== undefined) return undefined;
      return { file, text: new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '') };
    } catch {
      return undefined;
    }
  };
  // glob(3) one segment at a time, names relative to the including file as readFile takes them.
  const glob = (pattern: string, from: Artifact): readonly string[] | undefined => {
    if (from.file.startsWith('live:')) return undefined;
    const base = isAbsolute(pattern) ? '/' : resolve(cwd, posix.dirname(from.file));
    let matches: string[] = [''];
    for (const segment of pattern.split('/').filter((s) => s !== '')) {
      const next: string[] = [];
      for (const m of matches) {
        if (!isGlob(segment)) {
          next.push(m === '' ? segment : `${m}/${segment}`);
          continue;
        }
        const re = nginxGlobToRegExp(segment);
        const dir = resolve(base, m);
        if (!inside(dir)) return undefined;
        try {
          for (const entry of readdirSync(dir).sort()) if (re.test(entry)) next.push(m === '' ? entry : `${m}/${entry}`);
        } catch {
          return undefined;
        }
      }
      matches = next;
    }
    return matches.filter((m) => m !== '').map((m) => (isAbsolute(pattern) ? `/${m}` : m));
  };
  return { readFile, glob };
}

/** The files some nginx artifact includes: read as part of it, not again on their own. */
function includedByNginx(artifacts: readonly Artifact[], context: IngestContext): Set<string> {
  const included = new Set<string>();
  for (const a of artifacts) {
    if (detectKind(a) !== 'nginx') continue;
    for (const f of loadNginxConfig(a, context).files.slice(1)) included.add(f);
  }
  return included;
}

/** Collects each path on its own, so files are named as the user named the path (`deploy/compose.yaml`, `/srv/app/nginx.conf`), never `../../srv/...`. */
async function collectNamed(paths: readonly string[], cwd: string): Promise<{ artifacts: Artifact[]; problems: Finding[] }> {
  const artifacts: Artifact[] = [];
  const problems: Finding[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      // collectArtifacts reports the unreadable path, located
    }
    const base = isDir ? abs : dirname(abs);
    const shown = isDir ? p : posix.dirname(p.split(sep).join('/'));
    const c = await collectArtifacts([isDir ? '.' : basename(abs)], base);
    const rename = (file: string): string => (file === '.' ? p : posix.normalize(shown === '.' ? file : `${shown}/${file}`));
    for (const a of c.artifacts) {
      const file = rename(a.file);
      if (seen.has(resolve(cwd, file))) continue;
      seen.add(resolve(cwd, file));
      artifacts.push({ ...a, file });
    }
    for (const f of c.problems) {
      const file = f.location ? rename(f.location.file) : undefined;
      problems.push(
        file && f.location
          ? {
              ...f,
              path: `${file}:${f.location.line}`,
              location: { ...f.location, file },
              message: f.message.startsWith(f.location.file) ? file + f.message.slice(f.location.file.length) : f.message,
            }
          : f,
      );
    }
  }
  return { artifacts, problems };
}

/** The host-fact flags, checked: a value that is not an address or CIDR is unusable input (exit 2), never a guess. */
function hintsFrom(options: AuditOptions): HostHints {
  const bad: Finding[] = [];
  const check = (flag: string, values: readonly string[] | undefined, ok: (v: string) => boolean, what: string) => {
    for (const v of values ?? [])
      if (!ok(v))
        bad.push({
          code: 'audit.bad-flag',
          severity: 'high',
          path: flag,
          message: `${flag} ${JSON.stringify(v)} is not ${what}`,
          hint: `write ${flag} as ${what} (e.g. ${flag === '--admin-cidr' ? '203.0.113.10/32' : '100.64.0.10'})`,
        });
  };
  check('--admin-cidr', options.adminCidr, (v) => toCidr(v) !== undefined, 'a CIDR or an address');
  check('--tailscale-address', options.tailscaleAddress, isIpAddress, 'an IPv4 or IPv6 address');
  if (options.publicInterface !== undefined && !/^[A-Za-z0-9_.:@-]{1,15}$/.test(options.publicInterface)) {
    bad.push({
      code: 'audit.bad-flag',
      severity: 'high',
      path: '--public-interface',
      message: `--public-interface ${JSON.stringify(options.publicInterface)} is not an interface name`,
      hint: 'name the interface as `ip link` shows it (eth0, ens5)',
    });
  }
  if (bad.length > 0) throw new UserInputError(bad);
  return {
    ...(options.publicInterface !== undefined ? { publicInterface: options.publicInterface } : {}),
    ...(options.tailscaleAddress?.length ? { tailscaleAddresses: options.tailscaleAddress } : {}),
    ...(options.adminCidr?.length ? { adminCidrs: options.adminCidr.map((c) => toCidr(c)?.text ?? c) } : {}),
    ...(options.tailnetTag?.length ? { tailnetIdentities: options.tailnetTag } : {}),
  };
}

/** Host facts and policy from moat.yaml, when one is named or present; the flags win over it. */
async function fromConfig(options: AuditOptions, cwd: string): Promise<{ hints: HostHints; policy?: Policy; subject?: string }> {
  const flags = hintsFrom(options);
  if (options.config === undefined && !existsSync(resolve(cwd, DEFAULT_CONFIG_NAME))) return { hints: flags };
  const { platform, configFile } = await loadPlatform({ configPath: options.config, cwd });
  const { host } = platform;
  return {
    hints: {
      publicInterface: host.publicInterface,
      tailscaleInterface: host.tailscale.interface,
      tailscaleAddresses: [host.tailscale.address, ...(host.tailscale.address6 ? [host.tailscale.address6] : [])],
      platformSubnets: platform.networks.map((n) => n.subnet),
      adminCidrs: [host.adminCidr],
      tailnetIdentities: [host.tailscale.tag],
      gatewayService: platform.gateway.service,
      ...flags,
    },
    policy: platform.policy,
    subject: `policy and host facts from ${configFile ?? 'moat.yaml'}`,
  };
}

function noInput(message: string, hint: string): Finding {
  return { code: 'audit.no-input', severity: 'high', path: 'audit', message, hint };
}

export async function runAudit(paths: readonly string[], options: AuditOptions, cwd: string): Promise<number> {
  const collected = { artifacts: [] as Artifact[], problems: [] as Finding[] };
  if (paths.length > 0) {
    const c = await collectNamed(paths, cwd);
    collected.artifacts.push(...c.artifacts);
    collected.problems.push(...c.problems);
  }
  if (options.live === true) {
    const c = await collectLive(options.sshdConfig !== undefined ? { sshdConfig: resolve(cwd, options.sshdConfig) } : {});
    const ran = c.artifacts.filter((a) => !a.file.startsWith('live:/'));
    const failed = c.problems.some((p) => p.code === 'ingest.live.command-failed' && !p.location?.file.startsWith('live:/'));
    if (paths.length === 0 && ran.length === 0 && !failed) {
      throw new MissingEnvironmentError(
        'moat audit --live found none of the tools it reads the host with (nft, iptables-save, ip6tables-save, ss, docker)',
        'apt-get install nftables iptables iproute2 docker.io',
      );
    }
    collected.artifacts.push(...c.artifacts);
    collected.problems.push(...c.problems);
  }
  const { hints, policy: configured, subject } = await fromConfig(options, cwd);
  const roots = paths.map((p) => resolve(cwd, p));
  const context = includeContext(collected.artifacts, roots, cwd);
  const included = includedByNginx(collected.artifacts, context);
  const ingested = ingestAll(
    collected.artifacts.filter((a) => !included.has(a.file)),
    context,
  );
  const { state, missing } = mergeFragments(ingested.results, hints);
  const hostPolicy = configured ?? auditPolicy(state);
  // Manifests among the artifacts: the Kubernetes layer's rows and findings join (or, manifests only, replace) the host's.
  const { matrix, findings, missing: notGiven, policy } = withKubernetes(analyzeState(state, hostPolicy), missing, ingested.results, hostPolicy);
  const analysis = { matrix, findings };
  const kinds = [...ingested.kinds, ...[...included].map((file) => ({ file, kind: 'nginx' as const, includedIn: true }))];
  const recognised = kinds.some((k) => k.kind !== undefined);
  const unusable: Finding[] = [];
  if (paths.length === 0 && options.live !== true)
    unusable.push(
      noInput('moat audit was given no path', "name the deployment's files or directory (`moat audit ./deploy`), or run `moat audit --live` on the host"),
    );
  else if (collected.artifacts.length === 0)
    unusable.push(noInput('nothing given could be read', 'check the paths (the findings above say why each was not read)'));
  else if (!recognised)
    unusable.push(
      noInput(
        'no file given is an artifact moat reads',
        'pass compose files, `docker inspect`, `ss -tulpnH`, sshd_config, nginx.conf or `nginx -T`, `nft -j list ruleset`, iptables-save, security groups, CloudFormation, Terraform, a Tailscale policy or Kubernetes manifests',
      ),
    );
  const report: AuditReport = {
    subject: subject ?? 'policy from what the artifacts are (no moat.yaml)',
    matrix: recognised ? analysis.matrix : [],
    findings: sortFindings([...unusable, ...collected.problems, ...ingested.problems, ...(recognised ? analysis.findings : [])]),
    missing: notGiven.map((layer: Layer) => ({ layer, pass: LAYER_HINTS[layer] })),
    policy: {
      allow: policy.allow.map((r) => ({ zone: r.zone, port: r.port, protocol: r.protocol, why: r.why })),
      platformOnly: policy.platformOnly.map((service) => {
        const why = configured ? undefined : platformOnlyWhy(state.services.find((s) => s.name === service)?.image);
        return why === undefined ? { service } : { service, why };
      }),
    },
    host: {
      adminCidrs: state.host.adminCidrs,
      tailscaleAddresses: state.host.tailscaleAddresses,
      tailnetIdentities: state.tailnet.hostIdentities.filter((i) => !state.host.tailscaleAddresses.includes(i)),
      ...(state.host.publicInterface !== undefined ? { publicInterface: state.host.publicInterface } : {}),
    },
    artifacts: kinds.map((k) => ({ file: k.file, ...(k.kind !== undefined ? { kind: k.kind } : {}), ...('includedIn' in k ? { included: true } : {}) })),
  };
  const output =
    options.format === 'json' ? formatAuditJson(report) : options.format === 'sarif' ? formatAuditSarif(report) : formatAuditText(report, options.failOn);
  process.stdout.write(output);
  if (unusable.length > 0) return ExitCode.badInput;
  return report.findings.some((f) => atLeast(f.severity, options.failOn)) ? ExitCode.findings : ExitCode.ok;
}

const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

/** How the console tells an audit's exit code. */
function auditOutcome(code: number, failOn: string): readonly ['ok' | 'findings' | 'failed', string] {
  if (code === ExitCode.ok) return ['ok', `no finding at or above ${failOn}`];
  if (code === ExitCode.findings) return ['findings', `findings at or above ${failOn}`];
  return ['failed', 'some inputs could not be read'];
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('prove what a deployment moat did not make exposes, from its files (kinds detected by content) or the live host')
    .argument('[paths...]', 'files and directories of the deployment (directories are walked)')
    .addOption(new Option('--format <format>', 'output format').choices(AUDIT_FORMATS).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 on findings at or above this severity').choices(SEVERITIES).default('high'))
    .option('--live', 'also read the host itself: nft, iptables-save, ip6tables-save, ss, docker inspect, sshd_config (those present)')
    .option('--sshd-config <file>', 'where sshd_config is, for --live', undefined)
    .option('--admin-cidr <cidr>', 'the admin source SSH is for (repeatable)', collect)
    .option('--tailscale-address <address>', "the host's Tailscale address (repeatable: IPv4 and IPv6)", collect)
    .option('--public-interface <name>', 'the interface that faces the internet (e.g. eth0)')
    .option('--tailnet-tag <tag>', 'a tag (tag:ai-platform) that names this host in the tailnet policy (repeatable)', collect)
    .option('-o, --out <dir>', "bundle directory whose console shows this audit's outcome (when it has one)", 'deploy')
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<AuditOptions & { out: string }>();
      const code = await runAudit(paths, options, process.cwd());
      process.exitCode = code;
      // Checked before recordRun checks it too: the platform is loaded only for a bundle with a console.
      if (existsSync(consoleStateDir(resolve(options.out)))) {
        const { platform } = await loadPlatform({ configPath: options.config, cwd: process.cwd() });
        const [result, summary] = auditOutcome(code, options.failOn);
        await recordRun(platform, options.out, 'audit', result, `${summary} (${options.live ? 'live host' : `${paths.length} path(s)`})`);
      }
    });
}
