import { defineService } from './define.js';

/** rclone's rc password: the Drive sync's, and the console's (one definition, so both read one value). */
export const RCLONE_RC_PASS_SECRET = {
  name: 'RCLONE_RC_PASS',
  env: 'RCLONE_RC_PASS',
  policy: 'rotatable',
  generate: { bytes: 24, encoding: 'hex' },
  why: 'authenticates calls to the remote-control API',
} as const;

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
// moat drives it over this API (src/deploy/drive): `moat drive connect` creates
// the Drive remote with `config/create` (the credential in the call's body,
// never in compose), `moat drive sync` runs `sync/sync` into /data as an rc job
// (rcd has no scheduler: the bundle's host/moat-drive-sync.timer calls it), and
// the knowledge step reads the synced files back through the same API:
// --rc-serve serves any remote or local path at GET /[fs]/path behind the same
// basic auth (rclone.org/rc/ "--rc-serve"). It grants nothing the credentials
// did not already: an rc user can copy any path anywhere with sync/copy.
// Sources: https://rclone.org/rc/, https://rclone.org/commands/rclone_rcd/, https://rclone.org/drive/,
// https://github.com/rclone/rclone/blob/v1.75.0/Dockerfile
export const gdrive = defineService({
  name: 'gdrive',
  title: 'Google Drive sync',
  description: 'rclone remote-control daemon for Google Drive sync (remote: `moat drive connect`; schedule: the host timer)',
  origin: 'reference',
  image: 'rclone/rclone:1.75.0',
  address: '172.20.0.60',
  ports: [{ port: 5572, protocol: 'tcp', purpose: 'rclone remote-control API (rcd; authenticated)' }],
  command: ['rcd', '--rc-addr=0.0.0.0:5572', '--rc-serve', '--config=/config/rclone/rclone.conf'],
  env: { RCLONE_RC_USER: 'moat', RCLONE_CACHE_DIR: '/tmp/rclone' },
  secrets: [RCLONE_RC_PASS_SECRET],
  volumes: [
    { name: 'gdrive-config', target: '/config/rclone', purpose: 'rclone.conf with the Drive OAuth token (writable: rclone refreshes the token)' },
    { name: 'gdrive-data', target: '/data', purpose: 'synced Drive files (read by `moat knowledge sync`)' },
  ],
  healthcheck: {
    test: ['CMD-SHELL', 'rclone rc --url http://127.0.0.1:5572/ --user "$$RCLONE_RC_USER" --pass "$$RCLONE_RC_PASS" rc/noop >/dev/null'],
    expects: 'rc/noop succeeds with the configured credentials',
  },
  hardening: { readOnlyRootFs: true, tmpfs: ['/tmp'] },
  exposure: 'never-route',
  sources: [
    'https://rclone.org/rc/',
    'https://rclone.org/commands/rclone_rcd/',
    'https://rclone.org/docs/#environment-variables',
    'https://github.com/rclone/rclone/blob/v1.75.0/Dockerfile',
  ],
});
