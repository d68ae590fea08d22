// The "done when", end to end: `moat plan --config <file>` with a
// misspelled service, an address outside the subnet and a duplicate address
// exits 2 and prints all three, located, in the `file:line:col` form.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runMoat } from '../support/run-moat.js';
import { DONE_WHEN_YAML, makeTempDir } from './config-helpers.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
afterEach(() => vi.restoreAllMocks());

async function run(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const { code, err } = await runMoat(...args);
  return { code, stderr: err };
}

describe('moat.yaml errors through the CLI', () => {
  const file = join(temp.dir, 'moat.yaml');
  writeFileSync(file, DONE_WHEN_YAML);

  it.each([
    ['plan', ['plan', '--config', file, '--out', join(temp.dir, 'deploy')]],
    ['check', ['check', '--config', file]],
  ])('moat %s exits 2 with three located findings', async (_name, args) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain('3 problems');
    expect(stderr).toMatch(/moat\.yaml:3:3: high: .*\[config\.unknown-service\]/);
    expect(stderr).toMatch(/moat\.yaml:6:14: high: .*\[config\.address-outside-subnet\]/);
    expect(stderr).toMatch(/moat\.yaml:9:14: high: .*\[config\.duplicate-address\]/);
    expect(stderr).toContain('at services.my-tool.address');
    expect(stderr).not.toMatch(/\n\s+at .*\.ts:\d+/); // no stack trace
  });
});
