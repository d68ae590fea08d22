// `ss -tulpnH` (or `ss -tulpn` with its header) into the sockets layer: what
// listens on the host, where, and which process owns it.
//
// Columns (iproute2 misc/ss.c, 6.x): Netid State Recv-Q Send-Q Local:Port
// Peer:Port Process. Netid is left out when only one socket type is asked for
// (`ss -tlnp`); then LISTEN means tcp and UNCONN udp. ss prints the wildcard
// of a dual-stack IPv6 socket (not IPV6_V6ONLY) as `*`, an IPv6-only one as
// `[::]`, and a socket bound to a device as `ADDR%IFACE`.
// `docker-proxy` sockets are Docker publications (moby's userland proxy):
// reported as host listeners owned by docker-proxy, for the analyzer to match.
import { isIP } from 'node:net';
import type { Listener } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import type { Protocol } from '../model/types.js';
import { type Artifact, artifactProblem, type Ingester, type IngestResult } from './types.js';

export const SS_FINDING_DOCS = [
  {
    code: 'ingest.ss.unreadable-line',
    title: 'A line of the socket listing cannot be read',
    help: 'A line of `ss -tulpn` output does not have the columns ss prints (Netid, State, Recv-Q, Send-Q, local and peer address, process). A socket moat cannot read may be listening anywhere; pass the unedited output of `ss -tulpnH`.',
    severity: 'medium',
  },
] as const;

const STATES = new Set([
  'LISTEN',
  'UNCONN',
  'ESTAB',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'CLOSE-WAIT',
  'LAST-ACK',
  'CLOSING',
  'CLOSED',
]);
const NETIDS = new Set([
  'tcp',
  'udp',
  'raw',
  'u_str',
  'u_dgr',
  'u_seq',
  'nl',
  'p_raw',
  'p_dgr',
  'sctp',
  'mptcp',
  'tipc',
  'v_str',
  'v_dgr',
  'xdp',
  'icmp6',
  'udp6',
  'tcp6',
]);
const LISTENING = new Set(['LISTEN', 'UNCONN']);
const HEADER = /^\s*(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local/;

interface Row {
  readonly netid: string | undefined;
  readonly state: string;
  readonly local: string;
  readonly process: string;
}

/** Splits a row into columns; undefined when it is not an ss row. */
function row(line: string): Row | undefined {
  const cols = line.trim().split(/\s+/);
  const hasNetid = NETIDS.has(cols[0] ?? '');
  const [state, recvQ, sendQ, local, peer] = hasNetid ? cols.slice(1) : cols;
  if (!state || !STATES.has(state) || !/^\d+$/.test(recvQ ?? '') || !/^\d+$/.test(sendQ ?? '') || !local || !peer) return undefined;
  return { netid: hasNetid ? cols[0] : undefined, state, local, process: cols.slice(hasNetid ? 6 : 5).join(' ') };
}

/** `0.0.0.0:22`, `[::]:22`, `*:41641`, `127.0.0.53%lo:53`, `[fe80::1]%eth0:123`, `[::ffff:127.0.0.1]:631`. */
export function parseLocal(local: string): { addresses: string[]; port: number } | undefined {
  const colon = local.lastIndexOf(':');
  if (colon < 0) return undefined;
  const port = Number(local.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535 || local.slice(colon + 1) === '') return undefined;
  let host = local.slice(0, colon);
  const pct = host.lastIndexOf('%');
  if (pct >= 0 && !host.slice(pct).includes(']')) host = host.slice(0, pct); // ADDR%IFACE
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const inner = host.indexOf('%');
  if (inner >= 0) host = host.slice(0, inner); // [fe80::1%eth0]
  if (host === '*') return { addresses: ['0.0.0.0', '::'], port };
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped?.[1] && isIP(mapped[1]) === 4) return { addresses: [mapped[1]], port };
  if (isIP(host) === 0) return undefined;
  return { addresses: [host], port };
}

function owner(process: string): string {
  // users:(("sshd",pid=812,fd=3),("sshd",pid=813,fd=3)): the first process name.
  const m = /users:\(\("((?:[^"\\]|\\.)*)"/.exec(process);
  return m?.[1] ?? 'unknown';
}

function protocolOf(r: Row): Protocol | undefined {
  if (r.netid === undefined) return r.state === 'LISTEN' ? 'tcp' : r.state === 'UNCONN' ? 'udp' : undefined;
  if (r.netid === 'tcp' || r.netid === 'tcp6' || r.netid === 'mptcp') return 'tcp';
  if (r.netid === 'udp' || r.netid === 'udp6') return 'udp';
  return undefined;
}

function detect(artifact: Artifact): boolean {
  const lines = artifact.text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return false;
  const body = HEADER.test(lines[0] ?? '') ? lines.slice(1) : lines;
  if (body.length === 0) return HEADER.test(lines[0] ?? '');
  const rows = body.filter((l) => row(l) !== undefined).length;
  return rows > 0 && rows >= body.length * 0.8;
}

function ingest(artifact: Artifact): IngestResult {
  const listeners: Listener[] = [];
  const problems: Finding[] = [];
  artifact.text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || HEADER.test(line)) return;
    const at = { file: artifact.file, line: i + 1 };
    const r = row(line);
    const local = r ? parseLocal(r.local) : undefined;
    if (!r || !local) {
      problems.push(
        artifactProblem(
          'ingest.ss.unreadable-line',
          'medium',
          at,
          `line ${i + 1} of ${artifact.file} is not a socket line ss prints: ${JSON.stringify(line.slice(0, 80))}`,
          'pass the unedited output of `ss -tulpnH`',
        ),
      );
      return;
    }
    const protocol = protocolOf(r);
    if (!protocol || !LISTENING.has(r.state) || local.port === 0) return;
    for (const address of local.addresses)
      listeners.push({ kind: 'host', owner: owner(r.process), address, port: local.port, protocol, origin: { ...at, key: r.local } });
  });
  return { kind: 'ss', fragment: { sockets: listeners }, problems };
}

export const ssIngester: Ingester = { kind: 'ss', detect, ingest };
