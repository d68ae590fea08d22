import type { UpstreamFacts } from './types.js';

// rclone v1.75.0 (tag 2026-07-31). Dockerfile final stage: alpine:latest
// (busybox sh) with ca-certificates, fuse3, tzdata and /usr/local/bin/rclone;
// a user rclone (uid 1009) is created but no USER (root); `ENTRYPOINT [
// "rclone" ]`, `WORKDIR /data`, `ENV XDG_CONFIG_HOME=/config`. Config:
// fs/config/config.go ($RCLONE_CONFIG, else $XDG_CONFIG_HOME/rclone/rclone.conf).
// The default cache dir is ~/.cache/rclone (RCLONE_CACHE_DIR / --cache-dir
// moves it). Every flag has an RCLONE_<FLAG> env twin: --rc-user/--rc-pass
// (lib/http/auth.go, prefix "rc-") are RCLONE_RC_USER/RCLONE_RC_PASS.
export const RCLONE_FACTS: UpstreamFacts = {
  image: 'rclone/rclone',
  version: '1.75.0',
  released: '2026-07-31',
  entrypoint: ['rclone'],
  user: 'root',
  writablePaths: ['/config/rclone', '/root/.cache/rclone'],
  binaries: ['sh', 'rclone', 'wget'],
  envRead: [
    'RCLONE_RC_USER',
    'RCLONE_RC_PASS',
    'RCLONE_RC_ADDR',
    'RCLONE_RC_HTPASSWD',
    'RCLONE_RC_NO_AUTH',
    'RCLONE_CONFIG',
    'RCLONE_CACHE_DIR',
    'RCLONE_CONFIG_PASS',
    'XDG_CONFIG_HOME',
    'XDG_CACHE_HOME',
  ],
  sources: [
    'https://github.com/rclone/rclone/blob/v1.75.0/Dockerfile',
    'https://github.com/rclone/rclone/blob/v1.75.0/fs/config/config.go',
    'https://github.com/rclone/rclone/blob/v1.75.0/lib/http/auth.go',
    'https://github.com/rclone/rclone/blob/v1.75.0/fs/rc/rc.go',
    'https://rclone.org/docs/#environment-variables',
  ],
};

// The rc calls moat makes (src/deploy/drive), at v1.75.0 and in Debian's
// 1.60.1 (which the tests run): POST /<path> with a JSON body, basic auth.
// config/create {name, type, parameters, opt: {nonInteractive}} (fs/config/rc.go);
// sync/sync and sync/copy {srcFs, dstFs, _async: true} → {jobid} (fs/sync/rc.go,
// fs/rc/jobs/job.go); job/status {jobid} → {finished, success, error, duration};
// core/stats {group: "job/<id>"} → {bytes, totalBytes, transfers, totalTransfers,
// checks, deletes, errors, lastError, eta} (fs/accounting/stats.go);
// operations/list {fs, remote, opt: {recurse, filesOnly, showHash, hashTypes}}
// (fs/operations/rc.go); operations/size {fs} → {count, bytes}; --rc-serve
// serves GET /[fs]/path (fs/rc/rcserver/rcserver.go serveRemote).
// Finished jobs are kept for --rc-job-expire-duration (60 s).
export const RCLONE_RC = {
  version: '1.75.0',
  calls: [
    'config/create',
    'config/delete',
    'config/listremotes',
    'sync/sync',
    'sync/copy',
    'job/status',
    'job/list',
    'core/stats',
    'operations/list',
    'operations/size',
  ],
  serveFlag: '--rc-serve',
  jobExpireSeconds: 60,
  sources: [
    'https://rclone.org/rc/',
    'https://github.com/rclone/rclone/blob/v1.75.0/fs/config/rc.go',
    'https://github.com/rclone/rclone/blob/v1.75.0/fs/rc/jobs/job.go',
    'https://github.com/rclone/rclone/blob/v1.75.0/fs/accounting/stats.go',
    'https://github.com/rclone/rclone/blob/v1.75.0/fs/operations/rc.go',
    'https://github.com/rclone/rclone/blob/v1.75.0/fs/rc/rcserver/rcserver.go',
  ],
} as const;
