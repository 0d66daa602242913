#!/usr/bin/env bash
# arca wal-push of N 16 MiB WAL-like files (a fresh archive each mode), direct and through arca wal-agent.
set -euo pipefail
ARCA=${ARCA:?build it: go build -o /tmp/arca ./cmd/arca, then ARCA=/tmp/arca}; N=${N:-30}
agent=; w=$(mktemp -d); trap 'kill $agent 2>/dev/null || true; rm -rf "$w"' EXIT
export ARCA_KEYRING_PASSPHRASE=bench ARCA_NATS_URL= ARCA_WAL_AGENT_DIR=
mk() { # mode dir
  mkdir -p "$2/pg_wal/archive_status"
  printf 'dir: %s\nnats: {url: "nats://127.0.0.1:1"}\n' "$2" > "$2/arca.yaml"
  "$ARCA" --config "$2/arca.yaml" keys init --ack-timeout 0 >/dev/null 2>&1 || true
  for i in $(seq 1 "$N"); do
    f=$(printf '%s/pg_wal/0000000100000000%08X' "$2" "$i")
    { head -c 6000000 /dev/urandom; head -c 10777216 /dev/zero; } > "$f"
  done
}
run() { # mode dir extra-args...
  local mode=$1 d=$2; shift 2
  : > "$w/$mode.ms"
  for i in $(seq 1 "$N"); do
    f=$(printf '%s/pg_wal/0000000100000000%08X' "$d" "$i")
    s=$(date +%s%N); "$ARCA" --config "$d/arca.yaml" wal-push "$@" "$f" 2>>"$w/$mode.err"; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 )) >> "$w/$mode.ms"
  done
  sort -n "$w/$mode.ms" | awk -v m="$mode" '{a[NR]=$1} END {printf "%s: n=%d p50 %d ms p99 %d ms max %d ms\n", m, NR, a[int((NR-1)*0.5)+1], a[int((NR-1)*0.99)+1], a[NR]}'
}
mk direct "$w/direct"; mk agent "$w/agent"
"$ARCA" --config "$w/agent/arca.yaml" wal-agent --dir "$w/sock" --follow-epoch=false --look-ahead -1 2>"$w/agent.log" & agent=$!
for i in $(seq 1 100); do [ -S "$w/sock/wal-agent.sock" ] && break; sleep 0.1; done
run direct "$w/direct"
run agent "$w/agent" --agent-dir "$w/sock"
grep -c "archiving directly" "$w/agent.err" || true
