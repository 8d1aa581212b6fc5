-- The service's store, PostgreSQL flavour. The SQLite migration of the same number has
-- the same tables and columns; only the types differ (TIMESTAMPTZ, BYTEA, BIGINT).

-- Written once per database: a known value sealed with the store key, so a store opened
-- with another key fails at open instead of at the first secret it reads.
CREATE TABLE store_meta (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE authentications (
    id TEXT PRIMARY KEY,               -- auth_...
    account TEXT NOT NULL,
    provider TEXT NOT NULL,
    status TEXT NOT NULL,
    next_step TEXT NOT NULL,
    normalized TEXT NOT NULL,          -- the normalized authentication, secrets redacted
    sealed BYTEA NOT NULL,              -- the same with its secrets, sealed
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL           -- compare-and-swap on every update
);

CREATE TABLE attempts (
    authentication_id TEXT NOT NULL REFERENCES authentications (id),
    ordinal BIGINT NOT NULL,
    account TEXT NOT NULL,
    provider TEXT NOT NULL,
    psp_id TEXT,
    status TEXT,
    detail TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (authentication_id, ordinal)
);

CREATE TABLE psp_handles (
    authentication_id TEXT PRIMARY KEY REFERENCES authentications (id),
    provider TEXT NOT NULL,
    psp_id TEXT NOT NULL,
    handle TEXT NOT NULL,              -- the stored handle without its client secret
    client_secret BYTEA,                -- sealed
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE idempotency (
    idempotency_key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    response BYTEA,                     -- sealed, once done
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,           -- evt_...
    authentication_id TEXT NOT NULL REFERENCES authentications (id),
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT
);

CREATE INDEX events_due ON events (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX events_by_authentication ON events (authentication_id, seq);
