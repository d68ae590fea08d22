// `moat drive connect|sync|status` against real rclone (Debian's): the rcd runs
// as compose renders gdrive, and the stand-in for Google Drive is `rclone serve
// webdav` over a moat- temp dir, configured through the same rc call moat makes
// for Drive (config/create; the remote type is the only thing the test
// changes). Drive's own config path runs too (type drive, with a token or a
// service-account key): rclone's config state machine needs no network for it.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { runDriveConnect, runDriveStatus, runDriveSync } from '../../../src/cli/commands/drive.js';
import { connectRemote, DRIVE_REMOTE, listRemotes } from '../../../src/deploy/drive/connect.js';
import { readDriveState } from '../../../src/deploy/drive/drive.js';
import { rcClient } from '../../../src/deploy/drive/rc.js';
import { readSecrets } from '../../../src/deploy/secrets-store.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { sink } from '../knowledge/sink.js';
import { cmdline, confSection, RC_USER, type Running, startRcd, startWebdav } from './rclone-harness.js';

const platform = normalizePlatform(referencePlatform());
const PASS = 'moat-test-rc-pass-5d41402abc4b2a76';

let dir: string;
let remoteDir: string;
let dataDir: string;
let secretsFile: string;
let rcd: Running;
let webdav: Running;

const paths = () => ({ bundleDir: join(dir, 'deploy'), secretsFile });
const io = (extra: Record<string, unknown> = {}) => ({ rcUrl: rcd.url, dataFs: dataDir, pollMs: 100, stdout: sink(), stderr: sink(), ...extra });
const rc = () => rcClient(rcd.url, { user: RC_USER, pass: PASS });

function files(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(root, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moat-drive-'));
  remoteDir = join(dir, 'remote');
  dataDir = join(dir, 'data');
  mkdirSync(join(remoteDir, 'Team'), { recursive: true });
  mkdirSync(dataDir);
  mkdirSync(join(dir, '.moat'));
  secretsFile = join(dir, '.moat', 'secrets.env');
  writeFileSync(secretsFile, `RCLONE_RC_PASS=${PASS}\n`, { mode: 0o600 });
  rcd = await startRcd(dir, PASS);
  // No directory cache: files the tests add after the start are listed at once, as Drive lists them.
  webdav = await startWebdav(dir, remoteDir, ['--bwlimit=256k', '--dir-cache-time=1ms']);
}, 30_000);

