#!/usr/bin/env bash
# Shows that the unit tier needs no root and none of the real tools: as root,
# copies the committed tree (and shared/ beside it, as CI lays it out) into a
# fresh directory owned by `nobody`, then runs `npm run test:unit` there as
# nobody with PATH=/usr/bin:/bin (no sbin: no nginx, nft, iptables, ip).
# node_modules is the clone's own, shared read-only (vitest's --configLoader
# runner writes nothing into it). Removes the copy, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "test-unit-nonroot: run as root (it switches to nobody)" >&2; exit 3; }
[ -d node_modules ] || { echo "test-unit-nonroot: run npm ci first" >&2; exit 3; }
[ -d ../shared ] || { echo "test-unit-nonroot: ../shared (the reference) is missing beside the clone" >&2; exit 3; }
work=$(mktemp -d /tmp/moat-nonroot-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/clone"
# The committed tree plus uncommitted changes to tracked files, nothing ignored or generated.
git ls-files -z --cached --others --exclude-standard | tar --null -T - -c | tar -x -C "$work/clone"
cp -r ../shared "$work/shared"
ln -s "$PWD/node_modules" "$work/clone/node_modules"
chown -R nobody "$work"
chmod 755 "$work"
su nobody -s /bin/bash -c "cd '$work/clone' && env -i HOME='$work' PATH=/usr/bin:/bin npm_config_update_notifier=false npm run test:unit"
