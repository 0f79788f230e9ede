//! Sessions live in the database (so any instance can serve any request): the browser holds a
//! random token in an HttpOnly cookie, the database only its SHA-256.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Duration;
use common::{District, Role};

use crate::app::{App, AppState};
use crate::clock::now;
use crate::error::{AppError, AppResult};
use crate::models::session::Session;

pub const SESSION_COOKIE: &str = "tangui_session";

/// The signed-in account making a request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    /// Set for district officers: everything they read is filtered to it.
    pub district: Option<District>,
    pub session_id: i64,
    /// Set when an officer at a service counter acts for this account (代办): the officer's id,
    /// recorded with what they do.
    pub assisted_by: Option<i64>,
}

impl Actor {
    pub fn require(&self, roles: &[Role]) -> AppResult<()> {
        if roles.contains(&self.role) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::CityAdmin
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}

/// Extractor: the request must come from a signed-in account (else 401).
pub struct CurrentUser(pub Actor);

/// Extractor: the account if signed in.
pub struct MaybeUser(pub Option<Actor>);

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_ip(parts: &Parts, app: &App) -> String {
    if app.config.trust_proxy
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        return ip.to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// Resolved once per request and cached in the request extensions: the session's actor and
/// whether the session still waits for the staff second factor.
#[derive(Clone)]
struct Resolved(Option<(Actor, bool)>);

async fn resolve_session(parts: &mut Parts, state: &AppState) -> AppResult<Option<(Actor, bool)>> {
    if let Some(Resolved(a)) = parts.extensions.get::<Resolved>() {
        return Ok(a.clone());
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let found = match jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        Some(token) if token.len() == 64 => {
            let hash = super::token_hash(&token);
            let idle = Duration::minutes(state.config.session_idle_minutes);
            let staff_idle = Duration::minutes(state.config.staff_session_idle_minutes);
            state.db.run(move |c| Session::authenticate(c, &hash, now(), idle, staff_idle)).await?
        }
        _ => None,
    };
    parts.extensions.insert(Resolved(found.clone()));
    Ok(found)
}

/// The signed-in actor. A staff session that has not passed the second factor is nobody here:
/// it reaches no route but the second-factor step ([`SecondFactorStep`]).
async fn resolve(parts: &mut Parts, state: &AppState) -> AppResult<Option<Actor>> {
    Ok(resolve_session(parts, state).await?.filter(|(_, pending)| !pending).map(|(a, _)| a))
}

/// Extractor for the second-factor step: a staff session that has passed the password, whether
/// or not it has passed the second factor yet (an enrolled officer may renew recovery codes).
pub struct SecondFactorStep {
    pub actor: Actor,
    pub pending: bool,
}

impl FromRequestParts<AppState> for SecondFactorStep {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let (actor, pending) = resolve_session(parts, state).await?.ok_or(AppError::Unauthenticated)?;
        if !actor.is_staff() {
            return Err(AppError::Forbidden);
        }
        Ok(SecondFactorStep { actor, pending })
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        resolve(parts, state).await?.map(CurrentUser).ok_or(AppError::Unauthenticated)
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        Ok(MaybeUser(resolve(parts, state).await?))
    }
}

/// Extractors that admit only some roles. They run before the body is read, so a caller who may
/// not use a route is told 403 whatever they sent, and services keep their own check as well.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, [$($role:expr),+]) => {
        $(#[$doc])*
        pub struct $name(pub Actor);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
                let actor = resolve(parts, state).await?.ok_or(AppError::Unauthenticated)?;
                actor.require(&[$($role),+])?;
                Ok($name(actor))
            }
        }
    };
}

role_extractor!(
    /// A vendor (street stall applicant or holder).
    VendorUser,
    [Role::Vendor]
);
role_extractor!(
    /// A shop owner.
    MerchantUser,
    [Role::Merchant]
);
role_extractor!(
    /// A vendor or a shop: the accounts that sign in by phone.
    PhoneUser,
    [Role::Vendor, Role::Merchant]
);
role_extractor!(
    /// A district officer or a city admin.
    Staff,
    [Role::DistrictOfficer, Role::CityAdmin]
);
role_extractor!(
    /// A district officer (the service counter's work: admins keep no counter).
    Officer,
    [Role::DistrictOfficer]
);
role_extractor!(
    /// A city admin.
    Admin,
    [Role::CityAdmin]
);

/// The session cookie, kept as long as the session can live (shorter for staff).
pub fn session_cookie(app: &App, token: String, staff: bool) -> Cookie<'static> {
    let hours = if staff { app.config.staff_session_max_hours } else { app.config.session_max_hours };
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(app.config.cookie_secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::hours(hours))
        .build()
}

pub fn clear_session_cookie(app: &App) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .http_only(true)
        .secure(app.config.cookie_secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::ZERO)
        .build()
}
