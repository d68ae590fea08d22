// The exposure picture against the proof it draws: every service once, one
// edge per open cell of the matrix (compared cell by cell, not snapshotted),
// blocked cells only on request, text escaped, the same bytes every time;
// plus golden files of the whole picture (test/golden/topology/).
import { describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../../src/analyze/index.js';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { proveBundle } from '../../../src/proof/bundle.js';
import { platformTopologyInput, topologySvg } from '../../../src/render/topology/index.js';
import { expectGolden, goldenCases, goldenPlatform } from '../../support/golden.js';

const platform = normalizePlatform(referencePlatform());
const proof = proveBundle(platform);

/** `<g class="KIND" data-a="…" …>` elements of the picture, as attribute maps. */
function elements(svg: string, kind: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<g class="${kind}"([^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/ (data-[a-z-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? ''])),
  );
}
const cellKey = (zone: string, target: string, address: string, port: string, protocol: string, via: string, layer: string): string =>
  [zone, target, address, port, protocol, via, layer].join(' ');
const rowKey = (r: MatrixRow): string =>
  cellKey(r.zone, r.service ?? r.address, r.address, r.portEnd !== undefined ? `${r.port}-${r.portEnd}` : String(r.port), r.protocol, r.via, r.decidedBy);
const edgeKey = (e: Record<string, string>): string =>
  cellKey(
    e['data-zone'] ?? '',
    e['data-target'] ?? '',
    e['data-address'] ?? '',
    e['data-port'] ?? '',
    e['data-protocol'] ?? '',
    e['data-via'] ?? '',
    e['data-layer'] ?? '',
  );
const sorted = (keys: string[]): string[] => [...keys].sort();

describe('topology.svg of the built-in platform', async () => {
  const svg = await topologySvg(platformTopologyInput(platform, proof.matrix));

  it('draws every service of the platform exactly once', () => {
    const drawn = elements(svg, 'service').map((e) => e['data-service']);
    for (const s of platform.services)
      expect(
        drawn.filter((d) => d === s.name),
        s.name,
      ).toHaveLength(1);
    expect(drawn).toHaveLength(platform.services.length);
  });

  it('has one edge per open cell of the matrix, and no other', () => {
    const open = proof.matrix.filter((r) => r.verdict === 'open');
    expect(open.length).toBeGreaterThan(20);
    expect(sorted(elements(svg, 'edge open').map(edgeKey))).toEqual(sorted(open.map(rowKey)));
    expect(elements(svg, 'edge blocked')).toEqual([]);
  });

  it("shows the reference's three doors from outside the host: SSH from the admin IP, WireGuard from the internet, the gateway from the tailnet", () => {
    const edges = elements(svg, 'edge open');
    const from = (zone: string) => edges.filter((e) => e['data-zone'] === zone);
    expect(new Set(from('admin').map((e) => `${e['data-target']} ${e['data-port']}/${e['data-protocol']}`))).toEqual(
      new Set(['sshd 22/tcp', 'tailscaled 41641/udp']),
    );
    expect(new Set(from('internet').map((e) => `${e['data-target']} ${e['data-port']}/${e['data-protocol']}`))).toEqual(new Set(['tailscaled 41641/udp']));
    // The tailnet reaches the gateway's published ports, and the apps only through its routes.
    for (const e of from('tailnet')) expect(e['data-via'] === 'publish' ? e['data-target'] : e['data-via']).toMatch(/^(nginx|gateway)$/);
  });

  it('draws the blocked cells too, dashed, when asked', async () => {
    const withBlocked = await topologySvg(platformTopologyInput(platform, proof.matrix, { blocked: true }));
    const blocked = proof.matrix.filter((r) => r.verdict === 'blocked');
    expect(sorted(elements(withBlocked, 'edge blocked').map(edgeKey))).toEqual(sorted(blocked.map(rowKey)));
    expect(withBlocked).toContain('stroke-dasharray="4 3"');
  });

  it('is the same bytes for the same proof', async () => {
    expect(await topologySvg(platformTopologyInput(platform, proof.matrix))).toBe(svg);
  });

  it('is a standalone picture: no script, no style element, no external reference', () => {
    expect(svg).not.toMatch(/<script|<style|<foreignObject|xlink:href|href="http|url\((?!#arrow-)/i);
  });
});

describe('topology.svg of hostile names (moat audit draws what a compose file calls its services)', () => {
  it('escapes every name and label', async () => {
    const row: MatrixRow = {
      zone: 'tailnet',
      address: '10.0.0.5',
      port: 80,
      protocol: 'tcp',
      verdict: 'open',
      decidedBy: 'tailnet',
      service: '"><script>alert(1)</script>',
      via: 'container',
      reason: 'x',
    };
    const svg = await topologySvg({ title: 'audit <of> "x" & y', matrix: [row], services: [], platformLabel: '<b>', hostLabel: "h'" });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('"><script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('audit &lt;of&gt; &quot;x&quot; &amp; y');
  });
});

describe('golden: topology', () => {
  for (const c of goldenCases(new URL('../../golden/topology/', import.meta.url))) {
    it(c.name, async () => {
      const p = goldenPlatform(c.input);
      expectGolden(c, await topologySvg(platformTopologyInput(p, proveBundle(p).matrix)));
    });
  }
});
