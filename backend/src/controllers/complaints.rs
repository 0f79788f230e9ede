//! Complaints through the portal: filed by anyone, followed by the reporter's token, handled by
//! the district's officers. (Open311 clients use `/open311/v2`.)

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use common::Problem;
use common::dto::lifecycle::{
    ComplaintInput, ComplaintReceipt, ComplaintUpdate, ComplaintView, EvidenceReceipt, ReopenRequest,
};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{MaybeUser, Staff, limits};
use crate::controllers::auth::ClientInfo;
use crate::error::AppResult;
use crate::extract::ApiJson;
use crate::services::complaints as service;

/// Report a problem at a zone, a permit or a point on the map. Keep the token to follow it.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", request_body = ComplaintInput,
    responses((status = 201, body = ComplaintReceipt), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn create_complaint(
    State(state): State<AppState>,
    MaybeUser(actor): MaybeUser,
    client: ClientInfo,
    ApiJson(input): ApiJson<ComplaintInput>,
) -> AppResult<(StatusCode, Json<ComplaintReceipt>)> {
    // Anonymous reports are limited per address; signed-in ones are accountable already.
    let limit = actor.is_none().then_some((limits::REPORT_PER_ADDRESS, client.ip));
    Ok((StatusCode::CREATED, Json(service::create(&state, actor.as_ref(), input, limit).await?)))
}

/// Attach the photo to one's report, with the report's private token (anonymous reporters).
#[utoipa::path(post, path = "/api/v1/public/complaints/{token}/photo", tag = "complaints", params(("token" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceReceipt), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn attach_photo(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: axum::body::Body,
) -> AppResult<(StatusCode, Json<EvidenceReceipt>)> {
    let bytes = crate::controllers::supervision::read_upload(body).await?;
    Ok((StatusCode::CREATED, Json(service::attach_photo(&state, token, bytes).await?)))
}

/// The reporter's view of a complaint, by its private token.
#[utoipa::path(get, path = "/api/v1/public/complaints/{token}", tag = "complaints", params(("token" = String, Path)),
    responses((status = 200, body = ComplaintView), (status = 404, body = Problem)))]
pub async fn complaint_by_token(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<ComplaintView>> {
    Ok(Json(service::by_token(&state, token).await?))
}

/// "Not fixed": the reporter reopens a closed complaint.
#[utoipa::path(post, path = "/api/v1/complaints/by-token/{token}/reopen", tag = "complaints", params(("token" = String, Path)),
    request_body = ReopenRequest, responses((status = 200, body = ComplaintView), (status = 409, body = Problem)))]
pub async fn reopen_complaint(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(r): ApiJson<ReopenRequest>,
) -> AppResult<Json<ComplaintView>> {
    Ok(Json(service::reopen(&state, token, r.note).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// true: closed ones too.
    pub all: Option<bool>,
}

/// The district's complaints, open ones first by how long they have waited.
#[utoipa::path(get, path = "/api/v1/review/complaints", tag = "review", params(QueueQuery), responses((status = 200, body = [ComplaintView])))]
pub async fn complaint_queue(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(q): Query<QueueQuery>,
) -> AppResult<Json<Vec<ComplaintView>>> {
    Ok(Json(service::queue(&state, &actor, q.all.unwrap_or(false)).await?))
}

/// One complaint with the reporter's contact (staff of its district).
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = ComplaintView), (status = 404, body = Problem)))]
pub async fn find_complaint(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> AppResult<Json<ComplaintView>> {
    Ok(Json(service::staff_view(&state, &actor, id).await?))
}

/// Move a complaint on: in progress, resolved, or closed without action.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/status", tag = "review", params(("id" = i64, Path)), request_body = ComplaintUpdate,
    responses((status = 200, body = ComplaintView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_complaint(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(u): ApiJson<ComplaintUpdate>,
) -> AppResult<Json<ComplaintView>> {
    Ok(Json(service::update(&state, &actor, id, u).await?))
}
