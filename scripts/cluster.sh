#!/usr/bin/env bash
# make cluster: deploy/compose's topology as real processes on loopback.
#
#   scripts/cluster.sh start    3 nats-server v2.15 nodes (JetStream R3,
#                               sync_interval always, encrypted store, the
#                               generated accounts.conf, TLS for clients and
#                               mutual-TLS routes), versitygw over https with
#                               a user per service and the generated bucket
#                               policy (deploy/compose/s3-init.sh), the
#                               machine's PostgreSQL, and every Arca service
#                               with 2 replicas (bin/arca), each as its own
#                               NATS user with only its own credentials
#   scripts/cluster.sh stop     stops the processes it started (by pid)
#   scripts/cluster.sh status   what runs
#   scripts/cluster.sh kill NAME, revive NAME
#                               stop one process (nats-2, versitygw,
#                               exporter-1, ...) and start it again: for
#                               chaos tests
#
# Environment:
#   ARCA_CLUSTER_DIR   state directory (default .arca-cluster): configs,
#                      generated secrets, TLS, NATS and S3 data, logs/, pids/
#   ARCA_CLUSTER_PORT  base port (default: a random free block of 100)
#   ARCA_CLUSTER_PG    PostgreSQL server URL without a database
#                      (default postgres://postgres@127.0.0.1:5432)
#   ARCA_CLUSTER_REPLICAS  replicas per Arca service (default 2)
#   ARCA_CLUSTER_DB    source database (default arca_cluster_app); the
#                      catalog is its name with _catalog for _app
#
# The source database is arca_cluster_app (made from scripts/demo-data.sql
# the first time), the catalog arca_cluster_catalog. `source
# $ARCA_CLUSTER_DIR/env` gives the arca CLI the cluster as user operator.
# The services connect to PostgreSQL as the server URL's user: the machine's
# PostgreSQL is shared with the tests, so the generated roles
# (deploy/grants/postgres.sql) are not created on it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=${ARCA_CLUSTER_DIR:-.arca-cluster}
mkdir -p "$STATE"; STATE=$(cd "$STATE" && pwd)
PG=${ARCA_CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}
REPLICAS=${ARCA_CLUSTER_REPLICAS:-2}
GOBIN=$(go env GOBIN); GOBIN=${GOBIN:-$(go env GOPATH)/bin}
NATS_SERVER=$GOBIN/nats-server
NATS_VERSION=v2.15.3          # the version pkg/embednats embeds
VERSITYGW=$(command -v versitygw || echo "$GOBIN/versitygw")
ARCA=$ROOT/bin/arca
SERVICES=(coordinator exporter encryptor uploader verifier alerter)

log() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

# --- processes -------------------------------------------------------------

# run NAME CMD...: start CMD in the background in a process group of its
# own, its output in logs/NAME.log, the group's id in pids/NAME.
run() {
  local name=$1; shift
  mkdir -p "$STATE/logs" "$STATE/pids" "$STATE/cmds"
  printf '%q ' "$@" >"$STATE/cmds/$name"   # for revive; no secret on a command line
  setsid "$@" >>"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/$name"
}

# supervise NAME ENVFILE CMD...: run CMD with only the variables of ENVFILE
# (and PATH, HOME), restarting it 2s after it exits (as compose's restart:
# unless-stopped does), until stopped.
supervise() {
  local name=$1 envfile=$2; shift 2
  run "$name" env -i PATH="$PATH" HOME="$HOME" bash -c \
    'set -a; . "$1"; set +a; shift; while :; do "$@"; echo "cluster: exited $?, restarting in 2s"; sleep 2; done' _ "$envfile" "$@"
}

