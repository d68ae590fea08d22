#!/usr/bin/env node
// The bundled CLI (scripts/bundle.mjs; npm's `prepare` builds dist/ on install),
// compiled with the code cache the build wrote (bin/load-bundle.js).
import { loadBundle } from './load-bundle.js';

process.exitCode = await loadBundle().exports.main(process.argv);
