//! Passing a stall permit on: a transfer the holder asks for (to a family member of the pack's
//! `transfer_relations`), and succession (顶替) when the holder has died or can no longer work,
//! recorded by an officer with the documents and decided by another officer. Both move the
//! permit and its stall to the family member's account.

use common::Role;
use common::Text;
use common::dto::lifecycle::{PermitView, SuccessionRequest, TransferDecision, TransferRequest};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::now;
use crate::db::DbConn;
use crate::db::schema::{evidence, permit_transfers as tr, permits, stalls, users};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::permit::Permit;
use crate::services::notices::{Notice, notify};
use crate::services::permits::{build_view, find_visible, not_holder, params};

/// The holder asks to pass the stall to a family member who has a vendor account.
pub async fn request_transfer(app: &App, actor: &Actor, id: i64, r: TransferRequest) -> AppResult<PermitView> {
    let a = actor.clone();
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let v = build_view(c, &a, id)?;
            let p = Permit::find(c, id)?;
            if p.holder_id != a.user_id {
                return Err(not_holder());
            }
            let (_, sp) = params(c)?;
            let mut e = common::validate::Errors::new();
            if !sp.transfer_relations.contains(&r.relation) {
                e.add("relation", "not_allowed", "只能转给配偶、子女或父母", "Only to a spouse, child or parent");
            }
            if r.note.chars().count() > 500 {
                e.add("note", "too_long", "说明最多 500 字", "Note: at most 500 characters");
            }
            let to = successor(c, &vault, &r.to_phone, p.holder_id, &mut e)?;
            AppError::check(e.0)?;
            if !v.can_transfer {
                return Err(AppError::conflict(
                    "not-transferable",
                    "该许可现在不能转让（须为有效的摊位许可，且没有待审批的转让）",
                    "This permit cannot be transferred now",
                ));
            }
            let to_id = to.expect("checked above");
            let t = now();
            diesel::insert_into(tr::table)
                .values((
                    tr::permit_id.eq(id),
                    tr::from_id.eq(a.user_id),
                    tr::to_id.eq(to_id),
                    tr::relation.eq(&r.relation),
                    tr::status.eq("pending"),
                    tr::note.eq(r.note.trim()),
                    tr::district_code.eq(&p.district_code),
                    tr::created_at.eq(t),
                ))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(a.user_id),
                "permit.transfer_requested",
                "permit",
                &id.to_string(),
                json!({ "relation": r.relation }),
            )?;
            build_view(c, &a, id)
        })
        .await
}

/// An officer of the district approves or refuses a transfer.
pub async fn decide_transfer(app: &App, actor: &Actor, transfer_id: i64, d: TransferDecision) -> AppResult<PermitView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    AppError::check(d.validate())?;
    let a = actor.clone();
    app.db
        .write(move |c| {
            let (permit_id, from, to, relation, requested_by): (i64, i64, i64, String, Option<i64>) = tr::table
                .find(transfer_id)
                .select((tr::permit_id, tr::from_id, tr::to_id, tr::relation, tr::requested_by))
                .get_result(c)?;
            let p = find_visible(c, &a, permit_id)?;
            if requested_by == Some(a.user_id) {
                return Err(AppError::conflict(
                    "recorded-by-you",
                    "顶替须由记录申请以外的执法人员审批",
                    "A succession is decided by an officer other than the one who recorded it",
                ));
            }
            let t = now();
            let status = if d.approve { "approved" } else { "rejected" };
            let n = diesel::update(tr::table.find(transfer_id).filter(tr::status.eq("pending")))
                .set((
                    tr::status.eq(status),
                    tr::decided_by.eq(a.user_id),
                    tr::decided_at.eq(t),
                    tr::note.eq(d.note.trim()),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict("not-pending", "该转让申请已处理", "This transfer was already decided"));
            }
            if d.approve {
                let moved = diesel::update(
                    permits::table
                        .find(permit_id)
                        .filter(permits::holder_id.eq(from))
                        .filter(permits::status.eq("valid")),
                )
                .set((permits::holder_id.eq(to), permits::updated_at.eq(t), permits::version.eq(permits::version + 1)))
                .execute(c)?;
                if moved == 0 {
                    return Err(AppError::conflict(
                        "not-in-force",
                        "该许可已不在有效状态，不能转让",
                        "The permit is no longer valid and cannot be transferred",
                    ));
                }
                if let Some(stall) = p.stall_id {
                    diesel::update(stalls::table.find(stall).filter(stalls::holder_id.eq(from)))
                        .set((stalls::holder_id.eq(to), stalls::updated_at.eq(t)))
                        .execute(c)?;
                }
            }
            audit::record(
                c,
                t,
                Some(a.user_id),
                &format!("permit.transfer_{status}"),
                "permit",
                &permit_id.to_string(),
                json!({ "relation": relation, "reason": d.note.trim() }),
            )?;
            let title = if d.approve {
                Text::new("摊位转让已批准", "Transfer approved")
            } else {
                Text::new("摊位转让未获批准", "Transfer refused")
            };
            for uid in [from, to] {
                notify(
                    c,
                    Notice {
                        user_id: uid,
                        kind: "permit.transfer",
                        title: title.clone(),
                        body: Text::new(
                            format!("{}：{}", p.title, d.note.trim()),
                            format!("{}: {}", p.title, d.note.trim()),
                        ),
                        link: format!("/permits/{permit_id}"),
                        dedupe_key: format!("permit.transfer:{transfer_id}:{uid}"),
                        subject: format!("permit:{permit_id}"),
                    },
                )?;
            }
            build_view(c, &a, permit_id)
        })
        .await
}

