#!/usr/bin/env node
// The bundled CLI (scripts/bundle.mjs; npm's `prepare` builds dist/ on install).
import { main } from '../dist/moat.js';

process.exitCode = await main(process.argv);
