//! Registration, sign-in, password changes and staff accounts.

use chrono::Duration;
use common::dto::auth::{
    ChangePasswordRequest, ChangePhoneRequest, CodePurpose, CodeRequest, CodeSent, LoginRequest, RegisterRequest,
    ResetPasswordRequest, SecondFactorNeeded,
};
use common::dto::users::CreateStaffRequest;
use common::validate::check_mobile;
use common::{FieldError, Role};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::codes::{self, Purpose};
use crate::auth::{self, Actor, limits, password, throttle};
use crate::clock::{now, today};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::session::Session;
use crate::models::user::{NewUser, User};
use crate::services::notices::{Notice, notify};
use crate::services::sms::Outgoing;
use crate::vault::{self, Keyring};

/// A new session for a user: the token goes in the cookie, only its hash in the database.
pub struct NewSession {
    pub token: String,
    pub user: User,
    /// This browser's device id (kept in a cookie), to tell the holder of new sign-ins.
    pub device: String,
    /// Staff: what the sign-in still needs before the session reaches anything.
    pub second_factor: Option<SecondFactorNeeded>,
    /// Given once, when an authenticator has just been set up.
    pub recovery_codes: Option<Vec<String>>,
}

/// Notes the device an account signs in from; tells the holder when it is a new one (not on
/// the account's very first device).
pub(crate) fn seen_device(
    c: &mut crate::db::DbConn,
    user_id: i64,
    device: &str,
    t: chrono::NaiveDateTime,
) -> AppResult<()> {
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

/// What the registration collides with. Only asked once the phone is proven by its code, so the
/// answer tells nothing to someone who merely types a stranger's ID number.
fn collisions(
    c: &mut crate::db::DbConn,
    vault: &Keyring,
    phone: &str,
    id_number: Option<&str>,
    credit: Option<&str>,
) -> AppResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    if User::find_by_phone(c, vault, phone)?.is_some() {
        errors.push(taken(
            "phone",
            "该手机号已注册，请直接登录或找回密码",
            "This mobile number has an account; sign in or reset the password",
        ));
    }
    if let Some(id) = id_number
        && User::exists_with_id_number(c, vault, id)?
    {
        errors.push(taken(
            "id_number",
            "这个身份证号已有账号。如果不是您本人注册的，请带上身份证到所在区的服务窗口，工作人员核验后会把账号转到您刚验证的手机号上。",
            "This ID number already has an account. If you did not open it, bring your ID card to your district's service counter: an officer checks it and moves the account to the phone you have just proven.",
        ));
    }
    if let Some(code) = credit
        && User::exists_with_credit_code(c, code)?
    {
        errors.push(taken(
            "credit_code",
            "该统一社会信用代码已有账号。如非本店注册，请带营业执照到区服务窗口办理",
            "This credit code already has an account. If your shop did not open it, bring the business licence to the district service counter",
        ));
    }
    Ok(errors)
}

