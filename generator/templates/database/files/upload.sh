#!/bin/sh
# Scheduled logical backup, step 2 of the backup pod (init container `upload`, uploader image: rclone,
# which has a POSIX shell but no bash or PostgreSQL client): copies this run's artifacts from the backup
# volume to object storage, checks them there, then enforces the retention in the bucket. Runs only after
# the dump step succeeded; backup-record.sh marks success only after this step succeeded.
#
# Environment:
#   REMOTE                rclone remote and path, e.g. `nexus:my-bucket/prod` (the remote `nexus` is
#                         configured by RCLONE_CONFIG_NEXUS_* variables the CronJob sets)
#   BACKUP_DATABASE, BACKUP_DIR, HANDOFF_DIR   as backup.sh
#   BUCKET_RETENTION_DAYS objects of this database older than this many days are deleted (0: keep all)
#
# Retention is enforced by this step, not by a bucket lifecycle rule: `rclone delete --min-age` with the
# server's upload time works the same on every S3-compatible store (and GCS, Azure), needs no
# lifecycle API (MinIO, Ceph, R2 and others implement it partly or not at all), matches only this
# database's objects under this prefix, and runs only after a successful upload, so a failing backup
# never lets the last good dumps expire.
set -eu

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

: "${REMOTE:?REMOTE is required (rclone remote:path)}"
: "${BACKUP_DATABASE:?BACKUP_DATABASE is required}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
HANDOFF_DIR=${HANDOFF_DIR:-/run/nexus-backup}
BUCKET_RETENTION_DAYS=${BUCKET_RETENTION_DAYS:-7}
case "$BUCKET_RETENTION_DAYS" in '' | *[!0-9]*) die "BUCKET_RETENTION_DAYS must be a whole number of days, got '$BUCKET_RETENTION_DAYS'" ;; esac
command -v rclone >/dev/null 2>&1 || die "required tool 'rclone' is not installed in this image"
[ -s "$HANDOFF_DIR/files" ] || die "no $HANDOFF_DIR/files: the dump step did not finish, nothing to upload"
remote=${REMOTE%/}

# Checksums first, the dump last (the order backup.sh listed them): a reader of the bucket never sees a
# dump without its checksum and globals. rclone verifies each object's size and hash after the copy.
while IFS= read -r f; do
  [ -f "$BACKUP_DIR/$f" ] || die "$BACKUP_DIR/$f is missing"
  rclone copyto "$BACKUP_DIR/$f" "$remote/$f" || die "upload of $f to $remote failed"
done <"$HANDOFF_DIR/files"
# Read back what the store holds: every object of this run, with its size and hash.
rclone check --one-way --files-from "$HANDOFF_DIR/files" "$BACKUP_DIR" "$remote" ||
  die "the objects in $remote do not match the files uploaded"
artifact=$(cat "$HANDOFF_DIR/artifact")
log "uploaded $artifact (with its globals and checksums) to $remote"

if [ "$BUCKET_RETENTION_DAYS" -gt 0 ]; then
  # Upload time (--use-server-modtime: the store's LastModified, as a lifecycle rule counts it), only this
  # database's artifacts, only at this level of the prefix.
  rclone delete "$remote" --use-server-modtime --min-age "${BUCKET_RETENTION_DAYS}d" --max-depth 1 \
    --include "/$BACKUP_DATABASE-*.dump*" --include "/$BACKUP_DATABASE-*.globals.sql*" -v 2>"$HANDOFF_DIR/prune.log" ||
    { cat "$HANDOFF_DIR/prune.log" >&2; die "pruning $remote failed (the new backup is uploaded)"; }
  sed -n 's/.*INFO  : \(.*\): Deleted$/\1/p' "$HANDOFF_DIR/prune.log" | while IFS= read -r gone; do log "pruned $gone from $remote (uploaded more than $BUCKET_RETENTION_DAYS days ago)"; done
fi
printf '%s\n' "$remote/$artifact" >"$HANDOFF_DIR/uploaded"
