DROP TABLE sensitive_sites;
DROP TABLE data_versions;
