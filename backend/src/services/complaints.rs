//! Public complaints: anyone reports a problem at a zone, a permit or a point on the map; it goes
//! to the officers of that district; "resolved" and "closed without action" stay apart; the
//! reporter follows it with a private token and can say "not fixed" to reopen it.

use chrono::NaiveDateTime;
use common::dto::lifecycle::{ComplaintInput, ComplaintReceipt, ComplaintUpdate, ComplaintView};
use common::{District, Role, Text};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::{Actor, limits};
use crate::clock::now;
use crate::db::DbConn;
use crate::db::schema::{complaints as cp, evidence, permits, zones};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::services::notices::{Notice, notify};
use crate::vault::Keyring;

#[derive(Debug, Clone, Queryable)]
pub struct Complaint {
    pub id: i64,
    pub token: String,
    pub service_code: String,
    pub description: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub address: String,
    pub zone_id: Option<i64>,
    pub permit_id: Option<i64>,
    pub district_code: String,
    pub status: String,
    pub status_note: String,
    pub contact: String,
    pub reporter_id: Option<i64>,
    pub evidence_id: Option<i64>,
    pub reopened: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub closed_at: Option<chrono::NaiveDateTime>,
}

/// Complaints staff may see: their district's, or all for admins.
pub fn staff_visible(actor: &Actor) -> AppResult<cp::BoxedQuery<'static, crate::db::MultiBackend>> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let q = cp::table.into_boxed();
    Ok(match (actor.role, actor.district) {
        (Role::DistrictOfficer, Some(d)) => q.filter(cp::district_code.eq(d.code())),
        (Role::DistrictOfficer, None) => q.filter(cp::id.eq(-1)),
        _ => q,
    })
}

/// `staff`: the keyring, for officers, who alone see the reporter's contact (opened here).
pub fn to_view(c: &mut DbConn, x: &Complaint, staff: Option<&Keyring>) -> AppResult<ComplaintView> {
    let permit_code = match x.permit_id {
        Some(p) => Some(permits::table.find(p).select(permits::verify_code).first::<String>(c)?),
        None => None,
    };
    Ok(ComplaintView {
        id: x.id,
        service_code: x.service_code.clone(),
        description: x.description.clone(),
        district: District::from_code(&x.district_code).unwrap_or(District::Siming),
        address: x.address.clone(),
        zone_id: x.zone_id,
        permit_code,
        location: x.lon.zip(x.lat).map(|(a, b)| [a, b]),
        status: x.status.clone(),
        status_note: x.status_note.clone(),
        reopened: x.reopened,
        created_at: x.created_at,
        updated_at: x.updated_at,
        contact: staff.map(|v| v.open_opt(Some(&x.contact)).unwrap_or_default()),
        evidence_id: x.evidence_id,
        history: audit::case_events(c, "complaint", x.id)?,
    })
}

