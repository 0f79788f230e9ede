-- Accounts, sessions, login throttling, zones and stalls, and the hash-chained audit log.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    role TEXT NOT NULL,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    phone TEXT,
    id_number TEXT UNIQUE,
    credit_code TEXT UNIQUE,
    contact_name TEXT,
    district_code TEXT,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);
CREATE INDEX users_role_district ON users (role, district_code);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    client_ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_key TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account_key, at);
CREATE INDEX login_failures_ip ON login_failures (client_ip, at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE zones (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    district_code TEXT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    lon DOUBLE NOT NULL,
    lat DOUBLE NOT NULL,
    geometry TEXT NOT NULL,
    hours TEXT NOT NULL,
    categories TEXT NOT NULL,
    banned TEXT NOT NULL,
    stall_width_m DOUBLE NOT NULL,
    stall_depth_m DOUBLE NOT NULL,
    fee_yuan_month INTEGER NOT NULL,
    fee_note TEXT NOT NULL,
    managing_unit TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    site_name TEXT,
    site_contractor TEXT,
    valid_from DATE,
    valid_until DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX zones_district ON zones (district_code, status);

CREATE TABLE stalls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    zone_id BIGINT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    category TEXT NOT NULL,
    width_m DOUBLE NOT NULL,
    depth_m DOUBLE NOT NULL,
    state TEXT NOT NULL,
    holder_id BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (zone_id, number)
);
CREATE INDEX stalls_zone_state ON stalls (zone_id, state);
CREATE UNIQUE INDEX stalls_one_per_holder ON stalls (holder_id) WHERE holder_id IS NOT NULL;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);

-- One row: the hash of the newest audit record. Writers lock it to keep the chain linear.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_hash) VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000');
