// `moat drive connect | sync | status` against rclone's real drive backend
// (Debian's rclone rcd, as compose renders gdrive) talking to a stub of
// Google's OAuth 2.0 token endpoint and of the Drive v3 API
// (test/deploy/drive/google-api-stub.ts), in a network namespace of this test
// (moat-gd-<pid>-drive, never linked to the root namespace). `ip netns exec`
// bind-mounts the namespace's /etc/hosts, which sends oauth2.googleapis.com,
// www.googleapis.com and accounts.google.com to the namespace's loopback; rclone
// trusts the test's CA through SSL_CERT_FILE (Go's crypto/x509 reads it on
// Linux). Nothing else of moat's configuration changes: rclone uses Google's
// real hostnames, its own token URL and the service-account file's token_uri.
// moat runs inside the namespace too (google-stub-moat.ts), since rc listens there.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { RCLONE_DRIVE } from '../../../src/catalog/upstream/rclone-drive.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { COMPOSE_FILE, renderCompose } from '../../../src/render/compose.js';
import {
  type AppNamespace,
  createNamespace,
  deleteNamespace,
  type NsProcess,
  REPO,
  runInNamespace,
  startInNamespace,
  TAILSCALE_ADDRESS,
  waitUntil,
} from '../../support/real-apps.js';
import type { StubConfig, StubFile } from './google-api-stub.js';
import { GDRIVE } from './rclone-harness.js';

const TSX = join(REPO, 'node_modules/.bin/tsx');
const PASS = `moat-gd-rc-${randomBytes(12).toString('hex')}`;
const RC_URL = 'http://127.0.0.1:5572/';
// rclone's shared OAuth client (backend/drive/drive.go rcloneClientID / rcloneEncryptedClientSecret, the same in
// v1.60.1 and v1.75.0); the secret is the clear text of the obscured value (`rclone reveal`).
const RCLONE_CLIENT_ID = RCLONE_DRIVE.sharedClientId;
const CLIENT_EMAIL = 'moat-gd-sync@moat-test.iam.gserviceaccount.com';
const ROOT_ID = '0AMoatGdStubRootFolderUk9PVA';

const FILES: StubFile[] = [
  { id: '1TeamFolderId', name: 'Team', parent: ROOT_ID, modifiedTime: '2026-11-30T10:00:00.000Z' },
  { id: '1HandbookId', name: 'handbook.md', parent: '1TeamFolderId', content: 'The office opens at nine.\n', modifiedTime: '2026-11-30T10:01:00.000Z' },
  { id: '1NotesId', name: 'notes.txt', parent: ROOT_ID, content: 'Parking is behind the building.\n', modifiedTime: '2026-11-30T10:02:00.000Z' },
  // Three more in the root: with pages of 2, the root folder's listing takes two pages (pageToken).
  ...[1, 2, 3].map((n) => ({
    id: `1Memo${n}Id`,
    name: `memo-${n}.txt`,
    parent: ROOT_ID,
    content: `Memo ${n}: ${'x'.repeat(n * 10)}\n`,
    modifiedTime: '2026-11-30T10:03:00.000Z',
  })),
];
const EXPECTED = Object.fromEntries(
  FILES.filter((f) => f.content !== undefined).map((f) => [f.parent === ROOT_ID ? f.name : `Team/${f.name}`, f.content as string]),
);

