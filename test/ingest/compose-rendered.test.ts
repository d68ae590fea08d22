// The compose file moat renders, read back by the compose ingester: what
// `moat check` will prove is what the rendered file says.
import { describe, expect, it } from 'vitest';
import { composeIngester } from '../../src/ingest/compose.js';
import { COMPOSE_FILE, renderCompose } from '../../src/render/compose.js';
import { goldenPlatform } from '../support/golden.js';

const platform = goldenPlatform('');
const rendered = renderCompose(platform, {}).files.find((f) => f.path === COMPOSE_FILE);
const artifact = { file: COMPOSE_FILE, text: rendered?.content ?? '' };
const result = composeIngester.ingest(artifact, {});
const gateway = platform.services.find((s) => s.name === platform.gateway.service);

describe('compose ingester on the compose.yaml moat renders (reference platform)', () => {
  it('is detected as compose and ingests without problems', () => {
    expect(rendered).toBeDefined();
    expect(composeIngester.detect(artifact)).toBe(true);
    expect(result.problems).toEqual([]);
  });

  it('has exactly one binding per gateway publish entry, on the Tailscale address', () => {
    expect(gateway?.publish.length).toBeGreaterThan(0);
    const expected = (gateway?.publish ?? []).map((p) => ({
      service: platform.gateway.service,
      hostAddress: p.hostAddress,
      hostPorts: { from: p.hostPort, to: p.hostPortEnd ?? p.hostPort },
      containerAddress: gateway?.address,
      containerPort: p.containerPort,
      protocol: p.protocol,
    }));
    const bindings = result.fragment.publishing ?? [];
    expect(bindings.map(({ origin: _, ...b }) => b)).toEqual(expected);
    for (const b of bindings) expect(b.hostAddress).toBe(platform.host.tailscale.address);
    const lines = artifact.text.split('\n');
    for (const b of bindings) {
      expect(b.origin.file).toBe(COMPOSE_FILE);
      expect(lines[b.origin.line - 1]).toContain(`${b.hostAddress}:${b.hostPorts.from}`);
      expect(b.origin.key).toMatch(new RegExp(`^services\\.${platform.gateway.service}\\.ports\\[\\d+\\]$`));
    }
  });

  it('has ServiceFacts for every service with its static address and image', () => {
    const facts = result.fragment.services ?? [];
    expect(facts.map((f) => f.name).sort()).toEqual(platform.services.map((s) => s.name).sort());
    for (const s of platform.services) {
      const f = facts.find((x) => x.name === s.name);
      expect(f?.addresses).toEqual([s.address]);
      expect(f?.image).toBe(s.image);
      expect(f?.aliases).toContain(s.name);
      // Each service's facts point at the line that names it.
      expect(artifact.text.split('\n')[(f?.origin.line ?? 0) - 1]?.trim()).toBe(`${s.name}:`);
    }
  });

  it('says where the platform network is', () => {
    expect(result.fragment.host?.platformSubnets).toEqual(platform.networks.map((n) => n.subnet));
  });

  it('never has a host-network service or a listener without a static address', () => {
    for (const l of result.fragment.sockets ?? []) {
      expect(l.kind).toBe('container');
      expect(l.address).not.toBe('');
    }
  });

  // The renderer writes the ports a service listens on as `expose` (requested
  // from the lead: src/render/compose.ts); until then only the gateway's
  // published container ports are known listeners.
  it.skipIf(!artifact.text.includes('expose:'))('has a container listener per service port at its static address', () => {
    const expected = platform.services.flatMap((s) => s.ports.map((p) => `${s.name} ${s.address}:${p.port}/${p.protocol}`));
    const published = (gateway?.publish ?? []).map((p) => `${gateway?.name} ${gateway?.address}:${p.containerPort}/${p.protocol}`);
    const actual = (result.fragment.sockets ?? []).map((l) => `${l.owner} ${l.address}:${l.port}/${l.protocol}`);
    expect(new Set(actual)).toEqual(new Set([...expected, ...published]));
    expect(actual.length).toBe(new Set(actual).size);
  });

  it('today: the gateway listens at its address on each published container port', () => {
    const actual = (result.fragment.sockets ?? []).map((l) => `${l.owner} ${l.address}:${l.port}/${l.protocol}`);
    for (const p of gateway?.publish ?? []) expect(actual).toContain(`${gateway?.name} ${gateway?.address}:${p.containerPort}/${p.protocol}`);
  });
});