/// The vendor account a permit would pass to, by its phone; problems go on `to_phone`.
fn successor(
    c: &mut DbConn,
    vault: &crate::vault::Keyring,
    to_phone: &str,
    holder: i64,
    e: &mut common::validate::Errors,
) -> AppResult<Option<i64>> {
    let to: Option<i64> =
        users::table
            .filter(users::phone_lookup.eq_any(
                vault.lookups(crate::vault::PHONE, &common::validate::check_mobile(to_phone).unwrap_or_default()),
            ))
            .filter(users::role.eq(Role::Vendor.as_str()))
            .select(users::id)
            .first(c)
            .optional()?;
    match to {
        None => e.add(
            "to_phone",
            "unknown",
            "该手机号没有注册摊贩账号，请家人先注册",
            "No vendor account has this number; ask them to register first",
        ),
        Some(to_id) if to_id == holder => {
            e.add("to_phone", "self", "不能转给持证人本人", "That is the holder's own account")
        }
        Some(to_id) => {
            let holds: i64 = stalls::table.filter(stalls::holder_id.eq(to_id)).count().get_result(c)?;
            if holds > 0 {
                e.add("to_phone", "holds_stall", "对方已持有摊位", "They already hold a stall");
            }
        }
    }
    Ok(to)
}

/// Succession (顶替): an officer of the district records that the holder has died or can no
/// longer work and a family member the pack allows takes over, with the documents photographed.
/// Another officer decides it like a transfer.
pub async fn request_succession(app: &App, actor: &Actor, id: i64, r: SuccessionRequest) -> AppResult<PermitView> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let a = actor.clone();
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let p = find_visible(c, &a, id)?;
            let (_, sp) = params(c)?;
            let mut e = common::validate::Errors(r.validate(&sp.succession_relations));
            let to = successor(c, &vault, &r.to_phone, p.holder_id, &mut e)?;
            // Only photos this officer took (an id of someone else's photo opens nothing).
            let owned: i64 = evidence::table
                .filter(evidence::id.eq_any(&r.document_ids))
                .filter(evidence::uploaded_by.eq(a.user_id))
                .count()
                .get_result(c)?;
            if !r.document_ids.is_empty() && owned != r.document_ids.len() as i64 {
                e.add("document_ids", "unknown", "照片不存在，请重新上传", "A photo was not found; upload it again");
            }
            AppError::check(e.0)?;
            if p.kind != "stall" || p.status != "valid" {
                return Err(AppError::conflict(
                    "not-transferable",
                    "只有有效的摊位许可可以顶替",
                    "Only a valid stall permit can pass on",
                ));
            }
            let pending: i64 =
                tr::table.filter(tr::permit_id.eq(id).and(tr::status.eq("pending"))).count().get_result(c)?;
            if pending > 0 {
                return Err(AppError::conflict(
                    "not-transferable",
                    "该许可已有待审批的转让或顶替",
                    "This permit already has a transfer or succession waiting",
                ));
            }
            let to_id = to.expect("checked above");
            let t = now();
            diesel::insert_into(tr::table)
                .values((
                    tr::permit_id.eq(id),
                    tr::from_id.eq(p.holder_id),
                    tr::to_id.eq(to_id),
                    tr::relation.eq(&r.relation),
                    tr::status.eq("pending"),
                    tr::note.eq(r.note.trim()),
                    tr::district_code.eq(&p.district_code),
                    tr::created_at.eq(t),
                    tr::kind.eq("succession"),
                    tr::cause.eq(&r.cause),
                    tr::document_ids.eq(serde_json::to_string(&r.document_ids).unwrap_or_default()),
                    tr::requested_by.eq(Some(a.user_id)),
                ))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(a.user_id),
                "permit.succession_requested",
                "permit",
                &id.to_string(),
                json!({ "relation": r.relation, "cause": r.cause, "documents": r.document_ids.len() }),
            )?;
            build_view(c, &a, id)
        })
        .await
}

/// Whether a photo documents a succession in `district` (its officers may open it).
pub fn is_succession_document_in(c: &mut DbConn, photo: i64, district: &str) -> AppResult<bool> {
    let lists: Vec<String> = tr::table
        .filter(tr::district_code.eq(district).and(tr::kind.eq("succession")))
        .select(tr::document_ids)
        .load(c)?;
    Ok(lists.iter().any(|l| serde_json::from_str::<Vec<i64>>(l).unwrap_or_default().contains(&photo)))
}
