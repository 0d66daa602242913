#!/usr/bin/env bash
# Checks deploy/compose/nats/nats-{1,2,3}.conf with the real nats-server
# v2.15.3 (`nats-server -t`: parse and validate, then exit), as the
# containers would read them: the compose paths of the TLS files and the
# store are mapped to a temporary directory, with certificates made by
# deploy/tls/gen-certs.sh and dummy secrets in the environment.
# Run by make compose-check.
set -euo pipefail
cd "$(dirname "$0")"
NATS_VERSION=v2.15.3          # the version pkg/embednats embeds
GOBIN=$(go env GOBIN); GOBIN=${GOBIN:-$(go env GOPATH)/bin}
if [ ! -x "$GOBIN/nats-server" ] || [ "$("$GOBIN/nats-server" --version 2>/dev/null)" != "nats-server: $NATS_VERSION" ]; then
  echo "nats check: installing nats-server $NATS_VERSION into $GOBIN"
  GOWORK=off GOFLAGS= go install "github.com/nats-io/nats-server/v2@$NATS_VERSION"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp ./*.conf "$tmp/"
../../tls/gen-certs.sh "$tmp/tls" nats-1 nats-2 nats-3 >/dev/null
for v in NATS_JS_KEY NATS_ADMIN_PASSWORD NATS_OPERATOR_PASSWORD NATS_EXPORTER_PASSWORD NATS_ENCRYPTOR_PASSWORD \
         NATS_UPLOADER_PASSWORD NATS_VERIFIER_PASSWORD NATS_COORDINATOR_PASSWORD NATS_ALERTER_PASSWORD; do
  export "$v=check-$RANDOM"
done
for n in 1 2 3; do
  d=$tmp/nats-$n; mkdir -p "$d"; cp "$tmp"/*.conf "$d/"
  sed -i -e "s|/etc/nats-tls/server.crt|$tmp/tls/nats-$n.crt|" -e "s|/etc/nats-tls/server.key|$tmp/tls/nats-$n.key|" \
         -e "s|/etc/nats-tls/ca.crt|$tmp/tls/ca/ca.crt|" -e "s|/data/jetstream|$d/js|" "$d/common.conf"
  "$GOBIN/nats-server" -c "$d/nats-$n.conf" -t
done
