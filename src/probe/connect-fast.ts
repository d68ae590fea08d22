// A lighter TCP connect for sweeps. A net.Socket carries a whole stream
// machine that a sweep never uses; on a default-drop host the sweep is bound
// by how many connects per second one core can start, and libuv's bare TCP
// handle (the one net.Socket wraps) starts about three times as many. It is
// Node's internal binding, so it is feature-detected: when it is missing or
// behaves unexpectedly, the sweep falls back to net.Socket (tcp.ts). The sweep
// drives it in callback lanes (sweep-lanes.ts).
import { getSystemErrorName } from 'node:util';
import { classifyError, type Outcome } from './errors.js';

interface SockName {
  address?: string;
  port?: number;
}
interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  getsockname(out: SockName): number;
  getpeername(out: SockName): number;
  close(): void;
}
interface ConnectReq {
  oncomplete: (status: number) => void;
  address: string;
  port: number;
}
export interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

// libuv status codes are negated errno values; name them as net.Socket does.
const classify = (status: number): Outcome => {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `errno ${status}`;
  }
  return classifyError(code);
};

/** The bare TCP handle binding, when this Node has it. */
export function tcpBinding(): TcpWrap | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding('tcp_wrap') as Partial<TcpWrap>;
    if (typeof binding.TCP === 'function' && typeof binding.TCPConnectWrap === 'function' && binding.constants) return binding as TcpWrap;
  } catch {
    /* not available in this Node */
  }
  return undefined;
}

/**
 * Starts one connect on a fresh handle and calls `settle` once with its outcome
 * (never for a timeout: the caller owns the clock and calls the returned
 * `abandon` when its deadline passes). Returns undefined when `settle` already ran
 * synchronously (a local error before any packet).
 */
export function startConnect(
  wrap: TcpWrap,
  host: string,
  port: number,
  settle: (outcome: Outcome) => void,
  localAddress?: string,
  localPort?: number,
): (() => void) | undefined {
  const v6 = host.includes(':');
  const handle = new wrap.TCP(wrap.constants.SOCKET);
  const req = new wrap.TCPConnectWrap();
  let settled = false;
  const done = (outcome: Outcome): void => {
    if (settled) return;
    settled = true;
    handle.close();
    settle(outcome);
  };
  req.oncomplete = (status) => {
    if (status !== 0) {
      done(classify(status));
      return;
    }
    const local: SockName = {};
    const remote: SockName = {};
    handle.getsockname(local);
    handle.getpeername(remote);
    // A self-connect (TCP simultaneous open with itself) is not a listener.
    done({ state: local.address === remote.address && local.port === remote.port ? 'closed' : 'open' });
  };
  req.address = host;
  req.port = port;
  if (localAddress !== undefined || localPort !== undefined) {
    const err = v6 ? handle.bind6(localAddress ?? '::', localPort ?? 0, 0) : handle.bind(localAddress ?? '0.0.0.0', localPort ?? 0);
    if (err !== 0) {
      done(classify(err));
      return undefined;
    }
  }
  const err = v6 ? handle.connect6(req, host, port) : handle.connect(req, host, port);
  if (err !== 0) {
    done(classify(err));
    return undefined;
  }
  return () => done({ state: 'filtered' });
}
