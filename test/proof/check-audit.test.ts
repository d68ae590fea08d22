// `moat check` (proveBundle: the rendered bundle read back with known kinds
// and the model's host facts) and `moat audit` (proveArtifacts: the same files
// as anonymous artifacts, kinds detected by content) must agree cell for cell
// on moat's own bundle; and explicit security verdicts of that proof.
import { beforeAll, describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../src/analyze/index.js';
import type { Finding } from '../../src/model/findings.js';
import type { Platform } from '../../src/model/types.js';
import { proveArtifacts } from '../../src/proof/artifacts.js';
import { BUNDLE_ARTIFACTS, proveBundle } from '../../src/proof/bundle.js';
import { renderBundle } from '../../src/render/registry.js';
import { bundleArtifacts, bundleHints, loadPlatforms, PLATFORM_YAML } from './support.js';

let platforms: Map<string, Platform>;
beforeAll(async () => {
  platforms = await loadPlatforms();
});
const get = (name: string): Platform => {
  const p = platforms.get(name);
  if (!p) throw new Error(`no platform ${name}`);
  return p;
};

const OUTSIDE = ['internet', 'admin', 'tailnet'];
/** The open cells from outside the host, at the host's doors (host sockets and publications). */
const doors = (matrix: readonly MatrixRow[]): string[] =>
  [
    ...new Set(
      matrix
        .filter((r) => r.verdict === 'open' && OUTSIDE.includes(r.zone) && (r.via === 'host' || r.via === 'publish'))
        .map((r) => `${r.zone} ${r.port}${r.portEnd !== undefined ? `-${r.portEnd}` : ''}/${r.protocol}`),
    ),
  ].sort();
/** What a finding says, without the model path (proveBundle traces paths to moat.yaml, audit cannot). */
const said = (f: Finding) => ({ code: f.code, severity: f.severity, location: f.location, message: f.message });

describe.each(Object.keys(PLATFORM_YAML))('moat check and moat audit agree: %s', (name) => {
  it('detects every bundle file as the kind moat check reads it as', () => {
    const platform = get(name);
    const files = renderBundle(platform).files;
    const audit = proveArtifacts(bundleArtifacts(files), platform.policy, bundleHints(platform));
    expect(Object.fromEntries(audit.kinds.map((k) => [k.file, k.kind]))).toEqual(BUNDLE_ARTIFACTS);
  });

  it('gives the same state, the same matrix cell for cell, and the same findings', () => {
    const platform = get(name);
    const files = renderBundle(platform).files;
    // The analysis alone: audit has no render warnings to add (check does, about the model).
    const check = proveBundle(platform, { files, warnings: [] });
    const audit = proveArtifacts(bundleArtifacts(files), platform.policy, bundleHints(platform));
    expect(audit.state).toEqual(check.state);
    expect(audit.missing).toEqual([]);
    expect(check.missing).toEqual([]);
    expect(audit.matrix.length).toBe(check.matrix.length);
    for (const [i, row] of check.matrix.entries()) expect(audit.matrix[i], `row ${i}`).toEqual(row);
    // What the artifacts say; check adds the rules about the model itself (routes, secrets, origins), which have no file line.
    expect(audit.findings.filter((f) => f.location !== undefined).map(said)).toEqual(check.findings.filter((f) => f.location !== undefined).map(said));
    expect(audit.problems).toEqual(check.problems);
  });

  it('the whole rendered directory (every file, the unreadable ones skipped) gives the same matrix and findings', () => {
    const platform = get(name);
    const files = renderBundle(platform).files;
    // The analysis alone: audit has no render warnings to add (check does, about the model).
    const check = proveBundle(platform, { files, warnings: [] });
    const audit = proveArtifacts(
      files.map((f) => ({ file: f.path, text: f.content })),
      platform.policy,
      bundleHints(platform),
    );
    // aws/main.tf states the same security group as the template, dify/nginx.conf is Dify's own nginx (not the gateway service).
    expect(audit.kinds.find((k) => k.file === 'aws/main.tf')?.kind).toBe('terraform');
    expect(audit.matrix).toEqual(check.matrix);
    // What the artifacts say; check adds the rules about the model itself (routes, secrets, origins), which have no file line.
    expect(audit.findings.filter((f) => f.location !== undefined).map(said)).toEqual(check.findings.filter((f) => f.location !== undefined).map(said));
    // Every file moat does not read back is named, never silently dropped.
    const skipped = audit.problems.filter((p) => p.code === 'ingest.unknown-format').map((p) => p.location?.file ?? p.path);
    expect(skipped.length).toBe(audit.kinds.filter((k) => k.kind === undefined).length);
  });
});

describe("explicit verdicts of the proof of moat's own bundle", () => {
  it('the built-in platform: 41641/udp from the internet, 22/tcp + 41641/udp from the admin, 8443-8445/tcp from the tailnet; no findings', () => {
    const proof = proveBundle(get('reference'));
    expect(doors(proof.matrix)).toEqual(['admin 22/tcp', 'admin 41641/udp', 'internet 41641/udp', 'tailnet 8443/tcp', 'tailnet 8444/tcp', 'tailnet 8445/tcp']);
    // Only the low note that n8n and Clawdbot share the main origin (gateway.originPerApp clears it).
    expect(proof.findings.map((f) => f.code)).toEqual(['origin.shared']);
    // SSH: the admin /32 only, and it is the security group that says so first.
    const ssh = proof.matrix.filter((r) => r.verdict === 'open' && r.port === 22 && OUTSIDE.includes(r.zone));
    expect(ssh.map((r) => [r.zone, r.sourceCidrs, r.decidedBy])).toEqual([['admin', [get('reference').host.adminCidr], 'cloud']]);
    // The tailnet reaches the gateway on the Tailscale address only, never on 0.0.0.0.
    for (const r of proof.matrix.filter((x) => x.verdict === 'open' && x.zone === 'tailnet' && x.via === 'publish'))
      expect(r.address).toBe(get('reference').host.tailscale.address);
  });

  it('originPerApp: true adds exactly 8446/tcp and 8447/tcp, to the tailnet only', () => {
    const proof = proveBundle(get('originPerApp: true'));
    expect(doors(proof.matrix)).toEqual([
      'admin 22/tcp',
      'admin 41641/udp',
      'internet 41641/udp',
      'tailnet 8443/tcp',
      'tailnet 8444/tcp',
      'tailnet 8445/tcp',
      'tailnet 8446/tcp',
      'tailnet 8447/tcp',
    ]);
    // Every app on its own origin: not even the shared-origin note.
    expect(proof.findings).toEqual([]);
  });

  it('sshPort 2222 moves SSH, and 22 is open to nobody outside', () => {
    const proof = proveBundle(get('sshPort 2222'));
    expect(doors(proof.matrix)).toEqual([
      'admin 2222/tcp',
      'admin 41641/udp',
      'internet 41641/udp',
      'tailnet 8443/tcp',
      'tailnet 8444/tcp',
      'tailnet 8445/tcp',
    ]);
    expect(proof.matrix.some((r) => r.port === 22 && r.verdict === 'open' && OUTSIDE.includes(r.zone))).toBe(false);
    // Only the low note that n8n and Clawdbot share the main origin (gateway.originPerApp clears it).
    expect(proof.findings.map((f) => f.code)).toEqual(['origin.shared']);
  });

  it('an admin CIDR of 0.0.0.0/1 is exposure.admin-cidr-world (SSH from half the internet)', () => {
    const proof = proveBundle(get('admin CIDR 0.0.0.0/1'));
    const world = proof.findings.filter((f) => f.code === 'exposure.admin-cidr-world');
    expect(world).toHaveLength(1);
    expect(world[0]?.severity).toBe('critical');
    const ssh = proof.matrix.find((r) => r.zone === 'admin' && r.port === 22 && r.verdict === 'open');
    expect(ssh?.sourceCidrs).toEqual(['0.0.0.0/1']);
  });

  describe('a user service published on 0.0.0.0:9000', () => {
    const name = 'a user service published on 0.0.0.0';
    const composeLine = (platform: Platform): number => {
      const compose = renderBundle(platform).files.find((f) => f.path === 'compose.yaml')?.content ?? '';
      const line = compose.split('\n').findIndex((l) => l.trim() === '- 0.0.0.0:9000:9000') + 1;
      expect(line).toBeGreaterThan(0);
      return line;
    };
    const open9000 = (matrix: readonly MatrixRow[]) => matrix.filter((r) => r.port === 9000 && r.verdict === 'open' && OUTSIDE.includes(r.zone));

    it('the bundle seals it: the security group blocks it from the internet and the admin, the tailnet policy from the tailnet', () => {
      const proof = proveBundle(get(name));
      expect(open9000(proof.matrix)).toEqual([]);
      const publish = proof.matrix.filter((r) => r.port === 9000 && r.via === 'publish' && OUTSIDE.includes(r.zone));
      expect(publish.map((r) => `${r.zone} ${r.verdict} ${r.decidedBy}`).sort()).toEqual([
        'admin blocked cloud',
        'internet blocked cloud',
        'tailnet blocked tailnet',
      ]);
      // Only what says the publication is there at all (and the shared-origin note).
      expect(proof.findings.map((f) => f.code).sort()).toEqual(['listener.published-beside-gateway', 'origin.shared']);
    });

    // Expected by the issue and promised by src/model/config-schema.ts (ServiceConfig.publish:
    // "Only the gateway should have one; `moat check` flags the rest"), but no rule does:
    // policy.ts judge() passes a host-zone or platform-zone cell of a publication unless the
    // service is platform-only, and every outside cell is blocked, so moat check reports
    // nothing. Fix (lead's call): a rule over state.publishing.bindings that flags every
    // binding of a service other than state.gateway.service, located at the binding.
    it('moat check flags the publication at its compose line (config-schema.ts promises it)', () => {
      const platform = get(name);
      const proof = proveBundle(platform);
      const at = proof.findings.filter((f) => f.location?.file === 'compose.yaml' && f.location.line === composeLine(platform));
      expect(at.map((f) => f.code)).not.toEqual([]);
    });

    it('without the security group, DOCKER-USER still blocks it (defence in depth)', () => {
      const platform = get(name);
      const audit = proveArtifacts(bundleArtifacts(renderBundle(platform).files, ['aws/cloudformation.yaml']), platform.policy, bundleHints(platform));
      expect(audit.missing).toEqual(['cloud']);
      expect(open9000(audit.matrix)).toEqual([]);
      const internet = audit.matrix.find((r) => r.port === 9000 && r.via === 'publish' && r.zone === 'internet');
      expect(internet?.decidedBy).toBe('firewall');
    });

    it('without the security group and DOCKER-USER, it is exposure.unexpected-open at its compose line', () => {
      const platform = get(name);
      const files = renderBundle(platform).files;
      const audit = proveArtifacts(
        bundleArtifacts(files, ['aws/cloudformation.yaml', 'firewall/docker-user.v4.rules', 'firewall/docker-user.v6.rules']),
        platform.policy,
        bundleHints(platform),
      );
      expect(
        open9000(audit.matrix)
          .map((r) => r.zone)
          .sort(),
      ).toEqual(['admin', 'internet']);
      const found = audit.findings.filter((f) => f.code === 'exposure.unexpected-open');
      expect(found.map((f) => f.location)).toEqual([{ file: 'compose.yaml', line: composeLine(platform), column: 1 }]);
      expect(found[0]?.message).toContain('my-tool');
    });
  });
});
