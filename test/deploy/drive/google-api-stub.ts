// A stub of the two Google services rclone's drive backend talks to, run inside
// a network namespace of the test's own (test/deploy/drive/google-stub.test.ts)
// on 127.0.0.1:443, where the namespace's /etc/hosts sends oauth2.googleapis.com,
// www.googleapis.com and accounts.google.com. TLS with a certificate of a CA the
// test made. Config: a JSON file (argv[2]). Every request is logged as one JSON
// line on stdout, without any token, assertion or key.
//
// OAuth 2.0 token endpoint, POST https://oauth2.googleapis.com/token
// (application/x-www-form-urlencoded), as documented:
// - grant_type=refresh_token (developers.google.com/identity/protocols/oauth2/web-server#offline):
//   client_id and client_secret in the body or as HTTP basic auth (RFC 6749 §2.3.1; Go's
//   x/oauth2 tries the header first), refresh_token; answers {access_token, expires_in,
//   scope, token_type: "Bearer"}; a revoked or unknown refresh token answers 400
//   {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}.
// - grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, assertion=<JWT>
//   (developers.google.com/identity/protocols/oauth2/service-account#httprest): header
//   {"alg":"RS256","typ":"JWT"}, claims iss (the client_email), scope (space-delimited),
//   aud (the token endpoint), exp (at most an hour after iat), iat; the signature is
//   RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over base64url(header).base64url(claims),
//   checked with the public key of the account's key pair. Answers {access_token,
//   expires_in, token_type}; a bad signature or claim answers 400 invalid_grant.
// - other grants: 400 unsupported_grant_type (RFC 6749 §5.2).
//
// Drive API v3 (developers.google.com/drive/api/reference/rest/v3/files), base
// https://www.googleapis.com/drive/v3/, every call with `Authorization: Bearer
// <an access token this stub issued>` or 401 with Google's error JSON
// ({"error": {"code", "message", "errors": [{domain, reason, message}], "status"}}):
// - files.get GET /drive/v3/files/{fileId}: the File resource, "root" an alias of the root
//   folder; with alt=media the file's bytes; 404 notFound for an unknown id.
// - files.list GET /drive/v3/files?q=...: a FileList {files, nextPageToken?, incompleteSearch},
//   paged by this stub at `pageSize` files (the reference: "Partial or empty result pages are
//   possible even before the end of the files list has been reached"), next pages asked with
//   pageToken; q understood: trashed=false|true, '<id>' in parents (or-ed in parentheses),
//   mimeType='…' / mimeType!='…' (or-ed), name='…'; any other term answers 400 invalid.
// - about.get GET /drive/v3/about (fields exportFormats,importFormats): empty maps.
// `fields` (partial responses, developers.google.com/drive/api/guides/fields-parameter) is
// honoured: `a,b(c,d)` keeps only those members. File.size is an int64 sent as a JSON string.
import { createHash, createVerify, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { RCLONE_DRIVE } from '../../../src/catalog/upstream/rclone-drive.js';

export interface StubFile {
  readonly id: string;
  readonly name: string;
  readonly parent: string;
  /** Absent for a folder. */
  readonly content?: string;
  readonly modifiedTime: string;
}

export interface StubConfig {
  readonly cert: string;
  readonly key: string;
  readonly port: number;
  readonly rootId: string;
  readonly pageSize: number;
  readonly files: readonly StubFile[];
  /** OAuth clients the stub knows: client_id → client_secret. */
  readonly clients: Readonly<Record<string, string>>;
  /** Refresh tokens that are valid; any other (a revoked one) is refused. */
  readonly refreshTokens: readonly string[];
  /** Service accounts: client_email → public key (PEM). */
  readonly serviceAccounts: Readonly<Record<string, string>>;
}

export const TOKEN_URL = RCLONE_DRIVE.tokenUrl;
const FOLDER = 'application/vnd.google-apps.folder';
const READ_SCOPES = ['https://www.googleapis.com/auth/drive', 'https://www.googleapis.com/auth/drive.readonly'];

const log = (entry: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function apiError(res: ServerResponse, code: number, reason: string, message: string, status: string): void {
  send(res, code, { error: { code, message, errors: [{ domain: 'global', reason, message }], status } });
}

function b64urlJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a service-account assertion is refused, or undefined when it is good. */
export function checkAssertion(assertion: string, accounts: Readonly<Record<string, string>>, nowSeconds: number): string | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return 'not a JWT';
  const [h, c, s] = parts as [string, string, string];
  const header = b64urlJson(h);
  const claims = b64urlJson(c);
  if (!header || !claims) return 'JWT header or claim set is not JSON';
  if (header['alg'] !== 'RS256') return 'alg is not RS256';
  const iss = claims['iss'];
  const publicKey = typeof iss === 'string' ? accounts[iss] : undefined;
  if (publicKey === undefined) return 'Invalid JWT: unknown iss';
  if (!createVerify('RSA-SHA256').update(`${h}.${c}`).verify(publicKey, Buffer.from(s, 'base64url'))) return 'Invalid JWT Signature.';
  if (claims['aud'] !== TOKEN_URL) return 'Invalid JWT: aud is not the token endpoint';
  const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
  if (!scopes.some((x) => READ_SCOPES.includes(x))) return 'Invalid JWT: no Drive scope';
  const iat = claims['iat'];
  const exp = claims['exp'];
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'Invalid JWT: iat or exp missing';
  if (exp <= nowSeconds) return 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe';
  if (exp - iat > 3600) return 'Invalid JWT: exp is more than an hour after iat';
  return undefined;
}

/** `a,b(c,d)` → { a: true, b: { c: true, d: true } }. */
export function parseFields(fields: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = 0;
  const parse = (into: Record<string, unknown>): void => {
    let name = '';
    while (i < fields.length) {
      const ch = fields[i++] as string;
      if (ch === ',') {
        if (name) into[name.trim()] = true;
        name = '';
      } else if (ch === '(') {
        const sub: Record<string, unknown> = {};
        parse(sub);
        into[name.trim()] = sub;
        name = '';
      } else if (ch === ')') break;
      else name += ch;
    }
    if (name) into[name.trim()] = true;
  };
  parse(out);
  return out;
}

function pick(value: unknown, mask: Record<string, unknown> | true): unknown {
  if (mask === true || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => pick(v, mask));
  const out: Record<string, unknown> = {};
  for (const [k, m] of Object.entries(mask)) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = pick(v, m as Record<string, unknown> | true);
  }
  return out;
}

