//! Permits after issue: the holder's and officers' view with the points ledger, standing
//! (suspension and revocation proposals follow from the ledger), renewal, surrender, transfer to a
//! family member, revocation by an admin, and the scheduled expiry and renewal reminders.

use chrono::{Months, NaiveDate};
use common::dto::lifecycle::{AppealView, InspectionView, PermitSummaryRow, PermitView, TransferView, ViolationView};
use common::policy::PolicyPack;
use common::policy::supervision::{LedgerEntry, SupervisionParams, ViolationStatus};
use common::{District, Role, Text, mask};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{
    appeals, inspections, permit_transfers as tr, permits, shop_filings, stalls, users, violations,
};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::permit::Permit;
use crate::services::notices::{self, Notice, notify};
use crate::services::{offers, policy};

/// Permits the actor may see: holders their own, officers their district's, admins all.
pub fn visible(actor: &Actor) -> permits::BoxedQuery<'static, crate::db::MultiBackend> {
    let q = permits::table.into_boxed();
    match (actor.role, actor.district) {
        (Role::CityAdmin, _) => q,
        (Role::DistrictOfficer, Some(d)) => q.filter(permits::district_code.eq(d.code())),
        _ => q.filter(permits::holder_id.eq(actor.user_id)),
    }
}

pub fn find_visible(c: &mut DbConn, actor: &Actor, id: i64) -> AppResult<Permit> {
    Ok(visible(actor).filter(permits::id.eq(id)).first(c)?)
}

