//! Login throttling per account and per client address, kept in the database so that it holds
//! across server instances.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_failures as lf;
use crate::error::{AppError, AppResult};

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 50;

fn retry_after(oldest: Option<NaiveDateTime>, now: NaiveDateTime) -> u64 {
    let until = oldest.map(|t| t + Duration::minutes(WINDOW_MINUTES)).unwrap_or(now);
    (until - now).num_seconds().max(1) as u64
}

/// Refuses when too many recent failures were recorded for the account or the address.
pub fn check(conn: &mut DbConn, account: &str, ip: &str, now: NaiveDateTime) -> AppResult<()> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let by_account: Vec<NaiveDateTime> = lf::table
        .filter(lf::account_key.eq(account).and(lf::at.gt(since)))
        .select(lf::at)
        .order(lf::at.asc())
        .load(conn)?;
    if by_account.len() as i64 >= MAX_PER_ACCOUNT {
        return Err(AppError::TooManyRequests { retry_after_secs: retry_after(by_account.first().copied(), now) });
    }
    let by_ip: i64 = lf::table.filter(lf::client_ip.eq(ip).and(lf::at.gt(since))).count().get_result(conn)?;
    if by_ip >= MAX_PER_ADDRESS {
        let oldest: Option<NaiveDateTime> = lf::table
            .filter(lf::client_ip.eq(ip).and(lf::at.gt(since)))
            .select(diesel::dsl::min(lf::at))
            .first(conn)?;
        return Err(AppError::TooManyRequests { retry_after_secs: retry_after(oldest, now) });
    }
    Ok(())
}

pub fn record_failure(conn: &mut DbConn, account: &str, ip: &str, now: NaiveDateTime) -> AppResult<()> {
    diesel::insert_into(lf::table)
        .values((lf::account_key.eq(account), lf::client_ip.eq(ip), lf::at.eq(now)))
        .execute(conn)?;
    // Old rows are only history; keep the table small.
    diesel::delete(lf::table.filter(lf::at.lt(now - Duration::days(1)))).execute(conn)?;
    Ok(())
}

pub fn clear(conn: &mut DbConn, account: &str) -> AppResult<()> {
    diesel::delete(lf::table.filter(lf::account_key.eq(account))).execute(conn)?;
    Ok(())
}
