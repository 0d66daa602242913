#!/usr/bin/env bash
# Two arca builds interleaved on the logical half of make bench-compare: in
# each round, for each build in turn, `arca dev` of that build is started on
# the same PostgreSQL and versitygw, one full logical backup and all tenants
# are backed up (`--wait`), and arca dev is stopped. Prints one line per
# measurement and, per build, each round's all-tenants ÷ full ratio and the
# ratio of the sums, in time and in CPU seconds (arca dev with its pg_dump,
# the PostgreSQL cluster's processes, versitygw: what the work costs, which
# a loaded machine's noise touches less than the time).
#
#   BENCH_A=bin/arca-before BENCH_B=bin/arca  the two builds (B optional)
#   BENCH_ROUNDS=5      rounds (A, B in odd rounds, B, A in even ones)
#   BENCH_SIZE=250 BENCH_TENANTS=50 BENCH_NO_INDEX=1 BENCH_BATCH=16
#   BENCH_DIR=.arca-bench-ab  state (the database is kept between runs of
#                       the same size and tenants, as bench-compare.sh does)
#   BENCH_BLOB_MB=0     MiB of base64 of random bytes each tenant also holds,
#                       in public.attachments: large tenants that compress
#                       poorly (a batch member's parts are then full size)
#   BENCH_FULL=1        0: all tenants only, so that arca dev's peak RSS is
#                       theirs (no ratios then)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE=${BENCH_SIZE:-250}
TENANTS=${BENCH_TENANTS:-50}
ROUNDS=${BENCH_ROUNDS:-5}
STATE=${BENCH_DIR:-$ROOT/.arca-bench-ab}
NO_INDEX=${BENCH_NO_INDEX:-1}
BATCH=${BENCH_BATCH:-16}
BLOB_MB=${BENCH_BLOB_MB:-0}
FULL=${BENCH_FULL:-1}
[ "$BLOB_MB" = 0 ] || SHAPE_EXTRA=-blob$BLOB_MB
PGBIN=${ARCA_PG_BINDIR:-/usr/lib/postgresql/15/bin}
A=${BENCH_A:?BENCH_A: an arca build}
B=${BENCH_B:-}
GOBIN=$(go env GOBIN); GOBIN=${GOBIN:-$(go env GOPATH)/bin}
VERSITYGW=$(command -v versitygw || echo "$GOBIN/versitygw")

BENCH_NAME=bench-ab
# shellcheck source=lib/bench.sh
. scripts/lib/bench.sh
for x in "$A" ${B:+"$B"}; do [ -x "$x" ] || die "$x missing"; done
[ -x "$VERSITYGW" ] || die "versitygw missing: make services"
command -v jq >/dev/null || die "jq missing"

MAIN=$BASHPID
cleanup() {
  [ "$BASHPID" = "$MAIN" ] || return 0
  [ -f "$STATE/pg/postmaster.pid" ] && asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -m fast -t 60 stop >/dev/null 2>&1
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

reuse_state
mkdir -p "$STATE"/{s3,tls}
chmod 700 "$STATE"; own "$STATE"
PGPORT=$(freeport)
export PGHOST=$STATE PGPORT PGUSER=postgres
start_s3 "$STATE/s3" "$STATE/versitygw.log"
export ARCA_KEYRING_PASSPHRASE=$(head -c 24 /dev/urandom | base64)

if [ "$KEEP_DB" = 0 ]; then
  asserver "$PGBIN/initdb" -D "$STATE/pg" -U postgres -A trust --no-sync >/dev/null
  cat >>"$STATE/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
shared_buffers = 256MB
max_wal_size = 4GB
checkpoint_timeout = 30min
EOF
fi
sed -i "s|^port = .*||; s|^unix_socket_directories = .*||" "$STATE/pg/postgresql.conf"
echo "port = $PGPORT" >>"$STATE/pg/postgresql.conf"
echo "unix_socket_directories = '$STATE'" >>"$STATE/pg/postgresql.conf"
asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w start >/dev/null
if [ "$KEEP_DB" = 0 ]; then
  residents=$(( (SIZE - 8) * 23 / 2 ))
  log "building the care-home database: $SIZE MB, $TENANTS tenants"
  psql -qd postgres -c "CREATE DATABASE care"
  psql -qd care -v tenants="$TENANTS" -v residents="$residents" -f scripts/bench-data.sql >/dev/null
  if [ "$BLOB_MB" != 0 ]; then
    log "adding $BLOB_MB MiB of random base64 to each tenant"
    psql -qd care -c "CREATE EXTENSION IF NOT EXISTS pgcrypto" -c "CREATE TABLE public.attachments (
      id bigserial PRIMARY KEY, \"tenantId\" text NOT NULL REFERENCES public.tenants(id),
      data text NOT NULL, \"createdAt\" timestamptz NOT NULL DEFAULT '2024-01-01')"
    # 3 KiB of random bytes a row, 4 KiB of base64.
    psql -qd care -c "INSERT INTO public.attachments (\"tenantId\", data)
      SELECT t.id, encode(gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024), 'base64')
      FROM public.tenants t, generate_series(1, $BLOB_MB * 256) g" >/dev/null
  fi
  psql -qd postgres -c "CHECKPOINT"
  echo "$SHAPE" >"$STATE/shape"
fi
for tb in buildings beds residents medications prescriptions daily_records vital_signs; do
  if [ "$NO_INDEX" = 1 ]; then psql -qd care -c "DROP INDEX IF EXISTS public.\"${tb}_tenantId_idx\"" >/dev/null
  else psql -qd care -c "CREATE INDEX IF NOT EXISTS \"${tb}_tenantId_idx\" ON public.$tb (\"tenantId\")" >/dev/null; fi