/** The q terms this stub understands, as a predicate; undefined for a term it does not. */
export function parseQuery(q: string): ((f: StubFile & { mimeType: string }) => boolean) | undefined {
  const terms = q.split(' and ').map((t) => t.trim());
  const preds: ((f: StubFile & { mimeType: string }) => boolean)[] = [];
  for (const raw of terms) {
    const term = raw.replace(/^\((.*)\)$/, '$1');
    const alts = term.split(' or ').map((a) => a.trim());
    const altPreds: ((f: StubFile & { mimeType: string }) => boolean)[] = [];
    for (const alt of alts) {
      let m: RegExpMatchArray | null;
      if ((m = alt.match(/^trashed=(true|false)$/))) {
        const trashed = m[1] === 'true';
        altPreds.push(() => !trashed);
      } else if ((m = alt.match(/^'([^']+)' in parents$/))) {
        const parent = m[1];
        altPreds.push((f) => f.parent === parent);
      } else if ((m = alt.match(/^mimeType(!?=)'([^']+)'$/))) {
        const [, op, type] = m;
        altPreds.push((f) => (op === '=' ? f.mimeType === type : f.mimeType !== type));
      } else if ((m = alt.match(/^name='((?:[^'\\]|\\.)*)'$/))) {
        const name = (m[1] ?? '').replace(/\\(.)/g, '$1');
        altPreds.push((f) => f.name === name);
      } else return undefined;
    }
    preds.push((f) => altPreds.some((p) => p(f)));
  }
  return (f) => preds.every((p) => p(f));
}

