//! A person's rights over their data (PIPL Art. 45, 47, GB/T 35273-2020 8.x): every look by
//! staff at their documents is recorded and shown to them, they can download everything kept
//! about them, and they can close their account — what the city must keep of its decisions stays,
//! without anything that names them.

use std::io::Write;

use chrono::NaiveDateTime;
use common::application::DocKind;
use common::dto::personal_data::{CloseAccountRequest, DocumentLook, DocumentLooks};
use common::{District, Role};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{
    application_documents as docs, audit_log, complaints, evidence, notifications, outbox, permit_transfers, permits,
    sessions, shop_filings, sign_in_devices, sms_inbound, stall_applications as apps, users,
};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::user::User;

const LOOKED: &str = "document.viewed";

/// Records that a member of staff opened one of `holder`'s documents (in the audit log, so the
/// record itself cannot be quietly removed). The holder's own looks are not recorded.
pub fn record_look(c: &mut DbConn, staff: &Actor, holder: i64, application: i64, kind: &str) -> AppResult<()> {
    if !staff.is_staff() || staff.user_id == holder {
        return Ok(());
    }
    audit::record(
        c,
        now(),
        Some(staff.user_id),
        LOOKED,
        "user",
        &holder.to_string(),
        json!({ "application": application, "document": kind }),
    )?;
    Ok(())
}

fn unit(role: Role, district: Option<District>) -> (String, String) {
    match (role, district) {
        (Role::DistrictOfficer, Some(d)) => (d.name_zh().to_string(), format!("{} District", d.name_en())),
        _ => ("市级".to_string(), "City".to_string()),
    }
}

fn looks_of(c: &mut DbConn, holder: i64) -> AppResult<Vec<DocumentLook>> {
    let rows: Vec<(NaiveDateTime, Option<i64>, String)> = audit_log::table
        .filter(audit_log::action.eq(LOOKED).and(audit_log::entity.eq("user")))
        .filter(audit_log::entity_id.eq(holder.to_string()))
        .order(audit_log::id.desc())
        .limit(500)
        .select((audit_log::at, audit_log::actor_id, audit_log::detail))
        .load(c)?;
    let staff_ids: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    let staff: std::collections::HashMap<i64, (String, String, Option<String>)> = users::table
        .filter(users::id.eq_any(&staff_ids))
        .select((users::id, users::display_name, users::role, users::district_code))
        .load::<(i64, String, String, Option<String>)>(c)?
        .into_iter()
        .map(|(id, name, role, d)| (id, (name, role, d)))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(at, actor, detail)| {
            let (name, role, district) = staff.get(&actor?)?;
            let detail: serde_json::Value = serde_json::from_str(&detail).ok()?;
            let document = DocKind::parse(detail["document"].as_str()?)?;
            let (unit_zh, unit_en) =
                unit(Role::parse(role).unwrap_or(Role::CityAdmin), district.as_deref().and_then(District::from_code));
            Some(DocumentLook {
                at,
                officer: name.clone(),
                unit_zh,
                unit_en,
                document,
                application_id: detail["application"].as_i64()?,
            })
        })
        .collect())
}

/// Who on the staff looked at the signed-in person's documents, newest first.
pub async fn document_looks(app: &App, actor: &Actor) -> AppResult<DocumentLooks> {
    let uid = actor.user_id;
    Ok(DocumentLooks { looks: app.db.run(move |c| looks_of(c, uid)).await? })
}

/// One sign-in as the download shows it.
#[derive(Serialize)]
struct SignIn {
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    client_ip: String,
    user_agent: String,
}

