import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Listener } from '../../src/analyze/state.js';
import { parseLocal, ssIngester } from '../../src/ingest/ss.js';

const corpus = (name: string) => ({ file: `ss/${name}`, text: readFileSync(new URL(`corpus/ss/${name}`, import.meta.url), 'utf8') });
const sock = (l: Listener) => `${l.owner} ${l.address}:${l.port}/${l.protocol} @${l.origin.line}`;

describe('ss ingester', () => {
  it('reads every socket form ss prints, owners from the process column', () => {
    const r = ssIngester.ingest(corpus('ss-tulpnH.txt'), {});
    expect(r.problems).toEqual([]);
    expect(r.fragment.sockets?.map(sock)).toEqual([
      'systemd-resolve 127.0.0.53:53/udp @1',
      'tailscaled 0.0.0.0:41641/udp @2',
      'tailscaled :::41641/udp @2',
      'systemd-network 0.0.0.0:68/udp @3',
      'sshd 0.0.0.0:22/tcp @4',
      'sshd :::22/tcp @5',
      'docker-proxy 100.64.0.10:8443/tcp @6',
      'docker-proxy 0.0.0.0:5432/tcp @7',
      'docker-proxy :::5432/tcp @8',
      'cupsd 127.0.0.1:631/tcp @9',
      'ollama 127.0.0.1:11434/tcp @10',
      'unknown fe80::1:9000/tcp @11',
    ]);
    for (const l of r.fragment.sockets ?? []) expect(l.kind).toBe('host');
    // The interface a socket is bound to stays in the origin key.
    expect(r.fragment.sockets?.[6]?.origin).toEqual({ file: 'ss/ss-tulpnH.txt', line: 6, key: '100.64.0.10%tailscale0:8443' });
  });

  it('reads the header form and the form without Netid (LISTEN = tcp)', () => {
    expect(ssIngester.ingest(corpus('ss-tulpn-header.txt'), {}).fragment.sockets?.map(sock)).toEqual([
      'tailscaled 0.0.0.0:41641/udp @2',
      'sshd 0.0.0.0:2222/tcp @3',
    ]);
    expect(ssIngester.ingest(corpus('ss-tlnp-no-netid.txt'), {}).fragment.sockets?.map(sock)).toEqual(['sshd 0.0.0.0:22/tcp @2', 'sshd :::22/tcp @3']);
    for (const f of ['ss-tulpnH.txt', 'ss-tulpn-header.txt', 'ss-tlnp-no-netid.txt']) expect(ssIngester.detect(corpus(f))).toBe(true);
  });

  it('parses addresses with node:net, normalising v4-mapped v6 and dropping %iface', () => {
    expect(parseLocal('[::ffff:127.0.0.1]:631')).toEqual({ addresses: ['127.0.0.1'], port: 631 });
    expect(parseLocal('[fe80::1%eth0]:123')).toEqual({ addresses: ['fe80::1'], port: 123 });
    expect(parseLocal(':::22')).toEqual({ addresses: ['::'], port: 22 });
    expect(parseLocal('*:41641')).toEqual({ addresses: ['0.0.0.0', '::'], port: 41641 });
    expect(parseLocal('example.com:22')).toBeUndefined();
    expect(parseLocal('1.2.3.4:99999')).toBeUndefined();
  });

  it('a line that is not an ss row is a located problem; other text is not detected as ss', () => {
    const r = ssIngester.ingest({ file: 's.txt', text: 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ngarbage here\n' }, {});
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([['ingest.ss.unreadable-line', 2]]);
    expect(ssIngester.detect({ file: 'x', text: 'Port 22\nListenAddress 0.0.0.0\n' })).toBe(false);
    expect(ssIngester.detect({ file: 'x', text: '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n' })).toBe(false);
  });

  // The real thing: this machine's own ss, read back without a problem.
  it("reads the output of this machine's ss -tulpnH", () => {
    let out: string;
    try {
      out = execFileSync('ss', ['-tulpnH'], { encoding: 'utf8', timeout: 5000 });
    } catch {
      return; // no iproute2 here
    }
    const r = ssIngester.ingest({ file: 'live', text: out }, {});
    expect(r.problems).toEqual([]);
    const rows = out.split('\n').filter((l) => /^(tcp|udp)\s+(LISTEN|UNCONN)/.test(l)).length;
    expect(r.fragment.sockets?.length ?? 0).toBeGreaterThanOrEqual(rows);
  });
});
