// The moat.yaml editor every ops command uses: only the edited entry's bytes
// change (block and flow collections, comments, CRLF, an empty file), the
// result always means the edit, aliases are not edited through, and the
// write is atomic, keeps the mode, follows a symbolic link and refuses when
// the file changed since it was read.
import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editConfigText, readConfigFile, writeConfigFile } from '../../src/cli/config-edit.js';
import { UserInputError } from '../../src/model/findings.js';
import { insertedBlock } from './edit-helpers.js';

const TEXT = `# head
host:
  tailscale: {address: 100.64.0.10,   hostname: old} # keep me

services:
  n8n: { env: { A: b } }   # odd spacing
  tool:
    image: x:1
routes:
- { path: /a, service: tool, port: 1, prefix: strip }
models: [a:1, b:2]
`;

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof UserInputError ? error.findings[0]?.code : String(error);
  }
  return undefined;
};

describe('editConfigText', () => {
  it('replaces a scalar inside a flow map in place, keeping the spacing and the comment', () => {
    const out = editConfigText(TEXT, [{ op: 'set', path: ['host', 'tailscale', 'address'], value: '100.101.102.103' }]);
    expect(out).toBe(TEXT.replace('100.64.0.10', '100.101.102.103'));
  });

  it('adds to a flow map, a flow list and a block list without touching the rest', () => {
    expect(editConfigText(TEXT, [{ op: 'set', path: ['host', 'tailscale', 'tailnet'], value: 't.ts.net' }])).toBe(
      TEXT.replace('hostname: old}', 'hostname: old, tailnet: t.ts.net}'),
    );
    expect(editConfigText(TEXT, [{ op: 'append', path: ['models'], value: 'c:3' }])).toBe(TEXT.replace('[a:1, b:2]', '[a:1, b:2, c:3]'));
    const routes = editConfigText(TEXT, [{ op: 'append', path: ['routes'], value: { path: '/b', service: 'tool', port: 2, prefix: 'none' } }]);
    expect(insertedBlock(TEXT, routes)).toBe('- path: /b\n  service: tool\n  port: 2\n  prefix: none\n');
  });

  it('creates missing parents under the right key, and a delete takes back exactly what it added', () => {
    const out = editConfigText(TEXT, [{ op: 'set', path: ['services', 'wiki', 'image'], value: 'w:1' }]);
    expect(insertedBlock(TEXT, out)).toBe('  wiki:\n    image: w:1\n');
    expect(editConfigText(out, [{ op: 'delete', path: ['services', 'wiki'] }])).toBe(TEXT);
    // A delete that empties its parent removes the parent too (no `routes: []` left behind).
    const noRoutes = editConfigText(TEXT, [{ op: 'delete', path: ['routes', 0] }]);
    expect(noRoutes).toBe(TEXT.replace('routes:\n- { path: /a, service: tool, port: 1, prefix: strip }\n', ''));
  });

  it('keeps CRLF line ends and writes into an empty or comment-only file', () => {
    const crlf = TEXT.replaceAll('\n', '\r\n');
    const out = editConfigText(crlf, [{ op: 'set', path: ['services', 'wiki'], value: { image: 'w:1' } }]);
    expect(insertedBlock(crlf, out)).toBe('  wiki:\r\n    image: w:1\r\n');
    expect(editConfigText('', [{ op: 'set', path: ['llm', 'routing', 'mode'], value: 'local-first' }])).toBe('llm:\n  routing:\n    mode: local-first\n');
    expect(editConfigText('# just this', [{ op: 'set', path: ['project'], value: 'p' }])).toBe('# just this\nproject: p\n');
  });

  it('always means the edit: a value YAML would read differently is quoted', () => {
    for (const value of ['yes', '1.0', 'a: b', '# not a comment', "it's", '- x', '']) {
      const out = editConfigText(TEXT, [{ op: 'set', path: ['host', 'tailscale', 'hostname'], value }]);
      expect(parse(out).host.tailscale.hostname, value).toBe(value);
    }
  });

  it('refuses to edit through an alias, and a file with YAML errors', () => {
    const aliased = 'base: &b { image: x:1 }\nservices:\n  a: *b\n';
    expect(codeOf(() => editConfigText(aliased, [{ op: 'set', path: ['services', 'a', 'image'], value: 'y:2' }]))).toBe('config.edit-unsupported');
    expect(codeOf(() => editConfigText('a: [1\n', [{ op: 'set', path: ['b'], value: 1 }]))).toBe('config.edit-unsupported');
  });
});

describe('writeConfigFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'moat-edit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the mode, follows a symbolic link and leaves no temp file', async () => {
    const real = join(dir, 'real.yaml');
    writeFileSync(real, TEXT);
    chmodSync(real, 0o600);
    symlinkSync(real, join(dir, 'moat.yaml'));
    const original = await readConfigFile(join(dir, 'moat.yaml'));
    expect(await writeConfigFile(original, `${TEXT}project: p\n`)).toBe('written');
    expect(lstatSync(join(dir, 'moat.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(`${TEXT}project: p\n`);
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect((await import('node:fs')).readdirSync(dir).sort()).toEqual(['moat.yaml', 'real.yaml']);
    expect(await writeConfigFile(await readConfigFile(real), `${TEXT}project: p\n`)).toBe('unchanged');
  });

  it('refuses when the file changed since it was read, and writes nothing', async () => {
    const file = join(dir, 'moat.yaml');
    writeFileSync(file, TEXT);
    const original = await readConfigFile(file);
    writeFileSync(file, `${TEXT}# someone else's edit\n`);
    const error = await writeConfigFile(original, `${TEXT}project: p\n`).catch((e: unknown) => e);
    expect((error as UserInputError).findings[0]?.code).toBe('config.changed-meanwhile');
    expect(readFileSync(file, 'utf8')).toBe(`${TEXT}# someone else's edit\n`);
    // A file created meanwhile counts too.
    const missing = await readConfigFile(join(dir, 'new.yaml'));
    writeFileSync(join(dir, 'new.yaml'), 'project: x\n');
    expect(((await writeConfigFile(missing, 'project: y\n').catch((e: unknown) => e)) as UserInputError).findings[0]?.code).toBe('config.changed-meanwhile');
  });
});
