-- Arca exporter fixture: all three tenancy models in one database.
--
-- Tenants (public.tenants):
--   acme      schema tenant_acme_1f2e          (schema + column + fk models)
--   acme2     schema tenant_acme_1f2e_2        (its schema name has acme's as a prefix)
--   beta      no schema                        (column model only)
--   x'; DROP TABLE users; --
--             schema Évil "q" *x               (quotes, spaces, unicode, pattern characters)
--   decoy     schema Évil "q" abcx             (would match Évil "q" *x if * were a wildcard)
-- Every row's id is unique across the database within a table, so tests
-- compare exported ids with the ids listed per tenant below.

CREATE TYPE public.sub_status AS ENUM ('trial', 'active', 'cancelled');

CREATE TABLE public.tenants (
  id text PRIMARY KEY,
  "schemaName" text UNIQUE,
  name text NOT NULL
);

-- Shared users, referenced by tenant rows; manager_id is a self-reference.
CREATE TABLE public.users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  manager_id bigint REFERENCES public.users (id)
);

-- Nullable tenant column: NULL rows are global plans owned by no tenant.
CREATE TABLE public.plans (
  id int PRIMARY KEY,
  "tenantId" text REFERENCES public.tenants (id),
  name text NOT NULL
);

CREATE TABLE public.subscriptions (
  id bigint PRIMARY KEY,
  "tenantId" text NOT NULL REFERENCES public.tenants (id),
  plan_id int NOT NULL REFERENCES public.plans (id),
  owner_id bigint REFERENCES public.users (id),
  status public.sub_status NOT NULL,
  tags text[],
  meta jsonb,
  started timestamptz NOT NULL
);

-- replaces_id is a self-reference between a tenant's invoices.
CREATE TABLE public.invoices (
  id bigint PRIMARY KEY,
  "tenantId" text NOT NULL REFERENCES public.tenants (id),
  subscription_id bigint NOT NULL REFERENCES public.subscriptions (id),
  amount numeric(18, 4) NOT NULL,
  note text,
  pdf bytea,
  replaces_id bigint REFERENCES public.invoices (id),
  total_cents bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED
);

-- Owned through a foreign key: no tenant column.
CREATE TABLE public.payments (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES public.invoices (id),
  amount numeric(18, 4) NOT NULL,
  memo text
);

-- A deep chain: organizations ← workspaces ← surveys ← displays ← responses ← runs ← logs.
CREATE TABLE public.organizations (id bigint PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants (id), name text);
CREATE TABLE public.workspaces (id bigint PRIMARY KEY, organization_id bigint NOT NULL REFERENCES public.organizations (id), name text);
CREATE TABLE public.surveys (id bigint PRIMARY KEY, workspace_id bigint NOT NULL REFERENCES public.workspaces (id), title text);
CREATE TABLE public.displays (id bigint PRIMARY KEY, survey_id bigint NOT NULL REFERENCES public.surveys (id));
-- A follow-up response has no display, only a parent response (self-reference).
CREATE TABLE public.responses (
  id bigint PRIMARY KEY,
  display_id bigint REFERENCES public.displays (id),
  parent_id bigint REFERENCES public.responses (id),
  answer text
);
CREATE TABLE public.runs (id bigint PRIMARY KEY, response_id bigint NOT NULL REFERENCES public.responses (id));
CREATE TABLE public.logs (id bigint PRIMARY KEY, run_id bigint NOT NULL REFERENCES public.runs (id), line text);

-- A foreign-key cycle: a team's lead is one of its members.
CREATE TABLE public.teams (id bigint PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants (id), lead_id bigint);
CREATE TABLE public.members (id bigint PRIMARY KEY, team_id bigint NOT NULL REFERENCES public.teams (id), user_id bigint REFERENCES public.users (id));
ALTER TABLE public.teams ADD FOREIGN KEY (lead_id) REFERENCES public.members (id) DEFERRABLE INITIALLY DEFERRED;