/// Files a complaint. The district comes from the permit, else the zone, else the point.
/// Files a report. Anonymous reports (and Open311 requests) take a place under a per-address
/// `limit` first, so that nobody can fill officers' queues.
pub async fn create(
    app: &App,
    actor: Option<&Actor>,
    input: ComplaintInput,
    limit: Option<(limits::Limit, String)>,
) -> AppResult<ComplaintReceipt> {
    AppError::check(input.validate())?;
    let reporter = actor.map(|a| a.user_id);
    // The reporter's contact is personal data: sealed like a phone on an account.
    let contact = Some(input.contact.trim()).filter(|s| !s.is_empty()).map(|s| app.vault.seal(s)).unwrap_or_default();
    app.db
        .write(move |c| {
            if let Some((limit, address)) = &limit {
                limits::take(c, *limit, address, now())?;
            }
            let mut problems = Vec::new();
            let permit: Option<(i64, String, Option<i64>)> = match &input.permit_code {
                Some(code) => {
                    let found = permits::table
                        .filter(permits::verify_code.eq(code.trim().to_ascii_uppercase()))
                        .select((permits::id, permits::district_code, permits::zone_id))
                        .first(c)
                        .optional()?;
                    if found.is_none() {
                        problems.push(common::FieldError::new(
                            "permit_code",
                            "unknown",
                            "没有这个许可编号",
                            "No permit has this code",
                        ));
                    }
                    found
                }
                None => None,
            };
            let zone_id = input.zone_id.or(permit.as_ref().and_then(|p| p.2));
            let zone: Option<(String, f64, f64)> = match zone_id {
                Some(z) => {
                    let found = zones::table
                        .find(z)
                        .select((zones::district_code, zones::lon, zones::lat))
                        .first(c)
                        .optional()?;
                    if found.is_none() {
                        problems.push(common::FieldError::new("zone_id", "unknown", "没有这个摊规点", "No such zone"));
                    }
                    found
                }
                None => None,
            };
            // Only a photo the reporter uploaded themselves (anonymous reporters attach theirs
            // with the report's token, after filing).
            if let Some(e) = input.evidence_id {
                let n: i64 = match reporter {
                    Some(r) => evidence::table.find(e).filter(evidence::uploaded_by.eq(r)).count().get_result(c)?,
                    None => 0,
                };
                if n == 0 {
                    problems.push(common::FieldError::new(
                        "evidence_id",
                        "unknown",
                        "照片不存在，请重新上传",
                        "The photo was not found; upload it again",
                    ));
                }
            }
            let district = permit
                .as_ref()
                .and_then(|p| District::from_code(&p.1))
                .or_else(|| zone.as_ref().and_then(|z| District::from_code(&z.0)))
                .or_else(|| input.location.and_then(super::district_at));
            if district.is_none() && problems.is_empty() {
                problems.push(common::FieldError::new(
                    "location",
                    "no_district",
                    "该位置不在厦门各区范围内",
                    "That point is in none of Xiamen's districts",
                ));
            }
            AppError::check(problems)?;
            let district = district.expect("checked");
            let location = input.location.or(zone.as_ref().map(|z| [z.1, z.2]));
            let t = now();
            let token = crate::auth::rand_bytes::random_hex(16);
            let id: i64 = diesel::insert_into(cp::table)
                .values((
                    cp::token.eq(&token),
                    cp::service_code.eq(&input.service_code),
                    cp::description.eq(input.description.trim()),
                    cp::lon.eq(location.map(|p| p[0])),
                    cp::lat.eq(location.map(|p| p[1])),
                    cp::address.eq(input.address.trim()),
                    cp::zone_id.eq(zone_id),
                    cp::permit_id.eq(permit.as_ref().map(|p| p.0)),
                    cp::district_code.eq(district.code()),
                    cp::status.eq("open"),
                    cp::status_note.eq(""),
                    cp::contact.eq(&contact),
                    cp::reporter_id.eq(reporter),
                    cp::evidence_id.eq(input.evidence_id),
                    cp::reopened.eq(0),
                    cp::created_at.eq(t),
                    cp::updated_at.eq(t),
                ))
                .returning(cp::id)
                .get_result(c)?;
            audit::record(
                c,
                t,
                reporter,
                "complaint.filed",
                "complaint",
                &id.to_string(),
                json!({ "service": input.service_code, "district": district.code() }),
            )?;
            Ok(ComplaintReceipt { id, token, district })
        })
        .await
}

/// A reporter's token is 32 hex digits; anything else is unknown without asking the database.
fn check_token(token: &str) -> AppResult<()> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The reporter's view by token (no contact details of anyone).
pub async fn by_token(app: &App, token: String) -> AppResult<ComplaintView> {
    check_token(&token)?;
    app.db
        .run(move |c| {
            let x: Complaint = cp::table.filter(cp::token.eq(&token)).first(c)?;
            to_view(c, &x, None)
        })
        .await
}

