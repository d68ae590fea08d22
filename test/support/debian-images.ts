// Stand-ins for the official postgres:15 and redis:7 images, for the engine
// tests: images cannot be pulled here, so these are built from Debian's own
// packages on this machine (postgresql-15, redis-server): the binaries, the
// libraries `ldd` names for them, a static busybox for sh/tar/grep, and an
// /etc with the image's users. They behave like the official images only
// where moat relies on it (src/catalog/dify-backing.ts):
// - postgres: ENTRYPOINT docker-entrypoint.sh with CMD `postgres ...`; as root
//   it makes PGDATA the postgres user's and steps down (busybox su, for gosu);
//   on an empty PGDATA it runs initdb with POSTGRES_USER/POSTGRES_PASSWORD,
//   trusts local sockets, asks scram-sha-256 over TCP, listens on '*' and
//   creates POSTGRES_DB; PGDATA=/var/lib/postgresql/data, the bin dir on PATH
//   (pg_isready for the health check, psql/pg_dump/pg_restore for moat's
//   exec), STOPSIGNAL SIGINT, uid/gid 999. Locale-free: initdb --locale=C
//   (the official image uses en_US.utf8; nothing moat does depends on it).
// - redis: redis-server and redis-cli on PATH, WORKDIR /data owned by
//   999:1000 (the user the catalog runs it as), no config file (so `dir` is
//   /data and the default save points hold), busybox sh for the catalog's
//   `sh -c 'exec redis-server --requirepass ...'` and its health check.
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { PodmanHarness } from './podman.js';

export const POSTGRES_IMAGE = 'localhost/moat-postgres:15';
export const REDIS_IMAGE = 'localhost/moat-redis:7';

const PG_LIB = '/usr/lib/postgresql/15';
const PG_SHARE = '/usr/share/postgresql/15';
/** The binaries an image cannot do without: a library `ldd` cannot find for one of these fails the build. */
const PG_NEEDED = ['postgres', 'initdb', 'pg_ctl', 'psql', 'pg_dump', 'pg_restore', 'pg_isready'];

/** The official image's entrypoint, reduced to what moat relies on (docker-library/postgres docker-entrypoint.sh). */
export const PG_ENTRYPOINT = `#!/bin/sh
# Stand-in for the official postgres image's docker-entrypoint.sh (test/support/debian-images.ts).
set -e
case "$1" in -*) set -- postgres "$@" ;; esac
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  # Options before \`--\`: busybox su would take a \`-c\` of postgres's own arguments for its command.
  exec su -p -s /bin/sh -c 'exec "$0" "$@"' -- postgres "$0" "$@"
fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$POSTGRES_PASSWORD" ]; then echo "Error: POSTGRES_PASSWORD is not set" >&2; exit 1; fi
  user="\${POSTGRES_USER:-postgres}"
  pwfile="$(mktemp)"
  printf '%s\\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  printf '\\nhost all all all scram-sha-256\\n' >> "$PGDATA/pg_hba.conf"
  printf "\\nlisten_addresses = '*'\\n" >> "$PGDATA/postgresql.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  db="\${POSTGRES_DB:-$user}"
  if [ "$db" != postgres ]; then psql -X -q -v ON_ERROR_STOP=1 -U "$user" -d postgres -c "CREATE DATABASE \\"$db\\""; fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
`;

/** Fails loudly (never skips) when the Debian package an image is built from is missing. */
function requirePaths(paths: readonly string[]): void {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0)
    throw new Error(
      `the stand-in images need ${missing.join(', ')}: run ./scripts/setup-test-host.sh as root (postgresql, redis-server in scripts/debian-packages.txt)`,
    );
}