/// Register after proving the phone: the limit and the code are checked first, the slow password
/// hash only after every cheap check has passed.
pub async fn register(
    app: &App,
    req: RegisterRequest,
    ip: String,
    ua: String,
    device: String,
) -> AppResult<NewSession> {
    AppError::check(req.validate(today()))?;
    // Normalised forms: the validators accept "+86 138…" and lower-case letters.
    let phone = check_mobile(req.phone()).unwrap_or_default();
    let (role, display, id_number, credit, contact) = match &req {
        RegisterRequest::Vendor(v) => {
            (Role::Vendor, v.real_name.trim().to_string(), Some(v.id_number.trim().to_ascii_uppercase()), None, None)
        }
        RegisterRequest::Merchant(m) => (
            Role::Merchant,
            m.shop_name.trim().to_string(),
            None,
            Some(m.credit_code.trim().to_ascii_uppercase()),
            Some(m.contact_name.trim().to_string()),
        ),
    };
    let about = [
        display.as_str(),
        &phone,
        id_number.as_deref().unwrap_or(""),
        credit.as_deref().unwrap_or(""),
        contact.as_deref().unwrap_or(""),
    ];
    require_guess_resistant("password", req.password(), &about)?;
    let (p, code, ip2) = (phone.clone(), req.code().trim().to_string(), ip.clone());
    let (idn, cr) = (id_number.clone(), credit.clone());
    let v = app.vault.clone();
    let checked = app
        .db
        .write(move |c| {
            limits::take(c, limits::REGISTER_PER_ADDRESS, &ip2, now())?;
            let checked = codes::check(c, &v, &p, Purpose::Register, &code, now())?;
            let clashes = match checked {
                codes::Checked::Right(_) => collisions(c, &v, &p, idn.as_deref(), cr.as_deref())?,
                _ => Vec::new(),
            };
            Ok((checked, clashes))
        })
        .await?;
    let code_id = checked.0.into_result()?;
    AppError::check(checked.1)?;

    let hash = app.hasher.hash(req.password().to_string()).await?;
    let token = auth::new_token();
    let token_hash = auth::token_hash(&token);
    let max_age = Duration::hours(app.config.session_max_hours);
    let dev = device.clone();
    let vault = app.vault.clone();
    let user = app
        .db
        .write(move |c| {
            let t = now();
            codes::spend(c, code_id, t)?;
            AppError::check(collisions(c, &vault, &phone, id_number.as_deref(), credit.as_deref())?)?;
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
            .insert(c, &vault)?;
            // The ID number is never written to the audit log or the server log.
            audit::record(
                c,
                t,
                Some(id),
                "account.registered",
                "user",
                &id.to_string(),
                json!({ "role": role.as_str(), "phone_proven": true }),
            )?;
            Session::create(c, id, &token_hash, t, max_age, &ip, &ua, false)?;
            seen_device(c, id, &dev, t)?;
            Ok(User::find(c, id)?)
        })
        .await?;
    tracing::info!(user_id = user.id, role = %user.role, "account registered");
    Ok(NewSession { token, user, device, second_factor: None, recovery_codes: None })
}

/// Phone numbers are stored as 11 digits; usernames as typed (lower case).
fn normalise_login(login: &str) -> String {
    check_mobile(login).unwrap_or_else(|| login.trim().to_ascii_lowercase())
}

/// What failed sign-ins are counted under: a phone only by its look-up hash.
fn throttle_key(vault: &Keyring, login: &str) -> String {
    match check_mobile(login) {
        Some(phone) => vault.lookup(vault::PHONE, &phone),
        None => login.to_string(),
    }
}

/// Signs in. The attempt is written down before the password is checked (see `throttle`), so
/// parallel guesses cannot slip past the limit. Officers and admins get a session that reaches
/// nothing until the second factor is given.
pub async fn login(app: &App, req: LoginRequest, ip: String, ua: String, device: String) -> AppResult<NewSession> {
    AppError::check(req.validate())?;
    let login = normalise_login(&req.login);
    let (key, ip2, vault) = (throttle_key(&app.vault, &login), ip.clone(), app.vault.clone());
    let reserved = app
        .db
        .write(move |c| {
            Ok(match throttle::reserve(c, &key, &ip2, now())? {
                Ok(()) => Ok(User::find_by_login(c, &vault, &login)?),
                Err(wait) => Err(wait),
            })
        })
        .await?;
    let user = reserved.map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    let hash = user.as_ref().filter(|u| !u.disabled).map(|u| u.password_hash.clone());
    let ok = app.hasher.verify(req.password.clone(), hash).await?;
    let user = match (ok, user) {
        (true, Some(u)) if !u.disabled => u,
        _ => {
            tracing::info!(
                login_kind = if check_mobile(&req.login).is_some() { "phone" } else { "username" },
                "sign-in failed"
            );
            return Err(AppError::InvalidCredentials);
        }
    };
    // Stored with older, weaker parameters: made again now that the password is at hand.
    let rehash = match password::needs_rehash(&user.password_hash) {
        true => Some(app.hasher.hash(req.password).await?),
        false => None,
    };
    let staff = Role::parse(&user.role).is_some_and(|r| r.is_staff());
    let second_factor = staff.then_some(match user.totp_last_step {
        Some(_) => SecondFactorNeeded::Verify,
        None => SecondFactorNeeded::Enrol,
    });
    let token = auth::new_token();
    let token_hash = auth::token_hash(&token);
    let max_age =
        Duration::hours(if staff { app.config.staff_session_max_hours } else { app.config.session_max_hours });
    let uid = user.id;
    let (dev, lang) = (device.clone(), req.lang.filter(|l| l == "zh" || l == "en"));
    let key = throttle_key(&app.vault, &normalise_login(&req.login));
    app.db
        .write(move |c| {
            let t = now();
            throttle::clear(c, &key)?;
            Session::create(c, uid, &token_hash, t, max_age, &ip, &ua, staff)?;
            if let Some(h) = rehash {
                diesel::update(crate::db::schema::users::table.find(uid))
                    .set(crate::db::schema::users::password_hash.eq(h))
                    .execute(c)?;
            }
            // Their texts follow the language they use the portal in.
            if let Some(l) = lang {
                diesel::update(crate::db::schema::users::table.find(uid))
                    .set(crate::db::schema::users::lang.eq(l))
                    .execute(c)?;
            }
            // A staff device is noted once the second factor is given.
            if !staff {
                seen_device(c, uid, &dev, t)?;
            }
            Ok(())
        })
        .await?;
    tracing::info!(user_id = uid, second_factor_pending = staff, "signed in");
    Ok(NewSession { token, user, device, second_factor, recovery_codes: None })
}

