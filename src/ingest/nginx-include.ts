// The whole configuration nginx reads: the main file with every `include`
// spliced in where it stands, from files the caller can read, or from the
// sections of an `nginx -T` dump.
//
// nginx resolves a relative include against its configuration prefix, the
// directory of the main file (-c), not of the including file
// (ngx_conf_include() and ngx_conf_full_name() with cycle->conf_prefix in
// src/core/ngx_conf_file.c and src/core/nginx.c, 1.22): a relative include in
// sites-enabled/default is still relative to /etc/nginx/. A name with `*`, `?`
// or `[` is a glob(3) pattern whose matches are read in sorted order, and a
// pattern that matches nothing is no error; a plain name that is missing is.
// `nginx -T` writes `# configuration file NAME:` and then the file, once per file
// (tested against Debian's nginx 1.22.1).
import { posix } from 'node:path';
import type { Origin } from '../analyze/state.js';
import type { Finding, Severity } from '../model/findings.js';
import { NGINX_CODES } from './nginx-findings.js';
import { MAX_DEPTH, type NginxDirective, parseNginx } from './nginx-syntax.js';
import { type Artifact, artifactProblem, type IngestContext } from './types.js';

export interface NginxIngestContext extends IngestContext {
  /**
   * The files a glob include matches, as names `readFile` takes (relative to
   * `from`'s directory, or absolute), or undefined when the directory cannot be
   * listed. Without it a glob include is a located problem.
   */
  readonly glob?: (pattern: string, from: Artifact) => readonly string[] | undefined;
}

export interface LoadedConfig {
  readonly directives: readonly NginxDirective[];
  readonly problems: readonly Finding[];
  /** Every file read, the main one first. */
  readonly files: readonly string[];
  /** Whether the input was `nginx -T` output. */
  readonly dump: boolean;
}

const HEADER = /^# configuration file (.+):$/;
const MAX_CHAIN = 16;
// Far beyond real configs (a large IP block list is some 100,000 directives,
// a big site a few hundred includes), low enough that an include bomb is cheap.
const MAX_DIRECTIVES = 2_000_000;
const MAX_INCLUDES = 10_000;

/**
 * The files of an `nginx -T` dump, or undefined when the text has no section.
 * `stray` is the first line before the first section that is not one of
 * nginx's own messages (`nginx -T 2>&1` leaves those), such as a pasted prompt.
 */
export function splitDump(text: string): { sections: Artifact[]; stray?: number } | undefined {
  const lines = text.split('\n');
  const sections: { file: string; lines: string[] }[] = [];
  let stray: number | undefined;
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const header = HEADER.exec(line);
    if (header?.[1] !== undefined) {
      sections.push({ file: header[1], lines: [] });
      return;
    }
    const current = sections[sections.length - 1];
    if (current) current.lines.push(raw);
    else if (stray === undefined && line.trim() !== '' && !/^nginx: |^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[/.test(line)) stray = index + 1;
  });
  if (sections.length === 0) return undefined;
  return { sections: sections.map((s) => ({ file: s.file, text: s.lines.join('\n') })), ...(stray !== undefined ? { stray } : {}) };
}

/** glob(3) as nginx calls it: `*` and `?` stay within a name and never match a leading dot; `[...]` classes. */
export function nginxGlobToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/').map((segment) => {
    let out = /^[*?[]/.test(segment) ? '(?!\\.)' : '';
    for (let i = 0; i < segment.length; i++) {
      const c = segment[i] as string;
      if (c === '*') out += '[^/]*';
      else if (c === '?') out += '[^/]';
      else if (c === '[' && segment.indexOf(']', i + 2) > i) {
        const close = segment.indexOf(']', i + 2);
        let body = segment.slice(i + 1, close);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        out += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = close;
      } else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return out;
  });
  try {
    return new RegExp(`^${segments.join('/')}$`);
  } catch {
    // A class JavaScript refuses (`[z-a]`): match the name literally, as a missing file then says.
    return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  }
}