/// Public, for Open311: one request without the reporter's contact.
pub async fn public_one(app: &App, id: i64) -> AppResult<ComplaintView> {
    app.db
        .run(move |c| {
            let x: Complaint = cp::table.find(id).get_result(c)?;
            to_view(c, &x, None)
        })
        .await
}

/// Open311's filters (GeoReport v2 `GET requests`).
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    /// When given, only these (the other filters are ignored, as the spec says).
    pub ids: Vec<i64>,
    pub service_codes: Vec<String>,
    /// `open` and/or `closed`.
    pub statuses: Vec<String>,
    pub start: Option<NaiveDateTime>,
    pub end: Option<NaiveDateTime>,
}

/// The spec's default window when no dates are given, and its largest answer.
const OPEN311_DEFAULT_DAYS: i64 = 90;
const OPEN311_MAX: i64 = 1000;

/// Public list for Open311, newest first.
pub async fn public_list(app: &App, f: PublicFilter) -> AppResult<Vec<ComplaintView>> {
    app.db
        .run(move |c| {
            let mut q = cp::table.order(cp::id.desc()).limit(OPEN311_MAX).into_boxed();
            if !f.ids.is_empty() {
                q = q.filter(cp::id.eq_any(f.ids));
            } else {
                let end = f.end.unwrap_or_else(now);
                let start = f.start.unwrap_or(end - chrono::Duration::days(OPEN311_DEFAULT_DAYS));
                q = q.filter(cp::created_at.ge(start).and(cp::created_at.le(end)));
                let mut internal: Vec<&str> = Vec::new();
                for s in &f.statuses {
                    // Open311 knows only open and closed.
                    internal.extend(match s.as_str() {
                        "open" => ["open", "in_progress"],
                        _ => ["resolved", "closed_no_action"],
                    });
                }
                if !internal.is_empty() {
                    q = q.filter(cp::status.eq_any(internal));
                }
                if !f.service_codes.is_empty() {
                    q = q.filter(cp::service_code.eq_any(f.service_codes));
                }
            }
            let rows: Vec<Complaint> = q.load(c)?;
            rows.iter().map(|x| to_view(c, x, None)).collect()
        })
        .await
}

/// A report's photo for Open311's `media_url` (re-encoded on upload, so without EXIF).
pub async fn public_photo(app: &App, id: i64) -> AppResult<(String, Vec<u8>)> {
    let (sha, ct): (String, String) = app
        .db
        .run(move |c| {
            Ok(cp::table
                .find(id)
                .inner_join(evidence::table.on(evidence::id.nullable().eq(cp::evidence_id)))
                .select((evidence::sha256, evidence::content_type))
                .first(c)?)
        })
        .await?;
    Ok((ct, crate::files::read(app, &sha).await?))
}

/// The officers' queue: open and reopened first, oldest first.
pub async fn queue(app: &App, actor: &Actor, all: bool) -> AppResult<Vec<ComplaintView>> {
    let q = staff_visible(actor)?;
    let vault = app.vault.clone();
    app.db
        .run(move |c| {
            let mut q = q.order((cp::updated_at.asc(), cp::id.asc())).limit(500);
            if !all {
                q = q.filter(cp::status.eq_any(["open", "in_progress"]));
            }
            let rows: Vec<Complaint> = q.load(c)?;
            rows.iter().map(|x| to_view(c, x, Some(&vault))).collect()
        })
        .await
}

pub async fn staff_view(app: &App, actor: &Actor, id: i64) -> AppResult<ComplaintView> {
    let q = staff_visible(actor)?;
    let vault = app.vault.clone();
    app.db
        .run(move |c| {
            let x: Complaint = q.filter(cp::id.eq(id)).first(c)?;
            to_view(c, &x, Some(&vault))
        })
        .await
}

