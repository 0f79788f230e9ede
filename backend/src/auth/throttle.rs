//! Login throttling per account and per client address, kept in the database so that it holds
//! across server instances.
//!
//! Every attempt is written down *before* the password is checked, under a lock on the account
//! (see [`super::limits::lock_key`]), so parallel guesses see each other. After a few failures the
//! account is not locked: each further try must wait a little longer (2 s, 4 s, 8 s … at most five
//! minutes), which stops guessing without letting a stranger lock a vendor out for long.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::limits::lock_key;
use crate::db::DbConn;
use crate::db::schema::login_failures as lf;
use crate::error::AppResult;

pub const WINDOW_MINUTES: i64 = 15;
/// Failures allowed in the window before the delays start.
pub const FREE_FAILURES: i64 = 5;
/// The longest wait between tries.
pub const MAX_DELAY_SECS: i64 = 300;
pub const MAX_PER_ADDRESS: i64 = 50;

/// How long to wait after the last failure when `failures` are recent.
pub fn delay_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES { 0 } else { (1i64 << (failures - FREE_FAILURES + 1).min(20)).min(MAX_DELAY_SECS) }
}

/// Writes the attempt down (as a failure until the password proves right) and says whether it
/// may go on: `Ok(Ok(()))`, or `Ok(Err(seconds to wait))` — the attempt stays written either way,
/// so the caller must let the transaction commit before answering 429.
pub fn reserve(conn: &mut DbConn, account: &str, ip: &str, now: NaiveDateTime) -> AppResult<Result<(), u64>> {
    lock_key(conn, "login", account)?;
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let last: Vec<NaiveDateTime> = lf::table
        .filter(lf::account_key.eq(account).and(lf::at.gt(since)))
        .select(lf::at)
        .order(lf::at.desc())
        .limit(64)
        .load(conn)?;
    let by_ip: Vec<NaiveDateTime> = lf::table
        .filter(lf::client_ip.eq(ip).and(lf::at.gt(since)))
        .select(lf::at)
        .order(lf::at.asc())
        .limit(MAX_PER_ADDRESS)
        .load(conn)?;
    diesel::insert_into(lf::table)
        .values((lf::account_key.eq(account), lf::client_ip.eq(ip), lf::at.eq(now)))
        .execute(conn)?;
    // Old rows are only history; keep the table small.
    diesel::delete(lf::table.filter(lf::at.lt(now - Duration::days(1)))).execute(conn)?;

    let wait = match last.first() {
        Some(latest) => delay_after(last.len() as i64) - (now - *latest).num_seconds(),
        None => 0,
    };
    if wait > 0 {
        return Ok(Err(wait as u64));
    }
    if by_ip.len() as i64 >= MAX_PER_ADDRESS {
        let until = by_ip[0] + Duration::minutes(WINDOW_MINUTES);
        return Ok(Err((until - now).num_seconds().max(1) as u64));
    }
    Ok(Ok(()))
}

/// The password was right: the account's failures are forgotten.
pub fn clear(conn: &mut DbConn, account: &str) -> AppResult<()> {
    diesel::delete(lf::table.filter(lf::account_key.eq(account))).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_at_five_minutes() {
        let d: Vec<i64> = (0..16).map(delay_after).collect();
        assert_eq!(&d[..8], &[0, 0, 0, 0, 0, 2, 4, 8]);
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(delay_after(60), MAX_DELAY_SECS);
    }
}