#[derive(Debug, Clone, Queryable)]
pub struct Violation {
    pub id: i64,
    pub permit_id: i64,
    pub inspection_id: i64,
    pub code: String,
    pub points: i32,
    pub waived: bool,
    pub status: String,
    pub appeal_until: NaiveDate,
    pub lapses_on: NaiveDate,
    pub district_code: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Violation {
    pub fn status(&self) -> ViolationStatus {
        ViolationStatus::parse(&self.status).unwrap_or(ViolationStatus::Active)
    }

    pub fn entry(&self) -> LedgerEntry {
        LedgerEntry {
            code: self.code.clone(),
            points: self.points.max(0) as u32,
            waived: self.waived,
            status: self.status(),
        }
    }
}

pub fn ledger(c: &mut DbConn, permit_id: i64) -> QueryResult<Vec<Violation>> {
    violations::table.filter(violations::permit_id.eq(permit_id)).order(violations::id.asc()).load(c)
}

/// A notice to the permit's holder about their permit (`kind` from the notice table).
pub(crate) fn holder_notice(p: &Permit, kind: &'static str, title: Text, body: Text, key: String) -> Notice<'static> {
    Notice {
        user_id: p.holder_id,
        kind,
        title,
        body,
        link: format!("/permits/{}", p.id),
        dedupe_key: key,
        subject: format!("permit:{}", p.id),
    }
}

/// Brings the permit's status in line with its ledger: suspends at the threshold, lifts a
/// points suspension when the points fall below it, and raises or drops a revocation proposal.
/// Each change is audited and notified once.
pub fn apply_standing(c: &mut DbConn, permit_id: i64, params: &SupervisionParams) -> AppResult<()> {
    let p = Permit::find(c, permit_id)?;
    let entries: Vec<LedgerEntry> = ledger(c, permit_id)?.iter().map(Violation::entry).collect();
    let s = params.standing(&entries);
    let t = now();
    if s.suspend && p.status == "valid" {
        let n = diesel::update(permits::table.find(p.id).filter(permits::status.eq("valid")))
            .set((
                permits::status.eq("suspended"),
                permits::status_reason.eq("points"),
                permits::updated_at.eq(t),
                permits::version.eq(permits::version + 1),
            ))
            .execute(c)?;
        if n == 1 {
            audit::record(
                c,
                t,
                None,
                "permit.suspended",
                "permit",
                &p.id.to_string(),
                json!({ "points": s.points, "reason": format!("累计 {} 分，达到暂停线 {} 分", s.points, params.suspend_at_points) }),
            )?;
            notify(
                c,
                holder_notice(
                    &p,
                    "permit.suspended",
                    Text::new("许可已暂停", "Permit suspended"),
                    Text::new(
                        format!(
                            "{}累计扣分 {} 分，达到 {} 分，许可暂停。可对违规记录提出申诉。",
                            p.title, s.points, params.suspend_at_points
                        ),
                        format!(
                            "{} has {} points, at the {}-point line; the permit is suspended. You may appeal a violation.",
                            p.title, s.points, params.suspend_at_points
                        ),
                    ),
                    format!("permit.suspended:{}:v{}", p.id, p.version),
                ),
            )?;
        }
    } else if !s.suspend && p.status == "suspended" && p.status_reason == "points" {
        let n = diesel::update(permits::table.find(p.id).filter(permits::status.eq("suspended")))
            .set((
                permits::status.eq("valid"),
                permits::status_reason.eq(""),
                permits::updated_at.eq(t),
                permits::version.eq(permits::version + 1),
            ))
            .execute(c)?;
        if n == 1 {
            audit::record(c, t, None, "permit.reinstated", "permit", &p.id.to_string(), json!({ "points": s.points }))?;
            notify(
                c,
                holder_notice(
                    &p,
                    "permit.reinstated",
                    Text::new("许可已恢复", "Permit reinstated"),
                    Text::new(
                        format!("{}当前计分 {} 分，低于暂停线，许可恢复有效。", p.title, s.points),
                        format!("{} now has {} points, below the line; the permit is valid again.", p.title, s.points),
                    ),
                    format!("permit.reinstated:{}:v{}", p.id, p.version),
                ),
            )?;
        }
    }
    if s.propose_revocation != p.revocation_proposed {
        let n =
            diesel::update(permits::table.find(p.id).filter(permits::revocation_proposed.eq(p.revocation_proposed)))
                .set(permits::revocation_proposed.eq(s.propose_revocation))
                .execute(c)?;
        if n == 1 {
            let action =
                if s.propose_revocation { "permit.revocation_proposed" } else { "permit.revocation_proposal_lapsed" };
            audit::record(c, t, None, action, "permit", &p.id.to_string(), json!({ "points": s.points }))?;
        }
    }
    Ok(())
}

/// Frees a stall whose permit ended and offers it down the waiting list.
fn release_stall(c: &mut DbConn, p: &Permit) -> AppResult<()> {
    if let Some(stall) = p.stall_id {
        let t = now();
        let n = diesel::update(stalls::table.find(stall).filter(stalls::holder_id.eq(p.holder_id)))
            .set((stalls::holder_id.eq(None::<i64>), stalls::state.eq("free"), stalls::updated_at.eq(t)))
            .execute(c)?;
        if n == 1 {
            offers::offer_down_waitlist(c, stall)?;
        }
    }
    Ok(())
}

/// Ends a permit (revoked, surrendered or expired) if it is still in force; true when it did.
fn end_permit(c: &mut DbConn, p: &Permit, status: &str, reason: &str, actor: Option<i64>) -> AppResult<bool> {
    let t = now();
    let n = diesel::update(permits::table.find(p.id).filter(permits::status.eq_any(["valid", "suspended"])))
        .set((
            permits::status.eq(status),
            permits::status_reason.eq(reason),
            permits::revocation_proposed.eq(false),
            permits::updated_at.eq(t),
            permits::version.eq(permits::version + 1),
        ))
        .execute(c)?;
    if n == 0 {
        return Ok(false);
    }
    if let Some(f) = p.filing_id {
        let filing_status = if status == "revoked" { "revoked" } else { "withdrawn" };
        if status != "expired" {
            diesel::update(shop_filings::table.find(f).filter(shop_filings::status.eq_any(["filed", "approved"])))
                .set((shop_filings::status.eq(filing_status), shop_filings::updated_at.eq(t)))
                .execute(c)?;
        }
    }
    release_stall(c, p)?;
    crate::models::zone::bump_version(c)?;
    audit::record(c, t, actor, &format!("permit.{status}"), "permit", &p.id.to_string(), json!({ "reason": reason }))?;
    Ok(true)
}

/// The last day of the permit's zone, when the zone has one (temporary meal points).
fn zone_end(c: &mut DbConn, p: &Permit) -> AppResult<Option<NaiveDate>> {
    use crate::db::schema::zones;
    Ok(match p.zone_id {
        Some(z) => zones::table.find(z).select(zones::valid_until).first::<Option<NaiveDate>>(c).optional()?.flatten(),
        None => None,
    })
}

/// How many nearby zones a holder whose zone closed is pointed to.
const NEARBY_ZONES: usize = 3;

/// Ends every stall permit of a zone that closed (by an admin, or a temporary meal point at its
/// end date). The stalls are freed but not offered down a waiting list (offers skip zones that
/// are not active), and each holder is told, with the nearest open zones that have a free stall
/// of their trade. Returns how many permits ended.
pub fn end_zone_permits(c: &mut DbConn, zone_id: i64, reason: &Text, actor: Option<i64>) -> AppResult<usize> {
    let zone = crate::models::zone::Zone::find(c, zone_id)?;
    let held: Vec<Permit> = permits::table
        .filter(permits::zone_id.eq(zone_id))
        .filter(permits::kind.eq("stall"))
        .filter(permits::status.eq_any(["valid", "suspended"]))
        .load(c)?;
    let mut ended = 0;
    for p in held {
        let category: Option<String> = match p.stall_id {
            Some(s) => stalls::table.find(s).select(stalls::category).first(c).optional()?,
            None => None,
        };
        if !end_permit(c, &p, "ended", &reason.zh, actor)? {
            continue;
        }
        ended += 1;
        let nearby = match &category {
            Some(cat) => nearest_free(c, [zone.lon, zone.lat], cat, zone_id)?,
            None => Vec::new(),
        };
        let (list_zh, list_en) = if nearby.is_empty() {
            (
                "目前附近没有该品类的空摊位，可在地图上查看后续开放的摊规点。".to_string(),
                "No nearby zone has a free stall of your trade now; watch the map for new ones.".to_string(),
            )
        } else {
            let zh = nearby
                .iter()
                .map(|(n, code, m)| format!("{n}（{code}，约 {:.1} 公里）", m / 1000.0))
                .collect::<Vec<_>>();
            let en = nearby
                .iter()
                .map(|(n, code, m)| format!("{n} ({code}, about {:.1} km)", m / 1000.0))
                .collect::<Vec<_>>();
            (
                format!("附近有同品类空摊位的摊规点：{}。", zh.join("、")),
                format!("Nearby zones with a free stall of your trade: {}.", en.join("; ")),
            )
        };
        notify(
            c,
            holder_notice(
                &p,
                "permit.ended",
                Text::new("许可已终止", "Permit ended"),
                Text::new(
                    format!(
                        "{}（{}）已关闭：{}。您的摊位经营许可随之终止，摊位已收回。{list_zh}",
                        zone.name, zone.code, reason.zh
                    ),
                    format!(
                        "{} ({}) has closed: {}. Your stall permit ends with it and the stall is released. {list_en}",
                        zone.name, zone.code, reason.en
                    ),
                ),
                format!("permit.ended:{}", p.id),
            ),
        )?;
    }
    Ok(ended)
}

/// The nearest active zones (other than `except`) with a free stall of `category`: name, code
/// and straight-line distance in metres, nearest first.
fn nearest_free(c: &mut DbConn, from: [f64; 2], category: &str, except: i64) -> AppResult<Vec<(String, String, f64)>> {
    use crate::db::schema::zones;
    let rows: Vec<(i64, String, String, f64, f64)> = zones::table
        .inner_join(stalls::table)
        .filter(stalls::state.eq("free"))
        .filter(stalls::category.eq(category))
        .filter(zones::status.eq(common::zone::ZoneStatus::Active.as_str()))
        .filter(zones::id.ne(except))
        .select((zones::id, zones::name, zones::code, zones::lon, zones::lat))
        .distinct()
        .load(c)?;
    let mut near: Vec<(String, String, f64)> = rows
        .into_iter()
        .map(|(_, name, code, lon, lat)| {
            let d = common::geo::haversine_m(from, [lon, lat]);
            (name, code, d)
        })
        .collect();
    near.sort_by(|a, b| a.2.total_cmp(&b.2));
    near.truncate(NEARBY_ZONES);
    Ok(near)
}

pub(crate) fn params(c: &mut DbConn) -> AppResult<(PolicyPack, SupervisionParams)> {
    let pack = policy::current(c)?;
    let s = pack.supervision.clone();
    Ok((pack, s))
}

/// The permit page: everything the holder or an officer needs, with what the holder may do now.
pub fn build_view(c: &mut DbConn, actor: &Actor, id: i64) -> AppResult<PermitView> {
    let p = find_visible(c, actor, id)?;
    let (_, sp) = params(c)?;
    let holder: String = users::table.find(p.holder_id).select(users::display_name).get_result(c)?;
    let rows = ledger(c, p.id)?;
    let entries: Vec<LedgerEntry> = rows.iter().map(Violation::entry).collect();
    let standing = sp.standing(&entries);
    let inspection_rows: Vec<(i64, chrono::NaiveDateTime, String, String, String, String)> = inspections::table
        .filter(inspections::permit_id.eq(p.id))
        .order(inspections::id.desc())
        .select((
            inspections::id,
            inspections::created_at,
            inspections::result,
            inspections::checklist,
            inspections::notes,
            inspections::evidence_ids,
        ))
        .load(c)?;
    type AppealRow =
        (i64, i64, String, String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>, Option<NaiveDate>);
    let appeal_rows: Vec<AppealRow> = appeals::table
        .filter(appeals::violation_id.eq_any(rows.iter().map(|v| v.id).collect::<Vec<_>>()))
        .select((
            appeals::id,
            appeals::violation_id,
            appeals::reason,
            appeals::status,
            appeals::decision_note,
            appeals::created_at,
            appeals::decided_at,
            appeals::decide_by,
        ))
        .load(c)?;
    let t = today();
    let is_holder = p.holder_id == actor.user_id;
    let ledger_views = rows
        .iter()
        .rev()
        .map(|v| {
            let ins = inspection_rows.iter().find(|i| i.0 == v.inspection_id);
            let appeal = appeal_rows.iter().find(|a| a.1 == v.id).map(|a| AppealView {
                id: a.0,
                reason: a.2.clone(),
                status: a.3.clone(),
                decision_note: a.4.clone(),
                created_at: a.5,
                decided_at: a.6,
                decide_by: a.7,
            });
            ViolationView {
                id: v.id,
                code: v.code.clone(),
                title: sp
                    .violation(&v.code)
                    .map(|x| x.title.clone())
                    .unwrap_or_else(|| Text::new(v.code.clone(), v.code.clone())),
                points: v.points.max(0) as u32,
                waived: v.waived,
                status: v.status(),
                recorded_on: v.created_at.date(),
                appeal_until: v.appeal_until,
                lapses_on: v.lapses_on,
                inspection_id: v.inspection_id,
                evidence_ids: ins.map(|i| serde_json::from_str(&i.5).unwrap_or_default()).unwrap_or_default(),
                notes: ins.map(|i| i.4.clone()).unwrap_or_default(),
                can_appeal: is_holder
                    && appeal.is_none()
                    && v.status() == ViolationStatus::Active
                    && !v.waived
                    && t <= v.appeal_until,
                appeal,
            }
        })
        .collect();
    let inspections_view = inspection_rows
        .iter()
        .map(|(iid, at, result, checklist, notes, ev)| InspectionView {
            id: *iid,
            at: *at,
            result: result.clone(),
            checklist: serde_json::from_str(checklist).unwrap_or_default(),
            notes: notes.clone(),
            evidence_ids: serde_json::from_str(ev).unwrap_or_default(),
            violations: rows.iter().filter(|v| v.inspection_id == *iid).map(|v| v.code.clone()).collect(),
        })
        .collect();
    let transfer = tr::table
        .filter(tr::permit_id.eq(p.id))
        .order(tr::id.desc())
        .select((tr::id, tr::to_id, tr::relation, tr::status, tr::note, tr::created_at))
        .first::<(i64, i64, String, String, String, chrono::NaiveDateTime)>(c)
        .optional()?;
    let transfer = match transfer {
        Some((tid, to, relation, status, note, created_at)) => {
            let to_name: String = users::table.find(to).select(users::display_name).get_result(c)?;
            Some(TransferView { id: tid, to: mask::name(&to_name), relation, status, note, created_at })
        }
        None => None,
    };
    let status = p.effective_status(t).to_string();
    let in_force = status == "valid" || status == "suspended";
    let helpers = crate::services::helpers::views(c, p.id)?;
    let days_left = (p.valid_until - t).num_days();
    Ok(PermitView {
        id: p.id,
        kind: p.kind.clone(),
        can_renew: is_holder
            && p.kind == "stall"
            && status == "valid"
            && days_left <= i64::from(sp.renewal_reminder_days),
        can_surrender: is_holder && in_force,
        can_transfer: is_holder
            && p.kind == "stall"
            && status == "valid"
            && transfer.as_ref().is_none_or(|x| x.status != "pending"),
        status,
        status_reason: p.status_reason.clone(),
        verify_code: p.verify_code.clone(),
        holder,
        title: p.title.clone(),
        location: p.location.clone(),
        trade: p.trade.clone(),
        hours: p.hours.clone(),
        district: District::from_code(&p.district_code).unwrap_or(District::Siming),
        zone_id: p.zone_id,
        stall_id: p.stall_id,
        filing_id: p.filing_id,
        valid_from: p.valid_from,
        valid_until: p.valid_until,
        conditions: p.conditions(),
        standing,
        suspend_at_points: sp.suspend_at_points,
        revocation_proposed: p.revocation_proposed,
        ledger: ledger_views,
        inspections: inspections_view,
        can_add_helper: is_holder
            && p.kind == "stall"
            && in_force
            && helpers.iter().filter(|h| h.status == "pending" || h.status == "approved").count()
                < sp.max_helpers as usize,
        helpers,
        helper_relations: sp.helper_relations.clone(),
        succession_relations: sp.succession_relations.clone(),
        reviews: crate::services::helpers::reviews(c, p.id)?,
        transfer,
        history: audit::case_events(c, "permit", p.id)?,
        notices: notices::for_subject(c, &format!("permit:{}", p.id), None)?,
        version: p.version,
        verify_qr_svg: String::new(),
    })
}

pub async fn view(app: &App, actor: &Actor, id: i64) -> AppResult<PermitView> {
    let a = actor.clone();
    app.db.run(move |c| build_view(c, &a, id)).await
}

/// A permit found by the code on its certificate, for an officer on site: the whole view
/// (holder, place, validity, points). Officers find only their district's; anything else is a
/// 404 like an unknown code, so codes of other districts cannot be probed.
pub async fn view_by_code(app: &App, actor: &Actor, code: String) -> AppResult<PermitView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 20 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::field(
            "code",
            "malformed",
            "核验码是凭证上二维码下方的 20 位字母和数字",
            "The code is the 20 letters and digits under the QR code on the certificate",
        ));
    }
    let a = actor.clone();
    app.db
        .run(move |c| {
            let p = crate::services::inspections::permit_by_code(c, &a, &code)?;
            build_view(c, &a, p.id)
        })
        .await
}

