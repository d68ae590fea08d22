// host/bootstrap.sh and host/cloud-init.yaml: turn a fresh Ubuntu 24.04 host
// into the platform's host. Docker comes from Ubuntu's own packages (docker.io,
// docker-compose-v2), Tailscale from its signed apt repository; nothing is
// piped from curl into a shell. The Tailscale auth key never enters the bundle,
// the user data or a command line: it is read from a root-only file.
import { stringify } from 'yaml';
import type { Finding } from '../model/findings.js';
import type { Platform } from '../model/types.js';
import { BACKUP_SERVICE_PATH, BACKUP_TIMER_PATH, backupBootstrapLines, backupService, backupTimer } from './backup-timer.js';
import { DOCKER_USER_PATH, DOCKER_USER_RULES_PATHS, dockerUserRulesFile, dockerUserScript } from './docker-user.js';
import { driveBootstrapLines } from './drive-timer.js';
import { SSHD_DROPIN_PATH, sshdDropIn, TAILSCALED_DEFAULTS_PATH, tailscaledDefaults } from './host-services.js';
import { INSTANCE_BUNDLE_DIR } from './instance-paths.js';
import { NFTABLES_PATH, nftablesBatch } from './nftables.js';
import { generatedHeader, type Renderer, type RenderResult } from './types.js';

export const BOOTSTRAP_PATH = 'host/bootstrap.sh';
export const CLOUD_INIT_PATH = 'host/cloud-init.yaml';
/** Where `tailscale cert` writes; the gateway mounts it read-only (catalog/gateway.ts). */
export const HOST_TLS_DIR = '/etc/moat/tls';

