//! Officers on site: photos as evidence, an inspection of a permit or a zone with the pack's
//! checklist, violations charged from the catalogue (首违免罚 for a first minor breach), appeals
//! that pause a violation until decided, and points lapsing after a clean period.

use common::dto::lifecycle::{
    AppealDecision, AppealInput, AppealQueueItem, EvidenceReceipt, InspectionInput, InspectionResult, SupervisionQueue,
    TransferQueueItem,
};
use common::policy::supervision::{LedgerEntry, ViolationStatus};
use common::{Role, Text, mask};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::{Actor, limits};
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{
    appeals, complaints, evidence, inspections, permit_transfers as tr, permits, users, violations, zones,
};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::permit::Permit;
use crate::services::notices::{Notice, notify};
use crate::services::permits::{Violation, apply_standing, build_view, find_visible, ledger};
use crate::services::policy;

/// Stores a photo (JPEG or PNG, checked by its bytes) and returns its evidence id.
/// A photo from a signed-in person (an officer on site, a vendor, a reporter with an account),
/// at most `UPLOAD_PER_ACCOUNT` an hour each.
pub async fn upload_evidence(app: &App, actor: &Actor, bytes: Vec<u8>) -> AppResult<EvidenceReceipt> {
    let by = actor.user_id;
    // The place is taken before the file is written, so a flood stops at the limit.
    app.db.write(move |c| limits::take(c, limits::UPLOAD_PER_ACCOUNT, &by.to_string(), now())).await?;
    store_photo(app, bytes, Some(by), |_, _| Ok(())).await
}

/// Checks a photo by the shared rule, stores the file and writes its evidence row; `then` runs in
/// the same transaction with the new row's id (to attach it to a report, say).
pub async fn store_photo(
    app: &App,
    bytes: Vec<u8>,
    by: Option<i64>,
    then: impl FnOnce(&mut crate::db::DbConn, i64) -> AppResult<()> + Send + 'static,
) -> AppResult<EvidenceReceipt> {
    let format = common::application::check_upload("file", &bytes[..bytes.len().min(16)], bytes.len() as u64)
        .map_err(|e| AppError::Validation(vec![e]))?;
    if format == common::application::DocFormat::Pdf {
        return Err(AppError::field("file", "not_photo", "请上传照片（JPEG 或 PNG）", "Upload a photo (JPEG or PNG)"));
    }
    // Stored without its metadata: a phone's photo says where it was taken, and by what.
    let crate::files::Stored { sha256: sha, size } = crate::files::store(app, bytes, true).await?;
    let s = sha.clone();
    let id = app
        .db
        .write(move |c| {
            let id = diesel::insert_into(evidence::table)
                .values((
                    evidence::sha256.eq(&s),
                    evidence::content_type.eq(format.content_type()),
                    evidence::size_bytes.eq(size),
                    evidence::uploaded_by.eq(by),
                    evidence::created_at.eq(now()),
                ))
                .returning(evidence::id)
                .get_result::<i64>(c)?;
            then(c, id)?;
            Ok(id)
        })
        .await?;
    Ok(EvidenceReceipt { id, sha256: sha, content_type: format.content_type().into() })
}

/// A photo, for staff, or for the holder of a permit whose inspection it documents.
pub async fn evidence_file(app: &App, actor: &Actor, id: i64) -> AppResult<(String, Vec<u8>)> {
    let a = actor.clone();
    let (sha, ct) = app
        .db
        .run(move |c| {
            let (sha, ct, by): (String, String, Option<i64>) = evidence::table
                .find(id)
                .select((evidence::sha256, evidence::content_type, evidence::uploaded_by))
                .first(c)?;
            // The uploader and admins; an officer when it is evidence of their district (an
            // inspection there, or a complaint routed there); a holder when it is on their permit.
            let cites = |lists: Vec<String>| {
                lists.iter().any(|l| serde_json::from_str::<Vec<i64>>(l).unwrap_or_default().contains(&id))
            };
            let allowed = a.is_admin()
                || by == Some(a.user_id)
                || match a.district.filter(|_| a.is_staff()) {
                    Some(d) => {
                        let here: Vec<String> = inspections::table
                            .filter(inspections::district_code.eq(d.code()))
                            .select(inspections::evidence_ids)
                            .load(c)?;
                        let complaint: i64 = complaints::table
                            .filter(complaints::district_code.eq(d.code()).and(complaints::evidence_id.eq(id)))
                            .count()
                            .get_result(c)?;
                        cites(here)
                            || complaint > 0
                            || crate::services::helpers::is_helper_photo_in(c, id, d.code())?
                            || crate::services::transfers::is_succession_document_in(c, id, d.code())?
                    }
                    None => cites(
                        inspections::table
                            .inner_join(permits::table.on(permits::id.nullable().eq(inspections::permit_id)))
                            .filter(permits::holder_id.eq(a.user_id))
                            .select(inspections::evidence_ids)
                            .load(c)?,
                    ),
                };
            if !allowed {
                return Err(AppError::NotFound);
            }
            Ok((sha, ct))
        })
        .await?;
    Ok((ct, crate::files::read(app, &sha).await?))
}

