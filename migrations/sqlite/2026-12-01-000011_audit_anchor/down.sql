DROP TABLE audit_checkpoints;
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
