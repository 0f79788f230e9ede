//! The open-data files: zones, stalls, monthly figures and allocation rounds as CSV (and the
//! monthly figures as JSON for the public dashboard). Built only from tables and columns that hold
//! no personal data: no applicant, holder, phone or ID number is ever read here.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use common::open_data::{MonthlyRow, csv};
use common::{District, TradeCategory};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::app::App;
use crate::db::schema::{allocation_rounds as r, permits, stall_applications as sa, stalls, zones};
use crate::error::AppResult;

fn fmt_num(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub async fn zones_csv(app: &App) -> AppResult<String> {
    let snap = app.zone_cache.get(app).await?;
    let mut header = vec![
        "code",
        "name",
        "district_code",
        "district_name",
        "kind",
        "address",
        "lon",
        "lat",
        "categories",
        "hours",
        "stalls_total",
        "stalls_free",
    ];
    let free_cols: Vec<String> = TradeCategory::ALL.iter().map(|c| format!("free_{}", c.as_str())).collect();
    header.extend(free_cols.iter().map(String::as_str));
    header.extend(["fee_yuan_month", "valid_until"]);
    let rows = snap.zones.iter().map(|z| {
        let mut row = vec![
            z.code.clone(),
            z.name.clone(),
            z.district.code().to_string(),
            z.district.name_zh().to_string(),
            z.kind.as_str().to_string(),
            z.address.clone(),
            fmt_num(z.lon),
            fmt_num(z.lat),
            z.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("|"),
            z.hours.iter().map(|h| h.describe_zh()).collect::<Vec<_>>().join("；"),
            z.stalls_total.to_string(),
            z.stalls_free.to_string(),
        ];
        row.extend(TradeCategory::ALL.iter().map(|c| z.free_for(Some(*c)).to_string()));
        row.push(z.fee_yuan_month.to_string());
        row.push(z.valid_until.map(|d| d.to_string()).unwrap_or_default());
        row
    });
    Ok(csv(&header, rows))
}

pub async fn stalls_csv(app: &App) -> AppResult<String> {
    let rows: Vec<(String, String, String, f64, f64, String)> = app
        .db
        .run(|c| {
            Ok(stalls::table
                .inner_join(zones::table)
                .filter(zones::status.eq("active"))
                .order((zones::code.asc(), stalls::number.asc()))
                .select((
                    zones::code,
                    stalls::number,
                    stalls::category,
                    stalls::width_m,
                    stalls::depth_m,
                    stalls::state,
                ))
                .load(c)?)
        })
        .await?;
    Ok(csv(
        &["zone_code", "number", "category", "width_m", "depth_m", "state"],
        rows.into_iter().map(|(z, n, cat, w, d, s)| vec![z, n, cat, fmt_num(w), fmt_num(d), s]),
    ))
}

/// The first day of the month `back` months before `d`'s.
fn month_start(d: NaiveDate, back: i32) -> NaiveDate {
    let m = d.year() * 12 + d.month0() as i32 - back;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

/// The last 12 months (oldest first) per district.
pub async fn monthly(app: &App) -> AppResult<Vec<MonthlyRow>> {
    let today = common::time::xiamen_today();
    app.db
        .run(move |c| {
            let stall_rows: Vec<(String, i64)> = stalls::table
                .inner_join(zones::table)
                .filter(zones::status.eq("active"))
                .group_by(zones::district_code)
                .select((zones::district_code, count_star()))
                .load(c)?;
            let stalls_by: HashMap<String, i64> = stall_rows.into_iter().collect();
            let mut out = Vec::new();
            for back in (0..12).rev() {
                let start = month_start(today, back);
                let next = month_start(today, back - 1);
                let end = next.pred_opt().unwrap_or(next);
                // Xiamen midnight is 16:00 UTC the day before; stored times are UTC.
                let (from, to) = (
                    start.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8),
                    next.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8),
                );
                let apps: Vec<(Option<String>, i64)> = sa::table
                    .filter(sa::submitted_at.ge(from).and(sa::submitted_at.lt(to)))
                    .group_by(sa::district_code)
                    .select((sa::district_code, count_star()))
                    .load(c)?;
                let apps: HashMap<String, i64> = apps.into_iter().filter_map(|(d, n)| d.map(|d| (d, n))).collect();
                let valid: Vec<(String, i64)> = permits::table
                    .filter(permits::valid_from.le(end).and(permits::valid_until.ge(end)))
                    .filter(permits::created_at.lt(to))
                    .filter(permits::status.ne_all(["revoked", "surrendered"]))
                    .group_by(permits::district_code)
                    .select((permits::district_code, count_star()))
                    .load(c)?;
                let valid: HashMap<String, i64> = valid.into_iter().collect();
                for d in District::ALL {
                    out.push(MonthlyRow {
                        month: start.format("%Y-%m").to_string(),
                        district: d,
                        applications: apps.get(d.code()).copied().unwrap_or(0),
                        permits_valid: valid.get(d.code()).copied().unwrap_or(0),
                        stalls: stalls_by.get(d.code()).copied().unwrap_or(0),
                    });
                }
            }
            Ok(out)
        })
        .await
}

