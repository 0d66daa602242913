-- uuid tenant ids; a composite-key chain owned through foreign keys; a
-- partitioned table owned through a foreign key; a table whose nullable
-- tenant column also holds global rows that tenants' rows point at.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE public.accounts (id uuid PRIMARY KEY, slug text UNIQUE NOT NULL);
CREATE TABLE public.categories (
  id int PRIMARY KEY,
  account_id uuid REFERENCES public.accounts (id) ON DELETE CASCADE,  -- NULL: a global category
  name text NOT NULL
);
CREATE INDEX ON public.categories (account_id);
CREATE TABLE public.stores (
  account_id uuid NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
  code text NOT NULL,
  PRIMARY KEY (account_id, code)
);
CREATE TABLE public.shelves (
  account_id uuid NOT NULL,
  store_code text NOT NULL,
  n int NOT NULL,
  category_id int REFERENCES public.categories (id),
  PRIMARY KEY (account_id, store_code, n),
  FOREIGN KEY (account_id, store_code) REFERENCES public.stores (account_id, code) ON DELETE CASCADE
);
CREATE TABLE public.scans (
  id bigint NOT NULL,
  account_id uuid NOT NULL,
  store_code text NOT NULL,
  shelf int NOT NULL,
  at date NOT NULL,
  PRIMARY KEY (id, at),
  FOREIGN KEY (account_id, store_code, shelf) REFERENCES public.shelves (account_id, store_code, n) ON DELETE CASCADE
) PARTITION BY RANGE (at);
CREATE TABLE public.scans_h1 PARTITION OF public.scans FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
CREATE TABLE public.scans_h2 PARTITION OF public.scans FOR VALUES FROM ('2026-07-01') TO ('2027-01-01');
-- data
INSERT INTO public.accounts VALUES ('00000000-0000-0000-0000-00000000000a', 'a'), ('00000000-0000-0000-0000-00000000000b', 'b'),
  ('00000000-0000-0000-0000-00000000000c', 'c');
INSERT INTO public.categories VALUES (1, NULL, 'global'), (2, '00000000-0000-0000-0000-00000000000a', 'a own'), (3, NULL, 'unused'),
  (4, '00000000-0000-0000-0000-00000000000b', 'b own');
INSERT INTO public.stores VALUES ('00000000-0000-0000-0000-00000000000a', 'S1'), ('00000000-0000-0000-0000-00000000000a', 'S2'),
  ('00000000-0000-0000-0000-00000000000b', 'S1'), ('00000000-0000-0000-0000-00000000000c', 'S1');
INSERT INTO public.shelves VALUES ('00000000-0000-0000-0000-00000000000a', 'S1', 1, 1), ('00000000-0000-0000-0000-00000000000a', 'S1', 2, 2),
  ('00000000-0000-0000-0000-00000000000a', 'S2', 1, NULL), ('00000000-0000-0000-0000-00000000000b', 'S1', 1, 1),
  ('00000000-0000-0000-0000-00000000000c', 'S1', 1, NULL);
INSERT INTO public.scans VALUES (1, '00000000-0000-0000-0000-00000000000a', 'S1', 1, '2026-02-01'), (2, '00000000-0000-0000-0000-00000000000a', 'S1', 2, '2026-08-01'),
  (3, '00000000-0000-0000-0000-00000000000b', 'S1', 1, '2026-03-01'), (4, '00000000-0000-0000-0000-00000000000c', 'S1', 1, '2026-09-01');