let ns: AppNamespace;
let stub: NsProcess;
let rcd: NsProcess | undefined;
let work: string;
const REFRESH_TOKEN = `1//moat-gd-refresh-${randomBytes(16).toString('hex')}`;
const REVOKED_TOKEN = `1//moat-gd-revoked-${randomBytes(16).toString('hex')}`;
const EXPIRED_ACCESS = `ya29.moat-gd-expired-${randomBytes(16).toString('hex')}`;
const account = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const stranger = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** A CA and a certificate for Google's three names, made with openssl. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const cert = join(dir, 'google.pem');
  const key = join(dir, 'google.key');
  const csr = join(dir, 'google.csr');
  const ext = join(dir, 'google.ext');
  sh('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '2',
    '-subj',
    '/CN=moat-gd test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  sh('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=www.googleapis.com']);
  writeFileSync(ext, 'subjectAltName=DNS:oauth2.googleapis.com,DNS:www.googleapis.com,DNS:accounts.google.com\nextendedKeyUsage=serverAuth\n');
  sh('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { ca, cert, key };
}

function serviceAccountFile(privateKey: string): string {
  // The fields of a key the Cloud console downloads (token_uri included, as there).
  return JSON.stringify({
    type: 'service_account',
    project_id: 'moat-test',
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey,
    client_email: CLIENT_EMAIL,
    client_id: '104857600000000000001',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(CLIENT_EMAIL)}`,
    universe_domain: 'googleapis.com',
  });
}

/** What `rclone authorize "drive"` prints: its token, here already expired so rclone must refresh it. */
function authorizeOutput(refreshToken: string): string {
  const token = { access_token: EXPIRED_ACCESS, token_type: 'Bearer', refresh_token: refreshToken, expiry: '2026-01-01T00:00:00.000000000Z' };
  return `Paste the following into your remote machine --->\n${JSON.stringify(token)}\n<---End paste\n`;
}

interface MoatRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** moat's drive command in the namespace (google-stub-moat.ts). */
function moat(command: 'connect' | 'sync' | 'status', credential: { serviceAccount?: string; tokenFile?: string } = {}): MoatRun {
  const config = join(work, `moat-${command}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      rcUrl: RC_URL,
      dataFs: join(work, 'data'),
      bundleDir: join(work, 'deploy'),
      secretsFile: join(work, '.moat', 'secrets.env'),
      ...credential,
    }),
  );
  const r = spawnSync('ip', ['netns', 'exec', ns.name, TSX, join(REPO, 'test/deploy/drive/google-stub-moat.ts'), config, command], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: work },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface StubEntry {
  readonly at: string;
  readonly grant?: string;
  readonly ok?: boolean;
  readonly why?: string;
  readonly clientId?: string;
  readonly iss?: string;
  readonly scope?: string;
  readonly aud?: string;
  readonly method?: string;
  readonly path?: string;
  readonly q?: string | null;
  readonly pageToken?: string | null;
  readonly pageSize?: string | null;
  readonly fields?: string | null;
  readonly alt?: string | null;
  readonly status?: number;
}

let logStart = 0;
/** What the stub saw since this test began. */
function stubSaw(): StubEntry[] {
  return readFileSync(stub.logFile, 'utf8')
    .slice(logStart)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as StubEntry);
}

