-- Lookups the application rush showed scanning whole tables. The partial unique index on open
-- applications cannot serve `status IN (…)` with bound values, so the applicant's open
-- application was found by a full scan; offers are read by application on every case view.
CREATE INDEX applications_applicant ON stall_applications (applicant_id);
CREATE INDEX offers_application ON offers (application_id);
