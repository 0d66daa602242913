#!/usr/bin/env bash
# make chaos / make chaos-short: issue #14's fault-injection suite on real
# processes (scripts/cluster.sh: 3 nats-server nodes with TLS, versitygw over
# https, the machine's PostgreSQL, every Arca service with 2 replicas).
#
#   scripts/chaos.sh full     50 tenants, casa-01 with about 300 MB of care notes
#   scripts/chaos.sh short    20 tenants, casa-01 with about 190 MB (CI)
#
# It makes a fresh source database (scripts/demo-data.sql, then
# scripts/chaos-data.sql), starts a fresh cluster, backs up every tenant once
# (`arca backup tenant all`), and while that runs injects, one after the
# other, each fault at a moment of the run (not at a time: a faster machine
# would be done before), with a bounded wait for it:
#   pg_terminate_backend of the exporter's COPY of casa-01's care notes;
#   kill -9 of an uploader with a part in flight (arca_jobs_in_flight > 0);
#   nats-2 stopped for 15 s, kill -9 of coordinator-1 and nats-1 restarted,
#   each while casa-01's backup is open (read from the EVENTS stream:
#   chaoscheck -progress); S3 (versitygw) stopped for 20 s, casa-01's
#   backup still open; kill -9 of a verifier with a verification in flight
#   (casa-01's, the last work of the run).
# What makes the faults land while work is in flight on any machine is the
# gate: a lock asked for on casa-01's care notes while the export copies
# them, which holds the export's closing pg_dump (and so casa-01's last
# part, its commit and its verification) until 2 s into the S3 outage. A
# fault that lands after the work is done (casa-01 verified, or arca backup
# --wait exited) fails the run.
# Killed services are restarted by their supervisor 2 s later, as compose's
# restart policy would. Then, once every tenant has a verified backup (or the
# profile's bound runs out), it checks:
#   1. every tenant has exactly one backup, and it is verified;
#   2. no dead letter is about a backup that was verified (none at all is
#      expected: every job of the run succeeds in the end);
#   3. no multipart upload is left in the bucket (arca prune --dry-run);
#   4. nothing is left in the NATS staging buckets.
# It prints a table (fault, when, outcome) and the checks, writes both to
# $STATE/chaos/report.md, and exits 1 if a fault could not be injected, landed
# after the work was done, or a check failed, naming it and where the logs
# are. Timings are reported, never judged. The cluster is stopped at the end
# (CHAOS_KEEP=1 leaves it up).
#
# Environment: CHAOS_DIR (state, default .arca-chaos-<profile>), ARCA_CLUSTER_PG
# (default postgres://postgres@127.0.0.1:5432). Databases: arca_chaos_<profile>_app
# and arca_chaos_<profile>_catalog, dropped and made again at each run (left
# after it for inspection; `scripts/chaos.sh clean <profile>` drops them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROFILE=${1:-short}
PG=${ARCA_CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}
case $PROFILE in
  # The large tenant's size no longer decides whether the faults land in
  # the run (the gate does); it is what the faults hit mid-part.
  short) TENANTS=20 LARGE_MB=200 BOUND=600 ;;
  full) TENANTS=50 LARGE_MB=320 BOUND=2700 ;;
  clean)
    p=${2:-short}
    for d in arca_chaos_${p}_app arca_chaos_${p}_catalog; do
      psql "$PG/postgres?sslmode=disable" -qX -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"
    done
    rm -rf ".arca-chaos-$p"; exit 0 ;;
  *) echo "usage: $0 short|full|clean [short|full]" >&2; exit 2 ;;
esac
DB=arca_chaos_${PROFILE}_app CATALOG_DB=arca_chaos_${PROFILE}_catalog
export ARCA_CLUSTER_DIR=${CHAOS_DIR:-.arca-chaos-$PROFILE} ARCA_CLUSTER_DB=$DB ARCA_CLUSTER_PG=$PG
STATE=$ARCA_CLUSTER_DIR
OUT=$STATE/chaos
ARCA=$ROOT/bin/arca
T0=0
IDLE_BOUND=240   # AckWait (2 min) and then some

say() { echo "chaos: $*"; }
now() { date +%s; }
since() { echo $(( $(now) - T0 )); }

