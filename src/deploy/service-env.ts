// Per-service env files (`<bundle>/secrets/<service>.env`, mode 0600) that the
// rendered compose.yaml names in `env_file`. Each holds only the secrets that
// service reads, under the variable name it reads them from, so a compromised
// container learns nothing about its neighbours' keys.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { derivedSecretEnv } from '../catalog/derived-secrets.js';
import type { Platform, Service } from '../model/types.js';
import { SECRETS_FILE_MODE } from './secrets-store.js';

export const SERVICE_ENV_DIR = 'secrets';

export function serviceEnvPath(bundleDir: string, service: string): string {
  return join(bundleDir, SERVICE_ENV_DIR, `${service}.env`);
}

export function serviceEnvContent(service: Service, values: ReadonlyMap<string, string>): string {
  const env: Record<string, string> = {};
  const own: Record<string, string> = {};
  for (const secret of service.secrets) {
    const value = values.get(secret.name);
    if (value === undefined) throw new Error(`secret ${secret.name} has no value (this is a bug in moat)`);
    env[secret.env] = value;
    own[secret.name] = value;
  }
  // Values built from a secret (Dify's CELERY_BROKER_URL carries the Redis password).
  Object.assign(env, derivedSecretEnv(service.name, own));
  const lines = Object.keys(env)
    .sort()
    .map((name) => `${name}=${env[name]}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the env files of the services that have secrets; rewrites only what changed. Returns the paths. */
export async function writeServiceEnvFiles(platform: Platform, bundleDir: string, values: ReadonlyMap<string, string>): Promise<string[]> {
  const written: string[] = [];
  const withSecrets = platform.services.filter((s) => s.secrets.length > 0);
  if (withSecrets.length === 0) return written;
  await mkdir(join(bundleDir, SERVICE_ENV_DIR), { recursive: true, mode: 0o700 });
  for (const service of withSecrets) {
    const file = serviceEnvPath(bundleDir, service.name);
    const content = serviceEnvContent(service, values);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current !== content) await writeFile(file, content, { mode: SECRETS_FILE_MODE });
    await chmod(file, SECRETS_FILE_MODE);
    written.push(file);
  }
  return written;
}

export async function removeServiceEnvFiles(platform: Platform, bundleDir: string): Promise<void> {
  for (const service of platform.services) await rm(serviceEnvPath(bundleDir, service.name), { force: true });
}
