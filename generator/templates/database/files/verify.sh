#!/bin/bash
# Verify a dump in the backup volume: checksum, then (when it can be read) pg_restore --list, a full read
# and an optional restore test into a throw-away server in this pod (RESTORE_TEST=true; with the roles
# of the globals file beside the dump). Encrypted dumps are read with DECRYPT_KEY_FILE; without a key
# only the checksum is checked. Exits non-zero with an ERROR line on any failure.
#   verify.sh FILE      (FILE: a path, or a name inside BACKUP_DIR)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: verify.sh DUMP_FILE"
file=$1
[ -f "$file" ] || file="${BACKUP_DIR:-/backups}/$1"
[ -f "$file" ] || die "no such dump: $1"

check_checksum "$file"
case "$file" in
  *.gpg | *.age)
    if [ -z "${DECRYPT_KEY_FILE:-}" ]; then
      log "checksum of $file is correct; set DECRYPT_KEY_FILE to check its contents too"
      exit 0
    fi
    ;;
esac
# Work on the backup volume, not the pod's ephemeral storage: a decrypted dump is as big as the dump.
mkdir -p "${BACKUP_DIR:-/backups}/.partial"
work=$(mktemp -d "${BACKUP_DIR:-/backups}/.partial/verify.XXXXXX")
trap 'rm -rf "$work"' EXIT
plain="$work/$(plain_name "$(basename "$file")")"
decrypt_to "${DECRYPT_KEY_FILE:-}" "$file" "$plain"
restorable=$(unpack_dump "$plain" "$work")
verify_dump "$restorable"
if is_true "${RESTORE_TEST:-false}"; then
  globals="$(dirname "$file")/$(globals_name "$(basename "$file")")"
  if [ -f "$globals" ]; then
    check_checksum "$globals"
    decrypt_to "${DECRYPT_KEY_FILE:-}" "$globals" "$work/globals.sql"
    globals="$work/globals.sql"
  else
    globals=''
  fi
  scratch_restore "$restorable" "${RESTORE_JOBS:-1}" "$globals"
fi
log "dump $(basename "$file") is valid"