/// Records an inspection; each violation is charged against the permit's ledger in turn.
pub async fn record(app: &App, actor: &Actor, input: InspectionInput) -> AppResult<InspectionResult> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let pack = policy::current(c)?;
            let sp = pack.supervision.clone();
            let mut problems = input.validate(|code| sp.violation(code).is_some());
            for (i, item) in input.checklist.iter().enumerate() {
                if !sp.checklist.iter().any(|x| x.id == item.id) {
                    problems.push(common::FieldError::new(format!("checklist[{i}]"), "unknown", "未知的检查项", "Unknown checklist item"));
                }
            }
            let answers: Vec<(String, bool)> = input.checklist.iter().map(|a| (a.id.clone(), a.ok)).collect();
            problems.extend(sp.check_consistency(&answers, &input.violations));
            // Only photos this officer took: an id of another district's photo must not open it.
            let owned: i64 = evidence::table
                .filter(evidence::id.eq_any(&input.evidence_ids))
                .filter(evidence::uploaded_by.eq(a.user_id))
                .count()
                .get_result(c)?;
            if owned != input.evidence_ids.len() as i64 {
                problems.push(common::FieldError::new("evidence_ids", "unknown", "照片不存在，请重新上传", "A photo was not found; upload it again"));
            }
            AppError::check(problems)?;
            // The target, seen through the officer's district.
            let permit = match (&input.permit_code, input.permit_id) {
                (Some(code), _) => {
                    let id: Option<i64> = permits::table.filter(permits::verify_code.eq(code.trim().to_ascii_uppercase())).select(permits::id).first(c).optional()?;
                    Some(find_visible(c, &a, id.ok_or(AppError::NotFound)?)?)
                }
                (None, Some(id)) => Some(find_visible(c, &a, id)?),
                _ => None,
            };
            let district = match (&permit, input.zone_id) {
                (Some(p), _) => p.district_code.clone(),
                (None, Some(z)) => {
                    let d: String = zones::table.find(z).select(zones::district_code).get_result(c)?;
                    if a.role == Role::DistrictOfficer && a.district.map(|x| x.code()) != Some(d.as_str()) {
                        return Err(AppError::NotFound);
                    }
                    d
                }
                _ => unreachable!("validated: one target"),
            };
            let present = input.present.as_deref().and_then(common::dto::lifecycle::Present::parse);
            if let (Some(p), Some(who)) = (&permit, present) {
                crate::services::helpers::check_present(c, p, who)?;
            }
            if let Some(p) = &permit
                && !input.violations.is_empty()
                && !matches!(p.effective_status(today()), "valid" | "suspended")
            {
                return Err(AppError::conflict("not-in-force", "该许可已不在有效期内，不能记录违规", "This permit is no longer in force; no violation can be recorded"));
            }
            let t = now();
            let result = if input.violations.is_empty() { "compliant" } else { "violation" };
            let inspection_id: i64 = diesel::insert_into(inspections::table)
                .values((
                    inspections::officer_id.eq(a.user_id),
                    inspections::district_code.eq(&district),
                    inspections::permit_id.eq(permit.as_ref().map(|p| p.id)),
                    inspections::zone_id.eq(input.zone_id.or(permit.as_ref().and_then(|p| p.zone_id))),
                    inspections::checklist.eq(serde_json::to_string(&input.checklist).unwrap_or_default()),
                    inspections::notes.eq(input.notes.trim()),
                    inspections::result.eq(result),
                    inspections::evidence_ids.eq(serde_json::to_string(&input.evidence_ids).unwrap_or_default()),
                    inspections::lon.eq(input.location.map(|p| p[0])),
                    inspections::lat.eq(input.location.map(|p| p[1])),
                    inspections::policy_version.eq(pack.version as i32),
                    inspections::created_at.eq(t),
                    inspections::present.eq(present.map(|w| w.as_string()).unwrap_or_default()),
                ))
                .returning(inspections::id)
                .get_result(c)?;
            let Some(p) = permit else {
                audit::record(c, t, Some(a.user_id), "zone.inspected", "zone", &input.zone_id.unwrap_or_default().to_string(), json!({ "inspection": inspection_id }))?;
                return Ok(InspectionResult { inspection_id, permit: None });
            };
            audit::record(c, t, Some(a.user_id), "permit.inspected", "permit", &p.id.to_string(), json!({ "inspection": inspection_id, "result": result, "present": present.map(|w| w.as_string()) }))?;
            if present == Some(common::dto::lifecycle::Present::SomeoneElse) {
                crate::services::helpers::after_someone_else(c, &p)?;
            }
            let d = today();
            for code in &input.violations {
                let entries: Vec<LedgerEntry> = ledger(c, p.id)?.iter().map(Violation::entry).collect();
                let charge = sp.charge(code, &entries).expect("validated code");
                let lapses = sp.lapses_on(d);
                // A new breach restarts the clean period for everything still counting.
                diesel::update(violations::table.filter(violations::permit_id.eq(p.id)).filter(violations::status.eq_any(["active", "appealed"])))
                    .set(violations::lapses_on.eq(lapses))
                    .execute(c)?;
                let vid: i64 = diesel::insert_into(violations::table)
                    .values((
                        violations::permit_id.eq(p.id),
                        violations::inspection_id.eq(inspection_id),
                        violations::code.eq(code),
                        violations::points.eq(charge.points as i32),
                        violations::waived.eq(charge.waived),
                        violations::status.eq(ViolationStatus::Active.as_str()),
                        violations::appeal_until.eq(sp.appeal_until(d)),
                        violations::lapses_on.eq(lapses),
                        violations::district_code.eq(&p.district_code),
                        violations::created_at.eq(t),
                        violations::updated_at.eq(t),
                    ))
                    .returning(violations::id)
                    .get_result(c)?;
                let title = sp.violation(code).map(|v| v.title.clone()).unwrap_or_else(|| Text::new(code.clone(), code.clone()));
                audit::record(c, t, Some(a.user_id), "permit.violation_recorded", "permit", &p.id.to_string(),
                    json!({ "violation": vid, "code": code, "points": charge.points, "waived": charge.waived, "reason": title.zh }))?;
                let (zh, en) = if charge.waived {
                    (format!("{}：首次轻微违规，不扣分，请及时改正。", title.zh), format!("{}: a first minor breach, no points; please put it right.", title.en))
                } else {
                    (format!("{}：扣 {} 分。可在 {} 前提出申诉。", title.zh, charge.points, sp.appeal_until(d)),
                        format!("{}: {} points. You may appeal until {}.", title.en, charge.points, sp.appeal_until(d)))
                };
                notify(c, Notice {
                    user_id: p.holder_id,
                    kind: "permit.violation",
                    title: Text::new("检查发现违规", "Violation recorded"),
                    body: Text::new(zh, en),
                    link: format!("/permits/{}", p.id),
                    dedupe_key: format!("permit.violation:{vid}"),
                    subject: format!("permit:{}", p.id),
                })?;
                apply_standing(c, p.id, &sp)?;
            }
            Ok(InspectionResult { inspection_id, permit: Some(build_view(c, &a, p.id)?) })
        })
        .await
}

