#!/bin/bash
# Restore a dump from the backup volume into RESTORE_DATABASE, once per request, without racing the
# application:
#   1. a request id is handled once: the maintenance database records every request
#      (public.nexus_restore_requests), and a request already handled is never run again, whatever
#      renders the Job (helm upgrade --reuse-values, helm template, a GitOps re-sync);
#   2. checksum the dump and its globals before anything touches the database (a tampered or truncated
#      file is refused here), then decrypt and verify them (nothing changes yet);
#   3. restore the roles (pg_dumpall --globals-only, written beside the dump) into the cluster, then the
#      dump into a private database <db>__restoring (one transaction, or parallel jobs for a
#      directory-format dump): the application keeps using the live database meanwhile and never sees a
#      half-restored one;
#   4. swap, the only moment writers are stopped: the live database stops accepting connections, its
#      sessions are terminated, it is renamed <db>__before_<request> (kept, connections off, so nothing
#      written before the swap is lost), and the restored database takes its name.
# Environment: PG* connection (a superuser), BACKUP_DIR, RESTORE_DATABASE, RESTORE_REQUEST_ID,
#   RESTORE_DUMP (file name; empty: the one fetch.sh downloaded from object storage, named in
#   HANDOFF_DIR/restore-dump, else the newest dump of RESTORE_DATABASE on the volume), DECRYPT_KEY_FILE,
#   RESTORE_JOBS (parallel pg_restore workers for a directory-format dump, default 1),
#   RESTORE_DATABASE_OWNER (owner of the restored database), RESTORE_WAIT_SECONDS (how long to wait for
#   PostgreSQL to accept connections, default 600: a post-install restore starts with the database).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

: "${RESTORE_DATABASE:?RESTORE_DATABASE is required}"
: "${RESTORE_REQUEST_ID:?RESTORE_REQUEST_ID is required: a restore runs once per request id}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
MAINTENANCE_DB=${MAINTENANCE_DB:-postgres}
require_tools pg_restore psql createdb dropdb pg_isready sha256sum

staging="${RESTORE_DATABASE}__restoring"
previous="${RESTORE_DATABASE}__before_${RESTORE_REQUEST_ID}"
[ "${#previous}" -le 63 ] || die "the database name $previous would exceed PostgreSQL's 63 characters: use a shorter request id"

sql() { psql --no-psqlrc -v ON_ERROR_STOP=1 -tA --dbname="$MAINTENANCE_DB" --set=db="$RESTORE_DATABASE" --set=id="$RESTORE_REQUEST_ID" "$@"; }

dump=${RESTORE_DUMP:-}
HANDOFF_DIR=${HANDOFF_DIR:-/run/nexus-backup}
if [ -z "$dump" ] && [ -s "$HANDOFF_DIR/restore-dump" ]; then
  dump=$(cat "$HANDOFF_DIR/restore-dump")
  log "restoring $dump, fetched from object storage"
fi
if [ -z "$dump" ]; then
  # Names carry a UTC timestamp, so the last in name order is the newest.
  dump=$(find "$BACKUP_DIR" -maxdepth 1 -type f \( -name "$RESTORE_DATABASE-*.dump" -o -name "$RESTORE_DATABASE-*.dump.tar" -o -name "$RESTORE_DATABASE-*.dump.gpg" -o -name "$RESTORE_DATABASE-*.dump.tar.gpg" -o -name "$RESTORE_DATABASE-*.dump.age" -o -name "$RESTORE_DATABASE-*.dump.tar.age" \) -printf '%f\n' | sort | tail -n 1)
  [ -n "$dump" ] || die "no dump of $RESTORE_DATABASE in $BACKUP_DIR"
  log "no dump named: restoring the newest, $dump"
