//! Xiamen local time (UTC+8, no daylight saving). Rules that depend on "today" use this, in the
//! browser and on the server alike.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

pub const UTC_OFFSET_HOURS: i64 = 8;

pub fn xiamen_now() -> NaiveDateTime {
    (Utc::now() + chrono::Duration::hours(UTC_OFFSET_HOURS)).naive_utc()
}

pub fn xiamen_today() -> NaiveDate {
    xiamen_now().date()
}

/// Local wall-clock time of a stored UTC timestamp.
pub fn to_xiamen(utc: NaiveDateTime) -> NaiveDateTime {
    utc + chrono::Duration::hours(UTC_OFFSET_HOURS)
}

/// Weekday 1 (Mon) … 7 (Sun) and minute of day, for opening-hour checks.
pub fn weekday_minute(local: NaiveDateTime) -> (u8, u32) {
    (local.weekday().number_from_monday() as u8, local.hour() * 60 + local.minute())
}