function files(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(root, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

const compose = (): string => renderCompose(normalizePlatform(referencePlatform()), {}).files.find((f) => f.path === COMPOSE_FILE)?.content ?? '';

/** None of the secrets in argv of rclone, compose.yaml, moat's output, rclone's log or the stub's log. */
function expectNowhere(secrets: readonly string[], runs: readonly MoatRun[]): void {
  const places: Record<string, string> = {
    'rclone argv': readFileSync(`/proc/${rcd?.pid}/cmdline`, 'utf8').split('\0').join(' '),
    'compose.yaml': compose(),
    "moat's output": runs.map((r) => r.stdout + r.stderr).join('\n'),
    "rclone's log": rcd?.log(1_000_000) ?? '',
    "the stub's log": readFileSync(stub.logFile, 'utf8'),
  };
  for (const secret of secrets) for (const [where, text] of Object.entries(places)) expect(text.includes(secret), `${where} holds a secret`).toBe(false);
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (a network namespace)');
  ns = createNamespace('drive', TAILSCALE_ADDRESS, [], { prefix: 'moat-gd' });
  writeFileSync(`/etc/netns/${ns.name}/hosts`, '127.0.0.1 localhost\n127.0.0.1 oauth2.googleapis.com www.googleapis.com accounts.google.com\n');
  const tls = makeCertificates(ns.dir);
  const config: StubConfig = {
    cert: tls.cert,
    key: tls.key,
    port: 443,
    rootId: ROOT_ID,
    pageSize: 2,
    files: FILES,
    clients: { [RCLONE_CLIENT_ID]: rcloneClientSecret() },
    refreshTokens: [REFRESH_TOKEN],
    serviceAccounts: { [CLIENT_EMAIL]: account.publicKey },
  };
  writeFileSync(join(ns.dir, 'stub.json'), JSON.stringify(config));
  stub = startInNamespace(
    ns,
    'google-stub',
    TSX,
    [join(REPO, 'test/deploy/drive/google-api-stub.ts'), join(ns.dir, 'stub.json')],
    { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    REPO,
  );
  await waitUntil('the Google stub', () => stub.log().includes('"at":"ready"'), 30_000, stub);
  // The names resolve inside the namespace through its /etc/hosts, and the CA verifies the stub.
  expect(runInNamespace(ns, 'getent', ['hosts', 'oauth2.googleapis.com'])).toMatch(/^127\.0\.0\.1\s/);
  process.env['MOAT_GD_CA'] = tls.ca;
}, 120_000);

afterAll(async () => {
  await stub?.stop();
  if (ns) deleteNamespace(ns);
});

/** The clear text of rclone's obscured shared client secret, from `rclone reveal` (run by the test, not kept in the tree). */
function rcloneClientSecret(): string {
  const r = spawnSync('rclone', ['reveal', 'eX8GpZTVx3vxMWVkuuBdDWmAUE6rGhTwVrvG9GhllYccSdj2-mvHVg'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rclone reveal: ${r.stderr}`);
  return r.stdout.trim();
}

/** `rclone rcd` in the namespace: the rendered command unchanged but for the config file's place; the rendered env, the
 * password as the secret, and (`trustCa`) the test's CA as SSL_CERT_FILE. */
async function startRcd(trustCa: boolean): Promise<NsProcess> {
  const args = GDRIVE.command.map((arg) => (arg.startsWith('--config=') ? `--config=${join(work, 'config', 'rclone.conf')}` : arg));
  const env = Object.fromEntries(Object.entries(GDRIVE.environment).map(([k, v]) => [k, v.replaceAll('$$', '$')]));
  const proc = startInNamespace(
    ns,
    `rcd-${trustCa ? 'ca' : 'noca'}`,
    'rclone',
    args,
    {
      ...env,
      RCLONE_CACHE_DIR: join(work, 'cache'),
      RCLONE_RC_PASS: PASS,
      HOME: work,
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...(trustCa ? { SSL_CERT_FILE: process.env['MOAT_GD_CA'] ?? '' } : {}),
    },
    work,
  );
  await waitUntil('rclone rcd', () => /Serving remote control/i.test(proc.log()), 30_000, proc);
  return proc;
}

beforeEach(async () => {
  work = join(ns.dir, `case-${randomBytes(4).toString('hex')}`);
  for (const d of ['data', 'deploy', '.moat', 'config']) mkdirSync(join(work, d), { recursive: true });
  writeFileSync(join(work, '.moat', 'secrets.env'), `RCLONE_RC_PASS=${PASS}\n`, { mode: 0o600 });
  logStart = readFileSync(stub.logFile, 'utf8').length;
  rcd = await startRcd(true);
}, 60_000);

afterEach(async () => {
  await rcd?.stop();
  rcd = undefined;
  rmSync(work, { recursive: true, force: true });
});

const driveCalls = (saw: StubEntry[]) => saw.filter((e) => e.at === 'drive');

describe('moat drive against rclone’s real drive backend and a stub of Google’s token endpoint and Drive v3 API', () => {
  it('a service-account key: rclone signs a JWT the stub verifies, lists (two pages) and downloads; the bytes land', async () => {
    const keyFile = join(work, 'key.json');
    writeFileSync(keyFile, serviceAccountFile(account.privateKey), { mode: 0o600 });
    const connect = moat('connect', { serviceAccount: keyFile });
    expect(connect.code, connect.stderr).toBe(0);
    const sync = moat('sync');
    expect(sync.code, sync.stderr + rcd?.log()).toBe(0);
    expect(files(join(work, 'data'))).toEqual(Object.keys(EXPECTED).sort());
    for (const [path, content] of Object.entries(EXPECTED)) expect(readFileSync(join(work, 'data', path), 'utf8')).toBe(content);
    expect(sync.stdout).toMatch(/drive: synced: 5 files copied/);

    const saw = stubSaw();
    const grants = saw.filter((e) => e.at === 'token');
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((g) => g.ok === true && g.grant === RCLONE_DRIVE.jwtGrantType)).toBe(true);
    expect(grants[0]).toMatchObject({ iss: CLIENT_EMAIL, scope: `${RCLONE_DRIVE.scopePrefix}drive.readonly`, aud: RCLONE_DRIVE.tokenUrl });
    const calls = driveCalls(saw);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    // The slice of Drive v3 a sync calls, as src/catalog/upstream/rclone-drive.ts records it for 1.75.0 (getRootID,
    // list, the download url); 1.60.1 asks for the same fields but the two checksums 1.75.0 added.
    const api = new URL(RCLONE_DRIVE.apiBase).pathname;
    const root = calls.filter((c) => c.path === `${api}files/${RCLONE_DRIVE.rootLookup.fileId}`);
    expect(root.map((c) => c.fields)).toEqual([RCLONE_DRIVE.rootLookup.fields]);
    const lists = calls.filter((c) => c.path === `${api}files`);
    expect(lists.map((c) => c.q)).toContain(RCLONE_DRIVE.listQuery(ROOT_ID));
    expect(lists.map((c) => c.q)).toContain(RCLONE_DRIVE.listQuery('1TeamFolderId'));
    const fields160 = RCLONE_DRIVE.partialFields.filter((f) => !(RCLONE_DRIVE.partialFieldsSince160 as readonly string[]).includes(f));
    expect(new Set(lists.map((c) => c.fields))).toEqual(new Set([RCLONE_DRIVE.listFields(fields160)]));
    expect(new Set(lists.map((c) => c.pageSize))).toEqual(new Set([String(RCLONE_DRIVE.listChunk)]));
    expect(lists.some((c) => c.q === RCLONE_DRIVE.listQuery(ROOT_ID) && c.pageToken === '2')).toBe(true);
    const downloads = calls.filter((c) => c.alt === 'media').map((c) => `${c.path}?alt=media`);
    expect(downloads.sort()).toEqual(
      FILES.filter((f) => f.content !== undefined)
        .map((f) => `${api}${RCLONE_DRIVE.downloadPath(f.id)}`)
        .sort(),
    );
    // No Google Docs file: about.get (export formats) is never asked.
    expect(calls.filter((c) => c.path === `${api}about`)).toEqual([]);
    expect(calls.length).toBe(root.length + lists.length + downloads.length);
    expect(saw.filter((e) => e.at === 'other')).toEqual([]);

    const status = moat('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/remote: gdrive \(drive, service-account, scope drive\.readonly\)/);
    const keyBody = account.privateKey.split('\n')[5] ?? '';
    expect(keyBody.length).toBeGreaterThan(40);
    expectNowhere([keyBody, JSON.stringify(account.privateKey).slice(40, 120)], [connect, sync, status]);
  });

  it("an `rclone authorize` token: rclone refreshes the expired access token with rclone's client id, then syncs", async () => {
    const tokenFile = join(work, 'token.txt');
    writeFileSync(tokenFile, authorizeOutput(REFRESH_TOKEN), { mode: 0o600 });
    const connect = moat('connect', { tokenFile });
    expect(connect.code, connect.stderr).toBe(0);
    const sync = moat('sync');
    expect(sync.code, sync.stderr + rcd?.log()).toBe(0);
    for (const [path, content] of Object.entries(EXPECTED)) expect(readFileSync(join(work, 'data', path), 'utf8')).toBe(content);

    const saw = stubSaw();
    const refreshes = saw.filter((e) => e.at === 'token' && e.grant === 'refresh_token');
    expect(refreshes.length).toBeGreaterThan(0);
    expect(refreshes.every((r) => r.ok === true && r.clientId === RCLONE_CLIENT_ID)).toBe(true);
    expect(driveCalls(saw).every((c) => c.status === 200)).toBe(true);
    // rclone kept the refreshed token in its config (on the gdrive-config volume), not the expired one.
    const conf = readFileSync(join(work, 'config', 'rclone.conf'), 'utf8');
    const saved = /^token = (.+)$/m.exec(conf)?.[1] ?? '';
    const accessToken = (JSON.parse(saved) as { access_token: string }).access_token;
    expect(accessToken).toMatch(/^ya29\.stub-/);
    expectNowhere([REFRESH_TOKEN, EXPIRED_ACCESS, accessToken], [connect, sync]);
  });

  it('a revoked refresh token: sync and status fail (exit 1) and say to connect again', async () => {
    const tokenFile = join(work, 'token.txt');
    writeFileSync(tokenFile, authorizeOutput(REVOKED_TOKEN), { mode: 0o600 });
    expect(moat('connect', { tokenFile }).code).toBe(0);
    const sync = moat('sync');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/Google refused the Drive credential/);
    expect(sync.stderr).toMatch(/moat drive connect/);
    expect(files(join(work, 'data'))).toEqual([]);
    expect(
      stubSaw()
        .filter((e) => e.at === 'token')
        .every((e) => e.ok === false && e.why === 'invalid_grant'),
    ).toBe(true);
    expect(driveCalls(stubSaw())).toEqual([]);
    const status = moat('status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/last sync: FAILED/);
    expect(status.stdout).toMatch(/Google refused the Drive credential.*moat drive connect/s);
    expectNowhere([REVOKED_TOKEN, EXPIRED_ACCESS], [sync, status]);
  });

  it('a service-account key the stub does not know (another key pair): the JWT signature is refused; sync and status fail', async () => {
    const keyFile = join(work, 'key.json');
    writeFileSync(keyFile, serviceAccountFile(stranger.privateKey), { mode: 0o600 });
    expect(moat('connect', { serviceAccount: keyFile }).code).toBe(0);
    const sync = moat('sync');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/Google refused the Drive credential.*moat drive connect/s);
    const grants = stubSaw().filter((e) => e.at === 'token');
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((g) => g.ok === false && g.why === 'Invalid JWT Signature.')).toBe(true);
    expect(driveCalls(stubSaw())).toEqual([]);
    const status = moat('status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/Google refused the Drive credential/);
  });

  it("without SSL_CERT_FILE rclone does not trust the stub's certificate: nothing reaches the token endpoint, and moat does not blame the credential", async () => {
    await rcd?.stop();
    rcd = await startRcd(false);
    const tokenFile = join(work, 'token.txt');
    writeFileSync(tokenFile, authorizeOutput(REFRESH_TOKEN), { mode: 0o600 });
    expect(moat('connect', { tokenFile }).code).toBe(0);
    const sync = moat('sync');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/x509: certificate signed by unknown authority/);
    expect(sync.stderr).not.toMatch(/Google refused/);
    expect(stubSaw()).toEqual([]);
  });
});
