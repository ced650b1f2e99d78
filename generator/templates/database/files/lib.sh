#!/bin/bash
# Shared functions of the database scripts (sourced by backup.sh, verify.sh, restore.sh, init-db.sh).
# Connection settings come from the libpq environment: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE.

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

# encrypt_to METHOD PUBLIC_KEY_FILE IN OUT: encrypt IN to the public key (GnuPG key or age recipients).
encrypt_to() {
  local method=$1 key=$2 in=$3 out=$4
  [ -s "$key" ] || die "public key file '$key' is missing or empty"
  case "$method" in
    gpg)
      require_tools gpg
      local home
      home=$(mktemp -d)
      gpg --batch --quiet --homedir "$home" --trust-model always --recipient-file "$key" --output "$out" --encrypt "$in" ||
        { rm -rf "$home"; die "gpg could not encrypt $in"; }
      rm -rf "$home"
      ;;
    age)
      require_tools age
      age --encrypt --recipients-file "$key" --output "$out" "$in" || die "age could not encrypt $in"
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

# scratch_restore PLAIN_DUMP: restore into a throw-away database, then drop it.
scratch_restore() {
  local dump=$1 scratch
  require_tools createdb dropdb pg_restore
  scratch="nexus_verify_$(date -u +%Y%m%d%H%M%S)_$$"
  createdb --maintenance-db="${MAINTENANCE_DB:-postgres}" "$scratch" || die "cannot create the scratch database $scratch"
  if ! pg_restore --exit-on-error --no-owner --no-privileges --dbname="$scratch" "$dump"; then
    dropdb --if-exists --maintenance-db="${MAINTENANCE_DB:-postgres}" "$scratch" || true
    die "verification failed: $dump does not restore into a scratch database"
  fi
  dropdb --maintenance-db="${MAINTENANCE_DB:-postgres}" "$scratch" || die "cannot drop the scratch database $scratch"
  log "scratch restore of $dump succeeded"
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
