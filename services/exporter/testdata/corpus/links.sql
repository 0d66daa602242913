-- Link tables with two parents at different depths, rows shared by two
-- tenants, an ownership cycle between fk-owned tables with deferrable keys,
-- a self-referencing fk-owned tree, and platform rows with nullable audit
-- references to a users table shared between tenants.
CREATE TABLE public.tenants (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.terms (id bigint PRIMARY KEY, body text NOT NULL, "revokedBy" bigint REFERENCES public.users (id) ON DELETE SET NULL);
CREATE TABLE public.workspaces (
  id bigint PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
  terms_id bigint REFERENCES public.terms (id),
  "createdBy" bigint REFERENCES public.users (id) ON DELETE SET NULL
);
CREATE INDEX ON public.workspaces (tenant_id);
CREATE TABLE public.folders (id bigint PRIMARY KEY, workspace_id bigint NOT NULL REFERENCES public.workspaces (id) ON DELETE CASCADE, name text);
CREATE TABLE public.documents (
  id bigint PRIMARY KEY,
  folder_id bigint NOT NULL REFERENCES public.folders (id) ON DELETE CASCADE,
  parent_id bigint REFERENCES public.documents (id) ON DELETE CASCADE,
  title text
);
-- A link from a document (depth 3) to a workspace (depth 1), maybe another tenant's.
CREATE TABLE public.mentions (
  document_id bigint NOT NULL REFERENCES public.documents (id) ON DELETE CASCADE,
  workspace_id bigint NOT NULL REFERENCES public.workspaces (id) ON DELETE CASCADE,
  note text,
  PRIMARY KEY (document_id, workspace_id)
);
-- An ownership cycle: a board's pinned card is one of its cards.
CREATE TABLE public.boards (id bigint PRIMARY KEY, workspace_id bigint NOT NULL REFERENCES public.workspaces (id) ON DELETE CASCADE, pinned_id bigint);
CREATE TABLE public.cards (id bigint PRIMARY KEY, board_id bigint NOT NULL REFERENCES public.boards (id) ON DELETE CASCADE DEFERRABLE, title text);
ALTER TABLE public.boards ADD FOREIGN KEY (pinned_id) REFERENCES public.cards (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
-- data
INSERT INTO public.tenants VALUES ('a', 'A'), ('b', 'B'), ('c', 'C');
INSERT INTO public.users VALUES (1, 'u1'), (2, 'u2'), (3, 'u3');
INSERT INTO public.terms VALUES (1, 'v1', NULL), (2, 'v2', 2), (3, 'unused', 3);
INSERT INTO public.workspaces VALUES (10, 'a', 2, 1), (11, 'a', NULL, NULL), (20, 'b', 1, 2), (30, 'c', 2, 3);
INSERT INTO public.folders VALUES (100, 10, 'fa'), (101, 11, 'fa2'), (200, 20, 'fb'), (300, 30, 'fc');
INSERT INTO public.documents VALUES (1000, 100, NULL, 'da'), (1001, 100, 1000, 'da-reply'), (1002, 101, 1001, 'da-reply-elsewhere'),
  (2000, 200, NULL, 'db'), (2001, 200, 1000, 'db replies to a'), (3000, 300, NULL, 'dc');
INSERT INTO public.mentions VALUES (1000, 20, 'a mentions b'), (2000, 10, 'b mentions a'), (3000, 30, 'c self'), (2000, 30, 'b mentions c');
BEGIN;
INSERT INTO public.boards VALUES (1, 10, 11), (2, 20, 21), (3, 30, NULL);
INSERT INTO public.cards VALUES (11, 1, 'ca'), (12, 1, 'ca2'), (21, 2, 'cb'), (31, 3, 'cc');
COMMIT;
