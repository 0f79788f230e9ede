-- An appeal carries the day it must be decided by (the pack's appeal_decision_days).
ALTER TABLE appeals ADD COLUMN decide_by DATE;