/// The signed-in holder's permits, newest first.
pub async fn mine(app: &App, actor: &Actor) -> AppResult<Vec<PermitView>> {
    let a = actor.clone();
    app.db
        .run(move |c| {
            let ids: Vec<i64> = permits::table
                .filter(permits::holder_id.eq(a.user_id))
                .order(permits::id.desc())
                .select(permits::id)
                .load(c)?;
            ids.into_iter().map(|id| build_view(c, &a, id)).collect()
        })
        .await
}

pub(crate) fn not_holder() -> AppError {
    AppError::NotFound
}

/// Extends a stall permit by the pack's renewal period (from its end, or today if later).
pub async fn renew(app: &App, actor: &Actor, id: i64) -> AppResult<PermitView> {
    let a = actor.clone();
    app.db
        .write(move |c| {
            let v = build_view(c, &a, id)?;
            if v.kind != "stall" || a.user_id != Permit::find(c, id)?.holder_id {
                return Err(not_holder());
            }
            if !v.can_renew {
                return Err(AppError::conflict(
                    "not-renewable",
                    "该许可现在不能续期（须有效且在到期前的续期窗口内）",
                    "This permit cannot be renewed now (it must be valid and within the renewal window)",
                ));
            }
            let (_, sp) = params(c)?;
            let from = v.valid_until.max(today());
            let mut until = from.checked_add_months(Months::new(sp.renewal_months)).unwrap_or(from);
            // A permit never outlives its zone (temporary meal points end on a set day).
            let held = Permit::find(c, id)?;
            if let Some(zone_end) = zone_end(c, &held)? {
                if zone_end <= v.valid_until {
                    return Err(AppError::conflict(
                        "zone-ends",
                        "该摊规点在许可到期前即结束，不能续期",
                        "The zone ends before this permit does, so it cannot be renewed",
                    ));
                }
                until = until.min(zone_end);
            }
            let t = now();
            let n = diesel::update(permits::table.find(id).filter(permits::version.eq(v.version)))
                .set((
                    permits::valid_until.eq(until),
                    permits::reminded_on.eq(None::<NaiveDate>),
                    permits::updated_at.eq(t),
                    permits::version.eq(permits::version + 1),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "changed",
                    "许可刚被修改，请刷新后重试",
                    "The permit just changed; reload and try again",
                ));
            }
            audit::record(
                c,
                t,
                Some(a.user_id),
                "permit.renewed",
                "permit",
                &id.to_string(),
                json!({ "from": v.valid_until, "until": until }),
            )?;
            let p = Permit::find(c, id)?;
            notify(
                c,
                holder_notice(
                    &p,
                    "permit.renewed",
                    Text::new("许可已续期", "Permit renewed"),
                    Text::new(
                        format!("{}有效期延至 {until}。", p.title),
                        format!("{} now runs until {until}.", p.title),
                    ),
                    format!("permit.renewed:{id}:{until}"),
                ),
            )?;
            build_view(c, &a, id)
        })
        .await
}