# kill NAME: stop one process (group) of the cluster, as a chaos test would.
kill_one() {
  alive "$1" || die "$1 does not run"
  local pid; pid=$(cat "$STATE/pids/$1")
  kill -TERM -- "-$pid"
  # the group, not only its leader: a service may outlive its supervisor
  for _ in $(seq 1 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 -- "-$pid" 2>/dev/null && kill -KILL -- "-$pid"
  log "$1 stopped"
}

# revive NAME: start a stopped process again, as it was started.
revive() {
  alive "$1" && die "$1 runs"
  [ -f "$STATE/cmds/$1" ] || die "$1 was never started"
  set -a; . "$STATE/secrets.env"; set +a
  export ROOT_ACCESS_KEY_ID=$S3_ROOT_ACCESS_KEY ROOT_SECRET_ACCESS_KEY=$S3_ROOT_SECRET_KEY
  eval "run $1 $(cat "$STATE/cmds/$1")"
  log "$1 started again (pid $(cat "$STATE/pids/$1"))"
}

alive() { [ -f "$STATE/pids/$1" ] && kill -0 "$(cat "$STATE/pids/$1")" 2>/dev/null; }

# wait_for WHAT SECONDS CMD...: until CMD succeeds.
wait_for() {
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  die "$what did not come up in ${secs}s (logs in $STATE/logs)"
}

stop() {
  [ -d "$STATE/pids" ] || { log "nothing runs under $STATE"; return 0; }
  local f pid
  # Arca services first, then S3 and NATS.
  for f in $(ls "$STATE/pids" | sort -r -t- -k1,1 | grep -v -e '^nats-' -e '^versitygw$') \
           $(ls "$STATE/pids" | grep -e '^versitygw$' -e '^nats-'); do
    pid=$(cat "$STATE/pids/$f")
    # the process group run() made: the supervisor and its service
    if kill -0 "$pid" 2>/dev/null; then kill -TERM -- "-$pid" 2>/dev/null || true; fi
  done
  for f in $(ls "$STATE/pids"); do
    pid=$(cat "$STATE/pids/$f")
    for _ in $(seq 1 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 -- "-$pid" 2>/dev/null; then log "$f ($pid) still up after 15s, killing it"; kill -KILL -- "-$pid" 2>/dev/null || true; fi
    rm -f "$STATE/pids/$f"
  done
  log "stopped (state kept in $STATE; rm -rf it for a fresh cluster)"
}

status() {
  [ -d "$STATE/pids" ] || { log "nothing runs under $STATE"; return 0; }
  local f
  for f in $(ls "$STATE/pids"); do
    if alive "$f"; then echo "  up    $f (pid $(cat "$STATE/pids/$f"))"; else echo "  DOWN  $f (see $STATE/logs/$f.log)"; fi
  done
}

# --- start ----------------------------------------------------------------

free_block() { # a base port whose 100 ports are free
  local base used
  used=$(ss -Htan 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
  for _ in $(seq 1 50); do
    base=$(( (20000 + RANDOM % 30000) / 100 * 100 ))
    if ! echo "$used" | awk -v b="$base" '$1 >= b && $1 < b + 100 {found=1} END {exit !found}'; then
      echo "$base"; return
    fi
  done
  die "no free block of 100 ports found; set ARCA_CLUSTER_PORT"
}

streams_ready() { curl -fsS "$1" | grep -Eq '"streams": *([5-9]|[1-9][0-9])'; }

secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

start() {
  for f in "$STATE"/pids/*; do
    [ -e "$f" ] && alive "$(basename "$f")" && die "a cluster already runs under $STATE (make cluster-stop)"
  done
  [ -x "$ARCA" ] || die "$ARCA missing: make build"
  command -v openssl >/dev/null || die "openssl missing (apt-get install openssl)"
  if [ ! -x "$NATS_SERVER" ] || [ "$("$NATS_SERVER" --version 2>/dev/null)" != "nats-server: $NATS_VERSION" ]; then
    log "installing nats-server $NATS_VERSION into $GOBIN (Debian's is too old for sync_interval)"
    GOWORK=off GOFLAGS= go install "github.com/nats-io/nats-server/v2@$NATS_VERSION"
  fi
  [ -x "$VERSITYGW" ] || scripts/services.sh >/dev/null
  psql "$PG/postgres?sslmode=disable" -XAtqc 'select 1' >/dev/null || die "PostgreSQL not answering at $PG (make services)"

  # Secrets, generated once per state directory; never in the repository.
  if [ -d "$STATE/logs" ]; then rm -rf "$STATE/logs.prev"; mv "$STATE/logs" "$STATE/logs.prev"; fi
  if [ ! -f "$STATE/secrets.env" ]; then
    (
      umask 077
      {
        echo "NATS_JS_KEY=$(secret)"
        for u in ADMIN OPERATOR EXPORTER ENCRYPTOR UPLOADER VERIFIER COORDINATOR ALERTER; do echo "NATS_${u}_PASSWORD=$(secret)"; done
        echo "S3_ROOT_ACCESS_KEY=root"; echo "S3_ROOT_SECRET_KEY=$(secret)"
        for u in UPLOADER VERIFIER COORDINATOR; do
          echo "S3_${u}_ACCESS_KEY=${u,,}"; echo "S3_${u}_SECRET_KEY=$(secret)"
        done
        echo "ARCA_KEYRING_PASSPHRASE=$(secret)"
        echo "ARCA_API_TOKEN=$(secret)"
        echo "ARCA_CLUSTER_PORT=${ARCA_CLUSTER_PORT:-$(free_block)}"
      } >"$STATE/secrets.env"
    )
  fi
  set -a; . "$STATE/secrets.env"; set +a
  local B=$ARCA_CLUSTER_PORT
  local s3port=$((B + 30))

  # TLS: a local CA and one certificate for localhost/127.0.0.1.
  deploy/tls/gen-certs.sh "$STATE/tls" localhost,127.0.0.1 >/dev/null
  local CA=$STATE/tls/ca/ca.crt CRT=$STATE/tls/localhost.crt KEY=$STATE/tls/localhost.key
  chmod 600 "$KEY"
  export SSL_CERT_DIR=/etc/ssl/certs:$STATE/tls/ca

  # NATS: three nodes, the generated accounts.
  mkdir -p "$STATE/nats"
  cp deploy/compose/nats/accounts.conf "$STATE/nats/accounts.conf"
  local routes="" n
  for n in 1 2 3; do routes+="    nats-route://127.0.0.1:$((B + 10 + n))"$'\n'; done
  for n in 1 2 3; do
    cat >"$STATE/nats/nats-$n.conf" <<EOF
# Generated by scripts/cluster.sh: node $n of deploy/compose's NATS cluster, on loopback.
server_name: nats-$n
listen: 127.0.0.1:$((B + n))
http: 127.0.0.1:$((B + 20 + n))
tls { cert_file: "$CRT", key_file: "$KEY", ca_file: "$CA", timeout: 5 }
jetstream {
  store_dir: "$STATE/nats/data-$n"
  sync_interval: always
  cipher: aes
  key: \$NATS_JS_KEY
  max_file_store: 20GB   # the two staging buckets reserve 8 GiB each
  max_memory_store: 256MB
}
cluster {
  name: arca
  listen: 127.0.0.1:$((B + 10 + n))
  routes: [
$routes  ]
  tls { cert_file: "$CRT", key_file: "$KEY", ca_file: "$CA", verify: true, timeout: 5 }
}
include ./accounts.conf
EOF
    run "nats-$n" "$NATS_SERVER" -c "$STATE/nats/nats-$n.conf"
  done
  for n in 1 2 3; do
    wait_for "nats-$n" 60 curl -fsS "http://127.0.0.1:$((B + 20 + n))/healthz?js-enabled-only=true"
  done
  # Streams of an earlier run: current again (leaders elected) before the
  # services ensure them.
  for n in 1 2 3; do
    wait_for "JetStream on nats-$n" 120 curl -fsS "http://127.0.0.1:$((B + 20 + n))/healthz"
  done
  log "NATS up: tls://127.0.0.1:$((B + 1)),$((B + 2)),$((B + 3))"

  # S3: versitygw over https, a user per service, the generated policy.
  mkdir -p "$STATE/s3/iam" "$STATE/s3/versions" "$STATE/s3/buckets"
  ROOT_ACCESS_KEY_ID=$S3_ROOT_ACCESS_KEY ROOT_SECRET_ACCESS_KEY=$S3_ROOT_SECRET_KEY \
    run versitygw "$VERSITYGW" --port "127.0.0.1:$s3port" --health /health --iam-dir "$STATE/s3/iam" \
    --cert "$CRT" --key "$KEY" posix --versioning-dir "$STATE/s3/versions" "$STATE/s3/buckets"
  wait_for versitygw 30 curl -fsS --cacert "$CA" "https://127.0.0.1:$s3port/health"
  S3_ENDPOINT=https://127.0.0.1:$s3port S3_BUCKET=backups S3_CA_FILE=$CA ARCA_GRANTS=$ROOT/deploy/grants TMPDIR=$STATE \
    sh deploy/compose/s3-init.sh >>"$STATE/logs/s3-init.log" 2>&1 || die "s3-init failed: $STATE/logs/s3-init.log"
  log "S3 up: https://127.0.0.1:$s3port, bucket backups"

  # PostgreSQL: the source database (demo data) and the catalog.
  local db=${ARCA_CLUSTER_DB:-arca_cluster_app}
  if [ -z "$(psql "$PG/postgres?sslmode=disable" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql "$PG/postgres?sslmode=disable" -XAtqc "CREATE DATABASE $db" >/dev/null
    psql "$PG/$db?sslmode=disable" -qX -v ON_ERROR_STOP=1 -f scripts/demo-data.sql >/dev/null
    log "source database $db made from scripts/demo-data.sql"
  fi
  if [ -z "$(psql "$PG/postgres?sslmode=disable" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '${db%_app}_catalog'")" ]; then
    psql "$PG/postgres?sslmode=disable" -XAtqc "CREATE DATABASE ${db%_app}_catalog" >/dev/null
  fi
  local SOURCE="$PG/$db?sslmode=disable" CATALOG="$PG/${db%_app}_catalog?sslmode=disable"

  cat >"$STATE/arca.yaml" <<EOF
# Generated by scripts/cluster.sh: deploy/compose/arca.yaml on loopback.
source:
  url: "$SOURCE"
  parallelism: 2
tenancy:
  tenants_query: SELECT id::text, "schemaName" FROM public.tenants ORDER BY id
  tenant_columns: ["tenantId"]
  shared_schemas: [public]
nats:
  url: ""          # ARCA_NATS_URL per service (its own user)
  replicas: 3
store:
  kind: s3
  prefix: prod
  s3:
    endpoint: https://127.0.0.1:$s3port
    region: us-east-1
    bucket: backups
    path_style: true
keys:
  keyring: file:$STATE/keyring.json
  passphrase_env: ARCA_KEYRING_PASSPHRASE
pipeline:
  part_size: 8MiB
schedules:
  timezone: America/Sao_Paulo
  tenant_export: "0 0 1 * * *"
  full: "0 0 2 * * 0"
  drill: "0 0 4 1 * *"
  retention: "0 30 3 * * *"
alerting:
  pagerduty:
    endpoint: http://127.0.0.1:$((B + 99))   # nothing listens: pages are logged as failed, not sent
catalog:
  url: "$CATALOG"
dir: $STATE/run
EOF
  if [ ! -f "$STATE/keyring.json" ]; then
    "$ARCA" --config "$STATE/arca.yaml" keys init >>"$STATE/logs/keys.log" 2>&1 || die "arca keys init failed: $STATE/logs/keys.log"
  fi

  # Arca: every service, REPLICAS each, with only its own credentials. The
  # coordinator first, alone: it creates the streams (R3), which a dozen
  # processes racing to create them on a small machine time out on.
  local svc r i=0 up=() U P
  for svc in "${SERVICES[@]}"; do
    U=${svc^^}; P=NATS_${U}_PASSWORD
    local nurl="tls://$svc:${!P}@127.0.0.1:$((B + 1)),tls://$svc:${!P}@127.0.0.1:$((B + 2)),tls://$svc:${!P}@127.0.0.1:$((B + 3))"
    local env=(ARCA_CONFIG="$STATE/arca.yaml" ARCA_NATS_URL="$nurl" SSL_CERT_DIR="$SSL_CERT_DIR" OTEL_SERVICE_NAME="arca-$svc"
               AWS_EC2_METADATA_DISABLED=true)
    case $svc in
      exporter) env+=(ARCA_SOURCE_URL="$SOURCE") ;;
      encryptor) env+=(ARCA_KEYRING_PASSPHRASE="$ARCA_KEYRING_PASSPHRASE") ;;
      uploader) env+=(AWS_ACCESS_KEY_ID="$S3_UPLOADER_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_UPLOADER_SECRET_KEY"
                      ARCA_KEYRING_PASSPHRASE="$ARCA_KEYRING_PASSPHRASE") ;;   # seals manifest.json, as in compose
      verifier) env+=(ARCA_KEYRING_PASSPHRASE="$ARCA_KEYRING_PASSPHRASE"
                      AWS_ACCESS_KEY_ID="$S3_VERIFIER_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_VERIFIER_SECRET_KEY") ;;
      coordinator) env+=(ARCA_SOURCE_URL="$SOURCE" ARCA_CATALOG_URL="$CATALOG" ARCA_API_TOKEN="$ARCA_API_TOKEN"
                         ARCA_KEYRING_PASSPHRASE="$ARCA_KEYRING_PASSPHRASE"
                         AWS_ACCESS_KEY_ID="$S3_COORDINATOR_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_COORDINATOR_SECRET_KEY") ;;
      alerter) env+=(ARCA_CATALOG_URL="$CATALOG" ARCA_PD_ROUTING_KEY=cluster-no-pagerduty) ;;
    esac
    for r in $(seq 1 "$REPLICAS"); do
      local maddr=127.0.0.1:$((B + 40 + i)); i=$((i + 1))
      local extra=(ARCA_METRICS_ADDR="$maddr" ARCA_DIR="$STATE/run/$svc-$r")
      [ "$svc" = coordinator ] && extra+=(ARCA_API_ADDR="127.0.0.1:$((B + 59 + r))")
      mkdir -p "$STATE/run/$svc-$r" "$STATE/env.d"
      (umask 077; printf '%q\n' "${env[@]}" "${extra[@]}" >"$STATE/env.d/$svc-$r")
      supervise "$svc-$r" "$STATE/env.d/$svc-$r" "$ARCA" --verbose "$svc"
      up+=("$svc-$r=$maddr")
      if [ "$svc-$r" = coordinator-1 ]; then
        wait_for coordinator-1 120 "$ARCA" healthcheck "http://$maddr/metrics"
        wait_for "the coordinator's streams" 120 streams_ready "http://127.0.0.1:$((B + 21))/jsz"
      fi
    done
  done
  local e
  for e in "${up[@]}"; do
    wait_for "${e%%=*}" 120 "$ARCA" healthcheck "http://${e#*=}/metrics"
  done
  # Every stream and consumer current on every node (after a restart their
  # R3 groups elect leaders again).
  for n in 1 2 3; do
    wait_for "JetStream on nats-$n" 120 curl -fsS "http://127.0.0.1:$((B + 20 + n))/healthz"
  done
  sleep 3   # a service that cannot start exits within seconds, then restarts
  for e in "${up[@]}"; do
    if grep -q "cluster: exited" "$STATE/logs/${e%%=*}.log"; then
      log "warning: ${e%%=*} restarted: $(grep -v '^cluster:' "$STATE/logs/${e%%=*}.log" | tail -1)"
    fi
  done
  log "Arca up: ${SERVICES[*]}, $REPLICAS replicas each"

  # The operator's environment: the arca CLI as NATS user operator.
  (
    umask 077
    cat >"$STATE/env" <<EOF
# source this file: the arca CLI against the loopback cluster (user operator)
export ARCA_CONFIG=$STATE/arca.yaml
export ARCA_NATS_URL=tls://operator:$NATS_OPERATOR_PASSWORD@127.0.0.1:$((B + 1)),tls://operator:$NATS_OPERATOR_PASSWORD@127.0.0.1:$((B + 2)),tls://operator:$NATS_OPERATOR_PASSWORD@127.0.0.1:$((B + 3))
export SSL_CERT_DIR=$SSL_CERT_DIR
export AWS_CA_BUNDLE=$CA   # where set, it replaces the roots the S3 client trusts
export ARCA_KEYRING_PASSPHRASE=$ARCA_KEYRING_PASSPHRASE
export ARCA_SOURCE_URL='$SOURCE'
export ARCA_CATALOG_URL='$CATALOG'
# S3 as root: the operator reads backups back (list, restore)
export AWS_ACCESS_KEY_ID=$S3_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_ROOT_SECRET_KEY
export ARCA_API=http://127.0.0.1:$((B + 60)) ARCA_API_TOKEN=$ARCA_API_TOKEN
export ARCA_CLUSTER_DIR=$STATE
EOF
  )
  cat <<EOF

Arca cluster on loopback (state $STATE):
  NATS        tls://127.0.0.1:$((B + 1)),$((B + 2)),$((B + 3))  (monitoring http://127.0.0.1:$((B + 21))/)
  S3          https://127.0.0.1:$s3port  bucket backups, prefix prod
  PostgreSQL  source $db, catalog ${db%_app}_catalog on ${PG#*@}
  API         http://127.0.0.1:$((B + 60)) and :$((B + 61))  (Authorization: Bearer \$ARCA_API_TOKEN)
  metrics     http://127.0.0.1:$((B + 40))/metrics ... :$((B + 39 + i))
  logs        $STATE/logs/<service>-<replica>.log

  source $STATE/env        # ARCA_CONFIG, ARCA_NATS_URL (user operator), SSL_CERT_DIR, keys
  bin/arca backup tenant casa-01 --wait
  bin/arca list
  scripts/cluster.sh status
  make cluster-stop
EOF
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_one "${2:?kill NAME (see status)}" ;;
  revive) revive "${2:?revive NAME (see status)}" ;;
  *) die "usage: $0 start|stop|status|kill NAME|revive NAME" ;;
esac
