//! Registered helpers (登记帮工) and subletting reviews. A stall permit holder names up to the
//! pack's `max_helpers` people who may work the stall; the district approves or refuses each; the
//! approved ones appear (masked name and face photo) on the public verify page and in the
//! inspection app. An inspection records who was working the stall, and "someone else" found
//! `sublet_review_after` times within `sublet_window_days` opens a subletting review.

use chrono::Duration;
use common::dto::lifecycle::{
    HelperDecision, HelperInput, HelperQueueItem, HelperView, PermitReviewView, Present, PublicHelper, ReviewClosing,
};
use common::{Role, Text, mask};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{evidence, inspections, permit_helpers as h, permit_reviews as r, permits, users};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::permit::Permit;
use crate::services::notices::notify;
use crate::services::permits::{build_view, find_visible, holder_notice};
use crate::services::policy;

/// Helper statuses that hold one of the permit's places.
const ACTIVE: [&str; 2] = ["pending", "approved"];

/// The holder registers a helper; the district decides.
pub async fn register(
    app: &App,
    actor: &Actor,
    permit_id: i64,
    input: HelperInput,
) -> AppResult<common::dto::lifecycle::PermitView> {
    let a = actor.clone();
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let p = find_visible(c, &a, permit_id)?;
            if p.holder_id != a.user_id {
                return Err(AppError::NotFound);
            }
            let sp = policy::current(c)?.supervision;
            AppError::check(input.validate(&sp.helper_relations, today()))?;
            if p.kind != "stall" || !matches!(p.effective_status(today()), "valid" | "suspended") {
                return Err(AppError::conflict(
                    "not-in-force",
                    "只有有效的摊位许可可以登记帮工",
                    "Only a stall permit in force can have helpers",
                ));
            }
            let active: i64 =
                h::table.filter(h::permit_id.eq(p.id).and(h::status.eq_any(ACTIVE))).count().get_result(c)?;
            if active >= i64::from(sp.max_helpers) {
                return Err(AppError::conflict(
                    "too-many-helpers",
                    format!("每个摊位最多登记 {} 名帮工，请先移除一名", sp.max_helpers),
                    format!("A stall may have at most {} helpers; remove one first", sp.max_helpers),
                ));
            }
            // The photo must be one the holder uploaded (an id of someone else's photo opens nothing).
            let photo: i64 = evidence::table
                .filter(evidence::id.eq(input.photo_id).and(evidence::uploaded_by.eq(a.user_id)))
                .count()
                .get_result(c)?;
            if photo == 0 {
                return Err(AppError::field(
                    "photo_id",
                    "unknown",
                    "照片不存在，请重新上传",
                    "The photo was not found; upload it again",
                ));
            }
            let id_number = input.id_number.trim().to_ascii_uppercase();
            let lookups = vault.lookups(crate::vault::ID_NUMBER, &id_number);
            let own: i64 = users::table
                .filter(users::id.eq(a.user_id).and(users::id_number_lookup.eq_any(&lookups)))
                .count()
                .get_result(c)?;
            if own > 0 {
                return Err(AppError::field(
                    "id_number",
                    "is_holder",
                    "持证人本人无需登记为帮工",
                    "The holder does not need to be registered as a helper",
                ));
            }
            let twice: i64 = h::table
                .filter(h::permit_id.eq(p.id).and(h::status.eq_any(ACTIVE)))
                .filter(h::id_number_lookup.eq_any(&lookups))
                .count()
                .get_result(c)?;
            if twice > 0 {
                return Err(AppError::field(
                    "id_number",
                    "duplicate",
                    "此人已登记为本摊位帮工",
                    "This person is already a helper of this stall",
                ));
            }
            let t = now();
            let id: i64 = diesel::insert_into(h::table)
                .values((
                    h::permit_id.eq(p.id),
                    h::name.eq(input.name.trim()),
                    h::id_number.eq(vault.seal(&id_number)),
                    h::id_number_lookup.eq(vault.lookup(crate::vault::ID_NUMBER, &id_number)),
                    h::relation.eq(&input.relation),
                    h::photo_id.eq(input.photo_id),
                    h::status.eq("pending"),
                    h::decision_note.eq(""),
                    h::district_code.eq(&p.district_code),
                    h::created_at.eq(t),
                ))
                .returning(h::id)
                .get_result(c)?;
            audit::record(
                c,
                t,
                Some(a.user_id),
                "permit.helper_registered",
                "permit",
                &p.id.to_string(),
                json!({ "helper": id, "relation": input.relation }),
            )?;
            build_view(c, &a, p.id)
        })
        .await
}

