// One size of the scale benchmark, in its own process (so peak RSS is this
// size's alone): build the platform, run `moat check`'s proof, print JSON.
import { proveBundle } from '../src/proof/bundle.js';
import { scalePlatform } from './scale-platform.js';

const n = Number(process.argv[2]);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const proof = proveBundle(scalePlatform(n));
const ms = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({ services: n, seconds: ms / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024, rssBeforeMB: rssBefore / 1e6, matrixRows: proof.matrix.length, findings: proof.findings.length, highProblems: proof.problems.filter((p) => p.severity === 'high').map((p) => p.code) })}\n`,
);
