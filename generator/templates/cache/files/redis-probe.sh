#!/bin/sh
# Health probes. `redis-probe.sh live`: Redis answers (PONG, or LOADING while it reads its data).
# `redis-probe.sh ready`: PONG, and a replica's link to its master is up. `redis-probe.sh sentinel`:
# Sentinel answers PONG. Ports: REDIS_PORT (6379), SENTINEL_PORT (26379).
set -eu
. "$(dirname "$0")/redis-lib.sh"
case "${1:-}" in
  live)
    out=$(timeout 3 $CLI -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping 2>&1 || true)
    case "$out" in PONG | LOADING*) exit 0 ;; *) echo "redis: $out" >&2; exit 1 ;; esac
    ;;
  ready)
    out=$(timeout 3 $CLI -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping 2>&1 || true)
    [ "$out" = PONG ] || { echo "redis: $out" >&2; exit 1; }
    info=$(timeout 3 $CLI -h 127.0.0.1 -p "${REDIS_PORT:-6379}" info replication | tr -d '\r')
    if printf '%s\n' "$info" | grep -q '^role:slave'; then
      printf '%s\n' "$info" | grep -q '^master_link_status:up' || { echo "redis: replica link to the master is down" >&2; exit 1; }
    fi
    ;;
  sentinel)
    out=$(timeout 3 $CLI -h 127.0.0.1 -p "${SENTINEL_PORT:-26379}" ping 2>&1 || true)
    [ "$out" = PONG ] || { echo "sentinel: $out" >&2; exit 1; }
    ;;
  *) echo "usage: redis-probe.sh live|ready|sentinel" >&2; exit 2 ;;
esac
