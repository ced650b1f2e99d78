#!/bin/sh
# Starts a Redis node. The master is whatever Sentinel says it is; with no Sentinel answering (a fresh
# set) the seed node (ordinal 0) starts as master and every other node replicates from it. Runtime
# settings (announce address, password, replicaof) go to a private include file, not the ConfigMap.
# Environment: ANNOUNCE_HOST, SEED_HOST, MASTER_SET, SENTINEL_ADDRS ("host:port ..."), REDIS_PASSWORD,
#   REDIS_ADMIN_PASSWORD, REDIS_APP_USER, REDIS_GATEWAY_USER/PASSWORD, REDIS_HAPROXY_PASSWORD (ACL users,
#   redis-lib.sh), REDIS_PORT (6379), SEED_PORT
#   (REDIS_PORT), REDIS_CONF, REDIS_USERS (the users file), RUNTIME_DIR.
set -eu
. "$(dirname "$0")/redis-lib.sh"
REDIS_CONF=${REDIS_CONF:-/etc/redis/redis.conf}
REDIS_USERS=${REDIS_USERS:-/etc/redis/redis-users.acl}
RUNTIME_DIR=${RUNTIME_DIR:-/run/redis}
REDIS_PORT=${REDIS_PORT:-6379}
SEED_PORT=${SEED_PORT:-$REDIS_PORT}
: "${ANNOUNCE_HOST:?ANNOUNCE_HOST is required}" "${SEED_HOST:?SEED_HOST is required}" "${MASTER_SET:?MASTER_SET is required}"

if master=$(current_master); then
  log "Sentinel reports master $master"
else
  master="$SEED_HOST $SEED_PORT"
  log "no Sentinel answered: seed master is $master"
fi
set -- $master

umask 077
mkdir -p "$RUNTIME_DIR"
{
  echo "replica-announce-ip $ANNOUNCE_HOST"
  echo "replica-announce-port $REDIS_PORT"
  if [ -n "${REDIS_ADMIN_PASSWORD:-}" ]; then
    users_conf "$REDIS_USERS"
    echo "masteruser replication"
    echo "masterauth $(conf_quote "$REDIS_ADMIN_PASSWORD")"
  fi
  if [ "$1" = "$ANNOUNCE_HOST" ] && [ "$2" = "$REDIS_PORT" ]; then
    log "starting as master"
  else
    log "starting as a replica of $1:$2"
    echo "replicaof $1 $2"
  fi
} >"$RUNTIME_DIR/runtime.conf"
exec redis-server "$REDIS_CONF" --include "$RUNTIME_DIR/runtime.conf"
