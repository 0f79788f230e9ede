-- The audit log is append-only in the database itself: the server's own connection cannot change
-- or remove a record. (Someone who drops these triggers can; the published checkpoints below are
-- what catches that.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The chain's head, published once a day (and kept by whoever copies the public page): how many
-- records the log had and the hash of the last one. `tangui verify-audit --heads` checks the log
-- against copies taken earlier, so a log rewritten and re-chained since is caught.
CREATE TABLE audit_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    day DATE NOT NULL UNIQUE,
    records BIGINT NOT NULL,
    head TEXT NOT NULL
);
