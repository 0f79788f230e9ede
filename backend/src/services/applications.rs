//! Stall applications: drafts, uploads, submission, withdrawal, and officers' decisions.

use std::collections::HashMap;

use common::application::{
    ApplicationStatus, Decision, DocKind, ReturnItem, StallApplicationInput, check_upload, item_label,
};
use common::dto::applications::{
    ApplicantView, ApplicationView, CaseEvent, DocumentView, OfferView, PreferenceView, QueueItem, QueueList,
    SaveApplication,
};
use common::dto::cases::CaseKind;
use common::{FieldError, Role, mask};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{application_documents as docs, offers, stall_applications as apps, stalls, users, zones};
use crate::error::{AppError, AppResult};
use crate::models::application::{Application, Document};
use crate::models::audit;
use crate::models::calendar;
use crate::models::user::User;
use crate::models::zone::{Zone, stall_counts};
use crate::services::notices::{self, Notice, notify};

/// Working days an officer has to decide (承诺时限). A default until the policy pack sets it.
pub const REVIEW_WORKING_DAYS: u32 = 5;

fn vendor_only(actor: &Actor) -> AppResult<()> {
    actor.require(&[Role::Vendor])
}

/// Server-side checks that need data: the zones exist, are active, and allow the trade.
fn check_zones(c: &mut DbConn, input: &StallApplicationInput) -> AppResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    for (i, zid) in input.preferences.iter().enumerate() {
        let field = format!("preferences[{i}]");
        match Zone::find(c, *zid).optional()? {
            None => errors.push(FieldError::new(field, "unknown_zone", "该摊规点不存在", "No such zone")),
            Some(z) if z.status != "active" => errors.push(FieldError::new(
                field,
                "zone_inactive",
                format!("{}目前不开放", z.name),
                format!("{} is not open", z.code),
            )),
            Some(z) => {
                if let Some(cat) = input.category
                    && !z.categories().contains(&cat)
                {
                    errors.push(FieldError::new(
                        field,
                        "category_not_allowed",
                        format!("{}不允许经营{}", z.name, cat.name_zh()),
                        format!("{} does not allow {}", z.code, cat.name_en().to_lowercase()),
                    ));
                }
            }
        }
    }
    Ok(errors)
}

fn record(c: &mut DbConn, actor: &Actor, id: i64, action: &str, detail: serde_json::Value) -> AppResult<()> {
    let detail = audit::noting_counter(actor, detail);
    audit::record(c, now(), Some(actor.user_id), action, "application", &id.to_string(), detail)?;
    Ok(())
}

/// Creates the applicant's draft (one open application per person) or saves it.
pub async fn save(app: &App, actor: &Actor, id: Option<i64>, req: SaveApplication) -> AppResult<ApplicationView> {
    vendor_only(actor)?;
    AppError::check(req.input.validate_draft())?;
    let (a, reader, vault) = (actor.clone(), actor.clone(), app.vault.clone());
    app.db
        .write_then(
            move |c| {
                AppError::check(check_zones(c, &req.input)?)?;
                let t = now();
                let input = &req.input;
                let values = (
                    apps::category.eq(input.category.map(|x| x.as_str()).unwrap_or("")),
                    apps::preferences.eq(serde_json::to_string(&input.preferences).unwrap_or_default()),
                    apps::priority_groups.eq(serde_json::to_string(&input.priority_groups).unwrap_or_default()),
                    apps::note.eq(input.note.trim()),
                    apps::updated_at.eq(t),
                );
                match id {
                    None => {
                        if Application::open_for(c, a.user_id)?.is_some() {
                            return Err(AppError::conflict(
                                "open-application",
                                "您已有一份正在办理的摊位申请，请继续办理该申请",
                                "You already have an open stall application; continue that one",
                            ));
                        }
                        let holds: i64 = stalls::table.filter(stalls::holder_id.eq(a.user_id)).count().get_result(c)?;
                        if holds > 0 {
                            return Err(AppError::conflict(
                                "holds-stall",
                                "您已持有摊位，不能再申请",
                                "You already hold a stall",
                            ));
                        }
                        let new_id: i64 = diesel::insert_into(apps::table)
                            .values((
                                values,
                                apps::applicant_id.eq(a.user_id),
                                apps::status.eq(ApplicationStatus::Draft.as_str()),
                                apps::decision_reason.eq(""),
                                apps::return_items.eq("[]"),
                                apps::version.eq(1),
                                apps::created_at.eq(t),
                            ))
                            .returning(apps::id)
                            .get_result(c)?;
                        record(c, &a, new_id, "application.created", json!({}))?;
                        Ok(new_id)
                    }
                    Some(id) => {
                        let cur = Application::find_visible(c, &a, id)?;
                        if !cur.status().is_editable() {
                            return Err(AppError::conflict(
                                "not-editable",
                                "该申请已提交，不能再修改",
                                "This application can no longer be edited",
                            ));
                        }
                        if req.version.is_some_and(|v| v != cur.version) {
                            return Err(AppError::PreconditionFailed);
                        }
                        diesel::update(apps::table.find(id))
                            .set((values, apps::version.eq(apps::version + 1)))
                            .execute(c)?;
                        Ok(id)
                    }
                }
            },
            move |c, id| build_view(c, &vault, &reader, id),
        )
        .await
}

