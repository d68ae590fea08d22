// Runs the moat CLI inside network (and mount) namespaces of its own, so a
// probe test can meet a network failure without sending anything anywhere:
//   unshare -n -m node --import tsx test/probe/isolated-moat.ts [setup...] -- probe ...
// Setup words, applied in order inside the namespaces:
//   lo              bring loopback up (a fresh namespace has it down: no route to anything)
//   route:TYPE:NET  add a route of TYPE (unreachable, prohibit) to NET: no device, no packet
//   reject:PROTO:PORTS  nft: answer PROTO (tcp, udp) to PORTS (e.g. 1-10) with ICMP admin-prohibited (EHOSTUNREACH)
//   dns-nxdomain    point /etc/resolv.conf (bind mount, this mount namespace only) at a
//                   stub on 127.0.0.1 that answers NXDOMAIN to every name; needs `lo`
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { startDns } from '../support/lab-dns.js';

const args = process.argv.slice(2);
const cut = args.indexOf('--');
const setup = args.slice(0, cut);
const command = args.slice(cut + 1);
const dir = mkdtempSync(join(tmpdir(), 'moat-isolated-'));
const closers: (() => void)[] = [];
try {
  for (const word of setup) {
    if (word === 'lo') execFileSync('ip', ['link', 'set', 'lo', 'up']);
    else if (word.startsWith('route:')) {
      const [, type, net] = word.split(':');
      execFileSync('ip', ['route', 'add', type ?? '', net ?? '']);
    } else if (word.startsWith('reject:')) {
      const [, proto, ports] = word.split(':');
      execFileSync('nft', ['-f', '-'], {
        input: `table inet moat-reject {\n chain output {\n  type filter hook output priority 0;\n  ${proto} dport ${ports} reject with icmpx type admin-prohibited\n }\n}\n`,
      });
    } else if (word === 'dns-nxdomain') {
      const conf = join(dir, 'resolv.conf');
      writeFileSync(conf, 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n');
      execFileSync('mount', ['--bind', conf, '/etc/resolv.conf']);
      const socket = await startDns('127.0.0.1', {});
      closers.push(() => socket.close());
    } else throw new Error(`isolated-moat: unknown setup word ${word}`);
  }
  process.exitCode = await main(['node', 'moat', ...command]);
} finally {
  for (const close of closers) close();
  rmSync(dir, { recursive: true, force: true });
}
