//! In-process API tests: requests go through the real router with `oneshot`, no socket.
//! Every test runs on SQLite and, when `TANGUI_TEST_POSTGRES_URL` is set, on PostgreSQL too.

mod util;

mod account_trust;
mod accounts;
mod applications;
mod assisted;
mod audit;
mod authz;
mod backup;
mod basics;
mod cases;
mod certificates;
mod complaints;
mod corpus;
mod crash;
mod dashboard;
mod filings;
mod helpers;
#[path = "../support/kannel.rs"]
mod kannel;
mod notices;
mod open311;
mod open_data;
mod permits;
mod personal_data;
mod rounds;
mod scale;
mod schema_fuzz;
mod segments;
mod sms;
#[path = "../support/totp.rs"]
mod totp;
mod users;
mod zone_admin;
mod zones;
