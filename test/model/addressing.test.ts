// addressFindings over a Platform (the analyzer reuses it): key paths
// `services.<name>.address`, duplicates reported once, at the second service.
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { addressFindings } from '../../src/model/addressing.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { PlatformInput } from '../../src/model/types.js';

function withAddresses(addresses: Record<string, string>, subnet?: string): PlatformInput {
  const input = referencePlatform();
  return {
    ...input,
    networks: input.networks.map((n) => (subnet ? { ...n, subnet } : n)),
    services: input.services.map((s) => (addresses[s.name] ? { ...s, address: addresses[s.name] as string } : s)),
  };
}

const codesAndPaths = (input: PlatformInput) => addressFindings(normalizePlatform(input)).map((f) => [f.code, f.path]);

describe('addressFindings', () => {
  it('the reference platform is clean', () => {
    expect(addressFindings(normalizePlatform(referencePlatform()))).toEqual([]);
  });

  it('reports outside, reserved and duplicate addresses with key paths', () => {
    expect(
      codesAndPaths(withAddresses({ ollama: '10.0.0.1', litellm: '172.20.0.1', n8n: '172.20.255.255', gdrive: '172.20.0.0', 'signal-api': '172.20.0.2' })),
    ).toEqual([
      ['config.address-outside-subnet', 'services.ollama.address'],
      ['config.address-reserved', 'services.litellm.address'],
      ['config.address-reserved', 'services.n8n.address'],
      ['config.duplicate-address', 'services.signal-api.address'],
      ['config.address-reserved', 'services.gdrive.address'],
    ]);
  });

  it('names both services of a duplicate; prefers the one the user wrote', () => {
    const platform = normalizePlatform(withAddresses({ 'dify-db': '172.20.0.10' }));
    const [later] = addressFindings(platform);
    expect(later).toMatchObject({ code: 'config.duplicate-address', path: 'services.dify-db.address' });
    expect(later?.message).toMatch(/ollama.*dify-db/);
    const reordered = normalizePlatform({ ...referencePlatform(), services: withAddresses({ ollama: '172.20.0.33' }).services });
    const [written] = addressFindings(reordered, { written: (p) => p === 'services.ollama.address' });
    expect(written).toMatchObject({ code: 'config.duplicate-address', path: 'services.ollama.address' });
  });

  it('checks the network gateway too', () => {
    const input = referencePlatform();
    const outside = { ...input, networks: input.networks.map((n) => ({ ...n, gateway: '10.0.0.1' })) };
    expect(codesAndPaths(outside)).toEqual([['config.address-outside-subnet', 'networks.ai-platform.gateway']]);
    const broadcast = { ...input, networks: input.networks.map((n) => ({ ...n, gateway: '172.20.255.255' })) };
    expect(codesAndPaths(broadcast)).toEqual([['config.address-reserved', 'networks.ai-platform.gateway']]);
  });

  it('reports a non-IP address as an invalid value', () => {
    expect(codesAndPaths(withAddresses({ ollama: 'ollama.internal' }))).toEqual([['config.invalid-value', 'services.ollama.address']]);
  });
});
