// `moat add service` / `moat remove service` on a moat.yaml with comments,
// blank lines, odd ordering and flow maps: the new entry is the only change
// (everything before and after it byte-identical), remove restores the file,
// the proof runs before the write (a finding it adds refuses the change), and
// dependants block a removal. Run through the CLI (flags, no terminal) and
// through the functions.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runAddService, runRemoveService } from '../../src/cli/commands/service.js';
import { loadPlatform } from '../../src/cli/load-platform.js';
import type { UserInputError } from '../../src/model/findings.js';
import { runMoat } from '../support/run-moat.js';
import { insertedBlock, sink } from './edit-helpers.js';

// Keys out of the usual order, comments everywhere, a blank line, flow maps, CRLF-free, no final blank line.
const FIXTURE = `# yaml-language-server: $schema=schema/moat.schema.json
policy:
  allow: # extra rules
    - { zone: tailnet, port: 9443, protocol: tcp, why: "metrics dashboard" }

services:
  # switched off on purpose
  clawdbot: {enabled: false}


  my-tool:   # added by hand
    image: ghcr.io/acme/tool:1.2.3
    address: 172.20.0.70
    ports: [{ port: 9000, purpose: API }]
  # trailing comment inside services
host:
  adminCidr: 198.51.100.7/32 # office
project: ai-platform
`;

let dir: string;
const file = () => join(dir, 'moat.yaml');
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'moat-service-'));
  writeFileSync(file(), FIXTURE);
  chmodSync(file(), 0o640);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const HEALTH = 'wget -q -O /dev/null http://127.0.0.1:8080/health';

describe('moat add service', () => {
  it('adds only the new entry: every other byte of the commented file stays, and the mode too', async () => {
    const run = await runMoat('-c', file(), 'add', 'service', '--name', 'wiki', '--image', 'ghcr.io/acme/wiki:2.0.1', '--port', '8080', '--health', HEALTH);
    expect(run.code, run.err).toBe(0);
    const after = readFileSync(file(), 'utf8');
    const block = insertedBlock(FIXTURE, after);
    // Inserted right after my-tool's last line, at the services' indentation, before the trailing comment.
    expect(block).toBe(
      [
        '  wiki:',
        '    image: ghcr.io/acme/wiki:2.0.1',
        '    address: 172.20.0.71',
        '    ports:',
        '      - port: 8080',
        '        protocol: tcp',
        '        purpose: added with moat add service',
        '    healthcheck:',
        '      test:',
        '        - CMD-SHELL',
        `        - ${HEALTH}`,
        `      expects: "\`${HEALTH}\` exits 0"`,
        '',
      ].join('\n'),
    );
    expect(after.indexOf(block)).toBe(FIXTURE.indexOf('  # trailing comment inside services'));
    expect(statSync(file()).mode & 0o777).toBe(0o640);
    const { platform } = await loadPlatform({ cwd: dir, configPath: 'moat.yaml' });
    expect(platform.services.find((s) => s.name === 'wiki')?.address).toBe('172.20.0.71');
    expect(run.out).toContain('next: `moat up wiki`');
  });

  it('adds a route on its own origin, and remove restores the file byte for byte', async () => {
    const stdout = sink();
    expect(
      await runAddService(
        { name: 'wiki', image: 'ghcr.io/acme/wiki:2.0.1', address: '172.20.0.90', ports: ['8080'], route: '/wiki' },
        { configFile: file(), stdout, stderr: sink() },
      ),
    ).toBe(0);
    const data = parse(readFileSync(file(), 'utf8'));
    expect(data.routes).toEqual([{ path: '/wiki', service: 'wiki', port: 8080, prefix: 'none', originPort: 8446 }]);
    expect(stdout.text()).toContain('served at https://ai-platform.example.ts.net:8446/');
    expect(await runRemoveService('wiki', { configFile: file(), stdout: sink() })).toBe(0);
    expect(readFileSync(file(), 'utf8')).toBe(FIXTURE);
  });

  it('proves before writing: a service that leaves the proof failing high is refused with the findings; --force writes it', async () => {
    // A route written ahead for a service that does not exist yet: the proof reports it (route.unknown-service).
    const prepared = `${FIXTURE}routes:\n  - { path: /wiki, service: wiki, port: 9999, prefix: strip }\n`;
    writeFileSync(file(), prepared);
    const refused = await runMoat('-c', file(), 'add', 'service', 'wiki', '--image', 'ghcr.io/acme/wiki:2.0.1', '--port', '8080');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('[route.not-listening]');
    expect(refused.err).toContain('[cli.proof-failed]');
    expect(readFileSync(file(), 'utf8')).toBe(prepared);
    const forced = await runMoat('-c', file(), 'add', 'service', 'wiki', '--image', 'ghcr.io/acme/wiki:2.0.1', '--port', '8080', '--force');
    expect(forced.code).toBe(1);
    expect(forced.err).toContain('--force');
    expect(parse(readFileSync(file(), 'utf8')).services.wiki.ports).toEqual([{ port: 8080, protocol: 'tcp', purpose: 'added with moat add service' }]);
    // The port the route expects: the proof passes, and the finding it had before (unknown service) is gone.
    writeFileSync(file(), prepared);
    const fits = await runMoat('-c', file(), 'add', 'service', 'wiki', '--image', 'ghcr.io/acme/wiki:2.0.1', '--port', '9999');
    expect(fits.code, fits.err).toBe(0);
    expect(insertedBlock(prepared, readFileSync(file(), 'utf8'))).toContain('  wiki:\n');
  });

  it('refuses a route without a TCP port', async () => {
    const error = await runAddService(
      { name: 'dns', image: 'ghcr.io/acme/dns:1.0.0', ports: ['5353/udp'], route: '/dns', address: '172.20.0.91' },
      { configFile: file(), stdout: sink(), stderr: sink() },
    ).catch((e: unknown) => e);
    expect((error as UserInputError).findings[0]?.path).toBe('--route');
    expect(readFileSync(file(), 'utf8')).toBe(FIXTURE);
  });

  it('names the missing flags when standard input is not a terminal, and validates every value', async () => {
    const run = await runMoat('-c', file(), 'add', 'service', '--name', 'wiki');
    expect(run.code).toBe(2);
    expect(run.err).toContain('--image, --port');
    expect(run.err).toContain('not a terminal');
    const badName = await runMoat('-c', file(), 'add', 'service', 'Wiki_1', '--image', 'x:1', '--port', '80');
    expect(badName.code).toBe(2);
    const badPort = await runMoat('-c', file(), 'add', 'service', 'wiki', '--image', 'x:1', '--port', '99999');
    expect(badPort.err).toContain('is not PORT or PORT/udp');
    const latest = await runMoat('-c', file(), 'add', 'service', 'wiki', '--image', 'ghcr.io/acme/wiki:latest', '--port', '80');
    expect(latest.err).toContain('[config.image-unpinned]');
    const exists = await runMoat('-c', file(), 'add', 'service', 'my-tool', '--image', 'x:1', '--port', '80');
    expect(exists.err).toContain('[cli.service-exists]');
    expect(readFileSync(file(), 'utf8')).toBe(FIXTURE);
  });
});

