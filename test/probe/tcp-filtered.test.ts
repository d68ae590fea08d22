// Both sweep engines on a real default-drop host: two network namespaces of
// the test's own (moat-tcpf-*, a veth between them, no link to the root
// namespace), nftables dropping every port but one listener and one reset.
// Each engine must see the same thing port by port: the listener open, the
// reset closed, everything else filtered.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const A = `moat-tcpf-${process.pid}-a`;
const B = `moat-tcpf-${process.pid}-b`;
const TARGET = '192.0.2.10';
const OPEN = 2222;
const RESET = 2500;
const PORTS = '1-3000';
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
let listener: ChildProcess | undefined;

beforeAll(async () => {
  ip('netns', 'add', A);
  ip('netns', 'add', B);
  ip('link', 'add', 'moat-tcpfa', 'netns', A, 'type', 'veth', 'peer', 'name', 'moat-tcpfb', 'netns', B);
  ip('-n', A, 'addr', 'add', '192.0.2.1/24', 'dev', 'moat-tcpfa');
  ip('-n', B, 'addr', 'add', `${TARGET}/24`, 'dev', 'moat-tcpfb');
  for (const [ns, dev] of [
    [A, 'moat-tcpfa'],
    [B, 'moat-tcpfb'],
  ] as const) {
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  execFileSync('ip', ['netns', 'exec', B, 'nft', '-f', '-'], {
    input: `table inet moat_tcpf {\n chain input {\n  type filter hook input priority 0; policy drop;\n  ct state established,related accept\n  iif lo accept\n  tcp dport ${OPEN} accept\n  tcp dport ${RESET} reject with tcp reset\n }\n}\n`,
  });
  listener = spawn(
    'ip',
    ['netns', 'exec', B, process.execPath, '-e', `require('net').createServer((s) => s.destroy()).listen(${OPEN}, '${TARGET}', () => console.log('ready'))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    listener?.stdout?.once('data', () => resolve());
    listener?.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
  });
});

afterAll(() => {
  if (listener?.pid !== undefined && listener.exitCode === null) listener.kill();
  for (const ns of [A, B]) {
    try {
      ip('netns', 'delete', ns);
    } catch {
      /* already gone */
    }
  }
});

function sweepFromA(engine: 'auto' | 'socket'): { open: number[]; closed: number; filtered: number; unreachable: number } {
  const script = `import { tcpSweep, parsePortList } from ${JSON.stringify(join(ROOT, 'src/probe/tcp.ts'))};
const r = await tcpSweep({ host: '${TARGET}', ports: parsePortList('${PORTS}'), timeoutMs: 250, concurrency: 600, engine: '${engine}' });
console.log(JSON.stringify(r));`;
  const out = execFileSync('ip', ['netns', 'exec', A, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as { open: number[]; closed: number; filtered: number; unreachable: number };
}

describe('tcp sweep of a default-drop host in network namespaces', () => {
  it('the callback lanes (bare handle) and net.Socket see the same ports, port by port', () => {
    const lanes = sweepFromA('auto');
    const socket = sweepFromA('socket');
    for (const r of [lanes, socket]) {
      expect(r.open).toEqual([OPEN]);
      expect(r.closed).toBe(1);
      expect(r.filtered).toBe(3000 - 2);
      expect(r.unreachable).toBe(0);
    }
  });
});
