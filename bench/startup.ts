// Start-up as users wait for it: the whole process of `node -e 0`, `moat
// --help` and `moat check` (built-in platform), spawned in turn, in the same
// run, so the ratios to bare Node say what moat adds on this machine at this
// load. hyperfine when installed, else the median of our own spawns.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, round3 } from './stats.js';

export interface StartupResult {
  readonly tool: 'hyperfine' | 'spawn-median';
  readonly runs: number;
  /** Median wall-clock seconds of each command. */
  readonly seconds: Readonly<Record<'nodeBare' | 'help' | 'check', number>>;
  readonly helpRatio: number;
  readonly checkRatio: number;
}

const RUNS = 15;

export function benchStartup(root: string): StartupResult {
  execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'ignore' });
  const bin = join(root, 'bin/moat.js');
  const commands = { nodeBare: [process.execPath, '-e', '0'], help: [process.execPath, bin, '--help'], check: [process.execPath, bin, 'check'] } as const;
  // Each command must succeed, or its time measures an error path.
  for (const [name, [cmd, ...args]] of Object.entries(commands)) {
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`startup: ${name} (${[cmd, ...args].join(' ')}) exits ${r.status}`);
  }
  const hyperfine = spawnSync('sh', ['-c', 'command -v hyperfine'], { stdio: 'ignore' }).status === 0;
  let seconds: Record<keyof typeof commands, number>;
  if (hyperfine) {
    const out = join(tmpdir(), `moat-bench-startup-${process.pid}.json`);
    try {
      const quoted = Object.values(commands).map((c) => c.map((a) => `'${a}'`).join(' '));
      execFileSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', out, ...quoted], { cwd: root, stdio: 'ignore' });
      const results = (JSON.parse(readFileSync(out, 'utf8')) as { results: { median: number }[] }).results;
      const [a, b, c] = results.map((r) => r.median);
      if (a === undefined || b === undefined || c === undefined) throw new Error('startup: hyperfine wrote no results');
      seconds = { nodeBare: a, help: b, check: c };
    } finally {
      if (existsSync(out)) rmSync(out);
    }
  } else {
    const samples: Record<keyof typeof commands, number[]> = { nodeBare: [], help: [], check: [] };
    // Interleaved, so that a noisy moment hurts every command alike.
    for (let i = 0; i < RUNS + 2; i++) {
      for (const [name, [cmd, ...args]] of Object.entries(commands) as [keyof typeof commands, readonly string[]][]) {
        const t0 = performance.now();
        spawnSync(cmd as string, args, { cwd: root, stdio: 'ignore' });
        if (i >= 2) samples[name].push((performance.now() - t0) / 1000);
      }
    }
    seconds = { nodeBare: median(samples.nodeBare), help: median(samples.help), check: median(samples.check) };
  }
  return {
    tool: hyperfine ? 'hyperfine' : 'spawn-median',
    runs: RUNS,
    seconds: { nodeBare: round3(seconds.nodeBare), help: round3(seconds.help), check: round3(seconds.check) },
    helpRatio: round3(seconds.help / seconds.nodeBare),
    checkRatio: round3(seconds.check / seconds.nodeBare),
  };
}