/// Stores an upload (type checked from its bytes) outside the web root under its SHA-256.
pub async fn upload(
    app: &App,
    actor: &Actor,
    id: i64,
    kind: DocKind,
    filename: String,
    bytes: bytes::Bytes,
) -> AppResult<DocumentView> {
    vendor_only(actor)?;
    let format = check_upload("file", &bytes[..bytes.len().min(16)], bytes.len() as u64)
        .map_err(|e| AppError::Validation(vec![e]))?;
    let filename: String = filename.chars().filter(|c| !c.is_control() && !"/\\".contains(*c)).take(120).collect();
    let filename = if filename.trim().is_empty() { format!("{}.{}", kind.as_str(), ext(format)) } else { filename };
    let a = actor.clone();
    // Check the application before touching the disk.
    let cur = app.db.run(move |c| Ok(Application::find_visible(c, &a, id)?)).await?;
    if !cur.status().is_editable() {
        return Err(AppError::conflict(
            "not-editable",
            "该申请已提交，不能再上传材料",
            "This application can no longer take uploads",
        ));
    }
    // Photos are stored without their metadata (a phone's photo says where it was taken).
    let photo = format != common::application::DocFormat::Pdf;
    let crate::files::Stored { sha256: hash, size } = crate::files::store(app, bytes.to_vec(), photo).await?;
    let a = actor.clone();
    let hash2 = hash.clone();
    let doc = app
        .db
        .write(move |c| {
            let cur = Application::find_visible(c, &a, id)?;
            if !cur.status().is_editable() {
                return Err(AppError::conflict(
                    "not-editable",
                    "该申请已提交，不能再上传材料",
                    "This application can no longer take uploads",
                ));
            }
            let t = now();
            let doc_id = Document::insert(c, id, kind, &filename, format.content_type(), size, &hash2, t)?;
            // Documents are their own records; the version guards the form fields only.
            diesel::update(apps::table.find(id)).set(apps::updated_at.eq(t)).execute(c)?;
            record(c, &a, id, "application.document_added", json!({ "kind": kind.as_str(), "sha256": hash2 }))?;
            Ok(docs::table.find(doc_id).first::<Document>(c)?)
        })
        .await?;
    Ok(doc.to_view())
}

fn ext(f: common::application::DocFormat) -> &'static str {
    match f {
        common::application::DocFormat::Jpeg => "jpg",
        common::application::DocFormat::Png => "png",
        common::application::DocFormat::Pdf => "pdf",
    }
}

pub async fn delete_document(app: &App, actor: &Actor, id: i64, doc_id: i64) -> AppResult<()> {
    vendor_only(actor)?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let cur = Application::find_visible(c, &a, id)?;
            if !cur.status().is_editable() {
                return Err(AppError::conflict(
                    "not-editable",
                    "该申请已提交，不能再修改材料",
                    "This application can no longer be changed",
                ));
            }
            // The file goes with the last row that refers to it (`files::sweep`).
            let n =
                diesel::delete(docs::table.filter(docs::id.eq(doc_id).and(docs::application_id.eq(id)))).execute(c)?;
            if n == 0 {
                return Err(AppError::NotFound);
            }
            record(c, &a, id, "application.document_removed", json!({ "document": doc_id }))
        })
        .await
}