/// The texts of a one-time code, zh and en.
fn code_text(code: &str, purpose: Purpose) -> (String, String) {
    let (zh, en) = match purpose {
        Purpose::Register => ("注册账号", "open your account"),
        Purpose::Reset => ("重设密码", "reset your password"),
        Purpose::Reclaim => ("在服务窗口找回账号", "move your account at the service counter"),
        Purpose::PhoneChange => ("把账号改到本手机号", "move your account to this phone"),
        Purpose::Consent => ("同意服务窗口为您代办", "let the service counter file for you"),
        Purpose::Takeover => ("接管服务窗口为您开的账号", "take over the account the counter opened for you"),
    };
    (
        format!("【摊规通】验证码 {code}，5 分钟内有效，仅用于{zh}。请勿告诉任何人，工作人员不会向您索要。"),
        format!(
            "[Tangui] Your code is {code}. It works for 5 minutes, only to {en}. Never share it; staff will never ask for it."
        ),
    )
}

/// Asks for a code by text. The answer is the same whether or not the phone has an account:
/// a phone that is already registered gets a text saying so instead of a code (only its holder
/// learns it), and a reset for a phone without an account sends nothing.
pub async fn send_code(app: &App, req: CodeRequest, ip: String, actor: Option<Actor>) -> AppResult<CodeSent> {
    AppError::check(req.validate())?;
    let purpose = match req.purpose {
        CodePurpose::Register => Purpose::Register,
        CodePurpose::Reset => Purpose::Reset,
        CodePurpose::Reclaim => Purpose::Reclaim,
        CodePurpose::PhoneChange => Purpose::PhoneChange,
        CodePurpose::Consent => Purpose::Consent,
        CodePurpose::Takeover => Purpose::Takeover,
    };
    // Reclaiming and consent are done by an officer at a counter, for the person in front of them.
    if matches!(purpose, Purpose::Reclaim | Purpose::Consent) && !actor.as_ref().is_some_and(|a| a.is_staff()) {
        return Err(AppError::Forbidden);
    }
    // Only an account signed in by phone moves to another one (staff sign in by username).
    if purpose == Purpose::PhoneChange {
        match &actor {
            None => return Err(AppError::Unauthenticated),
            Some(a) if a.is_staff() => return Err(AppError::Forbidden),
            Some(_) => {}
        }
    }
    let phone = check_mobile(&req.phone).unwrap_or_default();
    let per = (
        limits::Limit::per_hour("code.phone", app.config.codes_per_phone_hour),
        limits::Limit::per_hour("code.address", app.config.codes_per_address_hour),
    );
    let p = phone.clone();
    let vault = app.vault.clone();
    let text = app
        .db
        .write(move |c| {
            let t = now();
            let holder = User::find_by_phone(c, &vault, &p)?.filter(|u| !u.disabled);
            Ok(match (purpose, holder) {
                (
                    Purpose::Register | Purpose::Reclaim | Purpose::PhoneChange | Purpose::Consent | Purpose::Takeover,
                    Some(_),
                ) => {
                    limits::take(c, per.0, &vault.lookup(vault::PHONE, &p), t)?;
                    limits::take(c, per.1, &ip, t)?;
                    Some((None, (
                        "【摊规通】有人用本手机号申请注册，但本号码已有账号。如忘记密码，请在登录页点“忘记密码”。".to_string(),
                        "[Tangui] Someone tried to register with this number, which already has an account. Forgot the password? Use \"Forgot password\" on the sign-in page.".to_string(),
                    )))
                }
                (Purpose::Reset, None) => {
                    limits::take(c, per.1, &ip, t)?;
                    None
                }
                _ => {
                    let code = codes::store(c, &vault, &p, purpose, &ip, per, t)?;
                    Some((Some(code.clone()), code_text(&code, purpose)))
                }
            })
        })
        .await?;
    if let Some((code, (zh, en))) = text {
        let body = if req.lang.as_deref() == Some("en") { en } else { zh };
        if !app.sender.is_gateway()
            && let Some(code) = &code
        {
            // The demo has no gateway: the code is written here so that the portal can be tried.
            tracing::info!(to = %common::mask::phone(&phone), code = %code, purpose = purpose.as_str(), "one-time code (no SMS gateway configured)");
        }
        // Sent apart from the request, so that how long the answer takes says nothing either.
        let sender = app.sender.clone();
        tokio::spawn(async move {
            let masked = common::mask::phone(&phone);
            if let Err(e) = sender.send(Outgoing { id: 0, recipient: phone, text: body }).await {
                tracing::warn!(to = %masked, error = %e, "one-time code not handed to the gateway");
            }
        });
    }
    Ok(CodeSent { expires_in_secs: codes::CODE_MINUTES * 60, resend_after_secs: 60 })
}

