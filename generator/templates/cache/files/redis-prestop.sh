#!/bin/sh
# preStop of a Redis node. When this node is the master, hand the role to a replica under control before
# the container stops, rather than leaving clients on a dead master until Sentinel notices it
# (down-after-milliseconds) and fails over on its own:
#   1. wait (at most 10 s) until every connected replica has received every write;
#   2. ask one of the OTHER Sentinels for `SENTINEL FAILOVER` (this pod's Sentinel stops with it);
#   3. wait until Sentinel has turned this node into a replica of the new master (it then disconnects
#      the clients, which ask Sentinel again), at most FAILOVER_WAIT seconds (default 40, inside the
#      pod's termination grace period).
# A replica, a node without Sentinel, or a master with no replica stops at once. Always exits 0: a
# failing preStop would only delay the stop.
# Environment: ANNOUNCE_HOST, MASTER_SET, SENTINEL_ADDRS, REDIS_PASSWORD, REDIS_PORT (6379),
#   SENTINEL_PORT (26379), FAILOVER_WAIT (40).
set -u
. "$(dirname "$0")/redis-lib.sh"
REDIS_PORT=${REDIS_PORT:-6379}
SENTINEL_PORT=${SENTINEL_PORT:-26379}
FAILOVER_WAIT=${FAILOVER_WAIT:-40}
local_cli() { timeout 5 $CLI --raw -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
replication() { local_cli info replication | tr -d '\r'; }

[ -n "${SENTINEL_ADDRS:-}" ] || { log "no Sentinel: nothing to hand over"; exit 0; }
master=$(current_master) || { log "no Sentinel answered: stopping without a failover"; exit 0; }
set -- $master
if [ "$1" != "$ANNOUNCE_HOST" ] || [ "$2" != "$REDIS_PORT" ]; then
  log "the master is $1:$2, not this node: nothing to hand over"
  exit 0
fi
if [ "$(replication | sed -n 's/^connected_slaves://p')" = 0 ]; then
  log "no connected replica: stopping as master"
  exit 0
fi

# 1. Replicas in step: each `slaveN:...,offset=N,...` line at the master's replication offset.
tries=0
while [ "$tries" -lt 20 ]; do
  info=$(replication)
  offset=$(printf '%s\n' "$info" | sed -n 's/^master_repl_offset://p')
  behind=$(printf '%s\n' "$info" | sed -n 's/^slave[0-9]*:.*offset=\([0-9]*\).*/\1/p' | awk -v m="$offset" '$1 < m' | wc -l)
  [ "$behind" -eq 0 ] && break
  tries=$((tries + 1))
  sleep 0.5
done
log "replication offset $offset; replicas behind it: $behind"

# 2. Ask another Sentinel.
asked=
for addr in $SENTINEL_ADDRS; do
  [ "$addr" = "$ANNOUNCE_HOST:$SENTINEL_PORT" ] && continue
  answer=$(timeout 5 $CLI --raw -h "${addr%:*}" -p "${addr##*:}" SENTINEL FAILOVER "$MASTER_SET" 2>&1) || continue
  if [ "$answer" = OK ]; then
    asked=$addr
    break
  fi
  log "Sentinel $addr refused the failover: $answer"
done
if [ -z "$asked" ]; then
  log "no Sentinel accepted the failover: stopping as master (Sentinel fails over once it sees this node down)"
  exit 0
fi
log "Sentinel $asked is failing $MASTER_SET over"

# 3. Until this node follows the new master.
deadline=$(($(date +%s) + FAILOVER_WAIT))
while [ "$(date +%s)" -lt "$deadline" ]; do
  info=$(replication)
  if printf '%s\n' "$info" | grep -q '^role:slave'; then
    log "handed over: now a replica of $(printf '%s\n' "$info" | sed -n 's/^master_host://p'):$(printf '%s\n' "$info" | sed -n 's/^master_port://p')"
    exit 0
  fi
  sleep 0.5
done
log "Sentinel did not finish the failover within ${FAILOVER_WAIT}s; stopping anyway"
exit 0
