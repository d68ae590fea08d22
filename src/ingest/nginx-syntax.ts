// nginx's configuration syntax, read into directives with their file and line.
//
// Hand-written because npm has no maintained JavaScript nginx parser that keeps
// positions: `nginx-conf` and `nginx-parse` drop line numbers and are
// unmaintained, `nginx-conf-parser` is a 2014 jison grammar, and crossplane (the
// reference parser, with line numbers) exists only for Python, Go and PHP.
//
// The token rules follow nginx's own lexer, ngx_conf_read_token() in
// src/core/ngx_conf_file.c (nginx 1.22), written from its behaviour, not copied:
// - whitespace separates tokens; `;` ends a directive, `{` opens a block (both
//   also end a bare word: `server{` is `server` then `{`); `}` closes a block
//   only between tokens (`foo}` is one word, as in `${var}`);
// - `#` starts a comment only at the start of a token (`a#b` is one word);
// - `"` and `'` quote only at the start of a token (a quote inside a word is
//   literal); after the closing quote nginx wants whitespace, `;`, `{` or `)`;
// - a backslash protects the next character; in the token's value `\"`, `\'`,
//   `\\` lose the backslash and `\n`, `\r`, `\t` become control characters,
//   every other pair is kept as written;
// - `{` right after `$` belongs to the word (`${name}`).
// Blocks nest without recursion (an explicit stack), and nesting deeper than
// `maxDepth` is skipped with one located problem, so hostile input costs linear time.

import type { Origin } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import { NGINX_CODES } from './nginx-findings.js';
import { artifactProblem } from './types.js';

export interface NginxDirective {
  readonly name: string;
  readonly args: readonly string[];
  /** The file and line of the directive's name. */
  readonly origin: Origin;
  /** Present for a block directive (`server { ... }`), empty for `{}`. */
  readonly block?: readonly NginxDirective[];
}

export interface ParsedConfig {
  readonly directives: readonly NginxDirective[];
  readonly problems: readonly Finding[];
}

/** Deep enough for any real config (the deepest seen in the wild is about 6). */
export const MAX_DEPTH = 64;

interface Frame {
  readonly list: NginxDirective[];
  readonly line: number;
}

const SPACE = new Set([' ', '\t', '\r', '\n']);
const MAX_PROBLEMS = 50;

/** Parses one file. `maxDepth` counts the block levels still allowed (an include inside a location has fewer). */
export function parseNginx(text: string, file: string, maxDepth: number = MAX_DEPTH): ParsedConfig {
  const problems: Finding[] = [];
  const problem = (line: number, message: string, hint: string, code: Finding['code'] = NGINX_CODES.syntax): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(artifactProblem(code, 'medium', { file, line }, message, hint));
  };
  const root: Frame = { list: [], line: 1 };
  const stack: Frame[] = [root];
  let skipping = 0; // levels of a too-deep subtree being skipped
  let args: string[] = [];
  let argLine = 0;

  const top = (): Frame => stack[stack.length - 1] ?? root;
  const end = (kind: ';' | '{' | '}', line: number): void => {
    if (kind === '}') {
      if (args.length > 0) {
        problem(line, `unexpected "}" after "${args.join(' ')}"`, 'end the directive with ";" before the "}"');
        args = [];
      }
      if (skipping > 0) skipping--;
      else if (stack.length > 1) stack.pop();
      else problem(line, 'unexpected "}": no block is open here', 'remove the extra "}"');
      return;
    }
    if (args.length === 0) {
      if (skipping === 0) problem(line, `unexpected "${kind}" with no directive before it`, `remove the "${kind}" or name the directive`);
      if (kind === '{') {
        if (skipping > 0) skipping++;
        else stack.push({ list: [], line }); // an anonymous block: its content is read but not attached
      }
      return;
    }
    const [name = '', ...rest] = args;
    const origin = { file, line: argLine };
    args = [];
    if (kind === ';') {
      if (skipping === 0) top().list.push({ name, args: rest, origin });
      return;
    }
    if (skipping > 0 || stack.length > maxDepth) {
      if (skipping === 0) {
        problem(
          origin.line,
          `blocks nested more than ${maxDepth} deep: moat did not read "${name}" and what it contains`,
          'no real nginx config nests this deep; check that the file is what nginx reads',
          NGINX_CODES.tooDeep,
        );
      }
      skipping++;
      return;
    }
    const block: NginxDirective[] = [];
    top().list.push({ name, args: rest, origin, block });
    stack.push({ list: block, line: origin.line });
  };

  const n = text.length;
  let i = 0;
  let line = 1;
  const word = (value: string, at: number): void => {
    if (args.length === 0) argLine = at;
    if (skipping === 0 || args.length === 0) args.push(value);
  };
  while (i < n) {
    const ch = text[i] as string;
    if (SPACE.has(ch)) {
      if (ch === '\n') line++;
      i++;
      continue;
    }
    if (ch === ';' || ch === '{' || ch === '}') {
      end(ch, line);
      i++;
      continue;
    }
    if (ch === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    const at = line;
    if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const c = text[j] as string;
        if (c === '\\' && j + 1 < n) {
          value += unescapePair(text[j + 1] as string);
          if (text[j + 1] === '\n') line++;
          j += 2;
          continue;
        }
        if (c === ch) {
          closed = true;
          j++;
          break;
        }
        if (c === '\n') line++;
        value += c;
        j++;
      }
      if (!closed) {
        problem(at, `a ${ch === '"' ? 'double' : 'single'}-quoted string that never ends`, `close the string with ${ch}`);
        args = [];
        i = n;
        break;
      }
      word(value, at);
      i = j;
      const next = text[i];
      if (next !== undefined && !SPACE.has(next) && next !== ';' && next !== '{' && next !== ')') {
        problem(line, `unexpected "${next}" right after a quoted string`, 'put a space after the closing quote');
      }
      continue;
    }
    // A bare word: up to whitespace, `;` or `{` (except `{` right after `$`).
    let value = '';
    let j = i;
    while (j < n) {
      const c = text[j] as string;
      if (c === '\\' && j + 1 < n) {
        value += unescapePair(text[j + 1] as string);
        if (text[j + 1] === '\n') line++;
        j += 2;
        continue;
      }
      if (SPACE.has(c) || c === ';' || (c === '{' && text[j - 1] !== '$')) break;
      value += c;
      j++;
    }
    word(value, at);
    i = j;
  }
  if (args.length > 0) problem(line, `unexpected end of file after "${args.join(' ')}": expecting ";" or "}"`, 'end the directive with ";"');
  if (stack.length > 1 || skipping > 0) {
    const open = top();
    problem(line, `unexpected end of file: the block opened at line ${open.line} is not closed`, 'add the missing "}"');
  }
  return { directives: root.list, problems };
}

/** The value of `\c` inside a token (ngx_conf_read_token keeps unknown pairs whole). */
function unescapePair(c: string): string {
  switch (c) {
    case '"':
    case "'":
    case '\\':
      return c;
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return `\\${c}`;
  }
}
