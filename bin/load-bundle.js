// Loads the bundled CLI (dist/moat.cjs, scripts/bundle.mjs) with the V8 code
// cache the build wrote beside it (dist/moat.cjs.cache): the bytecode of every
// function a `moat check` ran (for dist/moat-cli.cjs, what `moat --help` ran),
// so a run parses and compiles none of them again
// (Node 20 has no module compile cache: module.enableCompileCache is 22.1+;
// vm.Script's cachedData is V8's own, and V8 ignores a cache made by another
// V8 version, other flags or another source, and compiles as if it were absent).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';

/**
 * The bundle a run needs, and its code cache. Without an argument that is not an option, no
 * command word can be in argv (main.ts's commandWord skips options and --config's value), so
 * main.ts loads no command: `--help`, `--version` and an unknown option run from dist/moat-cli.cjs,
 * main.ts without the commands (140 KB, not 2.5 MB to read and a cache four times the size).
 */
export function bundleFor(args) {
  const file = fileURLToPath(new URL(args.some((a) => !a.startsWith('-')) ? '../dist/moat.cjs' : '../dist/moat-cli.cjs', import.meta.url));
  return { file, cache: `${file}.cache` };
}

/**
 * The bundle's exports; whether V8 took the code cache; and a function that writes the
 * cache of what has run since (the build calls it).
 */
export function loadBundle(args = process.argv.slice(2)) {
  const { file, cache } = bundleFor(args);
  let cachedData;
  try {
    cachedData = readFileSync(cache);
  } catch {
    // No cache (a build that did not write one): compiled from source, as usual.
  }
  // The CommonJS wrapper, as Node's own loader writes it.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new Script(source, { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCodeCache: () => writeFileSync(cache, script.createCachedData()),
  };
}
