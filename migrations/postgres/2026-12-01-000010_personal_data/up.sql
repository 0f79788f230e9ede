-- Personal data sealed (backend/src/vault.rs): ID numbers and phones are kept encrypted, with a
-- keyed look-up hash beside each for uniqueness and for finding an account. The server seals
-- rows written before this migration when it starts (it holds the key; the database does not).
ALTER TABLE users ADD COLUMN phone_lookup TEXT;
ALTER TABLE users ADD COLUMN id_number_lookup TEXT;
CREATE UNIQUE INDEX users_phone_lookup ON users (phone_lookup);
CREATE UNIQUE INDEX users_id_number_lookup ON users (id_number_lookup);

-- A text waiting to go: `recipient` becomes the phone's look-up hash (for the per-phone hourly
-- limit), the number itself is sealed here.
ALTER TABLE outbox ADD COLUMN recipient_sealed TEXT NOT NULL DEFAULT '';

-- The key is no longer generated into the database.
DELETE FROM settings WHERE key = 'secret_key';

-- Codes and counters keyed by a phone in clear start again, keyed by its look-up hash.
DELETE FROM phone_codes;
DELETE FROM login_failures;
DELETE FROM rate_events WHERE bucket = 'code.phone';

-- Uploaded files, sealed, in the database: instances behind a load balancer need no shared
-- disk, and the database backup holds them.
CREATE TABLE stored_files (
    sha256 TEXT PRIMARY KEY,
    sealed BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);
