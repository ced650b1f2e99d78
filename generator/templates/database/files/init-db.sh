#!/bin/bash
# First-start initialisation (run once by the postgres image's entrypoint from
# /docker-entrypoint-initdb.d): the application role owns the application database, and the backup
# marker table exists so the exporter's backup query works before the first backup.
set -euo pipefail
. "${NEXUS_SCRIPTS:-/scripts}/lib.sh"

: "${APP_DB_USER:?APP_DB_USER is required}"
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}"
: "${POSTGRES_DB:?POSTGRES_DB is required}"
psql --no-psqlrc -v ON_ERROR_STOP=1 --dbname=postgres --set=user="$APP_DB_USER" --set=pass="$APP_DB_PASSWORD" --set=db="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'user', :'pass')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'user') \gexec
SQL
ensure_marker_table
log "application role $APP_DB_USER owns database $POSTGRES_DB"
