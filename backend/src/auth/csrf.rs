//! CSRF defence for every state-changing request: a double-submit token (a random cookie that
//! same-origin script echoes in `X-CSRF-Token`) plus an Origin check where the browser sends one.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::app::AppState;
use crate::error::AppError;

pub const CSRF_COOKIE: &str = "tangui_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn csrf_cookie(secure: bool, token: String) -> Cookie<'static> {
    Cookie::build((CSRF_COOKIE, token)).path("/").secure(secure).same_site(SameSite::Strict).build()
}

fn origin_allowed(req: &Request<Body>, public_url: &str) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true; // Non-browser clients send none; the token check still applies.
    };
    if origin == public_url {
        return true;
    }
    // Same host as the request itself (any port-forwarding or alias of the one server).
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
}

pub async fn csrf_layer(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    // Public data (GeoJSON for GIS users and caches) carries no cookies at all.
    if req.method() == Method::GET && req.uri().path().starts_with("/api/v1/public/") {
        return next.run(req).await;
    }
    let jar = CookieJar::from_headers(req.headers());
    let cookie = jar.get(CSRF_COOKIE).map(|c| c.value().to_string());
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let header = req.headers().get(CSRF_HEADER).and_then(|h| h.to_str().ok()).unwrap_or("");
        let token_ok = cookie
            .as_deref()
            .is_some_and(|c| !c.is_empty() && super::constant_time_eq(c.as_bytes(), header.as_bytes()));
        if !token_ok || !origin_allowed(&req, &state.config.public_url) {
            return AppError::Csrf.into_response();
        }
    }
    let mut res = next.run(req).await;
    // Hand out a token to clients that have none yet (unless the handler just rotated it).
    let rotated =
        res.headers().get_all(header::SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(CSRF_COOKIE.as_bytes()));
    if cookie.is_none() && !rotated {
        let c = csrf_cookie(state.config.cookie_secure, super::rand_bytes::random_hex(16));
        if let Ok(v) = c.to_string().parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}
