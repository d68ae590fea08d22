#!/usr/bin/env bash
# Installs everything moat's tests need on a clean Debian 12 machine (run as root):
# the Debian packages in scripts/debian-packages.txt and the npm dependencies,
# then checks that every command the tests, the lab and the benchmarks call is
# on PATH, so a package that stops shipping a tool fails here, loudly, not as a
# confusing test error. Idempotent: it installs only what is missing.
# Verified on a debootstrap --variant=minbase bookworm root with only Node 20 added.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian keeps ip, nft, iptables, nginx, squid and sysctl in sbin; some non-login environments drop it.
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin:/sbin" ;; esac

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/debian-packages.txt | grep -v '^$')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run this script as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 3
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Recommends are skipped on purpose: every package the tests need is listed by name.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# command:package for every tool the tests, the lab and the benchmarks run.
tools=(
  ip:iproute2 nft:nftables iptables:iptables iptables-nft:iptables ip6tables-nft:iptables
  iptables-restore:iptables nginx:nginx-light podman:podman runc:runc docker-compose:docker-compose
  busybox:busybox-static wireguard-go:wireguard-go wg:wireguard-tools nmap:nmap caddy:caddy wrk:wrk
  shellcheck:shellcheck openssl:openssl curl:curl squid:squid sysctl:procps
  prlimit:util-linux findmnt:util-linux umount:mount tar:tar ldd:libc-bin bash:bash
  chromium:chromium redis-server:redis-server rclone:rclone setpriv:util-linux flock:util-linux
  g++:g++ make:make python3:python3 hyperfine:hyperfine
)
absent=()
for entry in "${tools[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || absent+=("${entry%%:*} (${entry#*:})")
done
# podman finds its network backend outside PATH.
[ -x /usr/lib/podman/netavark ] || absent+=("/usr/lib/podman/netavark (netavark)")
if [ ${#absent[@]} -gt 0 ]; then
  echo "setup: commands the tests need are missing: ${absent[*]}; add the package to scripts/debian-packages.txt" >&2
  exit 4
fi

# The packaged nginx starts a system-wide server on install where systemd runs; the tests run their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi

command -v npm >/dev/null 2>&1 || { echo "setup: Node.js 20 with npm is required (the machine provides it)" >&2; exit 5; }
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The real apps the app tests run (test/apps), from the npm registry into a
# cache outside the clone keyed by version: minutes on a fresh machine, nothing
# on a rerun. Their native modules (n8n's sqlite3) build with g++, make, python3.
./scripts/install-test-apps.sh