/// The holder appeals a violation within the period; it stops counting until decided.
pub async fn appeal(
    app: &App,
    actor: &Actor,
    violation_id: i64,
    input: AppealInput,
) -> AppResult<common::dto::lifecycle::PermitView> {
    let mut e = common::validate::Errors::new();
    e.text("reason", "申诉理由", "Reason", &input.reason, 1000);
    AppError::check(e.0)?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let v: Violation = violations::table.find(violation_id).get_result(c)?;
            let p = find_visible(c, &a, v.permit_id)?;
            if p.holder_id != a.user_id {
                return Err(AppError::NotFound);
            }
            if v.waived || today() > v.appeal_until {
                return Err(AppError::conflict(
                    "not-appealable",
                    "该记录不能申诉（未扣分或已过申诉期）",
                    "This record cannot be appealed (no points, or the period has passed)",
                ));
            }
            let n = diesel::update(violations::table.find(violation_id).filter(violations::status.eq("active")))
                .set((violations::status.eq("appealed"), violations::updated_at.eq(now())))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "not-appealable",
                    "该记录已在申诉中或已不计分",
                    "This record is already under appeal or no longer counts",
                ));
            }
            let t = now();
            let decide_by = policy::current(c)?.supervision.decide_appeal_by(today());
            diesel::insert_into(appeals::table)
                .values((
                    appeals::decide_by.eq(Some(decide_by)),
                    appeals::violation_id.eq(violation_id),
                    appeals::holder_id.eq(a.user_id),
                    appeals::reason.eq(input.reason.trim()),
                    appeals::status.eq("pending"),
                    appeals::decision_note.eq(""),
                    appeals::district_code.eq(&p.district_code),
                    appeals::created_at.eq(t),
                ))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(a.user_id),
                "permit.appealed",
                "permit",
                &p.id.to_string(),
                json!({ "violation": violation_id, "reason": input.reason.trim(), "decide_by": decide_by }),
            )?;
            let sp = policy::current(c)?.supervision;
            apply_standing(c, p.id, &sp)?;
            build_view(c, &a, p.id)
        })
        .await
}

