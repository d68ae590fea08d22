// bench/results.md from bench/results.json's data, and the checks that fail
// `npm run bench` when a number is missing or a path served errors.
import type { ScalePoint } from './scale.js';
import type { StartupResult } from './startup.js';
import { median } from './stats.js';

export interface WrkResult {
  readonly url: string;
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly non2xx: number;
  /** connect + read + write + timeout, as wrk counts them. */
  readonly socketErrors: number;
  /** wrk's output, when it printed no rate. */
  readonly output?: string;
}

export interface ProxyResult {
  readonly name: string;
  readonly label: string;
  readonly eventMedianMs: number;
  readonly eventP99Ms: number;
  readonly events: number;
  readonly requestsPerSecond: number;
  readonly wrk: WrkResult;
}

/** The issue's measures, each a ratio measured in this run. */
export interface Ratios {
  readonly helpToNode: number;
  readonly checkToNode: number;
  readonly gatewayToCaddyRequests: number;
  readonly gatewayToCaddyAddedLatency: number;
  readonly sweepToBound: number;
  readonly sweepToNmap: number;
}

export interface SweepResult {
  readonly target: string;
  readonly vantage: string;
  readonly moatCommand: string;
  readonly nmapCommand: string;
  readonly moatSeconds: readonly number[];
  readonly nmapSeconds: readonly number[];
  readonly moatOpen: readonly number[];
  readonly nmapOpen: readonly number[];
  readonly moatFiltered: number;
  readonly nmapFiltered: number;
  readonly portDifferences: readonly number[];
  readonly decoyPort: number;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly loadAverage1mAtStart: number; readonly loadAverage1mAtEnd: number };
  readonly ratios: Ratios;
  readonly startup: StartupResult;
  readonly scale: readonly ScalePoint[];
  readonly sweepBoundSeconds: number;
  readonly stream: { readonly events: number; readonly intervalMs: number; readonly rounds: number };
  readonly wrk: { readonly seconds: number; readonly threads: number; readonly connections: number };
  readonly proxies: readonly ProxyResult[];
  readonly gatewayAddedMedianMs: number;
  readonly sweep: SweepResult;
}

const TARGETS: readonly { key: keyof Ratios; label: string; target: number; better: 'lower' | 'higher' }[] = [
  { key: 'helpToNode', label: '`moat --help` ÷ `node -e 0` (whole process)', target: 1.5, better: 'lower' },
  { key: 'checkToNode', label: '`moat check` (built-in platform) ÷ `node -e 0`', target: 2.5, better: 'lower' },
  { key: 'gatewayToCaddyRequests', label: 'gateway req/s ÷ Caddy req/s', target: 1.0, better: 'higher' },
  { key: 'gatewayToCaddyAddedLatency', label: 'streamed event latency added over direct, gateway ÷ Caddy', target: 1.0, better: 'lower' },
  { key: 'sweepToBound', label: 'full sweep ÷ its bound (timeout × ⌈ports/concurrency⌉)', target: 1.15, better: 'lower' },
  { key: 'sweepToNmap', label: 'full sweep ÷ nmap', target: 0.25, better: 'lower' },
];

const met = (value: number, t: (typeof TARGETS)[number]): boolean => (t.better === 'lower' ? value <= t.target : value >= t.target);

/** What makes the run a failure: a path that served nothing, any error, a number missing. (Missing a target is not.) */
export function checkResults(r: BenchResults): string[] {
  const failures: string[] = [];
  for (const p of r.proxies) {
    if (!(p.wrk.requestsPerSecond > 0) || p.wrk.requests === 0)
      failures.push(`${p.name}: wrk served no requests (${p.wrk.url})${p.wrk.output ? `:\n${p.wrk.output}` : ''}`);
    if (p.wrk.non2xx > 0) failures.push(`${p.name}: ${p.wrk.non2xx} non-2xx/3xx responses of ${p.wrk.requests}`);
    if (p.wrk.socketErrors > 0) failures.push(`${p.name}: ${p.wrk.socketErrors} socket errors (connect/read/write/timeout)`);
    if (p.events === 0 || !Number.isFinite(p.eventMedianMs)) failures.push(`${p.name}: no streamed events measured`);
  }
  for (const name of ['direct', 'moat-gateway', 'nginx-default', 'caddy']) if (!r.proxies.some((p) => p.name === name)) failures.push(`${name}: no result`);
  for (const t of TARGETS) if (!Number.isFinite(r.ratios[t.key])) failures.push(`ratio ${t.key} is missing`);
  for (const [k, v] of Object.entries(r.startup.seconds)) if (!(v > 0)) failures.push(`startup ${k}: no time`);
  if (r.scale.length === 0) failures.push('scale: no result');
  if (r.sweep.moatSeconds.length === 0 || r.sweep.nmapSeconds.length === 0) failures.push('sweep: no result');
  if (r.sweep.portDifferences.length > 0) failures.push(`sweep: moat and nmap differ on ports ${r.sweep.portDifferences.join(', ')}`);
  return failures;
}

