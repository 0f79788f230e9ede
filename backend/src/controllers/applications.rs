//! Stall applications (vendors), the review queue and decisions (officers), the working-day calendar.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use common::application::{ApplicationStatus, Decision, DocKind, MAX_UPLOAD_BYTES};
use common::calendar::CalendarDay;
use common::dto::applications::{ApplicationView, DocumentView, QueueList, SaveApplication};
use common::{FieldError, Problem};
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::auth::{Admin, CurrentUser, Staff, VendorUser};
use crate::clock::now;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::models::{audit, calendar};
use crate::services::applications as service;

/// Start a stall application (saved as a draft; one open application per person).
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = SaveApplication,
    responses((status = 201, body = ApplicationView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_application(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    ApiJson(req): ApiJson<SaveApplication>,
) -> AppResult<(StatusCode, Json<ApplicationView>)> {
    Ok((StatusCode::CREATED, Json(service::save(&state, &actor, None, req).await?)))
}

/// One application: its owner, an officer of its district, or an admin.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationView), (status = 404, body = Problem)))]
pub async fn find_application(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ApplicationView>> {
    Ok(Json(service::view(&state, &actor, id).await?))
}

/// Save a draft (or a returned application being corrected).
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = i64, Path)), request_body = SaveApplication,
    responses((status = 200, body = ApplicationView), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn save_application(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<SaveApplication>,
) -> AppResult<Json<ApplicationView>> {
    Ok(Json(service::save(&state, &actor, Some(id), req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// id_card, health_certificate, low_income_proof, disability_certificate, unemployment_registration, residence_proof, other
    pub kind: String,
    /// The file's name as the user chose it (kept for display only).
    pub filename: Option<String>,
}

/// Upload a document (JPG, PNG or PDF, at most 5 MB; the type is read from the content).
#[utoipa::path(post, path = "/api/v1/applications/{id}/documents", tag = "applications", params(("id" = i64, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentView), (status = 422, body = Problem)))]
pub async fn upload_document(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path(id): Path<i64>,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> AppResult<(StatusCode, Json<DocumentView>)> {
    let kind = DocKind::parse(&q.kind)
        .ok_or_else(|| AppError::field("kind", "unknown_kind", "未知的材料类型", "Unknown document kind"))?;
    let limit = MAX_UPLOAD_BYTES as usize;
    let bytes = axum::body::to_bytes(body, limit + 1).await.map_err(|_| {
        AppError::Validation(vec![FieldError::new(
            "file",
            "file_too_large",
            "文件不能超过 5 MB",
            "Files must be at most 5 MB",
        )])
    })?;
    let doc = service::upload(&state, &actor, id, kind, q.filename.unwrap_or_default(), bytes).await?;
    Ok((StatusCode::CREATED, Json(doc)))
}

/// Remove a document from a draft.
#[utoipa::path(delete, path = "/api/v1/applications/{id}/documents/{doc_id}", tag = "applications",
    params(("id" = i64, Path), ("doc_id" = i64, Path)), responses((status = 204), (status = 409, body = Problem)))]
pub async fn delete_document(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path((id, doc_id)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    service::delete_document(&state, &actor, id, doc_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Open a document (applicant, officer of the district, admin). Served so it cannot run script.
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents/{doc_id}", tag = "applications",
    params(("id" = i64, Path), ("doc_id" = i64, Path)), responses((status = 200, description = "the file"), (status = 404, body = Problem)))]
pub async fn get_document(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path((id, doc_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (doc, bytes) = service::document_file(&state, &actor, id, doc_id).await?;
    let ct = HeaderValue::from_str(&doc.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("inline")),
        ],
        bytes,
    )
        .into_response())
}

/// Submit: every problem (missing documents, zones, trade) is listed at once; the review
/// deadline is set in working days.
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationView), (status = 422, body = Problem)))]
pub async fn submit_application(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ApplicationView>> {
    Ok(Json(service::submit(&state, &actor, id).await?))
}

/// Withdraw an application that is not yet in a draw.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationView), (status = 409, body = Problem)))]
pub async fn withdraw_application(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ApplicationView>> {
    Ok(Json(service::withdraw(&state, &actor, id).await?))
}

/// Decide (officer of the case's district): eligible, ineligible with a reason, or return
/// listing every item to correct at once.
#[utoipa::path(post, path = "/api/v1/applications/{id}/decision", tag = "review", params(("id" = i64, Path)), request_body = Decision,
    responses((status = 200, body = ApplicationView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_application(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(decision): ApiJson<Decision>,
) -> AppResult<Json<ApplicationView>> {
    Ok(Json(service::decide(&state, &actor, id, decision).await?))
}

/// The signed-in vendor's applications, newest first.
#[utoipa::path(get, path = "/api/v1/me/applications", tag = "applications", responses((status = 200, body = [ApplicationView])))]
pub async fn my_applications(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
) -> AppResult<Json<Vec<ApplicationView>>> {
    Ok(Json(service::mine(&state, &actor).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// submitted (default), returned, eligible, ineligible …
    pub status: Option<ApplicationStatus>,
}

/// The review queue: the officer's district only, overdue first, then by deadline.
#[utoipa::path(get, path = "/api/v1/review/applications", tag = "review", params(QueueQuery),
    responses((status = 200, body = QueueList), (status = 403, body = Problem)))]
pub async fn review_queue(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(q): Query<QueueQuery>,
) -> AppResult<Json<QueueList>> {
    Ok(Json(service::queue(&state, &actor, q.status).await?))
}

/// Public holidays and swapped workdays used for deadlines.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "calendar", responses((status = 200, body = [CalendarDay])))]
pub async fn list_calendar(State(state): State<AppState>) -> AppResult<Json<Vec<CalendarDay>>> {
    Ok(Json(state.db.run(|c| Ok(calendar::all(c)?)).await?))
}

/// Set a day as a holiday or a swapped workday (city admins).
#[utoipa::path(put, path = "/api/v1/calendar/{date}", tag = "calendar", params(("date" = String, Path, description = "YYYY-MM-DD")),
    request_body = CalendarDay, responses((status = 200, body = CalendarDay), (status = 422, body = Problem)))]
pub async fn set_calendar_day(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(date): Path<NaiveDate>,
    ApiJson(mut day): ApiJson<CalendarDay>,
) -> AppResult<Json<CalendarDay>> {
    day.date = date;
    let mut e = common::validate::Errors::new();
    e.text("name", "名称", "Name", &day.name, 30);
    AppError::check(e.0)?;
    let d = day.clone();
    state
        .db
        .write(move |c| {
            calendar::set(c, &d)?;
            audit::record(
                c,
                now(),
                Some(actor.user_id),
                "calendar.set",
                "calendar",
                &d.date.to_string(),
                json!({ "kind": d.kind, "name": d.name }),
            )?;
            Ok(())
        })
        .await?;
    Ok(Json(day))
}

/// Remove a calendar override (city admins).
#[utoipa::path(delete, path = "/api/v1/calendar/{date}", tag = "calendar", params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204)))]
pub async fn delete_calendar_day(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(date): Path<NaiveDate>,
) -> AppResult<StatusCode> {
    state
        .db
        .write(move |c| {
            calendar::remove(c, date)?;
            audit::record(c, now(), Some(actor.user_id), "calendar.removed", "calendar", &date.to_string(), json!({}))?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
