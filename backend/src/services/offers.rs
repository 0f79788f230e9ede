//! Offers of stalls: accept, decline, expiry, and passing a freed stall down the waiting list.
//!
//! Every step is a conditional update inside one transaction, so concurrent requests can never
//! give one stall two holders or one person two stalls (the database's unique indexes back this).

use chrono::Duration;
use common::Role;
use common::application::ApplicationStatus;
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::now;
use crate::db::DbConn;
use crate::db::schema::{allocation_rounds as rounds, offers, stall_applications as apps, stalls, zones};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::zone::bump_version;
use crate::services::notices::{Notice, notify_many};

/// Days a waiting-list offer stays open.
pub const WAITLIST_OFFER_DAYS: i64 = 7;

/// Hours before an offer lapses when its holder is reminded.
pub const REMINDER_HOURS: i64 = 48;

/// A moment as people read it in a text: Xiamen time, "12月8日17:00" / "8 Dec 17:00".
pub fn when_text(t: chrono::NaiveDateTime) -> (String, String) {
    let x = common::time::to_xiamen(t);
    (x.format("%-m月%-d日%H:%M").to_string(), x.format("%-d %b %H:%M").to_string())
}

/// Writes the notices of one kind about some offers; returns how many were new.
pub fn notify_offers(c: &mut DbConn, kind: &'static str, offer_ids: &[i64]) -> AppResult<usize> {
    let notices = offer_notices(c, kind, offer_ids)?;
    notify_many(c, notices)
}

