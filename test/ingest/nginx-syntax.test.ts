// nginx's token rules (ngx_conf_read_token, nginx 1.22) as the parser reads
// them: words, quotes and escapes, comments, braces in words, positions, and
// located problems for what nginx would refuse.
import { describe, expect, it } from 'vitest';
import { NGINX_CODES } from '../../src/ingest/nginx.js';
import { MAX_DEPTH, type NginxDirective, parseNginx } from '../../src/ingest/nginx-syntax.js';

const simple = (list: readonly NginxDirective[]): unknown[] =>
  list.map((d) => (d.block ? [d.name, ...d.args, `@${d.origin.line}`, simple(d.block)] : [d.name, ...d.args, `@${d.origin.line}`]));

describe('parseNginx', () => {
  it('reads directives and blocks with the line of their name', () => {
    const { directives, problems } = parseNginx('user www-data;\n\nhttp {\n  server {\n    listen\n      80;\n  }\n}\n', 'f');
    expect(problems).toEqual([]);
    expect(simple(directives)).toEqual([
      ['user', 'www-data', '@1'],
      ['http', '@3', [['server', '@4', [['listen', '80', '@5']]]]],
    ]);
    expect(directives[0]?.origin).toEqual({ file: 'f', line: 1 });
  });

  it('ends a bare word at ";" and "{", but not at "}" (as in ${var}) or "#" or a quote inside it', () => {
    const { directives, problems } = parseNginx('server{return 200 foo};}\nset $a ${b}c#d"e;', 'f');
    expect(problems).toEqual([]);
    expect(simple(directives)).toEqual([
      ['server', '@1', [['return', '200', 'foo}', '@1']]],
      ['set', '$a', '${b}c#d"e', '@2'],
    ]);
  });

  it('reads quoted strings with their escapes; `;`, `{` and `#` inside quotes are text', () => {
    const text = String.raw`add_header X "a;b{c}#d" always; return 200 'it\'s \"ok\"\n'; x "a\qb";`;
    const { directives, problems } = parseNginx(text, 'f');
    expect(problems).toEqual([]);
    expect(directives.map((d) => d.args)).toEqual([['X', 'a;b{c}#d', 'always'], ['200', `it's "ok"\n`], ['a\\qb']]);
  });

  it('does not end a word at an escaped ";" (nginx keeps that pair as written), and counts lines inside strings', () => {
    const { directives } = parseNginx('a b\\;c;\nlog_format main "one\ntwo\nthree";\nnext x;', 'f');
    expect(simple(directives)).toEqual([
      ['a', 'b\\;c', '@1'],
      ['log_format', 'main', 'one\ntwo\nthree', '@2'],
      ['next', 'x', '@5'],
    ]);
  });

  it('skips comments only at the start of a token', () => {
    const { directives } = parseNginx('# whole line\nlisten 80; # after\n  # indented {\nroot /a#b;\n', 'f');
    expect(simple(directives)).toEqual([
      ['listen', '80', '@2'],
      ['root', '/a#b', '@4'],
    ]);
  });

  it("reads an empty quoted key (map entries like '' close;) and CRLF line ends", () => {
    const { directives, problems } = parseNginx("map $a $b {\r\n  default x;\r\n  '' close;\r\n}\r\n", 'f');
    expect(problems).toEqual([]);
    expect(simple(directives)).toEqual([
      [
        'map',
        '$a',
        '$b',
        '@1',
        [
          ['default', 'x', '@2'],
          ['', 'close', '@3'],
        ],
      ],
    ]);
  });

  it('locates what nginx refuses, and keeps reading around it', () => {
    const cases: [string, number, RegExp][] = [
      ['a 1;\n}\nb 2;', 2, /unexpected "}"/],
      ['a 1;\n;\n', 2, /unexpected ";"/],
      ['http {\n  server {\n', 3, /block opened at line 2 is not closed/],
      ['a "never\nends;\n', 1, /never ends/],
      ['listen 80\n}', 2, /unexpected "}" after "listen 80"/],
      ['a "x"y;', 1, /unexpected "y" right after a quoted string/],
      ['last directive', 1, /expecting ";"/],
    ];
    for (const [text, line, message] of cases) {
      const { problems } = parseNginx(text, 'conf');
      expect(problems.length, text).toBeGreaterThan(0);
      expect(problems[0]?.code).toBe(NGINX_CODES.syntax);
      expect(problems[0]?.location).toEqual({ file: 'conf', line, column: 1 });
      expect(problems[0]?.message, text).toMatch(message);
    }
    const after = parseNginx('a 1;\n}\nb 2;', 'f');
    expect(simple(after.directives)).toEqual([
      ['a', '1', '@1'],
      ['b', '2', '@3'],
    ]);
  });

  it('skips a subtree nested deeper than the limit, with one located problem, and reads on', () => {
    const deep = `${'l {\n'.repeat(MAX_DEPTH + 5)}${'}\n'.repeat(MAX_DEPTH + 5)}after 1;\n`;
    const { directives, problems } = parseNginx(deep, 'f');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.code).toBe(NGINX_CODES.tooDeep);
    expect(problems[0]?.message).toMatch(/nested more than 64 deep/);
    expect(problems[0]?.location?.line).toBe(MAX_DEPTH + 1);
    expect(directives.at(-1)).toMatchObject({ name: 'after', origin: { line: 2 * (MAX_DEPTH + 5) + 1 } });
  });
});