/// An officer moves it on: in progress, resolved, or closed without action (with the reason).
pub async fn update(app: &App, actor: &Actor, id: i64, u: ComplaintUpdate) -> AppResult<ComplaintView> {
    AppError::check(u.validate())?;
    let q = staff_visible(actor)?;
    let a = actor.clone();
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let x: Complaint = q.filter(cp::id.eq(id)).first(c)?;
            let t = now();
            let closing = u.status != "in_progress";
            let n = diesel::update(cp::table.find(id).filter(cp::status.eq_any(["open", "in_progress"])))
                .set((
                    cp::status.eq(&u.status),
                    cp::status_note.eq(u.note.trim()),
                    cp::updated_at.eq(t),
                    cp::closed_at.eq(closing.then_some(t)),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "closed",
                    "该投诉已办结；举报人可以重新打开",
                    "This complaint is closed; the reporter can reopen it",
                ));
            }
            audit::record(
                c,
                t,
                Some(a.user_id),
                &format!("complaint.{}", u.status),
                "complaint",
                &id.to_string(),
                json!({ "reason": u.note.trim() }),
            )?;
            if let Some(r) = x.reporter_id {
                notify(
                    c,
                    Notice {
                        user_id: r,
                        kind: "complaint",
                        title: Text::new("您反映的问题有进展", "Your report was updated"),
                        body: Text::new(u.note.trim().to_string(), u.note.trim().to_string()),
                        link: format!("/complaints/{}", x.token),
                        dedupe_key: format!("complaint:{id}:{}:{}", u.status, x.reopened),
                        subject: format!("complaint:{id}"),
                    },
                )?;
            }
            let x: Complaint = cp::table.find(id).get_result(c)?;
            to_view(c, &x, Some(&vault))
        })
        .await
}

/// The reporter says it is not fixed: back to open, counted.
pub async fn reopen(app: &App, token: String, note: String) -> AppResult<ComplaintView> {
    check_token(&token)?;
    let mut e = common::validate::Errors::new();
    e.text("note", "说明", "Note", &note, 1000);
    AppError::check(e.0)?;
    app.db
        .write(move |c| {
            let x: Complaint = cp::table.filter(cp::token.eq(&token)).first(c)?;
            let t = now();
            let n = diesel::update(cp::table.find(x.id).filter(cp::status.eq_any(["resolved", "closed_no_action"])))
                .set((
                    cp::status.eq("open"),
                    cp::status_note.eq(""),
                    cp::reopened.eq(cp::reopened + 1),
                    cp::updated_at.eq(t),
                    cp::closed_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "not-closed",
                    "该投诉还在处理中",
                    "This complaint is still being handled",
                ));
            }
            audit::record(
                c,
                t,
                x.reporter_id,
                "complaint.reopened",
                "complaint",
                &x.id.to_string(),
                json!({ "reason": note.trim() }),
            )?;
            let x: Complaint = cp::table.find(x.id).get_result(c)?;
            to_view(c, &x, None)
        })
        .await
}

/// An anonymous reporter attaches the photo to their report with its private token (one photo per
/// report; signed-in reporters upload before filing).
pub async fn attach_photo(
    app: &App,
    token: String,
    bytes: Vec<u8>,
) -> AppResult<common::dto::lifecycle::EvidenceReceipt> {
    check_token(&token)?;
    let t = token.clone();
    let id: Option<(i64, Option<i64>)> = app
        .db
        .run(move |c| Ok(cp::table.filter(cp::token.eq(&t)).select((cp::id, cp::evidence_id)).first(c).optional()?))
        .await?;
    let Some((complaint, existing)) = id else { return Err(AppError::NotFound) };
    if existing.is_some() {
        return Err(AppError::conflict("has_photo", "这份反映已有照片", "This report already has a photo"));
    }
    crate::services::inspections::store_photo(app, bytes, None, move |c, photo| {
        let n = diesel::update(cp::table.find(complaint).filter(cp::evidence_id.is_null()))
            .set(cp::evidence_id.eq(Some(photo)))
            .execute(c)?;
        if n == 1 {
            Ok(())
        } else {
            Err(AppError::conflict("has_photo", "这份反映已有照片", "This report already has a photo"))
        }
    })
    .await
}
