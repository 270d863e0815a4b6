-- API roots, collections and every version of every object, with the side tables the read
-- scope (TLP:RED recipients) and value look-ups need.
-- Timestamps are microseconds since the Unix epoch (INTEGER).

CREATE TABLE api_roots (
    name        TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT
);

CREATE TABLE collections (
    collection_key  INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    api_root        TEXT NOT NULL REFERENCES api_roots (name) ON DELETE CASCADE,
    alias           TEXT,
    title           TEXT NOT NULL,
    description     TEXT,
    -- The largest date_added given out in this collection; the next one is strictly larger.
    last_date_added INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX collections_alias ON collections (api_root, alias) WHERE alias IS NOT NULL;

-- One row per object version in a collection. date_added strictly increases within a
-- collection, so (collection_key, date_added) names a row and orders TAXII pages.
CREATE TABLE object_versions (
    collection_key INTEGER NOT NULL REFERENCES collections (collection_key) ON DELETE CASCADE,
    date_added     INTEGER NOT NULL,
    object_id      TEXT NOT NULL,
    object_type    TEXT NOT NULL,
    -- modified, else created, else (observables) date_added.
    version        INTEGER NOT NULL,
    spec_version   TEXT NOT NULL,
    revoked        INTEGER NOT NULL,
    created_by_ref TEXT,
    -- clear, green, amber, amber+strict or red: the most restrictive TLP marking, else the
    -- node's default at ingest.
    tlp            TEXT NOT NULL,
    json           TEXT NOT NULL,
    PRIMARY KEY (collection_key, date_added)
);

CREATE UNIQUE INDEX object_versions_id ON object_versions (collection_key, object_id, version);
CREATE INDEX object_versions_type ON object_versions (collection_key, object_type, date_added);
CREATE INDEX object_versions_any_collection ON object_versions (object_id, version);

-- The identities named in x_phalanx_recipients of a version.
CREATE TABLE red_recipients (
    collection_key INTEGER NOT NULL,
    date_added     INTEGER NOT NULL,
    identity       TEXT NOT NULL,
    PRIMARY KEY (collection_key, date_added, identity),
    FOREIGN KEY (collection_key, date_added)
        REFERENCES object_versions (collection_key, date_added) ON DELETE CASCADE
) WITHOUT ROWID;

-- Normalized indicator and observable values (kind, value) of a version.
CREATE TABLE lookup_values (
    kind           TEXT NOT NULL,
    value          TEXT NOT NULL,
    collection_key INTEGER NOT NULL,
    date_added     INTEGER NOT NULL,
    PRIMARY KEY (kind, value, collection_key, date_added),
    FOREIGN KEY (collection_key, date_added)
        REFERENCES object_versions (collection_key, date_added) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX lookup_values_version ON lookup_values (collection_key, date_added);
