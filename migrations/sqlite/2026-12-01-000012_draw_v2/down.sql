DROP TABLE draw_progress;
ALTER TABLE allocation_rounds DROP COLUMN placed_count;
ALTER TABLE allocation_rounds DROP COLUMN stall_count;
ALTER TABLE allocation_rounds DROP COLUMN applicant_count;
ALTER TABLE allocation_rounds DROP COLUMN outside_value;
ALTER TABLE allocation_rounds DROP COLUMN outside_source;
DROP INDEX stall_applications_draw_number;
ALTER TABLE stall_applications DROP COLUMN draw_number;