-- Excluded by configuration.
CREATE TABLE public._prisma_migrations (id text PRIMARY KEY, "tenantId" text);

-- Everything a tenant schema holds: enum, sequence, tables, function, trigger.
CREATE FUNCTION public.make_tenant_schema(s text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE format('CREATE SCHEMA %I', s);
  EXECUTE format($$CREATE TYPE %I.mood AS ENUM ('calm', 'agitated', 'asleep')$$, s);
  EXECUTE format('CREATE SEQUENCE %I.record_no START 1000', s);
  EXECUTE format($$CREATE TABLE %1$I.residents (
      id bigint PRIMARY KEY,
      name text NOT NULL,
      mood %1$I.mood,
      buddy_id bigint REFERENCES %1$I.residents (id),
      user_id bigint REFERENCES public.users (id),
      record_no bigint NOT NULL DEFAULT nextval(%2$L::regclass),
      notes text,
      updated_at timestamptz)$$, s, quote_ident(s) || '.record_no');
  EXECUTE format($$CREATE TABLE %1$I.care_notes (
      id bigint PRIMARY KEY,
      resident_id bigint NOT NULL REFERENCES %1$I.residents (id),
      body text,
      vitals jsonb,
      readings numeric[],
      written_at timestamptz NOT NULL)$$, s);
  EXECUTE format($$CREATE FUNCTION %1$I.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN NEW.updated_at := now(); RETURN NEW; END'$$, s);
  EXECUTE format($$CREATE TRIGGER residents_touch BEFORE UPDATE ON %1$I.residents FOR EACH ROW EXECUTE FUNCTION %1$I.touch()$$, s);
  EXECUTE format('CREATE INDEX residents_name ON %I.residents (name)', s);
END
$f$;

INSERT INTO public.tenants VALUES
  ('acme', 'tenant_acme_1f2e', 'Acme Cuidados'),
  ('acme2', 'tenant_acme_1f2e_2', 'Acme Dois'),
  ('beta', NULL, 'Beta Saúde'),
  ('x''; DROP TABLE users; --', 'Évil "q" *x', 'Evil'),
  ('decoy', 'Évil "q" abcx', 'Decoy');

SELECT public.make_tenant_schema(s) FROM unnest(ARRAY['tenant_acme_1f2e', 'tenant_acme_1f2e_2', 'Évil "q" *x', 'Évil "q" abcx']) s;
DROP FUNCTION public.make_tenant_schema(text);

-- users: 1 (manager 3) and 2 referenced by acme; 3 only as 1's manager;
-- 4 by beta; 5 by acme2; 6 by nobody.
INSERT INTO public.users VALUES (3, 'carla@example.com', NULL), (1, 'ana@example.com', 3), (2, 'bruno@example.com', NULL),
  (4, 'dora@example.com', NULL), (5, 'eva@example.com', NULL), (6, 'nobody@example.com', NULL);

-- plans: 1 global used by acme, 2 global unused, 3 acme's, 4 acme2's, 5 beta's.
INSERT INTO public.plans VALUES (1, NULL, 'Básico'), (2, NULL, 'Sem uso'), (3, 'acme', 'Acme Plus'), (4, 'acme2', 'Acme2 Plus'), (5, 'beta', 'Beta');

INSERT INTO public.subscriptions VALUES
  (11, 'acme', 1, 1, 'active', ARRAY['a,b', 'c"d', NULL, ''], '{"k": "v\nç", "n": [1, 2.5], "emoji": "🎉"}', '2026-01-02 03:04:05.123456+00'),
  (12, 'acme', 3, 2, 'trial', '{}', 'null', '2026-02-01 00:00:00-03'),
  (13, 'acme2', 4, 5, 'active', NULL, NULL, '2026-03-01 00:00:00+00'),
  (14, 'beta', 5, 4, 'cancelled', ARRAY['beta'], '{}', '2026-04-01 00:00:00+00'),
  (15, 'x''; DROP TABLE users; --', 1, NULL, 'active', NULL, NULL, '2026-05-01 00:00:00+00');

INSERT INTO public.invoices (id, "tenantId", subscription_id, amount, note, pdf, replaces_id) VALUES
  (21, 'acme', 11, 12345678901.2345, E'São João — "aspas", vírgula, barra \\ e\nnova linha\r\nCRLF 👍', '\x00ff0a0d5c22', NULL),
  (22, 'acme', 12, 0.0001, '', '\x', 21),
  (23, 'acme', 12, -1, NULL, NULL, 22),
  (24, 'acme2', 13, 10, 'acme2 only', NULL, NULL),
  (25, 'beta', 14, 20, 'beta only', NULL, NULL),
  (26, 'x''; DROP TABLE users; --', 15, 30, 'evil', NULL, NULL);
-- A multi-megabyte text value (3 MiB with newlines and quotes).
INSERT INTO public.invoices (id, "tenantId", subscription_id, amount, note)
  SELECT 27, 'acme', 11, 1, string_agg(E'linha "' || i || E'",\n', '') FROM generate_series(1, 250000) i;

INSERT INTO public.payments VALUES (31, 21, 100, 'pix'), (32, 22, 0.0001, NULL), (33, 24, 10, 'acme2'), (34, 25, 20, 'beta'), (35, 27, 1, E'\\N'), (36, 26, 30, 'evil');

INSERT INTO public.organizations VALUES (41, 'acme', 'Org A'), (42, 'acme2', 'Org A2'), (43, 'beta', 'Org B');
INSERT INTO public.workspaces VALUES (51, 41, 'ws a'), (52, 42, 'ws a2'), (53, 43, 'ws b');
INSERT INTO public.surveys VALUES (61, 51, 'sa'), (62, 52, 'sa2'), (63, 53, 'sb');
INSERT INTO public.displays VALUES (71, 61), (72, 62), (73, 63);
INSERT INTO public.responses VALUES (81, 71, NULL, 'sim'), (82, NULL, 81, 'follow-up'), (83, NULL, 82, 'follow-up 2'),
  (84, 72, NULL, 'acme2'), (85, NULL, 84, 'acme2 follow-up'), (86, 73, NULL, 'beta'), (87, NULL, NULL, 'orphan');
INSERT INTO public.runs VALUES (91, 81), (92, 83), (93, 84), (94, 86);
INSERT INTO public.logs VALUES (101, 91, 'log a'), (102, 92, 'log a deep'), (103, 93, 'log a2'), (104, 94, 'log b');

BEGIN;
INSERT INTO public.teams VALUES (111, 'acme', 121), (112, 'beta', 122);
INSERT INTO public.members VALUES (121, 111, 2), (122, 112, 4), (123, 111, NULL);
COMMIT;

INSERT INTO public._prisma_migrations VALUES ('m1', 'acme');

-- Tenant schema rows; the same ids in each schema, told apart by name.
INSERT INTO tenant_acme_1f2e.residents (id, name, mood, buddy_id, user_id, notes) VALUES
  (1, 'Conceição', 'calm', NULL, 1, NULL), (2, 'José "Zé"', 'agitated', 1, NULL, ''), (3, E'Ana\nMaria', NULL, 2, 2, E'tab\there, backslash \\, 😀');
INSERT INTO tenant_acme_1f2e.care_notes VALUES
  (1, 1, 'ok', '{"bp": [120, 80]}', '{36.6,37.1}', '2026-06-01 08:00:00+00'),
  (2, 3, E'line1\nline2,"quoted"', NULL, NULL, '2026-06-02 08:00:00+00');
INSERT INTO tenant_acme_1f2e_2.residents (id, name, user_id) VALUES (1, 'acme2 resident', 5);
INSERT INTO "Évil ""q"" *x".residents (id, name) VALUES (1, 'evil resident');
INSERT INTO "Évil ""q"" abcx".residents (id, name) VALUES (1, 'decoy resident');
SELECT nextval('tenant_acme_1f2e.record_no');
UPDATE tenant_acme_1f2e.residents SET mood = 'asleep' WHERE id = 1;