/// The holder gives the permit up; a stall goes down the waiting list.
pub async fn surrender(app: &App, actor: &Actor, id: i64, reason: String) -> AppResult<PermitView> {
    let mut e = common::validate::Errors::new();
    if reason.chars().count() > 500 {
        e.add("reason", "too_long", "原因最多 500 字", "Reason: at most 500 characters");
    }
    AppError::check(e.0)?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let p = find_visible(c, &a, id)?;
            if p.holder_id != a.user_id {
                return Err(not_holder());
            }
            if !end_permit(c, &p, "surrendered", reason.trim(), Some(a.user_id))? {
                return Err(AppError::conflict(
                    "not-in-force",
                    "该许可已不在有效期内",
                    "This permit is no longer in force",
                ));
            }
            build_view(c, &a, id)
        })
        .await
}

/// An admin revokes (after a proposal or an officer's report); the reason is shown publicly as
/// the status only, and to the holder in full.
pub async fn revoke(app: &App, actor: &Actor, id: i64, reason: String) -> AppResult<PermitView> {
    actor.require(&[Role::CityAdmin])?;
    let mut e = common::validate::Errors::new();
    e.text("reason", "撤销原因", "Reason", &reason, 500);
    AppError::check(e.0)?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let p = find_visible(c, &a, id)?;
            if !end_permit(c, &p, "revoked", reason.trim(), Some(a.user_id))? {
                return Err(AppError::conflict(
                    "not-in-force",
                    "该许可已不在有效期内",
                    "This permit is no longer in force",
                ));
            }
            notify(
                c,
                holder_notice(
                    &p,
                    "permit.revoked",
                    Text::new("许可已撤销", "Permit revoked"),
                    Text::new(
                        format!("{}已被撤销：{}", p.title, reason.trim()),
                        format!("{} was revoked: {}", p.title, reason.trim()),
                    ),
                    format!("permit.revoked:{id}"),
                ),
            )?;
            build_view(c, &a, id)
        })
        .await
}

