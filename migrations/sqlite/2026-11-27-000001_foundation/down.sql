DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE stalls;
DROP TABLE zones;
DROP TABLE settings;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
