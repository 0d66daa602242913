#!/usr/bin/env bash
# Stored size, time and peak RSS of logical backups through `arca dev`, for
# two arca binaries run interleaved on the same generated database (#17):
# one large tenant (about LARGE_MB MB of CSV), a full dump, and that
# tenant's restore. pg_dump -Fc -Z9 of the same database is the reference.
#
#   go build -o /tmp/arca-new ./cmd/arca   # and an older build as /tmp/arca-old
#   BINS="/tmp/arca-old /tmp/arca-new" RUNS=2 LARGE_MB=100 scripts/bench-parts.sh
#
# Peak RSS is VmHWM of the arca dev process, reset (clear_refs 5) before each
# backup; the restore's is /usr/bin/time's maximum resident set size.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/grow-tenant.sh

PGHOST=${PGHOST:-127.0.0.1}; PGPORT=${PGPORT:-5432}; PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
BINS=${BINS:?set BINS to the arca binaries to compare}
RUNS=${RUNS:-2}
LARGE_MB=${LARGE_MB:-100}
DB=${DB:-arca_bench_parts}
WORK=$(mktemp -d /tmp/arca-bench-parts.XXXXXX)
export ARCA_SOURCE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
export ARCA_KEYRING_PASSPHRASE=$(head -c 24 /dev/urandom | base64)
export ARCA_CONFIG=$WORK/arca.yaml
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

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

t0=$(date +%s.%N); pg_dump -Fc -Z9 -f "$WORK/ref.dump" "$DB"; t1=$(date +%s.%N)
printf 'reference pg_dump -Fc -Z9: %.1f s, %d bytes\n' "$(echo "$t1 - $t0" | bc)" "$(stat -c %s "$WORK/ref.dump")"
rm -f "$WORK/ref.dump"

stored() { find "$1/bucket" -path "*/$2/*" -name data.arca -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
secs() { echo "$2 - $1" | bc; }

run() { # binary, run number
  local bin=$1 dir=$WORK/$(basename "$1")-$2
  mkdir -p "$dir"
  # A catalog of its own: a shared one would take the other run's backups for ones in flight.
  psql -qX -d postgres -c "DROP DATABASE IF EXISTS ${DB}_catalog WITH (FORCE)" -c "CREATE DATABASE ${DB}_catalog" >/dev/null
  export ARCA_CATALOG_URL="postgres://$PGUSER@$PGHOST:$PGPORT/${DB}_catalog?sslmode=disable"
  export ARCA_DIR=$dir ARCA_METRICS_ADDR=127.0.0.1:$(port) ARCA_API_ADDR=127.0.0.1:$(port) ARCA_API_TOKEN=bench-token-0123456789
  "$bin" dev >"$dir/dev.log" 2>&1 &
  local dev=$!
  for _ in $(seq 1 300); do grep -q ready "$dir/dev.log" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$dir/dev.log" || { cat "$dir/dev.log" >&2; kill $dev; return 1; }
  local idle; idle=$(awk '/VmRSS/ {print $2}' /proc/$dev/status)
  echo 5 >/proc/$dev/clear_refs
  local a b c d
  a=$(date +%s.%N); "$bin" backup tenant casa-01 --wait --timeout 20m >/dev/null 2>>"$dir/cli.log"; b=$(date +%s.%N)
  local hwm_t; hwm_t=$(awk '/VmHWM/ {print $2}' /proc/$dev/status)
  echo 5 >/proc/$dev/clear_refs
  c=$(date +%s.%N); "$bin" backup full --wait --timeout 20m >/dev/null 2>>"$dir/cli.log"; d=$(date +%s.%N)
  local hwm_f; hwm_f=$(awk '/VmHWM/ {print $2}' /proc/$dev/status)
  kill $dev; wait $dev 2>/dev/null || true
  local e f rss_r
  e=$(date +%s.%N)
  local schema; schema="bench_$(basename "$bin" | tr -c 'a-z0-9\n' _)_$2"
  /usr/bin/time -f '%M' -o "$dir/restore.rss" "$bin" restore tenant --tenant casa-01 --latest --into-schema "$schema" >/dev/null 2>>"$dir/cli.log"
  f=$(date +%s.%N)
  # The next run dumps the same database: without the restored copy.
  psql -qX -d "$DB" -c "DROP SCHEMA \"$schema\" CASCADE" >/dev/null
  rss_r=$(cat "$dir/restore.rss")
  printf '%s run %s: tenant %.1f s %d bytes peak %d MiB | full %.1f s %d bytes peak %d MiB | restore %.1f s peak %d MiB | idle %d MiB\n' \
    "$(basename "$bin")" "$2" "$(secs "$a" "$b")" "$(stored "$dir" tenants)" $((hwm_t / 1024)) \
    "$(secs "$c" "$d")" "$(stored "$dir" full)" $((hwm_f / 1024)) "$(secs "$e" "$f")" $((rss_r / 1024)) $((idle / 1024))
  rm -rf "$dir"
}

for r in $(seq 1 "$RUNS"); do
  for bin in $BINS; do run "$bin" "$r"; done
done
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS ${DB}_catalog WITH (FORCE)" >/dev/null
rm -rf "$WORK"
