//! Shop filings (跨店经营 and 外摆促销): the server re-evaluates every submission with the policy
//! engine and the pack in force — whatever the browser computed is ignored — and records the
//! outcome with the pack version. Filed items take effect at once with a certificate; the rest
//! go to the district's officers.

use std::collections::HashMap;

use common::application::ReturnItem;
use common::dto::filings::{
    ApprovalConditions, FilingContact, FilingDecision, FilingQueueItem, FilingView, PermitSummary,
};
use common::geo::BBox;
use common::policy::{Check, EvalContext, Evaluation, Outcome, PolicyApplication, evaluate};
use common::{District, Role};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{permits, shop_filings as sf, users, zones};
use crate::error::{AppError, AppResult};
use crate::models::permit::{NewPermit, Permit};
use crate::models::segment::Segment;
use crate::models::{audit, calendar};
use crate::services::notices::{self, Notice, notify};
use crate::services::policy;

/// Filings that occupy their place or dates (for overlap checks).
/// Filings still in force or on their way to it.
pub const ACTIVE: [&str; 3] = ["filed", "pending_review", "approved"];

#[derive(Debug, Clone, Queryable)]
pub struct Filing {
    pub id: i64,
    pub merchant_id: i64,
    pub kind: String,
    pub status: String,
    pub district_code: String,
    pub segment_id: Option<i64>,
    pub payload: String,
    pub evaluation: String,
    pub outcome: String,
    pub policy_version: i32,
    pub area: Option<String>,
    pub venue_key: Option<String>,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub submitted_at: chrono::NaiveDateTime,
    pub deadline: Option<chrono::NaiveDate>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub decision_reason: String,
    pub return_items: String,
    pub permit_id: Option<i64>,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Filing {
    pub fn application(&self) -> AppResult<PolicyApplication> {
        serde_json::from_str(&self.payload).map_err(|e| AppError::Internal(anyhow::anyhow!("stored filing: {e}")))
    }

    pub fn evaluation(&self) -> AppResult<Evaluation> {
        serde_json::from_str(&self.evaluation)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored evaluation: {e}")))
    }
}

/// Filings the actor may see: merchants their own, officers their district's, admins all.
pub fn visible(actor: &Actor) -> sf::BoxedQuery<'static, crate::db::MultiBackend> {
    let q = sf::table.into_boxed();
    match (actor.role, actor.district) {
        (Role::CityAdmin, _) => q,
        (Role::DistrictOfficer, Some(d)) => q.filter(sf::district_code.eq(d.code())),
        _ => q.filter(sf::merchant_id.eq(actor.user_id)),
    }
}

fn find_visible(c: &mut DbConn, actor: &Actor, id: i64) -> AppResult<Filing> {
    Ok(visible(actor).filter(sf::id.eq(id)).first(c)?)
}