# --- a fresh cluster on a fresh database ------------------------------------

scripts/cluster.sh stop >/dev/null 2>&1 || true
rm -rf "$STATE"
# finish, however the run ends (a failed check, an error, SIGINT, SIGTERM):
# stop every process it started (freeing their ports), remove the cluster's
# data (NATS stores, the S3 bucket, secrets), and keep only logs/ and chaos/
# (the report). The databases are dropped after a pass and kept after a
# failure, for inspection (`scripts/chaos.sh clean` drops them).
backup_pid=
finish() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$backup_pid" ] && kill -0 "$backup_pid" 2>/dev/null; then kill "$backup_pid" 2>/dev/null || true; fi
  if declare -F gate_close >/dev/null; then gate_close; fi
  if [ "${CHAOS_KEEP:-}" = 1 ]; then say "cluster left up (CHAOS_KEEP=1): make cluster-stop ARCA_CLUSTER_DIR=$STATE"
  else
    scripts/cluster.sh stop >/dev/null 2>&1 || true
    find "$STATE" -mindepth 1 -maxdepth 1 ! -name logs ! -name chaos -exec rm -rf {} + 2>/dev/null || true
    if [ $rc -eq 0 ]; then
      for d in "$DB" "$CATALOG_DB"; do
        psql "$PG/postgres?sslmode=disable" -qX -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true
      done
    fi
  fi
  [ $rc -ne 0 ] && echo "chaos: FAILED; logs in $STATE/logs/, the run's in $OUT/; databases $DB and $CATALOG_DB kept (scripts/chaos.sh clean $PROFILE)" >&2
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for d in "$DB" "$CATALOG_DB"; do
  psql "$PG/postgres?sslmode=disable" -qX -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"
done
say "profile $PROFILE: $TENANTS tenants, casa-01 with about $LARGE_MB MB of rows; seeding $DB"
go build -o bin/chaoscheck ./cmd/arca/internal/chaoscheck
seed_start=$(now)
psql "$PG/postgres?sslmode=disable" -qX -c "CREATE DATABASE $DB"
psql "$PG/$DB?sslmode=disable" -qX -v ON_ERROR_STOP=1 -f scripts/demo-data.sql >/dev/null
psql "$PG/$DB?sslmode=disable" -qX -v ON_ERROR_STOP=1 -v tenants="$TENANTS" -v large_mb="$LARGE_MB" -f scripts/chaos-data.sql >/dev/null
large=$(psql "$PG/$DB?sslmode=disable" -XAtc "SELECT pg_size_pretty(pg_table_size(format('%I.care_notes', \"schemaName\")::regclass)) FROM public.tenants WHERE id = 'casa-01'")
ntenants=$(psql "$PG/$DB?sslmode=disable" -XAtc "SELECT count(*) FROM public.tenants")
say "seeded in $(( $(now) - seed_start ))s: $ntenants tenants, casa-01's care notes $large"


