// The hooks an engine test file needs around its tests: a private podman (the
// busybox stub image built), DOCKER_HOST pointing at it for moat's engine
// code, and a moat- temp dir; all removed afterwards, even after a failure.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type PodmanHarness, startPodman } from '../../support/podman.js';

export interface PodmanSuite {
  readonly harness: PodmanHarness;
  readonly work: string;
}

/** Registers the hooks; the returned function gives the suite inside tests and later hooks. */
export function usePodmanSuite(prefix: string): () => PodmanSuite {
  let harness: PodmanHarness | undefined;
  let work = '';
  let savedDockerHost: string | undefined;
  beforeAll(async () => {
    savedDockerHost = process.env.DOCKER_HOST;
    work = await mkdtemp(join(tmpdir(), prefix));
    harness = await startPodman();
    await harness.buildStubImage();
    process.env.DOCKER_HOST = harness.dockerHost;
  }, 240_000);
  afterAll(async () => {
    try {
      await harness?.stop();
    } finally {
      if (savedDockerHost === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = savedDockerHost;
      if (work) await rm(work, { recursive: true, force: true });
    }
  }, 240_000);
  return () => {
    if (!harness) throw new Error('the podman suite did not start (see beforeAll)');
    return { harness, work };
  };
}