/// Facts the rules need from the database: the segment, other extensions and vending zones
/// near the area, and other events at the venue.
pub fn context(
    c: &mut DbConn,
    app: &PolicyApplication,
    except: Option<i64>,
) -> AppResult<(EvalContext, Option<Segment>, Option<Vec<[f64; 2]>>)> {
    let mut ctx = EvalContext { today: Some(today()), ..Default::default() };
    match app {
        PolicyApplication::CrossStore(f) => {
            let Some(seg) = Segment::find(c, f.segment_id).optional()? else { return Ok((ctx, None, None)) };
            ctx.segment = Some(seg.facts());
            AppError::check(common::policy::check_area_on_segment(f, &seg.line()))?;
            // Neighbours are searched around the rectangle when nothing was drawn, but only a
            // drawn area is stored and compared: without one, where on the segment is unknown.
            let near_area = common::policy::effective_area(f, &seg.line());
            let area = f.area.clone();
            if let Some(a) = &near_area
                && let Some(b) = BBox::of_points(a)
            {
                let near = BBox {
                    min_lon: b.min_lon - 0.003,
                    min_lat: b.min_lat - 0.003,
                    max_lon: b.max_lon + 0.003,
                    max_lat: b.max_lat + 0.003,
                };
                let others: Vec<(i64, Option<String>)> = sf::table
                    .filter(sf::kind.eq("cross_store").and(sf::status.eq_any(ACTIVE)))
                    .filter(sf::segment_id.eq(f.segment_id))
                    .select((sf::id, sf::area))
                    .load(c)?;
                ctx.other_extensions = others
                    .into_iter()
                    .filter(|(id, _)| Some(*id) != except)
                    .filter_map(|(_, a)| a.and_then(|a| serde_json::from_str(&a).ok()))
                    .collect();
                let zs: Vec<(f64, f64, String)> = zones::table
                    .filter(zones::status.ne("closed"))
                    .filter(
                        zones::lon
                            .between(near.min_lon, near.max_lon)
                            .and(zones::lat.between(near.min_lat, near.max_lat)),
                    )
                    .select((zones::lon, zones::lat, zones::geometry))
                    .load(c)?;
                ctx.vending_zones = zs
                    .into_iter()
                    .filter_map(|(_, _, g)| {
                        serde_json::from_str::<Vec<Vec<[f64; 2]>>>(&g).ok().and_then(|mut p| p.drain(..).next())
                    })
                    .collect();
            }
            Ok((ctx, Some(seg), area))
        }
        PolicyApplication::OutdoorPromo(o) => {
            let events: Vec<(i64, chrono::NaiveDate, chrono::NaiveDate)> = sf::table
                .filter(sf::kind.eq("outdoor_promo").and(sf::status.eq_any(ACTIVE)))
                .filter(sf::venue_key.eq(o.venue_key()))
                .select((sf::id, sf::starts_on, sf::ends_on))
                .load(c)?;
            ctx.venue_events =
                events.into_iter().filter(|(id, ..)| Some(*id) != except).map(|(_, a, b)| (a, b)).collect();
            Ok((ctx, None, None))
        }
    }
}

/// Evaluates without storing (the browser's "check now" and the self-check's next step).
pub async fn preview(app: &App, application: PolicyApplication) -> AppResult<Evaluation> {
    AppError::check(application.validate())?;
    app.db
        .run(move |c| {
            let pack = policy::current(c)?;
            let (ctx, ..) = context(c, &application, None)?;
            Ok(evaluate(&pack, &application, &ctx))
        })
        .await
}

fn district_of(app: &PolicyApplication, seg: Option<&Segment>) -> AppResult<District> {
    match app {
        PolicyApplication::CrossStore(_) => seg.map(|s| s.district()).ok_or_else(|| {
            AppError::field(
                "segment_id",
                "unknown_segment",
                "请选择门前所在的路段",
                "Choose the street segment in front of your shop",
            )
        }),
        // Where the promotion is decides who supervises it, not what the shop picked.
        PolicyApplication::OutdoorPromo(o) => super::district_at(o.location).ok_or_else(|| {
            AppError::field(
                "location",
                "outside_city",
                "这个位置不在厦门市的六个区内，请在地图上重新选点",
                "This place is not inside Xiamen's six districts; pick it again on the map",
            )
        }),
    }
}

fn summary_line(app: &PolicyApplication, seg: Option<&Segment>) -> (String, String, String, String, Vec<String>) {
    match app {
        PolicyApplication::CrossStore(f) => (
            "跨店经营备案凭证".into(),
            format!("{}（{}）", f.address, seg.map(|s| s.name.clone()).unwrap_or_default()),
            f.trade.name_zh().into(),
            f.windows
                .iter()
                .map(|w| format!("{}–{}", w.start.format("%H:%M"), w.end.format("%H:%M")))
                .collect::<Vec<_>>()
                .join("、"),
            vec![
                format!("外摆范围：门面 {:.1} 米 × 深 {:.1} 米，以地面标线为准", f.frontage_m, f.depth_m),
                "落实门前三包：保持门前整洁、绿化完好、秩序良好".into(),
                "不得占用盲道、消防通道，保持行人通行宽度".into(),
                "营业结束后及时收回桌椅物品".into(),
            ],
        ),
        PolicyApplication::OutdoorPromo(o) => (
            "外摆促销备案凭证".into(),
            format!("{} {}", o.venue_name, o.address),
            o.description.chars().take(40).collect(),
            format!("{}–{}", o.daily_start.format("%H:%M"), o.daily_end.format("%H:%M")),
            vec![
                "在自有用地红线内开展，不占用人行道、车行道、盲道和消防通道".into(),
                "不使用高音喇叭，不现场烹饪，不使用液化气".into(),
                "临时广告活动结束当日拆除".into(),
            ],
        ),
    }
}

