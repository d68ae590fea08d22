// `moat add service` and `moat remove service NAME`: a service in moat.yaml
// without editing YAML by hand. `add` takes flags, or asks for what is
// missing when standard input is a terminal (never otherwise: a script gets
// an error naming the flags), suggests the next free address of the platform
// subnet, and proves the platform with the new service exactly as `moat
// check` does before anything is written: findings at high or above that the
// platform did not have before refuse the change (printed, located) unless
// --force. Only the new entry's lines are added to moat.yaml (config-edit.ts);
// `remove` takes them out again (a catalog service is switched off with
// `enabled: false` instead) and refuses while other services depend on it.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { nextFreeAddress } from '../../model/addressing.js';
import { ServiceName } from '../../model/config-schema.js';
import { didYouMean } from '../../model/did-you-mean.js';
import type { Finding } from '../../model/findings.js';
import { atLeast, ExitCode, UserInputError } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { proveBundle } from '../../proof/bundle.js';
import type { ConfigChange } from '../config-change.js';
import { commitChange, configFileOf, prepareChange } from '../config-change.js';
import type { ConfigEdit } from '../config-edit.js';
import { locateFindings } from '../format/located.js';
import { formatFindingText } from '../format/text.js';

type Out = NodeJS.WritableStream;
type In = NodeJS.ReadableStream & { isTTY?: boolean };

export interface AddServiceValues {
  readonly name?: string;
  readonly image?: string;
  readonly address?: string;
  /** `9000` or `9000/udp`, each. */
  readonly ports?: readonly string[];
  /** A shell command the image can run; exit 0 means healthy. */
  readonly health?: string;
  /** A path on the main origin, or `none`. */
  readonly route?: string;
  /** How the app copes with a path prefix: none (default: its own origin), strip or native. */
  readonly prefix?: string;
  readonly dependsOn?: readonly string[];
}

export interface ServiceCommandOptions {
  readonly configFile: string;
  readonly force?: boolean;
  readonly stdin?: In;
  readonly stdout?: Out;
  readonly stderr?: Out;
}

const bad = (path: string, message: string, hint: string): UserInputError =>
  new UserInputError([{ code: 'cli.invalid-option', severity: 'high', path, message, hint }]);

/** Asks for each missing value on a terminal; with no terminal, names the missing flags. */
async function complete(
  values: AddServiceValues,
  platform: Platform,
  io: ServiceCommandOptions,
): Promise<Required<Pick<AddServiceValues, 'name' | 'image' | 'address' | 'ports'>> & AddServiceValues> {
  const suggested = nextFreeAddress(platform);
  const missing = (['name', 'image', 'ports'] as const).filter((k) => values[k] === undefined || values[k]?.length === 0);
  const stdin = io.stdin ?? process.stdin;
  if (stdin.isTTY !== true) {
    if (missing.length > 0)
      throw bad(
        `--${missing[0]}`,
        `moat add service needs ${missing.map((m) => `--${m === 'ports' ? 'port' : m}`).join(', ')} (standard input is not a terminal, so moat does not ask)`,
        'e.g. moat add service --name my-tool --image ghcr.io/acme/tool:1.2.3 --port 9000 --health "wget -q -O /dev/null http://127.0.0.1:9000/health" --route none',
      );
    return { ...values, name: values.name ?? '', image: values.image ?? '', ports: values.ports ?? [], address: values.address ?? suggested ?? '' };
  }
  // terminal: false: the terminal's own line editing and echo serve; readline only reads lines.
  const rl = createInterface({ input: stdin, output: io.stderr ?? process.stderr, terminal: false });
  try {
    const ask = async (q: string, fallback?: string): Promise<string> =>
      ((await rl.question(`${q}${fallback ? ` [${fallback}]` : ''}: `)).trim() || fallback) ?? '';
    const name = values.name ?? (await ask('service name (lower-case letters, digits, dashes)'));
    const image = values.image ?? (await ask('image, pinned to a version (NAME:TAG)'));
    const address = values.address ?? (await ask(`static address on ${platform.networks[0]?.subnet ?? 'the platform network'}`, suggested));
    const ports =
      values.ports && values.ports.length > 0
        ? values.ports
        : (await ask('ports it listens on (comma-separated, 9000 or 9000/udp)'))
            .split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '');
    const health = values.health ?? ((await ask('health check: a shell command the image can run (empty: none)')) || undefined);
    const route = values.route ?? (await ask('gateway route: a path like /tool, or none', 'none'));
    return { ...values, name, image, address, ports, ...(health ? { health } : {}), route };
  } finally {
    rl.close();
  }
}

function parsePort(text: string, i: number): { port: number; protocol: 'tcp' | 'udp'; purpose: string } {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(text.trim());
  const port = Number(m?.[1]);
  if (!m || port < 1 || port > 65535)
    throw bad(`--port[${i}]`, `port ${JSON.stringify(text.slice(0, 40))} is not PORT or PORT/udp (1-65535)`, 'e.g. --port 9000 or --port 5353/udp');
  return { port, protocol: m[2] === 'udp' ? 'udp' : 'tcp', purpose: 'added with moat add service' };
}