/// An officer of the district decides an appeal: the violation stands or is set aside.
pub async fn decide_appeal(
    app: &App,
    actor: &Actor,
    appeal_id: i64,
    d: AppealDecision,
) -> AppResult<common::dto::lifecycle::PermitView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    AppError::check(d.validate())?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let violation_id: i64 = appeals::table.find(appeal_id).select(appeals::violation_id).get_result(c)?;
            let v: Violation = violations::table.find(violation_id).get_result(c)?;
            let p = find_visible(c, &a, v.permit_id)?;
            // Separation of duties: whoever recorded the breach does not judge the appeal against it.
            let recorder: i64 =
                inspections::table.find(v.inspection_id).select(inspections::officer_id).get_result(c)?;
            if recorder == a.user_id {
                return Err(AppError::conflict(
                    "recorded-by-you",
                    "申诉须由记录该违规以外的执法人员办理",
                    "An appeal is decided by an officer other than the one who recorded the violation",
                ));
            }
            let t = now();
            let (status, vstatus) = if d.overturn { ("overturned", "overturned") } else { ("upheld", "active") };
            let n = diesel::update(appeals::table.find(appeal_id).filter(appeals::status.eq("pending")))
                .set((
                    appeals::status.eq(status),
                    appeals::decided_by.eq(a.user_id),
                    appeals::decided_at.eq(t),
                    appeals::decision_note.eq(d.note.trim()),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict("not-pending", "该申诉已处理", "This appeal was already decided"));
            }
            diesel::update(violations::table.find(violation_id).filter(violations::status.eq("appealed")))
                .set((violations::status.eq(vstatus), violations::updated_at.eq(t)))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(a.user_id),
                &format!("permit.appeal_{status}"),
                "permit",
                &p.id.to_string(),
                json!({ "violation": violation_id, "reason": d.note.trim() }),
            )?;
            notify(
                c,
                Notice {
                    user_id: p.holder_id,
                    kind: "permit.appeal",
                    title: if d.overturn {
                        Text::new("申诉成立", "Appeal upheld")
                    } else {
                        Text::new("申诉未获支持", "Appeal not upheld")
                    },
                    body: Text::new(d.note.trim().to_string(), d.note.trim().to_string()),
                    link: format!("/permits/{}", p.id),
                    dedupe_key: format!("permit.appeal:{appeal_id}"),
                    subject: format!("permit:{}", p.id),
                },
            )?;
            let sp = policy::current(c)?.supervision;
            apply_standing(c, p.id, &sp)?;
            build_view(c, &a, p.id)
        })
        .await
}

/// Scheduled: points lapse after the clean period; permits suspended for points come back.
pub async fn lapse_due(app: &App) -> AppResult<usize> {
    app.db
        .write(|c| {
            let due: Vec<(i64, i64)> = violations::table
                .filter(violations::status.eq("active"))
                .filter(violations::lapses_on.lt(today()))
                .select((violations::id, violations::permit_id))
                .load(c)?;
            let sp = policy::current(c)?.supervision;
            let mut n = 0;
            let mut touched = std::collections::BTreeSet::new();
            for (vid, pid) in due {
                n += diesel::update(violations::table.find(vid).filter(violations::status.eq("active")))
                    .set((violations::status.eq("lapsed"), violations::updated_at.eq(now())))
                    .execute(c)?;
                touched.insert(pid);
            }
            for pid in touched {
                audit::record(c, now(), None, "permit.points_lapsed", "permit", &pid.to_string(), json!({}))?;
                apply_standing(c, pid, &sp)?;
            }
            Ok(n)
        })
        .await
}