/// Issues the certificate of a filing in effect; an officer's 核定 narrows the area and windows
/// and adds their conditions.
fn issue_permit(c: &mut DbConn, filing_id: i64, approved: Option<&ApprovalConditions>) -> AppResult<Permit> {
    let f: Filing = sf::table.find(filing_id).get_result(c)?;
    let mut application = f.application()?;
    if let (PolicyApplication::CrossStore(x), Some(a)) = (&mut application, approved) {
        x.frontage_m = a.frontage_m.unwrap_or(x.frontage_m);
        x.depth_m = a.depth_m.unwrap_or(x.depth_m);
        if let Some(w) = &a.windows {
            x.windows = w.clone();
        }
    }
    let seg = f.segment_id.map(|s| Segment::find(c, s)).transpose()?;
    let (title, location, trade, hours, mut conditions) = summary_line(&application, seg.as_ref());
    if let Some(note) = approved.map(|a| a.note.trim()).filter(|n| !n.is_empty()) {
        conditions.push(format!("核定条件：{note}"));
    }
    let geometry = f.area.as_deref().and_then(|a| serde_json::from_str(a).ok());
    let t = now();
    let p = NewPermit {
        kind: f.kind.clone(),
        holder_id: f.merchant_id,
        filing_id: Some(f.id),
        application_id: None,
        zone_id: None,
        stall_id: None,
        district_code: f.district_code.clone(),
        title,
        location,
        trade,
        hours,
        conditions,
        geometry,
        valid_from: f.starts_on,
        valid_until: f.ends_on,
    }
    .insert(c, t)?;
    diesel::update(sf::table.find(f.id)).set(sf::permit_id.eq(p.id)).execute(c)?;
    Ok(p)
}

