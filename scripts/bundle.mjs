// The published CLI: one esbuild bundle of src/cli/main.ts with its
// dependencies, as CommonJS, so that bin/load-bundle.js can compile it with a
// V8 code cache (vm.Script's cachedData; Node 20 caches no ES module). The
// commands stay lazy: esbuild runs a bundled module's top level only when
// main.ts first imports it, so `moat --help` evaluates no command, and the
// caches hold the bytecode of what a `moat check` and a `moat --help` ran
// (written here), so no function of theirs is compiled again.
// Measured (process CPU time, built-in platform): the ES module chunks 350 ms,
// this bundle 340 ms without its cache, 290 ms with it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Nothing of an earlier build stays (its ES module chunks, a cache of another bundle).
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const options = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // ESM builds first: jsonc-parser's UMD build requires its parts at run time, which a bundle cannot follow.
  mainFields: ['module', 'main'],
  sourcemap: 'linked',
  // ws's optional native helpers are not installed; it falls back to JS without them.
  // elkjs (3.4 MB, the topology's layout engine, a dependency) is required from node_modules
  // when a picture is drawn: inlined, every command would read and scan it at start.
  // esbuild builds the console's program only when moat runs from its sources (src/cli/console-program.ts).
  external: ['bufferutil', 'utf-8-validate', 'elkjs', 'esbuild'],
  // main.ts reads package.json through import.meta.url only when MOAT_VERSION is unset.
  define: { 'process.env.MOAT_VERSION': JSON.stringify(pkg.version), 'import.meta.url': '__moatBundleUrl' },
  banner: { js: "const __moatBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};
await build({ ...options, entryPoints: ['src/cli/main.ts'], outfile: 'dist/moat.cjs' });
// The console's program, which every bundle carries (console/console.cjs): the options of
// src/cli/console-program.ts, which builds the same file when moat runs from its sources.
await build({
  entryPoints: ['src/console/main.ts'],
  outfile: 'dist/console.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'inline',
  logLevel: 'warning',
});
// main.ts alone, for the runs that name no command (bin/load-bundle.js): its command imports stay
// unresolved, and only a command word (never in such a run) would reach one.
const noCommands = { name: 'no-commands', setup: (b) => b.onResolve({ filter: /^\.\/commands\// }, (a) => ({ path: a.path, external: true })) };
await build({ ...options, entryPoints: ['src/cli/main.ts'], outfile: 'dist/moat-cli.cjs', plugins: [noCommands] });

// The code caches (bin/load-bundle.js): a check of the built-in platform, in an empty directory
// (no moat.yaml), and `--help`, each then the bytecode of everything it ran (the check's own exit
// code, 1 on findings, is not the build's).
const cwd = mkdtempSync(join(tmpdir(), 'moat-bundle-'));
const loader = fileURLToPath(new URL('../bin/load-bundle.js', import.meta.url));
try {
  for (const args of [['check'], ['--help']]) {
    const train = `import { bundleFor, loadBundle } from ${JSON.stringify(loader)};
const args = ${JSON.stringify(args)};
const bundle = loadBundle(args);
await bundle.exports.main(['node', 'moat', ...args]);
bundle.writeCodeCache();
process.exitCode = 0;
console.log(bundleFor(args).cache);`;
    const written =
      execFileSync(process.execPath, ['--input-type=module', '-e', train], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
        .trim()
        .split('\n')
        .at(-1) ?? '';
    if (!existsSync(written)) throw new Error(`bundle: the code cache of moat ${args.join(' ')} was not written`);
  }
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
