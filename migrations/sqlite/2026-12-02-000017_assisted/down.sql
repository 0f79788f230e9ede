DROP TABLE assisted_accounts;
ALTER TABLE sessions DROP COLUMN acting_for;
ALTER TABLE notifications DROP COLUMN handed_at;
ALTER TABLE notifications DROP COLUMN handed_by;
ALTER TABLE notifications DROP COLUMN handed_how;
