// The console's program as the bundle carries it (console/console.cjs): one
// CommonJS file with its dependencies, built by esbuild from src/console. The
// published moat has it built beside its own bundle (scripts/bundle.mjs writes
// dist/console.cjs with the same options); run from a source checkout, it is
// built from the sources here, so a bundle never carries a stale console.
// CommonJS, not ESM: qrcode requires node's modules at run time, which
// esbuild's ESM output cannot do.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONSOLE_SERVICE } from '../catalog/console.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import type { RenderOptions } from '../render/types.js';

let built: Promise<string> | undefined;

async function buildFromSource(entry: string): Promise<string> {
  // esbuild is a development dependency: present in a source checkout, which is the only place this runs.
  const { build } = await import('esbuild');
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    legalComments: 'inline',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('esbuild wrote no console program');
  return text;
}

/** The program's text (built once per process). */
export function consoleProgram(): Promise<string> {
  built ??= (async () => {
    const source = fileURLToPath(new URL('../console/main.ts', import.meta.url));
    if (existsSync(source)) return buildFromSource(source);
    const shipped = new URL('./console.cjs', import.meta.url);
    if (existsSync(shipped)) return readFileSync(shipped, 'utf8');
    throw new Error(`moat's console program is missing (${fileURLToPath(shipped)}): reinstall moat, or run \`npm run build\` in its checkout`);
  })();
  return built;
}

/** Render options for a bundle that will be written: with the console's program when the platform has the console. */
export async function withConsoleProgram(platform: Platform, options: RenderOptions = {}): Promise<RenderOptions> {
  return serviceByName(platform, CONSOLE_SERVICE) ? { ...options, consoleProgram: await consoleProgram() } : options;
}
