// The CLI side of deploy: exit codes and what is (never) printed. No engine here.

import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { main } from '../../src/cli/main.js';
import { engineGet } from '../../src/deploy/engine-api.js';
import { ensureSecrets, readSecrets } from '../../src/deploy/secrets-store.js';
import { MissingEnvironmentError } from '../../src/model/findings.js';
import { normalizePlatform } from '../../src/model/normalize.js';

/** A complete store, as `moat up` leaves it (rotation never creates one). */
const seedStore = (file: string) => ensureSecrets(normalizePlatform(referencePlatform()), file);

let dir = '';
let out = '';
let err = '';

async function run(...args: string[]): Promise<number> {
  out = '';
  err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return await main(['node', 'moat', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-cli-deploy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('moat up without an engine', () => {
  it('exits 3, names what to install, and writes nothing', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await symlink(process.execPath, join(bin, 'node'));
    const savedPath = process.env.PATH;
    process.env.PATH = bin;
    try {
      expect(await run('up', '--out', join(dir, 'deploy'))).toBe(3);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(err).toContain('neither `docker compose` (Compose v2) nor `docker-compose`');
    expect(err).toMatch(/install: .*docker-compose-plugin/);
    await expect(stat(join(dir, 'deploy'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(dir, '.moat'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** A docker-compose stub on PATH that answers `version` and fails loudly on anything else. */
async function withStubCompose<T>(fn: () => Promise<T>): Promise<T> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'docker-compose'), '#!/bin/sh\ncase "$*" in *version*) echo 1.29.2; exit 0;; esac\necho "stub: unexpected $*" >&2; exit 1\n', {
    mode: 0o755,
  });
  const savedPath = process.env.PATH;
  process.env.PATH = `${bin}:/usr/bin:/bin`;
  try {
    return await fn();
  } finally {
    process.env.PATH = savedPath;
  }
}

describe('moat up and status with a stub docker-compose', () => {
  it('refuses an unknown service name with exit 2 and a suggestion, before writing anything', async () => {
    expect(await withStubCompose(() => run('up', 'n8m', '--out', join(dir, 'deploy')))).toBe(2);
    expect(err).toContain('[deploy.unknown-service]');
    expect(err).toContain('did you mean n8n?');
    await expect(stat(join(dir, 'deploy'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 3 when the engine socket does not answer, naming what to start', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(dir, 'moat-no-engine.sock')}`;
    try {
      expect(await withStubCompose(() => run('status', '--out', join(dir, 'deploy')))).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect(err).toContain('cannot reach the container engine');
    expect(err).toContain('install: a running Docker Engine');
  });
});

/**
 * A stub of the Docker Engine API on a unix socket in the test's folder:
 * answers each path as `routes` says, others 404 (the docker CLI on PATH asks
 * /_ping); `hang` answers nothing at all.
 */
async function withStubEngine<T>(routes: Record<string, { status: number; body: string }> | 'hang', fn: () => Promise<T>): Promise<T> {
  const socket = join(dir, 'moat-stub-engine.sock');
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (routes === 'hang') return;
    const route = routes[path] ?? { status: 404, body: '{"message":"page not found"}' };
    res.writeHead(route.status, { 'content-type': 'application/json' });
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${socket}`;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const VERSION = { status: 200, body: '{"Version":"stub"}' };

describe('engine API errors (stub engine)', () => {
  it('up exits 3 when the engine socket is missing, before writing the bundle or the secrets', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(dir, 'moat-no-engine.sock')}`;
    try {
      expect(await withStubCompose(() => run('up', '--out', join(dir, 'deploy')))).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect(err).toContain('cannot reach the container engine');
    await expect(stat(join(dir, 'deploy'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(dir, '.moat'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an HTTP error from the engine is exit 1 with its message, not an internal error', async () => {
    const code = await withStubEngine({ '/version': VERSION, '/containers/json': { status: 500, body: '{"message":"stub: storage is full"}' } }, () =>
      withStubCompose(() => run('status', '--out', join(dir, 'deploy'))),
    );
    expect(code).toBe(1);
    expect(err).toContain('HTTP 500: stub: storage is full');
    expect(err).not.toContain('internal error');
  });

  it('an answer that is not JSON is exit 1 for up, and nothing is written', async () => {
    const code = await withStubEngine({ '/version': { status: 200, body: '<html>proxy</html>' } }, () =>
      withStubCompose(() => run('up', '--out', join(dir, 'deploy'))),
    );
    expect(code).toBe(1);
    expect(err).toContain('not JSON');
    expect(err).not.toContain('internal error');
    await expect(stat(join(dir, 'deploy'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an engine that never answers is unreachable (exit 3 class), not a bug', async () => {
    const error = await withStubEngine('hang', () =>
      engineGet({ socketPath: join(dir, 'moat-stub-engine.sock') }, '/version', 200).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(error).toBeInstanceOf(MissingEnvironmentError);
    expect((error as Error).message).toContain('no answer in 0.2 s');
  });
});

describe('moat up runs the proof first', () => {
  const published = () => {
    const file = join(dir, 'moat-published.yaml');
    return writeFile(file, 'services:\n  dify-db:\n    publish: ["0.0.0.0:5432:5432"]\n').then(() => file);
  };

  it('refuses a platform with a high finding (exit 1), located in the config, before touching the engine or writing', async () => {
    const config = await published();
    expect(await withStubCompose(() => run('--config', config, 'up', '--out', join(dir, 'deploy')))).toBe(1);
    expect(err).toMatch(/moat-published\.yaml:3:\d+: high: .* \[exposure\.unexpected-open\]/);
    expect(err).toContain('at services.dify-db.publish[0]');
    expect(err).toContain('moat up --force');
    // The render warnings are printed as well, with their code.
    expect(err).toContain('[listener.published-beside-gateway]');
    expect(err).not.toContain('cannot reach the container engine');
    await expect(stat(join(dir, 'deploy'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(dir, '.moat'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('--force goes on to the engine (here: none, exit 3) and says it deploys despite the findings', async () => {
    const config = await published();
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(dir, 'moat-no-engine.sock')}`;
    try {
      expect(await withStubCompose(() => run('--config', config, 'up', '--force', '--out', join(dir, 'deploy')))).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect(err).toContain('[exposure.unexpected-open]');
    // The exposure finding and the render warning that a backend publishes beside the gateway.
    expect(err).toMatch(/deploying despite [12] high or critical finding\(s\) \(--force\)/);
    expect(err).toContain('cannot reach the container engine');
  });
});

describe('option checks', () => {
  it('refuses an unknown status format and a bad --tail with exit 2, before asking the engine', async () => {
    expect(await withStubCompose(() => run('status', '--format', 'yaml', '--out', join(dir, 'deploy')))).toBe(2);
    expect(err).toContain('[cli.invalid-option]');
    expect(await withStubCompose(() => run('logs', 'n8n', '--tail', 'many', '--out', join(dir, 'deploy')))).toBe(2);
    expect(err).toContain('--tail must be a positive whole number');
    expect(await withStubCompose(() => run('logs', 'n8m', '--out', join(dir, 'deploy')))).toBe(2);
    expect(err).toContain('did you mean n8n?');
  });
});

describe('moat secrets', () => {
  it('lists names and policies but never a value without --show', async () => {
    const secrets = join(dir, 'secrets.env');
    await seedStore(secrets);
    expect(await run('secrets', 'rotate', 'LITELLM_MASTER_KEY', '--secrets', secrets, '--out', join(dir, 'deploy'))).toBe(0);
    const values = await readSecrets(secrets);
    expect(values?.size).toBeGreaterThan(10);
    expect(await run('secrets', '--secrets', secrets)).toBe(0);
    expect(out).toMatch(/^N8N_ENCRYPTION_KEY +never-rotate +yes +n8n:N8N_ENCRYPTION_KEY$/m);
    expect(out).toMatch(/^LITELLM_MASTER_KEY +rotatable +yes +/m);
    for (const value of values?.values() ?? []) expect(out + err).not.toContain(value);
    expect(await run('secrets', '--show', '--secrets', secrets)).toBe(0);
    expect(out).toContain(values?.get('N8N_ENCRYPTION_KEY'));
  });

  it('moat plan leaves an existing secrets store byte-identical', async () => {
    const out = join(dir, 'deploy');
    const secrets = join(dir, '.moat', 'secrets.env');
    await seedStore(secrets);
    expect(await run('secrets', 'rotate', 'LITELLM_MASTER_KEY', '--out', out)).toBe(0);
    const before = await readFile(secrets);
    expect(await run('plan', '--out', out)).toBe(0);
    expect(Buffer.compare(await readFile(secrets), before)).toBe(0);
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
  });

  it('refuses to rotate a never-rotate secret with exit 2 and leaves the file alone', async () => {
    const secrets = join(dir, 'secrets.env');
    await seedStore(secrets);
    const before = await readFile(secrets);
    expect(await run('secrets', 'rotate', 'N8N_ENCRYPTION_KEY', '--secrets', secrets, '--out', join(dir, 'deploy'))).toBe(2);
    expect(err).toContain('[secrets.never-rotate]');
    expect(err).toContain('N8N_ENCRYPTION_KEY is marked never-rotate');
    expect(Buffer.compare(await readFile(secrets), before)).toBe(0);
  });

  it('refuses to rotate without a store (exit 2), creating neither the store nor its folder', async () => {
    expect(await run('secrets', 'rotate', 'LITELLM_MASTER_KEY', '--out', join(dir, 'deploy'))).toBe(2);
    expect(err).toContain('[secrets.store-incomplete]');
    expect(err).toContain('moat up');
    await expect(stat(join(dir, '.moat'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
