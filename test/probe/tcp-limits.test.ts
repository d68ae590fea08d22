// A sweep that runs out of file descriptors must wait for them, not call the
// ports it could not try "filtered": run the CLI with 200 descriptors and
// 1000 connects in flight.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../src/probe/index.js';

const ROOT = join(import.meta.dirname, '../..');
const HOST = '127.77.4.1';
const servers: net.Server[] = [];
const listen = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer((s) => s.destroy());
    servers.push(server);
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
  });

let open = 0;
const closed: number[] = [];
beforeAll(async () => {
  for (let i = 0; i < 1500; i++) {
    closed.push(await listen());
    await new Promise<void>((r) => servers.pop()?.close(() => r()));
  }
  open = await listen();
});
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

describe('tcp sweep under a file descriptor limit', () => {
  it('finds the open port and calls no port filtered (prlimit --nofile=200)', async () => {
    const ports = [...new Set([...closed, open])].join(',');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        'prlimit',
        [
          '--nofile=200:200',
          process.execPath,
          '--import',
          'tsx',
          join(ROOT, 'test/support/lab-moat.ts'),
          'probe',
          HOST,
          '--as',
          'internet',
          '--ports',
          ports,
          '--concurrency',
          '1000',
          '--timeout',
          '2000',
          '--format',
          'json',
        ],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) => {
          // Exit 1 is expected: the open port is a difference from the proof.
          if (error && error.code !== 1) reject(new Error(`${error.message}\n${err}`));
          else resolve(out);
        },
      );
    });
    const report = JSON.parse(stdout) as ProbeReport;
    expect(report.tcp.open).toEqual([open]);
    expect(report.tcp.filtered).toBe(0);
  }, 60_000);
});
