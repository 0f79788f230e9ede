DROP INDEX offers_application;
DROP INDEX applications_applicant;
