DROP TABLE objections;
DROP TABLE offers;
DROP TABLE allocation_rounds;
DROP TABLE calendar_days;
DROP TABLE application_documents;
DROP TABLE stall_applications;
