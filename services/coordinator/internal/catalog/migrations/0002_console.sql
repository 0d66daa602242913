-- The console: an audit log of every restore and key action, and how a
-- restore was asked for (target database, side by side, replace).

CREATE TABLE arca_catalog.audit (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text NOT NULL,               -- who: the role and the label of the credential, never the credential
    action  text NOT NULL,               -- restore.start, restore.refused, key.rotate...
    tenant  text NOT NULL DEFAULT '',
    subject text NOT NULL DEFAULT '',    -- the backup, restore or key version acted on
    detail  text NOT NULL DEFAULT ''     -- the mode and target, or why it was refused
);
CREATE INDEX audit_at ON arca_catalog.audit (at DESC);
CREATE INDEX audit_tenant ON arca_catalog.audit (tenant, at DESC);

ALTER TABLE arca_catalog.restores ADD COLUMN mode text NOT NULL DEFAULT 'target'; -- target, into_schema, replace
ALTER TABLE arca_catalog.restores ADD COLUMN result text NOT NULL DEFAULT '';       -- the executor's summary: tables, rows, time

-- Console sessions signed out before they expire: the session cookie is
-- signed and stateless, so signing out records its nonce here until the
-- cookie would have expired anyway.
CREATE TABLE arca_catalog.console_signouts (
    nonce      text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
