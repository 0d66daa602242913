#!/bin/sh
# Runs once, when the postgres volume is first initialised
# (docker-entrypoint-initdb.d). Creates the roles generated from
# cmd/arca/internal/grants (deploy/grants/postgres.sql, mounted at
# /arca-grants/postgres.sql):
#   arca_backup   the exporter's role: reads every tenant's rows (sessions
#                 read-only by default), takes base backups (REPLICATION)
#   arca          owner of the catalog database arca_catalog (coordinator,
#                 alerter)
#   arca_drill    the verifier's drills: creates scratch databases only
#   arca_restore  the operator's restores: the only role that writes
# and an empty application database, app, to back up.
# Passwords come from the container's environment (.env).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v arca_backup_pw="$ARCA_BACKUP_PASSWORD" -v arca_pw="$ARCA_CATALOG_PASSWORD" \
  -v arca_drill_pw="$ARCA_DRILL_PASSWORD" -v arca_restore_pw="$ARCA_RESTORE_PASSWORD" \
  -f /arca-grants/postgres.sql
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c 'CREATE DATABASE app'