cluster_start=$(now)
mkdir -p "$OUT"
scripts/cluster.sh start >"$OUT/cluster-start.log" 2>&1 || { cat "$OUT/cluster-start.log" >&2; exit 1; }
say "cluster up in $(( $(now) - cluster_start ))s (state $STATE)"
# shellcheck disable=SC1091
. "$STATE/env"
ARCA_CLUSTER_PORT=$(sed -n 's/^ARCA_CLUSTER_PORT=//p' "$STATE/secrets.env")
# The gate (below) holds casa-01's export the way a long migration's lock
# would; the exporters wait for a lock at most their lock_timeout (30 s by
# default), after which the attempt fails and starts again. This cluster's
# exporters get 5 minutes, so that the gate holds the export open through
# the faults rather than fail its attempts. Restarted before t+0.
sed -i '/^source:$/a\  lock_timeout: 5m' "$STATE/arca.yaml"
for r in 1 2; do scripts/cluster.sh kill "exporter-$r" >/dev/null; scripts/cluster.sh revive "exporter-$r" >/dev/null; done
# A service that cannot start crash-loops under its supervisor: fail now, not
# after the bound. One that exits once while the cluster settles (a stream
# ensured too slowly on a loaded machine) is restarted 2 s later: wait,
# bounded, until every one answers.
up_deadline=$(( $(now) + 120 ))
for f in "$STATE"/env.d/*; do
  n=$(basename "$f")
  until "$ARCA" healthcheck "http://$(sed -n 's/^ARCA_METRICS_ADDR=//p' "$f")/metrics" >/dev/null 2>&1; do
    if [ "$(now)" -ge "$up_deadline" ]; then
      echo "chaos: $n does not stay up: $(grep -v '^cluster:' "$STATE/logs/$n.log" | tail -1)" >&2; exit 1
    fi
    sleep 1
  done
done

# --- helpers -----------------------------------------------------------------

# child NAME: the pid of the service its supervisor runs.
child() { { ps -o pid= --ppid "$(cat "$STATE/pids/$1")" 2>/dev/null || true; } | tr -d ' ' | head -1; }
metrics_addr() { sed -n 's/^ARCA_METRICS_ADDR=//p' "$STATE/env.d/$1"; }
in_flight() { # in_flight NAME: the jobs its stage holds (arca_jobs_in_flight)
  { curl -fsS --max-time 2 "http://$(metrics_addr "$1")/metrics" 2>/dev/null || true; } |
    awk '/^arca_jobs_in_flight[{ ]/ {s += $NF} END {print s + 0}'
}
healthy() { "$ARCA" healthcheck "http://$(metrics_addr "$1")/metrics" >/dev/null 2>&1; }
running() { kill -0 "$backup_pid" 2>/dev/null; }   # arca backup --wait has not exited
verified_count() { # tenants with at least one verified backup, from the bucket
  "$ARCA" list --json 2>/dev/null | python3 -c '
import json, sys
rows = json.load(sys.stdin) or []
print(len({r["tenant"] for r in rows if r.get("kind") == "tenant" and r.get("verification") == "verified"}))' 2>/dev/null || echo "?"
}

# Progress, read from the EVENTS stream (chaoscheck -progress): verified
# (tenants), and of casa-01's latest export attempt: exported, last,
# encrypted, uploaded (parts), committed, done (verified). The faults are
# injected at moments of the run that these name, not at times: on a
# faster machine the run is done sooner, and a fault at a fixed offset
# found nothing left to hit.
verified=0 attempts=0 exported=0 last=0 encrypted=0 uploaded=0 committed=0 done=0
progress() {
  local line
  line=$(bin/chaoscheck -progress casa-01 2>>"$OUT/progress.err") || return 1
  [[ $line =~ ^([a-z]+=[0-9]+\ ?)+$ ]] || return 1   # name=number pairs only
  eval "$line"
}
where() { # where the run is, for a fault's row
  local s="casa-01: $exported parts exported"
  [ "$last" = 1 ] && s+=" (all)"
  s+=", $uploaded uploaded"
  [ "$committed" = 1 ] && s+=", committed"
  [ "$done" = 1 ] && s+=", verified"
  echo "$s; $verified/$ntenants tenants verified"
}
# await WHAT SECONDS CONDITION: wait (bounded) until CONDITION (a shell test
# over the progress variables) holds; fails at once if the work is done.
await() {
  local what=$1 end=$(( $(now) + $2 )) cond=$3
  while [ "$(now)" -lt "$end" ]; do
    if progress; then
      if [ "$done" = 1 ] || ! running; then return 1; fi
      eval "$cond" && return 0
    fi
    sleep 0.3
  done
  return 1
}

ROWS=()   # fault|when|outcome
FAILS=()
LATE=()   # faults that landed after the work was done, or could not land in it
row() { # a fault that was not injected, landed on finished work, or did not recover fails the run
  ROWS+=("$1|$2|$3"); say "$1 at $2: $3"
  case $3 in
    *"AFTER THE WORK"*) LATE+=("$1"); FAILS+=("$1: $3") ;;
    *NOT\ *) FAILS+=("$1: $3 (logs in $STATE/logs/)") ;;
  esac
}
# landed: for a fault just injected, whether work was still in flight.
landed() {
  progress || true
  if [ "$done" = 1 ] || ! running; then echo "LANDED AFTER THE WORK WAS DONE ($(where))"; else where; fi
}

# recovered NAME SECONDS: until NAME is healthy again; prints the outcome.
recovered() {
  local name=$1 t=$(now) i
  for i in $(seq 1 $(($2 * 2))); do
    if healthy "$name"; then echo "restarted by its supervisor, healthy after $(( $(now) - t ))s"; return; fi
    sleep 0.5
  done
  echo "NOT healthy again within $2s (see $STATE/logs/$name.log)"
}

# kill9_busy STAGE WHAT SECONDS: kill -9 the replica of STAGE that holds a job.
kill9_busy() {
  local stage=$1 what=$2 end=$(( $(now) + $3 )) r
  while [ "$(now)" -lt "$end" ]; do
    if ! running; then
      row "kill -9 $stage ($what in flight)" "t+$(since)s" "NOT INJECTED: AFTER THE WORK was done (arca backup --wait exited) before a $stage held a job"
      return
    fi
    for r in 1 2; do
      local n; n=$(in_flight "$stage-$r")
      if [ "$n" -gt 0 ] 2>/dev/null; then
        local pid when; pid=$(child "$stage-$r"); when="t+$(since)s"
        [ -n "$pid" ] && kill -9 "$pid"
        local at; at=$(landed)
        row "kill -9 $stage-$r ($n $what in flight)" "$when" "$(recovered "$stage-$r" 120); $at"
        return
      fi
    done
    sleep 0.05
  done
  row "kill -9 $stage ($what in flight)" "t+$(since)s" "NOT INJECTED: no $stage held a job within ${3}s"
}

# verifier_watch, in the background: kill -9 the first verifier replica
# seen holding a job, polling as kill9_busy does, and say which into
# $OUT/verifier-kill (a background job cannot add rows).
verifier_watch() {
  local end=$(( $(now) + 300 )) r n pid
  rm -f "$OUT/verifier-kill"
  while [ "$(now)" -lt "$end" ] && running; do
    for r in 1 2; do
      n=$(in_flight "verifier-$r")
      if [ "$n" -gt 0 ] 2>/dev/null; then
        pid=$(child "verifier-$r"); [ -n "$pid" ] && kill -9 "$pid"
        # Judged by the run, not casa-01 alone: the verification cut may be
        # another tenant's (on a quiet machine casa-01's takes well under a
        # second), and it is redelivered as casa-01's would be.
        local when="t+$(since)s" at
        progress >/dev/null 2>&1 || true
        if running; then at=$(where); else at="LANDED AFTER THE WORK WAS DONE ($(where))"; fi
        echo "$r|$n|$when|${at//|/\\|}" > "$OUT/verifier-kill"
        return
      fi
    done
    sleep 0.05
  done
}

# The gate: casa-01's export is held before its end while the faults land,
# whatever the machine's speed. Once the export's COPY of casa-01's care
# notes runs (the attempt after fault 1), a session asks for an ACCESS
# EXCLUSIVE lock on the table: the COPY goes on (its lock is granted), but
# the export's closing pg_dump (post-data), which locks the table again,
# waits behind the request, as behind a migration. So casa-01's parts are
# exported, sealed and uploaded, but its last part, its commit and its
# verification cannot come until the gate opens: during the S3 outage, the
# last fault. A safety bound opens it after GATE_MAX seconds whatever
# happens; the report says what it held.
GATE_MAX=300
gate_pid=
SCHEMA=$(psql "$PG/$DB?sslmode=disable" -XAtc "SELECT \"schemaName\" FROM public.tenants WHERE id = 'casa-01'")
gate_sql() { psql "$PG/$DB?sslmode=disable" -XAtc "$1" 2>/dev/null || true; }   # never fatal (set -e)
gate_close() { # the gate's session, cancelled: its request or lock goes
  gate_sql "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE application_name = 'arca-chaos-gate' AND datname = '$DB'" >/dev/null || true
  if [ -n "$gate_pid" ]; then wait "$gate_pid" 2>/dev/null || true; gate_pid=; fi
  if [ -s "$OUT/gate.watchdog" ]; then
    gate_report+=", opened by the watchdog at $(cat "$OUT/gate.watchdog") (a session had waited ${GATE_WAIT_MAX}s)"
  fi
}
gate_open_at=
gate_start() { # gate_start NOT_PID: wait (bounded) for another care-notes COPY of casa-01, then ask for the lock
  local skip=${1:-0} end=$(( $(now) + 120 )) pid
  while [ "$(now)" -lt "$end" ] && running; do
    pid=$(gate_sql "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND state = 'active' AND query ILIKE 'COPY%care_notes%' AND query LIKE '%$SCHEMA%' AND pid <> $skip LIMIT 1")
    if [ -n "$pid" ]; then
      PGAPPNAME=arca-chaos-gate psql "$PG/$DB?sslmode=disable" -qXAt \
        -c "BEGIN; LOCK TABLE $(gate_sql "SELECT format('%I.care_notes', '$SCHEMA')") IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($GATE_MAX); COMMIT" \
        >"$OUT/gate.log" 2>&1 &
      gate_pid=$!
      gate_open_at="t+$(since)s"
      gate_report="asked for at $gate_open_at"
      gate_watch &
      return 0
    fi
    sleep 0.1
  done
  return 1
}
# The exporters wait at most their lock_timeout (5 min here) for a lock;
# past that the attempt fails and starts again. The watchdog opens the gate
# once a session has waited 4 min, so that the gate never fails an attempt
# (the faults then land on whatever is left, and the report says so).
GATE_WAIT_MAX=240
gate_report="the gate was never asked for"
gate_watch() {
  while [ -n "$gate_pid" ] && kill -0 "$gate_pid" 2>/dev/null; do
    w=$(gate_sql "SELECT coalesce(max(extract(epoch FROM now() - a.state_change))::int, -1) FROM pg_stat_activity a WHERE datname = '$DB' AND wait_event_type = 'Lock'
      AND EXISTS (SELECT 1 FROM pg_stat_activity g WHERE g.application_name = 'arca-chaos-gate' AND g.pid = ANY (pg_blocking_pids(a.pid)))")
    if [ "${w:--1}" -ge "$GATE_WAIT_MAX" ] 2>/dev/null; then
      echo "t+$(since)s" >"$OUT/gate.watchdog"
      gate_sql "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE application_name = 'arca-chaos-gate' AND datname = '$DB'" >/dev/null
      return
    fi
    sleep 1
  done
}
gate_held() { # the sessions the gate holds back (what they run), if any
  gate_sql "SELECT string_agg(DISTINCT coalesce(nullif(application_name, ''), 'session') || ': ' || left(regexp_replace(query, '\s+', ' ', 'g'), 40), '; ')
    FROM pg_stat_activity a WHERE datname = '$DB' AND wait_event_type = 'Lock'
    AND EXISTS (SELECT 1 FROM pg_stat_activity g WHERE g.application_name = 'arca-chaos-gate' AND g.pid = ANY (pg_blocking_pids(a.pid)))"
}

# --- the run -----------------------------------------------------------------

T0=$(now)
say "backing up every tenant: arca backup tenant all --wait (log $OUT/backup.log)"
"$ARCA" backup tenant all --wait --timeout "${BOUND}s" >"$OUT/backup.log" 2>&1 &
backup_pid=$!

# 1. the exporter's PostgreSQL backend, mid-COPY of casa-01's care notes:
#    casa-01's export starts again, and the gate waits for that attempt
end=$(( $(now) + 120 )); done_=0; terminated=0
while [ "$(now)" -lt "$end" ]; do
  pid=$(psql "$PG/postgres?sslmode=disable" -XAtc "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND state = 'active' AND query ILIKE 'COPY%care_notes%' AND query LIKE '%$SCHEMA%' AND pid <> pg_backend_pid() LIMIT 1")
  if [ -n "$pid" ]; then
    q=$(psql "$PG/postgres?sslmode=disable" -XAtc "SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 60) FROM pg_stat_activity WHERE pid = $pid")
    when="t+$(since)s"
    ok=$(psql "$PG/postgres?sslmode=disable" -qXAtc "SET client_min_messages = error; SELECT pg_terminate_backend($pid)")
    [ "$ok" = t ] || continue   # it ended meanwhile
    terminated=$pid
    row "pg_terminate_backend(exporter's COPY)" "$when" "terminated: ${q//|/\\|}; $(landed)"
    done_=1; break
  fi
  sleep 0.1
done
[ $done_ = 1 ] || { row "pg_terminate_backend(exporter's COPY)" "t+$(since)s" "NOT INJECTED: no COPY of casa-01's care notes within 120s"; }

# The gate, as soon as casa-01's care notes are copied again.
if gate_start "$terminated"; then
  row "gate: casa-01's export held before its end" "$gate_open_at" "lock on its care notes asked for while its COPY runs; $(landed)"
else
  row "gate: casa-01's export held before its end" "t+$(since)s" "NOT INJECTED: casa-01's care notes were not copied within 120s"
fi

# 2. an uploader with a part in flight
kill9_busy uploader "part uploads" 300

# 3. one NATS node of three stopped for 15 s, casa-01's backup open (its
#    export streaming, or held by the gate)
if await "casa-01 open" 300 '[ "$committed" = 0 ]'; then
  when="t+$(since)s"; at=$(where); scripts/cluster.sh kill nats-2 >/dev/null; sleep 15
  scripts/cluster.sh revive nats-2 >/dev/null; t=$(now)
  for _ in $(seq 1 240); do curl -fsS --max-time 2 "http://127.0.0.1:$((ARCA_CLUSTER_PORT + 22))/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  row "nats-2 stopped for 15s" "$when" "back, JetStream current after $(( $(now) - t ))s; at its stop $at; after it $(landed)"
else
  row "nats-2 stopped for 15s" "t+$(since)s" "NOT INJECTED: AFTER THE WORK was done ($(where))"
fi

# 4. the coordinator, casa-01's backup still open
if await "casa-01 open" 60 '[ "$committed" = 0 ]'; then
  when="t+$(since)s"; pid=$(child coordinator-1); [ -n "$pid" ] && kill -9 "$pid"; at=$(landed); sleep 1
  row "kill -9 coordinator-1" "$when" "$(recovered coordinator-1 120); $at"
else
  row "kill -9 coordinator-1" "t+$(since)s" "NOT INJECTED: AFTER THE WORK was done ($(where))"
fi

# 5. a nats-server restarted (nats-1: every client dials it first)
if await "casa-01 open" 60 '[ "$committed" = 0 ]'; then
  when="t+$(since)s"; at=$(where); scripts/cluster.sh kill nats-1 >/dev/null; scripts/cluster.sh revive nats-1 >/dev/null; t=$(now)
  for _ in $(seq 1 240); do curl -fsS --max-time 2 "http://127.0.0.1:$((ARCA_CLUSTER_PORT + 21))/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  row "nats-1 restarted" "$when" "JetStream current after $(( $(now) - t ))s; at its restart $at; after it $(landed)"
else
  row "nats-1 restarted" "t+$(since)s" "NOT INJECTED: AFTER THE WORK was done ($(where))"
fi

# 6. S3 stopped for 20 s while casa-01's backup is open (not committed:
#    nothing of it can commit or verify until S3 is back); the gate opens
#    2 s in, so that casa-01's last part is exported and its upload meets
#    the outage.
if await "casa-01 open" 60 '[ "$committed" = 0 ]'; then
  when="t+$(since)s"; at=$(where); scripts/cluster.sh kill versitygw >/dev/null; s3_down=$(now)
  sleep 2
  held=$(gate_held); gate_close
  row "gate opened (S3 down)" "t+$(since)s" "$gate_report; $([ -n "$held" ] && echo "at its opening it held ${held//|/\\|}" || echo "at its opening it held nothing")"
  rest=$(( 20 - ($(now) - s3_down) )); [ "$rest" -gt 0 ] && sleep "$rest"
  # Judged at the outage's end, before S3 is back: nothing of casa-01 can
  # commit while it is down, and on a quiet machine it commits and
  # verifies within a second of S3's return.
  end_at=$(landed)
  # Fault 7's watcher starts before S3 is back, for the same reason.
  verifier_watch & watch_pid=$!
  scripts/cluster.sh revive versitygw >/dev/null; t=$(now)
  for _ in $(seq 1 120); do curl -fsS --max-time 2 --cacert "$AWS_CA_BUNDLE" "https://127.0.0.1:$((ARCA_CLUSTER_PORT + 30))/health" >/dev/null 2>&1 && break; sleep 0.5; done
  row "versitygw (S3) stopped for $(( t - s3_down ))s" "$when" "back after $(( $(now) - t ))s; at its stop $at; at its end $end_at"
else
  gate_close
  row "versitygw (S3) stopped for 20s" "t+$(since)s" "NOT INJECTED: AFTER THE WORK was done ($(where))"
fi

# 7. a verifier mid-verification: casa-01's, the last work of the run (the
#    small tenants' may all be verified by now), caught by the watcher
#    started before S3 came back.
if [ -n "${watch_pid:-}" ]; then wait "$watch_pid" 2>/dev/null || true; fi
if [ -s "$OUT/verifier-kill" ]; then
  IFS='|' read -r r n when at < "$OUT/verifier-kill"
  row "kill -9 verifier-$r ($n verifications in flight)" "$when" "$(recovered "verifier-$r" 120); $at"
else
  kill9_busy verifier "verifications" 300
fi

# --- the end of the run, bounded ---------------------------------------------

say "waiting (at most ${BOUND}s from the start) for every tenant to have a verified backup"
while [ "$(since)" -lt "$BOUND" ]; do
  v=$(verified_count); [ "$v" = "$ntenants" ] && break
  kill -0 "$backup_pid" 2>/dev/null || break   # every backup verified or failed
  sleep 5
done
v=$(verified_count)
run_secs=$(since)
row "end of the run" "t+${run_secs}s" "$v/$ntenants tenants verified"
# arca backup --wait follows the run through the faults; its exit is reported.
for _ in $(seq 1 60); do kill -0 "$backup_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$backup_pid" 2>/dev/null; then kill "$backup_pid"; wrc="still waiting, stopped"; else wait "$backup_pid" && wrc=0 || wrc=$?; fi
row "arca backup tenant all --wait" "t+$(since)s" "exit $wrc ($(tail -1 "$OUT/backup.log" | cut -c1-80))"

# A backup can be verified while the job of a stage killed after its commit
# still waits for its redelivery (the consumer's AckWait, 2 min) to finish
# its clean-up: what is left is judged once no stage holds or owes a job.
when="t+$(since)s"
if bin/chaoscheck -idle "${IDLE_BOUND}s" >"$OUT/nats.json" 2>"$OUT/nats.err"; then
  r=$(python3 -c '
import json, sys
rep = json.load(open(sys.argv[1]))
print("idle after %ds" % rep["idle_after_s"] if rep["idle"] else "NOT idle within %ss: %s" % (sys.argv[2], "; ".join(rep["busy"])[:200]))' "$OUT/nats.json" "$IDLE_BOUND")
else
  r="NOT known: chaoscheck failed: $(head -c 200 "$OUT/nats.err")"
fi
row "every stage idle (no job held or owed)" "$when" "$r"

# --- the checks ----------------------------------------------------------------

CHECKS=()
check() { # check NAME OK DETAIL
  if [ "$2" = ok ]; then CHECKS+=("$1|ok|$3"); else CHECKS+=("$1|FAILED|$3"); FAILS+=("check failed: $1: $3"); fi
}

"$ARCA" list --json >"$OUT/list.json" 2>"$OUT/list.err" || true
psql "$PG/$DB?sslmode=disable" -XAtc "SELECT id FROM public.tenants ORDER BY id" >"$OUT/tenants.txt"
r=$(python3 - "$OUT/list.json" "$OUT/tenants.txt" <<'EOF'
import json, sys
rows = [r for r in (json.load(open(sys.argv[1])) or []) if r.get("kind") == "tenant"]
tenants = open(sys.argv[2]).read().split()
bad = []
for t in tenants:
    mine = [r for r in rows if r.get("tenant") == t]
    ver = [r for r in mine if r.get("verification") == "verified"]
    if len(mine) != 1 or len(ver) != 1:
        bad.append("%s: %d backups, %d verified" % (t, len(mine), len(ver)))
print(("ok|%d tenants, one verified backup each" % len(tenants)) if not bad else "bad|" + "; ".join(bad[:10]) + (" ..." if len(bad) > 10 else ""))
EOF
) || r="bad|arca list failed: $(head -c 200 "$OUT/list.err")"
check "every tenant has exactly one verified backup" "${r%%|*}" "${r#*|}"

if [ -s "$OUT/nats.json" ]; then
  r=$(python3 - "$OUT/nats.json" "$OUT/list.json" <<'EOF'
import json, sys
rep = json.load(open(sys.argv[1]))
verified = {r["backup_id"] for r in (json.load(open(sys.argv[2])) or []) if r.get("verification") == "verified"}
dls = rep["dead_letters"]
wrong = [d for d in dls if d["backup_id"] in verified]
if wrong:
    print("bad|%d dead letters about verified backups, e.g. %s %s %s: %s" % (len(wrong), wrong[0]["stage"], wrong[0]["tenant"], wrong[0]["backup_id"], wrong[0]["reason"][:120]))
elif dls:
    print("bad|%d dead letters (none about a verified backup), e.g. %s %s: %s" % (len(dls), dls[0]["stage"], dls[0]["tenant"], dls[0]["reason"][:120]))
else:
    print("ok|DLQ empty")
print(("ok|staging empty" if not rep["staging"] else "bad|%d objects, e.g. %s" % (len(rep["staging"]), ", ".join(rep["staging"][:3]))))
EOF
)
  check "no dead letter for a job that succeeded" "$(sed -n 1p <<<"$r" | cut -d'|' -f1)" "$(sed -n 1p <<<"$r" | cut -d'|' -f2-)"
  check "no staging left" "$(sed -n 2p <<<"$r" | cut -d'|' -f1)" "$(sed -n 2p <<<"$r" | cut -d'|' -f2-)"
else
  check "no dead letter for a job that succeeded" bad "chaoscheck failed: $(head -c 200 "$OUT/nats.err")"
  check "no staging left" bad "chaoscheck failed (see $OUT/nats.err)"
fi

if "$ARCA" prune --dry-run --json >"$OUT/prune.json" 2>"$OUT/prune.err"; then
  r=$(python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
up, kept = p.get("uploads") or [], p.get("uploads_kept", 0)
if up or kept:
    print("bad|%d multipart uploads that can never complete, %d of backups said to be in progress%s" % (len(up), kept, (": " + up[0].get("key", "")) if up else ""))
else:
    print("ok|no multipart upload in the bucket")' "$OUT/prune.json")
  check "no orphan multipart upload" "${r%%|*}" "${r#*|}"
else
  check "no orphan multipart upload" bad "arca prune --dry-run failed: $(head -c 200 "$OUT/prune.err")"
fi

# --- the report ----------------------------------------------------------------

{
  echo "## chaos $PROFILE, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$ntenants tenants, casa-01's care notes $large; 3 nats-server nodes (TLS, R3), versitygw (https), PostgreSQL, 2 replicas of every stage; seeded and cluster started before t+0."
  echo
  echo "| fault | when | outcome |"
  echo "|---|---|---|"
  for x in "${ROWS[@]}"; do IFS='|' read -r a b c <<<"$x"; echo "| $a | $b | $c |"; done
  echo
  if [ ${#LATE[@]} -gt 0 ]; then
    echo "FAULTS THAT LANDED AFTER THE WORK WAS DONE (or could not land in it; each fails the run): ${#LATE[@]}: $(IFS=';'; echo "${LATE[*]}")."
  else
    echo "Every fault landed while work was in flight: each was injected at a moment of the run read from its events (chaoscheck -progress), and casa-01's backup was still open at each (its row says how far it had got)."
  fi
  echo
  echo "| check | result | detail |"
  echo "|---|---|---|"
  for x in "${CHECKS[@]}"; do IFS='|' read -r a b c <<<"$x"; echo "| $a | $b | $c |"; done
} >"$OUT/report.md"
echo; cat "$OUT/report.md"; echo
if [ ${#FAILS[@]} -gt 0 ]; then
  for f in "${FAILS[@]}"; do echo "chaos: $f" >&2; done
  exit 1
fi
say "passed ($OUT/report.md)"
