DROP INDEX notifications_district;
ALTER TABLE notifications DROP COLUMN district_code;
