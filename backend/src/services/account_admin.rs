//! What admins and counter officers do to accounts: disable one (a leaver), end its sessions,
//! and move an account to the real holder of its ID number after checking the ID card in person.

use common::dto::users::ReclaimRequest;
use common::validate::check_mobile;
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::auth::codes::{self, Purpose};
use crate::clock::{now, today};
use crate::db::schema::users;
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::session::Session;
use crate::models::user::User;
use crate::services::notices::{Notice, notify};

/// Disables (or enables again) an account; a disabled account signs in nowhere and its sessions
/// end at once. Admins only; nobody disables their own account.
pub async fn set_disabled(app: &App, admin: &Actor, user_id: i64, disabled: bool) -> AppResult<User> {
    admin.require(&[common::Role::CityAdmin])?;
    if user_id == admin.user_id {
        return Err(AppError::conflict("own_account", "不能停用自己的账号", "You cannot disable your own account"));
    }
    let by = admin.user_id;
    app.db
        .write(move |c| {
            let t = now();
            User::find(c, user_id)?;
            diesel::update(users::table.find(user_id)).set(users::disabled.eq(disabled)).execute(c)?;
            let ended = if disabled { Session::delete_all(c, user_id)? } else { 0 };
            let action = if disabled { "account.disabled" } else { "account.enabled" };
            audit::record(c, t, Some(by), action, "user", &user_id.to_string(), json!({ "sessions_ended": ended }))?;
            Ok(User::find(c, user_id)?)
        })
        .await
}

/// Ends every session of an account (a lost phone, a shared computer). Admins only.
pub async fn end_sessions(app: &App, admin: &Actor, user_id: i64) -> AppResult<usize> {
    admin.require(&[common::Role::CityAdmin])?;
    let by = admin.user_id;
    app.db
        .write(move |c| {
            User::find(c, user_id)?;
            let ended = Session::delete_all(c, user_id)?;
            audit::record(
                c,
                now(),
                Some(by),
                "account.sessions_ended",
                "user",
                &user_id.to_string(),
                json!({ "sessions_ended": ended }),
            )?;
            Ok(ended)
        })
        .await
}

/// At a service counter: the officer has checked the ID card in person and the person has just
/// proven a phone with a texted code; the account that holds the ID number moves to that phone.
/// The old phone is told and its sessions end; the new phone is told how to set a password.
pub async fn reclaim(app: &App, officer: &Actor, req: ReclaimRequest) -> AppResult<()> {
    if !officer.is_staff() {
        return Err(AppError::Forbidden);
    }
    AppError::check(req.validate(today()))?;
    let phone = check_mobile(&req.phone).unwrap_or_default();
    let id_number = req.id_number.trim().to_ascii_uppercase();
    let (p, code) = (phone.clone(), req.code.trim().to_string());
    let v = app.vault.clone();
    let checked = app.db.write(move |c| codes::check(c, &v, &p, Purpose::Reclaim, &code, now())).await?;
    let code_id = checked.into_result()?;
    let (by, district, note) = (officer.user_id, officer.district.map(|d| d.code()), req.note.trim().to_string());
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let t = now();
            codes::spend(c, code_id, t)?;
            let user = User::find_by_id_number(c, &vault, &id_number)?;
            let Some(user) = user else {
                return Err(AppError::field(
                    "id_number",
                    "no_account",
                    "这个身份证号没有账号，可直接注册",
                    "No account has this ID number; the person can register",
                ));
            };
            if User::find_by_phone(c, &vault, &phone)?.is_some_and(|other| other.id != user.id) {
                return Err(AppError::field(
                    "phone",
                    "already_registered",
                    "这个手机号已有另一个账号",
                    "This phone already has another account",
                ));
            }
            let uid = user.id;
            // Told on the old phone before the account leaves it.
            notify(
                c,
                Notice::of(
                    "account.moved_away",
                    uid,
                    format!("user:{uid}"),
                    format!("account.moved_away:{uid}:{}", t.and_utc().timestamp_micros()),
                    &[],
                    &[],
                ),
            )?;
            User::move_to_phone(c, &vault, uid, &phone)?;
            let ended = Session::delete_all(c, uid)?;
            notify(
                c,
                Notice::of(
                    "account.reclaimed",
                    uid,
                    format!("user:{uid}"),
                    format!("account.reclaimed:{uid}:{}", t.and_utc().timestamp_micros()),
                    &[],
                    &[],
                ),
            )?;
            // Neither phone nor the ID number goes to the audit log; the officer and the counter do.
            audit::record(
                c,
                t,
                Some(by),
                "account.reclaimed",
                "user",
                &uid.to_string(),
                json!({ "id_card_checked": true, "officer_district": district, "note": note, "sessions_ended": ended }),
            )?;
            Ok(())
        })
        .await
}

/// What an operator does to an account from the command line (audited without a person: the
/// server's operator acts, as with `create-admin`).
#[derive(Debug, Clone, Copy)]
pub enum CliAction {
    Disable,
    Enable,
    EndSessions,
    ResetSecondFactor,
}

pub async fn from_cli(app: &App, login: &str, action: CliAction) -> AppResult<String> {
    let login = check_mobile(login).unwrap_or_else(|| login.trim().to_ascii_lowercase());
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let t = now();
            let user = User::find_by_login(c, &vault, &login)?.ok_or(AppError::NotFound)?;
            let uid = user.id;
            let (what, said) = match action {
                CliAction::Disable => {
                    diesel::update(users::table.find(uid)).set(users::disabled.eq(true)).execute(c)?;
                    ("account.disabled", "disabled; its sessions ended")
                }
                CliAction::Enable => {
                    diesel::update(users::table.find(uid)).set(users::disabled.eq(false)).execute(c)?;
                    ("account.enabled", "enabled")
                }
                CliAction::EndSessions => ("account.sessions_ended", "signed out everywhere"),
                CliAction::ResetSecondFactor => {
                    crate::auth::second_factor::clear(c, uid)?;
                    ("account.second_factor_reset", "authenticator cleared; set up again at the next sign-in")
                }
            };
            let ended = if matches!(action, CliAction::Enable) { 0 } else { Session::delete_all(c, uid)? };
            audit::record(c, t, None, what, "user", &uid.to_string(), json!({ "by": "cli", "sessions_ended": ended }))?;
            Ok(format!("{} (id {uid}): {said}", user.display_name))
        })
        .await
}
