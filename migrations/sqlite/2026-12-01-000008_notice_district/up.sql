-- The district a notice's case belongs to (none for account and city-wide notices), so a
-- district officer's outbox page shows that district's texts and no other.
ALTER TABLE notifications ADD COLUMN district_code TEXT;
UPDATE notifications SET district_code = (SELECT a.district_code FROM stall_applications a WHERE 'application:' || a.id = notifications.subject)
    WHERE subject LIKE 'application:%';
UPDATE notifications SET district_code = (SELECT f.district_code FROM shop_filings f WHERE 'filing:' || f.id = notifications.subject)
    WHERE subject LIKE 'filing:%';
UPDATE notifications SET district_code = (SELECT p.district_code FROM permits p WHERE 'permit:' || p.id = notifications.subject)
    WHERE subject LIKE 'permit:%';
UPDATE notifications SET district_code = (SELECT x.district_code FROM complaints x WHERE 'complaint:' || x.id = notifications.subject)
    WHERE subject LIKE 'complaint:%';
CREATE INDEX notifications_district ON notifications (district_code);