done

# Each build its own bucket, catalog and state; one keyring per build.
setup_build() { # name
  local n=$1
  mkdir -p "$STATE/$n/arca"; own "$STATE/$n"
  "$S3COPY" mb "arca-$n"
  psql -qd postgres -c "DROP DATABASE IF EXISTS catalog_$n" -c "CREATE DATABASE catalog_$n"
}
use_build() { # name binary
  arca_config "$STATE/$1/arca.yaml" "arca-$1" "catalog_$1" "$STATE/$1/arca" "$BATCH"
  ARCA=$2
}
setup_build a; [ -z "$B" ] || setup_build b
use_build a "$A"; "$ARCA" keys init >"$STATE/a/keys.log" 2>&1 || die "keys init: $(cat "$STATE/a/keys.log")"
if [ -n "$B" ]; then use_build b "$B"; "$ARCA" keys init >"$STATE/b/keys.log" 2>&1 || die "keys init: $(cat "$STATE/b/keys.log")"; fi

RESULTS=$STATE/results
: >"$RESULTS"
# cpu PID...: CPU seconds of each process and of the children it has
# reaped (arca dev's pg_dump; the postmaster's backends), plus its live
# children's: what the work cost whatever the machine's load.
cpu() {
  local p c t=0
  for p in "$@"; do
    t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat")))
    for c in $(pgrep -P "$p"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  done
  echo "scale=2; $t / $(getconf CLK_TCK)" | bc
}
timed() { # build what command...
  local b=$1 what=$2 l t0 t1 c0 c1 a0 p0 pm; shift 2
  pm=$(head -1 "$STATE/pg/postmaster.pid")
  l=$(load); t0=$(now); c0=$(cpu "$DEV" "$pm" "${PIDS[0]}"); a0=$(cpu "$DEV"); p0=$(cpu "$pm")
  "$@" >>"$STATE/$b/$what.log" 2>&1 || die "$what ($b) failed: $STATE/$b/$what.log"
  t1=$(now); c1=$(cpu "$DEV" "$pm" "${PIDS[0]}")
  echo "$b $what $(echo "$t1 - $t0" | bc) $l $(echo "$c1 - $c0" | bc)" >>"$RESULTS"
  log "$b $what: $(printf %.2f "$(echo "$t1 - $t0" | bc)") s, CPU $(echo "$c1 - $c0" | bc) s (arca dev $(echo "$(cpu "$DEV") - $a0" | bc), PostgreSQL $(echo "$(cpu "$pm") - $p0" | bc)) (load $l)"
}
run_build() { # name binary
  # A fresh catalog and NATS store each time: arca dev stopped right after
  # --wait returns may not have recorded every outcome, and a backup it
  # still counts in flight would be skipped by the next run.
  rm -rf "$STATE/$1/arca"; mkdir -p "$STATE/$1/arca"; own "$STATE/$1/arca"
  psql -qd postgres -c "DROP DATABASE IF EXISTS catalog_$1 WITH (FORCE)" -c "CREATE DATABASE catalog_$1"
  use_build "$1" "$2"
  : >"$STATE/$1/dev.log"   # start_dev looks for "ready" in it, maybe before arca dev truncates it
  start_dev "$STATE/$1/dev.log" "$STATE/$1/dev.log" 600 "$ARCA" dev
  for _ in $(seq 100); do [ -s "$STATE/$1/arca/nats.url" ] && break; sleep 0.1; done
  [ "$FULL" = 0 ] || timed "$1" full "$ARCA" backup full --wait --timeout 30m
  timed "$1" tenants "$ARCA" backup tenant all --wait --timeout 30m
  local rss; rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$DEV/status")
  echo "$1 rss $rss" >>"$RESULTS"
  log "$1 arca dev peak RSS $rss MiB"
  kill "$DEV"; wait "$DEV" 2>/dev/null || true
  while kill -0 "$DEV" 2>/dev/null; do sleep 0.1; done
}
for r in $(seq "$ROUNDS"); do
  log "round $r of $ROUNDS"
  if [ -z "$B" ]; then run_build a "$A"
  elif [ $((r % 2)) = 1 ]; then run_build a "$A"; run_build b "$B"
  else run_build b "$B"; run_build a "$A"; fi
done

# Per build: the peak RSS of each round; without the full backup, all
# tenants' times.
awk '$2 == "rss" {r[$1] = r[$1] " " $3} $2 == "tenants" {t[$1] = t[$1] sprintf(" %.2f", $3)}
  END {for (b in r) printf "%s: peak RSS (MiB)%s; all tenants (s)%s\n", b, r[b], t[b]}' "$RESULTS"
[ "$FULL" = 1 ] || exit 0
# Per build: each round's ratio, then the ratio of the sums.
awk '$2 != "rss" {t[$1, $2, ++n[$1, $2]] = $3; l[$1] = l[$1] " " $4; c[$1, $2] += $5}
  END {
    for (b in l) {
      line = b ":"; sf = 0; st = 0
      for (i = 1; i <= n[b, "full"]; i++) {
        line = line sprintf(" %.2f/%.2f=%.2f", t[b, "tenants", i], t[b, "full", i], t[b, "tenants", i] / t[b, "full", i])
        sf += t[b, "full", i]; st += t[b, "tenants", i]
      }
      printf "%s; sums %.2f/%.2f = %.2f x; CPU sums %.2f/%.2f = %.2f x; loads%s\n", line, st, sf, st / sf, c[b, "tenants"], c[b, "full"], c[b, "tenants"] / c[b, "full"], l[b]
    }
  }' "$RESULTS"
