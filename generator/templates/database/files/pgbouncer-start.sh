#!/bin/sh
# Starts PgBouncer: writes the auth file from the Secret-provided environment (never from the
# ConfigMap), then runs pgbouncer in the foreground.
# Environment: DB_USER, DB_PASSWORD; PGBOUNCER_INI and PGBOUNCER_AUTH_FILE (paths; defaults below).
set -eu
PGBOUNCER_INI=${PGBOUNCER_INI:-/etc/pgbouncer/pgbouncer.ini}
PGBOUNCER_AUTH_FILE=${PGBOUNCER_AUTH_FILE:-/run/pgbouncer/userlist.txt}
: "${DB_USER:?DB_USER is required}"
: "${DB_PASSWORD:?DB_PASSWORD is required}"
umask 077
mkdir -p "$(dirname "$PGBOUNCER_AUTH_FILE")"
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
printf '%s %s\n' "$(quote "$DB_USER")" "$(quote "$DB_PASSWORD")" >"$PGBOUNCER_AUTH_FILE"
exec pgbouncer "$PGBOUNCER_INI"
