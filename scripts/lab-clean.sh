#!/usr/bin/env bash
# Removes whatever a moat lab left behind after a crash: the processes it
# started (by the PIDs it recorded), its network namespaces, its files.
# Only things named moat-lab-* are touched. Idempotent; run as root.
set -euo pipefail

for pidfile in /tmp/moat-lab-*/pids; do
  [ -f "$pidfile" ] || continue
  while read -r pid _name; do
    # Only a process that still runs in a lab namespace is ours.
    if [ -n "$pid" ] && [ -e "/proc/$pid" ] && ip netns identify "$pid" 2>/dev/null | grep -q '^moat-lab-'; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done <"$pidfile"
done
sleep 0.5
for pidfile in /tmp/moat-lab-*/pids; do
  [ -f "$pidfile" ] || continue
  while read -r pid _name; do
    if [ -n "$pid" ] && [ -e "/proc/$pid" ] && ip netns identify "$pid" 2>/dev/null | grep -q '^moat-lab-'; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done <"$pidfile"
done

for ns in $(ip netns list | awk '{print $1}' | grep '^moat-lab-' || true); do
  ip netns delete "$ns"
done
rm -rf /etc/netns/moat-lab-* /tmp/moat-lab-*
rm -f /var/run/wireguard/tailscale0.sock /var/run/wireguard/moat-wg0.sock
