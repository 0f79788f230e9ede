//! Check-ins and the monthly attendance rule: a holder checks in from their phone at the stall
//! (inside the zone's outline, during its hours: the shared rule in `common`), at most once a
//! day; a month with fewer days than the pack's `min_attendance_days` opens an attendance review,
//! because a stall nobody works is a stall someone on the waiting list could.

use chrono::{Datelike, Months, NaiveDate};
use common::Text;
use common::dto::lifecycle::{CheckInInput, CheckInReceipt};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::schema::{check_ins, permit_reviews as r, permits};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::permit::Permit;
use crate::models::zone::Zone;
use crate::services::permits::find_visible;
use crate::services::policy;

/// The holder checks in at their stall.
pub async fn check_in(app: &App, actor: &Actor, permit_id: i64, input: CheckInInput) -> AppResult<CheckInReceipt> {
    let a = actor.clone();
    app.db
        .write(move |c| {
            let p = find_visible(c, &a, permit_id)?;
            if p.holder_id != a.user_id {
                return Err(AppError::NotFound);
            }
            if p.kind != "stall" || !matches!(p.effective_status(today()), "valid" | "suspended") {
                return Err(AppError::conflict(
                    "not-in-force",
                    "只有有效的摊位许可可以签到",
                    "Only a stall permit in force can check in",
                ));
            }
            let zone = Zone::find(c, p.zone_id.ok_or(AppError::NotFound)?)?;
            let t = now();
            AppError::check(common::policy::supervision::check_in_problems(
                &zone.geometry(),
                &zone.hours(),
                input.location,
                common::time::to_xiamen(t),
            ))?;
            let day = today();
            let already: i64 = check_ins::table
                .filter(check_ins::permit_id.eq(p.id).and(check_ins::day.eq(day)))
                .count()
                .get_result(c)?;
            if already == 0 {
                diesel::insert_into(check_ins::table)
                    .values((
                        check_ins::permit_id.eq(p.id),
                        check_ins::day.eq(day),
                        check_ins::at.eq(t),
                        check_ins::lon.eq(input.location[0]),
                        check_ins::lat.eq(input.location[1]),
                    ))
                    .execute(c)?;
            }
            let first = day.with_day(1).unwrap_or(day);
            let days_this_month: i64 = check_ins::table
                .filter(check_ins::permit_id.eq(p.id).and(check_ins::day.ge(first)))
                .count()
                .get_result(c)?;
            let sp = policy::current(c)?.supervision;
            Ok(CheckInReceipt {
                day,
                already: already > 0,
                days_this_month: days_this_month.max(0) as u32,
                min_attendance_days: sp.min_attendance_days,
            })
        })
        .await
}

/// Scheduled: on the first days of a month, each stall permit in force for the whole of the last
/// month with too few check-in days gets an attendance review (once per month).
pub async fn review_due(app: &App) -> AppResult<usize> {
    let first_of_this = today().with_day(1).unwrap_or_else(today);
    let last_month = first_of_this.checked_sub_months(Months::new(1)).unwrap_or(first_of_this);
    review_month(app, last_month).await
}

/// The attendance rule for one month (`month` is its first day).
pub async fn review_month(app: &App, month: NaiveDate) -> AppResult<usize> {
    app.db
        .write(move |c| {
            let sp = policy::current(c)?.supervision;
            let next = month.checked_add_months(Months::new(1)).unwrap_or(month);
            let held: Vec<Permit> = permits::table
                .filter(permits::kind.eq("stall"))
                .filter(permits::status.eq_any(["valid", "suspended"]))
                .filter(permits::valid_from.le(month))
                .filter(permits::valid_until.ge(next))
                .load(c)?;
            let label = format!("{}-{:02}", month.year(), month.month());
            let mut opened = 0;
            for p in held {
                let days: i64 = check_ins::table
                    .filter(check_ins::permit_id.eq(p.id))
                    .filter(check_ins::day.ge(month).and(check_ins::day.lt(next)))
                    .count()
                    .get_result(c)?;
                if days >= i64::from(sp.min_attendance_days) {
                    continue;
                }
                // Once per permit and month, even after the review was closed.
                let reason = Text::new(
                    format!("{label} 月签到 {days} 天，少于每月 {} 天的要求（{}）", sp.min_attendance_days, sp.attendance_source),
                    format!("{days} check-in days in {label}, fewer than the {} a month required", sp.min_attendance_days),
                );
                let seen: i64 = r::table
                    .filter(r::permit_id.eq(p.id).and(r::kind.eq("attendance")))
                    .filter(r::reason.like(format!("%{label} 月签到%")))
                    .count()
                    .get_result(c)?;
                if seen > 0 {
                    continue;
                }
                let body = Text::new(
                    format!("{}。摊位长期无人经营将转给候补摊贩；如有特殊原因，请联系区城管说明。", reason.zh),
                    format!("{}. A stall left unworked goes to someone on the waiting list; if there is a reason, tell the district office.", reason.en),
                );
                if crate::services::helpers::open_review(c, &p, "attendance", reason, Text::new("摊位出勤不足", "Too few days at the stall"), body)?.is_some() {
                    opened += 1;
                    audit::record(c, now(), None, "permit.attendance_short", "permit", &p.id.to_string(), json!({ "month": label, "days": days }))?;
                }
            }
            Ok(opened)
        })
        .await
}
