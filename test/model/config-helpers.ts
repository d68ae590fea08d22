// Shared by the config tests: write a moat.yaml into a moat- temp dir, load it,
// and get the findings (or the platform) back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatform } from '../../src/cli/load-platform.js';
import type { Finding } from '../../src/model/findings.js';
import { UserInputError } from '../../src/model/findings.js';
import type { LoadedPlatform } from '../../src/model/load.js';

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'moat-config-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Joins lines so tests can count line numbers from the array index (+1). */
export function yamlText(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

export async function loadText(dir: string, text: string, name = 'moat.yaml'): Promise<LoadedPlatform> {
  writeFileSync(join(dir, name), text);
  return loadPlatform({ cwd: dir, configPath: name });
}

export async function findingsOf(dir: string, text: string): Promise<Finding[]> {
  try {
    await loadText(dir, text);
  } catch (error) {
    if (error instanceof UserInputError) return [...error.findings];
    throw error;
  }
  throw new Error('expected the config to be rejected, but it loaded');
}

/** [code, path, line] per finding, the shape the table tests compare. */
export function summary(findings: readonly Finding[]): [string, string, number | undefined][] {
  return findings.map((f) => [f.code, f.path, f.location?.line]);
}

/** The "done when": a misspelled service, an address outside the subnet, a duplicate address. */
export const DONE_WHEN_YAML = yamlText([
  'project: ai-platform', //                          1
  'services:', //                                     2
  '  olama:', //                                      3  misspelled ollama
  '    env: { OLLAMA_KEEP_ALIVE: 10m }', //           4
  '  n8n:', //                                        5
  '    address: 172.21.0.40', //                      6  outside 172.20.0.0/16
  '  my-tool:', //                                    7
  '    image: ghcr.io/acme/tool:1.2.3', //            8
  '    address: 172.20.0.33', //                      9  dify-db's address
  '    ports: [{ port: 9000, purpose: API }]', //     10
]);