/// Staff work list for the district: appeals, transfers, and (admins) revocation proposals.
pub async fn queue(app: &App, actor: &Actor) -> AppResult<SupervisionQueue> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let a = actor.clone();
    app.db
        .run(move |c| {
            let sp = policy::current(c)?.supervision;
            let district = if a.role == Role::DistrictOfficer { a.district.map(|d| d.code()) } else { None };
            let mut q = appeals::table
                .inner_join(violations::table.inner_join(inspections::table))
                .filter(appeals::status.eq("pending"))
                .select((
                    appeals::id,
                    violations::permit_id,
                    appeals::holder_id,
                    violations::code,
                    violations::points,
                    appeals::reason,
                    appeals::created_at,
                    appeals::decide_by,
                    inspections::officer_id,
                ))
                .order(appeals::id.asc())
                .into_boxed();
            if let Some(d) = district {
                q = q.filter(appeals::district_code.eq(d));
            }
            type Row = (i64, i64, i64, String, i32, String, chrono::NaiveDateTime, Option<chrono::NaiveDate>, i64);
            let rows: Vec<Row> = q.load(c)?;
            let mut appeals_out = Vec::new();
            for (id, permit_id, holder, code, points, reason, created_at, decide_by, recorder) in rows {
                let name: String = users::table.find(holder).select(users::display_name).get_result(c)?;
                appeals_out.push(AppealQueueItem {
                    id,
                    permit_id,
                    holder: mask::name(&name),
                    violation: sp
                        .violation(&code)
                        .map(|v| v.title.clone())
                        .unwrap_or_else(|| Text::new(code.clone(), code.clone())),
                    points: points.max(0) as u32,
                    reason,
                    created_at,
                    decide_by,
                    recorded_by_you: recorder == a.user_id,
                });
            }
            let mut q = tr::table
                .filter(tr::status.eq("pending"))
                .select((
                    tr::id,
                    tr::permit_id,
                    tr::from_id,
                    tr::to_id,
                    tr::relation,
                    tr::created_at,
                    tr::kind,
                    tr::cause,
                    tr::document_ids,
                    tr::requested_by,
                ))
                .order(tr::id.asc())
                .into_boxed();
            if let Some(d) = district {
                q = q.filter(tr::district_code.eq(d));
            }
            type TransferRow = (i64, i64, i64, i64, String, chrono::NaiveDateTime, String, String, String, Option<i64>);
            let rows: Vec<TransferRow> = q.load(c)?;
            let mut transfers = Vec::new();
            for (id, permit_id, from, to, relation, created_at, kind, cause, documents, requested_by) in rows {
                let names: Vec<(i64, String)> = users::table
                    .filter(users::id.eq_any([from, to]))
                    .select((users::id, users::display_name))
                    .load(c)?;
                let name = |u: i64| names.iter().find(|n| n.0 == u).map(|n| mask::name(&n.1)).unwrap_or_default();
                transfers.push(TransferQueueItem {
                    id,
                    permit_id,
                    from: name(from),
                    to: name(to),
                    relation,
                    created_at,
                    kind,
                    cause,
                    document_ids: serde_json::from_str(&documents).unwrap_or_default(),
                    recorded_by_you: requested_by == Some(a.user_id),
                });
            }
            let proposals: Vec<Permit> = if a.role == Role::CityAdmin {
                permits::table.filter(permits::revocation_proposed.eq(true)).order(permits::id.asc()).load(c)?
            } else {
                Vec::new()
            };
            let revocation_proposals = crate::services::permits::summary_rows(c, proposals, &sp)?;
            let (helpers, reviews) = crate::services::helpers::queue(c, &a)?;
            Ok(SupervisionQueue { appeals: appeals_out, transfers, revocation_proposals, helpers, reviews })
        })
        .await
}

/// The district of a permit found by code, for a scan on site (officers only see their own).
pub fn permit_by_code(c: &mut DbConn, actor: &Actor, code: &str) -> AppResult<Permit> {
    let id: i64 = permits::table
        .filter(permits::verify_code.eq(code.trim().to_ascii_uppercase()))
        .select(permits::id)
        .first(c)
        .optional()?
        .ok_or(AppError::NotFound)?;
    find_visible(c, actor, id)
}