/// A forgotten password: a new one, with the code texted to the account's phone. Every session
/// of the account ends and the holder is told.
pub async fn reset_password(app: &App, req: ResetPasswordRequest, ip: String) -> AppResult<()> {
    AppError::check(req.validate())?;
    let phone = check_mobile(&req.phone).unwrap_or_default();
    require_guess_resistant("new_password", &req.new_password, &[&phone])?;
    let code_id = check_code(app, ip, &phone, Purpose::Reset, &req.code).await?;
    let hash = app.hasher.hash(req.new_password).await?;
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let t = now();
            codes::spend(c, code_id, t)?;
            // A code is only sent to a phone with an enabled account; it may have changed since.
            let Some(user) = User::find_by_phone(c, &vault, &phone)?.filter(|u| !u.disabled) else {
                return codes::Checked::Spent.into_result().map(|_| ());
            };
            let uid = user.id;
            User::set_password(c, uid, &hash, t)?;
            Session::delete_all(c, uid)?;
            throttle::clear(c, &throttle_key(&vault, &phone))?;
            audit::record(c, t, Some(uid), "account.password_reset", "user", &uid.to_string(), json!({}))?;
            password_changed_notice(c, uid, t)
        })
        .await
}

fn password_changed_notice(c: &mut crate::db::DbConn, uid: i64, t: chrono::NaiveDateTime) -> AppResult<()> {
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
}

pub async fn logout(app: &App, actor: Option<Actor>) -> AppResult<()> {
    if let Some(a) = actor {
        app.db.run(move |c| Ok(Session::delete(c, a.session_id)?)).await?;
    }
    Ok(())
}

/// Changes the password and signs out every other session of the account.
pub async fn change_password(app: &App, actor: &Actor, req: ChangePasswordRequest) -> AppResult<()> {
    // The account's secrets are its holder's: a counter acting for them does not set them.
    if actor.assisted_by.is_some() {
        return Err(AppError::Forbidden);
    }
    AppError::check(req.validate())?;
    let uid = actor.user_id;
    let user = app.db.run(move |c| Ok(User::find(c, uid)?)).await?;
    let about = [
        user.display_name.as_str(),
        &user.login,
        &user.phone(&app.vault).unwrap_or_default(),
        &user.id_number(&app.vault).unwrap_or_default(),
        user.credit_code.as_deref().unwrap_or(""),
    ];
    require_guess_resistant("new_password", &req.new_password, &about)?;
    if !app.hasher.verify(req.current_password, Some(user.password_hash)).await? {
        return Err(wrong_current_password());
    }
    let hash = app.hasher.hash(req.new_password).await?;
    let sid = actor.session_id;
    app.db
        .write(move |c| {
            let t = now();
            User::set_password(c, uid, &hash, t)?;
            Session::delete_others(c, uid, sid)?;
            audit::record(c, t, Some(uid), "account.password_changed", "user", &uid.to_string(), json!({}))?;
            password_changed_notice(c, uid, t)
        })
        .await
}