/// Submits a filing. Shape errors are refused (nothing stored); otherwise the server's
/// evaluation decides: filed (certificate at once), pending review, or rejected with reasons.
pub async fn submit(
    app: &App,
    actor: &Actor,
    mut application: PolicyApplication,
    resubmit_of: Option<i64>,
) -> AppResult<FilingView> {
    actor.require(&[Role::Merchant])?;
    AppError::check(application.validate())?;
    // The stored filing names the district its place lies in, whatever the form sent.
    if let PolicyApplication::OutdoorPromo(o) = &mut application
        && let Some(d) = super::district_at(o.location)
    {
        o.district = d;
    }
    let a = actor.clone();
    let id = app
        .db
        .write(move |c| {
            let previous = match resubmit_of {
                Some(id) => {
                    let f = find_visible(c, &a, id)?;
                    if f.status != "returned" {
                        return Err(AppError::conflict("not-returned", "只有被退回的备案可以修改后重新提交", "Only a returned filing can be corrected and resubmitted"));
                    }
                    if f.kind != application.kind() {
                        return Err(AppError::field("kind", "kind_changed", "不能更改备案类型", "The kind of filing cannot change"));
                    }
                    Some(f)
                }
                None => None,
            };
            let pack = policy::current(c)?;
            let (ctx, seg, area) = context(c, &application, resubmit_of)?;
            let district = district_of(&application, seg.as_ref())?;
            let eval = evaluate(&pack, &application, &ctx);
            let status = match eval.outcome {
                Outcome::Filed | Outcome::Exempt => "filed",
                Outcome::NeedsReview => "pending_review",
                Outcome::Rejected => "rejected",
            };
            let t = now();
            let deadline = (status == "pending_review").then(|| calendar::load(c).map(|cal| cal.add_working_days(today(), pack.review_working_days))).transpose()?;
            let (starts, ends) = application.dates();
            let venue = match &application {
                PolicyApplication::OutdoorPromo(o) => Some(o.venue_key()),
                _ => None,
            };
            let segment_id = match &application {
                PolicyApplication::CrossStore(f) => Some(f.segment_id),
                _ => None,
            };
            let values = (
                sf::status.eq(status),
                sf::district_code.eq(district.code()),
                sf::segment_id.eq(segment_id),
                sf::payload.eq(serde_json::to_string(&application).unwrap_or_default()),
                sf::evaluation.eq(serde_json::to_string(&eval).unwrap_or_default()),
                sf::outcome.eq(eval.outcome.as_str()),
                sf::policy_version.eq(eval.pack_version as i32),
                sf::area.eq(area.map(|a| serde_json::to_string(&a).unwrap_or_default())),
                sf::venue_key.eq(venue),
                sf::starts_on.eq(starts),
                sf::ends_on.eq(ends),
                sf::submitted_at.eq(t),
                sf::deadline.eq(deadline),
                sf::updated_at.eq(t),
            );
            let id = match previous {
                Some(f) => {
                    diesel::update(sf::table.find(f.id)).set((values, sf::version.eq(sf::version + 1), sf::return_items.eq("[]"))).execute(c)?;
                    f.id
                }
                None => diesel::insert_into(sf::table)
                    .values((
                        values,
                        sf::merchant_id.eq(a.user_id),
                        sf::kind.eq(application.kind()),
                        sf::decision_reason.eq(""),
                        sf::return_items.eq("[]"),
                        sf::version.eq(1),
                        sf::created_at.eq(t),
                    ))
                    .returning(sf::id)
                    .get_result(c)?,
            };
            let failures: Vec<&str> = eval.failures().map(|r| r.rule_id.as_str()).collect();
            audit::record(
                c,
                t,
                Some(a.user_id),
                &format!("filing.{}", if resubmit_of.is_some() { "resubmitted" } else { "submitted" }),
                "filing",
                &id.to_string(),
                audit::noting_counter(
                    &a,
                    json!({ "outcome": eval.outcome.as_str(), "policy_version": eval.pack_version, "failed_rules": failures }),
                ),
            )?;
            if status == "filed" {
                let p = issue_permit(c, id, None)?;
                audit::record(c, t, None, "filing.filed", "filing", &id.to_string(), json!({ "permit": p.id }))?;
            }
            let reason = |en: bool| {
                eval.failures().map(|r| if en { r.message.en.clone() } else { r.message.zh.clone() }).collect::<Vec<_>>().join(if en { "; " } else { "；" })
            };
            let (dz, de) = deadline.map(|d| (d.format("%-m月%-d日").to_string(), d.format("%-d %b").to_string())).unwrap_or_default();
            let (rz, re) = (reason(false), reason(true));
            let kind = match status {
                "filed" => "filing.filed",
                "pending_review" => "filing.submitted",
                _ => "filing.rejected",
            };
            notify_filing(c, id, kind, &[("deadline", &dz), ("reason", &rz)], &[("deadline", &de), ("reason", &re)])?;
            Ok(id)
        })
        .await?;
    view(app, actor, id).await
}

pub async fn decide(app: &App, actor: &Actor, id: i64, decision: FilingDecision) -> AppResult<FilingView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    AppError::check(decision.validate())?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let filing = find_visible(c, &a, id)?;
            if let FilingDecision::Approve { conditions: Some(cond) } = &decision {
                AppError::check(cond.validate(&filing.application()?))?;
            }
            let t = now();
            let (status, action, reason, items): (&str, &'static str, String, Vec<ReturnItem>) = match &decision {
                FilingDecision::Approve { .. } => ("approved", "filing.approved", String::new(), vec![]),
                FilingDecision::Reject { reason } => ("rejected", "filing.rejected", reason.trim().into(), vec![]),
                FilingDecision::Return { items } => ("returned", "filing.returned", String::new(), items.clone()),
            };
            let n = diesel::update(sf::table.find(id).filter(sf::status.eq("pending_review")))
                .set((
                    sf::status.eq(status),
                    sf::decided_at.eq(t),
                    sf::decided_by.eq(a.user_id),
                    sf::decision_reason.eq(&reason),
                    sf::return_items.eq(serde_json::to_string(&items).unwrap_or_default()),
                    sf::updated_at.eq(t),
                    sf::version.eq(sf::version + 1),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "not-pending",
                    "该备案不在待审核状态（可能已被处理）",
                    "This filing is not awaiting review (perhaps already decided)",
                ));
            }
            let conditions = match &decision {
                FilingDecision::Approve { conditions } => conditions.clone(),
                _ => None,
            };
            audit::record(
                c,
                t,
                Some(a.user_id),
                action,
                "filing",
                &id.to_string(),
                json!({ "reason": reason, "items": items, "conditions": conditions }),
            )?;
            if status == "approved" {
                issue_permit(c, id, conditions.as_ref())?;
            }
            let listed = items.iter().map(|i| i.message.trim().to_string()).collect::<Vec<_>>().join("；");
            notify_filing(c, id, action, &[("reason", &reason), ("items", &listed)], &[])?;
            Ok(())
        })
        .await?;
    view(app, actor, id).await
}

