//! Registered helpers of a stall permit, and the subletting reviews inspections open.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use common::Problem;
use common::dto::lifecycle::{CheckInInput, CheckInReceipt, HelperDecision, HelperInput, PermitView, ReviewClosing};

use crate::app::AppState;
use crate::auth::{CurrentUser, Staff};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::services::helpers as service;

/// Register a helper who may work the stall (the holder; at most the pack's `max_helpers`). The
/// face photo is uploaded first to `/api/v1/evidence`; the district approves or refuses.
#[utoipa::path(post, path = "/api/v1/permits/{id}/helpers", tag = "permits", params(("id" = i64, Path)), request_body = HelperInput,
    responses((status = 200, body = PermitView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register_helper(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<HelperInput>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::register(&state, &actor, id, input).await?))
}

/// Remove a helper (the holder).
#[utoipa::path(delete, path = "/api/v1/helpers/{id}", tag = "permits", params(("id" = i64, Path)),
    responses((status = 200, body = PermitView), (status = 404, body = Problem)))]
pub async fn remove_helper(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::remove(&state, &actor, id).await?))
}

/// Approve or refuse a helper (officers of the permit's district, admins).
#[utoipa::path(post, path = "/api/v1/helpers/{id}/decision", tag = "review", params(("id" = i64, Path)), request_body = HelperDecision,
    responses((status = 200, body = PermitView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_helper(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<HelperDecision>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::decide(&state, &actor, id, d).await?))
}

/// An approved helper's face photo, shown on the public verify page of a permit in force.
#[utoipa::path(get, path = "/api/v1/public/permits/{code}/helpers/{id}/photo", tag = "permits",
    params(("code" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "the photo", content_type = "image/jpeg"), (status = 404, body = Problem)))]
pub async fn helper_photo(State(state): State<AppState>, Path((code, id)): Path<(String, i64)>) -> AppResult<Response> {
    if code.len() != 20 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let (ct, bytes) = service::public_photo(&state, code, id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            // Short: a removed helper must disappear from the check soon.
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        bytes,
    )
        .into_response())
}

/// Close a subletting review with its finding (officers of the district, admins).
#[utoipa::path(post, path = "/api/v1/permit-reviews/{id}/close", tag = "review", params(("id" = i64, Path)), request_body = ReviewClosing,
    responses((status = 200, body = PermitView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_review(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(closing): ApiJson<ReviewClosing>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::close_review(&state, &actor, id, closing).await?))
}

/// Check in at the stall (the holder, inside the zone during its hours; once a day counts).
#[utoipa::path(post, path = "/api/v1/permits/{id}/check-in", tag = "permits", params(("id" = i64, Path)), request_body = CheckInInput,
    responses((status = 200, body = CheckInReceipt), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn check_in(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CheckInInput>,
) -> AppResult<Json<CheckInReceipt>> {
    Ok(Json(crate::services::attendance::check_in(&state, &actor, id, input).await?))
}
