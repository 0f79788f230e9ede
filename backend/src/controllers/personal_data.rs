//! A person's rights over their data: who looked at their documents, the download of everything
//! kept about them, closing the account.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use common::Problem;
use common::dto::personal_data::{CloseAccountRequest, DocumentLooks};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::session::{PhoneUser, clear_session_cookie};
use crate::error::AppResult;
use crate::extract::ApiJson;
use crate::services::personal_data as service;

/// Which officers opened the signed-in person's documents, and when (newest first).
#[utoipa::path(get, path = "/api/v1/me/document-looks", tag = "accounts", responses((status = 200, body = DocumentLooks), (status = 401, body = Problem)))]
pub async fn document_looks(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
) -> AppResult<Json<DocumentLooks>> {
    Ok(Json(service::document_looks(&state, &actor).await?))
}

/// Everything kept about the signed-in person: a ZIP with `data.json` and their files.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", responses((status = 200, description = "a ZIP archive", content_type = "application/zip"), (status = 401, body = Problem)))]
pub async fn export(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> AppResult<Response> {
    let zip = service::export(&state, &actor).await?;
    let name = format!("attachment; filename=\"tangui-my-data-{}.zip\"", crate::clock::today());
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/zip")),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        zip,
    )
        .into_response())
}

/// Close the signed-in vendor's or shop's account (with the password). Refused while a permit,
/// filing or draw place is live.
#[utoipa::path(post, path = "/api/v1/me/close", tag = "accounts", request_body = CloseAccountRequest,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_account(
    State(state): State<AppState>,
    PhoneUser(actor): PhoneUser,
    jar: CookieJar,
    ApiJson(req): ApiJson<CloseAccountRequest>,
) -> AppResult<impl IntoResponse> {
    service::close_account(&state, &actor, req).await?;
    Ok((StatusCode::NO_CONTENT, jar.add(clear_session_cookie(&state.0))))
}
