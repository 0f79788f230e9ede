//! Browser journeys: the real server (in-process, SQLite with demo data) and the built SPA from
//! `dist/`, driven in headless Debian Chromium through chromedriver.
//!
//! Skipped when chromedriver or `dist/` is missing, unless `TANGUI_E2E_REQUIRED=1` (set by
//! `cargo xtask test`), in which case that is a failure.

mod harness;
#[path = "../support/kannel.rs"]
mod kannel;
#[path = "../support/totp.rs"]
mod totp;
// The draw benchmarks' synthetic applicants, for the city-scale re-run journey.
#[path = "../../examples/support/mod.rs"]
mod support;

mod a11y;
mod accounts;
mod allocation;
mod counter;
mod every_page;
mod filings;
mod finding;
mod map;
mod notices;
mod on_the_job;
mod speed;
mod supervision;
mod zone_admin;
