// Helpers shared by catalog entries. A catalog entry is schema input: the
// loader parses it, so defaults are filled in one place.
import type { ServiceInput } from '../model/types.js';

export const NETWORK = 'ai-platform';

export type CatalogEntry = Omit<ServiceInput, 'kind' | 'network'>;

export function defineService(entry: CatalogEntry): ServiceInput {
  return { kind: 'service', network: NETWORK, ...entry };
}

/** An HTTP health check for images that ship Node.js but maybe not curl or wget. */
export function nodeHttpCheck(url: string): string[] {
  return [
    'CMD',
    'node',
    '-e',
    `fetch(${JSON.stringify(url)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`,
  ];
}

/** An HTTP health check for images that ship Python. */
export function pythonHttpCheck(url: string): string[] {
  return ['CMD', 'python', '-c', `import urllib.request,sys; urllib.request.urlopen(${JSON.stringify(url)}, timeout=4)`];
}

/** An HTTP health check for Alpine/busybox images (busybox wget, no curl). */
export function wgetCheck(url: string): string[] {
  return ['CMD', 'wget', '-q', '-O', '/dev/null', url];
}
