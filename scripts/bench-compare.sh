#!/usr/bin/env bash
# make bench-compare (#17 item 7): the plan's own backup chain, pgBackRest and
# Arca on the same care-home database, interleaved (baseline, Arca, baseline,
# Arca), and the table of issue #17 written into docs/benchmarks.md.
#
#   BENCH_SIZE=250      database size in MB (the issue's figure: 951)
#   BENCH_TENANTS=50    homes; casa-01 is the largest, about a tenth of the data
#   BENCH_ROUNDS=2      interleaved rounds of each comparison
#   BENCH_WAL_SECONDS=15  pgbench run whose WAL the PITR restores replay
#   BENCH_DIR=.arca-bench  state (removed at the start of a run; the database
#                       is kept between runs of the same size and tenants)
#   BENCH_OUT=docs/benchmarks.md  where the table goes ("-": stdout only)
#   BENCH_ONLY=logical|physical   one half only
#   BENCH_PGBR_BUNDLE=n pgBackRest's repo1-bundle (2.45's default n: one object per file)
#   BENCH_NO_INDEX=1    drop the "tenantId" indexes for this run (each tenant's
#                       own COPY then scans every table; recreated otherwise)
#   BENCH_BATCH=16      Arca's pipeline.batch_size: tenants one export batch
#                       reads together (1: every tenant alone, as before #17.6)
#
# Everything runs on loopback, started here: a private PostgreSQL 15 cluster
# (archiving on; archive_command pushes every segment with arca wal-push and
# pgbackrest archive-push), versitygw over https (a local CA from
# deploy/tls/gen-certs.sh) as the S3 of all three, and arca dev (embedded NATS,
# every stage) for the logical backups.
#
# The baseline is written from the plan's scripts (shared/seed/backup-strategy.md):
#   full:   pg_dump --format=custom --compress=9 --file; md5sum; openssl enc
#           -aes-256-cbc -salt -pass env:...; PUT
#   tenant: one session, per table \copy (SELECT * ... WHERE "tenantId" = $1
#           ORDER BY "createdAt") TO csv WITH CSV HEADER; README; tar -czf;
#           md5sum; openssl; PUT; tenant after tenant
#   tenant restore: GET; openssl -d; tar -xzf; \copy FROM each csv in one
#           transaction (the plan's import-tenant-backup.sh), into a database
#           holding the schema
# The PUT and GET are s3copy (cmd/arca/internal/bench/s3copy): the AWS Go SDK's
# PutObject/GetObject, as the plan's service calls the SDK in process, rather
# than the aws CLI whose Python start-up (~0.5 s) would be charged per tenant.
# pgBackRest (Debian's 2.45, installed with apt-get when missing): process-max=2,
# compress-type=zst, repo1-cipher-type=aes-256-cbc, an S3 repository over TLS
# (TLS, not verified: 2.45 cannot match an IP address), start-fast=y; Arca: arca backup base --fast-checkpoint.
# PITR restores run to the end of the archive and are timed until the server
# accepts a write (CREATE TABLE), both started the same way (archive_mode=off).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE=${BENCH_SIZE:-250}
TENANTS=${BENCH_TENANTS:-50}
ROUNDS=${BENCH_ROUNDS:-2}
WAL_SECONDS=${BENCH_WAL_SECONDS:-15}
STATE=${BENCH_DIR:-$ROOT/.arca-bench}
OUT=${BENCH_OUT:-docs/benchmarks.md}
ONLY=${BENCH_ONLY:-}
NO_INDEX=${BENCH_NO_INDEX:-0}
BATCH=${BENCH_BATCH:-16}
PGBIN=${ARCA_PG_BINDIR:-/usr/lib/postgresql/15/bin}
ARCA=${BENCH_ARCA:-$ROOT/bin/arca}  # BENCH_ARCA: another build (before/after runs)
GOBIN=$(go env GOBIN); GOBIN=${GOBIN:-$(go env GOPATH)/bin}
VERSITYGW=$(command -v versitygw || echo "$GOBIN/versitygw")
LARGEST=casa-01

