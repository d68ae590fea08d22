import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectArtifacts, collectLive, firstNonUtf8Line } from '../../src/cli/collect-artifacts.js';
import { detectKind } from '../../src/ingest/detect.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'moat-collect-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('collectArtifacts: walking what the user named', () => {
  it('walks a directory, names files relative to cwd, skips node_modules, .git, secrets, binaries; refuses huge and non-UTF-8 files with located problems', async () => {
    const d = join(root, 'deploy');
    mkdirSync(join(d, 'node_modules', 'x'), { recursive: true });
    mkdirSync(join(d, '.git'), { recursive: true });
    mkdirSync(join(d, 'secrets'), { recursive: true });
    mkdirSync(join(d, 'nginx'), { recursive: true });
    writeFileSync(join(d, 'compose.yaml'), '\uFEFFservices:\n  db:\n    image: postgres:16\n');
    writeFileSync(join(d, 'nginx', 'nginx.conf'), 'events {}\n');
    writeFileSync(join(d, 'node_modules', 'x', 'compose.yaml'), 'services: {}\n');
    writeFileSync(join(d, '.git', 'config'), '[core]\n');
    writeFileSync(join(d, 'secrets', 'n8n.env'), 'N8N_ENCRYPTION_KEY=s3cret\n');
    writeFileSync(join(d, '.env'), 'POSTGRES_PASSWORD=hunter2\n');
    writeFileSync(join(d, 'tls.key'), '-----BEGIN PRIVATE KEY-----\n');
    writeFileSync(join(d, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    writeFileSync(join(d, 'latin1.conf'), Buffer.concat([Buffer.from('Port 22\n# caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    writeFileSync(join(d, 'huge.json'), Buffer.alloc(5 * 1024 * 1024 + 1, 0x20));
    symlinkSync(d, join(d, 'loop'));
    const { artifacts, problems } = await collectArtifacts(['deploy', 'deploy/compose.yaml', 'missing.yaml'], root);
    expect(artifacts.map((a) => a.file)).toEqual(['deploy/compose.yaml', 'deploy/nginx/nginx.conf']);
    expect(artifacts[0]?.text.startsWith('services:')).toBe(true);
    expect(problems.map((p) => [p.code, p.location?.file, p.location?.line])).toEqual([
      ['ingest.collect.secret-skipped', 'deploy/.env', 1],
      ['ingest.collect.too-large', 'deploy/huge.json', 1],
      ['ingest.collect.not-utf8', 'deploy/latin1.conf', 2],
      ['ingest.collect.secret-skipped', 'deploy/secrets', 1],
      ['ingest.collect.secret-skipped', 'deploy/tls.key', 1],
      ['ingest.collect.unreadable', 'missing.yaml', 1],
    ]);
    expect(JSON.stringify({ artifacts, problems })).not.toMatch(/hunter2|s3cret/);
  });

  it('a binary file named explicitly is an info problem', async () => {
    const { artifacts, problems } = await collectArtifacts([join(root, 'deploy', 'logo.png')], root);
    expect(artifacts).toEqual([]);
    expect(problems.map((p) => [p.code, p.severity])).toEqual([['ingest.collect.binary', 'info']]);
  });

  it('finds the first line that is not UTF-8', () => {
    expect(firstNonUtf8Line(Buffer.from('a\nb\n'))).toBeUndefined();
    expect(firstNonUtf8Line(Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0xff]))).toBe(3);
  });
});

// Stub commands that print what the real tools print (nft -j, iptables-save,
// ss, docker), on a PATH that holds only them: collectLive runs what is there.
describe('collectLive with stub commands on PATH (stub)', () => {
  const stub = (dir: string, name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };

  it('collects each tool present as a named artifact, and names what is missing or failed', async () => {
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
      `[ "$*" = "-tulpnH" ] || exit 2\necho 'tcp   LISTEN 0      4096             0.0.0.0:22          0.0.0.0:*    users:(("sshd",pid=812,fd=3))'`,
    );
    stub(
      bin,
      'docker',
      [
        'case "$1 $2" in',
        '  "ps -aq") echo 3f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605f4e3 ;;',
        `  "inspect 3f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605f4e3") echo '[{"Id": "3f1c", "Name": "/db", "HostConfig": {"NetworkMode": "bridge"}, "NetworkSettings": {"Ports": {"5432/tcp": [{"HostIp": "0.0.0.0", "HostPort": "5432"}]}}}]' ;;`,
        `  "compose ls") echo '[{"Name":"shop","Status":"running(1)","ConfigFiles":"/srv/shop/compose.yaml,/srv/shop/compose.override.yaml"}]' ;;`,
        '  "compose -f")',
        '    [ "$*" = "compose -f /srv/shop/compose.yaml -f /srv/shop/compose.override.yaml config --format json" ] || exit 3',
        `    echo '{"name": "shop", "services": {"db": {"image": "postgres:16", "ports": [{"target": 5432, "published": "5432", "protocol": "tcp"}]}}}' ;;`,
        '  *) exit 1 ;;',
        'esac',
      ].join('\n'),
    );
    const ssh = join(root, 'ssh');
    mkdirSync(join(ssh, 'sshd_config.d'), { recursive: true });
    writeFileSync(join(ssh, 'sshd_config'), 'Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n');
    writeFileSync(join(ssh, 'sshd_config.d', '50-port.conf'), 'Port 2222\n');
    writeFileSync(join(ssh, 'sshd_config.d', 'README'), 'not a drop-in\n');

    const { artifacts, problems } = await collectLive({ env: { PATH: bin }, sshdConfig: join(ssh, 'sshd_config'), timeoutMs: 5000 });
    expect(artifacts.map((a) => a.file)).toEqual([
      'live:nft -j list ruleset',
      'live:ss -tulpnH',
      'live:docker inspect',
      'live:docker compose config (shop)',
      `live:${join(ssh, 'sshd_config')}`,
      `live:${join(ssh, 'sshd_config.d', '50-port.conf')}`,
    ]);
    expect(problems.map((p) => [p.code, p.severity, p.location?.file])).toEqual([
      ['ingest.live.command-failed', 'info', 'live:iptables-save'],
      ['ingest.live.missing-command', 'info', 'live:ip6tables-save'],
    ]);
    expect(problems[0]?.message).toContain('Permission denied');
    expect(problems[1]?.hint).toContain('iptables');
    const kinds = artifacts.map((a) => detectKind(a));
    expect(kinds.slice(1)).toEqual(['ss', 'docker-inspect', 'compose', 'sshd-config', 'sshd-config']);
  });

  it('with no docker containers, docker inspect is an empty list; with nothing installed, every layer is named', async () => {
    const bin = join(root, 'bin2');
    mkdirSync(bin, { recursive: true });
    stub(bin, 'docker', 'case "$1" in ps) exit 0 ;; compose) echo "[]" ;; *) exit 1 ;; esac');
    const { artifacts, problems } = await collectLive({ env: { PATH: bin }, sshdConfig: join(root, 'nope', 'sshd_config') });
    expect(artifacts).toEqual([{ file: 'live:docker inspect', text: '[]\n' }]);
    expect(problems.map((p) => `${p.code} ${p.location?.file}`)).toEqual([
      'ingest.live.missing-command live:nft -j list ruleset',
      'ingest.live.missing-command live:iptables-save',
      'ingest.live.missing-command live:ip6tables-save',
      'ingest.live.missing-command live:ss -tulpnH',
      `ingest.live.missing-command live:${join(root, 'nope', 'sshd_config')}`,
    ]);
  });
});
