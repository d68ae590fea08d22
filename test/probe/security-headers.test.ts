// The probe checks every security header the gateway adds, by name and value:
// the list is catalog/security-headers.ts, and it must be what the rendered
// gateway config actually adds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { SECURITY_HEADERS } from '../../src/catalog/security-headers.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { checkSecurityHeaders, httpGet } from '../../src/probe/http.js';
import { renderGatewayNginx } from '../../src/render/gateway-nginx.js';

const HOST = '127.77.3.1';
let server: http.Server;
let port = 0;
// Each test path answers with the headers given for it.
const responses: Record<string, Record<string, string>> = {};
beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(200, responses[req.url ?? ''] ?? {});
    res.end('ok');
  });
  port = await new Promise<number>((r) => server.listen(0, HOST, () => r((server.address() as AddressInfo).port)));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const all = (): Record<string, string> => Object.fromEntries(SECURITY_HEADERS.map((h) => [h.name, h.value]));

describe('security headers', () => {
  it('the catalog lists exactly the headers and values the rendered gateway adds (X-Accel-Buffering aside)', () => {
    const conf = renderGatewayNginx(normalizePlatform(referencePlatform()), {})
      .files.map((f) => f.content)
      .join('\n');
    const added = new Map<string, string>();
    for (const m of conf.matchAll(/add_header\s+(\S+)\s+"?([^";]*?)"?\s+always;/g)) added.set(m[1] ?? '', m[2] ?? '');
    added.delete('X-Accel-Buffering');
    expect([...added].sort()).toEqual(SECURITY_HEADERS.map((h) => [h.name, h.value]).sort());
    expect(SECURITY_HEADERS.map((h) => h.name)).toContain('X-Frame-Options');
  });

  it('a response without X-Frame-Options (the header the probe used to skip) is missing it', async () => {
    const { 'X-Frame-Options': _, ...three } = all();
    responses['/three'] = three;
    const response = await httpGet({ host: HOST, port, tls: false }, '/three');
    expect(checkSecurityHeaders(response.headers)).toEqual({ missing: ['x-frame-options'], wrong: [] });
  });

  it('a header with another value than the gateway sets is wrong, and all four right is clean', async () => {
    responses['/weak'] = { ...all(), 'Strict-Transport-Security': 'max-age=0' };
    const weak = await httpGet({ host: HOST, port, tls: false }, '/weak');
    expect(checkSecurityHeaders(weak.headers)).toEqual({
      missing: [],
      wrong: [{ name: 'strict-transport-security', expected: 'max-age=63072000', actual: 'max-age=0' }],
    });
    responses['/good'] = all();
    const good = await httpGet({ host: HOST, port, tls: false }, '/good');
    expect(checkSecurityHeaders(good.headers)).toEqual({ missing: [], wrong: [] });
  });
});
