import { defineService } from './define.js';

// Google Drive sync with rclone. Port 5572 is rclone's remote-control API
// (`rclone rcd`), not WebDAV; it has no auth unless --rc-user/--rc-pass (or
// RCLONE_RC_USER/RCLONE_RC_PASS) are set, so moat always sets them and never
// routes it. Every rclone flag has an env twin (RCLONE_ + upper-cased name), so
// --rc-user/--rc-pass come from RCLONE_RC_USER/RCLONE_RC_PASS and the password
// never shows on the command line. The health check calls rc/noop with the same
// credentials (the image is Alpine based with the rclone binary; no curl).
// Sources: https://rclone.org/rc/, https://rclone.org/commands/rclone_rcd/, https://rclone.org/drive/
export const gdrive = defineService({
  name: 'gdrive',
  title: 'Google Drive sync',
  description: 'rclone remote-control daemon syncing Google Drive',
  origin: 'reference',
  image: 'rclone/rclone:1.69.3',
  address: '172.20.0.60',
  ports: [{ port: 5572, protocol: 'tcp', purpose: 'rclone remote-control API (rcd; authenticated)' }],
  command: ['rcd', '--rc-addr=0.0.0.0:5572', '--config=/config/rclone/rclone.conf'],
  // The root file system is read-only: rclone's cache goes to the tmpfs.
  env: { RCLONE_RC_USER: 'moat', RCLONE_CACHE_DIR: '/tmp/rclone' },
  secrets: [
    { name: 'RCLONE_RC_PASS', env: 'RCLONE_RC_PASS', policy: 'rotatable', generate: { bytes: 24, encoding: 'hex' }, why: 'authenticates calls to the remote-control API' },
  ],
  volumes: [
    { name: 'gdrive-config', target: '/config/rclone', purpose: 'rclone.conf with the Drive OAuth token' },
    { name: 'gdrive-data', target: '/data', purpose: 'synced files' },
  ],
  healthcheck: {
    test: ['CMD-SHELL', 'rclone rc --url http://127.0.0.1:5572/ --user "$$RCLONE_RC_USER" --pass "$$RCLONE_RC_PASS" rc/noop >/dev/null'],
    expects: 'rc/noop succeeds with the configured credentials',
  },
  hardening: { readOnlyRootFs: true, tmpfs: ['/tmp'] },
  exposure: 'never-route',
  sources: ['https://rclone.org/rc/', 'https://rclone.org/commands/rclone_rcd/', 'https://rclone.org/docs/#environment-variables'],
});
