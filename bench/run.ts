// `npm run bench`: in one lab, on the same stubs,
//  1. per-event latency of a streamed response and proxied request rate through
//     (a) the stub directly, (b) moat's gateway, (c) nginx with default
//     buffering, (d) Caddy as a reverse proxy;
//  2. a full TCP sweep of the default-drop lab host by `moat probe` against
//     `nmap -sT -p- -T4 --min-rate 10000 --max-retries 1`, compared port by port.
// Writes bench/results.json and bench/results.md. Loopback and lab namespaces only.
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { nextFreeAddress } from '../src/model/addressing.js';
import type { ProbeReport } from '../src/probe/index.js';
import { DECOY_PORT, type Lab, ROOT, startLab, TARGET } from '../test/support/lab.js';
import { inNs, requireTools, run } from '../test/support/lab-net.js';
import { startInNs } from '../test/support/lab-procs.js';
import { caddyfile, nginxDefaultConfig, type ProxyTarget } from './proxies.js';
import { type BenchResults, checkResults, type ProxyResult, renderMarkdown, type SweepResult, type WrkResult } from './report.js';
import { benchScale } from './scale.js';
import { benchStartup } from './startup.js';
import { median, p99, round3 } from './stats.js';

const STREAM_EVENTS = 200;
const STREAM_INTERVAL_MS = 10;
const STREAM_ROUNDS = 3;
const WRK_SECONDS = 5;
const SWEEP_ROUNDS = 3;
const SWEEP_TIMEOUT_MS = 300;
const SWEEP_CONCURRENCY = 8000;

interface Target {
  readonly name: string;
  readonly label: string;
  readonly base: { host: string; port: number; tls: boolean; servername?: string };
  readonly prefix: string;
  readonly wrkUrl: string;
}

