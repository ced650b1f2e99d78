#!/bin/sh
# Restore from object storage, step 1 of the restore pod (init container `fetch`, uploader image: rclone):
# downloads a dump, its globals and their sha256 sidecars from the bucket to the backup volume, and
# names the dump for restore.sh, which verifies the checksums before anything touches the database.
#
# Environment:
#   REMOTE            rclone remote and path (as upload.sh)
#   RESTORE_DATABASE  database whose dumps are listed
#   RESTORE_DUMP      object name; empty picks the newest dump of RESTORE_DATABASE in the bucket
#   BACKUP_DIR, HANDOFF_DIR   the backup volume, the directory shared with restore.sh
set -eu

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

: "${REMOTE:?REMOTE is required (rclone remote:path)}"
: "${RESTORE_DATABASE:?RESTORE_DATABASE is required}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
HANDOFF_DIR=${HANDOFF_DIR:-/run/nexus-backup}
command -v rclone >/dev/null 2>&1 || die "required tool 'rclone' is not installed in this image"
remote=${REMOTE%/}
mkdir -p "$HANDOFF_DIR" "$BACKUP_DIR/.partial"

dump=${RESTORE_DUMP:-}
if [ -z "$dump" ]; then
  # Names carry a UTC timestamp, so the last in name order is the newest.
  listing=$(rclone lsf "$remote" --files-only --max-depth 1 --include "/$RESTORE_DATABASE-*.dump{,.tar}{,.gpg,.age}") || die "cannot list $remote"
  dump=$(printf '%s\n' "$listing" | sort | tail -n 1)
  [ -n "$dump" ] || die "no dump of $RESTORE_DATABASE in $remote"
  log "no dump named: fetching the newest in $remote, $dump"
fi
case "$dump" in */* | .* | '') die "RESTORE_DUMP must be an object name at $remote, got '$dump'" ;; esac
case "$dump" in *.gpg) enc=.gpg ;; *.age) enc=.age ;; *) enc='' ;; esac
globals="${dump%%.dump*}.globals.sql$enc"

work=$(mktemp -d "$BACKUP_DIR/.partial/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
present=$(rclone lsf "$remote" --files-only --max-depth 1 --include "/${dump%%.dump*}.*") || die "cannot list $remote"
for f in "$dump" "$dump.sha256" "$globals" "$globals.sha256"; do
  if ! printf '%s\n' "$present" | grep -qxF "$f"; then
    case "$f" in
      "$globals"*) log "no $f in $remote (a dump made before roles were backed up): roles are not restored"; continue ;;
      *) die "no $f in $remote" ;;
    esac
  fi
  rclone copyto "$remote/$f" "$work/$f" || die "download of $f from $remote failed"
done
# Into place on the volume (same file system: each rename is atomic), checksums first.
for f in "$globals.sha256" "$globals" "$dump.sha256" "$dump"; do
  [ -f "$work/$f" ] && mv "$work/$f" "$BACKUP_DIR/$f"
done
printf '%s\n' "$dump" >"$HANDOFF_DIR/restore-dump"
log "fetched $dump from $remote; restore.sh verifies its checksum before it restores anything"
