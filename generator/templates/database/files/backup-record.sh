#!/bin/bash
# Scheduled logical backup, last step of the backup pod (main container `record`, postgres image): runs
# only when every earlier step succeeded (Kubernetes starts the main container after all init
# containers exit 0), so the success marker is written only for a backup that was dumped, verified,
# encrypted and — when object storage is on — uploaded. Then prunes the volume's old dumps.
#
# Environment:
#   PG* connection, BACKUP_DATABASE, BACKUP_DIR, HANDOFF_DIR (as backup.sh)
#   RETENTION_DAYS        dumps on the volume older than this many days are deleted
#   OBJECT_STORAGE        true: refuse to mark success unless upload.sh recorded the upload
#   METRICS_FILE          Prometheus textfile marker (default $BACKUP_DIR/metrics/nexus_backup.prom)
#   MAINTENANCE_DB        database holding the marker table (default postgres)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

: "${BACKUP_DATABASE:?BACKUP_DATABASE is required}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
HANDOFF_DIR=${HANDOFF_DIR:-/run/nexus-backup}
RETENTION_DAYS=${RETENTION_DAYS:-7}
METRICS_FILE=${METRICS_FILE:-$BACKUP_DIR/metrics/nexus_backup.prom}
case "$RETENTION_DAYS" in '' | *[!0-9]*) die "RETENTION_DAYS must be a whole number of days, got '$RETENTION_DAYS'" ;; esac
require_tools psql

for f in artifact started size files; do [ -s "$HANDOFF_DIR/$f" ] || die "no $HANDOFF_DIR/$f: the dump step did not finish, nothing to record"; done
artifact=$(cat "$HANDOFF_DIR/artifact")
started=$(cat "$HANDOFF_DIR/started")
size=$(cat "$HANDOFF_DIR/size")
[ -f "$BACKUP_DIR/$artifact" ] || die "$BACKUP_DIR/$artifact is missing: nothing to record"
if is_true "${OBJECT_STORAGE:-false}"; then
  [ -s "$HANDOFF_DIR/uploaded" ] || die "object storage is on but the upload of $artifact was not recorded: no success marker"
  log "uploaded to $(cat "$HANDOFF_DIR/uploaded")"
fi

# Prune only after a successful run, so a failing job never eats the last good dumps.
pruned=0
keep=$(cat "$HANDOFF_DIR/files")
while IFS= read -r -d '' old; do
  grep -qxF "$(basename "$old")" <<<"$keep" && continue
  rm -f -- "$old"
  log "pruned $(basename "$old") (older than $RETENTION_DAYS days)"
  pruned=$((pruned + 1))
done < <(find "$BACKUP_DIR" -maxdepth 1 -type f \( -name "$BACKUP_DATABASE-*.dump*" -o -name "$BACKUP_DATABASE-*.globals.sql*" \) -mmin +$((RETENTION_DAYS * 1440)) -print0)
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
# HELP nexus_backup_last_success_timestamp_seconds Unix time of the last verified, encrypted (and uploaded, with object storage) backup.
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
log "backup $artifact complete in ${duration}s; pruned $pruned old file(s) from the volume"
