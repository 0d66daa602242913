#!/usr/bin/env bash
# A short smoke run against `make cluster` (run by hand; not part of make
# test): back up a tenant through the cluster's services, list it, restore
# it side by side and compare with the live rows; restore it through the
# coordinator's API into a scratch database; then stop one replica of every
# stage and back up again (the other replica takes the jobs; SMOKE_HUNG=1
# hangs them instead: the jobs they held come back after the ack wait);
# then stop one NATS node of three and back up again.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${ARCA_CLUSTER_DIR:-.arca-cluster}
[ -f "$STATE/env" ] || { echo "smoke: no cluster under $STATE (make cluster)" >&2; exit 1; }
. "$STATE/env"
ARCA=bin/arca
T=${1:-casa-01}
src=$ARCA_SOURCE_URL
step() { printf '\n== %s\n' "$*"; }

step "1. back up tenant $T through NATS (TLS, per-service users), S3 (https, per-service users)"
$ARCA backup tenant "$T" --wait --timeout 4m
id=$($ARCA list --json | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d if isinstance(d,list) else d.get("backups",d); print(sorted([b for b in d if b.get("tenant")=="'"$T"'"], key=lambda b: b.get("backup_id", b.get("id","")))[-1].get("backup_id") or "")' 2>/dev/null || true)
echo "newest backup of $T: ${id:-?}"

step "2. restore it side by side and compare with the live rows"
schema=smoke_$(date +%s)
$ARCA restore tenant --tenant "$T" --latest --into-schema "$schema"
a=$(psql "$src" -XAtc "SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM (SELECT * FROM public.residents WHERE \"tenantId\" = '$T') x")
b=$(psql "$src" -XAtc "SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM (SELECT * FROM $schema.public__residents) x")
psql "$src" -qX -c "SET client_min_messages = warning" -c "DROP SCHEMA $schema CASCADE"
[ "$a" = "$b" ] || { echo "smoke: residents differ: live $a, restored $b" >&2; exit 1; }
echo "residents: live $a = restored $b"

step "3. the coordinator's API: health, the tenant's backups, a restore into a scratch database"
curl -fsS "$ARCA_API/healthz"
list=$(curl -fsS -H "Authorization: Bearer $ARCA_API_TOKEN" "$ARCA_API/v1/tenants/$T/backups")
echo "${list:0:300}..."
if [ -n "${id:-}" ]; then
  loc=$(curl -fsS -o /dev/null -w '%header{location}' -X POST -H "Authorization: Bearer $ARCA_API_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"backup_id\":\"$id\",\"target\":\"arca_restore_smoke\"}" "$ARCA_API/v1/restores")
  echo "restore accepted: $loc"
  for _ in $(seq 1 120); do
    r=$(curl -fsS -H "Authorization: Bearer $ARCA_API_TOKEN" "$ARCA_API$loc")
    case $r in *'"succeeded"'*|*'"failed"'*) break ;; esac
    sleep 0.5
  done
  echo "$r"
  case $r in *'"succeeded"'*) ;; *) echo "smoke: the API restore did not succeed" >&2; exit 1 ;; esac
  psql "${src%%/arca_cluster_app*}/arca_restore_smoke?sslmode=disable" -XAtc "SELECT 'scratch database arca_restore_smoke: ' || count(*) || ' tables' FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog','information_schema')"
  psql "${src%%/arca_cluster_app*}/postgres?sslmode=disable" -qXc "DROP DATABASE IF EXISTS arca_restore_smoke WITH (FORCE)"
fi

if [ "${SMOKE_HUNG:-}" = 1 ]; then
  # A hung replica (SIGSTOP) keeps the jobs it pulled until their ack wait
  # runs out: the backup completes, in about two minutes.
  step "4. one replica of every stage hung: its jobs are redelivered to the other after the ack wait"
  for s in exporter encryptor uploader verifier; do
    pid=$(cat "$STATE/pids/$s-1"); kill -STOP -- "-$pid"; echo "paused $s-1 (process group $pid)"
  done
  trap 'for s in exporter encryptor uploader verifier; do kill -CONT -- "-$(cat "$STATE/pids/$s-1")" 2>/dev/null || true; done' EXIT
else
  # A replica that dies (here: SIGTERM, a graceful stop) leaves its jobs to
  # the other; its supervisor starts it again 2s later.
  step "4. one replica of every stage stopped: the other takes the jobs"
  for s in exporter encryptor uploader verifier; do
    sup=$(cat "$STATE/pids/$s-1")
    for c in $(ps -o pid= --ppid "$sup"); do kill -TERM "$c"; echo "stopped $s-1 (pid $c; its supervisor restarts it)"; done
  done
fi
$ARCA backup tenant "$T" --wait --timeout 4m

if [ "${SMOKE_HUNG:-}" != 1 ]; then
  step "5. one NATS node of three down: the R3 streams go on"
  scripts/cluster.sh kill nats-3
  trap 'scripts/cluster.sh revive nats-3 >/dev/null 2>&1 || true' EXIT
  $ARCA backup tenant "$T" --wait --timeout 4m
  scripts/cluster.sh revive nats-3
  trap - EXIT
fi
echo
echo "smoke: passed"