export const isGlob = (name: string): boolean => /[*?[]/.test(name);

/** Reads the main file and every include. Never throws for bad input. */
export function loadNginxConfig(artifact: Artifact, context: NginxIngestContext): LoadedConfig {
  const dump = splitDump(artifact.text);
  const sections = dump?.sections;
  const root = sections?.[0] ?? artifact;
  // A file included in many places repeats its problems: each is reported once.
  const problems: Finding[] = [];
  const seen = new Set<string>();
  const report = (...found: Finding[]): void => {
    for (const p of found) {
      const key = `${p.code}\0${p.path}\0${p.message}`;
      if (!seen.has(key)) problems.push(p);
      seen.add(key);
    }
  };
  const files: string[] = [root.file];
  let budget = MAX_DIRECTIVES;
  let includes = MAX_INCLUDES;
  const prefix = root.file.includes('/') ? root.file.slice(0, root.file.lastIndexOf('/') + 1) : '';

  const unreadable = (at: Origin, name: string, why: string): void => {
    // mime.types ships with nginx and holds only a `types` block: a missing copy hides no route.
    const mime = posix.basename(name) === 'mime.types';
    const severity: Severity = mime ? 'low' : 'medium';
    report(
      artifactProblem(
        NGINX_CODES.includeUnreadable,
        severity,
        at,
        `include ${name}: ${why}; an include moat could not read may add routes${mime ? ' (mime.types normally holds only MIME types)' : ''}`,
        sections ? 'give moat the complete `nginx -T` output' : 'give moat the configuration directory with every included file, or `nginx -T` output',
      ),
    );
  };

  /** The files an include names, or a reason it cannot say. */
  const resolve = (name: string): Artifact[] | string => {
    if (sections) {
      const joined = name.startsWith('/') ? name : prefix + name;
      if (isGlob(name)) {
        const re = nginxGlobToRegExp(joined);
        return sections.filter((s) => re.test(s.file)).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      }
      const found = sections.find((s) => s.file === joined) ?? sections.find((s) => posix.normalize(s.file) === posix.normalize(joined));
      return found ? [found] : 'the nginx -T output has no section for it';
    }
    if (!context.readFile) return 'moat was given no way to read other files';
    let names: readonly string[] = [name];
    if (isGlob(name)) {
      const listed = context.glob?.(name, root);
      if (listed === undefined) return 'moat could not list the files this pattern matches';
      names = [...listed].sort();
    }
    const out: Artifact[] = [];
    for (const n of names) {
      const read = context.readFile(n, root);
      if (!read) return names.length === 1 ? 'moat could not read it' : `moat could not read ${n}`;
      out.push(read);
    }
    return out;
  };

  // A file included in many places (a snippet in every location) is parsed once per depth.
  const cache = new Map<string, readonly NginxDirective[]>();
  const parse = (file: Artifact, maxDepth: number): readonly NginxDirective[] => {
    const key = `${maxDepth}\0${file.file}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const parsed = parseNginx(file.text, file.file, maxDepth);
    report(...parsed.problems);
    cache.set(key, parsed.directives);
    return parsed.directives;
  };

  const expand = (list: readonly NginxDirective[], depth: number, chain: readonly string[]): NginxDirective[] => {
    const out: NginxDirective[] = [];
    for (const d of list) {
      if (budget <= 0) break;
      budget--;
      if (d.name !== 'include') {
        out.push(d.block ? { ...d, block: expand(d.block, depth + 1, chain) } : d);
        continue;
      }
      if (--includes < 0) {
        budget = 0;
        break;
      }
      const name = d.args[0];
      if (name === undefined || d.args.length !== 1 || d.block) {
        report(artifactProblem(NGINX_CODES.syntax, 'medium', d.origin, 'include takes exactly one file name', 'write `include FILE;`'));
        continue;
      }
      const found = resolve(name);
      if (typeof found === 'string') {
        unreadable(d.origin, name, found);
        continue;
      }
      for (const file of found) {
        if (chain.includes(file.file)) {
          report(
            artifactProblem(
              NGINX_CODES.includeLoop,
              'medium',
              d.origin,
              `include ${name}: ${file.file} includes itself`,
              'remove the include that closes the loop',
            ),
          );
          continue;
        }
        if (chain.length >= MAX_CHAIN) {
          report(
            artifactProblem(
              NGINX_CODES.tooDeep,
              'medium',
              d.origin,
              `include ${name}: includes nested more than ${MAX_CHAIN} deep; moat did not read ${file.file}`,
              'flatten the include chain',
            ),
          );
          continue;
        }
        if (!files.includes(file.file)) files.push(file.file);
        out.push(...expand(parse(file, Math.max(0, MAX_DEPTH - depth)), depth, [...chain, file.file]));
      }
    }
    return out;
  };

  if (dump?.stray !== undefined) {
    report(
      artifactProblem(
        NGINX_CODES.dumpPreamble,
        'info',
        { file: artifact.file, line: dump.stray },
        'text before the first "# configuration file" section is not nginx output; moat ignored it',
        'give moat the output of `nginx -T` as it is',
      ),
    );
  }
  const directives = expand(parse(root, MAX_DEPTH), 0, [root.file]);
  if (budget <= 0) {
    report(
      artifactProblem(
        NGINX_CODES.tooDeep,
        'medium',
        { file: root.file, line: 1 },
        `the configuration expands to more than ${MAX_DIRECTIVES} directives or ${MAX_INCLUDES} includes; moat stopped reading there`,
        'check for includes that repeat a large file many times',
      ),
    );
  }
  return { directives, problems, files, dump: sections !== undefined };
}
