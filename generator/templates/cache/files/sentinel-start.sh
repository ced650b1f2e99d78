#!/bin/sh
# Starts Sentinel from the ConfigMap's sentinel.conf (copied: Sentinel rewrites its config file).
# It monitors the master the other Sentinels report, else the master of the local Redis node.
# Environment: ANNOUNCE_HOST, MASTER_SET, SENTINEL_ADDRS, REDIS_PASSWORD, REDIS_ADMIN_PASSWORD,
#   REDIS_APP_USER (ACL users, redis-lib.sh), REDIS_PORT (6379), SENTINEL_PORT (26379), SENTINEL_CONF,
#   SENTINEL_USERS (the users file), RUNTIME_DIR.
set -eu
. "$(dirname "$0")/redis-lib.sh"
SENTINEL_CONF=${SENTINEL_CONF:-/etc/redis/sentinel.conf}
SENTINEL_USERS=${SENTINEL_USERS:-/etc/redis/sentinel-users.acl}
RUNTIME_DIR=${RUNTIME_DIR:-/run/sentinel}
REDIS_PORT=${REDIS_PORT:-6379}
SENTINEL_PORT=${SENTINEL_PORT:-26379}
: "${ANNOUNCE_HOST:?ANNOUNCE_HOST is required}" "${MASTER_SET:?MASTER_SET is required}"

if ! master=$(current_master); then
  tries=0
  until [ "$(timeout 3 $CLI -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || { log "ERROR: the local Redis on port $REDIS_PORT never answered"; exit 1; }
    sleep 1
  done
  info=$(timeout 3 $CLI -h 127.0.0.1 -p "$REDIS_PORT" info replication | tr -d '\r')
  if printf '%s\n' "$info" | grep -q '^role:slave'; then
    master="$(printf '%s\n' "$info" | sed -n 's/^master_host://p') $(printf '%s\n' "$info" | sed -n 's/^master_port://p')"
  else
    master="$ANNOUNCE_HOST $REDIS_PORT"
  fi
fi
set -- $master
log "monitoring $MASTER_SET at $1:$2"

umask 077
mkdir -p "$RUNTIME_DIR"
conf="$RUNTIME_DIR/sentinel.conf"
sed -e "s/^sentinel monitor $MASTER_SET [^ ]* [0-9]* /sentinel monitor $MASTER_SET $1 $2 /" "$SENTINEL_CONF" >"$conf"
{
  echo "sentinel announce-ip $ANNOUNCE_HOST"
  echo "sentinel announce-port $SENTINEL_PORT"
  if [ -n "${REDIS_ADMIN_PASSWORD:-}" ]; then
    # Sentinel logs in to Redis as `sentinel`, to the other Sentinels as `admin`.
    echo "sentinel auth-user $MASTER_SET sentinel"
    echo "sentinel auth-pass $MASTER_SET $(conf_quote "$REDIS_ADMIN_PASSWORD")"
    echo "sentinel sentinel-user admin"
    echo "sentinel sentinel-pass $(conf_quote "$REDIS_ADMIN_PASSWORD")"
    users_conf "$SENTINEL_USERS"
  fi
} >>"$conf"
exec redis-sentinel "$conf"
