#!/bin/sh
# Shared functions of the Redis/Sentinel scripts (sourced). The password comes from REDIS_PASSWORD
# (from the Secret); redis-cli reads it from REDISCLI_AUTH so it never appears in a process list.

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2; }
if [ -n "${REDIS_PASSWORD:-}" ]; then export REDISCLI_AUTH="$REDIS_PASSWORD"; fi

# A value as a double-quoted redis.conf string.
conf_quote() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

# current_master: "host port" of MASTER_SET as the first reachable Sentinel of SENTINEL_ADDRS sees it.
current_master() {
  for addr in ${SENTINEL_ADDRS:-}; do
    answer=$(timeout 3 redis-cli --raw -h "${addr%:*}" -p "${addr##*:}" SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null) || continue
    set -- $answer
    if [ $# -eq 2 ] && [ "$2" -gt 0 ] 2>/dev/null; then
      echo "$1 $2"
      return 0
    fi
  done
  return 1
}
