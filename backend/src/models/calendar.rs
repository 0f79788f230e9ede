//! The working-day calendar: public holidays and swapped workdays, editable by admins.

use chrono::NaiveDate;
use common::calendar::{Calendar, CalendarDay, DayKind, official_days};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::calendar_days as cd;

fn kind_str(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "holiday",
        DayKind::Workday => "workday",
    }
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<CalendarDay>> {
    let rows: Vec<(NaiveDate, String, String)> = cd::table.order(cd::day.asc()).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(date, kind, name)| CalendarDay {
            date,
            kind: if kind == "workday" { DayKind::Workday } else { DayKind::Holiday },
            name,
        })
        .collect())
}

pub fn load(conn: &mut DbConn) -> QueryResult<Calendar> {
    Ok(Calendar::new(&all(conn)?))
}

/// Sets one day (replacing any previous setting for it).
pub fn set(conn: &mut DbConn, day: &CalendarDay) -> QueryResult<()> {
    diesel::delete(cd::table.find(day.date)).execute(conn)?;
    diesel::insert_into(cd::table)
        .values((cd::day.eq(day.date), cd::kind.eq(kind_str(day.kind)), cd::name.eq(&day.name)))
        .execute(conn)?;
    Ok(())
}

pub fn remove(conn: &mut DbConn, date: NaiveDate) -> QueryResult<usize> {
    diesel::delete(cd::table.find(date)).execute(conn)
}

/// On a new database, the State Council's published schedule (the real holidays, not demo data).
pub fn seed_official_if_empty(conn: &mut DbConn) -> QueryResult<usize> {
    let n: i64 = cd::table.count().get_result(conn)?;
    if n > 0 {
        return Ok(0);
    }
    let days = official_days();
    for d in &days {
        set(conn, d)?;
    }
    Ok(days.len())
}
