// Hostile input: random text, token soup and mutated corpus files never make
// the ingester throw, and every problem it reports is located in a file it was
// given; absurd nesting and include bombs are refused quickly with a located
// problem. Generated configs ingest to exactly the servers they were made from.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectNginx, ingestNginx, NGINX_CODES } from '../../src/ingest/nginx.js';
import { splitDump } from '../../src/ingest/nginx-include.js';
import type { Artifact, IngestContext } from '../../src/ingest/types.js';
import type { Finding } from '../../src/model/findings.js';
import { mounted } from './corpus/nginx/mount.js';

const located = (problems: readonly Finding[], texts: ReadonlyMap<string, string>): void => {
  for (const p of problems) {
    const text = texts.get(p.location?.file ?? '');
    expect(text, `${p.code} at ${p.path}`).toBeDefined();
    expect(p.location?.line).toBeGreaterThanOrEqual(1);
    expect(p.location?.line).toBeLessThanOrEqual((text ?? '').split('\n').length + 1);
    expect(p.path).toBe(`${p.location?.file}:${p.location?.line}`);
    expect(p.hint.length).toBeGreaterThan(0);
  }
};

const one = (file: string, text: string) => {
  const artifact = { file, text };
  const result = ingestNginx(artifact, {});
  detectNginx(artifact);
  // A dump's problems are located in its sections, each its own file.
  const sections = splitDump(text)?.sections ?? [];
  located(result.problems, new Map([[file, text], ...sections.map((s): [string, string] => [s.file, s.text])]));
  return result;
};

const TOKENS = [
  '{',
  '}',
  ';',
  '"',
  "'",
  '\\',
  '#',
  '$',
  '${',
  ' ',
  '\n',
  '\t',
  'http',
  'server',
  'location',
  'listen',
  'proxy_pass',
  'upstream',
  'map',
  'include',
  'if',
  'set',
  'return',
  'rewrite',
  'stream',
  '80',
  '[::]:443',
  'ssl',
  'default_server',
  'http://$x',
  'http://a:1/',
  '$1',
  '~',
  '=',
  '/',
  'unix:/x',
  'ssl_reject_handshake',
  'on',
  '# configuration file /a:',
  '[z-a]',
  '*',
  '?',
  '[!',
  ']',
  '(?<a>',
  '(',
  ')',
  'grpc_pass',
  'geo',
  'split_clients',
  'default',
];

