#!/bin/bash
# Pre-upgrade hook: makes the application role's password the one in the Secret, before PgBouncer and
# the application roll with it. Nothing happens when the role already logs in with it (the usual
# upgrade). PostgreSQL checks a password only at login: sessions already open keep running, new
# logins need the new password, and the old one is refused from here on.
# Logs in as the superuser (ALTER ROLE on another role needs it, or CREATEROLE, which in PostgreSQL
# 15 can also grant itself most of what a superuser has), with statement logging off for the session
# so the password never reaches the server log.
# Environment: PGHOST, PGPORT, PGSSLMODE (libpq); PGUSER/PGPASSWORD the superuser; APP_DB_USER,
#   APP_DB_PASSWORD (the new password), POSTGRES_DB.
set -euo pipefail
. "${NEXUS_SCRIPTS:-/scripts}/lib.sh"

: "${APP_DB_USER:?APP_DB_USER is required}"
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}"
: "${POSTGRES_DB:?POSTGRES_DB is required}"

app_login() {
  PGUSER="$APP_DB_USER" PGPASSWORD="$APP_DB_PASSWORD" psql --no-psqlrc -qtA --dbname="$POSTGRES_DB" -c 'SELECT 1' >/dev/null 2>&1
}

if app_login; then
  log "role $APP_DB_USER already logs in with the Secret's password: nothing to rotate"
  exit 0
fi
out=$(psql --no-psqlrc -qtA -v ON_ERROR_STOP=1 --dbname=postgres -c 'SELECT 1' 2>&1) ||
  die "cannot log in as the superuser $PGUSER to rotate the password of $APP_DB_USER: $out (the superuser password in the Secret must be the database's; rotate it separately)"
psql --no-psqlrc -q -v ON_ERROR_STOP=1 --dbname=postgres --set=user="$APP_DB_USER" --set=pass="$APP_DB_PASSWORD" <<'SQL'
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = 'panic';
SELECT format('ALTER ROLE %I PASSWORD %L', :'user', :'pass')
WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SQL
app_login || die "role $APP_DB_USER still cannot log in with the Secret's password after ALTER ROLE (does the role exist? is it allowed by pg_hba.conf?)"
log "password of role $APP_DB_USER set from the Secret: open sessions keep running, new logins use the new password"
