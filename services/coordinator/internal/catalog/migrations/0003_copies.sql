-- Each backup's copies in further destinations (store.destinations, 3-2-1):
-- copied and verified there, or why not. The backup's own row (backups,
-- jobs) is the primary's and is never touched by a copy's events.

CREATE TABLE arca_catalog.copies (
    backup_id   text NOT NULL,
    destination text NOT NULL,
    state       text NOT NULL,               -- copy_failed, copied, verify_failed, verified
    error       text NOT NULL DEFAULT '',
    copied_at   timestamptz,
    verified_at timestamptz,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (backup_id, destination)
);
