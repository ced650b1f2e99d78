#!/bin/sh
# Rotation of the application user's password on every Redis node and Sentinel (and of the gateway
# user's on every node), in two steps run by the rotation hook Jobs, so that no client is ever refused:
#   add     (pre-upgrade, before the application rolls): ACL SETUSER <user> >NEW. The user now has two
#           passwords: pods still running with the old one keep logging in, new pods use the new one.
#   finish  (post-upgrade): after ROTATION_GRACE seconds (the old pods drain), ACL SETUSER <user>
#           resetpass >NEW: only the new password remains and the old one is refused.
# Only these users change: replication (masteruser) and Sentinel (auth-user, sentinel-user) log in as
# their own users, so they keep working throughout. A node that restarts meanwhile reads the Secret
# again (new password only). The password reaches redis-cli on stdin (-x), never in argv.
# Environment: REDIS_NODES and SENTINEL_ADDRS ("host:port ..."), REDIS_APP_USER, REDIS_PASSWORD (the new
#   password), REDIS_GATEWAY_USER and REDIS_GATEWAY_PASSWORD (optional), REDIS_ADMIN_PASSWORD,
#   ROTATION_GRACE (seconds, finish only).
set -eu
. "$(dirname "$0")/redis-lib.sh"
: "${REDIS_APP_USER:?REDIS_APP_USER is required}" "${REDIS_PASSWORD:?REDIS_PASSWORD is required}" "${REDIS_ADMIN_PASSWORD:?REDIS_ADMIN_PASSWORD is required}"

case "${1:-}" in
  add) reset= ;;
  finish) reset=resetpass ;;
  *) echo "usage: redis-rotate.sh add|finish" >&2; exit 2 ;;
esac
if [ "$1" = finish ] && [ "${ROTATION_GRACE:-0}" -gt 0 ]; then
  log "waiting ${ROTATION_GRACE}s for the pods that used the old password to drain"
  sleep "$ROTATION_GRACE"
fi

changed=0
missed=
# set_password USER PASSWORD ADDR...: the step on each address; counts what changed, lists what failed.
set_password() {
  user=$1 password=$2
  shift 2
  for addr in "$@"; do
    answer=$(printf '>%s' "$password" | timeout 10 $CLI --raw -h "${addr%:*}" -p "${addr##*:}" -x ACL SETUSER "$user" $reset 2>&1) || answer="unreachable: $answer"
    case "$answer" in
      OK) changed=$((changed + 1)) ;;
      *WRONGPASS* | *NOAUTH*)
        # A node of an earlier chart version (one password, no ACL users): this upgrade restarts it with them.
        log "$addr has no ACL users yet (an upgrade from a release without them): skipped" ;;
      *) log "$addr ($user): $answer"; missed="$missed $addr" ;;
    esac
  done
}
set_password "$REDIS_APP_USER" "$REDIS_PASSWORD" ${REDIS_NODES:-} ${SENTINEL_ADDRS:-}
users=$REDIS_APP_USER
if [ -n "${REDIS_GATEWAY_USER:-}" ]; then
  # Kong's counters user lives on the Redis nodes only (Kong talks to the master Service, not Sentinel).
  set_password "$REDIS_GATEWAY_USER" "${REDIS_GATEWAY_PASSWORD:?the Secret names a gateway user but holds no password for it}" ${REDIS_NODES:-}
  users="$users and $REDIS_GATEWAY_USER"
fi
if [ -n "$missed" ]; then
  if [ "$1" = add ]; then
    log "ERROR: could not add the new password on:$missed; the clients keep the old one (nothing rolls until this succeeds)"
    exit 1
  fi
  log "could not finish on:$missed (a node that restarts reads only the new password from the Secret)"
fi
case "$1" in
  add) log "$users accept the old and the new password ($changed changes on nodes and Sentinels)" ;;
  finish) log "$users accept only the new password ($changed changes on nodes and Sentinels)" ;;
esac
