// Stubs of the platform APIs the console calls, on loopback, speaking their
// documented APIs: signal-cli-rest-api 0.100's GET /v1/qrcodelink/raw
// (→ {"device_link_uri": "sgnl://linkdevice?…"}), rclone's rc POST /core/stats
// behind basic auth (https://rclone.org/rc/#core-stats), and an app health
// endpoint that answers 200 or 503 as the test says. Ollama's is
// test/deploy/ollama-stub.ts. Plus the snapshot and the topology moat writes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleSnapshot } from '../../src/console/snapshot.js';

export const LINK_URI = 'sgnl://linkdevice?uuid=moat-stub-Zm9vYmFy&pub_key=BQ%2Bstub%2Bkey%3D';
export const RC_USER = 'moat';
export const RC_PASS = 'rc-password-of-the-test';

export interface PlatformApiStub {
  readonly url: string;
  readonly requests: string[];
  /** The health endpoint's answer (/health/<app>). */
  healthy: Set<string>;
  close(): Promise<void>;
}

/**
 * `listen`: where it answers (default: a free loopback port); one stub can answer on several addresses.
 * `onRequest`: told of each request as it arrives, before it is answered.
 */
export async function startPlatformApiStub(
  listen: readonly { readonly host: string; readonly port: number }[] = [{ host: '127.0.0.1', port: 0 }],
  onRequest: (request: string) => void = () => undefined,
): Promise<PlatformApiStub> {
  const requests: string[] = [];
  const healthy = new Set<string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
    const request = `${req.method} ${url.pathname}${url.search}`;
    requests.push(request);
    onRequest(request);
    if (req.method === 'GET' && url.pathname === '/v1/qrcodelink/raw') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ device_link_uri: LINK_URI }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/core/stats') {
      const expected = `Basic ${Buffer.from(`${RC_USER}:${RC_PASS}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"authentication required"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: 123456, transfers: 7, errors: 0, checks: 7 }));
      return;
    }
    const app = /^\/health\/([a-z0-9-]+)$/.exec(url.pathname)?.[1];
    if (app !== undefined) {
      res.writeHead(healthy.has(app) ? 200 : 503).end();
      return;
    }
    res.writeHead(404).end();
  });
  const servers = [server, ...listen.slice(1).map(() => createServer((req, res) => server.emit('request', req, res)))];
  await Promise.all(servers.map((s, i) => new Promise<void>((resolve) => s.listen(listen[i]?.port ?? 0, listen[i]?.host ?? '127.0.0.1', resolve))));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen[0]?.host ?? '127.0.0.1'}:${port}`,
    requests,
    healthy,
    close: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined),
  };
}

/** A snapshot as moat writes it, its file, and a topology file, in a moat- temp dir. */
export function writeSnapshot(
  snapshot: ConsoleSnapshot,
  topology = '<svg xmlns="http://www.w3.org/2000/svg"/>',
): { dir: string; snapshotFile: string; topologyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'moat-console-'));
  const snapshotFile = join(dir, 'status.json');
  const topologyFile = join(dir, 'topology.svg');
  writeFileSync(snapshotFile, JSON.stringify(snapshot));
  writeFileSync(topologyFile, topology);
  return { dir, snapshotFile, topologyFile };
}

export function sampleSnapshot(apiUrl: string): ConsoleSnapshot {
  return {
    version: 1,
    project: 'ai-platform',
    generatedAt: '2026-12-02T12:00:00Z',
    apps: [
      { name: 'n8n', title: 'n8n', url: 'https://ai-host.example.ts.net:8443/n8n/', healthUrl: `${apiUrl}/health/n8n`, health: 'healthy' },
      {
        name: 'anythingllm',
        title: 'AnythingLLM <the "knowledge"> & co',
        url: 'https://ai-host.example.ts.net:8444/',
        healthUrl: `${apiUrl}/health/anythingllm`,
        health: 'unknown',
      },
      { name: 'ollama', title: 'Ollama', health: 'healthy' },
    ],
    certificate: { name: 'ai-host.example.ts.net', notAfter: '2027-02-01T00:00:00Z' },
    lastBackup: { at: '2026-12-01T03:00:00Z', result: 'ok', summary: '14 parts, 2.1 GB' },
    matrix: [{ zone: 'tailnet', address: '100.64.0.10', port: 8443, protocol: 'tcp', verdict: 'open', decidedBy: 'tailnet', service: 'nginx' }],
  };
}