/// The holder removes a helper (waiting or approved); they stop appearing at once.
pub async fn remove(app: &App, actor: &Actor, helper_id: i64) -> AppResult<common::dto::lifecycle::PermitView> {
    let a = actor.clone();
    app.db
        .write(move |c| {
            let permit_id: i64 =
                h::table.find(helper_id).select(h::permit_id).first(c).optional()?.ok_or(AppError::NotFound)?;
            let p = find_visible(c, &a, permit_id)?;
            if p.holder_id != a.user_id {
                return Err(AppError::NotFound);
            }
            let n = diesel::update(h::table.find(helper_id).filter(h::status.eq_any(ACTIVE)))
                .set(h::status.eq("removed"))
                .execute(c)?;
            if n == 1 {
                audit::record(
                    c,
                    now(),
                    Some(a.user_id),
                    "permit.helper_removed",
                    "permit",
                    &p.id.to_string(),
                    json!({ "helper": helper_id }),
                )?;
            }
            build_view(c, &a, p.id)
        })
        .await
}

/// An officer of the permit's district (or an admin) approves or refuses a waiting helper.
pub async fn decide(
    app: &App,
    actor: &Actor,
    helper_id: i64,
    d: HelperDecision,
) -> AppResult<common::dto::lifecycle::PermitView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    AppError::check(d.validate())?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let permit_id: i64 =
                h::table.find(helper_id).select(h::permit_id).first(c).optional()?.ok_or(AppError::NotFound)?;
            let p = find_visible(c, &a, permit_id)?;
            let status = if d.approve { "approved" } else { "refused" };
            let t = now();
            let n = diesel::update(h::table.find(helper_id).filter(h::status.eq("pending")))
                .set((
                    h::status.eq(status),
                    h::decided_by.eq(a.user_id),
                    h::decided_at.eq(t),
                    h::decision_note.eq(d.note.trim()),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict("not-pending", "该帮工登记已处理", "This helper was already decided"));
            }
            audit::record(
                c,
                t,
                Some(a.user_id),
                &format!("permit.helper_{status}"),
                "permit",
                &p.id.to_string(),
                json!({ "helper": helper_id, "reason": d.note.trim() }),
            )?;
            let name: String = h::table.find(helper_id).select(h::name).get_result(c)?;
            let (title, body) = if d.approve {
                (
                    Text::new("帮工登记已通过", "Helper approved"),
                    Text::new(
                        format!("{name} 已登记为您摊位的帮工，可在您不在时经营。"),
                        format!("{name} is now a registered helper of your stall and may work it when you are away."),
                    ),
                )
            } else {
                (
                    Text::new("帮工登记未通过", "Helper refused"),
                    Text::new(
                        format!("{name} 的帮工登记未通过：{}", d.note.trim()),
                        format!("{name} was not registered as a helper: {}", d.note.trim()),
                    ),
                )
            };
            notify(c, holder_notice(&p, "permit.helper", title, body, format!("permit.helper:{helper_id}")))?;
            build_view(c, &a, p.id)
        })
        .await
}

/// The helpers of a permit, for its holder and staff.
pub fn views(c: &mut DbConn, permit_id: i64) -> AppResult<Vec<HelperView>> {
    let rows: Vec<(i64, String, String, String, String, i64, chrono::NaiveDateTime)> = h::table
        .filter(h::permit_id.eq(permit_id))
        .order(h::id.asc())
        .select((h::id, h::name, h::relation, h::status, h::decision_note, h::photo_id, h::created_at))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, relation, status, decision_note, photo_id, created_at)| HelperView {
            id,
            name,
            relation,
            status,
            decision_note,
            photo_id,
            created_at,
        })
        .collect())
}

/// The approved helpers as the public sees them.
pub fn public(c: &mut DbConn, p: &Permit) -> AppResult<Vec<PublicHelper>> {
    let rows: Vec<(i64, String, String)> = h::table
        .filter(h::permit_id.eq(p.id).and(h::status.eq("approved")))
        .order(h::id.asc())
        .select((h::id, h::name, h::relation))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, relation)| PublicHelper {
            id,
            name: mask::name(&name),
            relation,
            photo_url: format!("/api/v1/public/permits/{}/helpers/{id}/photo", p.verify_code),
        })
        .collect())
}

