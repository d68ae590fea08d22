// End to end, as far as it runs here: a document put in the stand-in for
// Google Drive (`rclone serve webdav` over a moat- temp dir) is synced by real
// rclone (`rcd` as compose renders gdrive) into the data folder, read back by
// the knowledge step through the same authenticated rc (--rc-serve, listing
// with SHA-256), uploaded and embedded into a workspace of the AnythingLLM
// *stub* (AnythingLLM cannot run here; the stub speaks its developer API and
// indexes text naively), and found by a query. Then an edit in Drive replaces
// it, a deletion removes it, and no key or token is in any process's argv or
// in the output.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { runDriveSync } from '../../../src/cli/commands/drive.js';
import { runKnowledgeSearch } from '../../../src/cli/commands/knowledge.js';
import { connectRemote, DRIVE_REMOTE } from '../../../src/deploy/drive/connect.js';
import { rcClient } from '../../../src/deploy/drive/rc.js';
import { readSecrets } from '../../../src/deploy/secrets-store.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { cmdline, RC_USER, type Running, startRcd, startWebdav } from '../drive/rclone-harness.js';
import { type AnythingStub, startAnythingStub } from './anythingllm-stub.js';
import { sink } from './sink.js';

const platform = normalizePlatform(referencePlatform());
const PASS = 'moat-e2e-rc-pass-7c6a180b36896a0a';

let dir: string;
let remoteDir: string;
let secretsFile: string;
let rcd: Running;
let webdav: Running;
let stub: AnythingStub;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moat-e2e-'));
  remoteDir = join(dir, 'remote');
  mkdirSync(join(remoteDir, 'Policies'), { recursive: true });
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, '.moat'));
  stub = await startAnythingStub();
  secretsFile = join(dir, '.moat', 'secrets.env');
  writeFileSync(secretsFile, `ANYTHINGLLM_AUTH_TOKEN=${stub.password}\nRCLONE_RC_PASS=${PASS}\n`, { mode: 0o600 });
  rcd = await startRcd(dir, PASS);
  webdav = await startWebdav(dir, remoteDir, ['--dir-cache-time=1ms']);
  await connectRemote(rcClient(rcd.url, { user: RC_USER, pass: PASS }), {
    name: DRIVE_REMOTE,
    type: 'webdav',
    parameters: { url: webdav.url, vendor: 'other' },
  });
}, 30_000);

afterEach(async () => {
  await webdav?.stop();
  await rcd?.stop();
  await stub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Drive → rclone → knowledge → query (real rclone, AnythingLLM stub)', () => {
  it('a document put in Drive is synced, embedded and found; an edit replaces it; a deletion removes it', async () => {
    const paths = { bundleDir: join(dir, 'deploy'), secretsFile };
    const io = () => ({ rcUrl: rcd.url, anythingllmUrl: stub.url, dataFs: join(dir, 'data'), pollMs: 100, stdout: sink(), stderr: sink() });
    const search = async (query: string): Promise<string> => {
      const out = io();
      expect(await runKnowledgeSearch(platform, paths, query, undefined, out)).toBe(0);
      return out.stdout.text;
    };

    writeFileSync(join(remoteDir, 'Policies', 'travel policy ü.md'), '# Travel\nTrains are booked in second class; flights need approval.\n');
    const first = io();
    expect(await runDriveSync(platform, paths, {}, first)).toBe(0);
    expect(first.stdout.text).toContain('drive: synced: 1 files copied');
    expect(first.stdout.text).toContain('knowledge: workspace moat-knowledge: 1 added, 0 changed, 0 removed, 0 skipped, 0 failed');
    expect(await search('which class are trains booked in')).toContain('Policies/travel policy ü.md');
    expect(await search('quarterly revenue forecast')).toContain('no match');

    // Nothing changed: the rerun uploads nothing.
    const again = io();
    expect(await runDriveSync(platform, paths, {}, again)).toBe(0);
    expect(again.stdout.text).toContain('0 added, 0 changed, 0 removed, 1 skipped, 0 failed');

    writeFileSync(join(remoteDir, 'Policies', 'travel policy ü.md'), '# Travel\nAll trips go by bicycle from now on.\n');
    const edited = io();
    expect(await runDriveSync(platform, paths, {}, edited)).toBe(0);
    expect(edited.stdout.text).toContain('0 added, 1 changed');
    expect(await search('bicycle trips')).toContain('Policies/travel policy ü.md');
    expect(await search('trains second class')).toContain('no match');

    rmSync(join(remoteDir, 'Policies', 'travel policy ü.md'));
    const deleted = io();
    expect(await runDriveSync(platform, paths, {}, deleted)).toBe(0);
    expect(deleted.stdout.text).toContain('0 added, 0 changed, 1 removed');
    expect(await search('bicycle trips')).toContain('no match');
    expect(stub.documents.size).toBe(0);

    // No secret in argv of the processes this test started, in the output, or in the state files.
    const key = (await readSecrets(secretsFile))?.get('ANYTHINGLLM_API_KEY') ?? 'missing';
    expect(stub.keys.has(key)).toBe(true);
    const outputs = [first, again, edited, deleted].map((o) => o.stdout.text + o.stderr.text).join('\n');
    const state = readFileSync(join(dir, '.moat', 'knowledge-state.json'), 'utf8') + readFileSync(join(dir, '.moat', 'drive-state.json'), 'utf8');
    for (const secret of [key, PASS, stub.password]) {
      expect(outputs).not.toContain(secret);
      expect(state).not.toContain(secret);
      for (const pid of [rcd.pid, webdav.pid]) expect(cmdline(pid)).not.toContain(secret);
    }
    // The stub saw the key only as a Bearer header on developer calls.
    expect(stub.calls.filter((c) => c.path.startsWith('/api/v1/')).every((c) => c.authorization === `Bearer ${key}`)).toBe(true);
  }, 120_000);
});
