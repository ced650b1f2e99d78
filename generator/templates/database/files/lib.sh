#!/bin/bash
# Shared functions of the database scripts (sourced by backup.sh, backup-record.sh, verify.sh, restore.sh,
# init-db.sh). Connection settings come from the libpq environment: PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGSSLMODE.
#
# Artifacts (one file each, so each is encrypted, checksummed and uploaded as a unit):
#   <db>-<UTC stamp>.dump[.gpg|.age]          pg_dump custom format
#   <db>-<UTC stamp>.dump.tar[.gpg|.age]      pg_dump directory format (parallel), in an uncompressed tar
#   <db>-<UTC stamp>.globals.sql[.gpg|.age]   pg_dumpall --globals-only (roles, memberships, settings)
# each with a `<artifact>.sha256` sidecar (sha256sum format) written at backup time.

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
is_true() { case "${1:-}" in true | 1 | yes | on) return 0 ;; *) return 1 ;; esac; }
require_tools() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' is not installed in this image"; done
}

# The suffix an artifact gets for an encryption method.
artifact_suffix() {
  case "$1" in
    gpg) echo .gpg ;;
    age) echo .age ;;
    none | '') echo '' ;;
    *) die "unknown encryption method '$1' (use gpg, age or none)" ;;
  esac
}

# encrypt_to METHOD PUBLIC_KEY_FILE IN OUT: encrypt IN (a file, or - for stdin) to the public key (GnuPG key or
# age recipients).
encrypt_to() {
  local method=$1 key=$2 in=$3 out=$4 src=()
  [ "$in" = - ] || src=("$in")
  [ -s "$key" ] || die "public key file '$key' is missing or empty"
  case "$method" in
    gpg)
      require_tools gpg
      local home
      home=$(mktemp -d)
      gpg --batch --quiet --homedir "$home" --trust-model always --recipient-file "$key" --output "$out" --encrypt "${src[@]}" ||
        { rm -rf "$home"; die "gpg could not encrypt $in"; }
      rm -rf "$home"
      ;;
    age)
      require_tools age
      age --encrypt --recipients-file "$key" --output "$out" "${src[@]}" || die "age could not encrypt $in"
      ;;
    *) die "unknown encryption method '$method'" ;;
  esac
}

# gpg_cleanup HOME: stop the gpg-agent a private-key operation started, then remove the keyring.
gpg_cleanup() {
  gpgconf --homedir "$1" --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$1"
}

# decrypt_to KEY_FILE IN OUT: decrypt an artifact by its suffix (.gpg or .age); plain files are copied.
decrypt_to() {
  local key=$1 in=$2 out=$3
  case "$in" in
    *.gpg)
      require_tools gpg
      [ -s "$key" ] || die "$in is encrypted: a private key is needed (DECRYPT_KEY_FILE)"
      local home
      home=$(mktemp -d)
      gpg --batch --quiet --homedir "$home" --import "$key" 2>/dev/null || { gpg_cleanup "$home"; die "cannot import the private key $key"; }
      if ! gpg --batch --quiet --homedir "$home" --pinentry-mode loopback --passphrase '' --output "$out" --decrypt "$in"; then
        gpg_cleanup "$home"
        die "gpg could not decrypt $in (corrupted, or encrypted to another key)"
      fi
      gpg_cleanup "$home"
      ;;
    *.age)
      require_tools age
      [ -s "$key" ] || die "$in is encrypted: a private key is needed (DECRYPT_KEY_FILE)"
      age --decrypt --identity "$key" --output "$out" "$in" || die "age could not decrypt $in (corrupted, or encrypted to another key)"
      ;;
    *) cp "$in" "$out" ;;
  esac
}

# check_checksum FILE: FILE.sha256 (written by backup.sh) must exist and match.
check_checksum() {
  local file=$1
  [ -f "$file.sha256" ] || die "no checksum file $file.sha256: refusing an unverifiable dump"
  (cd "$(dirname "$file")" && sha256sum --check --status "$(basename "$file").sha256") ||
    die "checksum mismatch for $file: the dump is corrupted"
}

