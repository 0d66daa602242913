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

log() { printf '%s bench-latency: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s.%N; }
freeport() { local p; while :; do p=$((20000 + RANDOM % 30000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
AS=(); [ "$(id -u)" != 0 ] || AS=(runuser -u postgres --)
[ -f "$STATE/pg/PG_VERSION" ] || die "no database in $STATE: run scripts/bench-compare.sh first (BENCH_DIR)"
[ -x "$VERSITYGW" ] || die "versitygw missing: make services"
W=$STATE/latency
rm -rf "$W" "$STATE/s3-latency"; mkdir -p "$W" "$STATE/s3-latency"
[ "$(id -u)" != 0 ] || chown -R postgres: "$W"

PIDS=()
MAIN=$BASHPID
cleanup() {
  [ "$BASHPID" = "$MAIN" ] || return 0
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$STATE/pg" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PGPORT=$(freeport); S3PORT=$(freeport)
export PGHOST=$STATE PGPORT PGUSER=postgres
sed -i "s|^port = .*||" "$STATE/pg/postgresql.conf"; echo "port = $PGPORT" >>"$STATE/pg/postgresql.conf"
"${AS[@]}" "$PGBIN/pg_ctl" -D "$STATE/pg" -l "$W/pg.log" -w start >/dev/null
# No archiving here: only the logical path is measured.
psql -qX -d postgres -c "ALTER SYSTEM SET archive_command = 'true'" -c "SELECT pg_reload_conf()" >/dev/null

[ -f "$STATE/tls/ca/ca.crt" ] || deploy/tls/gen-certs.sh "$STATE/tls" localhost,127.0.0.1 >/dev/null
export AWS_ACCESS_KEY_ID=bench$RANDOM AWS_SECRET_ACCESS_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
export AWS_REGION=us-east-1 AWS_CA_BUNDLE=$STATE/tls/ca/ca.crt AWS_ENDPOINT_URL=https://127.0.0.1:$S3PORT AWS_EC2_METADATA_DISABLED=true
ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
  "$VERSITYGW" --port "127.0.0.1:$S3PORT" --health /health --cert "$STATE/tls/localhost.crt" --key "$STATE/tls/localhost.key" \
  posix "$STATE/s3-latency" >"$W/versitygw.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fsS --cacert "$AWS_CA_BUNDLE" "$AWS_ENDPOINT_URL/health" >/dev/null 2>&1 && break; sleep 0.1; done
(cd cmd/arca && go build -o "$W/s3copy" ./internal/bench/s3copy)
S3COPY=$W/s3copy
"$S3COPY" mb plan
export BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export ARCA_KEYRING_PASSPHRASE=$(head -c 24 /dev/urandom | base64)

# The plan's TenantBackupService.backupTenant (as in bench-compare.sh).
plan_tenant() {
  local t=$1 ts w; ts=$(date -u +%Y-%m-%dT%H-%M-%S-%N); w=$W/backup_${t}_$ts
  mkdir -p "$w"
  {
    echo "\\copy (SELECT * FROM tenants WHERE id = '$t' ORDER BY \"createdAt\") TO '$w/01_tenant.csv' WITH CSV HEADER"
    local i=2 tb
    for tb in $TABLES; do
      printf '\\copy (SELECT * FROM %s WHERE "tenantId" = '\''%s'\'' ORDER BY "createdAt") TO '\''%s/%02d_%s.csv'\'' WITH CSV HEADER\n' "$tb" "$t" "$w" "$i" "$tb"
      i=$((i + 1))
    done
  } | psql -qX -v ON_ERROR_STOP=1 -d care
  printf 'tenant %s\ncreated %s\n' "$t" "$ts" >"$w/README.md"
  tar -czf "$w.tar.gz" -C "$w" .
  md5sum "$w.tar.gz" >"$w.tar.gz.md5"
  openssl enc -aes-256-cbc -salt -in "$w.tar.gz" -out "$w.tar.gz.enc" -pass env:BACKUP_ENCRYPTION_KEY 2>/dev/null
  "$S3COPY" put "$w.tar.gz.enc" "plan/tenants/$t/$ts/backup.tar.gz.enc"
  rm -rf "$w" "$w.tar.gz" "$w.tar.gz.md5" "$w.tar.gz.enc"
}

# One arca build: its own bucket, catalog and keyring; arca dev; N backups.
arca_round() { # binary round
  local bin=$1 r=$2 name; name=$(basename "$1")
  local d=$W/$name-$r bucket; bucket=$(echo "arca-$name-$r" | tr -c 'a-z0-9-\n' -)
  mkdir -p "$d"
  "$S3COPY" mb "$bucket"
  psql -qX -d postgres -c "DROP DATABASE IF EXISTS lat_catalog WITH (FORCE)" -c "CREATE DATABASE lat_catalog" >/dev/null
  cat >"$d/arca.yaml" <<EOF
source:
  url: "postgres://postgres@127.0.0.1:$PGPORT/care?sslmode=disable"
  pg_bin_dir: $PGBIN
tenancy:
  tenant_table: {table: public.tenants, key: id}
  tenant_columns: ["tenantId"]
  shared_schemas: [public]
store:
  kind: s3
  prefix: bench
  s3: {endpoint: "$AWS_ENDPOINT_URL", region: us-east-1, bucket: $bucket, path_style: true}
keys:
  keyring: file:$d/keyring.json
  passphrase_env: ARCA_KEYRING_PASSPHRASE
catalog:
  url: "postgres://postgres@127.0.0.1:$PGPORT/lat_catalog?sslmode=disable"
dir: $d/arca
EOF
  export ARCA_CONFIG=$d/arca.yaml
  export ARCA_API_ADDR=127.0.0.1:$(freeport) ARCA_METRICS_ADDR=127.0.0.1:$(freeport) ARCA_API_TOKEN=$(head -c 18 /dev/urandom | base64 | tr "+/" "-_")
  "$bin" keys init >"$d/keys.log" 2>&1 || die "$name keys init: $(cat "$d/keys.log")"
  local trace=()
  [ "${TRACE:-0}" = 0 ] || trace=(env OTEL_TRACES_EXPORTER=console OTEL_BSP_SCHEDULE_DELAY=200)
  "${trace[@]}" "$bin" dev >"$W/$name-$r.dev.json" 2>"$d/dev.log" &
  local dev=$!; PIDS+=("$dev")
  for _ in $(seq 1200); do grep -q ready "$W/$name-$r.dev.json" && break; sleep 0.1; done
  grep -q ready "$W/$name-$r.dev.json" || die "$name: arca dev did not start: $d/dev.log"
  "$bin" backup tenant "$LARGEST" --wait >/dev/null 2>>"$d/cli.log" # warm-up, not counted
  local i t0 t1
  for i in $(seq "$N"); do
    t0=$(now)
    "${trace[@]}" "$bin" backup tenant "$LARGEST" --wait >>"$W/$name-$r.cli.json" 2>>"$d/cli.log" || die "$name: backup failed: $d/cli.log"
    t1=$(now)
    echo "$name $(echo "$t1 - $t0" | bc) $(cut -d' ' -f1 /proc/loadavg)" >>"$W/results"
  done
  kill "$dev"; wait "$dev" 2>/dev/null || true
}

: >"$W/results"
for r in $(seq "$ROUNDS"); do
  log "round $r of $ROUNDS: the plan's chain"
  plan_tenant "$LARGEST" # warm-up, not counted
  for i in $(seq "$N"); do
    t0=$(now); plan_tenant "$LARGEST"; t1=$(now)
    echo "plan $(echo "$t1 - $t0" | bc) $(cut -d' ' -f1 /proc/loadavg)" >>"$W/results"
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
