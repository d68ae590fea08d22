#!/usr/bin/env bash
# Removes what moat labs left behind after a crash: the processes a lab started
# (by the PIDs it recorded), its network namespaces (moat-lab-<id>-*), its
# files. Without arguments it removes every lab whose owner process is gone
# (a lab in use by another test run is left alone); with ids, those labs.
# Only things named moat-lab-* are touched. Idempotent; run as root.
set -euo pipefail

alive() { [ -n "$1" ] && [ -e "/proc/$1" ]; }

clean_lab() {
  local id="$1" dir="/tmp/moat-lab-$1"
  if [ -f "$dir/pids" ]; then
    for sig in TERM KILL; do
      while read -r pid _name; do
        # Only a process that still runs in one of this lab's namespaces is ours.
        if alive "$pid" && ip netns identify "$pid" 2>/dev/null | grep -q "^moat-lab-$id-"; then
          kill "-$sig" "$pid" 2>/dev/null || true
        fi
      done <"$dir/pids"
      sleep 0.3
    done
  fi
  for ns in $(ip netns list | awk '{print $1}' | grep "^moat-lab-$id-" || true); do
    ip netns delete "$ns"
  done
  rm -rf "/etc/netns/moat-lab-$id-"* "$dir"
  rm -f "/var/run/wireguard/moat-${id}h.sock" "/var/run/wireguard/moat-${id}p.sock"
}

if [ "$#" -gt 0 ]; then
  for id in "$@"; do clean_lab "$id"; done
  exit 0
fi

# Labs with a directory: removed when their owner is gone.
for dir in /tmp/moat-lab-*; do
  [ -d "$dir" ] || continue
  id="${dir#/tmp/moat-lab-}"
  owner="$(cat "$dir/owner" 2>/dev/null || true)"
  alive "$owner" || clean_lab "$id"
done
# Namespaces whose lab directory is gone belong to nobody.
for ns in $(ip netns list | awk '{print $1}' | grep '^moat-lab-' || true); do
  id="$(echo "$ns" | sed -E 's/^moat-lab-([^-]+)-.*/\1/')"
  [ -d "/tmp/moat-lab-$id" ] || ip netns delete "$ns"
done
for d in /etc/netns/moat-lab-*; do
  [ -d "$d" ] || continue
  id="$(basename "$d" | sed -E 's/^moat-lab-([^-]+)-.*/\1/')"
  [ -d "/tmp/moat-lab-$id" ] || rm -rf "$d"
done
