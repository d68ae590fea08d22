// exec with input through a REAL engine's API: podman's Docker-compatible
// socket (the same harness as up.test.ts), a busybox container with no
// network. What `moat up` relies on to run psql inside dify-db: stdin reaches
// the command and ends with the half-close, stdout and stderr come back apart,
// the exit code is the command's, and the input never shows in the exec's argv.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeEngine } from '../../../src/deploy/compose-engine.js';
import { engineExec } from '../../../src/deploy/engine-exec.js';
import { type PodmanHarness, STUB_IMAGE, startPodman } from '../../support/podman.js';

let harness: PodmanHarness | undefined;
let containerId = '';
const PROJECT = `moat-exec-${process.pid}`;

beforeAll(async () => {
  harness = await startPodman();
  await harness.buildStubImage();
  const run = await harness.podman([
    'run',
    '-d',
    '--network',
    'none',
    '--name',
    `${PROJECT}_db_1`,
    '--label',
    `com.docker.compose.project=${PROJECT}`,
    '--label',
    'com.docker.compose.service=db',
    STUB_IMAGE,
    'sh',
    '-c',
    "trap 'exit 0' TERM; sleep 600 & wait",
  ]);
  containerId = run.stdout.trim();
}, 240_000);

afterAll(async () => {
  await harness?.stop();
}, 240_000);

describe('exec with input on podman (engine)', () => {
  it('feeds stdin, splits stdout from stderr, returns the exit code', async () => {
    const endpoint = { socketPath: (harness as PodmanHarness).dockerHost.slice('unix://'.length) };
    const input = "ALTER ROLE litellm PASSWORD 'SCRAM-SHA-256$4096:abc';\n".repeat(200);
    const result = await engineExec(endpoint, containerId, ['sh', '-c', 'wc -c; echo oops >&2; exit 3'], input);
    expect(result.exitCode).toBe(3);
    expect(result.stdout.trim()).toBe(String(Buffer.byteLength(input)));
    expect(result.stderr).toBe('oops\n');
    // Without input the command still runs and ends.
    const plain = await engineExec(endpoint, containerId, ['echo', 'hi']);
    expect(plain).toEqual({ exitCode: 0, stdout: 'hi\n', stderr: '' });
  }, 60_000);

  it("the compose adapter finds the service's container by its labels; the input is not in the engine's record of the exec", async () => {
    const endpoint = { socketPath: (harness as PodmanHarness).dockerHost.slice('unix://'.length) };
    const engine = composeEngine('compose-v1', { project: PROJECT, bundleDir: '/nonexistent', composeFile: '/nonexistent/compose.yaml' }, endpoint);
    const secret = 'value-that-must-stay-on-stdin-0123456789';
    const result = await engine.exec('db', ['sh', '-c', 'cat > /tmp/in; cat /tmp/in'], secret);
    expect(result).toEqual({ exitCode: 0, stdout: secret, stderr: '' });
    const inspect = await (harness as PodmanHarness).podman(['inspect', containerId]);
    expect(inspect.stdout).not.toContain(secret);
  }, 60_000);
});
