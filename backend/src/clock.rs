//! The current time, truncated to microseconds so that a value reads back from either database
//! exactly as written (the audit hash chain depends on it).

use chrono::{NaiveDateTime, Timelike, Utc};

pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// Xiamen's calendar day (UTC+8), not the server's.
pub fn today() -> chrono::NaiveDate {
    common::time::xiamen_today()
}

/// The Xiamen calendar day of a stored (UTC) time.
pub fn xiamen_date(utc: NaiveDateTime) -> chrono::NaiveDate {
    common::time::to_xiamen(utc).date()
}
