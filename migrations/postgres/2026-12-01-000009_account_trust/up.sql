-- Accounts you can trust: one-time codes proving a phone, limits that hold across instances,
-- a second factor for staff.

-- A code sent by text to prove a phone (registration, password reset, phone change). Only a
-- hash of the code is kept; a code is good for five minutes and five tries, and once.
CREATE TABLE phone_codes (
    id BIGSERIAL PRIMARY KEY,
    phone TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at TIMESTAMP
);
CREATE INDEX phone_codes_phone ON phone_codes (phone, purpose, created_at);

-- One row per limited action (a registration, a code sent, an anonymous report...), counted in a
-- sliding window per bucket and key (a phone, an address, an account).
CREATE TABLE rate_events (
    id BIGSERIAL PRIMARY KEY,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (bucket, key, at);

-- Staff second factor: a TOTP secret (RFC 6238) and the last time step used (a code is good once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- One-time recovery codes for a lost authenticator; only hashes are kept.
CREATE TABLE recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A staff session that has passed the password but not yet the second factor reaches nothing
-- except the second-factor step.
ALTER TABLE sessions ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE;
