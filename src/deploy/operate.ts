// Operations on a deployment after `up`: status, down, reset, secrets listing.
// Each is a function of the platform and an engine, so the CLI only parses
// arguments and prints.
import { access, rm } from 'node:fs/promises';
import { allSecrets } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import type { ContainerState, Engine, PublishedPort } from './engine.js';
import { readSecrets } from './secrets-store.js';
import { ensureServiceEnvDir, removeServiceEnvFiles, serviceEnvPath, writeServiceEnvFile, writeServiceEnvFiles } from './service-env.js';
import { serviceUrl, stateLabel } from './summary.js';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Compose reads every env_file compose.yaml names even for `logs` or `down`:
 * give services whose env file is missing one from the store (or an empty one, 0600).
 */
export async function ensureServiceEnvFiles(platform: Platform, bundleDir: string, secretsFile: string): Promise<void> {
  const values = await readSecrets(secretsFile);
  if (values && allSecrets(platform).every((s) => values.has(s.name))) {
    await writeServiceEnvFiles(platform, bundleDir, values);
    return;
  }
  for (const service of platform.services.filter((s) => s.secrets.length > 0)) {
    const file = serviceEnvPath(bundleDir, service.name);
    if (await exists(file)) continue;
    await ensureServiceEnvDir(bundleDir);
    await writeServiceEnvFile(file, '');
  }
}

export interface StatusEntry {
  readonly service: string;
  readonly state: string;
  readonly health: string;
  /** The address the model assigns. */
  readonly address: string;
  /** The addresses the engine reports, by network. */
  readonly actualAddresses: Readonly<Record<string, string>>;
  readonly published: readonly PublishedPort[];
  readonly url: string;
}

export interface StatusReport {
  readonly project: string;
  readonly engine: string;
  readonly services: readonly StatusEntry[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
}

export async function statusReport(platform: Platform, engine: Engine): Promise<StatusReport> {
  const containers = await engine.containers();
  const { networks, volumes } = await engine.resources();
  const byService = new Map<string, ContainerState>(containers.map((c) => [c.service, c]));
  return {
    project: platform.project,
    engine: engine.name,
    services: platform.services.map((s) => {
      const c = byService.get(s.name);
      return {
        service: s.name,
        state: stateLabel(c),
        health: c?.health ?? 'none',
        address: s.address,
        actualAddresses: c?.addresses ?? {},
        published: c?.published ?? [],
        url: serviceUrl(platform, s.name),
      };
    }),
    networks,
    volumes,
  };
}

/** `down` keeps every volume: data and never-rotate keys must outlive a restart. */
export async function deployDown(engine: Engine): Promise<void> {
  await engine.down({ volumes: false });
}

/** Removes what moat created for this project: containers, network, named volumes, env files, the secrets store. */
export async function deployReset(platform: Platform, engine: Engine, bundleDir: string, secretsFile: string): Promise<void> {
  await engine.down({ volumes: true });
  await removeServiceEnvFiles(platform, bundleDir);
  await rm(secretsFile, { force: true });
}

export interface SecretListing {
  readonly name: string;
  readonly policy: string;
  readonly readers: readonly string[];
  readonly set: boolean;
  readonly why: string;
  /** Only when asked for (`--show`). */
  readonly value?: string;
}

export async function listSecrets(platform: Platform, secretsFile: string, show: boolean): Promise<SecretListing[]> {
  const values = (await readSecrets(secretsFile)) ?? new Map<string, string>();
  return allSecrets(platform).map((secret) => {
    const readers = platform.services.flatMap((s) => s.secrets.filter((x) => x.name === secret.name).map((x) => `${s.name}:${x.env}`));
    const value = values.get(secret.name);
    return {
      name: secret.name,
      policy: secret.policy,
      readers,
      set: value !== undefined,
      why: secret.why,
      ...(show && value !== undefined ? { value } : {}),
    };
  });
}
