// The published CLI: one esbuild bundle of src/cli/main.ts with its
// dependencies, split per command (each command module is a chunk that
// `main.ts` imports on demand), so `moat --help` reads a handful of files
// instead of the ~400 modules the tsc output and node_modules would load.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Chunk names carry a content hash: chunks of an earlier build would pile up beside the new ones.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { moat: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ESM builds first: jsonc-parser's UMD build requires its parts at run time, which a bundle cannot follow.
  mainFields: ['module', 'main'],
  sourcemap: 'linked',
  // ws's optional native helpers are not installed; it falls back to JS without them.
  external: ['bufferutil', 'utf-8-validate'],
  define: { 'process.env.MOAT_VERSION': JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (commander, yaml...) call require(): give them one.
  banner: { js: "import { createRequire as __moatRequire } from 'node:module'; const require = __moatRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
