// The rendered gateway and Dify configs pass the real `nginx -t` (Debian's
// nginx-light), with only absolute paths moved into a temp dir.
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { renderDifyNginx } from '../../../src/render/dify-nginx.js';
import { renderGatewayNginx } from '../../../src/render/gateway-nginx.js';
import { goldenPlatform } from '../../support/golden.js';
import { type NginxDir, nginxDir, nginxTest, nginxVersion, testCopy, writeConf } from './nginx-support.js';

const platform = normalizePlatform(referencePlatform());
let d: NginxDir;
let version: [number, number, number];

beforeAll(async () => {
  version = await nginxVersion();
  d = await nginxDir(basename(platform.gateway.tls.certFile), basename(platform.gateway.tls.keyFile));
});
afterAll(() => {
  if (d) rmSync(d.dir, { recursive: true, force: true });
});

function only(files: readonly { path: string; content: string }[], path: string): string {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} was not rendered`);
  return file.content;
}

describe('nginx -t (real nginx)', () => {
  it('accepts the gateway config of the reference platform', async () => {
    const conf = only(renderGatewayNginx(platform, {}).files, 'nginx/nginx.conf');
    const result = await nginxTest(d, writeConf(d, 'gateway.conf', testCopy(conf, d, version)));
    expect(result.all).toContain('test is successful');
    expect(result.exitCode).toBe(0);
  });

  it("accepts Dify's internal config", async () => {
    const conf = only(renderDifyNginx(platform, {}).files, 'dify/nginx.conf');
    const result = await nginxTest(d, writeConf(d, 'dify.conf', testCopy(conf, d, version)));
    expect(result.all).toContain('test is successful');
    expect(result.exitCode).toBe(0);
  });

  it('accepts a gateway with a native route and TLS 1.3 only', async () => {
    const p = goldenPlatform('gateway:\n  tls: {protocols: [TLSv1.3]}\n  routes:\n    - {path: /n8n, service: n8n, port: 5678, prefix: native}\n');
    const conf = only(renderGatewayNginx(p, {}).files, 'nginx/nginx.conf');
    const result = await nginxTest(d, writeConf(d, 'native.conf', testCopy(conf, d, version)));
    expect(result.all).toContain('test is successful');
  });

  it('rejects a broken copy (the check can fail)', async () => {
    const conf = only(renderGatewayNginx(platform, {}).files, 'nginx/nginx.conf');
    const broken = testCopy(conf, d, version).replace('proxy_pass http://', 'proxy_pass_broken http://');
    expect(broken).toContain('proxy_pass_broken');
    const result = await nginxTest(d, writeConf(d, 'broken.conf', broken));
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('unknown directive');
  });
});