describe('fuzz', () => {
  it('random text never throws, and problems are located', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => void one('r.conf', text)),
      { numRuns: 400 },
    );
  });

  it('token soup never throws, and problems are located', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }).map((t) => t.join(' '));
    const glued = fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }).map((t) => t.join(''));
    fc.assert(
      fc.property(fc.oneof(soup, glued), (text) => void one('t.conf', text)),
      { numRuns: 600 },
    );
  });

  it.each([
    ['debian', '/', '/etc/nginx/nginx.conf'],
    ['confd', 'confd', 'confd/nginx.conf'],
    ['moat-gateway', '/etc/nginx', '/etc/nginx/nginx.conf'],
    ['edge', 'edge', 'edge/edge.conf'],
  ])('mutated corpus %s, with its includes, never throws, and problems are located in the files read', (dir, mount, main) => {
    const corpus = mounted(dir, mount);
    const names = [...corpus.files.keys()];
    const mutation = fc.record({
      file: fc.constantFrom(...names),
      at: fc.nat(),
      cut: fc.nat({ max: 40 }),
      insert: fc.array(fc.constantFrom(...TOKENS), { maxLength: 6 }).map((t) => t.join('')),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        const files = new Map(corpus.files);
        for (const m of mutations) {
          const text = files.get(m.file) ?? '';
          const at = text.length === 0 ? 0 : m.at % text.length;
          files.set(m.file, text.slice(0, at) + m.insert + text.slice(at + m.cut));
        }
        const context: IngestContext & { glob: NonNullable<typeof corpus.context.glob> } = {
          readFile: (path, from) => {
            const found = corpus.context.readFile?.(path, from);
            return found ? { file: found.file, text: files.get(found.file) ?? '' } : undefined;
          },
          glob: (pattern, from) => corpus.context.glob?.(pattern, from) ?? [],
        };
        const result = ingestNginx({ file: main, text: files.get(main) ?? '' }, context);
        // A mutation can turn the main file into an `nginx -T` dump (a `# configuration file X:` line): its problems are then located in its sections, as in `one`.
        const sections = splitDump(files.get(main) ?? '')?.sections ?? [];
        located(result.problems, new Map([...files, ...sections.map((x): [string, string] => [x.file, x.text])]));
      }),
      // Found by a run (seed 1730351560): the main file made a dump by one marker line.
      { numRuns: 150, examples: [[[{ file: main, at: 0, cut: 0, insert: '# configuration file /a:\n' }]]] },
    );
  });

  it('refuses 10,000 nested blocks quickly with a located problem, without a stack overflow', () => {
    const depth = 10_000;
    const texts = [
      `http {\n server {\n${'  location / {\n'.repeat(depth)}${'  }\n'.repeat(depth)} }\n}\n`,
      `http {\n${'if ($a) {\n'.repeat(depth)}`, // never closed
      '{'.repeat(depth * 10),
      `${'a {'.repeat(depth)}${'}'.repeat(depth * 2)}`,
    ];
    for (const text of texts) {
      const started = performance.now();
      const result = one('deep.conf', text);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(result.problems.length).toBeGreaterThan(0);
    }
    const first = one('deep.conf', texts[0] ?? '');
    expect(first.problems.map((p) => `${p.code} ${p.path}`)).toEqual([`${NGINX_CODES.tooDeep} deep.conf:65`]);
    // The server and the locations up to the limit are still read.
    expect(first.fragment.gateway?.servers[0]?.locations.length).toBe(62);
  });

  it('refuses include loops and include bombs quickly, located at the include', () => {
    const files = new Map<string, string>([
      ['main.conf', 'http { include self.conf; include a.conf; }'],
      ['self.conf', 'include self.conf;'],
      ...Array.from({ length: 30 }, (_, i): [string, string] => [
        `b${i}.conf`,
        `include b${i + 1}.conf; include b${i + 1}.conf; server { listen ${1000 + i}; }`,
      ]),
      ['a.conf', 'include b0.conf;'],
    ]);
    const context: IngestContext = {
      readFile: (path: string): Artifact | undefined => {
        const text = files.get(path);
        return text === undefined ? undefined : { file: path, text };
      },
    };
    const started = performance.now();
    const result = ingestNginx({ file: 'main.conf', text: files.get('main.conf') ?? '' }, context);
    expect(performance.now() - started).toBeLessThan(5000);
    const problemCodes = new Set(result.problems.map((p) => p.code));
    expect(problemCodes.has(NGINX_CODES.includeLoop)).toBe(true);
    expect(problemCodes.has(NGINX_CODES.tooDeep)).toBe(true);
    expect(result.problems.find((p) => p.code === NGINX_CODES.includeLoop)?.path).toBe('self.conf:1');
    // The bomb stops at the include budget, said once at the main file.
    expect(result.problems.filter((p) => p.message.includes('moat stopped reading there')).map((p) => p.path)).toEqual(['main.conf:1']);
    expect(result.problems.length).toBeLessThan(50);
    located(result.problems, files);
  });

  it('generated configs ingest to exactly the servers, listens and upstreams they were made from', () => {
    const location = fc.record({
      path: fc.stringMatching(/^\/[a-z0-9]{0,8}\/?$/),
      host: fc.ipV4(),
      port: fc.integer({ min: 1, max: 65535 }),
    });
    const server = fc.record({
      port: fc.integer({ min: 1, max: 65535 }),
      tls: fc.boolean(),
      names: fc.array(fc.domain(), { maxLength: 3 }),
      locations: fc.uniqueArray(location, { selector: (l) => l.path, maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(server, { selector: (s) => s.port, maxLength: 5 }), (model) => {
        const text = `http {\n${model
          .map(
            (s) =>
              `  server {\n    listen ${s.port}${s.tls ? ' ssl' : ''};\n${s.names.length ? `    server_name ${s.names.join(' ')};\n` : ''}${s.locations
                .map((l) => `    location ${l.path} {\n      proxy_pass http://${l.host}:${l.port};\n    }\n`)
                .join('')}  }\n`,
          )
          .join('')}}\n`;
        const result = ingestNginx({ file: 'g.conf', text }, {});
        expect(result.problems).toEqual([]);
        const servers = result.fragment.gateway?.servers ?? [];
        expect(servers.map((s) => ({ listens: s.listens, names: s.serverNames, locations: s.locations.map((l) => [l.path, l.upstreams]) }))).toEqual(
          model.map((s) => ({
            listens: [{ port: s.port, tls: s.tls, defaultServer: true }],
            names: s.names,
            locations: s.locations.map((l) => [l.path, [{ host: l.host, port: l.port }]]),
          })),
        );
      }),
      { numRuns: 200 },
    );
  });
});
