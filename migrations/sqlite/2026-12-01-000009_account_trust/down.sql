ALTER TABLE sessions DROP COLUMN second_factor_pending;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_secret;
DROP TABLE rate_events;
DROP TABLE phone_codes;
