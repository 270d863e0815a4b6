-- Participants (organisations), their users, API tokens and collection grants.
-- Timestamps are microseconds since the Unix epoch (BIGINT); ids are UUIDs as text.

CREATE TABLE participants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    -- ISO 3166-1 alpha-2, upper case.
    country     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('government', 'hub', 'partner')),
    -- The participant's STIX identity id: a TLP:RED object naming it in
    -- x_phalanx_recipients is readable by every user of the participant.
    identity_id TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'reader', 'sync')),
    -- The user's own STIX identity id (an individual), for TLP:RED recipients.
    identity_id    TEXT NOT NULL UNIQUE,
    -- An argon2id PHC string; NULL when the user authenticates with tokens only.
    password_hash  TEXT,
    created_at     BIGINT NOT NULL
);

CREATE INDEX users_participant ON users (participant_id);

-- API tokens are shown once and kept only as the SHA-256 of the whole token. The token
-- carries 256 random bits, so a fast hash is as safe as a slow one here (nothing to
-- brute-force) and keeps authentication cheap; passwords, chosen by people, use argon2id.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The public look-up part of the token (also shown in listings to tell tokens apart).
    prefix       TEXT NOT NULL UNIQUE,
    -- Hex SHA-256 of the whole token.
    token_hash   TEXT NOT NULL,
    label        TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Who may read and write a collection: per participant, and whether every participant of
-- the node may read it.
CREATE TABLE collection_audiences (
    collection_id TEXT PRIMARY KEY REFERENCES collections (id) ON DELETE CASCADE,
    read_all      BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE collection_grants (
    collection_id  TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    can_read       BOOLEAN NOT NULL,
    can_write      BOOLEAN NOT NULL,
    PRIMARY KEY (collection_id, participant_id)
);

CREATE INDEX collection_grants_participant ON collection_grants (participant_id);
