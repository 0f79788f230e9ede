//! The in-app inbox: every notice the account was sent.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use common::Problem;
use common::dto::lifecycle::{Inbox, UnreadCount};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::services::notices as service;

/// The newest 100 notices and how many are unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "accounts", responses((status = 200, body = Inbox)))]
pub async fn inbox(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> AppResult<Json<Inbox>> {
    Ok(Json(service::inbox(&state, &actor).await?))
}

/// How many notices are unread: the header asks on every page, so it is one count, not the list.
#[utoipa::path(get, path = "/api/v1/me/notifications/unread", tag = "accounts", responses((status = 200, body = UnreadCount)))]
pub async fn unread(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> AppResult<Json<UnreadCount>> {
    Ok(Json(UnreadCount { unread: service::unread(&state, &actor).await? }))
}

/// Mark one notice read.
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn mark_read(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    service::mark_read(&state, &actor, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark every notice read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "accounts", responses((status = 204)))]
pub async fn mark_all_read(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> AppResult<StatusCode> {
    service::mark_read(&state, &actor, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
