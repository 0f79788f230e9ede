//! Registration, sign-in, password changes and staff accounts.

use chrono::Duration;
use common::dto::auth::{ChangePasswordRequest, LoginRequest, RegisterRequest};
use common::dto::users::CreateStaffRequest;
use common::validate::check_mobile;
use common::{FieldError, Role};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::{self, Actor, throttle};
use crate::clock::{now, today};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::session::Session;
use crate::models::user::{NewUser, User};
use crate::services::notices::{Notice, notify};

/// A new session for a user: the token goes in the cookie, only its hash in the database.
pub struct NewSession {
    pub token: String,
    pub user: User,
    /// This browser's device id (kept in a cookie), to tell the holder of new sign-ins.
    pub device: String,
}

/// Notes the device an account signs in from; tells the holder when it is a new one (not on
/// the account's very first device).
fn seen_device(c: &mut crate::db::DbConn, user_id: i64, device: &str, t: chrono::NaiveDateTime) -> AppResult<()> {
    use crate::db::schema::sign_in_devices as d;
    let known: i64 = d::table.filter(d::user_id.eq(user_id)).count().get_result(c)?;
    let this: i64 = d::table.filter(d::user_id.eq(user_id).and(d::device.eq(device))).count().get_result(c)?;
    if this > 0 {
        return Ok(());
    }
    diesel::insert_into(d::table)
        .values((d::user_id.eq(user_id), d::device.eq(device), d::first_seen.eq(t)))
        .execute(c)?;
    if known > 0 {
        let (zh, en) = crate::services::offers::when_text(t);
        notify(
            c,
            Notice::of(
                "account.new_signin",
                user_id,
                format!("user:{user_id}"),
                format!("account.new_signin:{user_id}:{device}"),
                &[("when", &zh)],
                &[("when", &en)],
            ),
        )?;
    }
    Ok(())
}

fn taken(field: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, "already_registered", zh, en)
}

pub async fn register(
    app: &App,
    req: RegisterRequest,
    ip: String,
    ua: String,
    device: String,
) -> AppResult<NewSession> {
    AppError::check(req.validate(today()))?;
    let password = match &req {
        RegisterRequest::Vendor(v) => v.password.clone(),
        RegisterRequest::Merchant(m) => m.password.clone(),
    };
    let hash = app.hasher.hash(password).await?;
    let token = auth::new_token();
    let token_hash = auth::token_hash(&token);
    let max_age = Duration::hours(app.config.session_max_hours);
    let dev = device.clone();
    let user = app
        .db
        .write(move |c| {
            let t = now();
            // Normalised forms: the validators accept "+86 138…" and lower-case letters.
            let (role, phone, display, id_number, credit, contact) = match &req {
                RegisterRequest::Vendor(v) => (
                    Role::Vendor,
                    check_mobile(&v.phone).unwrap_or_default(),
                    v.real_name.trim().to_string(),
                    Some(v.id_number.trim().to_ascii_uppercase()),
                    None,
                    None,
                ),
                RegisterRequest::Merchant(m) => (
                    Role::Merchant,
                    check_mobile(&m.phone).unwrap_or_default(),
                    m.shop_name.trim().to_string(),
                    None,
                    Some(m.credit_code.trim().to_ascii_uppercase()),
                    Some(m.contact_name.trim().to_string()),
                ),
            };
            let mut errors = Vec::new();
            if User::find_by_login(c, &phone)?.is_some() {
                errors.push(taken(
                    "phone",
                    "该手机号已注册，请直接登录",
                    "This mobile number is already registered; please sign in",
                ));
            }
            if let Some(id) = &id_number
                && User::exists_with_id_number(c, id)?
            {
                errors.push(taken("id_number", "该身份证号已注册过账号", "An account with this ID number exists"));
            }
            if let Some(code) = &credit
                && User::exists_with_credit_code(c, code)?
            {
                errors.push(taken("credit_code", "该统一社会信用代码已注册", "This credit code is already registered"));
            }
            AppError::check(errors)?;
            let id = NewUser {
                role: role.as_str(),
                login: &phone,
                display_name: &display,
                phone: Some(&phone),
                id_number: id_number.as_deref(),
                credit_code: credit.as_deref(),
                contact_name: contact.as_deref(),
                district_code: None,
                password_hash: &hash,
                disabled: false,
                created_at: t,
                password_changed_at: t,
            }
            .insert(c)?;
            // The ID number is never written to the audit log or the server log.
            audit::record(
                c,
                t,
                Some(id),
                "account.registered",
                "user",
                &id.to_string(),
                json!({ "role": role.as_str() }),
            )?;
            Session::create(c, id, &token_hash, t, max_age, &ip, &ua)?;
            seen_device(c, id, &dev, t)?;
            Ok(User::find(c, id)?)
        })
        .await?;
    tracing::info!(user_id = user.id, role = %user.role, "account registered");
    Ok(NewSession { token, user, device })
}

