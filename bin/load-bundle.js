// Loads the bundled CLI (dist/moat.cjs, scripts/bundle.mjs) with the V8 code
// cache the build wrote beside it (dist/moat.cjs.*.cache): the bytecode of every
// function a `moat check` (or `moat --help`) ran, so a run parses and compiles none of them again
// (Node 20 has no module compile cache: module.enableCompileCache is 22.1+;
// vm.Script's cachedData is V8's own, and V8 ignores a cache made by another
// V8 version, other flags or another source, and compiles as if it were absent).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';

export const BUNDLE = fileURLToPath(new URL('../dist/moat.cjs', import.meta.url));

/**
 * Two caches of the one bundle: what a check runs, and what `--help` runs (V8 reads a whole
 * cache before anything runs: the check's is four times the size, 10 ms of CPU a `--help`
 * would spend for nothing). Any argument that is not an option may be a command.
 */
export function codeCacheFor(args) {
  return `${BUNDLE}.${args.some((a) => !a.startsWith('-')) ? 'command' : 'help'}.cache`;
}

/**
 * The bundle's exports; whether V8 took the code cache; and a function that writes the
 * cache of what has run since (the build calls it).
 */
export function loadBundle(args = process.argv.slice(2)) {
  const cacheFile = codeCacheFor(args);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache (a build that did not write one): compiled from source, as usual.
  }
  // The CommonJS wrapper, as Node's own loader writes it.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(BUNDLE, 'utf8')}\n});`;
  const script = new Script(source, { filename: BUNDLE, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return {
    exports: module.exports,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCodeCache: () => writeFileSync(cacheFile, script.createCachedData()),
  };
}