fi
case "$dump" in */* | .*) die "RESTORE_DUMP must be a file name inside $BACKUP_DIR, got '$dump'" ;; esac
file="$BACKUP_DIR/$dump"
[ -f "$file" ] || die "no such dump: $file"
globals_file="$BACKUP_DIR/$(globals_name "$dump")"

# 2. Checksums first: nothing reaches PostgreSQL until the dump (and its globals) are the bytes the backup wrote.
check_checksum "$file"
if [ -f "$globals_file" ]; then
  check_checksum "$globals_file"
else
  log "WARNING: no $(basename "$globals_file") beside $dump (a dump made before roles were backed up): roles are not restored"
  globals_file=''
fi
log "checksums of $dump${globals_file:+ and $(basename "$globals_file")} are correct"

waited=0
until pg_isready --quiet --dbname="$MAINTENANCE_DB" --timeout=5; do
  [ "$waited" -lt "${RESTORE_WAIT_SECONDS:-600}" ] || die "PostgreSQL at ${PGHOST:-local}:${PGPORT:-5432} did not accept connections within ${RESTORE_WAIT_SECONDS:-600} s"
  sleep 5
  waited=$((waited + 5))
done

sql <<'SQL' >/dev/null || die "cannot reach PostgreSQL at ${PGHOST:-local}:${PGPORT:-5432}"
SET client_min_messages TO warning;
CREATE TABLE IF NOT EXISTS public.nexus_restore_requests (
  request_id text PRIMARY KEY,
  database text NOT NULL,
  dump text NOT NULL,
  status text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  previous_database text,
  detail text
);
SQL

handled() {
  sql <<'SQL'
SELECT status || ' at ' || coalesce(finished_at, started_at)::text || ' (dump ' || dump || ')' FROM public.nexus_restore_requests WHERE request_id = :'id';
SQL
}
already=$(handled)
if [ -n "$already" ]; then
  log "restore request $RESTORE_REQUEST_ID was already handled: $already. Nothing to do; to restore again, request it with a new id"
  exit 0
fi

# Work on the backup volume, not the pod's ephemeral storage: a decrypted dump is as big as the dump.
mkdir -p "$BACKUP_DIR/.partial"
work=$(mktemp -d "$BACKUP_DIR/.partial/restore.XXXXXX")
trap 'rm -rf "$work"' EXIT
plain="$work/$(plain_name "$dump")"
decrypt_to "${DECRYPT_KEY_FILE:-}" "$file" "$plain"
restorable=$(unpack_dump "$plain" "$work")
verify_dump "$restorable"
if [ -n "$globals_file" ]; then decrypt_to "${DECRYPT_KEY_FILE:-}" "$globals_file" "$work/globals.sql"; fi

# Claim the request; a concurrent run of the same request loses here and does nothing.
claimed=$(sql --set=dump="$dump" <<'SQL'
INSERT INTO public.nexus_restore_requests (request_id, database, dump, status) VALUES (:'id', :'db', :'dump', 'running')
ON CONFLICT (request_id) DO NOTHING RETURNING request_id;
SQL
)
if [ -z "$claimed" ]; then
  log "restore request $RESTORE_REQUEST_ID was already handled: $(handled). Nothing to do"
  exit 0
fi
fail() {
  sql --set=detail="$*" <<'SQL' >/dev/null || true
UPDATE public.nexus_restore_requests SET status = 'failed', finished_at = now(), detail = :'detail' WHERE request_id = :'id';
SQL
  die "$* (request $RESTORE_REQUEST_ID is spent: request the restore again with a new id)"
}

exists() { [ "$(sql --set=name="$1" <<<"SELECT count(*) FROM pg_database WHERE datname = :'name';")" = 1 ]; }
exists "$previous" && fail "database $previous already exists"

# 3. Roles first (the dump's owners and grants name them), then the database, into a private one.
if [ -n "$globals_file" ]; then
  ( restore_globals "$work/globals.sql" "${RESTORE_DATABASE_OWNER:-}" ) || fail "restoring the roles from $(basename "$globals_file") failed; nothing was changed"
fi
dropdb --if-exists --maintenance-db="$MAINTENANCE_DB" "$staging" || fail "cannot drop the leftover $staging"
owner=()
[ -n "${RESTORE_DATABASE_OWNER:-}" ] && owner=(--owner="$RESTORE_DATABASE_OWNER")
createdb --maintenance-db="$MAINTENANCE_DB" "${owner[@]}" "$staging" || fail "cannot create $staging"
RESTORE_JOBS=${RESTORE_JOBS:-1}
restore_args=(--exit-on-error --dbname="$staging")
# Parallel workers each use their own transaction; the private database keeps a failed restore invisible.
if [ -d "$restorable" ] && [ "$RESTORE_JOBS" -gt 1 ]; then restore_args+=(--jobs="$RESTORE_JOBS"); else restore_args+=(--single-transaction); fi
log "restoring $dump into $staging (the application keeps using $RESTORE_DATABASE meanwhile)"
if ! pg_restore "${restore_args[@]}" "$restorable"; then
  dropdb --if-exists --maintenance-db="$MAINTENANCE_DB" "$staging" || true
  fail "pg_restore of $dump failed; nothing was changed"
fi

# 4. Swap: stop the writers of the live database, keep it under another name, put the restored one in place.
if exists "$RESTORE_DATABASE"; then
  sql --set=previous="$previous" <<'SQL' >/dev/null || fail "could not take $RESTORE_DATABASE out of service"
SELECT format('ALTER DATABASE %I ALLOW_CONNECTIONS false', :'db') \gexec
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();
SQL
  waited=0
  until [ "$(sql <<<"SELECT count(*) FROM pg_stat_activity WHERE datname = :'db';")" = 0 ]; do
    [ "$waited" -lt 300 ] || {
      sql <<<"SELECT format('ALTER DATABASE %I ALLOW_CONNECTIONS true', :'db') \\gexec" >/dev/null || true
      fail "sessions on $RESTORE_DATABASE did not end within 30 s; it is back in service, unchanged"
    }
    sleep 0.1
    waited=$((waited + 1))
  done
  sql --set=previous="$previous" <<'SQL' >/dev/null || fail "the swap of $RESTORE_DATABASE failed"
SELECT format('ALTER DATABASE %I RENAME TO %I', :'db', :'previous') \gexec
SELECT format('ALTER DATABASE %I RENAME TO %I', :'db' || '__restoring', :'db') \gexec
SQL
  log "$RESTORE_DATABASE was taken out of service and kept as $previous (connections off; drop it once the restore is confirmed)"
else
  sql <<'SQL' >/dev/null || fail "cannot rename the restored database to $RESTORE_DATABASE"
SELECT format('ALTER DATABASE %I RENAME TO %I', :'db' || '__restoring', :'db') \gexec
SQL
  previous=''
  log "created database $RESTORE_DATABASE${RESTORE_DATABASE_OWNER:+ owned by $RESTORE_DATABASE_OWNER}"
fi
sql --set=previous="$previous" <<'SQL' >/dev/null || true
UPDATE public.nexus_restore_requests SET status = 'restored', finished_at = now(), previous_database = nullif(:'previous', '') WHERE request_id = :'id';
SQL
log "restore request $RESTORE_REQUEST_ID: $dump restored into $RESTORE_DATABASE"
