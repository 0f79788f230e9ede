ALTER TABLE appeals DROP COLUMN decide_by;
