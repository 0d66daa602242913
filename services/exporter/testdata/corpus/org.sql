-- An Organization is the tenant; few tables name it, most hang off it
-- through chains of foreign keys up to 7 deep. Users are shared between
-- organizations through memberships; platform-wide contracts carry
-- nullable audit references to users; a share joins a project of one
-- organization to a project of another (a link with two parents).
CREATE TABLE public."Organization" (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE public."User" (id text PRIMARY KEY, email text NOT NULL);
CREATE TABLE public."Membership" (
  "userId" text NOT NULL REFERENCES public."User" (id) ON DELETE CASCADE,
  "organizationId" text NOT NULL REFERENCES public."Organization" (id) ON DELETE CASCADE,
  role text NOT NULL,
  PRIMARY KEY ("userId", "organizationId")
);
CREATE TABLE public."Contract" (
  id text PRIMARY KEY,
  title text NOT NULL,
  "createdBy" text REFERENCES public."User" (id) ON DELETE SET NULL,
  "revokedBy" text REFERENCES public."User" (id) ON DELETE SET NULL
);
CREATE TABLE public."Project" (id text PRIMARY KEY, "organizationId" text NOT NULL REFERENCES public."Organization" (id) ON DELETE CASCADE, name text);
CREATE TABLE public."Environment" (id text PRIMARY KEY, "projectId" text NOT NULL REFERENCES public."Project" (id) ON DELETE CASCADE, "contractId" text REFERENCES public."Contract" (id));
CREATE TABLE public."Survey" (id text PRIMARY KEY, "environmentId" text NOT NULL REFERENCES public."Environment" (id) ON DELETE CASCADE, "createdBy" text REFERENCES public."User" (id) ON DELETE SET NULL);
CREATE TABLE public."Display" (id text PRIMARY KEY, "surveyId" text NOT NULL REFERENCES public."Survey" (id) ON DELETE CASCADE);
CREATE TABLE public."Response" (id text PRIMARY KEY, "displayId" text NOT NULL REFERENCES public."Display" (id) ON DELETE CASCADE, data jsonb);
CREATE TABLE public."Run" (id text PRIMARY KEY, "responseId" text NOT NULL REFERENCES public."Response" (id) ON DELETE CASCADE);
CREATE TABLE public."Log" (id text PRIMARY KEY, "runId" text NOT NULL REFERENCES public."Run" (id) ON DELETE CASCADE, line text);
CREATE TABLE public."Share" (
  id text PRIMARY KEY,
  "fromProjectId" text NOT NULL REFERENCES public."Project" (id) ON DELETE CASCADE,
  "toProjectId" text NOT NULL REFERENCES public."Project" (id) ON DELETE CASCADE
);
-- Reached through the share, two hops below a second parent.
CREATE TABLE public."ShareComment" (id text PRIMARY KEY, "shareId" text NOT NULL REFERENCES public."Share" (id) ON DELETE CASCADE, body text);
-- data
INSERT INTO public."Organization" VALUES ('orgA', 'A'), ('orgB', 'B'), ('orgC', 'C');
INSERT INTO public."User" VALUES ('u1', 'u1@x'), ('u2', 'u2@x'), ('u3', 'u3@x'), ('u4', 'u4@x');
INSERT INTO public."Membership" VALUES ('u1', 'orgA', 'owner'), ('u2', 'orgA', 'member'), ('u2', 'orgB', 'owner'), ('u3', 'orgC', 'owner');
INSERT INTO public."Contract" VALUES ('k1', 'Terms', NULL, NULL), ('k2', 'DPA', 'u1', 'u2'), ('k3', 'Unused', 'u4', NULL);
INSERT INTO public."Project" VALUES ('pA', 'orgA', 'A1'), ('pA2', 'orgA', 'A2'), ('pB', 'orgB', 'B1'), ('pC', 'orgC', 'C1');
INSERT INTO public."Environment" VALUES ('eA', 'pA', 'k2'), ('eB', 'pB', 'k1'), ('eC', 'pC', NULL);
INSERT INTO public."Survey" VALUES ('sA', 'eA', 'u1'), ('sB', 'eB', 'u2'), ('sC', 'eC', NULL);
INSERT INTO public."Display" VALUES ('dA', 'sA'), ('dB', 'sB'), ('dC', 'sC');
INSERT INTO public."Response" VALUES ('rA', 'dA', '{"a": 1}'), ('rA2', 'dA', NULL), ('rB', 'dB', '[]'), ('rC', 'dC', NULL);
INSERT INTO public."Run" VALUES ('xA', 'rA'), ('xB', 'rB'), ('xC', 'rC');
INSERT INTO public."Log" VALUES ('lA', 'xA', 'a'), ('lA2', 'xA', 'a2'), ('lB', 'xB', 'b'), ('lC', 'xC', 'c');
INSERT INTO public."Share" VALUES ('shAB', 'pA2', 'pB'), ('shBC', 'pB', 'pC'), ('shAA', 'pA', 'pA2');
INSERT INTO public."ShareComment" VALUES ('c1', 'shAB', 'hi'), ('c2', 'shBC', 'yo');
