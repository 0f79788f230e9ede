-- Assisted service at a district service counter: who opened the account, where, with which
-- consent; the takeover code printed on the receipt (its hash); officers filing for the person
-- do so in a session that acts for them; notices to people without a phone are handed over at
-- the counter (printed or called out) and marked so.
CREATE TABLE assisted_accounts (
    user_id BIGINT PRIMARY KEY,
    officer_id BIGINT NOT NULL,
    district_code TEXT NOT NULL,
    counter TEXT NOT NULL,
    consent_evidence_id BIGINT NOT NULL,
    phone_proven BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    takeover_hash TEXT,
    takeover_until TIMESTAMP,
    taken_over_at TIMESTAMP
);
CREATE INDEX assisted_accounts_district ON assisted_accounts (district_code);
ALTER TABLE sessions ADD COLUMN acting_for BIGINT;
ALTER TABLE notifications ADD COLUMN handed_at TIMESTAMP;
ALTER TABLE notifications ADD COLUMN handed_by BIGINT;
ALTER TABLE notifications ADD COLUMN handed_how TEXT;
