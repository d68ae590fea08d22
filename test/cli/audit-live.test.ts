// `moat audit --live` against stub commands (stub): scripts named nft, ss,
// iptables-save and docker on a PATH that holds only them, printing what the
// real tools print; and `--config`, where host facts and policy come from moat.yaml.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runMoat } from '../support/run-moat.js';

const root = mkdtempSync(join(tmpdir(), 'moat-audit-live-'));
const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface AuditJson {
  findings: { code: string; severity: string; message: string; location: { file: string; line: number } | null }[];
  matrix: { zone: string; port: number; protocol: string; verdict: string; service?: string; sourceCidrs?: string[] }[];
  missing: { layer: string }[];
  artifacts: { file: string; kind?: string }[];
  policy: { allow: { zone: string; port: number; protocol: string }[]; platformOnly: { service: string }[] };
}

const stub = (dir: string, name: string, body: string) => {
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
};

const DB_ID = '3f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605f4e3';

describe('moat audit --live with stub commands on PATH (stub)', () => {
  it('reads each tool present, says which it could not read, and finds the published database', async () => {
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    stub(
      bin,
      'nft',
      `[ "$*" = "-j list ruleset" ] || exit 2\necho '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}]}'`,
    );
    stub(bin, 'iptables-save', `echo 'iptables-save v1.8.9 (nf_tables): Permission denied (you must be root)' >&2\nexit 4`);
    stub(
      bin,
      'ss',
      [
        '[ "$*" = "-tulpnH" ] || exit 2',
        `echo 'tcp   LISTEN 0      4096             0.0.0.0:2222        0.0.0.0:*    users:(("sshd",pid=812,fd=3))'`,
        `echo 'tcp   LISTEN 0      4096             0.0.0.0:5432        0.0.0.0:*    users:(("docker-proxy",pid=901,fd=4))'`,
      ].join('\n'),
    );
    stub(
      bin,
      'docker',
      [
        'case "$1 $2" in',
        `  "ps -aq") echo ${DB_ID} ;;`,
        `  "inspect ${DB_ID}") echo '[{"Id": "${DB_ID}", "Name": "/shop-db-1", "Config": {"Image": "postgres:16"}, "HostConfig": {"NetworkMode": "bridge"}, "NetworkSettings": {"Ports": {"5432/tcp": [{"HostIp": "0.0.0.0", "HostPort": "5432"}]}}}]' ;;`,
        `  "compose ls") echo '[]' ;;`,
        '  *) exit 1 ;;',
        'esac',
      ].join('\n'),
    );
    const ssh = join(root, 'ssh');
    mkdirSync(ssh, { recursive: true });
    writeFileSync(join(ssh, 'sshd_config'), 'Port 2222\nPasswordAuthentication no\n');
    process.env.PATH = bin;

    const r = await runMoat('audit', '--live', '--sshd-config', join(ssh, 'sshd_config'), '--admin-cidr', '198.51.100.7/32', '--format', 'json');
    const report = JSON.parse(r.out) as AuditJson;
    expect(report.artifacts).toEqual([
      { file: 'live:nft -j list ruleset', kind: 'nftables-json' },
      { file: 'live:ss -tulpnH', kind: 'ss' },
      { file: 'live:docker inspect', kind: 'docker-inspect' },
      { file: `live:${join(ssh, 'sshd_config')}`, kind: 'sshd-config' },
    ]);
    // What it could not read is said, located at the command.
    expect(report.findings.find((f) => f.code === 'ingest.live.command-failed')?.location?.file).toBe('live:iptables-save');
    expect(report.findings.find((f) => f.code === 'ingest.live.missing-command')?.location?.file).toBe('live:ip6tables-save');
    expect(report.missing.map((m) => m.layer)).toEqual(['cloud', 'tailnet', 'gateway']);
    // SSH is where sshd_config says (2222), for the admin only.
    expect(report.policy.allow).toContainEqual(expect.objectContaining({ zone: 'admin', port: 2222, protocol: 'tcp' }));
    expect(report.policy.platformOnly).toEqual([{ service: 'shop-db-1', why: expect.stringContaining('database') as unknown }]);
    const db = report.findings.find((f) => f.code === 'exposure.unexpected-open' && f.message.includes('5432'));
    expect(db?.severity).toBe('critical');
    expect(db?.location?.file).toBe('live:docker inspect');
    expect(r.code).toBe(1);
  });

  it('exits 3 when none of the tools is installed (an empty PATH)', async () => {
    const empty = join(root, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    process.env.PATH = empty;
    const r = await runMoat('audit', '--live', '--sshd-config', join(root, 'nope', 'sshd_config'));
    expect(r.code).toBe(3);
    expect(r.err).toContain('none of the tools');
  });
});

describe('moat audit --config', () => {
  it('takes host facts and policy from moat.yaml: the admin CIDR it names, and platform-only by the names it lists', async () => {
    const config = join(root, 'moat.yaml');
    writeFileSync(config, 'host:\n  adminCidr: 198.51.100.7/32\n');
    const compose = fileURLToPath(new URL('./audit-fixtures/exposed/compose.yaml', import.meta.url));
    const r = await runMoat('--config', config, 'audit', compose, '--format', 'json');
    const report = JSON.parse(r.out) as AuditJson;
    expect(report.matrix.some((m) => m.zone === 'admin' && m.sourceCidrs?.includes('198.51.100.7/32'))).toBe(true);
    // The reference policy lists its own services (dify-db...), not this deployment's `db`:
    // the exposure is still high (an open port no rule allows), not the critical of a platform-only one.
    expect(report.policy.platformOnly.map((p) => p.service)).toContain('dify-db');
    const db = report.findings.find((f) => f.code === 'exposure.unexpected-open' && f.message.includes('db on [::]:5432/tcp'));
    expect(db?.severity).toBe('high');
    expect(db?.location?.line).toBe(9);
    expect(r.code).toBe(1);
  });
});