/// Everything kept about the signed-in person: `data.json` (their account in full, applications,
/// shop filings, permits, reports, notices, sign-ins and who looked at their documents) and their
/// files, in one ZIP archive.
pub async fn export(app: &App, actor: &Actor) -> AppResult<Vec<u8>> {
    let uid = actor.user_id;
    let user = app.db.run(move |c| Ok(User::find(c, uid)?)).await?;
    let role = user.role();
    let applications = match role {
        Role::Vendor => crate::services::applications::mine(app, actor).await?,
        _ => Vec::new(),
    };
    let filings = match role {
        Role::Merchant => crate::services::filings::mine(app, actor).await?,
        _ => Vec::new(),
    };
    let permits = match role {
        Role::Vendor | Role::Merchant => crate::services::permits::mine(app, actor).await?,
        _ => Vec::new(),
    };
    let notices = crate::services::notices::inbox(app, actor).await?;
    let vault = app.vault.clone();
    type Files = Vec<(String, String)>;
    type Assisted = Option<serde_json::Value>;
    let (reports, sign_ins, looks, files, assisted): (Vec<_>, Vec<SignIn>, Vec<DocumentLook>, Files, Assisted) = app
        .db
        .run(move |c| {
            let mine: Vec<crate::services::complaints::Complaint> =
                complaints::table.filter(complaints::reporter_id.eq(uid)).order(complaints::id).load(c)?;
            let reports = mine
                .iter()
                .map(|x| crate::services::complaints::to_view(c, x, Some(&vault)))
                .collect::<AppResult<Vec<_>>>()?;
            let sign_ins = sessions::table
                .filter(sessions::user_id.eq(uid))
                .order(sessions::id)
                .select((sessions::created_at, sessions::last_seen_at, sessions::client_ip, sessions::user_agent))
                .load::<(NaiveDateTime, NaiveDateTime, String, String)>(c)?
                .into_iter()
                .map(|(created_at, last_seen_at, client_ip, user_agent)| SignIn {
                    created_at,
                    last_seen_at,
                    client_ip,
                    user_agent,
                })
                .collect();
            // Their documents, and the photos they uploaded themselves.
            let mut files: Files = docs::table
                .inner_join(apps::table)
                .filter(apps::applicant_id.eq(uid))
                .order(docs::id)
                .select((docs::id, docs::application_id, docs::filename, docs::sha256))
                .load::<(i64, i64, String, String)>(c)?
                .into_iter()
                .map(|(id, a, name, sha)| (format!("files/application-{a}/{id}-{name}"), sha))
                .collect();
            let photos: Vec<(i64, String, String)> = evidence::table
                .filter(evidence::uploaded_by.eq(uid))
                .order(evidence::id)
                .select((evidence::id, evidence::content_type, evidence::sha256))
                .load(c)?;
            files.extend(photos.into_iter().map(|(id, ct, sha)| {
                let ext = if ct == "image/png" { "png" } else { "jpg" };
                (format!("files/photos/{id}.{ext}"), sha)
            }));
            // Opened at a service counter: where, when, and the consent form they signed.
            use crate::db::schema::assisted_accounts as aa;
            type Row = (String, String, NaiveDateTime, bool, Option<NaiveDateTime>, i64);
            let counter: Option<Row> = aa::table
                .find(uid)
                .select((
                    aa::counter,
                    aa::district_code,
                    aa::created_at,
                    aa::phone_proven,
                    aa::taken_over_at,
                    aa::consent_evidence_id,
                ))
                .first(c)
                .optional()?;
            let assisted = match counter {
                Some((counter, district, opened_at, phone_proven, taken_over_at, consent)) => {
                    let sha: Option<String> =
                        evidence::table.find(consent).select(evidence::sha256).first(c).optional()?;
                    if let Some(sha) = sha {
                        files.push((format!("files/consent-form-{consent}.jpg"), sha));
                    }
                    Some(json!({ "counter": counter, "district": district, "opened_at": opened_at,
                        "phone_proven": phone_proven, "taken_over_at": taken_over_at,
                        "consent_form": format!("files/consent-form-{consent}.jpg") }))
                }
                None => None,
            };
            Ok((reports, sign_ins, looks_of(c, uid)?, files, assisted))
        })
        .await?;
    let data = json!({
        "exported_at": now(),
        "account": user.to_me(&app.vault),
        "opened_at_a_service_counter": assisted,
        "applications": applications,
        "shop_filings": filings,
        "permits": permits,
        "reports": reports,
        "notices": notices,
        "sign_ins": sign_ins,
        "document_looks": looks,
        "files": files.iter().map(|f| &f.0).collect::<Vec<_>>(),
    });
    let mut contents = Vec::with_capacity(files.len());
    for (name, sha) in files {
        contents.push((name, crate::files::read(app, &sha).await?));
    }
    tokio::task::spawn_blocking(move || zip_up(&data, contents)).await.map_err(|e| AppError::Internal(e.into()))?
}