/// After an inspection finds a filed or approved item non-compliant.
pub async fn revoke(app: &App, actor: &Actor, id: i64, reason: String) -> AppResult<FilingView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let mut e = common::validate::Errors::new();
    e.text("reason", "撤销原因", "Reason", &reason, 500);
    AppError::check(e.0)?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let f = find_visible(c, &a, id)?;
            let t = now();
            let n = diesel::update(sf::table.find(id).filter(sf::status.eq_any(["filed", "approved"])))
                .set((
                    sf::status.eq("revoked"),
                    sf::decision_reason.eq(reason.trim()),
                    sf::decided_at.eq(t),
                    sf::decided_by.eq(a.user_id),
                    sf::updated_at.eq(t),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "not-active",
                    "只有已生效的备案可以撤销",
                    "Only a filing in effect can be revoked",
                ));
            }
            if let Some(p) = f.permit_id {
                diesel::update(permits::table.find(p))
                    .set((permits::status.eq("revoked"), permits::updated_at.eq(t)))
                    .execute(c)?;
            }
            audit::record(
                c,
                t,
                Some(a.user_id),
                "filing.revoked",
                "filing",
                &id.to_string(),
                json!({ "reason": reason.trim() }),
            )?;
            notify_filing(c, id, "filing.revoked", &[("reason", reason.trim())], &[])?;
            Ok(())
        })
        .await?;
    view(app, actor, id).await
}

pub async fn view(app: &App, actor: &Actor, id: i64) -> AppResult<FilingView> {
    let a = actor.clone();
    let vault = app.vault.clone();
    app.db.run(move |c| build_view(c, &vault, &a, id)).await
}

fn build_view(c: &mut DbConn, vault: &crate::vault::Keyring, actor: &Actor, id: i64) -> AppResult<FilingView> {
    let f = find_visible(c, actor, id)?;
    let (merchant, phone, contact_name, credit_code): (String, Option<String>, Option<String>, Option<String>) =
        users::table
            .find(f.merchant_id)
            .select((users::display_name, users::phone, users::contact_name, users::credit_code))
            .get_result(c)?;
    // find_visible already limits this to the shop itself and the officers of the filing's district.
    let contact = Some(FilingContact { name: contact_name, phone: vault.open_opt(phone.as_deref()), credit_code });
    let segment = f.segment_id.map(|s| Segment::find(c, s)).transpose()?.map(|s| s.to_view());
    let permit = match f.permit_id {
        Some(p) => {
            let p = Permit::find(c, p)?;
            Some(PermitSummary {
                id: p.id,
                kind: p.kind.clone(),
                status: p.effective_status(today()).to_string(),
                verify_code: p.verify_code.clone(),
                title: p.title.clone(),
                location: p.location.clone(),
                valid_from: p.valid_from,
                valid_until: p.valid_until,
            })
        }
        None => None,
    };
    let working_days_left = match f.deadline {
        Some(d) if f.status == "pending_review" => Some(calendar::load(c)?.working_days_between(today(), d)),
        _ => None,
    };
    Ok(FilingView {
        id: f.id,
        kind: f.kind.clone(),
        status: f.status.clone(),
        district: District::from_code(&f.district_code).unwrap_or(District::Siming),
        application: f.application()?,
        evaluation: f.evaluation()?,
        policy_version: f.policy_version as u32,
        merchant,
        submitted_at: f.submitted_at,
        deadline: f.deadline,
        working_days_left,
        decision_reason: f.decision_reason.clone(),
        return_items: serde_json::from_str(&f.return_items).unwrap_or_default(),
        permit,
        history: history(c, id)?,
        notices: notices::for_subject(c, &format!("filing:{id}"), None)?,
        version: f.version,
        segment,
        contact,
    })
}

