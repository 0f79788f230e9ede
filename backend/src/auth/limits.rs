//! Limits on actions anyone can take without proving much (registering, asking for a code,
//! reporting anonymously, uploading a photo), counted in the database so that they hold across
//! server instances.
//!
//! Each limited action is one row in `rate_events`; a limit is a number of rows per key (an
//! address, a phone, an account) in a sliding window. Taking a place is atomic: SQLite writers
//! already hold the write lock (see `db::write_tx`), PostgreSQL takes a transaction-scoped
//! advisory lock on the bucket and key, so parallel requests cannot all see room for one more.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::rate_events as re;
use crate::error::{AppError, AppResult};

/// How many of an action one key may take in a window.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bucket: &'static str,
    pub max: i64,
    pub window: Duration,
}

impl Limit {
    pub const fn per_hour(bucket: &'static str, max: i64) -> Limit {
        Limit { bucket, max, window: Duration::hours(1) }
    }
}

/// Registrations from one address an hour (a counter or a family shares an address).
pub const REGISTER_PER_ADDRESS: Limit = Limit::per_hour("register.address", 20);
/// Password resets asked from one address an hour.
pub const RESET_PER_ADDRESS: Limit = Limit::per_hour("reset.address", 20);
/// Anonymous public reports from one address an hour (signed-in reports are not limited here).
pub const REPORT_PER_ADDRESS: Limit = Limit::per_hour("report.address", 10);
/// Open311 service requests from one address an hour.
pub const OPEN311_PER_ADDRESS: Limit = Limit::per_hour("open311.address", 10);
/// Photo and document uploads by one account an hour.
pub const UPLOAD_PER_ACCOUNT: Limit = Limit::per_hour("upload.account", 60);
/// Photos attached to one public report.
pub const UPLOAD_PER_REPORT: Limit = Limit { bucket: "upload.report", max: 6, window: Duration::days(30) };

/// Serialises takers of one bucket and key on PostgreSQL (SQLite's write lock already does).
pub fn lock_key(conn: &mut DbConn, bucket: &str, key: &str) -> QueryResult<()> {
    if let crate::db::DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("{bucket}:{key}"))
            .execute(pg)?;
    }
    Ok(())
}

/// Seconds until the oldest counted event leaves the window.
fn retry_after(oldest: Option<NaiveDateTime>, window: Duration, now: NaiveDateTime) -> u64 {
    let until = oldest.map(|t| t + window).unwrap_or(now);
    (until - now).num_seconds().max(1) as u64
}

/// Takes one place under `limit` for `key`, or answers 429 with how long to wait. Call inside a
/// write transaction (`Db::write`) so that the place is taken with the action.
pub fn take(conn: &mut DbConn, limit: Limit, key: &str, now: NaiveDateTime) -> AppResult<()> {
    lock_key(conn, limit.bucket, key)?;
    let since = now - limit.window;
    let mine = re::table.filter(re::bucket.eq(limit.bucket).and(re::key.eq(key)));
    let counted: Vec<NaiveDateTime> =
        mine.filter(re::at.gt(since)).select(re::at).order(re::at.asc()).limit(limit.max).load(conn)?;
    if counted.len() as i64 >= limit.max {
        return Err(AppError::TooManyRequests {
            retry_after_secs: retry_after(counted.first().copied(), limit.window, now),
        });
    }
    diesel::insert_into(re::table)
        .values((re::bucket.eq(limit.bucket), re::key.eq(key), re::at.eq(now)))
        .execute(conn)?;
    // Events older than the window count for nothing; keep the table small.
    diesel::delete(re::table.filter(re::bucket.eq(limit.bucket).and(re::key.eq(key)).and(re::at.le(since))))
        .execute(conn)?;
    Ok(())
}
