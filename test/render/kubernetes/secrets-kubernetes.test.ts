// `moat secrets kubernetes`: the Secrets go to kubectl on stdin, never in its
// argv or moat's output, or to a 0600 file outside the bundle. kubectl is a
// stub here (no cluster can run on this machine): a script that records its
// argv and stdin and answers as `kubectl apply` does.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runKubernetesSecrets } from '../../../src/cli/commands/secrets-kubernetes.js';
import { readSecrets } from '../../../src/deploy/secrets-store.js';
import { MissingEnvironmentError, UserInputError } from '../../../src/model/findings.js';
import { platformOf } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'moat-k8s-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  return { dir, paths: { bundleDir: join(dir, 'deploy'), secretsFile: join(dir, '.moat', 'secrets.env') } };
}

/** A stub kubectl: records argv (one per line) and stdin, exits with `code`, echoing stdin to stderr on failure (the worst case). */
function stubKubectl(dir: string, code = 0): string {
  const file = join(dir, 'kubectl');
  writeFileSync(
    file,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\ncat > "${dir}/stdin"\nif [ ${code} -ne 0 ]; then cat "${dir}/stdin" >&2; exit ${code}; fi\necho "secret/litellm-secrets configured"\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return { stream, text: () => text };
}

describe('moat secrets kubernetes (stub kubectl)', () => {
  it('pipes every service Secret to kubectl apply on stdin; no value in argv or in what moat prints', async () => {
    const platform = await platformOf('reference');
    const { dir, paths } = workspace('apply');
    const out = capture();
    expect(await runKubernetesSecrets(platform, paths, { kubectl: stubKubectl(dir) }, out.stream)).toBe(0);
    const store = (await readSecrets(paths.secretsFile)) ?? new Map();
    expect(statSync(paths.secretsFile).mode & 0o777).toBe(0o600);
    const values = [...store.values()];
    expect(values.length).toBeGreaterThan(10);
    const argv = readFileSync(join(dir, 'argv'), 'utf8');
    expect(argv.trim().split('\n')).toEqual(['apply', '--namespace', platform.kubernetes.namespace, '-f', '-']);
    for (const v of values) {
      expect(argv.includes(v)).toBe(false);
      expect(out.text().includes(v)).toBe(false);
    }
    const secrets = parseAllDocuments(readFileSync(join(dir, 'stdin'), 'utf8')).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string }; stringData: Record<string, string> },
    );
    const withSecrets = platform.services.filter((s) => s.secrets.length > 0);
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(withSecrets.map((s) => `${s.name}-secrets`).sort());
    for (const s of withSecrets) {
      const obj = secrets.find((x) => x.metadata.name === `${s.name}-secrets`);
      expect(obj?.kind).toBe('Secret');
      expect(obj?.metadata.namespace).toBe(platform.kubernetes.namespace);
      for (const ref of s.secrets) expect(obj?.stringData[ref.env], `${s.name}.${ref.env}`).toBe(store.get(ref.name));
    }
    // Derived values name the cluster's DNS names, not the one-host static addresses.
    const litellm = secrets.find((x) => x.metadata.name === 'litellm-secrets')?.stringData['DATABASE_URL'] ?? '';
    expect(litellm).toContain(`@dify-db.${platform.kubernetes.namespace}.svc.cluster.local:5432/`);
    expect(secrets.find((x) => x.metadata.name === 'dify-api-secrets')?.stringData['CELERY_BROKER_URL']).toContain('@dify-redis:6379/');
    expect(out.text()).toContain('secret/litellm-secrets configured');
  });

  it('redacts every value from what a failing kubectl said', async () => {
    const platform = await platformOf('reference');
    const { dir, paths } = workspace('fail');
    const error = await runKubernetesSecrets(platform, paths, { kubectl: stubKubectl(dir, 1) }, capture().stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    const message = (error as UserInputError).findings[0]?.message ?? '';
    expect((error as UserInputError).findings[0]?.code).toBe('deploy.kubectl-failed');
    expect(message).toContain('<redacted>');
    for (const v of (await readSecrets(paths.secretsFile))?.values() ?? []) expect(message.includes(v)).toBe(false);
  });

  it('says what to install when there is no kubectl (exit 3)', async () => {
    const platform = await platformOf('reference');
    const { dir, paths } = workspace('missing');
    const error = await runKubernetesSecrets(platform, paths, { kubectl: join(dir, 'no-such-kubectl') }, capture().stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingEnvironmentError);
  });

  it('writes a 0600 file outside the bundle with --file, and refuses one inside it', async () => {
    const platform = await platformOf('reference');
    const { dir, paths } = workspace('file');
    const out = capture();
    const file = join(dir, 'k8s-secrets.yaml');
    expect(await runKubernetesSecrets(platform, paths, { file }, out.stream)).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const store = (await readSecrets(paths.secretsFile)) ?? new Map();
    expect(readFileSync(file, 'utf8')).toContain(store.get('LITELLM_MASTER_KEY'));
    for (const v of store.values()) expect(out.text().includes(v)).toBe(false);
    const inside = await runKubernetesSecrets(platform, paths, { file: join(paths.bundleDir, 'kubernetes', 'secrets.yaml') }, capture().stream).catch(
      (e: unknown) => e,
    );
    expect(inside).toBeInstanceOf(UserInputError);
    expect((inside as UserInputError).findings[0]?.path).toBe('--file');
  });
});
