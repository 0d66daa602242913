# shellcheck shell=bash
# What scripts/bench-compare.sh and scripts/bench-latency.sh share, sourced by
# both after they set BENCH_NAME (the log prefix), STATE (the bench directory),
# PGBIN and VERSITYGW: logging and timing, running as the server's user, free
# ports, versitygw over https with s3copy, arca's configuration and `arca dev`,
# and the plan's backup of one tenant.

log() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "$BENCH_NAME" "$*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
# PostgreSQL refuses to run as root: as root, everything server-side (the
# server, pgBackRest, arca restore pitr, whose files the server owns) runs as postgres.
AS=(); [ "$(id -u)" != 0 ] || AS=(runuser -u postgres --)
asserver() { "${AS[@]}" "$@"; }
own() { [ "$(id -u)" != 0 ] || chown -R postgres: "$@"; }
freeport() { local p; while :; do p=$((20000 + RANDOM % 30000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
psql() { command psql -X -v ON_ERROR_STOP=1 "$@"; }
PIDS=()  # what the run started, for its cleanup to stop

# start_s3 DATA_DIR LOG: versitygw over https on a free port (S3PORT) with a
# local CA (under $STATE/tls; kept if there) and root credentials made for
# this run, the AWS_* environment pointing at it, and s3copy (the AWS Go SDK's
# PutObject/GetObject, cmd/arca/internal/bench/s3copy) built as $S3COPY.
start_s3() {
  local data=$1 logf=$2
  S3PORT=$(freeport)
  deploy/tls/gen-certs.sh "$STATE/tls" localhost,127.0.0.1 >/dev/null
  CA=$STATE/tls/ca/ca.crt
  AWS_ACCESS_KEY_ID=bench$RANDOM AWS_SECRET_ACCESS_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  export AWS_REGION=us-east-1 AWS_CA_BUNDLE=$CA AWS_ENDPOINT_URL=https://127.0.0.1:$S3PORT AWS_EC2_METADATA_DISABLED=true
  ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
    "$VERSITYGW" --port "127.0.0.1:$S3PORT" --health /health --cert "$STATE/tls/localhost.crt" --key "$STATE/tls/localhost.key" \
    posix "$data" >"$logf" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do curl -fsS --cacert "$CA" "$AWS_ENDPOINT_URL/health" >/dev/null 2>&1 && break; sleep 0.1; done
  S3COPY=$STATE/s3copy
  (cd cmd/arca && go build -o "$S3COPY" ./internal/bench/s3copy)
}

# arca_config FILE BUCKET CATALOG_DB DIR [BATCH]: arca's configuration for the
# care database on this run's PostgreSQL and versitygw; ARCA_CONFIG and the
# API's address, metrics address and token of this run exported.
arca_config() {
  local file=$1 bucket=$2 catalog=$3 dir=$4 batch=${5:-}
  {
    cat <<EOF
source:
  url: "postgres://postgres@127.0.0.1:$PGPORT/care?sslmode=disable"
  pg_bin_dir: $PGBIN
tenancy:
  tenant_table: {table: public.tenants, key: id}
  tenant_columns: ["tenantId"]
  shared_schemas: [public]
EOF
    [ -z "$batch" ] || printf 'pipeline:\n  batch_size: %s\n' "$batch"
    cat <<EOF
store:
  kind: s3
  prefix: bench
  s3: {endpoint: "$AWS_ENDPOINT_URL", region: us-east-1, bucket: $bucket, path_style: true}
keys:
  keyring: file:$(dirname "$file")/keyring.json
  passphrase_env: ARCA_KEYRING_PASSPHRASE
catalog:
  url: "postgres://postgres@127.0.0.1:$PGPORT/$catalog?sslmode=disable"
dir: $dir
EOF
  } >"$file"
  export ARCA_CONFIG=$file
  export ARCA_API_ADDR=127.0.0.1:$(freeport) ARCA_METRICS_ADDR=127.0.0.1:$(freeport) ARCA_API_TOKEN=$(head -c 18 /dev/urandom | base64 | tr "+/" "-_")
}

# start_dev OUT ERR TRIES COMMAND...: `arca dev` (COMMAND: the binary and
# dev, perhaps behind env) in the background as $DEV, its output to OUT and
# errors to ERR (which may be OUT), until it says ready on OUT (TRIES times
# 0.1 s at the most).
start_dev() {
  local out=$1 err=$2 tries=$3; shift 3
  if [ "$err" = "$out" ]; then "$@" >"$out" 2>&1 & else "$@" >"$out" 2>"$err" & fi
  DEV=$!; PIDS+=("$DEV")
  for _ in $(seq "$tries"); do grep -q ready "$out" && break; sleep 0.1; done
  grep -q ready "$out" || die "arca dev did not start: $err"
}

# plan_tenant TENANT: the plan's TenantBackupService.backupTenant, one tenant,
# from the database care (tables $TABLES) to the bucket "plan", working in
# $PLAN_WORK; "tenant timestamp stored-bytes" appended to $PLAN_WORK/tenants.sizes.
plan_tenant() {
  local t=$1 ts w; ts=$(date -u +%Y-%m-%dT%H-%M-%S-%N); w=$PLAN_WORK/backup_${t}_$ts
  mkdir -p "$w"
  {
    echo "\\copy (SELECT * FROM tenants WHERE id = '$t' ORDER BY \"createdAt\") TO '$w/01_tenant.csv' WITH CSV HEADER"
    local i=2 tb
    for tb in $TABLES; do
      printf '\\copy (SELECT * FROM %s WHERE "tenantId" = '\''%s'\'' ORDER BY "createdAt") TO '\''%s/%02d_%s.csv'\'' WITH CSV HEADER\n' "$tb" "$t" "$w" "$i" "$tb"
      i=$((i + 1))
    done
  } | psql -qd care
  printf 'tenant %s\ncreated %s\n' "$t" "$ts" >"$w/README.md"
  tar -czf "$w.tar.gz" -C "$w" .
  md5sum "$w.tar.gz" >"$w.tar.gz.md5"
  openssl enc -aes-256-cbc -salt -in "$w.tar.gz" -out "$w.tar.gz.enc" -pass env:BACKUP_ENCRYPTION_KEY 2>/dev/null
  "$S3COPY" put "$w.tar.gz.enc" "plan/tenants/$t/$ts/backup.tar.gz.enc"
  echo "$t $ts $(stat -c %s "$w.tar.gz.enc")" >>"$PLAN_WORK/tenants.sizes"
  rm -rf "$w" "$w.tar.gz" "$w.tar.gz.md5" "$w.tar.gz.enc"
}

# reuse_state: keep $STATE's database (pg/) when it was built for this
# $SIZE and $TENANTS, as $STATE/shape says (it takes minutes to build),
# (and $SHAPE_EXTRA, what else the script adds to it) and clear
# everything else; else start $STATE over. Sets SHAPE, and
# KEEP_DB to 1 (kept) or 0 (to build, then record SHAPE in $STATE/shape).
reuse_state() {
  SHAPE="$SIZE-$TENANTS${SHAPE_EXTRA:-}"
  if [ -f "$STATE/pg/PG_VERSION" ] && [ "$(cat "$STATE/shape" 2>/dev/null)" = "$SHAPE" ]; then
    find "$STATE" -mindepth 1 -maxdepth 1 ! -name pg ! -name shape -exec rm -rf {} +
    KEEP_DB=1
  else
    rm -rf "$STATE"; KEEP_DB=0
  fi
}
