//! Assisted service at a district service counter (服务窗口代办): the consent form, accounts
//! opened for people without a phone, acting for them, their receipts, the counter's queue of
//! notices to hand over, and the person's takeover of the account.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::Problem;
use common::dto::assisted::{AssistedAccount, AssistedAccountRequest, CounterNotice, HandOverRequest, TakeoverRequest};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{CurrentUser, Officer};
use crate::controllers::auth::ClientInfo;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::services::assisted as service;

/// A PDF to open in the browser and print.
async fn pdf_response(sheet: crate::pdf::Sheet, filename: String) -> AppResult<Response> {
    let bytes = tokio::task::spawn_blocking(move || crate::pdf::render_sheet(&sheet))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("inline; filename=\"{filename}\""))
                    .unwrap_or(HeaderValue::from_static("inline")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsentQuery {
    /// The person's name, printed on the form.
    pub name: Option<String>,
    /// The counter, printed on the form.
    pub counter: Option<String>,
}

/// The consent form (zh) to print and have the person sign before filing for them.
#[utoipa::path(get, path = "/api/v1/assisted/consent-form.pdf", tag = "users", params(ConsentQuery),
    responses((status = 200, description = "the form", content_type = "application/pdf"), (status = 403, body = Problem)))]
pub async fn consent_form(Officer(actor): Officer, Query(q): Query<ConsentQuery>) -> AppResult<Response> {
    let district = actor.district.filter(|_| actor.assisted_by.is_none()).ok_or(AppError::Forbidden)?;
    let clip = |s: Option<String>| s.unwrap_or_default().chars().take(60).collect::<String>();
    let sheet = service::consent_form(district, &clip(q.counter), &clip(q.name));
    pdf_response(sheet, "tangui-consent.pdf".into()).await
}

/// Open an account for the person at the counter (their ID card checked, the signed consent
/// form photographed; a texted code when they have a phone); the officer's session then acts
/// for it.
#[utoipa::path(post, path = "/api/v1/assisted/accounts", tag = "users", request_body = AssistedAccountRequest,
    responses((status = 201, body = AssistedAccount), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn open_account(
    State(state): State<AppState>,
    Officer(actor): Officer,
    ApiJson(req): ApiJson<AssistedAccountRequest>,
) -> AppResult<(StatusCode, Json<AssistedAccount>)> {
    Ok((StatusCode::CREATED, Json(service::open_account(&state, &actor, req).await?)))
}

/// The accounts this district's counter looks after (not yet taken over by their holder).
#[utoipa::path(get, path = "/api/v1/assisted/accounts", tag = "users",
    responses((status = 200, body = Vec<AssistedAccount>), (status = 403, body = Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    Officer(actor): Officer,
) -> AppResult<Json<Vec<AssistedAccount>>> {
    Ok(Json(service::list(&state, &actor).await?))
}

/// Act for an account again (the person is back at the counter).
#[utoipa::path(post, path = "/api/v1/assisted/accounts/{id}/act", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = AssistedAccount), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn act(
    State(state): State<AppState>,
    Officer(actor): Officer,
    Path(id): Path<i64>,
) -> AppResult<Json<AssistedAccount>> {
    Ok(Json(service::act(&state, &actor, id).await?))
}

/// Stop acting for the person: the session is the officer's own again.
#[utoipa::path(delete, path = "/api/v1/assisted/acting", tag = "users",
    responses((status = 204), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn stop_acting(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> AppResult<StatusCode> {
    service::stop_acting(&state, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The one-page receipt of an application: its number, status, what happens next and when.
/// Printed by a counter officer acting for the person, it carries a new takeover code.
#[utoipa::path(get, path = "/api/v1/applications/{id}/summary.pdf", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, description = "the receipt", content_type = "application/pdf"), (status = 404, body = Problem)))]
pub async fn case_summary(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let sheet = service::case_summary(&state, &actor, id).await?;
    pdf_response(sheet, format!("tangui-receipt-{id}.pdf")).await
}

/// A shop's receipt while a counter files for it: its filings, their status and what happens
/// next, and a new takeover code.
#[utoipa::path(get, path = "/api/v1/assisted/receipt.pdf", tag = "filings",
    responses((status = 200, description = "the receipt", content_type = "application/pdf"), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn shop_receipt(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> AppResult<Response> {
    let sheet = service::shop_receipt(&state, &actor).await?;
    pdf_response(sheet, "tangui-shop-receipt.pdf".into()).await
}

/// Take over an account a counter opened: the ID number, the takeover code on the receipt, and
/// a phone of one's own proven by a texted code (`purpose: takeover`); then sign in.
#[utoipa::path(post, path = "/api/v1/assisted/takeover", tag = "accounts", request_body = TakeoverRequest,
    responses((status = 204), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn take_over(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiJson(req): ApiJson<TakeoverRequest>,
) -> AppResult<StatusCode> {
    service::take_over(&state, req, client.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Notices to people without a phone that this counter looks after, waiting to be printed or
/// called out.
#[utoipa::path(get, path = "/api/v1/assisted/notices", tag = "notices",
    responses((status = 200, body = Vec<CounterNotice>), (status = 403, body = Problem)))]
pub async fn counter_notices(
    State(state): State<AppState>,
    Officer(actor): Officer,
) -> AppResult<Json<Vec<CounterNotice>>> {
    Ok(Json(service::counter_notices(&state, &actor).await?))
}

/// The notice reached the person (printed, or called out); it leaves the queue.
#[utoipa::path(post, path = "/api/v1/assisted/notices/{id}/handed", tag = "notices", params(("id" = i64, Path)), request_body = HandOverRequest,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn hand_over(
    State(state): State<AppState>,
    Officer(actor): Officer,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<HandOverRequest>,
) -> AppResult<StatusCode> {
    service::hand_over(&state, &actor, id, req.how).await?;
    Ok(StatusCode::NO_CONTENT)
}
