// What `moat drive connect` accepts before anything is stored or sent: a
// service-account key or an `rclone authorize` token, from a file or stdin,
// never two; rclone's parameters for each (no raw newline, which rclone
// refuses; the questions answered by name); the authorize command's blob.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readCredential } from '../../../src/cli/commands/drive.js';
import { AUTHORIZE_COMMAND, connectRemote, driveParameters, parseServiceAccount, parseToken, redact } from '../../../src/deploy/drive/connect.js';
import type { RcClient } from '../../../src/deploy/drive/rc.js';
import { RcError } from '../../../src/deploy/drive/rc.js';
import { UserInputError } from '../../../src/model/findings.js';

const dir = mkdtempSync(join(tmpdir(), 'moat-drive-connect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = {
  type: 'service_account',
  client_email: 'a@b.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
};
const TOKEN = { access_token: 'ya29.moat-unit-access', token_type: 'Bearer', refresh_token: '1//moat-unit-refresh', expiry: '2026-12-02T14:00:00Z' };
const sink = { write: () => true } as unknown as NodeJS.WritableStream;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof UserInputError ? error.findings[0]?.code : `not a finding: ${(error as Error).message}`;
  }
  return undefined;
}

describe('Drive credentials', () => {
  it('takes a pretty-printed service-account key and gives rclone one line of JSON', () => {
    const credential = parseServiceAccount(JSON.stringify(KEY, null, 2), 'sa.json');
    const params = driveParameters(credential, { scope: 'drive.readonly' });
    expect(params['service_account_credentials']).not.toMatch(/[\r\n]/);
    expect(JSON.parse(params['service_account_credentials'] ?? '')).toEqual(KEY);
    expect(params).toMatchObject({ scope: 'drive.readonly', config_change_team_drive: 'false' });
    expect(params).not.toHaveProperty('token');
  });

  it('takes the whole paste of rclone authorize, and answers the questions that would start a browser flow', () => {
    const credential = parseToken(`Paste the following into your remote machine --->\n${JSON.stringify(TOKEN)}\n<---End paste\n`, 'stdin');
    const params = driveParameters(credential, { scope: 'drive', rootFolderId: 'abc_DEF-1' });
    expect(JSON.parse(params['token'] ?? '')).toEqual(TOKEN);
    expect(params).toMatchObject({ config_refresh_token: 'false', config_shared_client_id: 'true', root_folder_id: 'abc_DEF-1', scope: 'drive' });
  });

  it('refuses what is not a key or a usable token, with a code', () => {
    expect(codeOf(() => parseServiceAccount('{"type":"authorized_user"}', 'f'))).toBe('deploy.drive.bad-credential');
    expect(codeOf(() => parseServiceAccount('not json', 'f'))).toBe('deploy.drive.bad-credential');
    expect(codeOf(() => parseServiceAccount('[]', 'f'))).toBe('deploy.drive.bad-credential');
    expect(codeOf(() => parseToken('no json here', 'stdin'))).toBe('deploy.drive.bad-credential');
    expect(codeOf(() => parseToken('{"access_token":"x"}', 'stdin'))).toBe('deploy.drive.bad-credential');
    expect(codeOf(() => driveParameters(parseToken(JSON.stringify(TOKEN), 's'), { scope: 'drive.readonly', rootFolderId: 'x\nscope = drive' }))).toBe(
      'deploy.drive.bad-option',
    );
  });

  it('reads one source: a file, or stdin; two sources or empty input are refused', async () => {
    const file = join(dir, 'token.json');
    writeFileSync(file, JSON.stringify(TOKEN));
    expect((await readCredential({ tokenFile: file }, {}, sink)).kind).toBe('token');
    expect((await readCredential({}, { stdin: Readable.from([JSON.stringify(TOKEN)]) }, sink)).kind).toBe('token');
    await expect(readCredential({ tokenFile: file, serviceAccount: file }, {}, sink)).rejects.toMatchObject({
      findings: [{ code: 'deploy.drive.credential-source' }],
    });
    await expect(readCredential({}, { stdin: Readable.from(['']) }, sink)).rejects.toMatchObject({ findings: [{ code: 'deploy.drive.credential-source' }] });
  });

  it('the authorize hint asks for a read-only token (rclone reads the blob as unpadded base64 JSON)', () => {
    const blob = /"drive" "([^"]+)"/.exec(AUTHORIZE_COMMAND)?.[1] ?? '';
    expect(blob).not.toContain('=');
    expect(JSON.parse(Buffer.from(blob, 'base64').toString('utf8'))).toEqual({ scope: 'drive.readonly' });
  });

  it("rclone's refusal of a configuration never carries the credential into the message", async () => {
    const credential = parseToken(JSON.stringify(TOKEN), 's');
    const params = driveParameters(credential, { scope: 'drive.readonly' });
    const rc: RcClient = {
      baseUrl: 'http://rc',
      read: async () => new Uint8Array(),
      call: async () => {
        throw new RcError('config/create', 500, `couldn't parse token ${params['token']} or refresh ${TOKEN.refresh_token}x`);
      },
    };
    const error = (await connectRemote(rc, { name: 'gdrive', type: 'drive', parameters: params }).then(
      () => new Error('no error'),
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(RcError);
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(TOKEN.refresh_token);
    expect(error.message).not.toContain(TOKEN.access_token);
    expect(redact('value 1//r', ['short'])).toBe('value 1//r');
  });

  it('a configuration rclone still asks about is removed again and reported', async () => {
    const calls: string[] = [];
    const rc: RcClient = {
      baseUrl: 'http://rc',
      read: async () => new Uint8Array(),
      call: async <T>(command: string) => {
        calls.push(command);
        return (command === 'config/create' ? { State: '*oauth-islocal,teamdrive,,', Option: { Name: 'config_is_local', Help: 'Use web browser?' } } : {}) as T;
      },
    };
    await expect(connectRemote(rc, { name: 'gdrive', type: 'drive', parameters: {} })).rejects.toThrow(/still asks config_is_local/);
    expect(calls).toEqual(['config/create', 'config/delete']);
  });
});