/// An admin keeps the permit despite the proposal (the points still count).
pub async fn dismiss_proposal(app: &App, actor: &Actor, id: i64, note: String) -> AppResult<PermitView> {
    actor.require(&[Role::CityAdmin])?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            find_visible(c, &a, id)?;
            let n = diesel::update(permits::table.find(id).filter(permits::revocation_proposed.eq(true)))
                .set(permits::revocation_proposed.eq(false))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "no-proposal",
                    "该许可没有待处理的撤销建议",
                    "There is no revocation proposal on this permit",
                ));
            }
            audit::record(
                c,
                now(),
                Some(a.user_id),
                "permit.revocation_dismissed",
                "permit",
                &id.to_string(),
                json!({ "reason": note.trim() }),
            )?;
            build_view(c, &a, id)
        })
        .await
}

/// Rows for staff lists (revocation proposals, search).
pub fn summary_rows(c: &mut DbConn, rows: Vec<Permit>, sp: &SupervisionParams) -> AppResult<Vec<PermitSummaryRow>> {
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let holder: String = users::table.find(p.holder_id).select(users::display_name).get_result(c)?;
        let entries: Vec<LedgerEntry> = ledger(c, p.id)?.iter().map(Violation::entry).collect();
        out.push(PermitSummaryRow {
            id: p.id,
            kind: p.kind.clone(),
            status: p.effective_status(today()).to_string(),
            holder: mask::name(&holder),
            title: p.title.clone(),
            location: p.location.clone(),
            valid_until: p.valid_until,
            points: sp.standing(&entries).points,
        });
    }
    Ok(out)
}

