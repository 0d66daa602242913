-- Column model: a tenants registry, "tenantId" rows, composite keys,
-- generated and identity columns, a public enum, a partitioned table,
-- a self-referencing tree, a deferrable cycle, SET NULL and CASCADE deletes.
CREATE TYPE public.status AS ENUM ('open', 'closed');
CREATE TABLE public.tenants (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.plans (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "tenantId" text NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
  plan_id int NOT NULL REFERENCES public.plans (id),
  balance numeric(12, 2) NOT NULL DEFAULT 0,
  doubled numeric GENERATED ALWAYS AS (balance * 2) STORED,
  state public.status NOT NULL DEFAULT 'open'
);
CREATE INDEX ON public.accounts ("tenantId");
-- Orphans: deleting a tenant leaves its notes with a NULL tenant column.
CREATE TABLE public.notes (
  id bigint PRIMARY KEY,
  "tenantId" text REFERENCES public.tenants (id) ON DELETE SET NULL,
  body text
);
CREATE INDEX ON public.notes ("tenantId");
-- Composite primary key; child with a composite foreign key.
CREATE TABLE public.ledgers (
  "tenantId" text NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
  year int NOT NULL,
  title text,
  PRIMARY KEY ("tenantId", year)
);
CREATE TABLE public.entries (
  id bigint PRIMARY KEY,
  "tenantId" text NOT NULL,
  year int NOT NULL,
  account_id bigint REFERENCES public.accounts (id) ON DELETE SET NULL,
  amount numeric NOT NULL,
  FOREIGN KEY ("tenantId", year) REFERENCES public.ledgers ("tenantId", year) ON DELETE CASCADE
);
CREATE INDEX ON public.entries ("tenantId");
-- A self-referencing tree without a tenant column.
CREATE TABLE public.folders (
  id bigint PRIMARY KEY,
  account_id bigint REFERENCES public.accounts (id) ON DELETE CASCADE,
  parent_id bigint REFERENCES public.folders (id) ON DELETE CASCADE,
  name text NOT NULL
);
-- A deferrable cycle: a team's captain is one of its players.
CREATE TABLE public.teams (id bigint PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE, captain_id bigint);
CREATE INDEX ON public.teams ("tenantId");
CREATE TABLE public.players (id bigint PRIMARY KEY, team_id bigint NOT NULL REFERENCES public.teams (id) ON DELETE CASCADE, name text);
ALTER TABLE public.teams ADD FOREIGN KEY (captain_id) REFERENCES public.players (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
-- A partitioned table with the tenant column.
CREATE TABLE public.events (
  id bigint NOT NULL,
  "tenantId" text NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
  at date NOT NULL,
  what text,
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX ON public.events ("tenantId");
-- data
INSERT INTO public.tenants VALUES ('t1', 'One'), ('t2', 'Two'), ('t3', 'Three');
INSERT INTO public.plans VALUES (1, 'basic'), (2, 'pro'), (3, 'unused');
INSERT INTO public.accounts ("tenantId", plan_id, balance, state) VALUES
  ('t1', 1, 10, 'open'), ('t1', 2, 20, 'closed'), ('t2', 2, 30, 'open'), ('t3', 1, 40, 'open');
INSERT INTO public.notes VALUES (1, 't1', 'n1'), (2, 't1', 'n2'), (3, 't2', 'n3'), (4, NULL, 'global'), (5, 't3', 'n5');
INSERT INTO public.ledgers VALUES ('t1', 2025, 'l1'), ('t1', 2026, 'l2'), ('t2', 2026, 'l3'), ('t3', 2026, 'l4');
INSERT INTO public.entries VALUES (1, 't1', 2025, 1, 5), (2, 't1', 2026, 2, 6), (3, 't2', 2026, 3, 7), (4, 't3', 2026, NULL, 8);
INSERT INTO public.folders VALUES (1, 1, NULL, 'root'), (2, NULL, 1, 'child'), (3, NULL, 2, 'grandchild'), (4, 3, NULL, 'root2'), (5, NULL, 4, 'child2');
BEGIN;
INSERT INTO public.teams VALUES (1, 't1', 11), (2, 't2', 21), (3, 't3', NULL);
INSERT INTO public.players VALUES (11, 1, 'a'), (12, 1, 'b'), (21, 2, 'c'), (31, 3, 'd');
COMMIT;
INSERT INTO public.events VALUES (1, 't1', '2025-05-01', 'x'), (2, 't1', '2026-05-01', 'y'), (3, 't2', '2026-06-01', 'z'), (4, 't3', '2025-01-02', 'w');
