-- The care-home database of `make bench-compare` (scripts/bench-compare.sh):
-- :tenants homes, every table shared with a "tenantId" column (indexed, as the
-- reference application's schema has them), and "createdAt" on each, which the
-- plan's tenant export orders by. casa-01 is the largest home, about a tenth
-- of the data (the issue's 100 MB tenant of 951 MB); the others share the rest
-- unevenly. :residents residents in all; each has 3 daily records a day for
-- 90 days, 2 vital signs a day, 3 prescriptions. Generated names and numbers:
-- no real person is in it.
SET client_min_messages = warning;

CREATE TABLE public.tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT '2024-01-01'
);
CREATE TABLE public.buildings (
  id serial PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants(id),
  name text NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT '2024-01-01'
);
CREATE TABLE public.beds (
  id serial PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants(id),
  building_id int NOT NULL REFERENCES public.buildings(id), label text NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT '2024-01-01'
);
CREATE TABLE public.residents (
  id serial PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants(id),
  bed_id int REFERENCES public.beds(id), full_name text NOT NULL, birth_date date NOT NULL,
  allergies text[], notes text, "createdAt" timestamptz NOT NULL
);
CREATE TABLE public.medications (
  id serial PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants(id),
  name text NOT NULL, unit text NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT '2024-01-01'
);
CREATE TABLE public.prescriptions (
  id serial PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants(id),
  resident_id int NOT NULL REFERENCES public.residents(id), medication_id int NOT NULL REFERENCES public.medications(id),
  dose numeric(8,2) NOT NULL, schedule text NOT NULL, "createdAt" timestamptz NOT NULL
);
CREATE TABLE public.daily_records (
  id bigserial PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants(id),
  resident_id int NOT NULL REFERENCES public.residents(id), shift text NOT NULL,
  record jsonb NOT NULL, "createdAt" timestamptz NOT NULL
);
CREATE TABLE public.vital_signs (
  id bigserial PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants(id),
  resident_id int NOT NULL REFERENCES public.residents(id),
  systolic int, diastolic int, heart_rate int, temperature numeric(4,1), "createdAt" timestamptz NOT NULL
);

INSERT INTO public.tenants (id, name)
SELECT 'casa-' || lpad(g::text, 2, '0'),
       (ARRAY['Lar São Vicente','Residencial Bem Viver','Casa de Repouso Aurora','Vila Esperança','Lar Santa Clara'])[1 + g % 5] || ' ' || g
FROM generate_series(1, :tenants) g;
INSERT INTO public.buildings ("tenantId", name) SELECT id, 'Bloco 1' FROM public.tenants;
INSERT INTO public.medications ("tenantId", name, unit)
SELECT t.id, m, u FROM public.tenants t, (VALUES ('Losartana','mg'),('Metformina','mg'),('Sinvastatina','mg'),('Omeprazol','mg'),
  ('Dipirona','gotas'),('Insulina NPH','UI'),('Donepezila','mg'),('Sertralina','mg')) v(m, u);

-- Residents per home: casa-01 a tenth, the others weighted 1..3 by their number.
WITH w AS (
  SELECT id, CASE WHEN id = 'casa-01' THEN 0 ELSE 1 + (substr(id, 6)::int * 7) % 3 END AS weight FROM public.tenants
), n AS (
  SELECT id, CASE WHEN weight = 0 THEN ceil(:residents * 0.105)
                  ELSE greatest(1, round(:residents * 0.895 * weight / (SELECT sum(weight) FROM w))) END::int AS residents
  FROM w
)
INSERT INTO public.beds ("tenantId", building_id, label)
SELECT n.id, b.id, 'Leito ' || k FROM n JOIN public.buildings b ON b."tenantId" = n.id, generate_series(1, n.residents) k;

INSERT INTO public.residents ("tenantId", bed_id, full_name, birth_date, allergies, notes, "createdAt")
SELECT bd."tenantId", bd.id,
       (ARRAY['Dona Benedita','Seu Raimundo','Dona Aparecida','Seu Sebastião','Dona Terezinha','Seu Joaquim'])[1 + bd.id % 6] || ' ' || bd.id,
       date '1930-01-01' + (bd.id * 37 % 9000),
       CASE WHEN bd.id % 4 = 0 THEN ARRAY['penicilina'] WHEN bd.id % 7 = 0 THEN ARRAY['dipirona','lactose'] END,
       CASE WHEN bd.id % 3 = 0 THEN 'Hipertensa; acompanhar pressão. Família visita aos domingos.' END,
       timestamptz '2024-01-01' + bd.id * interval '1 minute'
FROM public.beds bd;

INSERT INTO public.prescriptions ("tenantId", resident_id, medication_id, dose, schedule, "createdAt")
SELECT r."tenantId", r.id, m.id, 5 + (r.id * k) % 50, (ARRAY['8h','8h/20h','12/12h','ao deitar'])[1 + k % 4], r."createdAt"
FROM public.residents r, generate_series(1, 3) k,
     LATERAL (SELECT id FROM public.medications WHERE "tenantId" = r."tenantId" ORDER BY id OFFSET (r.id + k) % 8 LIMIT 1) m;

INSERT INTO public.daily_records ("tenantId", resident_id, shift, record, "createdAt")
SELECT r."tenantId", r.id, (ARRAY['manhã','tarde','noite'])[1 + d % 3],
       jsonb_build_object('mood', (ARRAY['calmo','agitado','alegre','sonolento'])[1 + (r.id + d) % 4], 'meals', (r.id + d) % 4,
                          'fluids_ml', 200 + (r.id * d) % 900,
                          'note', (ARRAY['turno sem intercorrências','recusou o almoço','banho assistido','visita da filha'])[1 + (r.id * d) % 4]
                                  || ', ref ' || md5((r.id::bigint * 1000 + d)::text)),
       timestamptz '2026-07-01 08:00:00-03' + d * interval '8 hours'
FROM public.residents r, generate_series(1, 270) d;

INSERT INTO public.vital_signs ("tenantId", resident_id, systolic, diastolic, heart_rate, temperature, "createdAt")
SELECT r."tenantId", r.id, 110 + (r.id + d) % 40, 70 + (r.id + d) % 20, 60 + (r.id * d) % 40, 36.0 + ((r.id + d) % 15) / 10.0,
       timestamptz '2026-07-01 07:00:00-03' + d * interval '12 hours'
FROM public.residents r, generate_series(1, 180) d;

CREATE INDEX ON public.buildings ("tenantId");
CREATE INDEX ON public.beds ("tenantId");
CREATE INDEX ON public.residents ("tenantId");
CREATE INDEX ON public.medications ("tenantId");
CREATE INDEX ON public.prescriptions ("tenantId");
CREATE INDEX ON public.daily_records ("tenantId");
CREATE INDEX ON public.vital_signs ("tenantId");
ANALYZE;
