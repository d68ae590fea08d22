// Per-service env files (`<bundle>/secrets/<service>.env`, mode 0600) that the
// rendered compose.yaml names in `env_file`. Each holds only the secrets that
// service reads, under the variable name it reads them from, so a compromised
// container learns nothing about its neighbours' keys.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { derivedSecretEnv } from '../catalog/derived-secrets.js';
import type { Platform, Service } from '../model/types.js';
import { platformDerivedEnv } from './litellm-db.js';
import { providerKeyEnv } from './provider-keys.js';
import { SECRETS_FILE_MODE } from './secrets-store.js';

export const SERVICE_ENV_DIR = 'secrets';

export function serviceEnvPath(bundleDir: string, service: string): string {
  return join(bundleDir, SERVICE_ENV_DIR, `${service}.env`);
}

export function serviceEnvContent(service: Service, values: ReadonlyMap<string, string>, platform?: Platform): string {
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
  // Values that also need the platform (LiteLLM's DATABASE_URL names dify-db's address).
  if (platform) Object.assign(env, platformDerivedEnv(platform, service.name, own));
  // Cloud provider keys (LiteLLM's), stored by `moat providers add`.
  if (platform) Object.assign(env, providerKeyEnv(platform, service.name, values));
  const lines = Object.keys(env)
    .sort()
    .map((name) => `${name}=${env[name]}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The folder for the env files, closed to other users. `moat plan` may have
 * created it (with the bundle's usual 0755) before `up` ran, and mkdir's mode
 * applies only to a folder it creates: chmod every time.
 */
export async function ensureServiceEnvDir(bundleDir: string): Promise<string> {
  const folder = join(bundleDir, SERVICE_ENV_DIR);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  return folder;
}

/**
 * Temp file created 0600, then renamed over: writing into an existing file
 * someone made 0644 would expose the new value until a later chmod.
 */
export async function writeServiceEnvFile(file: string, content: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await rm(temp, { force: true });
  await writeFile(temp, content, { mode: SECRETS_FILE_MODE, flag: 'wx' });
  await chmod(temp, SECRETS_FILE_MODE);
  await rename(temp, file);
}

/** Writes the env files of the services that have secrets; rewrites only what changed. Returns the paths. */
export async function writeServiceEnvFiles(platform: Platform, bundleDir: string, values: ReadonlyMap<string, string>): Promise<string[]> {
  const written: string[] = [];
  const withSecrets = platform.services.filter((s) => s.secrets.length > 0);
  if (withSecrets.length === 0) return written;
  await ensureServiceEnvDir(bundleDir);
  for (const service of withSecrets) {
    const file = serviceEnvPath(bundleDir, service.name);
    const content = serviceEnvContent(service, values, platform);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current !== content) await writeServiceEnvFile(file, content);
    else await chmod(file, SECRETS_FILE_MODE);
    written.push(file);
  }
  return written;
}

export async function removeServiceEnvFiles(platform: Platform, bundleDir: string): Promise<void> {
  for (const service of platform.services) await rm(serviceEnvPath(bundleDir, service.name), { force: true });
}
