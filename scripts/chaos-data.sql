-- The chaos suite's source database (scripts/chaos.sh), on top of
-- scripts/demo-data.sql's 20 tenants: tenants casa-21 .. casa-<:tenants>
-- with a few hundred rows each (shared tables only), and about :large_mb MB
-- of care notes for casa-01, the large tenant. Each note is 512 hex
-- characters, so the archive compresses to about half: a large tenant of
-- 300 MB is some twenty 8 MiB parts.
SET client_min_messages = warning;

INSERT INTO public.tenants (id, name)
SELECT 'casa-' || lpad(g::text, 2, '0'), 'Casa de Repouso ' || g
FROM generate_series(21, :tenants) g;

INSERT INTO public.buildings ("tenantId", name)
SELECT t.id, 'Bloco 1' FROM public.tenants t WHERE t.id > 'casa-20';
INSERT INTO public.beds ("tenantId", building_id, label)
SELECT b."tenantId", b.id, 'Leito ' || n FROM public.buildings b, generate_series(1, 20) n WHERE b."tenantId" > 'casa-20';
INSERT INTO public.residents ("tenantId", bed_id, full_name, birth_date, "createdBy")
SELECT bd."tenantId", bd.id, 'Residente ' || bd.id, date '1930-01-01' + (bd.id * 37 % 9000), 1 + bd.id % 60
FROM public.beds bd WHERE bd."tenantId" > 'casa-20';
INSERT INTO public.daily_records ("tenantId", resident_id, shift, record, "recordedAt")
SELECT r."tenantId", r.id, (ARRAY['morning','afternoon','night']::public.shift[])[1 + d % 3],
       jsonb_build_object('mood', (ARRAY['calmo','agitado','alegre','sonolento'])[1 + (r.id + d) % 4], 'meals', (r.id + d) % 4),
       timestamptz '2026-10-01 08:00:00-03' + d * interval '8 hours'
FROM public.residents r, generate_series(1, 20) d WHERE r."tenantId" > 'casa-20';

-- The large tenant: casa-01, about :large_mb MB of care notes in its own
-- schema (schema-per-tenant tables are copied whole; a shared table's rows
-- are found through the tenant's references, whose cost grows with every
-- shared table and is not what this suite measures).
SELECT format($f$INSERT INTO %1$I.care_notes (resident, severity, body, written)
  SELECT 1, 'info',
    md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text) ||
    md5((g + 4)::text) || md5((g + 5)::text) || md5((g + 6)::text) || md5((g + 7)::text) ||
    md5((-g)::text) || md5((-g - 1)::text) || md5((-g - 2)::text) || md5((-g - 3)::text) ||
    md5((-g - 4)::text) || md5((-g - 5)::text) || md5((-g - 6)::text) || md5((-g - 7)::text),
    timestamptz '2020-01-01 08:00:00-03' + g * interval '1 minute'
  FROM generate_series(1, %2$s) g$f$, "schemaName", :large_mb * 1700)
FROM public.tenants WHERE id = 'casa-01' \gexec
ANALYZE;
