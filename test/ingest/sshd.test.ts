import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Listener } from '../../src/analyze/state.js';
import { ingestSshdConfigs, sshdConfigIngester } from '../../src/ingest/sshd-config.js';

const corpus = (name: string) => ({ file: `sshd/${name}`, text: readFileSync(new URL(`corpus/sshd/${name}`, import.meta.url), 'utf8') });
const sock = (l: Listener) => `${l.owner} ${l.address}:${l.port}/${l.protocol} @${l.origin.file}:${l.origin.line}`;

describe('sshd_config ingester', () => {
  it("Debian's default file: port 22 on every address of both families, and the Include it cannot follow alone", () => {
    const r = sshdConfigIngester.ingest(corpus('debian-default.conf'), {});
    expect(r.fragment.sockets?.map((l) => `${l.owner} ${l.address}:${l.port}/${l.protocol}`)).toEqual(['sshd 0.0.0.0:22/tcp', 'sshd :::22/tcp']);
    expect(r.problems.map((p) => [p.code, p.severity, p.location?.line])).toEqual([['ingest.sshd.unfollowed-include', 'info', 10]]);
  });

  it('a drop-in with Port replaces the default for the set (ports accumulate, no default 22)', () => {
    const r = ingestSshdConfigs([corpus('debian-default.conf'), corpus('50-cloud-init.conf')]);
    expect(r.problems).toEqual([]);
    expect(r.fragment.sockets?.map(sock)).toEqual(['sshd 0.0.0.0:2022/tcp @sshd/50-cloud-init.conf:2', 'sshd :::2022/tcp @sshd/50-cloud-init.conf:2']);
  });

  it('ListenAddress forms, Port=, AddressFamily, Match blocks ignored', () => {
    const r = sshdConfigIngester.ingest(corpus('hardened.conf'), {});
    expect(r.problems).toEqual([]);
    expect(r.fragment.sockets?.map(sock)).toEqual([
      'sshd 203.0.113.10:2222/tcp @sshd/hardened.conf:5',
      'sshd 203.0.113.10:2223/tcp @sshd/hardened.conf:5',
      'sshd 100.64.0.10:22/tcp @sshd/hardened.conf:6',
      'sshd fd7a:115c:a1e0::1:2200/tcp @sshd/hardened.conf:7',
    ]);
  });

  it('bad values and host names are located problems, widened towards exposure', () => {
    const r = sshdConfigIngester.ingest({ file: 's', text: 'Port 70000\nListenAddress localhost\n' }, {});
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['ingest.sshd.bad-port', 1],
      ['ingest.sshd.unresolved-address', 2],
    ]);
    expect(r.fragment.sockets?.map((l) => `${l.address}:${l.port}`)).toEqual(['0.0.0.0:22', ':::22', '0.0.0.0:22', ':::22']);
  });

  it('is detected by content, and an ssh client config is not', () => {
    for (const f of ['debian-default.conf', 'hardened.conf', '50-cloud-init.conf']) expect(sshdConfigIngester.detect(corpus(f))).toBe(true);
    expect(sshdConfigIngester.detect({ file: 'c', text: 'Host bastion\n  HostName 1.2.3.4\n  Port 22\n' })).toBe(false);
    expect(sshdConfigIngester.detect({ file: 'c', text: 'server {\n listen 80;\n}\n' })).toBe(false);
  });

  // The real thing: OpenSSH's own parser agrees with where moat says sshd listens.
  it.skipIf(!existsSync('/usr/sbin/sshd'))('agrees with `sshd -T` on the ports and addresses of a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moat-sshd-'));
    try {
      const conf = join(dir, 'sshd_config');
      const key = join(dir, 'host_key');
      // sshd -T insists on its privilege separation directory (systemd's RuntimeDirectory=sshd makes it).
      if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      writeFileSync(
        conf,
        `HostKey ${key}\nPort 2222\nPort=2223\nListenAddress 203.0.113.10\nListenAddress 100.64.0.10:22\nListenAddress [fd7a:115c:a1e0::1]:2200\nMatch Address 10.0.0.0/8\n  PasswordAuthentication yes\n`,
      );
      const out = execFileSync('/usr/sbin/sshd', ['-T', '-f', conf], { encoding: 'utf8' });
      const listen = out
        .split('\n')
        .filter((l) => l.startsWith('listenaddress '))
        .map((l) => l.slice('listenaddress '.length))
        .sort();
      const ours = (sshdConfigIngester.ingest({ file: conf, text: readFileSync(conf, 'utf8') }, {}).fragment.sockets ?? [])
        .map((l) => (l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`))
        .sort();
      expect(ours).toEqual(listen);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
