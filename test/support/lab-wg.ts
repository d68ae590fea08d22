// The lab's tailnet: wireguard-go (userspace WireGuard, the stand-in for
// Tailscale's data plane) on the host, renamed to the platform's tailscale0
// once configured, and a peer in its own namespace whose outer UDP goes to the
// host's public address on the platform's udp port through the lab internet.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../../src/model/types.js';
import { ADDR, inNs, type LabNamespaces, run } from './lab-net.js';
import { type LabProcess, startInNs, waitUntil } from './lab-procs.js';

/** wireguard-go's control sockets live in one global folder (/var/run/wireguard): names unique per lab. */
export const wgNames = (id: string): { host: string; peer: string } => ({ host: `moat-${id}h`, peer: `moat-${id}p` });

/** `udpPort` is the port tailscaled listens on (the bundle's host/tailscaled.defaults). */
export async function startTailnet(id: string, NS: LabNamespaces, dir: string, platform: Platform, udpPort: number, processes: LabProcess[]): Promise<void> {
  const ts = platform.host.tailscale;
  const wg = wgNames(id);
  const wgEnv = { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1', LOG_LEVEL: 'error' };
  processes.push(startInNs(dir, NS.host, 'wireguard-host', 'wireguard-go', ['-f', wg.host], wgEnv));
  processes.push(startInNs(dir, NS.peer, 'wireguard-peer', 'wireguard-go', ['-f', wg.peer], wgEnv));
  const hostKey = run('wg', ['genkey']).trim();
  const peerKey = run('wg', ['genkey']).trim();
  const pub = (key: string): string => run('wg', ['pubkey'], `${key}\n`).trim();
  writeFileSync(join(dir, 'host.key'), `${hostKey}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'peer.key'), `${peerKey}\n`, { mode: 0o600 });
  for (const name of [wg.host, wg.peer]) {
    const socket = `/var/run/wireguard/${name}.sock`;
    await waitUntil(
      async () => existsSync(socket),
      10_000,
      () => `${socket} did not appear`,
    );
  }
  await retry(
    () =>
      inNs(NS.host, 'wg', [
        'set',
        wg.host,
        'private-key',
        join(dir, 'host.key'),
        'listen-port',
        String(udpPort),
        'peer',
        pub(peerKey),
        'allowed-ips',
        `${ADDR.peerTailnet}/32`,
      ]),
    processes,
  );
  inNs(NS.host, 'ip', ['link', 'set', wg.host, 'name', ts.interface]);
  inNs(NS.host, 'ip', ['addr', 'add', `${ADDR.hostTailnet}/32`, 'dev', ts.interface]);
  inNs(NS.host, 'ip', ['link', 'set', ts.interface, 'up']);
  inNs(NS.host, 'ip', ['route', 'add', `${ADDR.peerTailnet}/32`, 'dev', ts.interface]);
  await retry(
    () =>
      inNs(NS.peer, 'wg', [
        'set',
        wg.peer,
        'private-key',
        join(dir, 'peer.key'),
        'peer',
        pub(hostKey),
        'endpoint',
        `${ADDR.hostPublic}:${udpPort}`,
        'allowed-ips',
        `${ADDR.hostTailnet}/32`,
        'persistent-keepalive',
        '5',
      ]),
    processes,
  );
  inNs(NS.peer, 'ip', ['addr', 'add', `${ADDR.peerTailnet}/32`, 'dev', wg.peer]);
  inNs(NS.peer, 'ip', ['link', 'set', wg.peer, 'up']);
  inNs(NS.peer, 'ip', ['route', 'add', `${ADDR.hostTailnet}/32`, 'dev', wg.peer]);
}

/** wireguard-go may take a moment after creating its socket; retry, then fail with its output. */
async function retry(action: () => unknown, processes: readonly LabProcess[], attempts = 10): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      action();
      return;
    } catch (error) {
      if (i >= attempts) {
        const wg = processes.filter((p) => p.name.startsWith('wireguard')).map((p) => `--- ${p.name}\n${p.output().slice(-2000)}`);
        throw new Error(`${(error as Error).message}\n${wg.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