BENCH_NAME=bench-compare
# shellcheck source=lib/bench.sh
. scripts/lib/bench.sh
[ -x "$ARCA" ] || die "$ARCA missing: make build"
[ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 server binaries not in $PGBIN (ARCA_PG_BINDIR)"
[ -x "$VERSITYGW" ] || die "versitygw missing: make services"
command -v jq >/dev/null || die "jq missing: apt-get install jq"
if ! command -v pgbackrest >/dev/null && [ "$ONLY" != logical ]; then
  log "installing pgbackrest (apt-get)"
  apt-get install -y -q pgbackrest >/dev/null 2>&1 || log "pgbackrest could not be installed: the physical baseline is skipped"
fi
HAVE_PGBR=$(command -v pgbackrest >/dev/null && echo 1 || echo 0)

# ---------------------------------------------------------------- services
MAIN=$BASHPID
cleanup() {
  [ "$BASHPID" = "$MAIN" ] || return 0   # a subshell leaving is not the run ending
  log "stopping what this run started"
  # The servers first: a fast shutdown archives the last segment, into versitygw.
  for d in "$STATE"/pgdata-*; do [ -f "$d/postmaster.pid" ] && asserver "$PGBIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1; done
  [ -f "$STATE/pg/postmaster.pid" ] && { asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -m fast -t 60 stop >/dev/null 2>&1 ||
    asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -m immediate stop >/dev/null 2>&1; }
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

reuse_state
mkdir -p "$STATE"/{work,s3,tls,arca,pgbr/log,pgbr/lock,pgbr/spool}
chmod 700 "$STATE"; own "$STATE"
PGPORT=$(freeport)
export PGHOST=$STATE PGPORT PGUSER=postgres

# S3: versitygw over https, root credentials made for this run.
start_s3 "$STATE/s3" "$STATE/versitygw.log"
for b in plan arca pgbackrest; do "$S3COPY" mb "$b"; done

# Secrets of this run live in this shell only.
export BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export ARCA_KEYRING_PASSPHRASE=$(head -c 24 /dev/urandom | base64)
PGBR_CIPHER=$(head -c 32 /dev/urandom | base64)

# PostgreSQL: a private cluster, so that archiving can be set and nothing else
# shares its buffers. archive_command stays 'true' while the data loads.
# A kept cluster may be one scripts/bench-ab.sh built (the same shape, no
# archiving, no pgbench tables): the settings are added once, and the
# pgbench tables below, so that the physical half can run on it.
[ "$KEEP_DB" = 0 ] && asserver "$PGBIN/initdb" -D "$STATE/pg" -U postgres -A trust --no-sync >/dev/null
if ! grep -q '^archive_mode = on' "$STATE/pg/postgresql.conf"; then
  cat >>"$STATE/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$STATE'
wal_level = replica
archive_mode = on
archive_command = 'true'
max_wal_senders = 10
shared_buffers = 256MB
max_wal_size = 4GB
checkpoint_timeout = 30min
EOF
fi
sed -i "s|^port = .*||; s|^unix_socket_directories = .*|unix_socket_directories = '$STATE'|" "$STATE/pg/postgresql.conf"
echo "port = $PGPORT" >>"$STATE/pg/postgresql.conf"
asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w start >/dev/null

if [ "$KEEP_DB" = 0 ]; then
  residents=$(( (SIZE - 8) * 23 / 2 ))
  log "building the care-home database: $SIZE MB, $TENANTS tenants ($residents residents)"
  t0=$(now)
  psql -qd postgres -c "CREATE DATABASE care"
  psql -qd care -v tenants="$TENANTS" -v residents="$residents" -f scripts/bench-data.sql >/dev/null
  "$PGBIN/pgbench" -i -q -s 2 care >/dev/null 2>&1   # the tables the WAL of the PITR comparison comes from
  psql -qd postgres -c "CHECKPOINT"
  echo "$SHAPE" >"$STATE/shape"
  log "built in $(printf %.0f "$(echo "$(now) - $t0" | bc)") s"
fi
if [ "$(psql -Atd care -c "SELECT to_regclass('public.pgbench_accounts') IS NULL")" = t ]; then
  "$PGBIN/pgbench" -i -q -s 2 care >/dev/null 2>&1
fi
psql -qd postgres -c "DROP DATABASE IF EXISTS arca_catalog" -c "CREATE DATABASE arca_catalog"
# The tenant column's indexes: dropped for BENCH_NO_INDEX=1, (re)created
# otherwise, so that a kept database serves both kinds of run.
for tb in buildings beds residents medications prescriptions daily_records vital_signs; do
  if [ "$NO_INDEX" = 1 ]; then psql -qd care -c "DROP INDEX IF EXISTS public.\"${tb}_tenantId_idx\"" >/dev/null
  else psql -qd care -c "CREATE INDEX IF NOT EXISTS \"${tb}_tenantId_idx\" ON public.$tb (\"tenantId\")" >/dev/null; fi
done
INDEXES=$(psql -Atd care -c "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE a.attname = 'tenantId'")
DBSIZE=$(psql -Atd care -c "SELECT round(pg_database_size('care') / 1e6)")
CLUSTERSIZE=$(psql -Atd care -c "SELECT round(sum(pg_database_size(datname)) / 1e6) FROM pg_database")
BIGMB=$(psql -Atd care -c "SELECT round(sum(pg_relation_size(c.oid)) * (SELECT count(*) FROM residents WHERE \"tenantId\" = '$LARGEST')::numeric / (SELECT count(*) FROM residents) / 1e6) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'pgbench%'")
log "database care: $DBSIZE MB ($TENANTS tenants, $LARGEST about $BIGMB MB of table data); cluster $CLUSTERSIZE MB"

# Arca's configuration: the bucket "arca" on the same versitygw.
arca_config "$STATE/arca.yaml" arca arca_catalog "$STATE/arca" "$BATCH"
"$ARCA" keys init >"$STATE/keys.log" 2>&1 || die "arca keys init: $(cat "$STATE/keys.log")"
own "$STATE/keyring.json"

# pgBackRest: the bucket "pgbackrest", the same process-max as Arca's two cores.
cat >"$STATE/pgbackrest.conf" <<EOF
[global]
repo1-type=s3
repo1-s3-endpoint=127.0.0.1
repo1-storage-port=$S3PORT
repo1-s3-uri-style=path
repo1-s3-bucket=pgbackrest
repo1-s3-region=us-east-1
# TLS without verification: pgBackRest 2.45 matches the host only against DNS
# names, and versitygw listens on 127.0.0.1 (Arca and s3copy verify the CA).
repo1-storage-verify-tls=n
repo1-path=/bench
repo1-retention-full=99
repo1-cipher-type=aes-256-cbc
compress-type=zst
process-max=2
start-fast=y
repo1-bundle=${BENCH_PGBR_BUNDLE:-n}
log-path=$STATE/pgbr/log
lock-path=$STATE/pgbr/lock
spool-path=$STATE/pgbr/spool
log-level-console=error
log-level-file=info
[bench]
pg1-path=$STATE/pg
pg1-port=$PGPORT
pg1-socket-path=$STATE
pg1-user=postgres
EOF
export PGBACKREST_CONFIG=$STATE/pgbackrest.conf PGBACKREST_REPO1_S3_KEY=$AWS_ACCESS_KEY_ID
export PGBACKREST_REPO1_S3_KEY_SECRET=$AWS_SECRET_ACCESS_KEY PGBACKREST_REPO1_CIPHER_PASS=$PGBR_CIPHER

# ------------------------------------------------------------ measurements
# RESULTS: "name side seconds stored_bytes load" per measurement.
RESULTS=$STATE/results
: >"$RESULTS"
measure() { # name side stored-bytes-command -- command...
  local name=$1 side=$2 sizecmd=$3; shift 4
  local l t0 t1 bytes
  l=$(load); t0=$(now)
  "$@" >>"$STATE/$name-$side.log" 2>&1 || die "$name ($side) failed: $STATE/$name-$side.log"
  t1=$(now)
  bytes=$(eval "$sizecmd")
  echo "$name $side $(echo "$t1 - $t0" | bc) $bytes $l" >>"$RESULTS"
  log "$name $side: $(printf %.2f "$(echo "$t1 - $t0" | bc)") s, $((bytes / 1000000)) MB stored (load $l)"
}

TABLES="buildings beds residents medications prescriptions daily_records vital_signs"
RESTORE_ORDER="buildings beds residents medications prescriptions daily_records vital_signs"

# The plan's backup-full.sh.
plan_full() {
  local w=$STATE/work/full ts; ts=$(date +%Y%m%d_%H%M%S); mkdir -p "$w"
  pg_dump -h "$STATE" -p "$PGPORT" -U postgres -d care --format=custom --compress=9 --file="$w/full_$ts.dump"
  openssl enc -aes-256-cbc -salt -in "$w/full_$ts.dump" -out "$w/full_$ts.dump.enc" -pass env:BACKUP_ENCRYPTION_KEY 2>/dev/null
  "$S3COPY" put "$w/full_$ts.dump.enc" "plan/full/full_$ts.dump.enc"
  md5sum "$w/full_$ts.dump" >"$w/full_$ts.md5"
  stat -c %s "$w/full_$ts.dump.enc" >"$STATE/work/full.size"
  rm -rf "$w"
}

# plan_tenant (scripts/lib/bench.sh): the plan's TenantBackupService.backupTenant, one tenant.
PLAN_WORK=$STATE/work
plan_all() { : >"$STATE/work/tenants.sizes"; local t; for t in $(psql -Atd care -c "SELECT id FROM tenants ORDER BY id"); do plan_tenant "$t"; done; }
plan_largest() { : >"$STATE/work/tenants.sizes"; plan_tenant "$LARGEST"; }

# The plan's restore of one tenant (scenario 1): GET, decrypt, untar, import.
plan_restore() {
  local key w=$STATE/work/restore
  key=$(awk -v t="$LARGEST" '$1 == t {print "plan/tenants/" $1 "/" $2 "/backup.tar.gz.enc"}' "$STATE/work/largest.sizes" | tail -1)
  mkdir -p "$w/files"
  "$S3COPY" get "$key" "$w/latest.tar.gz.enc"
  openssl enc -aes-256-cbc -d -in "$w/latest.tar.gz.enc" -out "$w/latest.tar.gz" -pass env:BACKUP_ENCRYPTION_KEY 2>/dev/null
  tar -xzf "$w/latest.tar.gz" -C "$w/files"
  {
    echo "BEGIN;"
    echo "\\copy tenants FROM '$w/files/01_tenant.csv' WITH CSV HEADER"
    local tb f
    for tb in $RESTORE_ORDER; do f=$(ls "$w/files"/*_"$tb".csv); echo "\\copy $tb FROM '$f' WITH CSV HEADER"; done
    echo "COMMIT;"
  } | psql -qd restore_plan
  rm -rf "$w"
}

arca_full() { "$ARCA" backup full --wait --timeout 60m; }
arca_all() { "$ARCA" backup tenant all --wait --timeout 60m; }
arca_largest() { "$ARCA" backup tenant "$LARGEST" --wait --timeout 60m; }
arca_restore() { "$ARCA" restore tenant --tenant "$LARGEST" --latest --target "postgres://postgres@127.0.0.1:$PGPORT/restore_arca?sslmode=disable"; }

# Stored bytes of the newest Arca backups of a kind (one per tenant).
arca_bytes() { # kind [tenant]
  "$ARCA" list --json ${2:+--tenant "$2"} | jq -r --arg k "$1" '
    [.[] | select(.kind == $k)] | group_by(.tenant) | map(max_by(.created_at).bytes) | add // 0'
}
# A scratch database holding the care schema and nothing else.
schema_db() { # name
  psql -qd postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  pg_dump -h "$STATE" -p "$PGPORT" -U postgres -d care --schema-only -T 'pgbench*' | psql -qd "$1" >/dev/null
}

logical() {
  log "arca dev: starting"
  start_dev "$STATE/arca-dev.log" "$STATE/arca-dev.log" 300 "$ARCA" dev
  local r
  for r in $(seq "$ROUNDS"); do
    log "logical round $r of $ROUNDS"
    measure full plan 'cat $STATE/work/full.size' -- plan_full
    measure full arca 'arca_bytes full' -- arca_full
    measure tenants plan 'awk "{s += \$3} END {print s}" $STATE/work/tenants.sizes' -- plan_all
    measure tenants arca 'arca_bytes tenant' -- arca_all
    measure largest plan 'awk "{s += \$3} END {print s}" $STATE/work/tenants.sizes' -- plan_largest
    cp "$STATE/work/tenants.sizes" "$STATE/work/largest.sizes"
    measure largest arca "arca_bytes tenant $LARGEST" -- arca_largest
    schema_db restore_plan; schema_db restore_arca
    measure restore plan 'echo 0' -- plan_restore
    measure restore arca 'echo 0' -- arca_restore
  done
  RSS_DEV=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$DEV/status")
  kill "$DEV"; wait "$DEV" 2>/dev/null || true
  psql -qd postgres -c "DROP DATABASE IF EXISTS restore_plan WITH (FORCE)" -c "DROP DATABASE IF EXISTS restore_arca WITH (FORCE)"
}

# ---------------------------------------------------------------- physical
PGBACKREST=$(type -P pgbackrest || true)
pgbackrest() { asserver "$PGBACKREST" "$@"; }
pgbr_backup() { pgbackrest --stanza=bench --type=full backup; }
arca_base() { "$ARCA" backup base --fast-checkpoint --pg-conn "host=$STATE port=$PGPORT user=postgres" --json >"$STATE/work/base.json"; }
pgbr_bytes() { pgbackrest --stanza=bench info --output=json | jq '.[0].backup[-1].info.repository.delta'; }
arca_base_bytes() { jq '.Manifest.object.size // .manifest.object.size // 0' "$STATE/work/base.json"; }
RPORT=$(freeport)
# Start a restored data directory the same way for both, and wait until it
# takes a write: recovery has ended and the server promoted.
start_until_writable() { # pgdata
  asserver "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -o "-p $RPORT -c archive_mode=off -c unix_socket_directories=$STATE" -W start >/dev/null || return 1
  for _ in $(seq 24000); do
    [ -f "$1/postmaster.pid" ] || { sleep 0.5; [ -f "$1/postmaster.pid" ] || return 1; }   # the server stopped
    command psql -XAtq -h "$STATE" -p "$RPORT" -d postgres -c "CREATE TABLE bench_writable (); DROP TABLE bench_writable" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}
pgbr_restore() {
  local d=$STATE/pgdata-pgbackrest
  mkdir -m 700 "$d"; own "$d"
  pgbackrest --stanza=bench --pg1-path="$d" --set="$PGBR_SET" --type=default restore
  start_until_writable "$d"
}
arca_pitr() {
  local d=$STATE/pgdata-arca
  asserver "$ARCA" restore pitr --latest --backup "$ARCA_SET" --pgdata "$d"
  start_until_writable "$d"
}
stop_restored() { asserver "$PGBIN/pg_ctl" -D "$1" -m immediate stop >/dev/null 2>&1 || true; mv "$1.log" "$1-$(date +%s).server.log" 2>/dev/null || true; rm -rf "$1"; }

physical() {
  # From now on every segment goes to both archives (arca's bucket, pgBackRest's repository).
  cat >"$STATE/archive-arca-and-pgbackrest.sh" <<EOF
#!/bin/sh
set -e
"$ARCA" wal-push "\$1"
[ "$HAVE_PGBR" = 0 ] || pgbackrest --stanza=bench archive-push "\$1"
EOF
  chmod 755 "$STATE/archive-arca-and-pgbackrest.sh"
  # Restarted so that the server, and so archive_command, holds this run's
  # environment (ARCA_CONFIG, PGBACKREST_*, the keys).
  psql -qd postgres -c "ALTER SYSTEM SET archive_command = '$STATE/archive-arca-and-pgbackrest.sh %p'" >/dev/null
  asserver "$PGBIN/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w restart >/dev/null
  [ "$HAVE_PGBR" = 0 ] || pgbackrest --stanza=bench stanza-create >"$STATE/stanza.log" 2>&1 || die "stanza-create: $(cat "$STATE/stanza.log")"
  psql -qd postgres -c "SELECT pg_switch_wal()" >/dev/null
  local r
  for r in $(seq "$ROUNDS"); do
    log "physical round $r of $ROUNDS"
    [ "$HAVE_PGBR" = 0 ] || measure base pgbackrest pgbr_bytes -- pgbr_backup
    measure base arca arca_base_bytes -- arca_base
  done
  [ "$HAVE_PGBR" = 0 ] || PGBR_SET=$(pgbackrest --stanza=bench info --output=json | jq -r '.[0].backup[-1].label')
  ARCA_SET=$(jq -r '.Manifest.backup_id // .manifest.backup_id' "$STATE/work/base.json")
  log "WAL to replay: pgbench for $WAL_SECONDS s"
  "$PGBIN/pgbench" -n -c 4 -j 2 -T "$WAL_SECONDS" care >"$STATE/pgbench.log" 2>&1
  local last
  last=$(psql -Atd postgres -c "SELECT pg_walfile_name(pg_switch_wal())")
  for _ in $(seq 1200); do
    [ "$(psql -Atd postgres -c "SELECT last_archived_wal >= '$last' FROM pg_stat_archiver")" = t ] && break; sleep 0.5
  done
  for r in $(seq "$ROUNDS"); do
    log "PITR round $r of $ROUNDS"
    if [ "$HAVE_PGBR" = 1 ]; then measure pitr pgbackrest 'echo 0' -- pgbr_restore; stop_restored "$STATE/pgdata-pgbackrest"; fi
    measure pitr arca 'echo 0' -- arca_pitr; stop_restored "$STATE/pgdata-arca"
  done
}

[ "$ONLY" = physical ] || logical
[ "$ONLY" = logical ] || physical

# ------------------------------------------------------------------ report
# Mean time per side over the rounds; the ratio is Arca ÷ baseline.
row() { # name label baseline-side
  awk -v n="$1" -v label="$2" -v base="$3" '
    $1 == n && $2 == base   { bt += $3; bn++; bs = $4; bl = bl (bl ? "/" : "") $5; bv = bv (bv ? ", " : "") sprintf("%.1f", $3) }
    $1 == n && $2 == "arca" { at += $3; an++; as = $4; al = al (al ? "/" : "") $5; av = av (av ? ", " : "") sprintf("%.1f", $3) }
    END {
      if (!bn || !an) exit
      b = bt / bn; a = at / an
      st = (bs > 0 && as > 0) ? sprintf("%.1f MB vs %.1f MB (%.2f ×)", as / 1e6, bs / 1e6, as / bs) : ""
      printf "| %s | %.1f s (%s) | %.1f s (%s) | **%.2f** | %s | %s / %s |\n", label, b, bv, a, av, a / b, st, bl, al
    }' "$RESULTS"
}
date=$(date -u +%Y-%m-%d)
commit=$(git rev-parse --short HEAD)
{
  echo "<!-- bench-compare:begin (written by scripts/bench-compare.sh; do not edit by hand) -->"
  echo "### make bench-compare, $date ($commit)"
  echo
  echo "Database \`care\`: $DBSIZE MB, $TENANTS tenants, \`$LARGEST\` the largest (~$BIGMB MB of table data); cluster $CLUSTERSIZE MB."
  echo "\`BENCH_SIZE=$SIZE BENCH_TENANTS=$TENANTS BENCH_ROUNDS=$ROUNDS BENCH_NO_INDEX=$NO_INDEX BENCH_BATCH=$BATCH${ONLY:+ BENCH_ONLY=$ONLY} make bench-compare\`, $ROUNDS interleaved rounds (baseline, Arca, baseline, Arca);"
  echo "each cell is the mean with every round in brackets; ratio = Arca ÷ baseline time (lower is better); load average of the"
  echo "two cores at the start of each run (baseline / Arca). Arca's logical times run until the backup is verified (\`--wait\`)."
  echo
  echo "| what | baseline | Arca | ratio | stored (Arca vs baseline) | load |"
  echo "|---|---|---|---|---|---|"
  row full "full logical backup to S3 (plan: pg_dump -Fc -Z9, openssl, PUT)" plan
  row tenants "all $TENANTS tenants (plan: COPY per table, tar -czf, openssl, PUT, one after another)" plan
  row largest "largest tenant ($LARGEST)" plan
  row restore "that tenant's restore (into a database holding the schema)" plan
  row base "base backup, $CLUSTERSIZE MB cluster (pgBackRest 2.45, process-max=2, zst, aes-256-cbc, S3 over TLS)" pgbackrest
  row pitr "PITR restore until the server accepts writes (pgBackRest restore vs arca restore pitr, pgbench WAL of ${WAL_SECONDS} s)" pgbackrest
  awk -v n="$TENANTS" -v idx="$([ "$NO_INDEX" = 1 ] && echo "no index" || echo "indexed")" '$2 == "arca" && $1 == "full" { f += $3; fn++ } $2 == "arca" && $1 == "tenants" { a += $3; an++ }
    END { if (fn && an) printf "\nArca alone, same rounds: all %d tenants %.1f s ÷ one full logical backup %.1f s = **%.2f ×** (goal ≤ 1.5 × without an index, #17.6; this run: %s).\n", n, a / an, f / fn, (a / an) / (f / fn), idx }' "$RESULTS"
  echo "Tenant column indexes: $INDEXES of 7 tables (\`BENCH_NO_INDEX=$NO_INDEX\`); Arca's \`pipeline.batch_size\`: $BATCH (\`BENCH_BATCH\`)."
  [ -z "${RSS_DEV:-}" ] || echo "
Peak RSS of \`arca dev\` over the logical runs: $RSS_DEV MiB."
  echo "<!-- bench-compare:end -->"
} >"$STATE/table.md"
cat "$STATE/table.md"
if [ "$OUT" != - ]; then
  if grep -q 'bench-compare:begin' "$OUT"; then
    awk -v f="$STATE/table.md" '
      /bench-compare:begin/ { while ((getline l < f) > 0) print l; skip = 1; next }
      /bench-compare:end/   { skip = 0; next }
      !skip' "$OUT" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
  else
    { echo; echo "## The plan's chain, pgBackRest and Arca side by side (#17)"; echo; cat "$STATE/table.md"; } >>"$OUT"
  fi
  log "table written into $OUT"
fi