/** The moat.yaml entries the values describe: the service, and its route when it has one. */
function serviceEdits(values: Required<Pick<AddServiceValues, 'name' | 'image' | 'address' | 'ports'>> & AddServiceValues, platform: Platform): ConfigEdit[] {
  const name = ServiceName.safeParse(values.name);
  if (!name.success)
    throw bad(
      '--name',
      `service name ${JSON.stringify(values.name.slice(0, 60))} is not lower-case letters, digits and dashes starting with a letter`,
      'e.g. --name my-tool',
    );
  if (platform.services.some((s) => s.name === values.name)) {
    throw new UserInputError([
      {
        code: 'cli.service-exists',
        severity: 'high',
        path: `services.${values.name}`,
        message: `the platform has a service named ${values.name} already`,
        hint: 'choose another name, or edit its entry in moat.yaml',
      },
    ]);
  }
  const ports = values.ports.map(parsePort);
  const entry: Record<string, unknown> = { image: values.image, address: values.address, ports };
  if (values.health !== undefined && values.health.trim() !== '') {
    entry['healthcheck'] = { test: ['CMD-SHELL', values.health], expects: `\`${values.health.slice(0, 200)}\` exits 0` };
  }
  if (values.dependsOn && values.dependsOn.length > 0) entry['dependsOn'] = [...values.dependsOn];
  const edits: ConfigEdit[] = [{ op: 'set', path: ['services', values.name], value: entry }];
  const route = values.route?.trim();
  if (route !== undefined && route !== '' && route !== 'none') {
    const prefix = values.prefix ?? 'none';
    if (!['none', 'strip', 'native'].includes(prefix))
      throw bad(
        '--prefix',
        `--prefix ${JSON.stringify(prefix)} is not none, strip or native`,
        'none (its own origin, the safe default for an app whose base-path support you do not know), strip or native',
      );
    const first = ports.find((p) => p.protocol === 'tcp');
    if (!first) throw bad('--route', 'a gateway route needs a TCP port', 'add a TCP --port, or --route none');
    const originPort = prefix === 'none' ? nextOriginPort(platform) : undefined;
    edits.push({
      op: 'append',
      path: ['routes'],
      value: { path: route, service: values.name, port: first.port, prefix, ...(originPort !== undefined ? { originPort } : {}) },
    });
  }
  return edits;
}

/** The next TLS port after the gateway's origins (8443, 8444, ...), for an app on its own origin. */
function nextOriginPort(platform: Platform): number {
  const used = new Set([
    platform.gateway.listenPort,
    platform.host.sshPort,
    8081,
    ...platform.gateway.routes.flatMap((r) => (r.originPort === undefined ? [] : [r.originPort])),
  ]);
  let port = platform.gateway.listenPort + 1;
  while (used.has(port)) port += 1;
  return port;
}

/** The refusal printed after the proof's findings (one finding, so `moat explain cli.proof-failed` tells more). */
export function proofRefusal(path: string, count: number, done: string, fresh = true): Finding {
  return {
    code: 'cli.proof-failed',
    severity: 'high',
    path,
    message: `refused: the proof has ${count} ${fresh ? 'new ' : ''}high or critical finding(s), printed above; ${done}`,
    hint: 'fix what the findings say (`moat explain CODE` tells more), or pass --force to go on anyway (`moat up` refuses it again unless forced)',
  };
}

/** Findings of the proof after the change that the platform did not have before, at high or above. */
function newBlockingFindings(change: ConfigChange): Finding[] {
  const key = (f: Finding): string => `${f.code}\u0000${f.path}\u0000${f.message}`;
  const before = new Set(proveBundle(change.before.platform).findings.map(key));
  const after = locateFindings(proveBundle(change.after.platform).findings, change.after.locate);
  return after.filter((f) => atLeast(f.severity, 'high') && !before.has(key(f)));
}

export async function runAddService(values: AddServiceValues, options: ServiceCommandOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const current = (await prepareChange(options.configFile, [])).before.platform;
  const entryEdits = serviceEdits(await complete(values, current, options), current);
  const change = await prepareChange(options.configFile, entryEdits);
  const blocking = newBlockingFindings(change);
  if (blocking.length > 0) {
    stderr.write(
      `moat: the proof (\`moat check\`) with ${String(entryEdits[0]?.path[1])} added has ${blocking.length} new high or critical finding(s):\n${blocking.map((f) => `${formatFindingText(f)}\n`).join('')}\n`,
    );
    if (options.force !== true) {
      stderr.write(`${formatFindingText(proofRefusal(options.configFile, blocking.length, 'nothing was written'))}\n`);
      return ExitCode.findings;
    }
    stderr.write('moat: writing it anyway (--force)\n');
  }
  await commitChange(change);
  const name = String(entryEdits[0]?.path[1]);
  const service = change.after.platform.services.find((s) => s.name === name);
  const route = change.after.platform.gateway.routes.find((r) => r.service === name);
  stdout.write(
    `${name}: written to ${options.configFile} (services.${name}${route ? ' and its route' : ''}) at ${service?.address ?? '?'}; the proof passes${blocking.length > 0 ? ' only with --force' : ''}\n`,
  );
  if (route) stdout.write(`${name}: served at ${route.url}\n`);
  stdout.write(`next: \`moat up ${name}\` starts it\n`);
  return blocking.length > 0 ? ExitCode.findings : ExitCode.ok;
}

