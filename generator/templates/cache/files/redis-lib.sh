#!/bin/sh
# Shared functions of the Redis/Sentinel scripts (sourced). With auth on, every node runs ACL users
# (users.acl: rules only; the names of the Secret's users and every password are added here):
#   default        off: nothing is reachable without a user name;
#   admin          these scripts (probes, preStop, start), the rotation hooks, Sentinel to Sentinel;
#   replication    replicas to their master (masteruser);
#   sentinel       Sentinel to Redis (auth-user), the commands Sentinel sends and nothing else;
#   exporter       redis_exporter, read-only server state;
#   haproxy        the master-only endpoint's role check (INFO replication), with its own password
#                  (REDIS_HAPROXY_PASSWORD), while that endpoint runs;
#   @application   REDIS_APP_USER, the application: its own password (REDIS_PASSWORD), dangerous
#                  commands denied;
#   @gateway       REDIS_GATEWAY_USER, Kong's rate-limiting counters (REDIS_GATEWAY_PASSWORD), only when
#                  the Secret holds it; Redis nodes only.
# The internal users share REDIS_ADMIN_PASSWORD, a Secret key the application never reads.
# redis-cli reads the password from REDISCLI_AUTH, so it never appears in a process list; $CLI is
# redis-cli as the admin user.

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2; }
# With TLS (REDIS_TLS_DIR holds tls.crt, tls.key, ca.crt; a path without spaces) every redis-cli call goes
# over TLS, checks the server's chain against the CA and presents the node's certificate (which
# `tls-auth-clients yes` requires). redis-cli does not check the host name; the chain is what proves the
# peer is one of the cache's nodes. $CLI carries these flags (and the admin user): use it unquoted.
REDIS_CLI_TLS=
if [ -n "${REDIS_TLS_DIR:-}" ]; then
  REDIS_CLI_TLS="--tls --cacert $REDIS_TLS_DIR/ca.crt --cert $REDIS_TLS_DIR/tls.crt --key $REDIS_TLS_DIR/tls.key"
fi
CLI="redis-cli $REDIS_CLI_TLS"
if [ -n "${REDIS_ADMIN_PASSWORD:-}" ]; then
  export REDISCLI_AUTH="$REDIS_ADMIN_PASSWORD"
  CLI="redis-cli $REDIS_CLI_TLS --user admin"
fi

# acl_hash PASSWORD: the SHA-256 hex form ACL rules take (`#<hash>`), so no password is written to a file.
acl_hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# user_name NAME: exits unless NAME (from the Secret) can be an ACL user of its own.
user_name() {
  case "$1" in
    default | admin | replication | sentinel | exporter | haproxy) log "ERROR: the Secret names the user \`$1\`, one of the chart's own users; choose another name"; exit 1 ;;
    *[!A-Za-z0-9_.-]* | '') log "ERROR: the Secret's user name \`$1\` is not an ACL user name (letters, digits, _ . -)"; exit 1 ;;
  esac
}

# users_conf FILE: the `user` lines of FILE with the Secret's user names in place of @application and
# @gateway and each user's password hash appended; @gateway is left out unless the Secret has that user.
users_conf() {
  : "${REDIS_ADMIN_PASSWORD:?REDIS_ADMIN_PASSWORD is required with ACL users}" "${REDIS_APP_USER:?REDIS_APP_USER is required with ACL users}" "${REDIS_PASSWORD:?REDIS_PASSWORD is required with ACL users}"
  user_name "$REDIS_APP_USER"
  if [ -n "${REDIS_GATEWAY_USER:-}" ]; then
    user_name "$REDIS_GATEWAY_USER"
    [ "$REDIS_GATEWAY_USER" != "$REDIS_APP_USER" ] || { log "ERROR: the gateway and the application need different user names"; exit 1; }
    : "${REDIS_GATEWAY_PASSWORD:?the Secret names a gateway user but holds no password for it}"
  fi
  while read -r keyword name rules; do
    [ "$keyword" = user ] || continue
    case "$name" in
      default) echo "user default $rules" ;;
      @application) echo "user $REDIS_APP_USER $rules #$(acl_hash "$REDIS_PASSWORD")" ;;
      @gateway) if [ -n "${REDIS_GATEWAY_USER:-}" ]; then echo "user $REDIS_GATEWAY_USER $rules #$(acl_hash "$REDIS_GATEWAY_PASSWORD")"; fi ;;
      haproxy) echo "user haproxy $rules #$(acl_hash "${REDIS_HAPROXY_PASSWORD:?REDIS_HAPROXY_PASSWORD is required for the master endpoint's user}")" ;;
      *) echo "user $name $rules #$(acl_hash "$REDIS_ADMIN_PASSWORD")" ;;
    esac
  done <"$1"
}

# A value as a double-quoted redis.conf string.
conf_quote() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

# current_master: "host port" of MASTER_SET as the first reachable Sentinel of SENTINEL_ADDRS sees it.
current_master() {
  for addr in ${SENTINEL_ADDRS:-}; do
    answer=$(timeout 3 $CLI --raw -h "${addr%:*}" -p "${addr##*:}" SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null) || continue
    set -- $answer
    if [ $# -eq 2 ] && [ "$2" -gt 0 ] 2>/dev/null; then
      echo "$1 $2"
      return 0
    fi
  done
  return 1
}
