// The nginx corpus (kept beside it, not a corpus file) as files an ingester reads through its context: a
// directory of test/ingest/corpus/nginx/ mounted at a path (`/` for the Debian
// tree, so that /etc/nginx/... resolves inside it), with readFile and glob as
// the CLI gives them (relative names against the main file's directory).
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NginxIngestContext, nginxGlobToRegExp } from '../../../../src/ingest/nginx.js';
import type { Artifact } from '../../../../src/ingest/types.js';

export const CORPUS = fileURLToPath(new URL('./', import.meta.url));

function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, posix.join(rel, e.name)) : [posix.join(rel, e.name)],
  );
}

/** Every file under `dir` (relative to the corpus) as `mount/relative`, and the context that reads them. */
export function mounted(dir: string, mount: string): { files: Map<string, string>; context: NginxIngestContext; artifact: (name: string) => Artifact } {
  const root = join(CORPUS, dir);
  const files = new Map(walk(root).map((rel) => [posix.join(mount, rel), readFileSync(join(root, rel), 'utf8')]));
  const full = (path: string, from: Artifact): string => posix.normalize(path.startsWith('/') ? path : posix.join(posix.dirname(from.file), path));
  const context: NginxIngestContext = {
    readFile: (path, from) => {
      const name = full(path, from);
      const text = files.get(name);
      return text === undefined ? undefined : { file: name, text };
    },
    // Names as readFile takes them: absolute for an absolute pattern, else relative to the main file's directory.
    glob: (pattern, from) => {
      const re = nginxGlobToRegExp(full(pattern, from));
      const matches = [...files.keys()].filter((f) => re.test(f));
      return pattern.startsWith('/') ? matches : matches.map((f) => posix.relative(posix.dirname(from.file), f));
    },
  };
  const artifact = (name: string): Artifact => ({ file: name, text: files.get(name) ?? '' });
  return { files, context, artifact };
}