/// Scheduled: permits past their last day expire; stalls go down the waiting list.
pub async fn expire_due(app: &App) -> AppResult<usize> {
    app.db
        .write(|c| {
            let due: Vec<Permit> = permits::table
                .filter(permits::status.eq_any(["valid", "suspended"]))
                .filter(permits::valid_until.lt(today()))
                .load(c)?;
            let mut n = 0;
            for p in due {
                if end_permit(c, &p, "expired", "", None)? {
                    n += 1;
                    notify(
                        c,
                        holder_notice(
                            &p,
                            "permit.expired",
                            Text::new("许可已到期", "Permit expired"),
                            Text::new(
                                format!("{}已于 {} 到期。", p.title, p.valid_until),
                                format!("{} ended on {}.", p.title, p.valid_until),
                            ),
                            format!("permit.expired:{}:{}", p.id, p.valid_until),
                        ),
                    )?;
                }
            }
            Ok(n)
        })
        .await
}

/// Scheduled: a reminder once per validity period, the pack's number of days before the end.
pub async fn remind_due(app: &App) -> AppResult<usize> {
    app.db
        .write(|c| {
            let (_, sp) = params(c)?;
            let t = today();
            let horizon = t.checked_add_days(chrono::Days::new(sp.renewal_reminder_days.into())).unwrap_or(t);
            let due: Vec<Permit> = permits::table
                .filter(permits::status.eq("valid"))
                .filter(permits::reminded_on.is_null())
                .filter(permits::valid_until.le(horizon).and(permits::valid_until.ge(t)))
                .load(c)?;
            let mut n = 0;
            for p in due {
                let claimed = diesel::update(permits::table.find(p.id).filter(permits::reminded_on.is_null()))
                    .set(permits::reminded_on.eq(t))
                    .execute(c)?;
                if claimed == 0 {
                    continue;
                }
                let (zh, en) = if p.kind == "stall" {
                    ("请在到期前在线续期。", "Renew online before it ends.")
                } else {
                    ("如需继续，请重新办理备案。", "To continue, file again.")
                };
                if notify(
                    c,
                    holder_notice(
                        &p,
                        "permit.reminder",
                        Text::new("许可即将到期", "Permit ending soon"),
                        Text::new(
                            format!("{}将于 {} 到期。{zh}", p.title, p.valid_until),
                            format!("{} ends on {}. {en}", p.title, p.valid_until),
                        ),
                        format!("permit.reminder:{}:{}", p.id, p.valid_until),
                    ),
                )? {
                    n += 1;
                }
            }
            Ok(n)
        })
        .await
}
