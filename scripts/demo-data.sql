-- A sample care-home database for `make demo`: 20 tenants mixing the three
-- tenancy models of the reference application.
--   * every tenant has rows in shared public tables with a "tenantId" column
--     (residents, daily_records, prescriptions, vital_signs, beds, invoices);
--   * payments belong to a tenant only through invoices (foreign key);
--   * 8 tenants also keep a schema of their own, tenant_<slug>_<hex>, named in
--     public.tenants."schemaName", with an enum, a sequence, a trigger and
--     their care notes;
--   * public.users is platform-wide, referenced by tenant rows.
-- Names and numbers are generated; no real person is in it.
SET client_min_messages = warning;

CREATE TYPE public.shift AS ENUM ('morning', 'afternoon', 'night');

CREATE TABLE public.tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  "schemaName" text UNIQUE,
  "createdAt" timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.users (
  id    serial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name  text NOT NULL
);
CREATE TABLE public.buildings (
  id         serial PRIMARY KEY,
  "tenantId" text NOT NULL REFERENCES public.tenants(id),
  name       text NOT NULL
);
CREATE TABLE public.beds (
  id          serial PRIMARY KEY,
  "tenantId"  text NOT NULL REFERENCES public.tenants(id),
  building_id int NOT NULL REFERENCES public.buildings(id),
  label       text NOT NULL
);
CREATE TABLE public.residents (
  id           serial PRIMARY KEY,
  "tenantId"   text NOT NULL REFERENCES public.tenants(id),
  bed_id       int REFERENCES public.beds(id),
  full_name    text NOT NULL,
  birth_date   date NOT NULL,
  allergies    text[],
  notes        text,
  "createdBy"  int REFERENCES public.users(id),
  "createdAt"  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.daily_records (
  id          bigserial PRIMARY KEY,
  "tenantId"  text NOT NULL REFERENCES public.tenants(id),
  resident_id int NOT NULL REFERENCES public.residents(id),
  shift       public.shift NOT NULL,
  record      jsonb NOT NULL,
  "recordedAt" timestamptz NOT NULL
);
CREATE TABLE public.medications (
  id    serial PRIMARY KEY,
  name  text NOT NULL UNIQUE,
  unit  text NOT NULL
);
CREATE TABLE public.prescriptions (
  id            serial PRIMARY KEY,
  "tenantId"    text NOT NULL REFERENCES public.tenants(id),
  resident_id   int NOT NULL REFERENCES public.residents(id),
  medication_id int NOT NULL REFERENCES public.medications(id),
  dose          numeric(8,2) NOT NULL,
  schedule      text NOT NULL
);
CREATE TABLE public.vital_signs (
  id          bigserial PRIMARY KEY,
  "tenantId"  text NOT NULL REFERENCES public.tenants(id),
  resident_id int NOT NULL REFERENCES public.residents(id),
  systolic    int, diastolic int, heart_rate int,
  temperature numeric(4,1),
  "measuredAt" timestamptz NOT NULL
);
CREATE TABLE public.invoices (
  id         serial PRIMARY KEY,
  "tenantId" text NOT NULL REFERENCES public.tenants(id),
  amount     numeric(12,2) NOT NULL,
  "dueAt"    date NOT NULL
);
CREATE TABLE public.payments (
  id         serial PRIMARY KEY,
  invoice_id int NOT NULL REFERENCES public.invoices(id),
  amount     numeric(12,2) NOT NULL,
  "paidAt"   timestamptz NOT NULL
);

-- Every selection of a tenant's rows filters on "tenantId": index it
-- (arca tenancy plan warns about a tenant column without an index).
CREATE INDEX ON public.buildings ("tenantId");
CREATE INDEX ON public.beds ("tenantId");
CREATE INDEX ON public.residents ("tenantId");
CREATE INDEX ON public.daily_records ("tenantId");
CREATE INDEX ON public.prescriptions ("tenantId");
CREATE INDEX ON public.vital_signs ("tenantId");
CREATE INDEX ON public.invoices ("tenantId");

INSERT INTO public.users (email, name)
SELECT 'staff' || g || '@example.org', (ARRAY['Ana','João','Maria','José','Conceição','Antônio','Fátima','Luís'])[1 + g % 8] || ' ' || (ARRAY['Silva','Souza','Oliveira','Pereira','Araújo','Gonçalves'])[1 + g % 6]
FROM generate_series(1, 60) g;

INSERT INTO public.medications (name, unit)
SELECT m, u FROM (VALUES ('Losartana','mg'),('Metformina','mg'),('Sinvastatina','mg'),('Omeprazol','mg'),('Dipirona','gotas'),('Insulina NPH','UI'),('Donepezila','mg'),('Sertralina','mg')) v(m,u);

INSERT INTO public.tenants (id, name, "schemaName")
SELECT 'casa-' || lpad(g::text, 2, '0'),
       (ARRAY['Lar São Vicente','Residencial Bem Viver','Casa de Repouso Aurora','Vila Esperança','Lar dos Idosos Santa Clara'])[1 + g % 5] || ' ' || g,
       CASE WHEN g % 5 IN (1, 3) THEN 'tenant_casa_' || lpad(g::text, 2, '0') || '_' || substr(md5(g::text), 1, 6) END
FROM generate_series(1, 20) g;

INSERT INTO public.buildings ("tenantId", name)
SELECT t.id, 'Bloco ' || b FROM public.tenants t, generate_series(1, 2) b;
INSERT INTO public.beds ("tenantId", building_id, label)
SELECT b."tenantId", b.id, 'Leito ' || n FROM public.buildings b, generate_series(1, 30) n;

INSERT INTO public.residents ("tenantId", bed_id, full_name, birth_date, allergies, notes, "createdBy")
SELECT bd."tenantId", bd.id,
       (ARRAY['Dona Benedita','Seu Raimundo','Dona Aparecida','Seu Sebastião','Dona Terezinha','Seu Joaquim'])[1 + bd.id % 6] || ' ' || bd.id,
       date '1930-01-01' + (bd.id * 37 % 9000),
       CASE WHEN bd.id % 4 = 0 THEN ARRAY['penicilina'] WHEN bd.id % 7 = 0 THEN ARRAY['dipirona','lactose'] END,
       CASE WHEN bd.id % 3 = 0 THEN E'Hipertensa; acompanhar pressão.\nFamília visita aos domingos, "sem falta".' END,
       1 + bd.id % 60
FROM public.beds bd WHERE bd.id % 7 <> 3;

INSERT INTO public.daily_records ("tenantId", resident_id, shift, record, "recordedAt")
SELECT r."tenantId", r.id, (ARRAY['morning','afternoon','night']::public.shift[])[1 + d % 3],
       jsonb_build_object('mood', (ARRAY['calmo','agitado','alegre','sonolento'])[1 + (r.id + d) % 4], 'meals', (r.id + d) % 4, 'fluids_ml', 200 + (r.id * d) % 900),
       timestamptz '2026-10-01 08:00:00-03' + d * interval '8 hours'
FROM public.residents r, generate_series(1, 45) d;

INSERT INTO public.prescriptions ("tenantId", resident_id, medication_id, dose, schedule)
SELECT r."tenantId", r.id, 1 + (r.id + k) % 8, 5 + (r.id * k) % 50, (ARRAY['8h','8h/20h','12/12h','ao deitar'])[1 + k % 4]
FROM public.residents r, generate_series(1, 3) k;

INSERT INTO public.vital_signs ("tenantId", resident_id, systolic, diastolic, heart_rate, temperature, "measuredAt")
SELECT r."tenantId", r.id, 110 + (r.id + d) % 40, 70 + (r.id + d) % 20, 60 + (r.id * d) % 40, 36.0 + ((r.id + d) % 15) / 10.0,
       timestamptz '2026-10-01 07:00:00-03' + d * interval '12 hours'
FROM public.residents r, generate_series(1, 30) d;

INSERT INTO public.invoices ("tenantId", amount, "dueAt")
SELECT t.id, 4500 + m * 10, date '2026-01-10' + (m * 30) FROM public.tenants t, generate_series(1, 11) m;
INSERT INTO public.payments (invoice_id, amount, "paidAt")
SELECT i.id, i.amount, i."dueAt" + 3 FROM public.invoices i WHERE i.id % 6 <> 0;

-- Schema per tenant: care notes with their own enum, sequence and trigger.
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT id, "schemaName" AS s FROM public.tenants WHERE "schemaName" IS NOT NULL LOOP
    EXECUTE format('CREATE SCHEMA %I', t.s);
    EXECUTE format('CREATE TYPE %I.severity AS ENUM (''info'', ''attention'', ''urgent'')', t.s);
    EXECUTE format('CREATE SEQUENCE %I.note_number START 1000', t.s);
    EXECUTE format($f$CREATE TABLE %1$I.care_notes (
        id        int PRIMARY KEY DEFAULT nextval(%2$L),
        resident  int NOT NULL,
        severity  %1$I.severity NOT NULL,
        body      text NOT NULL,
        written   timestamptz NOT NULL,
        edited    timestamptz)$f$, t.s, t.s || '.note_number');
    EXECUTE format($f$CREATE FUNCTION %1$I.touch() RETURNS trigger LANGUAGE plpgsql AS
        'BEGIN NEW.edited := now(); RETURN NEW; END'$f$, t.s);
    EXECUTE format('CREATE TRIGGER care_notes_touch BEFORE UPDATE ON %1$I.care_notes FOR EACH ROW EXECUTE FUNCTION %1$I.touch()', t.s);
    EXECUTE format($f$INSERT INTO %1$I.care_notes (resident, severity, body, written)
        SELECT r.id, (ARRAY['info','attention','urgent']::%1$I.severity[])[1 + (r.id + n) %% 3],
               'Anotação ' || n || ' — ' || (ARRAY['tomou banho', 'recusou o almoço', 'queda sem lesão', 'visita da filha 😊'])[1 + (r.id * n) %% 4],
               timestamptz '2026-10-01 09:00:00-03' + n * interval '1 day'
        FROM public.residents r, generate_series(1, 20) n WHERE r."tenantId" = %2$L$f$, t.s, t.id);
  END LOOP;
END $$;
ANALYZE;