async function main(): Promise<void> {
  requireTools(['wrk', 'nmap', 'caddy', 'nginx']);
  const started = new Date();
  const load = loadavg();
  // Before the lab exists, so its processes do not load these measures.
  process.stderr.write('bench: startup\n');
  const startup = benchStartup(ROOT);
  const scale = benchScale(ROOT);
  const lab = await startLab();
  try {
    const targets = await startProxies(lab);
    const proxies: ProxyResult[] = [];
    const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    // Interleave rounds so that a noisy moment hurts every target alike.
    for (let round = 0; round < STREAM_ROUNDS; round++) {
      for (const t of targets) {
        const [r] = await lab.client<{ status: number; events: unknown[]; latenciesMs: number[]; error?: string }[]>(lab.ns.svc, [
          { op: 'stream', path: `${t.prefix}/v1/stream?n=${STREAM_EVENTS}&interval=${STREAM_INTERVAL_MS}`, ...t.base },
        ]);
        if (r?.status !== 200 || r.latenciesMs.length !== STREAM_EVENTS) throw new Error(`${t.name}: stream failed: ${JSON.stringify(r).slice(0, 500)}`);
        samples.get(t.name)?.push(...r.latenciesMs);
      }
    }
    for (const t of targets) {
      const lat = samples.get(t.name) ?? [];
      process.stderr.write(`bench: ${t.name}: wrk ${WRK_SECONDS}s\n`);
      const w = wrk(lab, t);
      proxies.push({
        name: t.name,
        label: t.label,
        eventMedianMs: round3(median(lat)),
        eventP99Ms: round3(p99(lat)),
        events: lat.length,
        requestsPerSecond: w.requestsPerSecond,
        wrk: w,
      });
    }
    const sweep = await sweeps(lab);
    const direct = proxies.find((p) => p.name === 'direct');
    const gateway = proxies.find((p) => p.name === 'moat-gateway');
    const caddy = proxies.find((p) => p.name === 'caddy');
    const sweepBound = (SWEEP_TIMEOUT_MS / 1000) * Math.ceil(65535 / SWEEP_CONCURRENCY);
    const added = (p: ProxyResult | undefined): number => (p && direct ? p.eventMedianMs - direct.eventMedianMs : Number.NaN);
    const results: BenchResults = {
      startedAt: started.toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAverage1mAtStart: round3(load[0] ?? 0), loadAverage1mAtEnd: round3(loadavg()[0] ?? 0) },
      ratios: {
        helpToNode: startup.helpRatio,
        checkToNode: startup.checkRatio,
        gatewayToCaddyRequests: gateway && caddy ? round3(gateway.requestsPerSecond / caddy.requestsPerSecond) : Number.NaN,
        gatewayToCaddyAddedLatency: round3(added(gateway) / added(caddy)),
        sweepToBound: round3(median(sweep.moatSeconds) / sweepBound),
        sweepToNmap: round3(median(sweep.moatSeconds) / median(sweep.nmapSeconds)),
      },
      startup,
      scale,
      sweepBoundSeconds: round3(sweepBound),
      stream: { events: STREAM_EVENTS, intervalMs: STREAM_INTERVAL_MS, rounds: STREAM_ROUNDS },
      wrk: { seconds: WRK_SECONDS, threads: 2, connections: 32 },
      proxies,
      gatewayAddedMedianMs: direct && gateway ? round3(gateway.eventMedianMs - direct.eventMedianMs) : Number.NaN,
      sweep,
    };
    mkdirSync(join(ROOT, 'bench'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(ROOT, 'bench/results.md'), renderMarkdown(results));
    process.stdout.write(renderMarkdown(results));
    // A benchmark that cannot lie: a path that served nothing, any error, or a missing number fails the run.
    const failures = checkResults(results);
    if (failures.length > 0) {
      process.stderr.write(`bench: FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
      process.exitCode = 1;
    }
  } finally {
    await lab.close();
  }
}

async function startProxies(lab: Lab): Promise<Target[]> {
  const n8n = lab.platform.services.find((s) => s.name === 'n8n');
  const gateway = lab.platform.services.find((s) => s.name === lab.platform.gateway.service);
  if (!n8n || !gateway) throw new Error('the bench needs n8n and the gateway in the platform');
  const upstream = `${n8n.address}:${n8n.ports[0]?.port ?? 5678}`;
  const cert = join(lab.dir, 'tls/gateway.crt');
  const key = join(lab.dir, 'tls/gateway.key');
  // Two more addresses on the platform network, for the two other proxies: free ones, found as `moat add
  // service` finds them (a fixed pair once collided with the console's 172.20.0.3 and the run died).
  const nginxAddress = nextFreeAddress(lab.platform);
  const caddyAddress =
    nginxAddress === undefined ? undefined : nextFreeAddress({ ...lab.platform, services: [...lab.platform.services, { ...n8n, address: nginxAddress }] });
  const prefixLength = lab.platform.networks[0]?.subnet.split('/')[1];
  if (nginxAddress === undefined || caddyAddress === undefined || prefixLength === undefined)
    throw new Error('the bench needs two free IPv4 addresses on the platform network');
  for (const a of [nginxAddress, caddyAddress]) inNs(lab.ns.svc, 'ip', ['addr', 'add', `${a}/${prefixLength}`, 'dev', 'moat-svc0']);
  const port = lab.platform.gateway.listenPort;
  const common = { port, upstream, prefix: '/n8n', cert, key };
  for (const sub of ['cache', 'logs']) mkdirSync(join(lab.dir, 'nginx-default', sub), { recursive: true, mode: 0o777 });
  run('chmod', ['-R', '0777', join(lab.dir, 'nginx-default')]);
  await lab.startNginx('nginx-default', nginxDefaultConfig(lab.dir, { ...common, address: nginxAddress } satisfies ProxyTarget));
  const caddyDir = join(lab.dir, 'caddy');
  mkdirSync(caddyDir, { recursive: true });
  const caddyConf = join(caddyDir, 'Caddyfile');
  writeFileSync(caddyConf, caddyfile({ ...common, address: caddyAddress }));
  const caddy = startInNs(lab.dir, lab.ns.svc, 'caddy', 'caddy', ['run', '--config', caddyConf, '--adapter', 'caddyfile'], {
    HOME: caddyDir,
    XDG_DATA_HOME: caddyDir,
    XDG_CONFIG_HOME: caddyDir,
  });
  lab.processes.push(caddy);
  const servername = lab.servername;
  // wrk connects by the URL's host and sends it as SNI; the gateway refuses a
  // handshake without a name it serves, so wrk must use the name. `ip netns
  // exec` bind-mounts /etc/netns/<ns>/hosts over /etc/hosts (ip-netns(8)); the
  // lab writes that file for the services and removes it when it closes.
  appendFileSync(`/etc/netns/${lab.ns.svc}/hosts`, `${gateway.address} ${servername}\n`);
  const targets: Target[] = [
    {
      name: 'direct',
      label: '(a) direct to the stub (HTTP)',
      base: { host: n8n.address, port: n8n.ports[0]?.port ?? 5678, tls: false },
      prefix: '',
      wrkUrl: `http://${upstream}/healthz`,
    },
    {
      name: 'moat-gateway',
      label: "(b) moat's gateway (nginx, rendered config)",
      base: { host: gateway.address, port, tls: true, servername },
      prefix: '/n8n',
      wrkUrl: `https://${servername}:${port}/n8n/healthz`,
    },
    {
      name: 'nginx-default',
      label: '(c) nginx, default buffering',
      base: { host: nginxAddress, port, tls: true, servername },
      prefix: '/n8n',
      wrkUrl: `https://${nginxAddress}:${port}/n8n/healthz`,
    },
    {
      name: 'caddy',
      label: '(d) Caddy reverse_proxy',
      base: { host: caddyAddress, port, tls: true, servername },
      prefix: '/n8n',
      wrkUrl: `https://${caddyAddress}:${port}/n8n/healthz`,
    },
  ];
  // Every target answers before anything is measured.
  for (const t of targets) {
    let ok = false;
    for (let i = 0; i < 40 && !ok; i++) {
      const [r] = await lab.client<{ status: number }[]>(lab.ns.svc, [{ op: 'get', path: `${t.prefix}/healthz`, ...t.base, timeoutMs: 2000 }]);
      ok = r?.status === 200;
      if (!ok) await new Promise((res) => setTimeout(res, 250));
    }
    if (!ok) throw new Error(`${t.name} does not answer:\n${caddy.output().slice(-2000)}`);
  }
  return targets;
}

function wrk(lab: Lab, t: Target): WrkResult {
  const out = inNs(lab.ns.svc, 'wrk', ['-t2', '-c32', `-d${WRK_SECONDS}s`, '-H', `Host: ${lab.servername}`, t.wrkUrl]);
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  return {
    url: t.wrkUrl,
    requestsPerSecond: rps === undefined ? Number.NaN : Math.round(Number(rps)),
    requests: num(/(\d+) requests in/),
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/),
    socketErrors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    ...(rps === undefined ? { output: out.slice(-1000) } : {}),
  };
}

async function sweeps(lab: Lab): Promise<SweepResult> {
  // From the admin vantage: a default-drop host with exactly one open port (22).
  const target = TARGET.admin;
  const moatMs: number[] = [];
  const nmapMs: number[] = [];
  let moatOpen: number[] = [];
  let nmapOpen: number[] = [];
  let nmapFiltered = 0;
  let moatFiltered = 0;
  // The table quotes these arrays, so it states the flags that were measured.
  // moat's defaults (--timeout 1000 --concurrency 4000) are sized for a real
  // internet host and sweep slower; the benchmark sets both, and says so.
  const moatArgs = ['probe', target, '--as', 'admin', '--ports', 'all', '--timeout', String(SWEEP_TIMEOUT_MS), '--concurrency', String(SWEEP_CONCURRENCY)];
  const nmapArgs = ['-sT', '-p-', '-T4', '--min-rate', '10000', '--max-retries', '1', '-n', '-Pn', target];
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    process.stderr.write(`bench: sweep round ${round + 1}\n`);
    let t0 = performance.now();
    const { stdout } = await publishedMoat(lab.ns.admin, [...moatArgs, '--format', 'json']);
    moatMs.push(performance.now() - t0);
    const report = JSON.parse(stdout) as ProbeReport;
    moatOpen = [...report.tcp.open];
    moatFiltered = report.tcp.filtered;
    t0 = performance.now();
    const grep = inNs(lab.ns.admin, 'nmap', [...nmapArgs.slice(0, -1), '-oG', '-', target]);
    nmapMs.push(performance.now() - t0);
    nmapOpen = [...grep.matchAll(/(\d+)\/open\/tcp/g)].map((m) => Number(m[1]));
    nmapFiltered = Number(/Ignored State: filtered \((\d+)\)/.exec(grep)?.[1] ?? 0);
  }
  const a = new Set(moatOpen);
  const b = new Set(nmapOpen);
  const differences = Array.from({ length: 65535 }, (_, i) => i + 1).filter((p) => a.has(p) !== b.has(p));
  return {
    target,
    vantage: 'admin',
    moatCommand: ['moat', ...moatArgs].join(' '),
    nmapCommand: ['nmap', ...nmapArgs].join(' '),
    moatSeconds: moatMs.map((ms) => round3(ms / 1000)),
    nmapSeconds: nmapMs.map((ms) => round3(ms / 1000)),
    moatOpen,
    nmapOpen,
    moatFiltered,
    nmapFiltered,
    portDifferences: differences,
    decoyPort: DECOY_PORT,
  };
}

/** The published CLI (bin/moat.js → the bundle this run built), as users run it: the lab's own runner goes through tsx. */
function publishedMoat(ns: string, args: readonly string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'ip',
      ['netns', 'exec', ns, process.execPath, join(ROOT, 'bin/moat.js'), ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 300_000, cwd: ROOT },
      (error, stdout, stderr) => {
        // Exit 1 means findings, and the report is still on stdout; anything else is a failed run.
        if (error && error.code !== 1) reject(new Error(`moat ${args.join(' ')}: ${error.message}\n${stderr}`));
        else resolve({ stdout });
      },
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
