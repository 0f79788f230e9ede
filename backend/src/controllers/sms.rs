//! The SMS gateway's callbacks (delivery reports, texts received), and the admin's outbox.
//!
//! The callbacks are called by Kannel, not by people: they carry the shared secret in the URL
//! (compared in constant time) and answer with an empty body, so the gateway sends nothing back
//! on its own; replies go through the outbox like every notice.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use common::Problem;
use common::dto::lifecycle::OutboxPage;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{AppError, AppResult};
use crate::services::sms as service;

fn check_key(state: &AppState, key: &str) -> AppResult<()> {
    match state.config.sms.callback_secret.as_deref() {
        Some(secret) if service::same_secret(key, secret) => Ok(()),
        // Without a gateway there is nothing to call back; a wrong key learns nothing either.
        _ => Err(AppError::NotFound),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DlrQuery {
    #[serde(default)]
    pub key: String,
    /// Our message id, put in the URL when the message was handed over.
    pub id: i64,
    /// Kannel's report type (`%d`): 1 delivered, 2 failed, 4 buffered, 8 at the carrier, 16 refused.
    #[serde(rename = "type")]
    pub dlr_type: i32,
    /// Kannel's report text (`%A`).
    #[serde(default)]
    pub answer: String,
}

/// A delivery report from the gateway (its `dlr-url`).
#[utoipa::path(get, path = "/api/v1/sms/dlr", tag = "notices", params(DlrQuery),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delivery_report(State(state): State<AppState>, Query(q): Query<DlrQuery>) -> AppResult<StatusCode> {
    check_key(&state, &q.key)?;
    service::delivery_report(&state, q.id, q.dlr_type, q.answer).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncomingQuery {
    #[serde(default)]
    pub key: String,
    /// The sending phone (`%p`).
    pub from: String,
    /// The text (`%a`).
    #[serde(default)]
    pub text: String,
}

/// A text received from a phone (the gateway's `sms-service`): "345 1" accepts offer 345.
#[utoipa::path(get, path = "/api/v1/sms/incoming", tag = "notices", params(IncomingQuery),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn incoming(State(state): State<AppState>, Query(q): Query<IncomingQuery>) -> AppResult<StatusCode> {
    check_key(&state, &q.key)?;
    if q.from.len() > 40 || q.text.chars().count() > 1000 {
        return Err(AppError::bad_request("too-long", "短信内容过长", "The text is too long"));
    }
    service::incoming(&state, q.from, q.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `queued`, `sending`, `sent`, `delivered`, `failed`, `dead` or `logged` (no gateway).
    pub status: Option<String>,
    pub page: Option<i64>,
}

/// Text messages, newest first: what the gateway said, what failed. City admins see all of them,
/// a district officer those about the district's cases.
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "notices", params(OutboxQuery),
    responses((status = 200, body = OutboxPage), (status = 403, body = Problem)))]
pub async fn outbox(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(q): Query<OutboxQuery>,
) -> AppResult<Json<OutboxPage>> {
    let status = q.status.filter(|s| common::dto::lifecycle::SMS_STATES.contains(&s.as_str()));
    Ok(Json(service::outbox(&state, &actor, status, q.page.unwrap_or(1)).await?))
}

/// Send a message that was not delivered again (officers, for the messages they can see).
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "notices", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 403, body = Problem)))]
pub async fn retry(State(state): State<AppState>, Staff(actor): Staff, Path(id): Path<i64>) -> AppResult<StatusCode> {
    service::retry(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
