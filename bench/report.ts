// bench/results.md from bench/results.json's data.
import { median } from './stats.js';

export interface ProxyResult {
  readonly name: string;
  readonly label: string;
  readonly eventMedianMs: number;
  readonly eventP99Ms: number;
  readonly events: number;
  readonly requestsPerSecond: number;
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
  readonly machine: { readonly cpus: number; readonly node: string; readonly loadAverage1mAtStart: number };
  readonly stream: { readonly events: number; readonly intervalMs: number; readonly rounds: number };
  readonly wrk: { readonly seconds: number; readonly threads: number; readonly connections: number };
  readonly proxies: readonly ProxyResult[];
  readonly gatewayAddedMedianMs: number;
  readonly sweep: SweepResult;
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
    '',
    '## Streamed events and request rate',
    '',
    `Per-event latency: the stub stamps each of ${r.stream.events} SSE events (one every ${r.stream.intervalMs} ms, ${r.stream.rounds} rounds per proxy, interleaved) with the machine's monotonic clock when it writes it; the client, in the services' namespace, subtracts it from the arrival time. Request rate: \`wrk -t${r.wrk.threads} -c${r.wrk.connections} -d${r.wrk.seconds}s\` on the health endpoint through the same path.`,
    '',
    '| path | event latency median (ms) | p99 (ms) | requests/s |',
    '| --- | ---: | ---: | ---: |',
    ...r.proxies.map((p) => `| ${p.label} | ${p.eventMedianMs} | ${p.eventP99Ms} | ${p.requestsPerSecond} |`),
    '',
    `moat's gateway adds **${r.gatewayAddedMedianMs} ms** (median) to each streamed event over direct.`,
    '',
    '## Full TCP sweep: moat probe vs nmap',
    '',
    `Target: the lab host ${s.target} (nftables input policy drop) from the ${s.vantage} vantage, all 65535 TCP ports; ${s.moatSeconds.length} runs each, wall-clock time of the whole command.`,
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
