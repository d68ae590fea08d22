// host/bootstrap.sh and host/cloud-init.yaml: shellcheck-clean, and the
// security-relevant steps are there (explicit assertions, not a snapshot).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderBootstrap } from '../../../src/render/bootstrap.js';
import { renderDockerUser } from '../../../src/render/docker-user.js';
import { renderHostServices } from '../../../src/render/host-services.js';
import { renderNftables } from '../../../src/render/nftables.js';
import { fileOf, reference, requireTool, tempFiles, withHost } from './support.js';

const p = reference();
const result = renderBootstrap(p, {});
const script = fileOf(result, 'host/bootstrap.sh');

function heredoc(text: string, delimiter: string): string {
  const start = text.indexOf(`<<'${delimiter}'\n`);
  expect(start).toBeGreaterThan(0);
  const body = text.slice(text.indexOf('\n', start) + 1);
  return body.slice(0, body.indexOf(`\n${delimiter}\n`));
}

describe('host/bootstrap.sh', () => {
  it('passes shellcheck', () => {
    requireTool('shellcheck', 'shellcheck');
    const t = tempFiles({ 'bootstrap.sh': script });
    try {
      const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', t.path('bootstrap.sh')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('is an executable strict bash script', () => {
    expect(result.files.find((f) => f.path === 'host/bootstrap.sh')?.mode).toBe(0o755);
    expect(script.split('\n')[0]).toBe('#!/usr/bin/env bash');
    expect(script).toContain('\nset -euo pipefail\n');
  });

  it('never pipes a download into a shell; Docker from the distribution, Tailscale from its signed repo', () => {
    expect(script).not.toMatch(/curl[^\n]*\|\s*(sudo\s+)?(ba)?sh/);
    expect(script).toContain('apt-get install -y -q ca-certificates curl gnupg nftables iptables docker.io docker-compose-v2');
    expect(script).toContain('deb [signed-by=/usr/share/keyrings/tailscale-archive-keyring.gpg] https://pkgs.tailscale.com/stable/');
  });

  it('sets the Docker default bind to 127.0.0.1 with log rotation', () => {
    const daemon = JSON.parse(heredoc(script, 'JSON')) as Record<string, unknown>;
    expect(daemon['ip']).toBe('127.0.0.1');
    expect(daemon['log-opts']).toMatchObject({ 'max-size': expect.any(String), 'max-file': expect.any(String) });
  });

  it('reads the auth key from a file and never prints it or puts it on a command line', () => {
    expect(script).toContain('tailscale up --auth-key="file:$key_file"');
    const mentions = script.split('\n').filter((l) => l.includes('$TS_AUTHKEY"') || l.includes('${TS_AUTHKEY}'));
    expect(mentions).toEqual(['    printf \'%s\' "$TS_AUTHKEY" > "$key_file"']);
    expect(script).not.toMatch(/set -x/);
  });

  it('applies both firewall files and re-applies DOCKER-USER whenever docker starts', () => {
    expect(script).toContain('ExecStart=/usr/sbin/nft -j -f /etc/moat/nftables.json');
    expect(script).toContain('ExecStartPre=/etc/moat/docker-user.sh');
    expect(script).toContain('ExecStartPost=/etc/moat/docker-user.sh');
    expect(script).toContain('net.ipv4.ip_nonlocal_bind = 1');
    // It refuses a host whose public interface is not the one the firewall names.
    expect(script).toContain(`PUBLIC_IF='${p.host.publicInterface}'`);
    expect(script.indexOf('if [[ $actual_if != "$PUBLIC_IF" ]]')).toBeLessThan(script.indexOf('nft -j -f'));
    expect(script).toContain('install -m 0644 "$BUNDLE/firewall/nftables.json" /etc/moat/nftables.json');
    expect(script).toContain('install -m 0644 "$BUNDLE/firewall/docker-user.v4.rules" "$BUNDLE/firewall/docker-user.v6.rules" /etc/moat/');
    expect(script).toContain('install -m 0755 "$BUNDLE/firewall/docker-user.sh"');
  });

  it('gets the gateway certificate from tailscale cert and renews it weekly, reloading nginx', () => {
    expect(script).toContain('tailscale cert --cert-file "$TLS_DIR/gateway.crt" --key-file "$TLS_DIR/gateway.key" "$TS_FQDN"');
    expect(script).toContain("TLS_DIR='/etc/moat/tls'");
    expect(script).toContain(`TS_FQDN='${p.host.tailscale.hostname}.${p.host.tailscale.tailnet}'`);
    expect(script).toContain('OnCalendar=weekly');
    expect(script).toContain('docker compose exec -T "$GATEWAY_SERVICE" nginx -s reload');
    // tailscaled's port comes from the bundle's defaults file, which the proof reads too.
    expect(script).toContain('install -m 0644 "$BUNDLE/host/tailscaled.defaults" /etc/default/tailscaled');
  });
});

describe('host/cloud-init.yaml', () => {
  const text = fileOf(result, 'host/cloud-init.yaml');
  const doc = parse(text) as { write_files: { path: string; content: string; permissions: string }[]; runcmd: string[][] };

  it("is #cloud-config that writes the bundle's host files and runs the bootstrap", () => {
    expect(text.split('\n')[0]).toBe('#cloud-config');
    const byPath = new Map(doc.write_files.map((f) => [f.path, f]));
    expect(byPath.get('/opt/moat/host/bootstrap.sh')).toMatchObject({ content: script, permissions: '0755' });
    expect(byPath.get('/opt/moat/firewall/nftables.json')?.content).toBe(fileOf(renderNftables(p, {}), 'firewall/nftables.json'));
    for (const f of ['firewall/docker-user.v4.rules', 'firewall/docker-user.v6.rules'])
      expect(byPath.get(`/opt/moat/${f}`)?.content).toBe(fileOf(renderDockerUser(p, {}), f));
    expect(byPath.get('/opt/moat/firewall/docker-user.sh')?.content).toBe(fileOf(renderDockerUser(p, {}), 'firewall/docker-user.sh'));
    expect(doc.runcmd).toEqual([['env', 'MOAT_BUNDLE=/opt/moat', 'bash', '/opt/moat/host/bootstrap.sh']]);
  });

  it('carries no auth key', () => {
    expect(text).not.toMatch(/tskey-/);
    expect(text).not.toMatch(/TS_AUTHKEY=/);
  });
});

describe('host/bootstrap.sh with a non-default SSH port', () => {
  const moved = fileOf(renderBootstrap(withHost({ sshPort: 2222 }), {}), 'host/bootstrap.sh');

  it("installs the bundle's sshd drop-in (the port the firewall opens), checks the config first, after the firewall", () => {
    const install = 'install -m 0644 "$BUNDLE/host/sshd-moat.conf" /etc/ssh/sshd_config.d/10-moat-port.conf';
    expect(moved).toContain(install);
    expect(moved.indexOf('sshd -t')).toBeGreaterThan(moved.indexOf(install));
    expect(moved.indexOf(install)).toBeGreaterThan(moved.indexOf('systemctl restart moat-nftables.service'));
    expect(fileOf(renderHostServices(withHost({ sshPort: 2222 }), {}), 'host/sshd-moat.conf')).toMatch(/^Port 2222$/m);
    expect(fileOf(renderHostServices(withHost({}), {}), 'host/sshd-moat.conf')).toMatch(/^Port 22$/m);
  });

  it('passes shellcheck', () => {
    requireTool('shellcheck', 'shellcheck');
    const t = tempFiles({ 'bootstrap.sh': moved });
    try {
      const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', t.path('bootstrap.sh')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
    } finally {
      t.cleanup();
    }
  });
});
