-- The service's store, SQLite flavour. The PostgreSQL migration of the same number has
-- the same tables and columns; only the types differ (TEXT timestamps, BLOB for BYTEA).

-- Written once per database: a known value sealed with the store key, so a store opened
-- with another key fails at open instead of at the first secret it reads.
CREATE TABLE store_meta (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE authentications (
    id TEXT PRIMARY KEY,               -- auth_...
    account TEXT NOT NULL,
    provider TEXT NOT NULL,
    status TEXT NOT NULL,
    next_step TEXT NOT NULL,
    normalized TEXT NOT NULL,          -- the normalized authentication, secrets redacted
    sealed BLOB NOT NULL,              -- the same with its secrets, sealed
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL           -- compare-and-swap on every update
);

CREATE TABLE attempts (
    authentication_id TEXT NOT NULL REFERENCES authentications (id),
    ordinal INTEGER NOT NULL,
    account TEXT NOT NULL,
    provider TEXT NOT NULL,
    psp_id TEXT,
    status TEXT,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (authentication_id, ordinal)
);

CREATE TABLE psp_handles (
    authentication_id TEXT PRIMARY KEY REFERENCES authentications (id),
    provider TEXT NOT NULL,
    psp_id TEXT NOT NULL,
    handle TEXT NOT NULL,              -- the stored handle without its client secret
    client_secret BLOB,                -- sealed
    updated_at TEXT NOT NULL
);

CREATE TABLE idempotency (
    idempotency_key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    response BLOB,                     -- sealed, once done
    created_at TEXT NOT NULL
);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,           -- evt_...
    authentication_id TEXT NOT NULL REFERENCES authentications (id),
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT
);

CREATE INDEX events_due ON events (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX events_by_authentication ON events (authentication_id, seq);