/// The stored bytes of a document the actor may see. A look by staff is recorded, and the
/// holder sees it on their account page.
pub async fn document_file(app: &App, actor: &Actor, id: i64, doc_id: i64) -> AppResult<(Document, Vec<u8>)> {
    let a = actor.clone();
    let doc = app
        .db
        .write(move |c| {
            let application = Application::find_visible(c, &a, id)?;
            let doc = docs::table.filter(docs::id.eq(doc_id).and(docs::application_id.eq(id))).first::<Document>(c)?;
            crate::services::personal_data::record_look(c, &a, application.applicant_id, id, &doc.kind)?;
            Ok(doc)
        })
        .await?;
    let bytes = crate::files::read(app, &doc.sha256).await?;
    Ok((doc, bytes))
}

/// Submits (or resubmits after a return): every check at once, then the review deadline.
pub async fn submit(app: &App, actor: &Actor, id: i64) -> AppResult<ApplicationView> {
    vendor_only(actor)?;
    let (a, reader, vault) = (actor.clone(), actor.clone(), app.vault.clone());
    app.db
        .write_then(
            move |c| {
                let cur = Application::find_visible(c, &a, id)?;
                if !cur.status().is_editable() {
                    return Err(AppError::conflict(
                        "not-editable",
                        "该申请已提交",
                        "This application is already submitted",
                    ));
                }
                let input = cur.input();
                let kinds: Vec<DocKind> =
                    Document::for_application(c, id)?.iter().filter_map(|d| DocKind::parse(&d.kind)).collect();
                let mut errors = input.validate_submit(&kinds);
                errors.extend(check_zones(c, &input)?);
                AppError::check(errors)?;
                let first = Zone::find(c, input.preferences[0])?;
                let t = now();
                let deadline = calendar::load(c)?.add_working_days(today(), REVIEW_WORKING_DAYS);
                let resubmitted = cur.status() == ApplicationStatus::Returned;
                diesel::update(apps::table.find(id))
                    .set((
                        apps::status.eq(ApplicationStatus::Submitted.as_str()),
                        apps::district_code.eq(&first.district_code),
                        apps::submitted_at.eq(t),
                        apps::deadline.eq(deadline),
                        apps::updated_at.eq(t),
                        apps::version.eq(apps::version + 1),
                    ))
                    .execute(c)?;
                record(
                    c,
                    &a,
                    id,
                    if resubmitted { "application.resubmitted" } else { "application.submitted" },
                    json!({ "district": first.district_code, "deadline": deadline }),
                )?;
                let (case, version) = (CaseKind::Stall.number(id), cur.version + 1);
                let (dz, de) = (deadline.format("%-m月%-d日").to_string(), deadline.format("%-d %b").to_string());
                notify(
                    c,
                    Notice::of(
                        "application.submitted",
                        cur.applicant_id,
                        format!("application:{id}"),
                        format!("application.submitted:{id}:v{version}"),
                        &[("case", &case), ("deadline", &dz)],
                        &[("deadline", &de)],
                    ),
                )?;
                Ok(())
            },
            move |c, ()| build_view(c, &vault, &reader, id),
        )
        .await
}

pub async fn withdraw(app: &App, actor: &Actor, id: i64) -> AppResult<ApplicationView> {
    vendor_only(actor)?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            Application::find_visible(c, &a, id)?;
            use ApplicationStatus::*;
            if !Application::transition(c, id, &[Draft, Submitted, Returned, Eligible, Waitlisted], Withdrawn, now())? {
                return Err(AppError::conflict(
                    "cannot-withdraw",
                    "当前状态不能撤回（已进入摇号或已有摊位结果）",
                    "It cannot be withdrawn now (in a draw or already allocated)",
                ));
            }
            record(c, &a, id, "application.withdrawn", json!({}))
        })
        .await?;
    view(app, actor, id).await
}

