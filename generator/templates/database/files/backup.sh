#!/bin/bash
# Scheduled logical backup, step 1 of the backup pod (init container `dump`, postgres image):
# pg_dumpall --globals-only (roles) and pg_dump (custom format, or directory format with parallel jobs)
# -> verify (pg_restore --list and a full read; optionally a restore test into a throw-away server in
# this pod) -> encrypt to a public key -> sha256 sidecars -> publish atomically in BACKUP_DIR -> hand the
# artifact names to the next steps (upload.sh, backup-record.sh) in HANDOFF_DIR.
# Nothing is marked successful here: backup-record.sh does that, after the upload (when there is one).
#
# Environment (the CronJob sets it from values):
#   PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE   libpq connection (a superuser, for a complete dump)
#   BACKUP_DATABASE       database to dump
#   BACKUP_DIR            volume for the dumps (default /backups)
#   HANDOFF_DIR           directory shared with the pod's next containers (default /run/nexus-backup)
#   DUMP_FORMAT           custom | directory (default custom)
#   DUMP_JOBS             parallel pg_dump workers for the directory format (default 1)
#   COMPRESSION_LEVEL     pg_dump compression level 0-9 (default 6)
#   ENCRYPTION_METHOD     gpg | age | none
#   ENCRYPTION_PUBLIC_KEY_FILE  recipient public key (GnuPG public key or age recipients file)
#   VERIFY, RESTORE_TEST  true/false
#   GLOBALS               all: roles with their password hashes (needs a superuser: bundled mode) |
#                         no-role-passwords: roles, memberships and settings read from pg_roles, without
#                         passwords (what the owner of a managed database may read: external mode)
#   MAINTENANCE_DB        database pg_dumpall connects to (default postgres)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

: "${BACKUP_DATABASE:?BACKUP_DATABASE is required}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
HANDOFF_DIR=${HANDOFF_DIR:-/run/nexus-backup}
DUMP_FORMAT=${DUMP_FORMAT:-custom}
DUMP_JOBS=${DUMP_JOBS:-1}
COMPRESSION_LEVEL=${COMPRESSION_LEVEL:-6}
ENCRYPTION_METHOD=${ENCRYPTION_METHOD:-gpg}
VERIFY=${VERIFY:-true}
RESTORE_TEST=${RESTORE_TEST:-false}
GLOBALS=${GLOBALS:-all}
case "$GLOBALS" in all) globals_flags=() ;; no-role-passwords) globals_flags=(--no-role-passwords) ;; *) die "GLOBALS must be all or no-role-passwords, got '$GLOBALS'" ;; esac
case "$DUMP_JOBS" in '' | *[!0-9]* | 0) die "DUMP_JOBS must be a whole number of workers (1 or more), got '$DUMP_JOBS'" ;; esac

require_tools pg_dump pg_dumpall pg_restore psql sha256sum
[ -d "$BACKUP_DIR" ] && [ -w "$BACKUP_DIR" ] || die "backup directory $BACKUP_DIR is missing or not writable"
mkdir -p "$HANDOFF_DIR" || die "cannot create the hand-off directory $HANDOFF_DIR"

started=$(date +%s)
stem="$BACKUP_DATABASE-$(date -u +%Y%m%dT%H%M%SZ)"
suffix=$(artifact_suffix "$ENCRYPTION_METHOD")
mkdir -p "$BACKUP_DIR/.partial"
work=$(mktemp -d "$BACKUP_DIR/.partial/run.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Roles, their memberships and settings live outside the database: without them a restore into a new
# cluster cannot give objects their owners and grants.
# A managed database's owner cannot read pg_authid: --no-role-passwords reads pg_roles instead, and the
# roles come back without passwords (set them from your secret store; the runbook says how).
log "dumping roles and globals (pg_dumpall --globals-only ${globals_flags[*]})"
pg_dumpall --globals-only "${globals_flags[@]}" --database="${MAINTENANCE_DB:-postgres}" --file="$work/globals.sql" ||
  die "pg_dumpall --globals-only ${globals_flags[*]} failed (GLOBALS=all needs a superuser; a managed database's owner needs GLOBALS=no-role-passwords)"

jobs_note=''
[ "$DUMP_FORMAT" = directory ] && jobs_note=", $DUMP_JOBS jobs"
log "dumping database $BACKUP_DATABASE from ${PGHOST:-local}:${PGPORT:-5432} ($DUMP_FORMAT format$jobs_note)"
dump_database "$BACKUP_DATABASE" "$DUMP_FORMAT" "$DUMP_JOBS" "$COMPRESSION_LEVEL" "$work" || die "pg_dump of $BACKUP_DATABASE failed"

if is_true "$VERIFY"; then verify_dump "$work/dump"; fi
if is_true "$RESTORE_TEST"; then scratch_restore "$work/dump" "$DUMP_JOBS" "$work/globals.sql"; fi

# One file per artifact: a directory dump travels as an uncompressed tar (pg_dump compressed each file).
if [ "$DUMP_FORMAT" = directory ]; then
  artifact="$stem.dump.tar$suffix"
  pack() { tar --create --file=- --directory="$work" dump; }
else
  artifact="$stem.dump$suffix"
  pack() { cat "$work/dump"; }
fi
globals="$stem.globals.sql$suffix"
if [ "$ENCRYPTION_METHOD" != none ]; then
  pack | encrypt_to "$ENCRYPTION_METHOD" "${ENCRYPTION_PUBLIC_KEY_FILE:-}" - "$work/$artifact"
  encrypt_to "$ENCRYPTION_METHOD" "${ENCRYPTION_PUBLIC_KEY_FILE:-}" "$work/globals.sql" "$work/$globals"
  log "encrypted with $ENCRYPTION_METHOD"
else
  pack >"$work/$artifact"
  mv "$work/globals.sql" "$work/$globals"
fi
rm -rf "$work/dump" "$work/globals.sql"
for f in "$globals" "$artifact"; do
  (cd "$work" && sha256sum "$f" >"$f.sha256")
  check_checksum "$work/$f"
done

# Publish: checksums land first, the dump last, so a reader never sees an artifact without its checksum,
# nor a dump without its globals.
for f in "$globals.sha256" "$globals" "$artifact.sha256" "$artifact"; do mv "$work/$f" "$BACKUP_DIR/$f"; done
size=$(stat -c %s "$BACKUP_DIR/$artifact")
log "wrote $BACKUP_DIR/$artifact ($size bytes) and $globals"

# Hand-off to upload.sh and backup-record.sh (same pod): the files in upload order, and the run's facts.
printf '%s\n' "$globals.sha256" "$globals" "$artifact.sha256" "$artifact" >"$HANDOFF_DIR/files"
printf '%s\n' "$artifact" >"$HANDOFF_DIR/artifact"
printf '%s\n' "$started" >"$HANDOFF_DIR/started"
printf '%s\n' "$size" >"$HANDOFF_DIR/size"
