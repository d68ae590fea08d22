// Helpers shared by catalog entries. A catalog entry is schema input: the
// loader parses it, so defaults are filled in one place.
import type { ServiceInput } from '../model/types.js';

export const NETWORK = 'ai-platform';

export type CatalogEntry = Omit<ServiceInput, 'kind' | 'network'>;

export function defineService(entry: CatalogEntry): ServiceInput {
  return { kind: 'service', network: NETWORK, ...entry };
}

/**
 * An HTTP health check for images that ship Node.js (18+, global fetch) but
 * maybe not curl or wget. `anyAnswer` accepts every status below 500: for apps
 * whose root redirects to a login page or answers 401 without a token.
 */
export function nodeHttpCheck(url: string, options: { anyAnswer?: boolean } = {}): string[] {
  const ok = options.anyAnswer === true ? 'r.status<500' : 'r.ok';
  return ['CMD', 'node', '-e', `fetch(${JSON.stringify(url)}).then((r)=>process.exit(${ok}?0:1),()=>process.exit(1))`];
}

/**
 * An HTTP health check for images that ship Python 3. `python3`, as upstream
 * LiteLLM's compose healthcheck uses: slim Python images have both names, some
 * distroless ones only `python3`.
 */
export function pythonHttpCheck(url: string): string[] {
  return ['CMD', 'python3', '-c', `import urllib.request; urllib.request.urlopen(${JSON.stringify(url)}, timeout=4)`];
}

/** An HTTP health check for Alpine/busybox images (busybox wget, no curl). */
export function wgetCheck(url: string): string[] {
  return ['CMD', 'wget', '-q', '-O', '/dev/null', url];
}

/** An HTTP health check for images that ship curl (Debian-based images that install it). */
export function curlCheck(url: string): string[] {
  return ['CMD', 'curl', '-fsS', '-o', '/dev/null', url];
}
