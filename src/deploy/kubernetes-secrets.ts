// Creating the platform's Kubernetes Secrets from moat's store without a value
// ever reaching argv, a log line or the bundle: the manifest text goes to
// `kubectl apply -f -` on stdin (kubectl's own output names the objects, not
// their data), or into a file created 0600 that must lie outside the bundle
// directory (the bundle is what people commit and share).
// Source: https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/ (`-f -` reads stdin)
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { MissingEnvironmentError, UserInputError } from '../model/findings.js';
import type { Platform } from '../model/types.js';
import { withoutValues } from './redact.js';
import { SECRETS_FILE_MODE } from './secrets-store.js';
import { serviceEnvContent } from './service-env.js';

/** Each service's env-file variables, as `moat up` would write them for this platform. */
export function serviceSecretEnv(platform: Platform, values: ReadonlyMap<string, string>): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const s of platform.services.filter((x) => x.secrets.length > 0)) {
    const env: Record<string, string> = {};
    for (const line of serviceEnvContent(s, values, platform).split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    out.set(s.name, env);
  }
  return out;
}

/** Pipes the Secrets' manifest to `kubectl apply`; returns kubectl's report (object names only). */
export async function applyKubernetesSecrets(text: string, namespace: string, values: Iterable<string>, kubectl = 'kubectl'): Promise<string> {
  const args = ['apply', '--namespace', namespace, '-f', '-'];
  const result = await execa(kubectl, args, { input: text, reject: false, all: true, timeout: 120_000 }).catch((error: unknown) => error as { code?: string });
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new MissingEnvironmentError(
      `${kubectl} was not found on PATH`,
      'install kubectl (https://kubernetes.io/docs/tasks/tools/) and point it at the cluster, or write the Secrets to a file with --file',
    );
  }
  const r = result as { exitCode?: number; all?: string; stdout?: string; timedOut?: boolean };
  // kubectl may echo what it was given in an error: never let a value through.
  const said = withoutValues(r.all ?? '', values);
  if (r.exitCode !== 0 || r.timedOut) {
    throw new UserInputError([
      {
        code: 'deploy.kubectl-failed',
        severity: 'high',
        path: `${kubectl} ${args.join(' ')}`,
        message: `kubectl apply of the Secrets failed (${r.timedOut ? 'no answer in 120 s' : `exit code ${r.exitCode}`}): ${said.trim() || '(no output)'}`,
        hint: 'check `kubectl config current-context` and that the namespace exists (`kubectl apply -f <bundle>/kubernetes/namespace.yaml`)',
      },
    ]);
  }
  return said;
}

/** Writes the Secrets' manifest to a new 0600 file, refusing a path inside the bundle. */
export async function writeKubernetesSecretsFile(file: string, text: string, bundleDir: string): Promise<string> {
  const target = resolve(file);
  const inside = relative(resolve(bundleDir), target);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new UserInputError([
      {
        code: 'cli.invalid-option',
        severity: 'high',
        path: '--file',
        message: `${file} is inside the bundle directory ${bundleDir}, which is meant to be committed and shared`,
        hint: 'write the Secrets outside the bundle (e.g. --file ~/.moat/k8s-secrets.yaml), or apply them directly (leave --file out)',
      },
    ]);
  }
  // Created 0600 beside and renamed over: a reader never sees it readable by others, or half written.
  const temp = `${target}.tmp-${process.pid}`;
  await rm(temp, { force: true });
  await writeFile(temp, text, { mode: SECRETS_FILE_MODE, flag: 'wx' });
  await chmod(temp, SECRETS_FILE_MODE);
  await rename(temp, target);
  return target;
}
