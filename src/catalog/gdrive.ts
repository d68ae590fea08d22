import { defineService } from './define.js';

// Google Drive sync with rclone 1.75.0 (upstream/rclone.ts). Port 5572 is
// rclone's remote-control API (`rclone rcd`), not WebDAV; it has no auth unless
// --rc-user/--rc-pass (or --rc-htpasswd) are set, so moat always sets them,
// never passes --rc-no-auth and never routes it. Every rclone flag has an env
// twin (RCLONE_ + upper-cased name), so --rc-user/--rc-pass come from
// RCLONE_RC_USER/RCLONE_RC_PASS and the password never shows on the command
// line. The health check calls rc/noop with the same credentials (the image is
// Alpine based with the rclone binary and busybox sh; no curl).
// The root file system is read-only: the config lives on the gdrive-config
// volume (writable: `config/create` over rc and token refreshes write
// rclone.conf), the cache moves to the /tmp tmpfs (RCLONE_CACHE_DIR; the default
// ~/.cache/rclone is on the read-only root), synced files go to gdrive-data.
// What this does not do yet: `rcd` only serves the API. Nothing syncs until a
// Drive remote exists (an OAuth token from `rclone authorize "drive"` on a
// machine with a browser, then `config/create` over rc, or an rclone.conf on
// the volume) and something calls `sync/copy` or `sync/sync` on a schedule
// (rcd has no scheduler). Both are a later issue; until then this service is
// the authenticated API that such a job will call.
// Sources: https://rclone.org/rc/, https://rclone.org/commands/rclone_rcd/, https://rclone.org/drive/,
// https://github.com/rclone/rclone/blob/v1.75.0/Dockerfile
export const gdrive = defineService({
  name: 'gdrive',
  title: 'Google Drive sync',
  description: 'rclone remote-control daemon for Google Drive sync (remote and schedule not configured yet)',
  origin: 'reference',
  image: 'rclone/rclone:1.75.0',
  address: '172.20.0.60',
  ports: [{ port: 5572, protocol: 'tcp', purpose: 'rclone remote-control API (rcd; authenticated)' }],
  command: ['rcd', '--rc-addr=0.0.0.0:5572', '--config=/config/rclone/rclone.conf'],
  env: { RCLONE_RC_USER: 'moat', RCLONE_CACHE_DIR: '/tmp/rclone' },
  secrets: [
    { name: 'RCLONE_RC_PASS', env: 'RCLONE_RC_PASS', policy: 'rotatable', generate: { bytes: 24, encoding: 'hex' }, why: 'authenticates calls to the remote-control API' },
  ],
  volumes: [
    { name: 'gdrive-config', target: '/config/rclone', purpose: 'rclone.conf with the Drive OAuth token (writable: rclone refreshes the token)' },
    { name: 'gdrive-data', target: '/data', purpose: 'synced files' },
  ],
  healthcheck: {
    test: ['CMD-SHELL', 'rclone rc --url http://127.0.0.1:5572/ --user "$$RCLONE_RC_USER" --pass "$$RCLONE_RC_PASS" rc/noop >/dev/null'],
    expects: 'rc/noop succeeds with the configured credentials',
  },
  hardening: { readOnlyRootFs: true, tmpfs: ['/tmp'] },
  exposure: 'never-route',
  sources: ['https://rclone.org/rc/', 'https://rclone.org/commands/rclone_rcd/', 'https://rclone.org/docs/#environment-variables', 'https://github.com/rclone/rclone/blob/v1.75.0/Dockerfile'],
});
