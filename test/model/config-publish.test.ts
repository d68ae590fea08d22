// Compose `ports:` syntax → the model's Publish.
import { describe, expect, it } from 'vitest';
import { parsePublishEntry, parsePublishShort } from '../../src/model/config-publish.js';

describe('publish short syntax', () => {
  it.each([
    ['5432:5432', { hostAddress: '0.0.0.0', hostPort: 5432, containerPort: 5432, protocol: 'tcp' }],
    ['127.0.0.1:8080:80', { hostAddress: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    ['[::]:5432:5432', { hostAddress: '::', hostPort: 5432, containerPort: 5432, protocol: 'tcp' }],
    ['[::1]:53:53/udp', { hostAddress: '::1', hostPort: 53, containerPort: 53, protocol: 'udp' }],
    ['100.101.102.103:8443:8443/tcp', { hostAddress: '100.101.102.103', hostPort: 8443, containerPort: 8443, protocol: 'tcp' }],
    ['9000-9010:9000-9010', { hostAddress: '0.0.0.0', hostPort: 9000, hostPortEnd: 9010, containerPort: 9000, protocol: 'tcp' }],
    ['9000-9010:80', { hostAddress: '0.0.0.0', hostPort: 9000, hostPortEnd: 9010, containerPort: 80, protocol: 'tcp' }],
  ])('%s', (text, expected) => {
    expect(parsePublishShort(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['5432', 'ephemeral'],
    ['0.0.0.0:5432', 'no container port'],
    ['::1:5432:5432', 'brackets'],
    ['[::1:5432:5432', 'IPv6'],
    ['[10.0.0.1]:80:80', 'not an IPv6'],
    ['300.0.0.1:80:80', 'not an IPv4'],
    ['80:80/sctp', 'sctp'],
    ['0:80', 'outside 1-65535'],
    ['80:70000', 'outside 1-65535'],
    ['9010-9000:80', 'ends before'],
    ['9000-9010:80-85', 'differ in length'],
    ['80:9000-9001', 'host port range'],
    [':80', 'ephemeral'],
    ['http:80', 'not a port'],
  ])('rejects %s', (text, problem) => {
    const result = parsePublishShort(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });
});

describe('publish long syntax', () => {
  it('maps target, published, host_ip and protocol', () => {
    expect(parsePublishEntry({ target: 5432, published: '5432', host_ip: '127.0.0.1', protocol: 'tcp' })).toEqual({
      ok: true,
      value: { hostAddress: '127.0.0.1', hostPort: 5432, containerPort: 5432, protocol: 'tcp' },
    });
    expect(parsePublishEntry({ target: 53, published: 5353, protocol: 'udp' })).toEqual({
      ok: true,
      value: { hostAddress: '0.0.0.0', hostPort: 5353, containerPort: 53, protocol: 'udp' },
    });
    expect(parsePublishEntry({ target: 80, published: '8000-8001' })).toMatchObject({ ok: true, value: { hostPort: 8000, hostPortEnd: 8001 } });
  });

  it('rejects a long form without a published port', () => {
    expect(parsePublishEntry({ target: 80 })).toMatchObject({ ok: false });
  });
});
