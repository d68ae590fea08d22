// What docker-compose 1.29 (Debian's) needs done to the bundle's compose.yaml.
// - It rejects the spec's top-level `name:`; the project comes from -p anyway.
// - It re-checks an existing network's IPAM against the file on every `up`
//   and demands the network be recreated on any difference, including IPAM
//   options some engines report on their own (podman reports its IPAM driver
//   as an option). `up` runs once per dependency level, so the network always
//   exists from the second level on: moat checks the subnet and gateway itself
//   and leaves IPAM out for networks that already exist.
import { readFile } from 'node:fs/promises';
import { isMap, parseDocument, type YAMLMap } from 'yaml';
import { EngineCommandError } from './engine.js';
import type { EngineEndpoint, InspectedNetwork } from './engine-api.js';
import { engineFind } from './engine-api.js';

export async function v1ComposeText(composeFile: string, project: string, endpoint: EngineEndpoint): Promise<string> {
  // Edit the document rather than re-serialize it, so the renderer's YAML 1.1
  // quoting (PyYAML reads a bare `on` or `yes` as a boolean) survives.
  const doc = parseDocument(await readFile(composeFile, 'utf8'));
  if (doc.errors.length > 0) throw new Error(`${composeFile}: ${doc.errors[0]?.message ?? 'not YAML'} (this is a bug in moat)`);
  doc.delete('name');
  const networks = doc.get('networks');
  if (isMap(networks)) {
    for (const pair of (networks as YAMLMap<unknown, unknown>).items) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const network = pair.value;
      if (!isMap(network)) continue;
      const trueName = String(network.get('name') ?? `${project}_${key}`);
      const existing = await engineFind<InspectedNetwork>(endpoint, `/networks/${encodeURIComponent(trueName)}`);
      if (!existing) continue;
      const wanted = network.toJSON() as { ipam?: { config?: { subnet?: string; gateway?: string }[] } };
      const want = wanted.ipam?.config?.[0];
      const have = existing.IPAM?.Config?.[0];
      if (want && (want.subnet !== have?.Subnet || (want.gateway !== undefined && want.gateway !== have?.Gateway))) {
        throw new EngineCommandError(
          `docker network inspect ${trueName}`,
          `network ${trueName} exists with subnet ${have?.Subnet ?? '?'} gateway ${have?.Gateway ?? '?'}, but the platform wants ${want.subnet} gateway ${want.gateway ?? '?'}: run \`moat down\` first, so moat recreates it`,
        );
      }
      network.delete('ipam');
    }
  }
  return doc.toString({ lineWidth: 0 });
}
