#!/usr/bin/env bash
# Peak RSS and time of `arca restore tenant` for several arca binaries run
# interleaved on the same backup (#17.3: the restore command ≤ 100 MB
# whatever the tenant's size). The database is the demo's, casa-01 grown to
# about LARGE_MB MB of CSV (as scripts/bench-parts.sh grows it); the first
# binary's `arca dev` backs it up once, then every binary restores it RUNS
# times into a schema of its own.
#
#   go build -o /tmp/arca-new ./cmd/arca   # and an older build as /tmp/arca-old
#   BINS="/tmp/arca-old /tmp/arca-new" RUNS=3 LARGE_MB=300 scripts/bench-restore-rss.sh
#
# Peak RSS is /usr/bin/time's maximum resident set size (VmHWM at exit).
# The binary's pages are dropped from the page cache before each restore:
# how many of them a fault maps (RssFile) depends on how they came into the
# cache (written by the build or read back: folio sizes), 29–36 MiB for the
# same code, as much as the figures compared.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/grow-tenant.sh

PGHOST=${PGHOST:-127.0.0.1}; PGPORT=${PGPORT:-5432}; PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
BINS=${BINS:?set BINS to the arca binaries to compare}
RUNS=${RUNS:-3}
LARGE_MB=${LARGE_MB:-300}
DB=${DB:-arca_bench_restore}
WORK=$(mktemp -d /tmp/arca-bench-restore.XXXXXX)
export ARCA_SOURCE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
export ARCA_CATALOG_URL="postgres://$PGUSER@$PGHOST:$PGPORT/${DB}_catalog?sslmode=disable"
export ARCA_KEYRING_PASSPHRASE=$(head -c 24 /dev/urandom | base64)
export ARCA_CONFIG=$WORK/arca.yaml ARCA_DIR=$WORK
evict() { python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$1"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() {
  [ -z "${DEV:-}" ] || { kill "$DEV" 2>/dev/null; wait "$DEV" 2>/dev/null || true; }
  psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS ${DB}_catalog WITH (FORCE)" >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$ARCA_CONFIG" <<YAML
tenancy:
  tenant_table: {table: public.tenants, key: id, schema_column: schemaName}
  tenant_columns: ["tenantId"]
  shared_schemas: [public]
store:
  kind: fs
  prefix: bench
YAML

grow_casa01 "$DB" "$LARGE_MB"
psql -qX -d postgres -c "DROP DATABASE IF EXISTS ${DB}_catalog WITH (FORCE)" -c "CREATE DATABASE ${DB}_catalog" >/dev/null

first=${BINS%% *}
export ARCA_METRICS_ADDR=127.0.0.1:$(port) ARCA_API_ADDR=127.0.0.1:$(port) ARCA_API_TOKEN=bench-token-0123456789
"$first" dev >"$WORK/dev.log" 2>&1 &
DEV=$!
for _ in $(seq 1 300); do grep -q ready "$WORK/dev.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/dev.log" || { cat "$WORK/dev.log" >&2; exit 1; }
"$first" backup tenant casa-01 --wait --timeout 30m >/dev/null
kill "$DEV"; wait "$DEV" 2>/dev/null || true; DEV=
find "$WORK/bucket" -name data.arca -printf '%s\n' | awk '{s+=$1} END {printf "stored: %.1f MB\n", s / 1e6}' >&2

for r in $(seq 1 "$RUNS"); do
  for bin in $BINS; do
    schema="bench_$(basename "$bin" | tr -c 'a-z0-9\n' _)_$r"
    evict "$bin"
    s=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$WORK/restore.rss" "$bin" restore tenant --tenant casa-01 --latest --into-schema "$schema" >/dev/null 2>>"$WORK/cli.log" ||
      { cat "$WORK/cli.log" >&2; exit 1; }
    e=$(date +%s.%N)
    rows=$(psql -XAt -d "$DB" -c "SELECT count(*) FROM \"$schema\".care_notes")
    psql -qX -d "$DB" -c "SET client_min_messages = warning" -c "DROP SCHEMA \"$schema\" CASCADE" >/dev/null
    printf '%s run %s: restore %.1f s, %s care_notes rows, peak RSS %.1f MiB (load %s)\n' "$(basename "$bin")" "$r" \
      "$(echo "$e - $s" | bc)" "$rows" "$(echo "$(cat "$WORK/restore.rss") / 1024" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