fn zip_up(data: &serde_json::Value, files: Vec<(String, Vec<u8>)>) -> AppResult<Vec<u8>> {
    let internal = |e: zip::result::ZipError| AppError::Internal(e.into());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .unix_permissions(0o644);
    zip.start_file("data.json", opts).map_err(internal)?;
    zip.write_all(&serde_json::to_vec_pretty(data).map_err(|e| AppError::Internal(e.into()))?)
        .map_err(|e| AppError::Internal(e.into()))?;
    for (name, bytes) in files {
        zip.start_file(name, opts).map_err(internal)?;
        zip.write_all(&bytes).map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(zip.finish().map_err(internal)?.into_inner())
}

/// Application states that still hold a place or a stall in the making.
const IN_PROGRESS: [&str; 3] = ["in_round", "allocated", "offered"];
/// Application states that end with the account.
const OPEN: [&str; 5] = ["draft", "submitted", "returned", "eligible", "waitlisted"];

/// Closes the signed-in vendor's or shop's account. Refused while they hold a live permit or
/// filing, or a place in a draw (those are given up first, so nobody loses a stall by mistake).
/// What remains: the case records the city must keep (applications' outcomes, permits,
/// inspections, the audit log), attached to an account with no name, phone or ID number.
pub async fn close_account(app: &App, actor: &Actor, req: CloseAccountRequest) -> AppResult<()> {
    if actor.is_staff() || actor.assisted_by.is_some() {
        // Staff accounts are disabled by an admin, who keeps the record of who did what.
        return Err(AppError::Forbidden);
    }
    AppError::check(req.validate())?;
    let uid = actor.user_id;
    let user = app.db.run(move |c| Ok(User::find(c, uid)?)).await?;
    if !app.hasher.verify(req.password, Some(user.password_hash)).await? {
        return Err(AppError::field("password", "wrong_password", "密码不正确", "The password is wrong"));
    }
    app.db
        .write(move |c| {
            let t = now();
            let live_permits: i64 = permits::table
                .filter(permits::holder_id.eq(uid).and(permits::status.eq_any(["valid", "suspended"])))
                .filter(permits::valid_until.ge(today()))
                .count()
                .get_result(c)?;
            let live_filings: i64 = shop_filings::table
                .filter(shop_filings::merchant_id.eq(uid))
                .filter(shop_filings::status.eq_any(crate::services::filings::ACTIVE))
                .filter(shop_filings::ends_on.ge(today()))
                .count()
                .get_result(c)?;
            // A permit on its way to them would land on a closed account.
            let incoming: i64 = permit_transfers::table
                .filter(permit_transfers::to_id.eq(uid).and(permit_transfers::status.eq("pending")))
                .count()
                .get_result(c)?;
            let drawing: i64 = apps::table
                .filter(apps::applicant_id.eq(uid).and(apps::status.eq_any(IN_PROGRESS)))
                .count()
                .get_result(c)?;
            if live_permits + live_filings + drawing + incoming > 0 {
                return Err(AppError::conflict(
                    "account-in-use",
                    "您还有有效的许可或备案、正在进行的摇号，或有待审批的许可转给您。请先交回许可、撤回备案、放弃摊位或等转让办结，再注销账号",
                    "You still hold a valid permit or filing, a place in a draw, or a permit transfer to you awaits a decision. Surrender the permit, withdraw the filing, decline the stall or wait for the transfer first, then close the account",
                ));
            }
            // Open applications end with the account; every uploaded document goes.
            diesel::update(apps::table.filter(apps::applicant_id.eq(uid).and(apps::status.eq_any(OPEN))))
                .set((apps::status.eq("withdrawn"), apps::updated_at.eq(t)))
                .execute(c)?;
            let mine: Vec<i64> = apps::table.filter(apps::applicant_id.eq(uid)).select(apps::id).load(c)?;
            // Their files go with the next `files::sweep`.
            diesel::delete(docs::table.filter(docs::application_id.eq_any(&mine))).execute(c)?;
            // Notices and the texts that carried them are personal messages.
            let notes: Vec<i64> =
                notifications::table.filter(notifications::user_id.eq(uid)).select(notifications::id).load(c)?;
            diesel::delete(outbox::table.filter(outbox::notification_id.eq_any(&notes))).execute(c)?;
            diesel::delete(notifications::table.filter(notifications::user_id.eq(uid))).execute(c)?;
            diesel::update(complaints::table.filter(complaints::reporter_id.eq(uid)))
                .set(complaints::contact.eq(""))
                .execute(c)?;
            diesel::delete(sms_inbound::table.filter(sms_inbound::user_id.eq(uid))).execute(c)?;
            diesel::delete(sessions::table.filter(sessions::user_id.eq(uid))).execute(c)?;
            diesel::delete(sign_in_devices::table.filter(sign_in_devices::user_id.eq(uid))).execute(c)?;
            diesel::update(users::table.find(uid))
                .set((
                    users::display_name.eq("已注销用户"),
                    users::login.eq(format!("closed-{uid}")),
                    users::phone.eq(None::<String>),
                    users::phone_lookup.eq(None::<String>),
                    users::id_number.eq(None::<String>),
                    users::id_number_lookup.eq(None::<String>),
                    users::contact_name.eq(None::<String>),
                    // Free for the shop to register again.
                    users::credit_code.eq(None::<String>),
                    // No password can match: the account can never be signed into again.
                    users::password_hash.eq("!closed"),
                    users::disabled.eq(true),
                ))
                .execute(c)?;
            audit::record(c, t, Some(uid), "account.closed", "user", &uid.to_string(), json!({}))?;
            Ok(())
        })
        .await?;
    tracing::info!(user_id = uid, "account closed by its holder");
    Ok(())
}