pub fn monthly_csv(rows: &[MonthlyRow]) -> String {
    csv(
        &["month", "district_code", "district_name", "applications", "permits_valid", "stalls", "occupancy_percent"],
        rows.iter().map(|r| {
            vec![
                r.month.clone(),
                r.district.code().to_string(),
                r.district.name_zh().to_string(),
                r.applications.to_string(),
                r.permits_valid.to_string(),
                r.stalls.to_string(),
                fmt_num(r.occupancy_percent()),
            ]
        }),
    )
}

type RoundRow = (i64, String, String, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>);

pub async fn rounds_csv(app: &App) -> AppResult<String> {
    let rows = app
        .db
        .run(|c| {
            let rounds: Vec<RoundRow> = r::table
                .filter(r::status.eq("confirmed"))
                .order(r::id.asc())
                .select((r::id, r::name, r::zone_ids, r::closed_at, r::confirmed_at))
                .load(c)?;
            let codes: HashMap<i64, String> =
                zones::table.select((zones::id, zones::code)).load(c)?.into_iter().collect();
            let ids: Vec<i64> = rounds.iter().map(|x| x.0).collect();
            let by_status: Vec<(Option<i64>, String, i64)> = sa::table
                .filter(sa::round_id.eq_any(ids))
                .group_by((sa::round_id, sa::status))
                .select((sa::round_id, sa::status, count_star()))
                .load(c)?;
            let count = |round: i64, statuses: &[&str]| -> i64 {
                by_status
                    .iter()
                    .filter(|(r, s, _)| *r == Some(round) && statuses.contains(&s.as_str()))
                    .map(|x| x.2)
                    .sum()
            };
            let fmt_t = |t: Option<chrono::NaiveDateTime>| {
                t.map(|t| common::time::to_xiamen(t).format("%Y-%m-%dT%H:%M:%S+08:00").to_string()).unwrap_or_default()
            };
            Ok(rounds
                .iter()
                .map(|(id, name, zone_ids, closed, confirmed)| {
                    let zs: Vec<i64> = serde_json::from_str(zone_ids).unwrap_or_default();
                    let placed = count(*id, &["allocated", "offered", "accepted"]);
                    let waitlisted = count(*id, &["waitlisted"]);
                    let gone = count(*id, &["declined", "expired"]);
                    vec![
                        id.to_string(),
                        name.clone(),
                        zs.iter().filter_map(|z| codes.get(z).cloned()).collect::<Vec<_>>().join("|"),
                        fmt_t(*closed),
                        fmt_t(*confirmed),
                        (placed + waitlisted + gone).to_string(),
                        placed.to_string(),
                        waitlisted.to_string(),
                        gone.to_string(),
                    ]
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(csv(
        &[
            "round_id",
            "name",
            "zones",
            "closed_at",
            "confirmed_at",
            "applicants",
            "placed",
            "waitlisted",
            "declined_or_expired",
        ],
        rows,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_back_across_years() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 17).unwrap();
        assert_eq!(month_start(d, 0), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
        assert_eq!(month_start(d, 2), NaiveDate::from_ymd_opt(2025, 12, 1).unwrap());
        assert_eq!(month_start(d, -1), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    }
}
