#!/bin/sh
# Runs once, when the postgres volume is first initialised
# (docker-entrypoint-initdb.d). Creates:
#   arca_backup   the exporter's role: reads every tenant's rows, takes base
#                 backups (REPLICATION), no writes
#   arca          owner of the catalog database arca_catalog (coordinator,
#                 alerter)
#   app           an empty application database to back up
# Passwords come from the container's environment (.env).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v backup_pw="$ARCA_BACKUP_PASSWORD" -v catalog_pw="$ARCA_CATALOG_PASSWORD" <<'SQL'
CREATE ROLE arca_backup LOGIN REPLICATION PASSWORD :'backup_pw';
GRANT pg_read_all_data TO arca_backup;
CREATE ROLE arca LOGIN PASSWORD :'catalog_pw';
CREATE DATABASE arca_catalog OWNER arca;
CREATE DATABASE app;
SQL
