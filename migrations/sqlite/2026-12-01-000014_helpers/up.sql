-- Registered helpers (登记帮工) of a stall permit: named, ID-checked and photographed, approved by
-- the district, so an inspector can tell a helper from a sublessee.
CREATE TABLE permit_helpers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    permit_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- Sealed by the vault, with a keyed look-up for "is this person already a helper".
    id_number TEXT NOT NULL,
    id_number_lookup TEXT NOT NULL,
    relation TEXT NOT NULL,
    photo_id BIGINT NOT NULL,
    -- pending, approved, refused or removed
    status TEXT NOT NULL,
    decided_by BIGINT,
    decision_note TEXT NOT NULL,
    district_code TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX permit_helpers_permit ON permit_helpers (permit_id);

-- Who was found working the stall at an inspection: holder, helper:<id>, someone_else, or '' (not asked).
ALTER TABLE inspections ADD COLUMN present TEXT NOT NULL DEFAULT '';

-- Reviews a permit is put under by a rule (subletting suspected), for the district to close.
CREATE TABLE permit_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    permit_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- open or closed
    status TEXT NOT NULL,
    outcome_note TEXT NOT NULL,
    closed_by BIGINT,
    district_code TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX permit_reviews_permit ON permit_reviews (permit_id);
