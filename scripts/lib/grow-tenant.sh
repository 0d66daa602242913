# Sourced by scripts/bench-parts.sh and scripts/bench-restore-rss.sh: the
# demo's 20 tenants in database DB with casa-01 grown to about MB megabytes of
# CSV, the database made anew.
grow_casa01() { # DB MB
  local db=$1 mb=$2
  echo "== database $db: the demo's 20 tenants, casa-01 grown to about $mb MB of CSV" >&2
  psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  psql -qX -v ON_ERROR_STOP=1 -d "$db" -f scripts/demo-data.sql >/dev/null
  # casa-01's care notes, in its own schema (copied whole: a shared table's rows are found through the tenant's
  # references, whose cost grows with every shared table and is not what this measures), about 150 bytes of CSV a
  # row and as compressible as care records.
  psql -qX -v ON_ERROR_STOP=1 -d "$db" <<SQL >/dev/null
SELECT format(\$f\$INSERT INTO %1\$I.care_notes (resident, severity, body, written)
  SELECT 1 + g %% 40, (ARRAY['info','attention','urgent']::%1\$I.severity[])[1 + g %% 3],
    'Residente ' || (g %% 40) || ': turno ' || (ARRAY['manhã','tarde','noite'])[1 + g %% 3] || ' sem intercorrências, '
      || 'aceitou ' || (g %% 4) || ' refeições e ' || (200 + g %% 900) || ' ml, ref ' || substr(md5(g::text), 1, 6),
    timestamptz '2020-01-01 08:00:00-03' + g * interval '1 minute'
  FROM generate_series(1, %2\$s) g\$f\$, "schemaName", $mb * 1000000 / 150)
FROM public.tenants WHERE id = 'casa-01' \\gexec
SQL
  psql -qX -d "$db" -c "VACUUM ANALYZE" >/dev/null
  psql -XAt -d "$db" -c "SELECT 'database ' || pg_size_pretty(pg_database_size('$db'))" >&2
}
