#!/usr/bin/env bash
# make demo: back up a sample care-home database end to end with `arca dev`
# (embedded NATS JetStream, every stage, a directory as the bucket), verify
# every backup from the bucket, restore one tenant side by side and show that
# it matches the live tenant. Everything it makes is under .arca-demo and in
# the databases arca_demo and arca_demo_catalog; `make clean-demo` removes them.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=${PGHOST:-127.0.0.1}; PGPORT=${PGPORT:-5432}; PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DB=arca_demo
export ARCA_DIR=.arca-demo
export ARCA_SOURCE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
export ARCA_CATALOG_URL="postgres://$PGUSER@$PGHOST:$PGPORT/${DB}_catalog?sslmode=disable"
# The keyring is sealed under a passphrase that lives only in this shell.
export ARCA_KEYRING_PASSPHRASE=${ARCA_KEYRING_PASSPHRASE:-$(head -c 24 /dev/urandom | base64)}
export ARCA_CONFIG=scripts/demo-arca.yaml
# The web console (served by arca dev's coordinator); its sign-in token lives only in this shell.
export ARCA_API_ADDR=${ARCA_API_ADDR:-127.0.0.1:8480}
export ARCA_API_TOKEN=${ARCA_API_TOKEN:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
ARCA=bin/arca
start=$(date +%s)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. A sample care-home database: 20 tenants, three tenancy models"
rm -rf "$ARCA_DIR"; mkdir -p "$ARCA_DIR"
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" \
  -c "DROP DATABASE IF EXISTS ${DB}_catalog WITH (FORCE)" -c "CREATE DATABASE ${DB}_catalog" >/dev/null
psql -qX -v ON_ERROR_STOP=1 -d "$DB" -f scripts/demo-data.sql >/dev/null
psql -X -d "$DB" -c "SELECT count(*) AS tenants, count(\"schemaName\") AS with_own_schema,
  (SELECT count(*) FROM residents) AS residents, (SELECT count(*) FROM daily_records) AS daily_records,
  pg_size_pretty(pg_database_size('$DB')) AS size FROM tenants"

step "2. How the tenancy configuration divides the database (arca tenancy plan)"
$ARCA tenancy plan --tenant casa-01 | grep -v ' 0 rows '

step "3. arca dev: embedded NATS JetStream and every stage in one process"
$ARCA dev >"$ARCA_DIR/dev.log" 2>&1 &
DEV=$!
trap 'kill $DEV 2>/dev/null || true; wait $DEV 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q ready "$ARCA_DIR/dev.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$ARCA_DIR/dev.log" || { cat "$ARCA_DIR/dev.log"; exit 1; }
cat "$ARCA_DIR/dev.log"

step "4. Back up every tenant: export → seal → upload → verify from the bucket"
$ARCA backup tenant all --wait --timeout 5m

step "5. Restore one tenant side by side (schema casa_01_restored) and compare"
$ARCA restore tenant --tenant casa-01 --latest --into-schema casa_01_restored
live=$(psql -XAt -d "$DB" -c "SELECT \"schemaName\" FROM tenants WHERE id = 'casa-01'")
compare() { # label, live query, restored query
  a=$(psql -XAt -d "$DB" -c "SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM ($2) x")
  b=$(psql -XAt -d "$DB" -c "SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM ($3) x")
  if [ "$a" = "$b" ]; then printf '  %-28s %s  match\n' "$1" "$a"; else printf '  %-28s live %s, restored %s  DIFFER\n' "$1" "$a" "$b"; return 1; fi
}
compare "public.tenants (tenant_table)" "SELECT * FROM public.tenants WHERE id = 'casa-01'" "SELECT * FROM casa_01_restored.public__tenants"
compare "care_notes (own schema)" "SELECT * FROM \"$live\".care_notes" "SELECT * FROM casa_01_restored.care_notes"
for t in residents daily_records prescriptions vital_signs invoices; do
  compare "public.$t (tenantId)" "SELECT * FROM public.$t WHERE \"tenantId\" = 'casa-01'" "SELECT * FROM casa_01_restored.public__$t"
done
compare "public.payments (via FK)" "SELECT p.* FROM public.payments p JOIN public.invoices i ON i.id = p.invoice_id WHERE i.\"tenantId\" = 'casa-01'" "SELECT * FROM casa_01_restored.public__payments"

step "6. Rename a tenant by mistake and delete its payments, then restore it in place (--replace)"
name=$(psql -XAt -d "$DB" -c "SELECT name FROM tenants WHERE id = 'casa-02'")
payments="SELECT count(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.\"tenantId\" = 'casa-02'"
psql -qX -d "$DB" -c "UPDATE tenants SET name = 'renamed by mistake' WHERE id = 'casa-02'" \
  -c "DELETE FROM payments p USING invoices i WHERE i.id = p.invoice_id AND i.\"tenantId\" = 'casa-02'"
echo "  before: name '$(psql -XAt -d "$DB" -c "SELECT name FROM tenants WHERE id = 'casa-02'")', $(psql -XAt -d "$DB" -c "$payments") payments"
$ARCA restore tenant --tenant casa-02 --latest --replace
now=$(psql -XAt -d "$DB" -c "SELECT name FROM tenants WHERE id = 'casa-02'")
echo "  after:  name '$now', $(psql -XAt -d "$DB" -c "$payments") payments"
[ "$now" = "$name" ] || { echo "  the tenant's name did not come back"; exit 1; }

step "7. Where the backups are"
listing=$($ARCA list)
echo "$listing" | sed -n 1,6p
echo "  … $(( $(echo "$listing" | wc -l) - 1 )) backups under $ARCA_DIR/bucket (sealed data.arca + manifest.json + verified.json each)"
echo
$ARCA status | sed -n 1,3p
metrics=http://${ARCA_METRICS_ADDR:-127.0.0.1:9464}/metrics
series=$(curl -fsS --max-time 2 "$metrics" 2>/dev/null | grep -c '^arca_' || true)
echo
echo "  metrics  $metrics while arca dev runs (${series:-0} arca_* series at the end of this run)"
echo "  traces   start arca-jaeger (make services builds it), run OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 make demo,"
echo "           then open http://127.0.0.1:16686 (services arca-exporter, arca-encryptor, arca-uploader, arca-verifier)"
echo "  Grafana  dashboards and alert rules in deploy/ (deploy/README.md); the README says more under Observing it"
echo "  demo took $(( $(date +%s) - start ))s. Clean up: make clean-demo (removes $ARCA_DIR and the databases $DB and ${DB}_catalog)"

step "8. The web console"
echo "  open http://$ARCA_API_ADDR/console/ and sign in with the token $ARCA_API_TOKEN (operator)"
if [ -t 0 ] && [ -t 1 ]; then
  read -r -p "  the console runs until you press Enter " _ || true
else
  echo "  (not a terminal: the console stopped with the demo; run 'make demo' in a terminal to keep it up)"
fi
