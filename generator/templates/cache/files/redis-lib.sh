#!/bin/sh
# Shared functions of the Redis/Sentinel scripts (sourced). The password comes from REDIS_PASSWORD
# (from the Secret); redis-cli reads it from REDISCLI_AUTH so it never appears in a process list.

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2; }
if [ -n "${REDIS_PASSWORD:-}" ]; then export REDISCLI_AUTH="$REDIS_PASSWORD"; fi
# With TLS (REDIS_TLS_DIR holds tls.crt, tls.key, ca.crt; a path without spaces) every redis-cli call goes
# over TLS, checks the server's chain against the CA and presents the node's certificate (which
# `tls-auth-clients yes` requires). redis-cli does not check the host name; the chain is what proves the
# peer is one of the cache's nodes. Use it unquoted: `redis-cli $REDIS_CLI_TLS ...`.
REDIS_CLI_TLS=
if [ -n "${REDIS_TLS_DIR:-}" ]; then
  REDIS_CLI_TLS="--tls --cacert $REDIS_TLS_DIR/ca.crt --cert $REDIS_TLS_DIR/tls.crt --key $REDIS_TLS_DIR/tls.key"
fi

# A value as a double-quoted redis.conf string.
conf_quote() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

# current_master: "host port" of MASTER_SET as the first reachable Sentinel of SENTINEL_ADDRS sees it.
current_master() {
  for addr in ${SENTINEL_ADDRS:-}; do
    answer=$(timeout 3 redis-cli $REDIS_CLI_TLS --raw -h "${addr%:*}" -p "${addr##*:}" SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null) || continue
    set -- $answer
    if [ $# -eq 2 ] && [ "$2" -gt 0 ] 2>/dev/null; then
      echo "$1 $2"
      return 0
    fi
  done
  return 1
}
