// Shared by the proof tests: platforms from moat.yaml text (through the real
// loader), the rendered bundle as `moat audit` would be given it, and the host
// hints `moat check` derives from the model.
import { referencePlatform } from '../../src/catalog/reference.js';
import type { Artifact } from '../../src/ingest/types.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform } from '../../src/model/types.js';
import { BUNDLE_ARTIFACTS } from '../../src/proof/bundle.js';
import type { RenderedFile } from '../../src/render/types.js';
import { loadText, makeTempDir } from '../model/config-helpers.js';

export const USER_SERVICE_YAML = [
  'services:',
  '  my-tool:',
  '    image: ghcr.io/acme/tool:1.2.3',
  '    address: 172.20.0.70',
  '    ports: [{ port: 9000, purpose: API }]',
  '    publish: ["0.0.0.0:9000:9000"]',
  '',
].join('\n');

/** The platforms the proof is checked on: name → moat.yaml text ('' = the built-in reference). */
export const PLATFORM_YAML: Readonly<Record<string, string>> = {
  reference: '',
  'originPerApp: true': 'gateway: { originPerApp: true }\n',
  'a user service published on 0.0.0.0': USER_SERVICE_YAML,
  'admin CIDR 0.0.0.0/1': 'host: { adminCidr: 0.0.0.0/1 }\n',
  'sshPort 2222': 'host: { sshPort: 2222 }\n',
};

export async function loadPlatforms(): Promise<Map<string, Platform>> {
  const { dir, cleanup } = makeTempDir();
  try {
    const out = new Map<string, Platform>();
    for (const [name, text] of Object.entries(PLATFORM_YAML)) {
      out.set(name, text === '' ? normalizePlatform(structuredClone(referencePlatform())) : (await loadText(dir, text)).platform);
    }
    return out;
  } finally {
    cleanup();
  }
}

/** The files `moat check` reads, as plain artifacts (no kinds: `moat audit` detects them by content). */
export function bundleArtifacts(files: readonly RenderedFile[], without: readonly string[] = []): Artifact[] {
  return files.filter((f) => BUNDLE_ARTIFACTS[f.path] !== undefined && !without.includes(f.path)).map((f) => ({ file: f.path, text: f.content }));
}

/** The host hints proveBundle (src/proof/bundle.ts) gives mergeFragments, restated: bundle.ts does not export them. */
export { bundleHints } from '../../src/proof/bundle.js';
