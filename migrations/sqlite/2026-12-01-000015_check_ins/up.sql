-- A stall holder's check-in at the stall (one a day), for the pack's monthly attendance rule.
CREATE TABLE check_ins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    permit_id BIGINT NOT NULL,
    day DATE NOT NULL,
    at TIMESTAMP NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL
);
CREATE UNIQUE INDEX check_ins_permit_day ON check_ins (permit_id, day);
