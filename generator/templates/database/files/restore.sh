#!/bin/bash
# Restore a dump from the backup volume into RESTORE_DATABASE: checksum, decrypt, pg_restore --list,
# then pg_restore --clean --if-exists in a single transaction (all or nothing).
# Environment: PG* connection (a superuser), BACKUP_DIR, RESTORE_DATABASE,
#   RESTORE_DUMP (file name; empty picks the newest dump of RESTORE_DATABASE), DECRYPT_KEY_FILE,
#   RESTORE_DATABASE_OWNER (owner when the database has to be created, e.g. after losing the volume).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

: "${RESTORE_DATABASE:?RESTORE_DATABASE is required}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
require_tools pg_restore psql createdb sha256sum

dump=${RESTORE_DUMP:-}
if [ -z "$dump" ]; then
  # Names carry a UTC timestamp, so the last in name order is the newest.
  dump=$(find "$BACKUP_DIR" -maxdepth 1 -type f \( -name "$RESTORE_DATABASE-*.dump" -o -name "$RESTORE_DATABASE-*.dump.gpg" -o -name "$RESTORE_DATABASE-*.dump.age" \) -printf '%f\n' | sort | tail -n 1)
  [ -n "$dump" ] || die "no dump of $RESTORE_DATABASE in $BACKUP_DIR"
  log "no dump named: restoring the newest, $dump"
fi
case "$dump" in */* | .*) die "RESTORE_DUMP must be a file name inside $BACKUP_DIR, got '$dump'" ;; esac
file="$BACKUP_DIR/$dump"
[ -f "$file" ] || die "no such dump: $file"

check_checksum "$file"
# Work on the backup volume, not the pod's ephemeral storage: a decrypted dump is as big as the dump.
mkdir -p "${BACKUP_DIR:-/backups}/.partial"
work=$(mktemp -d "${BACKUP_DIR:-/backups}/.partial/restore.XXXXXX")
trap 'rm -rf "$work"' EXIT
decrypt_to "${DECRYPT_KEY_FILE:-}" "$file" "$work/dump"
verify_dump "$work/dump"

exists=$(psql --no-psqlrc -tA --dbname="${MAINTENANCE_DB:-postgres}" --set=db="$RESTORE_DATABASE" <<'SQL'
SELECT count(*) FROM pg_database WHERE datname = :'db';
SQL
) || die "cannot reach PostgreSQL at ${PGHOST:-local}:${PGPORT:-5432}"
if [ "$exists" = 0 ]; then
  owner=()
  [ -n "${RESTORE_DATABASE_OWNER:-}" ] && owner=(--owner="$RESTORE_DATABASE_OWNER")
  createdb --maintenance-db="${MAINTENANCE_DB:-postgres}" "${owner[@]}" "$RESTORE_DATABASE" || die "cannot create database $RESTORE_DATABASE"
  log "created database $RESTORE_DATABASE${RESTORE_DATABASE_OWNER:+ owned by $RESTORE_DATABASE_OWNER}"
fi
log "restoring $dump into $RESTORE_DATABASE"
pg_restore --clean --if-exists --exit-on-error --single-transaction --dbname="$RESTORE_DATABASE" "$work/dump" ||
  die "pg_restore of $dump into $RESTORE_DATABASE failed; the transaction was rolled back"
log "restore of $dump into $RESTORE_DATABASE complete"
