-- Notices that reach people: each text message carries its own text (in the reader's language),
-- when it is due again after a failure, what the gateway last said, and when the phone got it.
ALTER TABLE outbox ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE outbox ADD COLUMN claimed_at TIMESTAMP;
ALTER TABLE outbox ADD COLUMN delivered_at TIMESTAMP;
ALTER TABLE outbox ADD COLUMN last_answer TEXT NOT NULL DEFAULT '';
UPDATE outbox SET status = 'queued' WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient_sent ON outbox (recipient, sent_at);
CREATE INDEX outbox_notification ON outbox (notification_id);

-- What a notice is about ("application:12", "filing:3", "permit:7"), so a case shows its notices
-- and whether each text reached the phone.
ALTER TABLE notifications ADD COLUMN subject TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_subject ON notifications (subject);

-- The language a person reads the portal in, for their text messages.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh';

-- Texts received from phones (replies to offers, status questions), each with what it did.
CREATE TABLE sms_inbound (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    text TEXT NOT NULL,
    action TEXT NOT NULL,
    result TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);

-- Devices an account has signed in from (a random id in a long-lived cookie), to tell the
-- holder when a new one signs in.
CREATE TABLE sign_in_devices (
    user_id BIGINT NOT NULL REFERENCES users (id),
    device TEXT NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, device)
);