/// Notices of one kind about some offers (`offer.made`, `offer.reminder`, …), their zone, stall
/// and deadline looked up in bulk (a round confirms thousands at once).
pub fn offer_notices(c: &mut DbConn, kind: &'static str, offer_ids: &[i64]) -> AppResult<Vec<Notice<'static>>> {
    use crate::db::schema::zones;
    let mut out = Vec::with_capacity(offer_ids.len());
    for ch in offer_ids.chunks(500) {
        let rows: Vec<(i64, i64, i64, chrono::NaiveDateTime, String, String)> = offers::table
            .inner_join(stalls::table.on(stalls::id.eq(offers::stall_id)))
            .inner_join(zones::table.on(zones::id.eq(stalls::zone_id)))
            .filter(offers::id.eq_any(ch))
            .select((
                offers::id,
                offers::applicant_id,
                offers::application_id,
                offers::respond_by,
                zones::name,
                stalls::number,
            ))
            .load(c)?;
        for (oid, applicant, app_id, respond_by, zone, stall) in rows {
            let (zh, en) = when_text(respond_by);
            let code = oid.to_string();
            out.push(Notice::of(
                kind,
                applicant,
                format!("application:{app_id}"),
                format!("{kind}:{oid}"),
                &[("deadline", &zh), ("zone", &zone), ("stall", &stall), ("code", &code)],
                &[("deadline", &en)],
            ));
        }
    }
    Ok(out)
}

type OfferRow = (i64, i64, i64, i64, String, chrono::NaiveDateTime);

fn load_offer(c: &mut DbConn, id: i64) -> QueryResult<Option<OfferRow>> {
    offers::table
        .find(id)
        .select((
            offers::id,
            offers::application_id,
            offers::applicant_id,
            offers::stall_id,
            offers::status,
            offers::respond_by,
        ))
        .first(c)
        .optional()
}

fn not_pending() -> AppError {
    AppError::conflict(
        "offer-closed",
        "该摊位邀约已处理或已过期",
        "This offer has already been answered or has expired",
    )
}

pub async fn accept(app: &App, actor: &Actor, offer_id: i64) -> AppResult<()> {
    actor.require(&[Role::Vendor])?;
    let uid = actor.user_id;
    app.db
        .write(move |c| {
            let (_, app_id, applicant, stall_id, status, respond_by) =
                load_offer(c, offer_id)?.ok_or(AppError::NotFound)?;
            if applicant != uid {
                return Err(AppError::NotFound);
            }
            let t = now();
            if status != "pending" {
                return Err(not_pending());
            }
            if respond_by < t {
                return Err(AppError::conflict("offer-expired", "确认期限已过", "The reply period has ended"));
            }
            let n = diesel::update(offers::table.find(offer_id).filter(offers::status.eq("pending")))
                .set((offers::status.eq("accepted"), offers::responded_at.eq(t)))
                .execute(c)?;
            if n == 0 {
                return Err(not_pending());
            }
            let n = diesel::update(
                stalls::table.find(stall_id).filter(stalls::holder_id.is_null()).filter(stalls::state.eq("reserved")),
            )
            .set((stalls::state.eq("occupied"), stalls::holder_id.eq(uid), stalls::updated_at.eq(t)))
            .execute(c)?;
            if n == 0 {
                // Rolls back the offer update too.
                return Err(AppError::conflict("stall-taken", "该摊位已不可用", "This stall is no longer available"));
            }
            diesel::update(apps::table.find(app_id))
                .set((
                    apps::status.eq(ApplicationStatus::Accepted.as_str()),
                    apps::updated_at.eq(t),
                    apps::version.eq(apps::version + 1),
                ))
                .execute(c)?;
            bump_version(c)?;
            let permit = stall_permit(c, uid, Some(app_id), stall_id)?;
            audit::record(
                c,
                t,
                Some(uid),
                "application.accepted",
                "application",
                &app_id.to_string(),
                json!({ "offer": offer_id, "stall": stall_id, "permit": permit.verify_code }),
            )?;
            notify_offers(c, "offer.accepted", &[offer_id])?;
            Ok(())
        })
        .await?;
    app.zone_cache.invalidate();
    Ok(())
}

pub async fn decline(app: &App, actor: &Actor, offer_id: i64) -> AppResult<()> {
    actor.require(&[Role::Vendor])?;
    let uid = actor.user_id;
    app.db
        .write(move |c| {
            let (_, app_id, applicant, stall_id, status, _) = load_offer(c, offer_id)?.ok_or(AppError::NotFound)?;
            if applicant != uid {
                return Err(AppError::NotFound);
            }
            if status != "pending" {
                return Err(not_pending());
            }
            close_offer(c, offer_id, app_id, stall_id, "declined", ApplicationStatus::Declined, Some(uid))
        })
        .await?;
    app.zone_cache.invalidate();
    Ok(())
}

/// Ends a pending offer and passes its stall on. Returns nothing if another request ended it first.
fn close_offer(
    c: &mut DbConn,
    offer_id: i64,
    app_id: i64,
    stall_id: i64,
    offer_status: &str,
    app_status: ApplicationStatus,
    actor: Option<i64>,
) -> AppResult<()> {
    let t = now();
    let n = diesel::update(offers::table.find(offer_id).filter(offers::status.eq("pending")))
        .set((offers::status.eq(offer_status), offers::responded_at.eq(t)))
        .execute(c)?;
    if n == 0 {
        return Err(not_pending());
    }
    diesel::update(apps::table.find(app_id))
        .set((apps::status.eq(app_status.as_str()), apps::updated_at.eq(t), apps::version.eq(apps::version + 1)))
        .execute(c)?;
    audit::record(
        c,
        t,
        actor,
        &format!("application.{}", app_status.as_str()),
        "application",
        &app_id.to_string(),
        json!({ "offer": offer_id, "stall": stall_id }),
    )?;
    let kind = if app_status == ApplicationStatus::Declined { "offer.declined" } else { "offer.lapsed" };
    notify_offers(c, kind, &[offer_id])?;
    offer_down_waitlist(c, stall_id)?;
    Ok(())
}

/// Offers a freed stall to the first person on a waiting list who wants its zone, sells its
/// category, holds no stall and has no other offer open; with nobody left, the stall is free.
/// Waiting lists are served oldest round first, each in draw order.
pub fn offer_down_waitlist(c: &mut DbConn, stall_id: i64) -> AppResult<Option<i64>> {
    let (zone_id, category, holder): (i64, String, Option<i64>) =
        stalls::table.find(stall_id).select((stalls::zone_id, stalls::category, stalls::holder_id)).get_result(c)?;
    let t = now();
    if holder.is_some() {
        return Ok(None);
    }
    // A closed or suspended zone takes nobody new: its freed stall stays free.
    let zone_status: String = zones::table.find(zone_id).select(zones::status).get_result(c)?;
    if zone_status != common::zone::ZoneStatus::Active.as_str() {
        return Ok(None);
    }
    let candidates: Vec<(i64, i64, String, Option<i64>)> = apps::table
        .inner_join(rounds::table.on(rounds::id.nullable().eq(apps::round_id)))
        .filter(apps::status.eq(ApplicationStatus::Waitlisted.as_str()))
        .filter(apps::category.eq(&category))
        .order((rounds::drawn_at.asc(), apps::draw_position.asc()))
        .select((apps::id, apps::applicant_id, apps::preferences, apps::round_id))
        .load(c)?;
    for (app_id, applicant, prefs, round_id) in candidates {
        let prefs: Vec<i64> = serde_json::from_str(&prefs).unwrap_or_default();
        if !prefs.contains(&zone_id) {
            continue;
        }
        let holds: i64 = stalls::table.filter(stalls::holder_id.eq(applicant)).count().get_result(c)?;
        let open: i64 = offers::table
            .filter(offers::applicant_id.eq(applicant).and(offers::status.eq("pending")))
            .count()
            .get_result(c)?;
        if holds > 0 || open > 0 {
            continue;
        }
        diesel::update(stalls::table.find(stall_id))
            .set((stalls::state.eq("reserved"), stalls::updated_at.eq(t)))
            .execute(c)?;
        let oid: i64 = diesel::insert_into(offers::table)
            .values((
                offers::round_id.eq(round_id),
                offers::application_id.eq(app_id),
                offers::applicant_id.eq(applicant),
                offers::stall_id.eq(stall_id),
                offers::status.eq("pending"),
                offers::offered_at.eq(t),
                offers::respond_by.eq(t + Duration::days(WAITLIST_OFFER_DAYS)),
            ))
            .returning(offers::id)
            .get_result(c)?;
        diesel::update(apps::table.find(app_id))
            .set((
                apps::status.eq(ApplicationStatus::Offered.as_str()),
                apps::updated_at.eq(t),
                apps::version.eq(apps::version + 1),
            ))
            .execute(c)?;
        audit::record(
            c,
            t,
            None,
            "application.offered",
            "application",
            &app_id.to_string(),
            json!({ "offer": oid, "stall": stall_id, "from_waitlist": true }),
        )?;
        notify_offers(c, "offer.made", &[oid])?;
        bump_version(c)?;
        return Ok(Some(oid));
    }
    diesel::update(stalls::table.find(stall_id).filter(stalls::holder_id.is_null()))
        .set((stalls::state.eq("free"), stalls::updated_at.eq(t)))
        .execute(c)?;
    bump_version(c)?;
    Ok(None)
}

/// Months a stall permit runs before it must be renewed.
pub const STALL_PERMIT_MONTHS: u32 = 12;

/// The permit an accepted stall yields: zone, stall, trade, hours, a year's validity.
pub fn stall_permit(
    c: &mut DbConn,
    holder: i64,
    app_id: Option<i64>,
    stall_id: i64,
) -> AppResult<crate::models::permit::Permit> {
    let stall = crate::models::zone::Stall::find(c, stall_id)?;
    let zone = crate::models::zone::Zone::find(c, stall.zone_id)?;
    let category = common::TradeCategory::parse(&stall.category).map(|k| k.name_zh()).unwrap_or_default();
    let hours = zone.hours().iter().map(|h| h.describe_zh()).collect::<Vec<_>>().join("；");
    let from = crate::clock::today();
    let year = from.checked_add_months(chrono::Months::new(STALL_PERMIT_MONTHS)).unwrap_or(from) - Duration::days(1);
    // A permit at a temporary meal point ends when the point does.
    let until = zone.valid_until.map_or(year, |end| year.min(end.max(from)));
    Ok(crate::models::permit::NewPermit {
        kind: "stall".into(),
        holder_id: holder,
        filing_id: None,
        application_id: app_id,
        zone_id: Some(zone.id),
        stall_id: Some(stall_id),
        district_code: zone.district_code.clone(),
        title: "摊位经营许可证".into(),
        location: format!("{}（{}）{} 号摊位", zone.name, zone.code, stall.number),
        trade: category.into(),
        hours,
        conditions: vec![
            "在指定摊位和营业时段内经营，不得超出摊位范围".into(),
            "落实摊前三包，摊走地净，不占用盲道和消防通道".into(),
            "不得转租、转让摊位".into(),
            format!("摊位尺寸 {} 米 × {} 米", stall.width_m, stall.depth_m),
        ],
        geometry: zone.geometry().into_iter().next(),
        valid_from: from,
        valid_until: until,
    }
    .insert(c, now())?)
}

/// Scheduled: pending offers past their reply date expire and move down the waiting list.
pub async fn expire_due(app: &App) -> AppResult<usize> {
    let due: Vec<(i64, i64, i64)> = app
        .db
        .run(|c| {
            Ok(offers::table
                .filter(offers::status.eq("pending").and(offers::respond_by.lt(now())))
                .select((offers::id, offers::application_id, offers::stall_id))
                .load(c)?)
        })
        .await?;
    let mut n = 0;
    for (oid, app_id, stall_id) in due {
        let r = app
            .db
            .write(move |c| close_offer(c, oid, app_id, stall_id, "expired", ApplicationStatus::Expired, None))
            .await;
        match r {
            Ok(()) => n += 1,
            Err(AppError::Conflict { .. }) => {} // another instance got there first
            Err(e) => return Err(e),
        }
    }
    if n > 0 {
        app.zone_cache.invalidate();
    }
    Ok(n)
}

/// Scheduled: holders of offers that lapse within two days are reminded once, by text.
pub async fn remind_due(app: &App) -> AppResult<usize> {
    app.db
        .write(|c| {
            let t = now();
            let due: Vec<i64> = offers::table
                .filter(offers::status.eq("pending"))
                .filter(offers::respond_by.gt(t).and(offers::respond_by.le(t + Duration::hours(REMINDER_HOURS))))
                .select(offers::id)
                .load(c)?;
            // The dedupe key keeps it to one reminder per offer, however often this runs.
            notify_offers(c, "offer.reminder", &due)
        })
        .await
}