afterEach(async () => {
  await webdav?.stop();
  await rcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function connectStandIn(): Promise<void> {
  await connectRemote(rc(), { name: DRIVE_REMOTE, type: 'webdav', parameters: { url: webdav.url, vendor: 'other' } });
}

describe('moat drive with real rclone (rcd + a webdav stand-in for Drive)', () => {
  it('configures the remote through rc config/create, as moat configures Drive', async () => {
    await connectStandIn();
    expect(await listRemotes(rc())).toContain(DRIVE_REMOTE);
    expect(confSection(readFileSync(join(dir, 'rclone.conf'), 'utf8'), DRIVE_REMOTE)).toEqual({ type: 'webdav', url: webdav.url, vendor: 'other' });
  });

  it('sync copies the files; status reports files and bytes; a second sync mirrors a deletion', async () => {
    writeFileSync(join(remoteDir, 'Team', 'handbook.md'), 'The office opens at nine.\n');
    writeFileSync(join(remoteDir, 'notes.txt'), 'Parking is behind the building.\n');
    await connectStandIn();
    const first = io();
    expect(await runDriveSync(platform, paths(), { knowledge: false }, first)).toBe(0);
    expect(files(dataDir)).toEqual(['Team/handbook.md', 'notes.txt']);
    expect(first.stdout.text).toMatch(/drive: synced: 2 files copied \(58 B\), 0 deleted/);
    const state = await readDriveState(secretsFile);
    expect(state.lastSync).toMatchObject({ success: true, files: 2, bytes: 58, errors: 0 });

    const status = io();
    expect(await runDriveStatus(platform, paths(), 'json', status)).toBe(0);
    const report = JSON.parse(status.stdout.text) as { live: { reachable: boolean; volume: { files: number; bytes: number } } };
    expect(report.live).toMatchObject({ reachable: true, volume: { files: 2, bytes: 58 } });
    const text = io();
    expect(await runDriveStatus(platform, paths(), 'text', text)).toBe(0);
    expect(text.stdout.text).toContain('last sync: ok');
    expect(text.stdout.text).toContain('synced files: 2 (58 B)');

    rmSync(join(remoteDir, 'notes.txt'));
    const second = io();
    expect(await runDriveSync(platform, paths(), { knowledge: false }, second)).toBe(0);
    expect(files(dataDir)).toEqual(['Team/handbook.md']);
    expect((await readDriveState(secretsFile)).lastSync).toMatchObject({ success: true, files: 0, deletes: 1 });
  });

  it('a remote that stops midway is reported with its errors; the knowledge step does not run', async () => {
    // 4 MB served at 256 KB/s: the copy is still running when the remote goes away.
    writeFileSync(join(remoteDir, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
    await connectStandIn();
    // rclone's own retries (3 syncs × 10 low-level tries with backoff) take minutes against a dead remote: one each here.
    const run = io({ syncConfig: { Retries: 1, LowLevelRetries: 1 } });
    let ended = false;
    const syncing = runDriveSync(platform, paths(), {}, run).finally(() => {
      ended = true;
    });
    while (!ended) {
      const stats = await rc().call<{ bytes?: number }>('core/stats');
      if ((stats.bytes ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ended, 'the sync ended before any byte was copied').toBe(false);
    await webdav.stop();
    expect(await syncing).toBe(1);
    expect(run.stdout.text).toContain('sync FAILED');
    expect(run.stderr.text).toContain('the knowledge step did not run');
    const last = (await readDriveState(secretsFile)).lastSync;
    expect(last?.success).toBe(false);
    expect(last?.errors).toBeGreaterThan(0);
    expect(last?.error ?? '').not.toBe('');
    expect(statSync(join(dataDir)).isDirectory()).toBe(true);
    const status = io();
    expect(await runDriveStatus(platform, paths(), 'text', status)).toBe(1);
    expect(status.stdout.text).toContain('last sync: FAILED');
    expect(status.stdout.text).toMatch(/error: .+/);
  }, 120_000);

  it('connect takes the rclone authorize token on stdin into rclone.conf over rc: never in argv, the compose file or output', async () => {
    const token = {
      access_token: 'ya29.moat-test-access-token',
      token_type: 'Bearer',
      refresh_token: '1//moat-test-refresh-token',
      expiry: '2026-12-02T14:00:00Z',
    };
    const pasted = `Paste the following into your remote machine --->\n${JSON.stringify(token)}\n<---End paste\n`;
    const run = io({ stdin: Readable.from([pasted]) });
    expect(await runDriveConnect(platform, paths(), {}, run)).toBe(0);
    const conf = readFileSync(join(dir, 'rclone.conf'), 'utf8');
    expect(confSection(conf, DRIVE_REMOTE)).toMatchObject({ type: 'drive', scope: 'drive.readonly' });
    expect(conf).toContain(token.refresh_token);
    // Questions answered by name are ephemeral: rclone does not write them.
    expect(conf).not.toContain('config_refresh_token');
    const stored = (await readSecrets(secretsFile))?.get('DRIVE_OAUTH_TOKEN') ?? '';
    expect(JSON.parse(Buffer.from(stored, 'base64url').toString('utf8'))).toEqual(token);
    for (const pid of [rcd.pid, webdav.pid]) {
      expect(cmdline(pid)).not.toContain(token.refresh_token);
      expect(cmdline(pid)).not.toContain(PASS);
    }
    expect(run.stdout.text + run.stderr.text).not.toContain(token.refresh_token);
    expect(run.stdout.text + run.stderr.text).not.toContain(PASS);
    expect((await readDriveState(secretsFile)).remote).toMatchObject({ name: DRIVE_REMOTE, type: 'drive', credential: 'token', scope: 'drive.readonly' });
  });

  it('connect with a service-account key: one line of JSON in rclone.conf, the key only in the store and rclone.conf', async () => {
    const key = {
      type: 'service_account',
      project_id: 'moat-test',
      private_key_id: 'abc',
      private_key: '-----BEGIN PRIVATE KEY-----\nMOATTESTKEYMATERIAL\n-----END PRIVATE KEY-----\n',
      client_email: 'sync@moat-test.iam.gserviceaccount.com',
      client_id: '1',
    };
    const file = join(dir, 'sa.json');
    writeFileSync(file, JSON.stringify(key, null, 2), { mode: 0o600 });
    const run = io();
    expect(await runDriveConnect(platform, paths(), { serviceAccount: file, rootFolderId: '1AbC_dEf-123' }, run)).toBe(0);
    const conf = readFileSync(join(dir, 'rclone.conf'), 'utf8');
    expect(conf).toMatch(/^service_account_credentials = \{.*MOATTESTKEYMATERIAL.*\}$/m);
    expect(conf).toContain('root_folder_id = 1AbC_dEf-123');
    expect(run.stdout.text).toContain('sync@moat-test.iam.gserviceaccount.com');
    expect(run.stdout.text + run.stderr.text).not.toContain('MOATTESTKEYMATERIAL');
    for (const pid of [rcd.pid, webdav.pid]) expect(cmdline(pid)).not.toContain('MOATTESTKEYMATERIAL');
    // Switching credential kind replaces the stored one.
    const values = await readSecrets(secretsFile);
    expect(values?.has('DRIVE_SERVICE_ACCOUNT_JSON')).toBe(true);
    expect(values?.has('DRIVE_OAUTH_TOKEN')).toBe(false);
  });

  it('a wrong rc password is refused by rclone (401) and reported as such', async () => {
    writeFileSync(secretsFile, 'RCLONE_RC_PASS=not-the-password\n', { mode: 0o600 });
    const run = io();
    expect(await runDriveSync(platform, paths(), { knowledge: false }, run)).toBe(1);
    expect(run.stderr.text).toContain('the rc user or password is wrong');
    expect(run.stderr.text).not.toContain('not-the-password');
  });
});
