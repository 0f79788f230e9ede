//! Officers on site and after: photos, inspections, appeals and the district's work list.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::application::MAX_UPLOAD_BYTES;
use common::dto::lifecycle::{
    AppealDecision, AppealInput, EvidenceReceipt, InspectionInput, InspectionResult, PermitView, SupervisionQueue,
};
use common::{FieldError, Problem};

use crate::app::AppState;
use crate::auth::{CurrentUser, Staff};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::services::inspections as service;

pub(crate) async fn read_upload(body: Body) -> AppResult<Vec<u8>> {
    let limit = MAX_UPLOAD_BYTES as usize;
    let bytes = axum::body::to_bytes(body, limit + 1).await.map_err(|_| {
        AppError::Validation(vec![FieldError::new(
            "file",
            "file_too_large",
            "文件不能超过 5 MB",
            "Files must be at most 5 MB",
        )])
    })?;
    Ok(bytes.to_vec())
}

/// Upload a photo (JPEG or PNG, at most 5 MB) for an inspection or a complaint.
#[utoipa::path(post, path = "/api/v1/evidence", tag = "supervision",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceReceipt), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn upload_evidence(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    body: Body,
) -> AppResult<(StatusCode, Json<EvidenceReceipt>)> {
    let bytes = read_upload(body).await?;
    Ok((StatusCode::CREATED, Json(service::upload_evidence(&state, &actor, bytes).await?)))
}

/// A photo (staff, its uploader, or the holder whose inspection it documents).
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "supervision", params(("id" = i64, Path)),
    responses((status = 200, description = "the photo", content_type = "image/jpeg"), (status = 404, body = Problem)))]
pub async fn evidence_file(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (ct, bytes) = service::evidence_file(&state, &actor, id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600")),
        ],
        bytes,
    )
        .into_response())
}

/// Record an inspection of a permit (by id or scanned code) or a zone, with violations.
#[utoipa::path(post, path = "/api/v1/inspections", tag = "supervision", request_body = InspectionInput,
    responses((status = 201, body = InspectionResult), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_inspection(
    State(state): State<AppState>,
    Staff(actor): Staff,
    ApiJson(input): ApiJson<InspectionInput>,
) -> AppResult<(StatusCode, Json<InspectionResult>)> {
    Ok((StatusCode::CREATED, Json(service::record(&state, &actor, input).await?)))
}

/// Appeal a violation within the appeal period (the holder); it stops counting until decided.
#[utoipa::path(post, path = "/api/v1/violations/{id}/appeal", tag = "supervision", params(("id" = i64, Path)), request_body = AppealInput,
    responses((status = 200, body = PermitView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn appeal_violation(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AppealInput>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::appeal(&state, &actor, id, input).await?))
}

/// Decide an appeal (officers of the district, admins).
#[utoipa::path(post, path = "/api/v1/appeals/{id}/decision", tag = "review", params(("id" = i64, Path)), request_body = AppealDecision,
    responses((status = 200, body = PermitView), (status = 409, body = Problem)))]
pub async fn decide_appeal(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<AppealDecision>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::decide_appeal(&state, &actor, id, d).await?))
}

/// Pending appeals and transfers of the district; revocation proposals for admins.
#[utoipa::path(get, path = "/api/v1/review/supervision", tag = "review", responses((status = 200, body = SupervisionQueue)))]
pub async fn supervision_queue(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> AppResult<Json<SupervisionQueue>> {
    Ok(Json(service::queue(&state, &actor).await?))
}