/// An officer of the case's district (or an admin) decides: eligible, ineligible with a reason, or
/// returned listing every item to correct.
pub async fn decide(app: &App, actor: &Actor, id: i64, decision: Decision) -> AppResult<ApplicationView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    AppError::check(decision.validate())?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            Application::find_visible(c, &a, id)?;
            let t = now();
            let (to, action, reason, items): (ApplicationStatus, &str, String, Vec<ReturnItem>) = match &decision {
                Decision::Eligible => (ApplicationStatus::Eligible, "application.eligible", String::new(), vec![]),
                Decision::Ineligible { reason } => {
                    (ApplicationStatus::Ineligible, "application.ineligible", reason.trim().into(), vec![])
                }
                Decision::Return { items } => {
                    (ApplicationStatus::Returned, "application.returned", String::new(), items.clone())
                }
            };
            if !Application::transition(c, id, &[ApplicationStatus::Submitted], to, t)? {
                return Err(AppError::conflict(
                    "not-awaiting-review",
                    "该申请不在待审核状态（可能已被他人处理）",
                    "This application is not awaiting review (perhaps already decided)",
                ));
            }
            diesel::update(apps::table.find(id))
                .set((
                    apps::decided_at.eq(t),
                    apps::decided_by.eq(a.user_id),
                    apps::decision_reason.eq(&reason),
                    apps::return_items.eq(serde_json::to_string(&items).unwrap_or_default()),
                ))
                .execute(c)?;
            record(c, &a, id, action, json!({ "reason": reason, "items": items }))?;
            let (applicant, version): (i64, i32) =
                apps::table.find(id).select((apps::applicant_id, apps::version)).first(c)?;
            let case = CaseKind::Stall.number(id);
            let listed = |en: bool| {
                items
                    .iter()
                    .map(|i| {
                        let label = item_label(&i.item);
                        format!("{}：{}", if en { label.en } else { label.zh }, i.message.trim())
                    })
                    .collect::<Vec<_>>()
                    .join(if en { "; " } else { "；" })
            };
            let (items_zh, items_en) = (listed(false), listed(true));
            notify(
                c,
                Notice::of(
                    action,
                    applicant,
                    format!("application:{id}"),
                    format!("{action}:{id}:v{version}"),
                    &[("case", &case), ("items", &items_zh), ("reason", &reason)],
                    &[("items", &items_en)],
                ),
            )?;
            Ok(())
        })
        .await?;
    view(app, actor, id).await
}

/// The officer's queue (their district only; admins see all), soonest deadline first, with
/// working days left counted on the admin-edited calendar.
pub async fn queue(app: &App, actor: &Actor, status: Option<ApplicationStatus>) -> AppResult<QueueList> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let a = actor.clone();
    app.db
        .run(move |c| {
            let statuses: Vec<&str> = match status {
                Some(s) => vec![s.as_str()],
                None => vec![ApplicationStatus::Submitted.as_str()],
            };
            let rows = Application::queue(c, &a, &statuses)?;
            let cal = calendar::load(c)?;
            let t = today();
            let ids: Vec<i64> = rows.iter().map(|r| r.applicant_id).collect();
            let names: HashMap<i64, String> = users::table
                .filter(users::id.eq_any(&ids))
                .select((users::id, users::display_name))
                .load(c)?
                .into_iter()
                .collect();
            let zone_ids: Vec<i64> = rows.iter().filter_map(|r| r.input().preferences.first().copied()).collect();
            let zone_names: HashMap<i64, String> = zones::table
                .filter(zones::id.eq_any(&zone_ids))
                .select((zones::id, zones::name))
                .load(c)?
                .into_iter()
                .collect();
            let app_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let doc_counts: HashMap<i64, i64> = docs::table
                .filter(docs::application_id.eq_any(&app_ids))
                .group_by(docs::application_id)
                .select((docs::application_id, diesel::dsl::count_star()))
                .load(c)?
                .into_iter()
                .collect();
            let items: Vec<QueueItem> = rows
                .iter()
                .map(|r| {
                    let left = r.deadline.map(|d| cal.working_days_between(t, d));
                    let input = r.input();
                    QueueItem {
                        id: r.id,
                        applicant: names.get(&r.applicant_id).cloned().unwrap_or_default(),
                        category: input.category,
                        first_zone: input
                            .preferences
                            .first()
                            .and_then(|z| zone_names.get(z))
                            .cloned()
                            .unwrap_or_default(),
                        district: r.district(),
                        status: r.status(),
                        submitted_at: r.submitted_at,
                        deadline: r.deadline,
                        working_days_left: left,
                        overdue: left.is_some_and(|l| l < 0),
                        documents: doc_counts.get(&r.id).copied().unwrap_or(0),
                    }
                })
                .collect();
            // Overdue first, then by deadline.
            let mut items = items;
            items.sort_by_key(|i| (!i.overdue, i.deadline, i.id));
            Ok(QueueList { total: items.len() as i64, items })
        })
        .await
}

