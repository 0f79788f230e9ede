DROP TABLE permits;
DROP TABLE shop_filings;
DROP TABLE policy_versions;
DROP TABLE street_segments;
