// Where `moat backup` and `moat restore` take the passphrase from: a file, an
// environment variable named by an option, or stdin; never argv, and an empty
// one or none at all (stdin a terminal) is refused with a finding.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPassphrase } from '../../../src/cli/commands/backup.js';
import type { UserInputError } from '../../../src/model/findings.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-pass-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stdin = (text: string, isTTY = false) => Object.assign(Readable.from([Buffer.from(text)]), { isTTY });
const code = async (p: Promise<unknown>) =>
  (
    (await p.then(
      () => undefined,
      (e: unknown) => e,
    )) as UserInputError
  ).findings?.[0]?.code;

describe('readPassphrase', () => {
  it('reads a file without its trailing newline, an env var by name, or piped stdin', async () => {
    await writeFile(join(dir, 'p'), 'from the file\n');
    expect(await readPassphrase({ passphraseFile: join(dir, 'p') }, stdin('ignored'))).toBe('from the file');
    expect(await readPassphrase({ passphraseEnv: 'MOAT_TEST_PASS' }, stdin('ignored'), { MOAT_TEST_PASS: 'from env' })).toBe('from env');
    expect(await readPassphrase({}, stdin('piped\n'))).toBe('piped');
    expect(await readPassphrase({ passphraseFile: '-' }, stdin('dash\r\n', true))).toBe('dash');
  });

  it('refuses a missing variable, an empty passphrase, and a terminal with nothing given', async () => {
    expect(await code(readPassphrase({ passphraseEnv: 'NOPE' }, stdin(''), {}))).toBe('backup.no-passphrase');
    expect(await code(readPassphrase({}, stdin('\n')))).toBe('backup.no-passphrase');
    expect(await code(readPassphrase({}, stdin('', true)))).toBe('backup.no-passphrase');
  });
});