describe('moat remove service', () => {
  it('refuses a service others depend on, naming them', async () => {
    const run = await runMoat('-c', file(), 'remove', 'service', 'ollama');
    expect(run.code).toBe(2);
    expect(run.err).toContain('[cli.service-in-use]');
    expect(run.err).toMatch(/litellm.*depend/);
    expect(readFileSync(file(), 'utf8')).toBe(FIXTURE);
  });

  it('removes a service the user added, switches a catalog one off, and suggests a name for a typo', async () => {
    expect((await runMoat('-c', file(), 'remove', 'service', 'my-tool')).code).toBe(0);
    expect(readFileSync(file(), 'utf8')).not.toContain('my-tool');
    expect(readFileSync(file(), 'utf8')).toContain('  # trailing comment inside services\n');
    expect((await runMoat('-c', file(), 'remove', 'service', 'signal-api')).code).toBe(0);
    expect(parse(readFileSync(file(), 'utf8')).services['signal-api']).toEqual({ enabled: false });
    const typo = await runMoat('-c', file(), 'remove', 'service', 'olama');
    expect(typo.err).toContain('did you mean "ollama"');
  });
});

describe('moat add service on a terminal', () => {
  it('asks for what the flags left out, suggesting the next free address', async () => {
    const { PassThrough } = await import('node:stream');
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const prompts = sink();
    const answers = ['ghcr.io/acme/wiki:2.0.1', '', '8080', '', 'none'];
    // readline asks one question at a time: answer each as it is printed.
    let asked = 0;
    const stderr = new Writable({
      write: (chunk, _enc, done) => {
        prompts.write(chunk);
        if (String(chunk).endsWith(': ')) stdin.write(`${answers[asked++] ?? ''}\n`);
        done();
      },
    });
    const code = await runAddService({ name: 'wiki' }, { configFile: file(), stdin, stdout: sink(), stderr });
    expect(code).toBe(0);
    expect(prompts.text()).toContain('static address on 172.20.0.0/16 [172.20.0.71]');
    const data = parse(readFileSync(file(), 'utf8'));
    expect(data.services.wiki).toMatchObject({ image: 'ghcr.io/acme/wiki:2.0.1', address: '172.20.0.71', ports: [{ port: 8080 }] });
    expect(data.routes).toBeUndefined();
  });
});