/// Moves a vendor's or shop's account to a new phone, proven by the code texted to it; the
/// old phone is told first, and every other session ends.
pub async fn change_phone(app: &App, actor: &Actor, req: ChangePhoneRequest, ip: String) -> AppResult<()> {
    if actor.is_staff() || actor.assisted_by.is_some() {
        return Err(AppError::Forbidden);
    }
    AppError::check(req.validate())?;
    let uid = actor.user_id;
    let user = app.db.run(move |c| Ok(User::find(c, uid)?)).await?;
    let current_phone = user.phone(&app.vault);
    if !app.hasher.verify(req.current_password, Some(user.password_hash)).await? {
        return Err(wrong_current_password());
    }
    let phone = check_mobile(&req.phone).unwrap_or_default();
    if current_phone.as_deref() == Some(phone.as_str()) {
        return Err(AppError::field(
            "phone",
            "same_phone",
            "这就是账号现在的手机号",
            "This is already the account's phone",
        ));
    }
    let code_id = check_code(app, ip, &phone, Purpose::PhoneChange, &req.code).await?;
    let sid = actor.session_id;
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let t = now();
            codes::spend(c, code_id, t)?;
            // A code is never sent to a phone that has an account, but one may have registered since.
            if User::find_by_phone(c, &vault, &phone)?.is_some() {
                return Err(AppError::field(
                    "phone",
                    "already_registered",
                    "这个手机号已有另一个账号",
                    "This phone already has another account",
                ));
            }
            // Told on the old phone before the account leaves it.
            notify(
                c,
                Notice::of(
                    "account.phone_changed",
                    uid,
                    format!("user:{uid}"),
                    format!("account.phone_changed:{uid}:{}", t.and_utc().timestamp_micros()),
                    &[],
                    &[],
                ),
            )?;
            User::move_to_phone(c, &vault, uid, &phone)?;
            Session::delete_others(c, uid, sid)?;
            // Neither phone goes to the audit log.
            audit::record(
                c,
                t,
                Some(uid),
                "account.phone_changed",
                "user",
                &uid.to_string(),
                json!({ "phone_proven": true }),
            )?;
            Ok(())
        })
        .await
}

/// Takes the address's place under the reset limit and checks a typed code, in a transaction of
/// its own so that a wrong try stays counted when the refusal is answered; the code's row when right.
pub(crate) async fn check_code(app: &App, ip: String, phone: &str, purpose: Purpose, code: &str) -> AppResult<i64> {
    let (p, code, vault) = (phone.to_string(), code.trim().to_string(), app.vault.clone());
    app.db
        .write(move |c| {
            limits::take(c, limits::RESET_PER_ADDRESS, &ip, now())?;
            codes::check(c, &vault, &p, purpose, &code, now())
        })
        .await?
        .into_result()
}

/// The estimator's verdict (`common::password`) wherever a password is set; `about` is what the
/// account says of the person, which a password should not be made of.
pub fn require_guess_resistant(field: &str, password: &str, about: &[&str]) -> AppResult<()> {
    let mut e = common::validate::Errors::new();
    common::password::check_strength(field, password, about, &mut e);
    AppError::check(e.0)
}

fn wrong_current_password() -> AppError {
    AppError::field("current_password", "wrong_password", "当前密码不正确", "The current password is wrong")
}

/// Admins create officer and admin accounts.
pub async fn create_staff(app: &App, actor: &Actor, req: CreateStaffRequest) -> AppResult<User> {
    actor.require(&[Role::CityAdmin])?;
    AppError::check(req.validate())?;
    require_guess_resistant("password", &req.password, &[&req.username, req.display_name.trim()])?;
    let hash = app.hasher.hash(req.password.clone()).await?;
    let by = actor.user_id;
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let t = now();
            if User::find_by_login(c, &vault, &req.username)?.is_some() {
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
            .insert(c, &vault)?;
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