export function renderMarkdown(r: BenchResults): string {
  const s = r.sweep;
  const moatMedian = median(s.moatSeconds);
  const nmapMedian = median(s.nmapSeconds);
  const lines = [
    '# moat benchmarks',
    '',
    `Written by \`npm run bench\` (bench/run.ts) on ${r.startedAt}: ${r.machine.cpus} CPUs, Node ${r.machine.node}, 1-minute load average ${r.machine.loadAverage1mAtStart} at the start.`,
    'Everything runs in the lab (test/support/lab.ts): network namespaces on one machine, the same app stubs for every proxy.',
    `1-minute load average ${r.machine.loadAverage1mAtEnd} at the end. The machine is shared: ratios within one run are the figures to compare, absolute times are not.`,
    '',
    '## The measures and their targets',
    '',
    '| measure | this run | target | met |',
    '| --- | ---: | ---: | --- |',
    ...TARGETS.map((t) => `| ${t.label} | ${r.ratios[t.key]} | ${t.better === 'lower' ? '≤' : '≥'} ${t.target} | ${met(r.ratios[t.key], t) ? 'yes' : 'no'} |`),
    ...(() => {
      const last = r.scale.at(-1);
      return last
        ? [
            `| \`moat check\`'s proof at ${last.services} services: seconds, peak RSS | ${last.seconds} s, ${last.peakRssMB} MB | ≤ 1 s, ≤ 150 MB | ${last.seconds <= 1 && last.peakRssMB <= 150 ? 'yes' : 'no'} |`,
          ]
        : [];
    })(),
    '',
    '## Start-up',
    '',
    `Whole process, ${r.startup.tool === 'hyperfine' ? 'hyperfine' : `median of ${r.startup.runs} interleaved spawns`} (bench/startup.ts), after \`node scripts/bundle.mjs\`:`,
    '',
    '| command | seconds (median) | ÷ `node -e 0` |',
    '| --- | ---: | ---: |',
    `| \`node -e 0\` | ${r.startup.seconds.nodeBare} | 1 |`,
    `| \`node bin/moat.js --help\` | ${r.startup.seconds.help} | ${r.startup.helpRatio} |`,
    `| \`node bin/moat.js check\` (built-in platform) | ${r.startup.seconds.check} | ${r.startup.checkRatio} |`,
    '',
    '## `moat check` at scale',
    '',
    'The proof (`proveBundle`: render, read back, analyze) on the built-in platform plus n user services (bench/scale-platform.ts: one port each on the /16, every tenth routed by the gateway), each size in a fresh process (bundled by esbuild, as the published CLI is). Growth: time ratio to the smallest size over the size ratio (1 = linear).',
    '',
    '| user services | seconds | peak RSS (MB) | matrix rows | growth vs linear |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...r.scale.map((p) => `| ${p.services} | ${p.seconds} | ${p.peakRssMB} | ${p.matrixRows} | ${p.growthVsLinear} |`),
    '',
    '## Streamed events and request rate',
    '',
    `Per-event latency: the stub stamps each of ${r.stream.events} SSE events (one every ${r.stream.intervalMs} ms, ${r.stream.rounds} rounds per proxy, interleaved) with the machine's monotonic clock when it writes it; the client, in the services' namespace, subtracts it from the arrival time. Request rate: \`wrk -t${r.wrk.threads} -c${r.wrk.connections} -d${r.wrk.seconds}s\` on the health endpoint through the same path.`,
    '',
    "wrk reaches moat's gateway by its name (it sends the name as SNI; the gateway refuses a handshake without one), the others by address.",
    '',
    '| path | event latency median (ms) | p99 (ms) | requests/s | requests | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...r.proxies.map(
      (p) => `| ${p.label} | ${p.eventMedianMs} | ${p.eventP99Ms} | ${p.requestsPerSecond} | ${p.wrk.requests} | ${p.wrk.non2xx + p.wrk.socketErrors} |`,
    ),
    '',
    `moat's gateway adds **${r.gatewayAddedMedianMs} ms** (median) to each streamed event over direct.`,
    '',
    '## Full TCP sweep: moat probe vs nmap',
    '',
    `Target: the lab host ${s.target} (nftables input policy drop) from the ${s.vantage} vantage, all 65535 TCP ports; ${s.moatSeconds.length} runs each, wall-clock time of the whole command (moat's published CLI, bin/moat.js). The bound for moat's flags (timeout × ⌈65535 ÷ concurrency⌉) is ${r.sweepBoundSeconds} s.`,
    '',
    '| scanner | seconds (each run) | median | open | filtered |',
    '| --- | --- | ---: | --- | ---: |',
    `| \`${s.moatCommand}\` | ${s.moatSeconds.join(', ')} | ${moatMedian} | ${s.moatOpen.join(', ') || 'none'} | ${s.moatFiltered} |`,
    `| \`${s.nmapCommand}\` | ${s.nmapSeconds.join(', ')} | ${nmapMedian} | ${s.nmapOpen.join(', ') || 'none'} | ${s.nmapFiltered} |`,
    '',
    s.portDifferences.length === 0
      ? `Port by port, both found the same: open ${s.moatOpen.join(', ') || 'none'}, every other port filtered (including the host's decoy listener on ${s.decoyPort}, which the firewall hides).`
      : `Port by port, they differ on: ${s.portDifferences.join(', ')}.`,
    '',
  ];
  return lines.join('\n');
}