function start(config: StubConfig): void {
  const issued = new Set<string>();
  const byId = new Map(config.files.map((f) => [f.id, f]));
  const resource = (f: StubFile): Record<string, unknown> => {
    const folder = f.content === undefined;
    const bytes = Buffer.from(f.content ?? '');
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: folder ? FOLDER : 'text/plain',
      parents: [f.parent],
      trashed: false,
      explicitlyTrashed: false,
      createdTime: f.modifiedTime,
      modifiedTime: f.modifiedTime,
      webViewLink: `https://drive.google.com/file/d/${f.id}/view`,
      ...(folder
        ? {}
        : {
            size: String(bytes.length),
            md5Checksum: createHash('md5').update(bytes).digest('hex'),
            sha1Checksum: createHash('sha1').update(bytes).digest('hex'),
            sha256Checksum: createHash('sha256').update(bytes).digest('hex'),
          }),
    };
  };
  const rootResource = { kind: 'drive#file', id: config.rootId, name: 'My Drive', mimeType: FOLDER, trashed: false };
  const issue = (): string => {
    const token = `ya29.stub-${randomBytes(24).toString('base64url')}`;
    issued.add(token);
    return token;
  };

  const tokenEndpoint = (req: IncomingMessage, body: string, res: ServerResponse): void => {
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type') ?? '';
    if (grant === 'refresh_token') {
      let clientId = form.get('client_id');
      let clientSecret = form.get('client_secret');
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      if (basic) {
        const [id, secret] = Buffer.from(basic[1] ?? '', 'base64')
          .toString()
          .split(':');
        clientId = decodeURIComponent(id ?? '');
        clientSecret = decodeURIComponent(secret ?? '');
      }
      if (clientId === null || config.clients[clientId] === undefined || config.clients[clientId] !== clientSecret) {
        log({ at: 'token', grant, ok: false, why: 'invalid_client', clientId });
        return send(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
      }
      if (!config.refreshTokens.includes(form.get('refresh_token') ?? '')) {
        log({ at: 'token', grant, ok: false, why: 'invalid_grant', clientId });
        return send(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      }
      log({ at: 'token', grant, ok: true, clientId });
      return send(res, 200, { access_token: issue(), expires_in: 3599, scope: READ_SCOPES[1], token_type: 'Bearer' });
    }
    if (grant === RCLONE_DRIVE.jwtGrantType) {
      const why = checkAssertion(form.get('assertion') ?? '', config.serviceAccounts, Math.floor(Date.now() / 1000));
      if (why !== undefined) {
        log({ at: 'token', grant, ok: false, why });
        return send(res, 400, { error: 'invalid_grant', error_description: why });
      }
      const claims = b64urlJson((form.get('assertion') ?? '').split('.')[1] ?? '') ?? {};
      log({ at: 'token', grant, ok: true, iss: claims['iss'], scope: claims['scope'], aud: claims['aud'] });
      return send(res, 200, { access_token: issue(), expires_in: 3599, token_type: 'Bearer' });
    }
    log({ at: 'token', grant, ok: false, why: 'unsupported_grant_type' });
    send(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grant}` });
  };

  const driveApi = (req: IncomingMessage, url: URL, res: ServerResponse): void => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const entry: Record<string, unknown> = {
      at: 'drive',
      method: req.method,
      path: url.pathname,
      q: url.searchParams.get('q'),
      pageToken: url.searchParams.get('pageToken'),
      pageSize: url.searchParams.get('pageSize'),
      fields: url.searchParams.get('fields'),
      alt: url.searchParams.get('alt'),
    };
    if (bearer === undefined || !issued.has(bearer)) {
      log({ ...entry, status: 401 });
      return apiError(res, 401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token.', 'UNAUTHENTICATED');
    }
    const fields = url.searchParams.get('fields');
    const answer = (body: Record<string, unknown>): void => {
      log({ ...entry, status: 200 });
      send(res, 200, fields === null ? body : pick(body, parseFields(fields)));
    };
    const path = url.pathname;
    if (req.method === 'GET' && path === '/drive/v3/about') return answer({ kind: 'drive#about', exportFormats: {}, importFormats: {} });
    if (req.method === 'GET' && path === '/drive/v3/files') {
      const q = url.searchParams.get('q') ?? '';
      const match = parseQuery(q);
      if (match === undefined) {
        log({ ...entry, status: 400 });
        return apiError(res, 400, 'invalid', 'Invalid Value', 'INVALID_ARGUMENT');
      }
      const all = config.files.map((f) => ({ ...f, mimeType: f.content === undefined ? FOLDER : 'text/plain' })).filter(match);
      const offset = Number(url.searchParams.get('pageToken') ?? '0');
      const page = all.slice(offset, offset + config.pageSize);
      const next = offset + config.pageSize < all.length ? String(offset + config.pageSize) : undefined;
      return answer({
        kind: 'drive#fileList',
        incompleteSearch: false,
        files: page.map((f) => resource(f)),
        ...(next === undefined ? {} : { nextPageToken: next }),
      });
    }
    const get = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && get) {
      const id = decodeURIComponent(get[1] ?? '');
      if (id === 'root' || id === config.rootId) return answer(rootResource);
      const file = byId.get(id);
      if (file === undefined) {
        log({ ...entry, status: 404 });
        return apiError(res, 404, 'notFound', `File not found: ${id}.`, 'NOT_FOUND');
      }
      if (url.searchParams.get('alt') === 'media') {
        if (file.content === undefined) {
          log({ ...entry, status: 403 });
          return apiError(res, 403, 'fileNotDownloadable', 'Only files with binary content can be downloaded.', 'PERMISSION_DENIED');
        }
        log({ ...entry, status: 200 });
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(file.content) });
        return void res.end(file.content);
      }
      return answer(resource(file));
    }
    log({ ...entry, status: 404 });
    apiError(res, 404, 'notFound', 'Not Found', 'NOT_FOUND');
  };

  const server = createServer({ cert: readFileSync(config.cert), key: readFileSync(config.key) }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const url = new URL(req.url ?? '/', `https://${host}`);
      if (host === 'oauth2.googleapis.com' && req.method === 'POST' && url.pathname === '/token') return tokenEndpoint(req, body, res);
      if (host === 'www.googleapis.com' && url.pathname.startsWith('/drive/v3/')) return driveApi(req, url, res);
      log({ at: 'other', host, method: req.method, path: url.pathname });
      apiError(res, 404, 'notFound', 'Not Found', 'NOT_FOUND');
    });
  });
  server.listen(config.port, '127.0.0.1', () => log({ at: 'ready' }));
}

if (process.argv[1]?.endsWith('google-api-stub.ts') && process.argv[2] !== undefined) start(JSON.parse(readFileSync(process.argv[2], 'utf8')) as StubConfig);
