#!/usr/bin/env node
// The bundled CLI (scripts/bundle.mjs; npm's `prepare` builds dist/ on install),
// compiled with the code cache the build wrote (bin/load-bundle.js).
import { loadBundle } from './load-bundle.js';

// A reader that stops early (`moat check --format svg | head`) closes the pipe:
// stop quietly, as other command-line tools do, instead of a stack trace.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

process.exitCode = await loadBundle().exports.main(process.argv);
