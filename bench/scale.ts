// `moat check`'s proof (src/proof/bundle.ts proveBundle: render, read back,
// analyze) on platforms of 1,000 to 10,000 user services
// (bench/scale-platform.ts), each size in a fresh process: seconds and peak
// RSS, and how they grow from the smallest size (linear: time ratio ≈ size ratio).
// The child runs bundled by esbuild, as the published CLI is (scripts/bundle.mjs):
// under tsx, its loader alone held ~55 MB of the peak RSS and compiled the
// sources in the measured process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { round3 } from './stats.js';

export const SCALE_SIZES = [1000, 2000, 5000, 10000] as const;

export interface ScalePoint {
  readonly services: number;
  readonly seconds: number;
  readonly peakRssMB: number;
  readonly matrixRows: number;
  /** seconds ÷ seconds at the smallest size, over services ÷ the smallest size (1 = linear). */
  readonly growthVsLinear: number;
}

export function benchScale(root: string, sizes: readonly number[] = SCALE_SIZES): ScalePoint[] {
  const points: Omit<ScalePoint, 'growthVsLinear'>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'moat-bench-scale-'));
  const child = join(dir, 'scale-child.mjs');
  try {
    buildSync({
      entryPoints: [join(root, 'bench/scale-child.ts')],
      outfile: child,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire as __moatRequire } from 'node:module'; const require = __moatRequire(import.meta.url);" },
      logLevel: 'warning',
    });
    for (const n of sizes) points.push(measure(child, root, n));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const first = points[0];
  return points.map((p) => ({ ...p, growthVsLinear: first ? round3(p.seconds / first.seconds / (p.services / first.services)) : Number.NaN }));
}

function measure(child: string, root: string, n: number): Omit<ScalePoint, 'growthVsLinear'> {
  process.stderr.write(`bench: scale ${n} services\n`);
  const out = execFileSync(process.execPath, [child, String(n)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    services: number;
    seconds: number;
    peakRssMB: number;
    matrixRows: number;
    highProblems: string[];
  };
  // A proof that could not read a layer back is not a measurement of the proof.
  if (!(r.seconds > 0) || !(r.matrixRows > n) || r.highProblems.length > 0) throw new Error(`scale: ${n} services gave no proof: ${out.slice(0, 500)}`);
  return { services: n, seconds: round3(r.seconds), peakRssMB: Math.round(r.peakRssMB), matrixRows: r.matrixRows };
}
