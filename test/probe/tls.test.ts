// TLS inspection against real TLS servers on loopback with a certificate made
// by openssl for the test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateCovers, inspectTls } from '../../src/probe/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'moat-tls-'));
const servers: tls.Server[] = [];
let cert = '';
let key = '';

function serve(options: tls.TlsOptions): Promise<number> {
  return new Promise((resolve) => {
    const server = tls.createServer({ cert, key, ...options }, (s) => s.end());
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

beforeAll(() => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-days',
      '30',
      '-subj',
      '/CN=ai-platform.example.ts.net',
      '-addext',
      'subjectAltName=DNS:ai-platform.example.ts.net,IP:100.64.0.10',
    ],
    { stdio: 'pipe' },
  );
  cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  key = readFileSync(join(dir, 'k.pem'), 'utf8');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe('inspectTls', () => {
  it('lists exactly the protocol versions the server accepts, and the certificate', async () => {
    const port = await serve({ minVersion: 'TLSv1.2' });
    const report = await inspectTls('127.0.0.1', port, 'ai-platform.example.ts.net');
    expect(report.accepted).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(report.certificate?.names).toEqual(['ai-platform.example.ts.net', '100.64.0.10']);
    expect(report.certificate?.daysLeft).toBeGreaterThanOrEqual(28);
    expect(report.certificate?.daysLeft).toBeLessThanOrEqual(30);
  });
  it('sees a server that stops at TLS 1.2', async () => {
    const port = await serve({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    expect((await inspectTls('127.0.0.1', port)).accepted).toEqual(['TLSv1.2']);
  });
  it('reports no version and the error when nothing speaks TLS', async () => {
    const plain = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const port = await new Promise<number>((r) => plain.listen(0, '127.0.0.1', () => r((plain.address() as net.AddressInfo).port)));
    try {
      const report = await inspectTls('127.0.0.1', port);
      expect(report.accepted).toEqual([]);
      expect(report.error).toBeTruthy();
    } finally {
      plain.close();
    }
  });
});

describe('certificateCovers', () => {
  it('matches exact names and one-label wildcards only', () => {
    expect(certificateCovers(['ai-platform.example.ts.net'], 'AI-platform.example.ts.net')).toBe(true);
    expect(certificateCovers(['*.example.ts.net'], 'ai-platform.example.ts.net')).toBe(true);
    expect(certificateCovers(['*.ts.net'], 'ai-platform.example.ts.net')).toBe(false);
    expect(certificateCovers(['other.example.ts.net'], 'ai-platform.example.ts.net')).toBe(false);
  });
});