export async function runRemoveService(name: string, options: ServiceCommandOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const change = await prepareChange(options.configFile, (current, data): ConfigEdit[] => {
    const { platform } = current;
    const service = platform.services.find((s) => s.name === name);
    if (!service) {
      throw new UserInputError([
        {
          code: 'config.unknown-service',
          severity: 'high',
          path: `services.${name}`,
          message: `the platform has no service named ${name}`,
          hint: didYouMean(
            name,
            platform.services.map((s) => s.name),
            '`moat plan` lists the services',
          ),
        },
      ]);
    }
    const dependants = platform.services.filter((s) => s.dependsOn.includes(name)).map((s) => s.name);
    if (dependants.length > 0) {
      throw new UserInputError([
        {
          code: 'cli.service-in-use',
          severity: 'high',
          path: `services.${name}`,
          message: `${dependants.join(', ')} ${dependants.length === 1 ? 'depends' : 'depend'} on ${name}`,
          hint: `remove ${dependants.join(', ')} first, or change ${dependants.length === 1 ? 'its' : 'their'} dependsOn`,
        },
      ]);
    }
    const routes = ((data as { routes?: unknown }).routes ?? []) as unknown[];
    const routeEdits: ConfigEdit[] = routes
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => typeof r === 'object' && r !== null && (r as { service?: unknown }).service === name)
      .reverse()
      .map(({ i }) => ({ op: 'delete', path: ['routes', i] }));
    // A catalog service is switched off (its catalog route goes with it); one the user added is deleted.
    const own = service.origin === 'user';
    return [...routeEdits, own ? { op: 'delete', path: ['services', name] } : { op: 'set', path: ['services', name, 'enabled'], value: false }];
  });
  await commitChange(change);
  const own = change.before.platform.services.find((s) => s.name === name)?.origin === 'user';
  stdout.write(
    `${name}: ${own ? 'removed from' : 'switched off (enabled: false) in'} ${options.configFile}\nnext: \`moat up\` renders the platform without it; its container and volumes stay until \`moat down\`/\`moat reset\`\n`,
  );
  return ExitCode.ok;
}

const list = (v: string, all: string[]): string[] => [
  ...all,
  ...v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
];

export function registerService(program: Command): void {
  const configFile = (): string => configFileOf(program.opts<{ config?: string }>().config);
  program
    .command('add')
    .description('add to the platform (moat add service)')
    .command('service')
    .description('add a service to moat.yaml, proven like `moat check` before it is written (asks for what is missing on a terminal)')
    .argument('[name]', 'the service name')
    .option('--name <name>', 'the service name')
    .option('--image <image>', 'container image pinned to a version (NAME:TAG)')
    .option('--address <ip>', 'static address on the platform network (default: the next free one)')
    .option('--port <port>', 'a port it listens on, PORT or PORT/udp (repeatable, or comma-separated)', list, [] as string[])
    .option('--health <command>', 'health check: a shell command the image can run, exit 0 = healthy')
    .option('--route <path|none>', 'a gateway route (a path like /tool), or none')
    .option('--prefix <mode>', 'with --route: none (its own origin, the default), strip or native')
    .option('--depends-on <names>', 'services it needs first (comma-separated)', list, [] as string[])
    .option('--force', 'write it even when the proof has new high or critical findings')
    .action(
      async (
        arg: string | undefined,
        o: {
          name?: string;
          image?: string;
          address?: string;
          port: string[];
          health?: string;
          route?: string;
          prefix?: string;
          dependsOn: string[];
          force?: boolean;
        },
      ) => {
        const name = o.name ?? arg;
        const values: AddServiceValues = {
          ...(name !== undefined ? { name } : {}),
          ...(o.image !== undefined ? { image: o.image } : {}),
          ...(o.address !== undefined ? { address: o.address } : {}),
          ...(o.port.length > 0 ? { ports: o.port } : {}),
          ...(o.health !== undefined ? { health: o.health } : {}),
          ...(o.route !== undefined ? { route: o.route } : {}),
          ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
          ...(o.dependsOn.length > 0 ? { dependsOn: o.dependsOn } : {}),
        };
        process.exitCode = await runAddService(values, { configFile: configFile(), force: o.force === true });
      },
    );
  program
    .command('remove')
    .description('remove from the platform (moat remove service NAME)')
    .command('service')
    .description('remove a service from moat.yaml (a catalog service is switched off); refused while others depend on it')
    .argument('<name>')
    .action(async (name: string) => {
      process.exitCode = await runRemoveService(name, { configFile: configFile() });
    });
}
