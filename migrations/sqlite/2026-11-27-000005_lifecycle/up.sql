-- Permit lifecycle: inspections with evidence, violations and their points, appeals, transfers,
-- the in-app inbox and the notification outbox, public complaints, and the scheduled-job ledger.
ALTER TABLE permits ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE permits ADD COLUMN revocation_proposed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE permits ADD COLUMN reminded_on DATE;
ALTER TABLE permits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX permits_status_until ON permits (status, valid_until);
CREATE INDEX permits_district ON permits (district_code, status);

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    officer_id BIGINT NOT NULL REFERENCES users (id),
    district_code TEXT NOT NULL,
    permit_id BIGINT REFERENCES permits (id),
    zone_id BIGINT REFERENCES zones (id),
    checklist TEXT NOT NULL,
    notes TEXT NOT NULL,
    result TEXT NOT NULL,
    evidence_ids TEXT NOT NULL,
    lon DOUBLE,
    lat DOUBLE,
    policy_version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspections_permit ON inspections (permit_id);
CREATE INDEX inspections_district ON inspections (district_code, created_at);

CREATE TABLE violations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    permit_id BIGINT NOT NULL REFERENCES permits (id),
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    code TEXT NOT NULL,
    points INTEGER NOT NULL,
    waived BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    appeal_until DATE NOT NULL,
    lapses_on DATE NOT NULL,
    district_code TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX violations_permit ON violations (permit_id, status);
CREATE INDEX violations_lapse ON violations (status, lapses_on);

CREATE TABLE appeals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    violation_id BIGINT NOT NULL UNIQUE REFERENCES violations (id),
    holder_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decision_note TEXT NOT NULL,
    district_code TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);

CREATE TABLE permit_transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    permit_id BIGINT NOT NULL REFERENCES permits (id),
    from_id BIGINT NOT NULL REFERENCES users (id),
    to_id BIGINT NOT NULL REFERENCES users (id),
    relation TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    note TEXT NOT NULL,
    district_code TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE UNIQUE INDEX one_pending_transfer ON permit_transfers (permit_id) WHERE status = 'pending';

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_zh TEXT NOT NULL,
    body_en TEXT NOT NULL,
    link TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    claimed_by TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_pending ON outbox (status, id);

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    service_code TEXT NOT NULL,
    description TEXT NOT NULL,
    lon DOUBLE,
    lat DOUBLE,
    address TEXT NOT NULL,
    zone_id BIGINT REFERENCES zones (id),
    permit_id BIGINT REFERENCES permits (id),
    district_code TEXT NOT NULL,
    status TEXT NOT NULL,
    status_note TEXT NOT NULL,
    contact TEXT NOT NULL,
    reporter_id BIGINT REFERENCES users (id),
    evidence_id BIGINT REFERENCES evidence (id),
    reopened INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX complaints_queue ON complaints (district_code, status, created_at);

CREATE TABLE job_runs (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,
    instance TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    changed INTEGER NOT NULL,
    PRIMARY KEY (job, slot)
);
