-- Stall applications, their documents, the working-day calendar, allocation rounds, offers and
-- objections.
CREATE TABLE stall_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    applicant_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    preferences TEXT NOT NULL,
    priority_groups TEXT NOT NULL,
    note TEXT NOT NULL,
    district_code TEXT,
    submitted_at TIMESTAMP,
    deadline DATE,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id),
    decision_reason TEXT NOT NULL,
    return_items TEXT NOT NULL,
    round_id BIGINT,
    -- Place in the round's draw order (for the waiting list).
    draw_position INTEGER,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One open stall application per person, enforced by the database.
CREATE UNIQUE INDEX one_open_application ON stall_applications (applicant_id)
    WHERE status IN ('draft', 'submitted', 'returned', 'eligible', 'in_round', 'allocated', 'waitlisted', 'offered');
CREATE INDEX applications_queue ON stall_applications (district_code, status, deadline);

CREATE TABLE application_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES stall_applications (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_application ON application_documents (application_id);

CREATE TABLE calendar_days (
    day DATE PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE allocation_rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    zone_ids TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    reserved_percent INTEGER NOT NULL,
    notice_days INTEGER NOT NULL,
    offer_days INTEGER NOT NULL,
    status TEXT NOT NULL,
    seed TEXT NOT NULL,
    seed_commitment TEXT NOT NULL,
    fingerprint TEXT,
    inputs TEXT,
    result TEXT,
    algorithm TEXT,
    opened_at TIMESTAMP,
    closed_at TIMESTAMP,
    drawn_at TIMESTAMP,
    notice_until DATE,
    confirmed_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id BIGINT REFERENCES allocation_rounds (id),
    application_id BIGINT NOT NULL REFERENCES stall_applications (id),
    applicant_id BIGINT NOT NULL REFERENCES users (id),
    stall_id BIGINT NOT NULL REFERENCES stalls (id),
    status TEXT NOT NULL,
    offered_at TIMESTAMP NOT NULL,
    respond_by TIMESTAMP NOT NULL,
    responded_at TIMESTAMP
);
-- A stall is offered to one applicant at a time, and an applicant holds one pending offer.
CREATE UNIQUE INDEX one_pending_offer_per_stall ON offers (stall_id) WHERE status = 'pending';
CREATE UNIQUE INDEX one_pending_offer_per_applicant ON offers (applicant_id) WHERE status = 'pending';

CREATE TABLE objections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id BIGINT NOT NULL REFERENCES allocation_rounds (id),
    application_id BIGINT NOT NULL REFERENCES stall_applications (id),
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered_by BIGINT REFERENCES users (id),
    answered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
