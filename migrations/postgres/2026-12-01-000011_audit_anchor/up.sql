-- The audit log is append-only in the database itself: the server's own connection cannot change,
-- remove or truncate a record. (Someone who drops the trigger can; the published checkpoints below
-- are what catches that.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The chain's head, published once a day (and kept by whoever copies the public page): how many
-- records the log had and the hash of the last one. `tangui verify-audit --heads` checks the log
-- against copies taken earlier, so a log rewritten and re-chained since is caught.
CREATE TABLE audit_checkpoints (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    day DATE NOT NULL UNIQUE,
    records BIGINT NOT NULL,
    head TEXT NOT NULL
);
