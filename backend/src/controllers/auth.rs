//! Accounts: register, sign in and out, the current account, password change.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use common::Problem;
use common::dto::auth::{
    ChangePasswordRequest, ChangePhoneRequest, CodeRequest, CodeSent, Enrolment, LoginRequest, Me, RegisterRequest,
    ResetPasswordRequest, SecondFactorRequest, SessionResponse,
};
use common::password::{PasswordStrength, StrengthRequest};

use crate::app::AppState;
use crate::auth::csrf::csrf_cookie;
use crate::auth::rand_bytes::random_hex;
use crate::auth::session::{PhoneUser, SecondFactorStep};
use crate::auth::session::{clear_session_cookie, client_ip, session_cookie};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::models::user::User;
use crate::services::accounts::{self, NewSession};
use crate::services::second_factor;

/// Who is calling, for the session record.
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

impl axum::extract::FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientInfo {
            ip: client_ip(parts, &state.0),
            user_agent: parts.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string(),
        })
    }
}

/// Sets the session cookie and a fresh CSRF token (a new session never reuses the old token).
fn signed_in(state: &AppState, jar: CookieJar, s: NewSession, status: StatusCode) -> impl IntoResponse + use<> {
    let csrf = random_hex(16);
    let staff = s.user.role().is_staff();
    let jar = jar
        .add(session_cookie(&state.0, s.token, staff))
        .add(csrf_cookie(state.config.cookie_secure, csrf.clone()))
        .add(device_cookie(state.config.cookie_secure, s.device));
    let body = SessionResponse {
        user: s.user.to_me(&state.vault),
        csrf_token: csrf,
        second_factor: s.second_factor,
        recovery_codes: s.recovery_codes,
    };
    (status, jar, Json(body))
}

const DEVICE_COOKIE: &str = "tangui_device";

/// A random id for this browser, kept a year, so that a sign-in from a new one is told to the
/// account holder. It says nothing by itself and is not a session.
fn device_cookie(secure: bool, id: String) -> axum_extra::extract::cookie::Cookie<'static> {
    axum_extra::extract::cookie::Cookie::build((DEVICE_COOKIE, id))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(axum_extra::extract::cookie::SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build()
}

/// This browser's device id, or a new one.
fn device_of(jar: &CookieJar) -> String {
    jar.get(DEVICE_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| random_hex(16))
}

/// Register as a vendor (real name, resident ID, mobile) or a shop (credit code); signs in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses((status = 201, body = SessionResponse), (status = 422, body = Problem), (status = 400, body = Problem)))]
pub async fn register(
    State(state): State<AppState>,
    client: ClientInfo,
    jar: CookieJar,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> AppResult<impl IntoResponse> {
    let device = device_of(&jar);
    let s = accounts::register(&state, req, client.ip, client.user_agent, device).await?;
    Ok(signed_in(&state, jar, s, StatusCode::CREATED))
}

/// Sign in with mobile number (or staff username) and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = SessionResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<impl IntoResponse> {
    let device = device_of(&jar);
    let s = accounts::login(&state, req, client.ip, client.user_agent, device).await?;
    Ok(signed_in(&state, jar, s, StatusCode::OK))
}

/// Ask for a one-time code by text: to register, to reset a forgotten password, or (officers at
/// a service counter) to move an account to its ID holder's phone. The answer is the same
/// whether or not the phone has an account.
#[utoipa::path(post, path = "/api/v1/auth/codes", tag = "accounts", request_body = CodeRequest,
    responses((status = 202, body = CodeSent), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn send_code(
    State(state): State<AppState>,
    client: ClientInfo,
    MaybeUser(actor): MaybeUser,
    ApiJson(req): ApiJson<CodeRequest>,
) -> AppResult<(StatusCode, Json<CodeSent>)> {
    Ok((StatusCode::ACCEPTED, Json(accounts::send_code(&state, req, client.ip, actor).await?)))
}

/// Set a new password with the code texted to the account's phone; every session ends.
#[utoipa::path(post, path = "/api/v1/auth/reset", tag = "accounts", request_body = ResetPasswordRequest,
    responses((status = 204), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn reset_password(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> AppResult<StatusCode> {
    accounts::reset_password(&state, req, client.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Officers and admins, after the password: set up an authenticator app (first sign-in).
#[utoipa::path(post, path = "/api/v1/auth/second-factor/enrol", tag = "accounts",
    responses((status = 200, body = Enrolment), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn enrol_second_factor(State(state): State<AppState>, step: SecondFactorStep) -> AppResult<Json<Enrolment>> {
    Ok(Json(second_factor::enrol(&state, &step.actor).await?))
}

/// Officers and admins, after the password: the authenticator's code (or a recovery code)
/// finishes the sign-in under a new session token.
#[utoipa::path(post, path = "/api/v1/auth/second-factor", tag = "accounts", request_body = SecondFactorRequest,
    responses((status = 200, body = SessionResponse), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn second_factor(
    State(state): State<AppState>,
    step: SecondFactorStep,
    jar: CookieJar,
    ApiJson(req): ApiJson<SecondFactorRequest>,
) -> AppResult<impl IntoResponse> {
    AppError::check(req.validate())?;
    let device = device_of(&jar);
    let passed = second_factor::verify(&state, &step.actor, req.code, device.clone()).await?;
    let s = NewSession {
        token: passed.token,
        user: passed.user,
        device,
        second_factor: None,
        recovery_codes: passed.recovery_codes,
    };
    Ok(signed_in(&state, jar, s, StatusCode::OK))
}

/// Sign out: the session ends on the server, not only in the browser.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    MaybeUser(actor): MaybeUser,
    jar: CookieJar,
) -> AppResult<impl IntoResponse> {
    accounts::logout(&state, actor).await?;
    Ok((StatusCode::NO_CONTENT, jar.add(clear_session_cookie(&state.0))))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> AppResult<Json<Me>> {
    let vault = state.vault.clone();
    let me = state
        .db
        .run(move |c| {
            let mut me = User::find(c, actor.user_id)?.to_me(&vault);
            me.acting_for = crate::services::assisted::acting_for(c, &actor)?;
            Ok(me)
        })
        .await?;
    Ok(Json(me))
}

/// Change the password; other sessions of the account end.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    accounts::change_password(&state, &actor, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move the account to a new phone: the code texted to it (`purpose: phone_change`) and the
/// current password. The old phone is told; other sessions end.
#[utoipa::path(post, path = "/api/v1/me/phone", tag = "accounts", request_body = ChangePhoneRequest,
    responses((status = 204), (status = 422, body = Problem), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn change_phone(
    State(state): State<AppState>,
    PhoneUser(actor): PhoneUser,
    client: ClientInfo,
    ApiJson(req): ApiJson<ChangePhoneRequest>,
) -> AppResult<StatusCode> {
    accounts::change_phone(&state, &actor, req, client.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How hard a password would be to guess (the rule every password must pass, in
/// `common::password`), for the live meter of the registration and password forms. Nothing is
/// stored or logged.
#[utoipa::path(post, path = "/api/v1/auth/password-strength", tag = "accounts", request_body = StrengthRequest,
    responses((status = 200, body = PasswordStrength), (status = 400, body = Problem)))]
pub async fn password_strength(ApiJson(req): ApiJson<StrengthRequest>) -> Json<PasswordStrength> {
    let about: Vec<&str> = req.user_inputs.iter().map(String::as_str).collect();
    Json(common::password::strength(&req.password, &about))
}
