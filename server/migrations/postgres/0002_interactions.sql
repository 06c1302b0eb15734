-- One row per meaningful thing someone did. No names, addresses or free
-- text beyond a scrubbed search query. `journey` links one person's
-- interactions only with consent (or through their plan).
CREATE TABLE interactions (
    id           UUID PRIMARY KEY,
    occurred_at  TIMESTAMPTZ NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    life_event   TEXT,
    service      TEXT,
    area         TEXT,
    journey      TEXT,
    query        TEXT,
    result_count INTEGER
);
CREATE INDEX interactions_occurred ON interactions (occurred_at);
CREATE INDEX interactions_journey ON interactions (journey) WHERE journey IS NOT NULL;

-- Partner API keys: only a SHA-256 of the key is kept.
CREATE TABLE api_keys (
    name       TEXT PRIMARY KEY,
    key_hash   TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
