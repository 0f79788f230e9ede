DROP TABLE permit_reviews;
ALTER TABLE inspections DROP COLUMN present;
DROP TABLE permit_helpers;