async function run(file: string, args: readonly string[]): Promise<string> {
  const r = await execa(file, args, { reject: false });
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** The shared base: a static busybox with its applets in /bin, /tmp, and /etc with these users. */
async function baseRootfs(rootfs: string, passwd: string, group: string): Promise<void> {
  await rm(rootfs, { recursive: true, force: true });
  for (const d of ['bin', 'etc', 'tmp', 'usr/bin', 'usr/local/bin']) await mkdir(join(rootfs, d), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  const busybox = (await run('sh', ['-c', 'command -v busybox'])).trim();
  await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
  await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
  for (const applet of (await run(busybox, ['--list'])).split('\n').map((a) => a.trim())) {
    if (applet && applet !== 'busybox') await symlink('busybox', join(rootfs, 'bin', applet));
  }
  await writeFile(join(rootfs, 'etc', 'passwd'), passwd);
  await writeFile(join(rootfs, 'etc', 'group'), group);
  await writeFile(join(rootfs, 'etc', 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
  await writeFile(join(rootfs, 'etc', 'hosts'), '127.0.0.1 localhost\n');
}

/** Copies into the rootfs, at the same paths, every library `ldd` names for these files. */
async function copyLibraries(rootfs: string, files: readonly string[], needed: ReadonlySet<string>): Promise<void> {
  const libraries = new Set<string>();
  for (const file of files) {
    const ldd = await execa('ldd', [file], { reject: false });
    if (ldd.exitCode !== 0) continue; // not a dynamic ELF (a script, a data file)
    for (const line of ldd.stdout.split('\n')) {
      if (/=> not found/.test(line)) {
        if (needed.has(file)) throw new Error(`ldd ${file}: ${line.trim()}`);
        continue;
      }
      const path = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
      if (path) libraries.add(path);
    }
  }
  for (const library of libraries) {
    await mkdir(join(rootfs, dirname(library)), { recursive: true });
    await copyFile(library, join(rootfs, library));
  }
}

async function importImage(harness: PodmanHarness, rootfs: string, image: string, changes: readonly string[]): Promise<void> {
  const tar = `${rootfs}.tar`;
  await run('tar', ['-C', rootfs, '--numeric-owner', '-cf', tar, '.']);
  await harness.podman(['import', ...changes.flatMap((c) => ['--change', c]), tar, image]);
  await rm(tar, { force: true });
  await rm(rootfs, { recursive: true, force: true });
}

export async function buildPostgresImage(harness: PodmanHarness): Promise<void> {
  requirePaths([PG_LIB, PG_SHARE, '/usr/share/zoneinfo']);
  const rootfs = join(harness.dir, 'postgres-rootfs');
  await baseRootfs(rootfs, 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n', 'root:x:0:\npostgres:x:999:\n');
  await mkdir(join(rootfs, 'usr/lib/postgresql'), { recursive: true });
  await mkdir(join(rootfs, 'usr/share/postgresql'), { recursive: true });
  await run('cp', ['-a', PG_LIB, join(rootfs, 'usr/lib/postgresql/')]);
  await run('cp', ['-a', PG_SHARE, join(rootfs, 'usr/share/postgresql/')]);
  // JIT needs LLVM (hundreds of MB); without its provider PostgreSQL runs without JIT.
  await rm(join(rootfs, PG_LIB, 'lib', 'bitcode'), { recursive: true, force: true });
  await rm(join(rootfs, PG_LIB, 'lib', 'llvmjit.so'), { force: true });
  await rm(join(rootfs, PG_LIB, 'lib', 'llvmjit_types.bc'), { force: true });
  await run('cp', ['-a', '/usr/share/zoneinfo', join(rootfs, 'usr/share/')]);
  const elves = (await run('find', [join(rootfs, PG_LIB), '-type', 'f', '(', '-path', '*/bin/*', '-o', '-name', '*.so', ')']))
    .split('\n')
    .filter((f) => f !== '')
    .map((f) => f.slice(rootfs.length));
  await copyLibraries(rootfs, elves, new Set(PG_NEEDED.map((b) => `${PG_LIB}/bin/${b}`)));
  for (const dir of ['var/lib/postgresql/data', 'var/run/postgresql']) {
    await mkdir(join(rootfs, dir), { recursive: true });
    await chown(join(rootfs, dir), 999, 999);
  }
  await chmod(join(rootfs, 'var/lib/postgresql/data'), 0o1777);
  await chmod(join(rootfs, 'var/run/postgresql'), 0o2777);
  await writeFile(join(rootfs, 'usr/local/bin/docker-entrypoint.sh'), PG_ENTRYPOINT, { mode: 0o755 });
  await importImage(harness, rootfs, POSTGRES_IMAGE, [
    `ENV PATH=${PG_LIB}/bin:/usr/local/bin:/usr/bin:/bin`,
    'ENV PGDATA=/var/lib/postgresql/data',
    'ENV TZ=UTC',
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    'CMD ["postgres"]',
    'STOPSIGNAL SIGINT',
    'VOLUME /var/lib/postgresql/data',
  ]);
}

export async function buildRedisImage(harness: PodmanHarness): Promise<void> {
  requirePaths(['/usr/bin/redis-check-rdb', '/usr/bin/redis-cli']);
  const rootfs = join(harness.dir, 'redis-rootfs');
  await baseRootfs(rootfs, 'root:x:0:0:root:/root:/bin/sh\nredis:x:999:1000:Redis:/data:/bin/sh\n', 'root:x:0:\nredis:x:1000:\n');
  // /usr/bin/redis-server is a symlink to redis-check-rdb: one binary that picks its part by the name it runs under.
  await copyFile('/usr/bin/redis-check-rdb', join(rootfs, 'usr/bin/redis-server'));
  await copyFile('/usr/bin/redis-cli', join(rootfs, 'usr/bin/redis-cli'));
  await chmod(join(rootfs, 'usr/bin/redis-server'), 0o755);
  await chmod(join(rootfs, 'usr/bin/redis-cli'), 0o755);
  const needed = new Set(['/usr/bin/redis-check-rdb', '/usr/bin/redis-cli']);
  await copyLibraries(rootfs, [...needed], needed);
  await mkdir(join(rootfs, 'data'));
  await chown(join(rootfs, 'data'), 999, 1000);
  await importImage(harness, rootfs, REDIS_IMAGE, ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'WORKDIR /data', 'CMD ["redis-server"]', 'VOLUME /data']);
}

/** Both stand-ins, into the harness's private podman. */
export async function buildDebianImages(harness: PodmanHarness): Promise<void> {
  await buildPostgresImage(harness);
  await buildRedisImage(harness);
}
