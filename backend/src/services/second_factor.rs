//! The staff second factor at sign-in: setting up an authenticator, typing its code (or a
//! recovery code), and an admin resetting it for an officer who lost their phone.

use common::Role;
use common::dto::auth::Enrolment;
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::limits::{self, Limit};
use crate::auth::second_factor as sf;
use crate::auth::{self, Actor};
use crate::clock::now;
use crate::db::schema::users;
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::session::Session;
use crate::models::user::User;

/// Wrong second-factor codes one session may type before it has to start again with the password.
const TRIES_PER_SESSION: Limit =
    Limit { bucket: "second_factor.session", max: 5, window: chrono::Duration::minutes(15) };

fn wrong_code() -> AppError {
    AppError::field("code", "wrong_code", "验证码不正确或已用过", "That code is not right, or was used already")
}

/// A new secret for the officer's authenticator, not yet in force: it counts once a code from it
/// is confirmed. Only while the sign-in waits for a first authenticator.
pub async fn enrol(app: &App, actor: &Actor) -> AppResult<Enrolment> {
    let uid = actor.user_id;
    let secret = sf::new_secret();
    let s = secret.clone();
    let login = app
        .db
        .write(move |c| {
            let user = User::find(c, uid)?;
            if user.totp_last_step.is_some() {
                return Err(AppError::conflict(
                    "second_factor_set",
                    "已设置验证器；如手机丢失，请联系管理员重置",
                    "An authenticator is already set up; if the phone is lost, ask an admin to reset it",
                ));
            }
            diesel::update(users::table.find(uid)).set(users::totp_secret.eq(Some(s))).execute(c)?;
            Ok(user.login)
        })
        .await?;
    let url = sf::url(&secret, &login);
    Ok(Enrolment { qr_svg: crate::pdf::qr_svg(&url), otpauth_url: url, secret })
}

/// Counts a wrong try against the session; after five the session ends.
fn wrong_try(c: &mut crate::db::DbConn, session_id: i64) -> AppResult<AppError> {
    match limits::take(c, TRIES_PER_SESSION, &session_id.to_string(), now()) {
        Ok(()) => Ok(wrong_code()),
        Err(e) => {
            Session::delete(c, session_id)?;
            Ok(e)
        }
    }
}

/// What the second step gives back: the new session token, and recovery codes when the
/// authenticator was set up just now.
pub struct Passed {
    pub token: String,
    pub user: User,
    pub recovery_codes: Option<Vec<String>>,
}

/// Checks the authenticator's code (or, once set up, a recovery code) and completes the sign-in
/// under a new session token. A first code confirms a new authenticator and returns recovery codes.
pub async fn verify(app: &App, actor: &Actor, typed: String, device: String) -> AppResult<Passed> {
    let (uid, sid) = (actor.user_id, actor.session_id);
    let token = auth::new_token();
    let token_hash = auth::token_hash(&token);
    let outcome = app
        .db
        .write(move |c| {
            let t = now();
            let user = User::find(c, uid)?;
            let Some(secret) = user.totp_secret.clone() else {
                return Ok(Err(AppError::field(
                    "code",
                    "not_enrolled",
                    "请先设置验证器",
                    "Set up an authenticator first",
                )));
            };
            let first = user.totp_last_step.is_none();
            let by_app = sf::accepted_step(&secret, &typed, t.and_utc().timestamp(), user.totp_last_step);
            let by_recovery = by_app.is_none() && !first && sf::use_recovery_code(c, uid, &typed, t)?;
            if by_app.is_none() && !by_recovery {
                return Ok(Err(wrong_try(c, sid)?));
            }
            if let Some(step) = by_app {
                diesel::update(users::table.find(uid)).set(users::totp_last_step.eq(Some(step))).execute(c)?;
            }
            let codes = if first { Some(sf::new_recovery_codes(c, uid)?) } else { None };
            Session::complete_second_factor(c, sid, &token_hash)?;
            let action = match (first, by_recovery) {
                (true, _) => "account.second_factor_enrolled",
                (false, true) => "account.recovery_code_used",
                (false, false) => "account.second_factor_passed",
            };
            let left = if by_recovery { Some(sf::recovery_codes_left(c, uid)?) } else { None };
            audit::record(c, t, Some(uid), action, "user", &uid.to_string(), json!({ "recovery_codes_left": left }))?;
            crate::services::accounts::seen_device(c, uid, &device, t)?;
            Ok(Ok((User::find(c, uid)?, codes)))
        })
        .await?;
    let (user, recovery_codes) = outcome?;
    tracing::info!(user_id = uid, "second factor passed");
    Ok(Passed { token, user, recovery_codes })
}

/// An admin clears an officer's authenticator (lost phone): every session of the account ends
/// and the next sign-in sets up a new one. Audited.
pub async fn reset(app: &App, admin: &Actor, user_id: i64) -> AppResult<()> {
    admin.require(&[common::Role::CityAdmin])?;
    let by = admin.user_id;
    app.db
        .write(move |c| {
            let t = now();
            let user = User::find(c, user_id)?;
            if !Role::parse(&user.role).is_some_and(|r| r.is_staff()) {
                return Err(AppError::NotFound);
            }
            sf::clear(c, user_id)?;
            Session::delete_all(c, user_id)?;
            audit::record(c, t, Some(by), "account.second_factor_reset", "user", &user_id.to_string(), json!({}))?;
            Ok(())
        })
        .await
}
