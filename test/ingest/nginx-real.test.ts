// The corpus is real nginx syntax: Debian's nginx (1.22) accepts every complete
// corpus config (`nginx -t`), and its own `nginx -T` dump ingests to exactly the
// servers and locations that the files with their includes give. Each config is
// copied into a temp prefix with its absolute paths moved there.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestNginx, type NginxIngestContext, nginxGlobToRegExp } from '../../src/ingest/nginx.js';
import type { Artifact } from '../../src/ingest/types.js';
import { CORPUS } from './corpus/nginx/mount.js';

let base = '';

beforeAll(async () => {
  const version = await execa('nginx', ['-v'], { reject: false });
  if (version.exitCode === undefined) throw new Error('nginx is not installed: apt-get install -y nginx-light (scripts/debian-packages.txt)');
  base = mkdtempSync(join(tmpdir(), `moat-nginx-ingest-${process.pid}-`));
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

/** A corpus directory copied under a fresh prefix, absolute paths moved inside it, with a certificate. */
async function prefixFor(corpusDir: string, tlsDir: string): Promise<string> {
  const dir = mkdtempSync(join(base, 'p-'));
  cpSync(join(CORPUS, corpusDir), dir, { recursive: true });
  for (const sub of ['etc/nginx', 'log', 'run', 'cache', tlsDir]) mkdirSync(join(dir, sub), { recursive: true });
  cpSync(join(CORPUS, 'debian/etc/nginx/mime.types'), join(dir, 'etc/nginx/mime.types'));
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8')
      .replace(/(?<=[\s'"])\/etc\/nginx\//g, `${dir}/etc/nginx/`)
      .replace(/(?<=[\s'"])\/var\/log\/nginx\//g, `${dir}/log/`)
      .replace(/(?<=[\s'"])\/(?:var\/)?run\/nginx\.pid/g, `${dir}/run/nginx.pid`)
      .replace(/(?<=[\s'"])\/var\/cache\/nginx\//g, `${dir}/cache/`)
      // Node gives a child sockets for stdio, which /dev/stderr cannot reopen.
      .replace(/\/dev\/std(?:err|out)/g, `${dir}/log/std.log`);
    writeFileSync(file, text);
  }
  const tls = join(dir, tlsDir);
  for (const [crt, key] of [
    ['server.crt', 'server.key'],
    ['gateway.crt', 'gateway.key'],
  ] as const) {
    await execa('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=moat-test',
      '-keyout',
      join(tls, key),
      '-out',
      join(tls, crt),
    ]);
  }
  return dir;
}

const args = (dir: string, conf: string) => ['-p', `${dir}/`, '-c', join(dir, conf), '-g', `error_log ${dir}/log/error.log;`];

/** The real file system as the CLI would give it: names relative to the main file's directory, or absolute. */
function fsContext(): NginxIngestContext {
  const full = (path: string, from: Artifact) => posix.normalize(path.startsWith('/') ? path : posix.join(dirname(from.file), path));
  return {
    readFile: (path, from) => {
      try {
        return { file: full(path, from), text: readFileSync(full(path, from), 'utf8') };
      } catch {
        return undefined;
      }
    },
    glob: (pattern, from) => {
      // Enough for these tests: wildcards in the last part of the name only.
      const absolute = full(pattern, from);
      const re = nginxGlobToRegExp(absolute);
      let names: string[];
      try {
        names = readdirSync(dirname(absolute)).map((n) => join(dirname(absolute), n));
      } catch {
        return [];
      }
      const matches = names.filter((n) => re.test(n) && statSync(n).isFile());
      return pattern.startsWith('/') ? matches : matches.map((n) => relative(dirname(from.file), n));
    },
  };
}

const COMPLETE: readonly [string, string, string][] = [
  // corpus directory, main file inside it, where its certificates live
  ['debian', 'etc/nginx/nginx.conf', 'etc/nginx/tls'],
  ['confd', 'nginx.conf', 'tls'],
  ['moat-gateway', 'nginx.conf', 'etc/nginx/tls'],
  ['edge', 'edge.conf', 'tls'],
];

describe('real nginx', () => {
  it.each(COMPLETE)('nginx -t accepts the corpus config %s/%s', async (corpusDir, conf, tlsDir) => {
    const dir = await prefixFor(corpusDir, tlsDir);
    const result = await execa('nginx', ['-t', ...args(dir, conf)], { reject: false, all: true });
    expect(result.all).toContain('test is successful');
    expect(result.exitCode).toBe(0);
  });

  it.each([
    ['debian', 'etc/nginx/nginx.conf', 'etc/nginx/tls'],
    ['confd', 'nginx.conf', 'tls'],
  ])('nginx -T of %s/%s ingests to the same servers and locations as its files', async (corpusDir, conf, tlsDir) => {
    const dir = await prefixFor(corpusDir, tlsDir);
    const dump = await execa('nginx', ['-T', ...args(dir, conf)], { reject: false });
    expect(dump.exitCode).toBe(0);
    expect(dump.stdout).toContain(`# configuration file ${join(dir, conf)}:`);
    const main = join(dir, conf);
    const fromFiles = ingestNginx({ file: main, text: readFileSync(main, 'utf8') }, fsContext());
    const fromDump = ingestNginx({ file: 'nginx-T.txt', text: dump.stdout }, {});
    expect(fromFiles.problems).toEqual([]);
    expect(fromDump.problems).toEqual([]);
    const servers = fromDump.fragment.gateway?.servers ?? [];
    expect(servers.length).toBeGreaterThan(1);
    expect(servers).toEqual(fromFiles.fragment.gateway?.servers);
    // Origins name the section's file, at the line inside that file.
    for (const s of servers) expect(s.origin.file.startsWith(dir)).toBe(true);
    // And with nginx's own messages in front, as `nginx -T 2>&1` leaves them.
    const merged = await execa('nginx', ['-T', ...args(dir, conf)], { reject: false, all: true });
    expect(ingestNginx({ file: 'nginx-T.txt', text: merged.all ?? '' }, {}).fragment.gateway?.servers).toEqual(servers);
  });
});

// Lexical corner cases: moat reports a syntax problem exactly when nginx does,
// at the line nginx names (the snippet starts at line 4). One difference on
// purpose: nginx names the end of the file for a quote that never closes, moat
// the line where the quote opens (where the fix goes).
const SNIPPETS: readonly string[] = [
  'return 200 "a;b{c}#d";',
  "return 200 'it\\'s';",
  'return 200 a"b;',
  'return 200 "a"b;',
  'return 200 "a")',
  'return 200 foo};',
  'set $a ${uri}c; return 200 $a;',
  'set $a "${uri}"; return 200 $a;',
  'return 200 a#b;',
  'return 200 a\\;b;',
  'return 200 "never\n  ends;',
  'return\n  200\n  "x";',
  ';',
  'return 200 x }',
  '{ }',
  'if ($uri = "x") { return 204; }',
  'if ($uri ~ "^/x(?<r>/.*)$") { return 204; }',
  "return 200 '';",
  'return 200 "\\"";',
  'return 200 x;}\n}\n}\n}',
  'return 200 x;\n# comment { ; }\nreturn 201;',
  'return 200 "a"\n;',
];

describe('real nginx agrees on syntax', () => {
  it.each(SNIPPETS.map((s) => [s]))('%j', async (snippet) => {
    const dir = mkdtempSync(join(base, 's-'));
    mkdirSync(join(dir, 'log'));
    const text = `events {}\nhttp { access_log off; server { listen 127.0.0.1:1;\n  location / {\n${snippet}\n  }\n} }\n`;
    writeFileSync(join(dir, 'nginx.conf'), text);
    const real = await execa('nginx', ['-t', ...args(dir, 'nginx.conf')], { reject: false, all: true });
    const nginxSyntax = /\[emerg\].*(unexpected|expecting)/.exec(real.all ?? '');
    const ours = ingestNginx({ file: join(dir, 'nginx.conf'), text }, {}).problems.filter((p) => p.code === 'ingest.nginx.syntax');
    expect(ours.length > 0, `nginx: ${real.all}`).toBe(nginxSyntax !== null);
    if (nginxSyntax) {
      const line = /nginx\.conf:(\d+)/.exec(real.all ?? '')?.[1];
      const unclosed = ours[0]?.message.includes('never ends') === true;
      expect(ours[0]?.location?.line, real.all).toBe(unclosed ? 4 : Number(line));
    } else {
      expect(real.exitCode, real.all).toBe(0);
    }
  });
});