/// An approved helper's face photo, for the public verify page.
pub async fn public_photo(app: &App, code: String, helper_id: i64) -> AppResult<(String, Vec<u8>)> {
    let (sha, ct) = app
        .db
        .run(move |c| {
            let row: Option<(String, String)> = h::table
                .inner_join(permits::table.on(permits::id.eq(h::permit_id)))
                .inner_join(evidence::table.on(evidence::id.eq(h::photo_id)))
                .filter(h::id.eq(helper_id).and(h::status.eq("approved")))
                .filter(permits::verify_code.eq(code.trim().to_ascii_uppercase()))
                .filter(permits::status.eq_any(["valid", "suspended"]))
                .select((evidence::sha256, evidence::content_type))
                .first(c)
                .optional()?;
            row.ok_or(AppError::NotFound)
        })
        .await?;
    Ok((ct, crate::files::read(app, &sha).await?))
}

/// Whether a photo is a helper photo of a permit in `district` (officers may open those).
pub fn is_helper_photo_in(c: &mut DbConn, photo: i64, district: &str) -> AppResult<bool> {
    let n: i64 = h::table.filter(h::photo_id.eq(photo).and(h::district_code.eq(district))).count().get_result(c)?;
    Ok(n > 0)
}

/// Checks who an inspector found at the stall: a named helper must be one the district approved
/// for this permit.
pub fn check_present(c: &mut DbConn, p: &Permit, who: Present) -> AppResult<()> {
    if let Present::Helper(id) = who {
        let ok: i64 = h::table
            .filter(h::id.eq(id).and(h::permit_id.eq(p.id)).and(h::status.eq("approved")))
            .count()
            .get_result(c)?;
        if ok == 0 {
            return Err(AppError::field(
                "present",
                "not_a_helper",
                "所选人员不是本摊位已登记的帮工",
                "The person chosen is not a registered helper of this stall",
            ));
        }
    }
    Ok(())
}

/// After an inspection found someone other than the holder or a registered helper: the rule's
/// count within its window opens a subletting review (once while one is open).
pub fn after_someone_else(c: &mut DbConn, p: &Permit) -> AppResult<Option<i64>> {
    let sp = policy::current(c)?.supervision;
    let since = now() - Duration::days(i64::from(sp.sublet_window_days));
    let found: i64 = inspections::table
        .filter(inspections::permit_id.eq(p.id))
        .filter(inspections::present.eq(Present::SomeoneElse.as_string()))
        .filter(inspections::created_at.ge(since))
        .count()
        .get_result(c)?;
    if found < i64::from(sp.sublet_review_after) {
        return Ok(None);
    }
    let reason = Text::new(
        format!("{} 天内 {found} 次检查发现非持证人或登记帮工在摊位经营", sp.sublet_window_days),
        format!(
            "{found} inspections within {} days found someone other than the holder or a registered helper at the stall",
            sp.sublet_window_days
        ),
    );
    let body = Text::new(
        format!("{}。区城管将核查是否存在转租、转让；如为家人或帮工代为经营，请在许可页登记帮工。", reason.zh),
        format!(
            "{}. The district will check whether the stall is sublet; if family or a helper works it, register them on the permit page.",
            reason.en
        ),
    );
    open_review(c, p, "subletting", reason, Text::new("摊位转入转租核查", "Stall under a subletting review"), body)
}

/// Opens a review of a permit (once while one of its kind is open), audited, and tells the holder.
pub fn open_review(
    c: &mut DbConn,
    p: &Permit,
    kind: &str,
    reason: Text,
    title: Text,
    body: Text,
) -> AppResult<Option<i64>> {
    let open: i64 =
        r::table.filter(r::permit_id.eq(p.id).and(r::kind.eq(kind)).and(r::status.eq("open"))).count().get_result(c)?;
    if open > 0 {
        return Ok(None);
    }
    let t = now();
    let id: i64 = diesel::insert_into(r::table)
        .values((
            r::permit_id.eq(p.id),
            r::kind.eq(kind),
            r::reason.eq(serde_json::to_string(&reason).unwrap_or_default()),
            r::status.eq("open"),
            r::outcome_note.eq(""),
            r::district_code.eq(&p.district_code),
            r::opened_at.eq(t),
        ))
        .returning(r::id)
        .get_result(c)?;
    audit::record(
        c,
        t,
        None,
        "permit.review_opened",
        "permit",
        &p.id.to_string(),
        json!({ "review": id, "kind": kind, "reason": reason.zh }),
    )?;
    notify(c, holder_notice(p, "permit.review", title, body, format!("permit.review:{id}")))?;
    Ok(Some(id))
}

