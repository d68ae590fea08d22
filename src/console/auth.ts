// Who may do what on the console. Viewing is for whoever the gateway lets in
// (the tailnet users the policy admits: the console has no door of its own).
// Actions need the operator credential moat generated, sent by the page's
// script as `Authorization: Bearer …` from a field the operator typed it into:
// it is never a cookie, so another site cannot make a browser send it (CSRF),
// and an action must also come from the console's own origin with a JSON body
// (a cross-site form or a simple request cannot set either).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type ActionRefusal = { readonly status: 401 | 403 | 415; readonly reason: string };

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export interface ActionGuard {
  /** undefined: the request may act; otherwise why not, with the status to answer. */
  check(request: IncomingMessage): ActionRefusal | undefined;
}

/**
 * `origins`: the console's own origins as the browser names them (https://HOST:8443);
 * `operatorToken`: the credential (compared in constant time, by digest).
 */
export function actionGuard(operatorToken: string, origins: readonly string[]): ActionGuard {
  if (operatorToken.length < 16) throw new Error('the operator credential is shorter than 16 characters: moat generates a longer one');
  const expected = digest(operatorToken);
  const allowed = new Set(origins.map((o) => o.toLowerCase()));
  return {
    check(request) {
      const origin = request.headers.origin;
      if (origin === undefined || !allowed.has(origin.toLowerCase())) return { status: 403, reason: 'actions come only from the console page itself (Origin)' };
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') return { status: 415, reason: 'actions take a JSON body' };
      const auth = request.headers.authorization ?? '';
      const match = /^Bearer (\S+)$/.exec(auth);
      if (!match) return { status: 401, reason: 'this action needs the operator credential (moat secrets --show CONSOLE_OPERATOR_TOKEN)' };
      if (!timingSafeEqual(digest(match[1] ?? ''), expected)) return { status: 403, reason: 'the operator credential is not the one moat generated' };
      return undefined;
    },
  };
}