/** Single-quote a value for bash. */
export function shq(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

export function bootstrapScript(platform: Platform): string {
  const { host, gateway } = platform;
  const ts = host.tailscale;
  const fqdn = `${ts.hostname}.${ts.tailnet}`;
  const daemonJson = JSON.stringify({ ip: '127.0.0.1', 'log-driver': 'json-file', 'log-opts': { 'max-file': '3', 'max-size': '10m' } }, null, 2);
  return [
    '#!/usr/bin/env bash',
    generatedHeader('#'),
    '#',
    `# Prepares an Ubuntu 24.04 host for ${platform.project}. Safe to run again. Run as root:`,
    '#   sudo MOAT_BUNDLE=/path/to/bundle bash host/bootstrap.sh',
    '# The scheduled backups back up the platform of $MOAT_CONFIG (default: moat.yaml beside the bundle).',
    '# The Tailscale auth key is read from $TS_AUTHKEY_FILE (default /etc/moat/tailscale-authkey,',
    '# mode 0600) or $TS_AUTHKEY, and passed to tailscale as a file, never on a command line.',
    '# Without a key every other step is done and the script says how to finish.',
    'set -euo pipefail',
    '',
    'BUNDLE="${MOAT_BUNDLE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"',
    'TS_AUTHKEY_FILE="${TS_AUTHKEY_FILE:-/etc/moat/tailscale-authkey}"',
    `TS_HOSTNAME=${shq(ts.hostname)}`,
    `TS_FQDN=${shq(fqdn)}`,
    `TS_TAG=${shq(ts.tag)}`,
    `TS_EXPECTED_IP=${shq(ts.address)}`,
    `TLS_DIR=${shq(HOST_TLS_DIR)}`,
    `GATEWAY_SERVICE=${shq(gateway.service)}`,
    `PUBLIC_IF=${shq(host.publicInterface)}`,
    '',
    'log() { printf \'moat-bootstrap: %s\\n\' "$*" >&2; }',
    'if [[ $(id -u) -ne 0 ]]; then log "run as root"; exit 1; fi',
    '# shellcheck source=/dev/null',
    '. /etc/os-release',
    'export DEBIAN_FRONTEND=noninteractive',
    '# The firewall matches the public interface by name: a wrong name would silently void the',
    '# DOCKER-USER drops, so stop here (Nitro instances name it ens5, not eth0).',
    'actual_if="$(ip -o route show default | awk \'{ print $5; exit }\')"',
    'if [[ $actual_if != "$PUBLIC_IF" ]]; then',
    '  log "the default route leaves through ${actual_if:-nothing}, the bundle was rendered for $PUBLIC_IF:"',
    '  log "set host.publicInterface: $actual_if in moat.yaml, run moat plan, and copy the bundle again"',
    '  exit 1',
    'fi',
    'install -d -m 0755 /etc/moat',
    'install -d -m 0700 "$TLS_DIR"',
    '',
    "# 1. Docker from Ubuntu's archive (docker.io + the compose v2 plugin): signed by the",
    '#    distribution, updated by unattended-upgrades. Containers publish on 127.0.0.1 unless',
    '#    compose names another address; logs rotate.',
    'apt-get update -q',
    'apt-get install -y -q ca-certificates curl gnupg nftables iptables docker.io docker-compose-v2',
    'install -d -m 0755 /etc/docker',
    "cat > /etc/docker/daemon.json.moat <<'JSON'",
    daemonJson,
    'JSON',
    'if ! cmp -s /etc/docker/daemon.json.moat /etc/docker/daemon.json; then',
    '  mv /etc/docker/daemon.json.moat /etc/docker/daemon.json',
    '  DOCKER_CHANGED=1',
    'else',
    '  rm -f /etc/docker/daemon.json.moat',
    '  DOCKER_CHANGED=0',
    'fi',
    '',
    '# 2. Host firewall. nftables guards host sockets; DOCKER-USER guards published ports and is',
    '#    applied before dockerd starts and again once it runs, on every (re)start of docker.service.',
    `install -m 0644 "$BUNDLE/${NFTABLES_PATH}" /etc/moat/nftables.json`,
    `install -m 0755 "$BUNDLE/${DOCKER_USER_PATH}" /etc/moat/docker-user.sh`,
    `install -m 0644 "$BUNDLE/${DOCKER_USER_RULES_PATHS[4]}" "$BUNDLE/${DOCKER_USER_RULES_PATHS[6]}" /etc/moat/`,
    "cat > /etc/systemd/system/moat-nftables.service <<'UNIT'",
    '[Unit]',
    'Description=moat host firewall (inet moat table)',
    'DefaultDependencies=no',
    'Before=network-pre.target',
    'Wants=network-pre.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    'ExecStart=/usr/sbin/nft -j -f /etc/moat/nftables.json',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'install -d -m 0755 /etc/systemd/system/docker.service.d',
    "cat > /etc/systemd/system/docker.service.d/moat-docker-user.conf <<'UNIT'",
    '[Unit]',
    'After=tailscaled.service',
    'Wants=tailscaled.service',
    '',
    '[Service]',
    'ExecStartPre=/etc/moat/docker-user.sh',
    'ExecStartPost=/etc/moat/docker-user.sh',
    'UNIT',
    '# The gateway publishes on the Tailscale address, which exists only once tailscaled is up: after',
    '# a reboot Docker may start first, and must still be able to bind it.',
    "cat > /etc/sysctl.d/60-moat.conf <<'SYSCTL'",
    'net.ipv4.ip_nonlocal_bind = 1',
    'net.ipv6.ip_nonlocal_bind = 1',
    'SYSCTL',
    'sysctl -q --system',
    'systemctl daemon-reload',
    'systemctl enable --now moat-nftables.service',
    'systemctl restart moat-nftables.service',
    'if [[ $DOCKER_CHANGED -eq 1 ]]; then systemctl restart docker.service; fi',
    'systemctl enable --now docker.service',
    '/etc/moat/docker-user.sh',
    ...sshdPortLines(),
    '',
    '# 3. Tailscale from its own apt repository, with its signing key in a dedicated keyring.',
    'curl -fsSL "https://pkgs.tailscale.com/stable/${ID}/${VERSION_CODENAME}.noarmor.gpg" -o /usr/share/keyrings/tailscale-archive-keyring.gpg',
    'echo "deb [signed-by=/usr/share/keyrings/tailscale-archive-keyring.gpg] https://pkgs.tailscale.com/stable/${ID} ${VERSION_CODENAME} main" > /etc/apt/sources.list.d/tailscale.list',
    'apt-get update -q',
    'apt-get install -y -q tailscale',
    "# WireGuard listens on the port the security group and nftables open (the bundle's defaults file).",
    `install -m 0644 "$BUNDLE/${TAILSCALED_DEFAULTS_PATH}" /etc/default/tailscaled`,
    'systemctl enable tailscaled.service',
    'systemctl restart tailscaled.service',
    '',
    'if ! tailscale status >/dev/null 2>&1; then',
    '  key_file="$TS_AUTHKEY_FILE"',
    '  if [[ ! -s $key_file && -n ${TS_AUTHKEY:-} ]]; then',
    '    key_file="$(mktemp /etc/moat/.authkey.XXXXXX)"',
    '    trap \'rm -f "$key_file"\' EXIT',
    '    printf \'%s\' "$TS_AUTHKEY" > "$key_file"',
    '  fi',
    '  if [[ ! -s $key_file ]]; then',
    '    log "no Tailscale auth key: put one in $TS_AUTHKEY_FILE (chmod 600) and run this script again"',
    '    exit 0',
    '  fi',
    '  # No --ssh: the reference keeps SSH on 22/tcp from the admin IP only, and the tailnet reaches',
    "  # 8443 only. The policy's ssh rules take effect only if an operator enables Tailscale SSH.",
    '  tailscale up --auth-key="file:$key_file" --hostname="$TS_HOSTNAME" --advertise-tags="$TS_TAG" --ssh=false',
    'fi',
    'actual_ip="$(tailscale ip -4)"',
    'if [[ $actual_ip != "$TS_EXPECTED_IP" ]]; then',
    '  log "this host\'s Tailscale address is $actual_ip, the bundle was rendered for $TS_EXPECTED_IP:"',
    '  log "set host.tailscale.address: $actual_ip in moat.yaml, run moat plan, and copy the bundle again"',
    '  exit 1',
    'fi',
    '',
    '# 4. The gateway certificate from the tailnet (needs HTTPS enabled for the tailnet), renewed',
    '#    weekly; nginx reloads to pick it up.',
    'cat > /etc/moat/renew-cert.sh <<SCRIPT',
    '#!/usr/bin/env bash',
    'set -euo pipefail',
    'tailscale cert --cert-file "$TLS_DIR/gateway.crt" --key-file "$TLS_DIR/gateway.key" "$TS_FQDN"',
    'chmod 0644 "$TLS_DIR/gateway.crt"',
    'chmod 0640 "$TLS_DIR/gateway.key"',
    'if [[ -f "$BUNDLE/compose.yaml" ]]; then',
    '  cd "$BUNDLE"',
    '  docker compose exec -T "$GATEWAY_SERVICE" nginx -s reload || true',
    'fi',
    'SCRIPT',
    'chmod 0700 /etc/moat/renew-cert.sh',
    "cat > /etc/systemd/system/moat-cert-renew.service <<'UNIT'",
    '[Unit]',
    'Description=moat: renew the gateway certificate from tailscale cert',
    'After=tailscaled.service docker.service',
    '',
    '[Service]',
    'Type=oneshot',
    'ExecStart=/etc/moat/renew-cert.sh',
    'UNIT',
    "cat > /etc/systemd/system/moat-cert-renew.timer <<'UNIT'",
    '[Unit]',
    'Description=moat: weekly gateway certificate renewal',
    '',
    '[Timer]',
    'OnCalendar=weekly',
    'RandomizedDelaySec=1h',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    'UNIT',
    'systemctl daemon-reload',
    '/etc/moat/renew-cert.sh',
    'systemctl enable --now moat-cert-renew.timer',
    ...backupBootstrapLines(),
    ...driveBootstrapLines(),
    'log "host ready: copy the bundle to $BUNDLE and run moat up there"',
    '',
  ].join('\n');
}

/** #cloud-config that writes the host part of the bundle and runs the bootstrap. */
/**
 * sshd must listen where the firewall and the security group let SSH in: the
 * bundle's drop-in says so (host-services.ts; the proof reads the same file).
 * Ubuntu's ssh.socket takes the port from sshd_config through its generator.
 * The session running this script survives: the firewall keeps established
 * connections.
 */
function sshdPortLines(): string[] {
  return [
    '',
    '# sshd listens on the only SSH port the firewall and the security group open.',
    `install -m 0644 "$BUNDLE/${SSHD_DROPIN_PATH}" /etc/ssh/sshd_config.d/10-moat-port.conf`,
    'sshd -t',
    'systemctl daemon-reload',
    'if systemctl is-enabled --quiet ssh.socket 2>/dev/null; then systemctl restart ssh.socket; else systemctl restart ssh.service; fi',
  ];
}

/**
 * EC2 takes at most 16 KB of user data, "in raw form, before it is base64-encoded"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html): an instance
 * rendered with more does not launch. Said as a finding, not silently cut.
 */
export const EC2_USER_DATA_LIMIT = 16 * 1024;

export function userDataFindings(platform: Platform, artifact: string): Finding[] {
  const size = Buffer.byteLength(cloudInit(platform), 'utf8');
  if (size <= EC2_USER_DATA_LIMIT) return [];
  return [
    {
      code: 'render.cloud.user-data-too-large',
      severity: 'high',
      path: 'host',
      message: `${artifact}: the instance's user data (host/cloud-init.yaml with the bootstrap and the host files) is ${size} bytes; EC2 refuses more than ${EC2_USER_DATA_LIMIT}`,
      hint: 'render without --with-instance and copy the bundle to the host (scp, then `sudo host/bootstrap.sh`), or use `moat host init` on it',
    },
  ];
}

export function cloudInit(platform: Platform): string {
  const file = (path: string, content: string, permissions: string) => ({
    path: `${INSTANCE_BUNDLE_DIR}/${path}`,
    owner: 'root:root',
    permissions,
    content,
  });
  const doc = {
    write_files: [
      file(BOOTSTRAP_PATH, bootstrapScript(platform), '0755'),
      file(NFTABLES_PATH, nftablesBatch(platform).content, '0644'),
      file(DOCKER_USER_PATH, dockerUserScript(platform), '0755'),
      file(DOCKER_USER_RULES_PATHS[4], dockerUserRulesFile(platform, 4).content, '0644'),
      file(DOCKER_USER_RULES_PATHS[6], dockerUserRulesFile(platform, 6).content, '0644'),
      file(SSHD_DROPIN_PATH, sshdDropIn(platform), '0644'),
      file(TAILSCALED_DEFAULTS_PATH, tailscaledDefaults(platform), '0644'),
      file(BACKUP_SERVICE_PATH, backupService(platform), '0644'),
      file(BACKUP_TIMER_PATH, backupTimer(platform), '0644'),
    ],
    runcmd: [['env', `MOAT_BUNDLE=${INSTANCE_BUNDLE_DIR}`, 'bash', `${INSTANCE_BUNDLE_DIR}/${BOOTSTRAP_PATH}`]],
  };
  return [
    '#cloud-config',
    generatedHeader('#'),
    '# The Tailscale auth key is deliberately not here: user data is readable from the instance',
    '# metadata service. Put it in /etc/moat/tailscale-authkey over SSH and run the bootstrap again.',
    stringify(doc, { lineWidth: 0 }),
  ].join('\n');
}

export const renderBootstrap: Renderer = (platform): RenderResult => ({
  files: [
    { path: BOOTSTRAP_PATH, content: bootstrapScript(platform), mode: 0o755 },
    { path: CLOUD_INIT_PATH, content: cloudInit(platform) },
  ],
  warnings: [],
});
