-- Street segments for cross-storefront trading, the versioned policy pack, shop filings, and
-- permits (the certificates every approved stall, extension or promotion yields).
CREATE TABLE street_segments (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    district_code TEXT NOT NULL,
    road_class TEXT NOT NULL,
    zone_class TEXT NOT NULL,
    sidewalk_m DOUBLE PRECISION NOT NULL,
    near_homes BOOLEAN NOT NULL,
    geometry TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX segments_district ON street_segments (district_code);

CREATE TABLE policy_versions (
    id BIGSERIAL PRIMARY KEY,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    pack TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE UNIQUE INDEX policy_version_number ON policy_versions (version) WHERE status <> 'draft';
CREATE UNIQUE INDEX policy_one_draft ON policy_versions (status) WHERE status = 'draft';

CREATE TABLE shop_filings (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    district_code TEXT NOT NULL,
    segment_id BIGINT REFERENCES street_segments (id),
    payload TEXT NOT NULL,
    evaluation TEXT NOT NULL,
    outcome TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    area TEXT,
    venue_key TEXT,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    deadline DATE,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id),
    decision_reason TEXT NOT NULL,
    return_items TEXT NOT NULL,
    permit_id BIGINT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX filings_queue ON shop_filings (district_code, status, deadline);
CREATE INDEX filings_venue ON shop_filings (venue_key, status);
CREATE INDEX filings_segment ON shop_filings (segment_id, status);

CREATE TABLE permits (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    holder_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    verify_code TEXT NOT NULL UNIQUE,
    filing_id BIGINT,
    application_id BIGINT,
    zone_id BIGINT,
    stall_id BIGINT,
    district_code TEXT NOT NULL,
    title TEXT NOT NULL,
    location TEXT NOT NULL,
    trade TEXT NOT NULL,
    hours TEXT NOT NULL,
    conditions TEXT NOT NULL,
    geometry TEXT,
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX permits_holder ON permits (holder_id);
