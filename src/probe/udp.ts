// UDP probes. A UDP port that drops what it gets looks exactly like a port
// behind a dropping firewall, so silence proves nothing: a port is "open" only
// when it replies, "closed" only when the host says so (ICMP port unreachable,
// surfaced as ECONNREFUSED on a connected socket), and "open|filtered"
// otherwise. Datagrams are sent only where a reply can be expected: to ports
// with a protocol payload that makes a listener answer.
import dgram from 'node:dgram';
import { classifyError } from './errors.js';

/** `unreachable`: a network error (no route, ICMP host unreachable): not observed. */
export type UdpState = 'open' | 'closed' | 'open|filtered' | 'unreachable';

export interface UdpResult {
  readonly port: number;
  readonly state: UdpState;
  /** Why this state: what was sent, or why nothing was. */
  readonly reason: string;
}

/** A DNS query for `.` NS: any resolver or authoritative server answers it. */
const DNS_QUERY = Buffer.from('1d2e' + '0100' + '0001' + '0000' + '0000' + '0000' + '00' + '0002' + '0001', 'hex');

/** An NTP v3 client request (mode 3): every NTP server answers it. */
const NTP_REQUEST = Buffer.concat([Buffer.from([0x1b]), Buffer.alloc(47)]);

/** Ports whose protocol answers a well-formed request. WireGuard (41641) is not
 * among them: it stays silent to anything but a valid handshake by design. */
export const UDP_PAYLOADS: ReadonlyMap<number, { readonly name: string; readonly payload: Buffer }> = new Map([
  [53, { name: 'DNS query', payload: DNS_QUERY }],
  [123, { name: 'NTP request', payload: NTP_REQUEST }],
]);

export function udpProbe(host: string, port: number, timeoutMs = 1500): Promise<UdpResult> {
  const known = UDP_PAYLOADS.get(port);
  if (!known) {
    return Promise.resolve({ port, state: 'open|filtered', reason: 'no protocol payload that makes this port reply; UDP is proven statically' });
  }
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let settled = false;
    const done = (state: UdpState, reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve({ port, state, reason });
    };
    const timer = setTimeout(() => done('open|filtered', `${known.name} got no reply`), timeoutMs);
    socket.on('message', () => done('open', `${known.name} got a reply`));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Only a port unreachable is "closed"; a network error is not silence.
      const state = classifyError(error.code ?? error.message).state;
      done(state === 'closed' ? 'closed' : state === 'unreachable' ? 'unreachable' : 'open|filtered', `${known.name}: ${error.code ?? error.message}`);
    });
    socket.connect(port, host, () => socket.send(known.payload));
  });
}
