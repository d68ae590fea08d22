// Loads the bundled CLI (dist/moat.cjs, scripts/bundle.mjs) with the V8 code
// cache the build wrote beside it (dist/moat.cjs.cache): the bytecode of every
// function a `moat check` ran, so a run parses and compiles none of them again
// (Node 20 has no module compile cache: module.enableCompileCache is 22.1+;
// vm.Script's cachedData is V8's own, and V8 ignores a cache made by another
// V8 version, other flags or another source, and compiles as if it were absent).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';

export const BUNDLE = fileURLToPath(new URL('../dist/moat.cjs', import.meta.url));
export const CODE_CACHE = `${BUNDLE}.cache`;

/**
 * The bundle's exports; whether V8 took the code cache; and a function that writes the
 * cache of what has run since (the build calls it).
 */
export function loadBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(CODE_CACHE);
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
    writeCodeCache: () => writeFileSync(CODE_CACHE, script.createCachedData()),
  };
}