# verify_dump PLAIN_DUMP: pg_restore must read the whole table of contents of a custom-format dump.
verify_dump() {
  local dump=$1 entries out
  require_tools pg_restore
  entries=$(pg_restore --list "$dump" 2>&1) || die "verification failed: pg_restore --list cannot read $dump: $(printf '%s' "$entries" | tail -n 3)"
  entries=$(printf '%s\n' "$entries" | grep -cv '^;' || true)
  [ "$entries" -gt 0 ] || die "verification failed: $dump lists no objects"
  # --list reads only the table of contents; reading every data block to /dev/null (no database
  # needed) catches truncated or damaged data too.
  out=$(pg_restore --file=/dev/null "$dump" 2>&1) || die "verification failed: pg_restore cannot read the data of $dump: $(printf '%s' "$out" | tail -n 3)"
  log "verified $dump: $entries table-of-contents entries, all data readable"
}

# plain_name ARTIFACT: the artifact's name without its encryption suffix.
plain_name() {
  local name=$1
  name=${name%.gpg}
  echo "${name%.age}"
}

# globals_name ARTIFACT: the name of the globals artifact written beside a database dump.
globals_name() {
  local name=$1 suffix=''
  case "$name" in *.gpg) suffix=.gpg ;; *.age) suffix=.age ;; esac
  echo "${name%%.dump*}.globals.sql$suffix"
}

# dump_database DB FORMAT JOBS LEVEL OUTDIR: pg_dump into OUTDIR/dump (custom format: a file; directory
# format: a directory written by JOBS parallel workers).
dump_database() {
  local db=$1 format=$2 jobs=$3 level=$4 out=$5/dump
  case "$format" in
    custom) pg_dump --format=custom --compress="$level" --file="$out" --dbname="$db" ;;
    directory) pg_dump --format=directory --jobs="$jobs" --compress="$level" --file="$out" --dbname="$db" ;;
    *) die "unknown dump format '$format' (use custom or directory)" ;;
  esac
}

# unpack_dump PLAIN WORKDIR: the path pg_restore reads for a decrypted artifact: the file itself (custom
# format), or the directory its tar holds (directory format; the tar is removed once unpacked).
unpack_dump() {
  local plain=$1 work=$2
  case "$plain" in
    *.tar)
      require_tools tar
      mkdir -p "$work/unpacked"
      tar --extract --no-same-owner --file="$plain" --directory="$work/unpacked" || die "cannot unpack $plain"
      rm -f "$plain"
      [ -f "$work/unpacked/dump/toc.dat" ] || die "$plain holds no directory-format dump (dump/toc.dat)"
      echo "$work/unpacked/dump"
      ;;
    *) echo "$plain" ;;
  esac
}

# restore_globals PLAIN_GLOBALS OWNER: apply a pg_dumpall --globals-only script to the connected cluster,
# in one transaction, before any database is restored (the dump's owners and grants name these roles).
# Roles that exist already are kept and altered (CREATE ROLE is skipped for them). The connected
# superuser's role is left alone, and OWNER (the chart's application role) keeps the password its
# Secret gives it: the Secrets of the cluster being restored stay the source of truth for the roles
# the chart manages; every other role gets its attributes, password hash and memberships back.
restore_globals() {
  local file=$1 owner=${2:-} qsuper qowner
  qsuper=$(psql --no-psqlrc -tA -v ON_ERROR_STOP=1 --dbname="${MAINTENANCE_DB:-postgres}" -c 'SELECT quote_ident(current_user)') || die "cannot reach PostgreSQL to restore the roles"
  qowner=''
  if [ -n "$owner" ]; then
    qowner=$(psql --no-psqlrc -tA -v ON_ERROR_STOP=1 --dbname="${MAINTENANCE_DB:-postgres}" --set=o="$owner" <<<"SELECT quote_ident(:'o');") || die "cannot quote the role name $owner"
  fi
  awk -v su="$qsuper" -v owner="$qowner" '
    index($0, "CREATE ROLE " su ";") == 1 { next }
    index($0, "ALTER ROLE " su " ") == 1 { next }
    /^CREATE ROLE / { print "DO $nexus_globals$ BEGIN " $0 " EXCEPTION WHEN duplicate_object THEN RAISE NOTICE '\''role exists, kept'\''; END $nexus_globals$;"; next }
    owner != "" && index($0, "ALTER ROLE " owner " WITH ") == 1 { gsub(/ PASSWORD '\''[^'\'']*'\''/, ""); print; next }
    { print }
  ' "$file" >"$file.apply" || die "cannot prepare $file"
  psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --single-transaction --dbname="${MAINTENANCE_DB:-postgres}" --file="$file.apply" >/dev/null ||
    die "restoring the roles and globals from $(basename "$file") failed; nothing was changed"
  rm -f "$file.apply"
  log "roles and globals restored from $(basename "$file")"
}

