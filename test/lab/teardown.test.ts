// Nothing of the lab remains afterwards: not after close(), and not after a
// crash either (scripts/lab-clean.sh, which startLab also runs first).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanLeftovers, type Lab, startLab, waitUntil, wgNames } from '../support/lab.js';
import { run } from '../support/lab-net.js';

const namespacesOf = (lab: Lab): string[] =>
  run('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`moat-lab-${lab.id}-`));

async function expectGone(lab: Lab, pids: number[]): Promise<void> {
  expect(namespacesOf(lab)).toEqual([]);
  expect(existsSync(lab.dir)).toBe(false);
  expect(existsSync(`/etc/netns/${lab.ns.svc}`)).toBe(false);
  for (const dev of Object.values(wgNames(lab.id))) expect(existsSync(`/var/run/wireguard/${dev}.sock`)).toBe(false);
  await waitUntil(
    async () => pids.every((pid) => !existsSync(`/proc/${pid}`)),
    10_000,
    () => `lab processes still run: ${pids.filter((pid) => existsSync(`/proc/${pid}`)).join(' ')}`,
  );
}

describe('lab teardown', () => {
  it('close() removes every namespace, process and file the lab made', async () => {
    const lab = await startLab();
    const pids = lab.processes.map((p) => p.pid);
    expect(namespacesOf(lab).length).toBe(6);
    await lab.close();
    await expectGone(lab, pids);
  }, 120_000);

  it('scripts/lab-clean.sh removes a lab that was never closed', async () => {
    const lab = await startLab();
    const pids = lab.processes.map((p) => p.pid);
    try {
      // The owner (this process) still runs, so name the lab explicitly, as after a crash of a lab.
      cleanLeftovers(lab.id);
      await expectGone(lab, pids);
    } finally {
      await lab.close();
    }
  }, 120_000);
});
