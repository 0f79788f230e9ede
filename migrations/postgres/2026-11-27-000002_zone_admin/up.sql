-- Change counters: every write to zones or stalls bumps 'zones' in the same transaction, so each
-- server instance can tell that its cached map data is out of date.
CREATE TABLE data_versions (
    name TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('zones', 1);

-- Schools, hospitals, metro exits: zones should keep `buffer_m` away from them.
CREATE TABLE sensitive_sites (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    district_code TEXT,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    buffer_m DOUBLE PRECISION NOT NULL,
    created_at TIMESTAMP NOT NULL
);