/// Tells the shop what became of its filing (the kind's text, filled with `vars`).
fn notify_filing(
    c: &mut DbConn,
    id: i64,
    kind: &'static str,
    vars: &[(&str, &str)],
    vars_en: &[(&str, &str)],
) -> AppResult<()> {
    let (merchant, filing_kind, version): (i64, String, i32) =
        sf::table.find(id).select((sf::merchant_id, sf::kind, sf::version)).first(c)?;
    let name = common::dto::filings::filing_kind_name(&filing_kind);
    let (case, id_s) = (common::dto::cases::CaseKind::CrossStore.number(id), id.to_string());
    let mut all: Vec<(&str, &str)> = vec![("case", &case), ("kind", &name.zh), ("id", &id_s)];
    all.extend_from_slice(vars);
    let mut en: Vec<(&str, &str)> = vec![("kind", &name.en)];
    en.extend_from_slice(vars_en);
    notify(c, Notice::of(kind, merchant, format!("filing:{id}"), format!("{kind}:{id}:v{version}"), &all, &en))?;
    Ok(())
}

fn history(c: &mut DbConn, id: i64) -> AppResult<Vec<common::dto::applications::CaseEvent>> {
    Ok(audit::case_events(c, "filing", id)?)
}

pub async fn mine(app: &App, actor: &Actor) -> AppResult<Vec<FilingView>> {
    let uid = actor.user_id;
    let ids: Vec<i64> = app
        .db
        .run(move |c| Ok(sf::table.filter(sf::merchant_id.eq(uid)).order(sf::id.desc()).select(sf::id).load(c)?))
        .await?;
    let mut out = Vec::new();
    for id in ids {
        out.push(view(app, actor, id).await?);
    }
    Ok(out)
}

/// The officer's queue of filings awaiting review, overdue first.
pub async fn queue(app: &App, actor: &Actor) -> AppResult<Vec<FilingQueueItem>> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let a = actor.clone();
    app.db
        .run(move |c| {
            let rows: Vec<Filing> =
                visible(&a).filter(sf::status.eq("pending_review")).order(sf::deadline.asc()).limit(500).load(c)?;
            let cal = calendar::load(c)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.merchant_id).collect();
            let names: HashMap<i64, String> = users::table
                .filter(users::id.eq_any(&ids))
                .select((users::id, users::display_name))
                .load(c)?
                .into_iter()
                .collect();
            let mut items: Vec<FilingQueueItem> = rows
                .iter()
                .map(|f| {
                    let left = f.deadline.map(|d| cal.working_days_between(today(), d));
                    let place = match f.application() {
                        Ok(PolicyApplication::CrossStore(x)) => x.address,
                        Ok(PolicyApplication::OutdoorPromo(x)) => format!("{} {}", x.venue_name, x.address),
                        Err(_) => String::new(),
                    };
                    FilingQueueItem {
                        id: f.id,
                        kind: f.kind.clone(),
                        status: f.status.clone(),
                        merchant: names.get(&f.merchant_id).cloned().unwrap_or_default(),
                        place,
                        district: District::from_code(&f.district_code).unwrap_or(District::Siming),
                        submitted_at: f.submitted_at,
                        deadline: f.deadline,
                        working_days_left: left,
                        overdue: left.is_some_and(|l| l < 0),
                        for_officer: f
                            .evaluation()
                            .map(|e| {
                                e.results
                                    .iter()
                                    .filter(|r| r.check == Check::ForOfficer)
                                    .map(|r| r.rule_id.clone())
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect();
            items.sort_by_key(|i| (!i.overdue, i.deadline, i.id));
            Ok(items)
        })
        .await
}

/// Cross-storefront areas and filed items in effect (for the map of a segment).
pub fn active_areas(c: &mut DbConn, segment_id: i64) -> AppResult<Vec<Vec<[f64; 2]>>> {
    let rows: Vec<Option<String>> =
        sf::table.filter(sf::segment_id.eq(segment_id).and(sf::status.eq_any(ACTIVE))).select(sf::area).load(c)?;
    Ok(rows.into_iter().flatten().filter_map(|a| serde_json::from_str(&a).ok()).collect())
}