fn review_view(row: (i64, i64, String, String, String, String, chrono::NaiveDateTime)) -> PermitReviewView {
    let (id, permit_id, kind, reason, status, outcome_note, opened_at) = row;
    PermitReviewView {
        id,
        permit_id,
        kind,
        reason: serde_json::from_str(&reason).unwrap_or_else(|_| Text::new(reason.clone(), reason)),
        status,
        outcome_note,
        opened_at,
    }
}

type ReviewRow = (i64, i64, String, String, String, String, chrono::NaiveDateTime);

/// A permit's reviews, newest first.
pub fn reviews(c: &mut DbConn, permit_id: i64) -> AppResult<Vec<PermitReviewView>> {
    let rows: Vec<ReviewRow> = r::table
        .filter(r::permit_id.eq(permit_id))
        .order(r::id.desc())
        .select((r::id, r::permit_id, r::kind, r::reason, r::status, r::outcome_note, r::opened_at))
        .load(c)?;
    Ok(rows.into_iter().map(review_view).collect())
}

/// The district's waiting helpers and open reviews (an officer sees their district's only).
pub fn queue(c: &mut DbConn, a: &Actor) -> AppResult<(Vec<HelperQueueItem>, Vec<PermitReviewView>)> {
    let district = if a.role == Role::DistrictOfficer { a.district.map(|d| d.code()) } else { None };
    let mut q = h::table
        .inner_join(permits::table.on(permits::id.eq(h::permit_id)))
        .inner_join(users::table.on(users::id.eq(permits::holder_id)))
        .filter(h::status.eq("pending"))
        .select((h::id, h::permit_id, users::display_name, h::name, h::relation, h::photo_id, h::created_at))
        .order(h::id.asc())
        .into_boxed();
    if let Some(d) = district {
        q = q.filter(h::district_code.eq(d));
    }
    let rows: Vec<(i64, i64, String, String, String, i64, chrono::NaiveDateTime)> = q.load(c)?;
    let helpers = rows
        .into_iter()
        .map(|(id, permit_id, holder, name, relation, photo_id, created_at)| HelperQueueItem {
            id,
            permit_id,
            holder: mask::name(&holder),
            name,
            relation,
            photo_id,
            created_at,
        })
        .collect();
    let mut q = r::table
        .filter(r::status.eq("open"))
        .select((r::id, r::permit_id, r::kind, r::reason, r::status, r::outcome_note, r::opened_at))
        .order(r::id.asc())
        .into_boxed();
    if let Some(d) = district {
        q = q.filter(r::district_code.eq(d));
    }
    let rows: Vec<ReviewRow> = q.load(c)?;
    Ok((helpers, rows.into_iter().map(review_view).collect()))
}

/// An officer of the district closes a review with what was found (a violation, if any, is
/// recorded by an inspection as usual).
pub async fn close_review(
    app: &App,
    actor: &Actor,
    review_id: i64,
    closing: ReviewClosing,
) -> AppResult<common::dto::lifecycle::PermitView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let mut e = common::validate::Errors::new();
    e.text("note", "核查结论", "Finding", &closing.note, 1000);
    AppError::check(e.0)?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let permit_id: i64 =
                r::table.find(review_id).select(r::permit_id).first(c).optional()?.ok_or(AppError::NotFound)?;
            let p = find_visible(c, &a, permit_id)?;
            let t = now();
            let n = diesel::update(r::table.find(review_id).filter(r::status.eq("open")))
                .set((
                    r::status.eq("closed"),
                    r::outcome_note.eq(closing.note.trim()),
                    r::closed_by.eq(a.user_id),
                    r::closed_at.eq(t),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict("not-open", "该核查已结束", "This review is already closed"));
            }
            audit::record(
                c,
                t,
                Some(a.user_id),
                "permit.review_closed",
                "permit",
                &p.id.to_string(),
                json!({ "review": review_id, "reason": closing.note.trim() }),
            )?;
            notify(
                c,
                holder_notice(
                    &p,
                    "permit.review",
                    Text::new("转租核查已结束", "Subletting review closed"),
                    Text::new(
                        format!("核查结论：{}", closing.note.trim()),
                        format!("Finding: {}", closing.note.trim()),
                    ),
                    format!("permit.review_closed:{review_id}"),
                ),
            )?;
            build_view(c, &a, p.id)
        })
        .await
}
