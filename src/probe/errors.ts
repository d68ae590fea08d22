// Failures of a probe run that are not differences from the proof and not bugs
// in moat: the vantage cannot reach the target, or this machine ran out of
// sockets. `moat probe` reports them with a hint and exits 3.

export class ProbeRuntimeError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Errors that come from the prober's own machine (no file descriptor, no
 * source port, no buffer): they say nothing about the target and are retried. */
export const LOCAL_ERRORS: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'EAGAIN', 'ENOMEM']);

/** What a connect attempt tells about a port: `local` is a failure on this machine. */
export type Attempt = 'open' | 'closed' | 'filtered' | 'unreachable' | 'local';

/** An attempt and, when it failed with an error, the error's code. */
export interface Outcome {
  readonly state: Attempt;
  readonly code?: string;
}

/** Maps a connect error code to what it says about the port. Only a reset is
 * "closed" and only a timeout is "filtered". ENETUNREACH, EHOSTUNREACH,
 * ENETDOWN, EACCES (a prohibit route) and any error this does not know are
 * "unreachable": the SYN never reached the target's firewall. A filtered port
 * counts as sealed from the internet vantage; a probe that reached nothing
 * must not, so an unexplained failure never passes as filtered. */
export function classifyError(code: string): Outcome {
  if (code === 'ECONNREFUSED') return { state: 'closed' };
  if (code === 'ETIMEDOUT') return { state: 'filtered', code };
  if (LOCAL_ERRORS.has(code)) return { state: 'local', code };
  return { state: 'unreachable', code };
}
