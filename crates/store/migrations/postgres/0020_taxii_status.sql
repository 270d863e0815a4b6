-- TAXII 2.1 status resources: the outcome of each add-objects request, kept so that a client
-- can poll it (Get Status) while the server processes a large envelope in the background.
-- Timestamps are microseconds since the Unix epoch (BIGINT).

CREATE TABLE taxii_statuses (
    id                TEXT PRIMARY KEY,
    api_root          TEXT NOT NULL,
    -- The participant that made the request; NULL when only administrators may read it
    -- (statuses imported from another server).
    owner             TEXT,
    request_timestamp BIGINT NOT NULL,
    -- pending or complete.
    status            TEXT NOT NULL,
    total_count       BIGINT NOT NULL,
    -- JSON lists of {"id", "version", "message"}.
    successes         TEXT NOT NULL,
    failures          TEXT NOT NULL,
    pendings          TEXT NOT NULL,
    updated_at        BIGINT NOT NULL
);

CREATE INDEX taxii_statuses_updated ON taxii_statuses (updated_at);