# scratch_restore DUMP JOBS [GLOBALS]: the restore test. It never touches the production server: a
# throw-away PostgreSQL is initialised inside this pod (the postgres image ships the server), on a Unix
# socket only, in a directory of the backup volume; the roles (GLOBALS) and the dump are restored into it
# with their owners and grants, then the server is stopped and its files removed.
scratch_restore() {
  local dump=$1 jobs=${2:-1} globals=${3:-} dir rc=0
  require_tools initdb pg_ctl pg_restore psql
  dir=$(mktemp -d "${BACKUP_DIR:-/tmp}/.partial/scratch.XXXXXX")
  initdb --pgdata="$dir/data" --username=postgres --auth=trust --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 ||
    { log "$(tail -n 5 "$dir/initdb.log")"; rm -rf "$dir"; die "restore test: initdb of the scratch server failed"; }
  mkdir -p "$dir/socket"
  pg_ctl --pgdata="$dir/data" --log="$dir/server.log" --wait --silent \
    --options="-c port=5432 -c listen_addresses='' -c unix_socket_directories='$dir/socket' -c dynamic_shared_memory_type=mmap -c fsync=off -c full_page_writes=off -c max_wal_size=4GB" start ||
    { log "$(tail -n 5 "$dir/server.log")"; rm -rf "$dir"; die "restore test: the scratch server did not start"; }
  (
    export PGHOST="$dir/socket" PGPORT=5432 PGUSER=postgres PGSSLMODE=disable MAINTENANCE_DB=postgres
    unset PGPASSWORD PGSSLROOTCERT PGDATABASE
    if [ -n "$globals" ]; then restore_globals "$globals" ""; fi
    createdb nexus_restore_test || exit 1
    args=(--exit-on-error --dbname=nexus_restore_test)
    if [ "$jobs" -gt 1 ] && [ -d "$dump" ]; then args+=(--jobs="$jobs"); else args+=(--single-transaction); fi
    # Without the roles, owners and grants cannot be restored: only the data and schema are tested.
    [ -n "$globals" ] || args+=(--no-owner --no-privileges)
    pg_restore "${args[@]}" "$dump"
  ) || rc=$?
  pg_ctl --pgdata="$dir/data" --mode=immediate --wait --silent stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  [ "$rc" -eq 0 ] || die "verification failed: $dump does not restore into a scratch server"
  log "restore test of $dump into a throw-away server succeeded${globals:+ (roles included)}"
}

# The success marker table the postgres_exporter query reads (in the maintenance database).
ensure_marker_table() {
  psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --dbname="${MAINTENANCE_DB:-postgres}" <<'SQL'
CREATE TABLE IF NOT EXISTS public.nexus_backup_status (
  database text PRIMARY KEY,
  last_success timestamptz NOT NULL,
  artifact text NOT NULL,
  size_bytes bigint NOT NULL,
  duration_seconds double precision NOT NULL
);
SQL
}
