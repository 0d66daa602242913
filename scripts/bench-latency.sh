#!/usr/bin/env bash
# The largest tenant's backup end to end, many times over (#17: "the largest
# tenant ≤ 0.67 × the plan's chain"): the plan's chain for casa-01 and
# `arca backup tenant casa-01 --wait` of one or more arca builds, each in its
# own `arca dev`, interleaved round by round; p50 and p90 of each.
#
#   go build -o /tmp/arca-new ./cmd/arca    # and an older build as /tmp/arca-old
#   BINS="/tmp/arca-old /tmp/arca-new" N=10 ROUNDS=2 scripts/bench-latency.sh
#
# It uses the database scripts/bench-compare.sh built (run that once first;
# BENCH_DIR as there) and starts the same services: the private PostgreSQL
# cluster, versitygw over https, arca dev on the bucket "arca". TRACE=1 runs
# arca dev and the CLI with OTEL_TRACES_EXPORTER=console, the spans kept in
# $BENCH_DIR/latency/<build>-<round>.{dev,cli}.json.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=${BENCH_DIR:-$ROOT/.arca-bench}
BINS=${BINS:-$ROOT/bin/arca}
N=${N:-10}
ROUNDS=${ROUNDS:-2}
LARGEST=${LARGEST:-casa-01}
PGBIN=${ARCA_PG_BINDIR:-/usr/lib/postgresql/15/bin}
GOBIN=$(go env GOBIN); GOBIN=${GOBIN:-$(go env GOPATH)/bin}
VERSITYGW=$(command -v versitygw || echo "$GOBIN/versitygw")
TABLES="buildings beds residents medications prescriptions daily_records vital_signs"

BENCH_NAME=bench-latency
# shellcheck source=lib/bench.sh
. scripts/lib/bench.sh
[ -f "$STATE/pg/PG_VERSION" ] || die "no database in $STATE: run scripts/bench-compare.sh first (BENCH_DIR)"
[ -x "$VERSITYGW" ] || die "versitygw missing: make services"
W=$STATE/latency
rm -rf "$W" "$STATE/s3-latency"; mkdir -p "$W" "$STATE/s3-latency"
own "$W"

MAIN=$BASHPID
cleanup() {
  [ "$BASHPID" = "$MAIN" ] || return 0
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PGPORT=$(freeport)
export PGHOST=$STATE PGPORT PGUSER=postgres
sed -i "s|^port = .*||" "$STATE/pg/postgresql.conf"; echo "port = $PGPORT" >>"$STATE/pg/postgresql.conf"
asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -l "$W/pg.log" -w start >/dev/null
# No archiving here: only the logical path is measured.
psql -q -d postgres -c "ALTER SYSTEM SET archive_command = 'true'" -c "SELECT pg_reload_conf()" >/dev/null
# The tenant column indexed, as bench-compare measures it (scripts/bench-ab.sh
# drops the indexes by default): BENCH_NO_INDEX=1 for the other case.
for tb in $TABLES; do
  if [ "${BENCH_NO_INDEX:-0}" = 1 ]; then psql -qd care -c "DROP INDEX IF EXISTS public.\"${tb}_tenantId_idx\"" >/dev/null
  else psql -qd care -c "CREATE INDEX IF NOT EXISTS \"${tb}_tenantId_idx\" ON public.$tb (\"tenantId\")" >/dev/null; fi
done

start_s3 "$STATE/s3-latency" "$W/versitygw.log"
"$S3COPY" mb plan
export BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export ARCA_KEYRING_PASSPHRASE=$(head -c 24 /dev/urandom | base64)

# plan_tenant (scripts/lib/bench.sh): the plan's TenantBackupService.backupTenant.
PLAN_WORK=$W

# One arca build: its own bucket, catalog and keyring; arca dev; N backups.
arca_round() { # binary round
  local bin=$1 r=$2 name; name=$(basename "$1")
  local d=$W/$name-$r bucket; bucket=$(echo "arca-$name-$r" | tr -c 'a-z0-9-\n' -)
  mkdir -p "$d"
  "$S3COPY" mb "$bucket"
  psql -q -d postgres -c "DROP DATABASE IF EXISTS lat_catalog WITH (FORCE)" -c "CREATE DATABASE lat_catalog" >/dev/null
  arca_config "$d/arca.yaml" "$bucket" lat_catalog "$d/arca"
  "$bin" keys init >"$d/keys.log" 2>&1 || die "$name keys init: $(cat "$d/keys.log")"
  local trace=()
  [ "${TRACE:-0}" = 0 ] || trace=(env OTEL_TRACES_EXPORTER=console OTEL_BSP_SCHEDULE_DELAY=200)
  start_dev "$W/$name-$r.dev.json" "$d/dev.log" 1200 "${trace[@]}" "$bin" dev
  "$bin" backup tenant "$LARGEST" --wait >/dev/null 2>>"$d/cli.log" # warm-up, not counted
  local i t0 t1
  for i in $(seq "$N"); do
    t0=$(now)
    "${trace[@]}" "$bin" backup tenant "$LARGEST" --wait >>"$W/$name-$r.cli.json" 2>>"$d/cli.log" || die "$name: backup failed: $d/cli.log"
    t1=$(now)
    echo "$name $(echo "$t1 - $t0" | bc) $(load)" >>"$W/results"
  done
  kill "$DEV"; wait "$DEV" 2>/dev/null || true
}

: >"$W/results"
for r in $(seq "$ROUNDS"); do
  log "round $r of $ROUNDS: the plan's chain"
  plan_tenant "$LARGEST" # warm-up, not counted
  for i in $(seq "$N"); do
    t0=$(now); plan_tenant "$LARGEST"; t1=$(now)
    echo "plan $(echo "$t1 - $t0" | bc) $(load)" >>"$W/results"
  done
  for bin in $BINS; do log "round $r of $ROUNDS: $(basename "$bin")"; arca_round "$bin" "$r"; done
done

# p50 and p90 per side, and each build's p50 ÷ the plan's p50.
echo "| side | n | p50 | p90 | mean | p50 ÷ plan p50 | load |"
echo "|---|---|---|---|---|---|---|"
sides="plan"; for bin in $BINS; do sides="$sides $(basename "$bin")"; done
pp50=$(awk '$1 == "plan" {print $2}' "$W/results" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
for s in $sides; do
  awk -v s="$s" '$1 == s {print $2, $3}' "$W/results" | sort -n | awk -v s="$s" -v pp="$pp50" '
    { t[NR] = $1; sum += $1; l = l (l ? "/" : "") $2; if (!lo || $2 < lo) lo = $2; if ($2 > hi) hi = $2 }
    END { p50 = t[int((NR + 1) / 2)]; p90 = t[int(NR * 0.9 + 0.999)]
      printf "| %s | %d | %.2f s | %.2f s | %.2f s | %.2f | %.1f–%.1f |\n", s, NR, p50, p90, sum / NR, p50 / pp, lo, hi }'
done
