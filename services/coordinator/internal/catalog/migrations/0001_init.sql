-- The catalog: a cache of what the bucket and the events say. Every table
-- can be rebuilt: backups from the manifests in the bucket, the rest from
-- EVENTS within its retention.

CREATE TABLE arca_catalog.runs (
    id            text PRIMARY KEY,
    schedule      text NOT NULL DEFAULT '',          -- schedule name, '' for a manual run
    kind          text NOT NULL,                      -- tenant, full, drill, retention
    trigger       text NOT NULL,                      -- schedule, api, cli, event
    fire_key      text UNIQUE,                        -- scheduler subject + Nats-Schedule-Next
    scheduled_at  timestamptz NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    fanned_out_at timestamptz,
    finished_at   timestamptz,
    state         text NOT NULL DEFAULT 'fanning_out', -- fanning_out, running, done, failed
    jobs          integer NOT NULL DEFAULT 0,
    error         text NOT NULL DEFAULT ''
);

CREATE TABLE arca_catalog.jobs (
    backup_id     text PRIMARY KEY,
    run_id        text REFERENCES arca_catalog.runs (id) ON DELETE SET NULL,
    tenant        text NOT NULL DEFAULT '',
    kind          text NOT NULL,
    state         text NOT NULL DEFAULT 'queued',
    skipped_for   text NOT NULL DEFAULT '',           -- the in-flight backup a skipped job deferred to
    requested_at  timestamptz NOT NULL,
    started_at    timestamptz,
    exported_at   timestamptz,
    committed_at  timestamptz,
    finished_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    plain_bytes   bigint NOT NULL DEFAULT 0,
    bytes         bigint NOT NULL DEFAULT 0,
    attempts      integer NOT NULL DEFAULT 0,
    error         text NOT NULL DEFAULT ''
);
CREATE INDEX jobs_run ON arca_catalog.jobs (run_id);
-- At most one job of a tenant and kind is queued by the coordinator while
-- another is in flight (AddJob holds an advisory lock per tenant and kind).
CREATE INDEX jobs_in_flight ON arca_catalog.jobs (tenant, kind)
    WHERE state IN ('queued', 'running', 'committed');

CREATE TABLE arca_catalog.backups (
    backup_id     text PRIMARY KEY,
    tenant        text NOT NULL DEFAULT '',
    kind          text NOT NULL,
    run_id        text NOT NULL DEFAULT '',
    manifest_key  text NOT NULL,
    object_key    text NOT NULL DEFAULT '',
    bytes         bigint NOT NULL DEFAULT 0,
    plain_bytes   bigint NOT NULL DEFAULT 0,
    parts         integer NOT NULL DEFAULT 0,
    created_at    timestamptz,
    committed_at  timestamptz NOT NULL,
    verified_at   timestamptz,
    verify_error  text NOT NULL DEFAULT ''
);
CREATE INDEX backups_tenant ON arca_catalog.backups (tenant, kind, committed_at DESC);

CREATE TABLE arca_catalog.stage_events (
    msg_id      text PRIMARY KEY,
    backup_id   text NOT NULL DEFAULT '',
    run_id      text NOT NULL DEFAULT '',
    tenant      text NOT NULL DEFAULT '',
    kind        text NOT NULL DEFAULT '',
    stage       text NOT NULL,
    status      text NOT NULL,
    part        integer,
    attempt     integer NOT NULL DEFAULT 0,
    bytes       bigint NOT NULL DEFAULT 0,
    duration_ms bigint NOT NULL DEFAULT 0,
    error       text NOT NULL DEFAULT '',
    attrs       jsonb,
    at          timestamptz NOT NULL
);
CREATE INDEX stage_events_backup ON arca_catalog.stage_events (backup_id, at);

CREATE TABLE arca_catalog.verifications (
    backup_id   text NOT NULL,
    checked_at  timestamptz NOT NULL,
    verified    boolean NOT NULL,
    duration_ms bigint NOT NULL DEFAULT 0,
    reason      text NOT NULL DEFAULT '',
    PRIMARY KEY (backup_id, checked_at)
);

CREATE TABLE arca_catalog.drills (
    msg_id      text PRIMARY KEY,
    backup_id   text NOT NULL DEFAULT '',
    tenant      text NOT NULL DEFAULT '',
    kind        text NOT NULL DEFAULT '',
    status      text NOT NULL,
    duration_ms bigint NOT NULL DEFAULT 0,
    error       text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL
);
CREATE INDEX drills_scope ON arca_catalog.drills (tenant, kind, at);

CREATE TABLE arca_catalog.restores (
    id           text PRIMARY KEY,
    backup_id    text NOT NULL,
    tenant       text NOT NULL DEFAULT '',
    target       text NOT NULL,
    state        text NOT NULL DEFAULT 'requested', -- requested, running, succeeded, failed
    requested_at timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    error        text NOT NULL DEFAULT ''
);

-- Tenants as the last fan-out listed them: a removed tenant is no longer
-- expected to back up (the staleness check skips it).
CREATE TABLE arca_catalog.tenants (
    id          text PRIMARY KEY,
    first_seen  timestamptz NOT NULL,
    last_listed timestamptz NOT NULL,
    removed_at  timestamptz
);
