#!/bin/bash
# Scheduled logical backup: pg_dump (custom format, compressed) -> verify (pg_restore --list, optional
# scratch restore) -> encrypt to a public key -> checksum -> publish atomically in BACKUP_DIR (and
# optionally object storage) -> prune dumps older than the retention -> success marker.
#
# Environment (the CronJob sets it from values):
#   PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE   libpq connection (a superuser, for a complete dump)
#   BACKUP_DATABASE       database to dump
#   BACKUP_DIR            volume for the dumps (default /backups)
#   RETENTION_DAYS        dumps older than this many days are deleted after a successful run
#   COMPRESSION_LEVEL     pg_dump compression level 0-9 (default 6)
#   ENCRYPTION_METHOD     gpg | age | none
#   ENCRYPTION_PUBLIC_KEY_FILE  recipient public key (GnuPG public key or age recipients file)
#   VERIFY, RESTORE_TEST  true/false
#   S3_BUCKET, S3_ENDPOINT      optional upload with the aws CLI (credentials from AWS_* variables)
#   METRICS_FILE          Prometheus textfile marker (default $BACKUP_DIR/metrics/nexus_backup.prom)
#   MAINTENANCE_DB        database holding the marker table (default postgres)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

: "${BACKUP_DATABASE:?BACKUP_DATABASE is required}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
RETENTION_DAYS=${RETENTION_DAYS:-7}
COMPRESSION_LEVEL=${COMPRESSION_LEVEL:-6}
ENCRYPTION_METHOD=${ENCRYPTION_METHOD:-gpg}
VERIFY=${VERIFY:-true}
RESTORE_TEST=${RESTORE_TEST:-false}
METRICS_FILE=${METRICS_FILE:-$BACKUP_DIR/metrics/nexus_backup.prom}
case "$RETENTION_DAYS" in '' | *[!0-9]*) die "RETENTION_DAYS must be a whole number of days, got '$RETENTION_DAYS'" ;; esac

require_tools pg_dump pg_restore psql sha256sum
[ -d "$BACKUP_DIR" ] && [ -w "$BACKUP_DIR" ] || die "backup directory $BACKUP_DIR is missing or not writable"

started=$(date +%s)
name="$BACKUP_DATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
mkdir -p "$BACKUP_DIR/.partial"
work=$(mktemp -d "$BACKUP_DIR/.partial/run.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "dumping database $BACKUP_DATABASE from ${PGHOST:-local}:${PGPORT:-5432}"
pg_dump --format=custom --compress="$COMPRESSION_LEVEL" --file="$work/$name" --dbname="$BACKUP_DATABASE" ||
  die "pg_dump of $BACKUP_DATABASE failed"

if is_true "$VERIFY"; then verify_dump "$work/$name"; fi
if is_true "$RESTORE_TEST"; then scratch_restore "$work/$name"; fi

artifact="$name$(artifact_suffix "$ENCRYPTION_METHOD")"
if [ "$ENCRYPTION_METHOD" != none ]; then
  encrypt_to "$ENCRYPTION_METHOD" "${ENCRYPTION_PUBLIC_KEY_FILE:-}" "$work/$name" "$work/$artifact"
  rm -f "$work/$name"
  log "encrypted with $ENCRYPTION_METHOD"
fi
(cd "$work" && sha256sum "$artifact" >"$artifact.sha256")
check_checksum "$work/$artifact"

# Publish: the checksum lands first, the artifact last, so a reader never sees an artifact without it.
mv "$work/$artifact.sha256" "$BACKUP_DIR/$artifact.sha256"
mv "$work/$artifact" "$BACKUP_DIR/$artifact"
size=$(stat -c %s "$BACKUP_DIR/$artifact")
log "wrote $BACKUP_DIR/$artifact ($size bytes)"

if [ -n "${S3_BUCKET:-}" ]; then
  require_tools aws
  endpoint=()
  [ -n "${S3_ENDPOINT:-}" ] && endpoint=(--endpoint-url "$S3_ENDPOINT")
  for f in "$artifact.sha256" "$artifact"; do
    aws "${endpoint[@]}" s3 cp --only-show-errors "$BACKUP_DIR/$f" "s3://${S3_BUCKET%/}/$f" || die "upload of $f to s3://$S3_BUCKET failed"
  done
  log "uploaded to s3://${S3_BUCKET%/}/$artifact"
fi

# Prune only after a successful run, so a failing job never eats the last good dumps.
pruned=0
while IFS= read -r -d '' old; do
  [ "$(basename "$old")" = "$artifact" ] || [ "$(basename "$old")" = "$artifact.sha256" ] && continue
  rm -f -- "$old"
  log "pruned $(basename "$old") (older than $RETENTION_DAYS days)"
  pruned=$((pruned + 1))
done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name "$BACKUP_DATABASE-*.dump*" -mmin +$((RETENTION_DAYS * 1440)) -print0)
find "$BACKUP_DIR/.partial" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} + 2>/dev/null || true

finished=$(date +%s)
duration=$((finished - started))
ensure_marker_table
psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --dbname="${MAINTENANCE_DB:-postgres}" \
  --set=db="$BACKUP_DATABASE" --set=artifact="$artifact" --set=size="$size" --set=duration="$duration" --set=finished="$finished" <<'SQL' || die "cannot record the success marker"
INSERT INTO public.nexus_backup_status (database, last_success, artifact, size_bytes, duration_seconds)
VALUES (:'db', to_timestamp(:'finished'::bigint), :'artifact', :'size'::bigint, :'duration'::double precision)
ON CONFLICT (database) DO UPDATE SET last_success = EXCLUDED.last_success, artifact = EXCLUDED.artifact,
  size_bytes = EXCLUDED.size_bytes, duration_seconds = EXCLUDED.duration_seconds;
SQL

mkdir -p "$(dirname "$METRICS_FILE")"
cat >"$METRICS_FILE.tmp" <<PROM
# HELP nexus_backup_last_success_timestamp_seconds Unix time of the last verified, encrypted backup.
# TYPE nexus_backup_last_success_timestamp_seconds gauge
nexus_backup_last_success_timestamp_seconds{database="$BACKUP_DATABASE"} $finished
# HELP nexus_backup_last_size_bytes Size of the last backup artifact in bytes.
# TYPE nexus_backup_last_size_bytes gauge
nexus_backup_last_size_bytes{database="$BACKUP_DATABASE"} $size
# HELP nexus_backup_last_duration_seconds Duration of the last successful backup run.
# TYPE nexus_backup_last_duration_seconds gauge
nexus_backup_last_duration_seconds{database="$BACKUP_DATABASE"} $duration
PROM
mv "$METRICS_FILE.tmp" "$METRICS_FILE"
log "backup $artifact complete in ${duration}s; pruned $pruned old file(s)"