pub async fn mine(app: &App, actor: &Actor) -> AppResult<Vec<ApplicationView>> {
    let a = actor.clone();
    let ids: Vec<i64> =
        app.db.run(move |c| Ok(Application::for_applicant(c, a.user_id)?.iter().map(|x| x.id).collect())).await?;
    let mut out = Vec::new();
    for id in ids {
        out.push(view(app, actor, id).await?);
    }
    Ok(out)
}

pub async fn view(app: &App, actor: &Actor, id: i64) -> AppResult<ApplicationView> {
    let a = actor.clone();
    let vault = app.vault.clone();
    app.db.run(move |c| build_view(c, &vault, &a, id)).await
}

fn build_view(c: &mut DbConn, vault: &crate::vault::Keyring, actor: &Actor, id: i64) -> AppResult<ApplicationView> {
    let r = Application::find_visible(c, actor, id)?;
    let input = r.input();
    let counts = stall_counts(c, Some(&input.preferences))?;
    let mut preferences = Vec::new();
    for (i, zid) in input.preferences.iter().enumerate() {
        if let Some(z) = Zone::find(c, *zid).optional()? {
            preferences.push(PreferenceView {
                rank: i as u8 + 1,
                zone_id: z.id,
                code: z.code.clone(),
                name: z.name.clone(),
                district: z.district(),
                free_stalls: counts.get(&z.id).map(|x| x.free).unwrap_or(0),
            });
        }
    }
    let documents: Vec<DocumentView> = Document::for_application(c, id)?.iter().map(Document::to_view).collect();
    let user = User::find(c, r.applicant_id)?;
    let own = actor.user_id == r.applicant_id;
    let applicant = ApplicantView {
        user_id: user.id,
        name: user.display_name.clone(),
        id_number: user.id_number(vault).map(|n| if own { n } else { mask::id_number(&n) }),
        phone: user.phone(vault).map(|p| if own { p } else { mask::phone(&p) }),
    };
    let working_days_left = match r.deadline {
        Some(d) => Some(calendar::load(c)?.working_days_between(today(), d)),
        None => None,
    };
    let offer = offers::table
        .filter(offers::application_id.eq(id))
        .order(offers::id.desc())
        .select((
            offers::id,
            offers::status,
            offers::stall_id,
            offers::offered_at,
            offers::respond_by,
            offers::round_id,
        ))
        .first::<(i64, String, i64, chrono::NaiveDateTime, chrono::NaiveDateTime, Option<i64>)>(c)
        .optional()?;
    let offer = match offer {
        Some((oid, status, stall_id, offered_at, respond_by, round_id)) => {
            let (number, zone_id): (String, i64) =
                stalls::table.find(stall_id).select((stalls::number, stalls::zone_id)).get_result(c)?;
            let z = Zone::find(c, zone_id)?;
            Some(OfferView {
                id: oid,
                status,
                stall_id,
                stall_number: number,
                zone_id,
                zone_code: z.code,
                zone_name: z.name,
                offered_at,
                respond_by,
                round_id,
            })
        }
        None => None,
    };
    Ok(ApplicationView {
        id: r.id,
        status: r.status(),
        preferences,
        priority_groups: input.priority_groups.clone(),
        category: input.category,
        required_documents: input.required_documents(),
        input,
        district: r.district(),
        submitted_at: r.submitted_at,
        deadline: r.deadline,
        working_days_left,
        decision_reason: r.decision_reason.clone(),
        return_items: r.return_items(),
        documents,
        applicant,
        history: history(c, id)?,
        notices: notices::for_subject(c, &format!("application:{id}"), None)?,
        offer,
        round_id: r.round_id,
        draw_number: r
            .round_id
            .zip(r.draw_number)
            .map(|(round, n)| common::allocation::draw_number_label(round, n.into())),
        version: r.version,
        created_at: r.created_at,
    })
}

/// The case history from the audit log, with who acted shown by role.
pub fn history(c: &mut DbConn, id: i64) -> AppResult<Vec<CaseEvent>> {
    Ok(audit::case_events(c, "application", id)?)
}
