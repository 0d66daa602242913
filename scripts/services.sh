#!/usr/bin/env bash
# Starts what Arca's tests and demo need and is not already running:
# PostgreSQL on 127.0.0.1:5432 (trust auth) and the versitygw S3 gateway
# binary (the tests start their own gateways on random loopback ports).
# NATS needs nothing: tests and `arca dev` embed nats-server.
set -euo pipefail

PGURL=${ARCA_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
VERSITYGW_VERSION=v1.8.0
GOBIN=$(go env GOBIN); GOBIN=${GOBIN:-$(go env GOPATH)/bin}

pg_up() { psql "$PGURL" -Atqc 'select 1' >/dev/null 2>&1; }

if ! pg_up; then
  echo "services: PostgreSQL not answering at 127.0.0.1:5432, starting it"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$ver" ]; then
    echo "services: no PostgreSQL cluster found; install postgresql" >&2; exit 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  pg_up || { echo "services: PostgreSQL did not start" >&2; exit 1; }
fi

# The demo needs only PostgreSQL: `make demo` calls this with --demo, so a
# newcomer's first run is the module download and one build.
if [ "${1:-}" = "--demo" ]; then
  echo "services: PostgreSQL up"
  exit 0
fi

if ! command -v versitygw >/dev/null 2>&1 && [ ! -x "$GOBIN/versitygw" ]; then
  echo "services: installing versitygw $VERSITYGW_VERSION"
  go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
fi
# Jaeger for the end-to-end trace test: pinned in tools/jaeger (a module
# outside go.work), built once as arca-jaeger.
if ! command -v arca-jaeger >/dev/null 2>&1 && [ ! -x "$GOBIN/arca-jaeger" ]; then
  echo "services: building Jaeger (tools/jaeger) as $GOBIN/arca-jaeger; this takes a few minutes once"
  (cd "$(dirname "$0")/../tools/jaeger" && GOWORK=off go build -o "$GOBIN/arca-jaeger" github.com/jaegertracing/jaeger/cmd/jaeger)
fi
# The console's browser tests drive Debian's chromium headless from Go
# (chromedp); no browser is ever downloaded at test time.
if ! command -v chromium >/dev/null 2>&1; then
  echo "services: installing chromium from Debian's packages (the console's browser tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
echo "services: PostgreSQL up, chromium at $(command -v chromium), versitygw at $(command -v versitygw || echo "$GOBIN/versitygw"), Jaeger at $GOBIN/arca-jaeger"