/// Phone numbers are stored as 11 digits; usernames as typed (lower case).
fn normalise_login(login: &str) -> String {
    check_mobile(login).unwrap_or_else(|| login.trim().to_ascii_lowercase())
}

pub async fn login(app: &App, req: LoginRequest, ip: String, ua: String, device: String) -> AppResult<NewSession> {
    AppError::check(req.validate())?;
    let login = normalise_login(&req.login);
    let (key, ip2) = (login.clone(), ip.clone());
    let user = app
        .db
        .run(move |c| {
            throttle::check(c, &key, &ip2, now())?;
            Ok(User::find_by_login(c, &key)?)
        })
        .await?;
    let hash = user.as_ref().filter(|u| !u.disabled).map(|u| u.password_hash.clone());
    let ok = app.hasher.verify(req.password, hash).await?;
    let token = auth::new_token();
    let token_hash = auth::token_hash(&token);
    let max_age = Duration::hours(app.config.session_max_hours);
    let user = match (ok, user) {
        (true, Some(u)) => u,
        _ => {
            app.db.run(move |c| throttle::record_failure(c, &login, &ip, now())).await?;
            tracing::info!(
                login_kind = if check_mobile(&req.login).is_some() { "phone" } else { "username" },
                "sign-in failed"
            );
            return Err(AppError::InvalidCredentials);
        }
    };
    let uid = user.id;
    let (dev, lang) = (device.clone(), req.lang.filter(|l| l == "zh" || l == "en"));
    app.db
        .write(move |c| {
            let t = now();
            throttle::clear(c, &login)?;
            Session::create(c, uid, &token_hash, t, max_age, &ip, &ua)?;
            // Their texts follow the language they use the portal in.
            if let Some(l) = lang {
                diesel::update(crate::db::schema::users::table.find(uid))
                    .set(crate::db::schema::users::lang.eq(l))
                    .execute(c)?;
            }
            seen_device(c, uid, &dev, t)?;
            Ok(())
        })
        .await?;
    tracing::info!(user_id = uid, "signed in");
    Ok(NewSession { token, user, device })
}

pub async fn logout(app: &App, actor: Option<Actor>) -> AppResult<()> {
    if let Some(a) = actor {
        app.db.run(move |c| Ok(Session::delete(c, a.session_id)?)).await?;
    }
    Ok(())
}

/// Changes the password and signs out every other session of the account.
pub async fn change_password(app: &App, actor: &Actor, req: ChangePasswordRequest) -> AppResult<()> {
    AppError::check(req.validate())?;
    let uid = actor.user_id;
    let user = app.db.run(move |c| Ok(User::find(c, uid)?)).await?;
    if !app.hasher.verify(req.current_password, Some(user.password_hash)).await? {
        return Err(AppError::field(
            "current_password",
            "wrong_password",
            "当前密码不正确",
            "The current password is wrong",
        ));
    }
    let hash = app.hasher.hash(req.new_password).await?;
    let sid = actor.session_id;
    app.db
        .write(move |c| {
            let t = now();
            User::set_password(c, uid, &hash, t)?;
            Session::delete_others(c, uid, sid)?;
            audit::record(c, t, Some(uid), "account.password_changed", "user", &uid.to_string(), json!({}))?;
            notify(
                c,
                Notice::of(
                    "account.password_changed",
                    uid,
                    format!("user:{uid}"),
                    format!("account.password_changed:{uid}:{}", t.and_utc().timestamp_micros()),
                    &[],
                    &[],
                ),
            )?;
            Ok(())
        })
        .await
}

/// Admins create officer and admin accounts.
pub async fn create_staff(app: &App, actor: &Actor, req: CreateStaffRequest) -> AppResult<User> {
    actor.require(&[Role::CityAdmin])?;
    AppError::check(req.validate())?;
    let hash = app.hasher.hash(req.password.clone()).await?;
    let by = actor.user_id;
    app.db
        .write(move |c| {
            let t = now();
            if User::find_by_login(c, &req.username)?.is_some() {
                return Err(AppError::field("username", "taken", "该用户名已被使用", "This username is taken"));
            }
            let id = NewUser {
                role: req.role.as_str(),
                login: &req.username,
                display_name: req.display_name.trim(),
                phone: None,
                id_number: None,
                credit_code: None,
                contact_name: None,
                district_code: req.district.map(|d| d.code()),
                password_hash: &hash,
                disabled: false,
                created_at: t,
                password_changed_at: t,
            }
            .insert(c)?;
            audit::record(
                c,
                t,
                Some(by),
                "account.staff_created",
                "user",
                &id.to_string(),
                json!({ "role": req.role.as_str(), "district": req.district.map(|d| d.code()) }),
            )?;
            Ok(User::find(c, id)?)
        })
        .await
}
