DROP TABLE stored_files;
DROP INDEX users_id_number_lookup;
DROP INDEX users_phone_lookup;
ALTER TABLE outbox DROP COLUMN recipient_sealed;
ALTER TABLE users DROP COLUMN id_number_lookup;
ALTER TABLE users DROP COLUMN phone_lookup;
