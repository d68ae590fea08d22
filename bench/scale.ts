// `moat check`'s proof (src/proof/bundle.ts proveBundle: render, read back,
// analyze) on platforms of 1,000 to 10,000 user services
// (bench/scale-platform.ts), each size in a fresh process: seconds and peak
// RSS, and how they grow from the smallest size (linear: time ratio ≈ size ratio).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
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
  for (const n of sizes) {
    process.stderr.write(`bench: scale ${n} services\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/scale-child.ts'), String(n)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { services: number; seconds: number; peakRssMB: number; matrixRows: number; highProblems: string[] };
    // A proof that could not read a layer back is not a measurement of the proof.
    if (!(r.seconds > 0) || !(r.matrixRows > n) || r.highProblems.length > 0) throw new Error(`scale: ${n} services gave no proof: ${out.slice(0, 500)}`);
    points.push({ services: n, seconds: round3(r.seconds), peakRssMB: Math.round(r.peakRssMB), matrixRows: r.matrixRows });
  }
  const first = points[0];
  return points.map((p) => ({ ...p, growthVsLinear: first ? round3(p.seconds / first.seconds / (p.services / first.services)) : Number.NaN }));
}
