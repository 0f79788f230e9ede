-- tangui-rsd-v2: each application frozen into a round gets a public draw number, the round names
-- where its outside value will come from (and records it at the draw), and the public list of
-- rounds reads counts from columns instead of parsing every stored list.
ALTER TABLE stall_applications ADD COLUMN draw_number INTEGER;
CREATE UNIQUE INDEX stall_applications_draw_number ON stall_applications (round_id, draw_number);
ALTER TABLE allocation_rounds ADD COLUMN outside_source TEXT NOT NULL DEFAULT '';
ALTER TABLE allocation_rounds ADD COLUMN outside_value TEXT;
ALTER TABLE allocation_rounds ADD COLUMN applicant_count INTEGER;
ALTER TABLE allocation_rounds ADD COLUMN stall_count INTEGER;
ALTER TABLE allocation_rounds ADD COLUMN placed_count INTEGER;

-- A draw's progress, readable from every instance (the draw itself runs in one transaction).
CREATE TABLE draw_progress (
    round_id BIGINT PRIMARY KEY NOT NULL,
    stage TEXT NOT NULL,
    done INTEGER NOT NULL,
    total INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
