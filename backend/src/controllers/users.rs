//! Account administration (staff).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use common::dto::users::{CreateStaffRequest, ReclaimRequest, SetDisabledRequest, UserList, UserSummary};
use common::{District, Problem, Role};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::controllers::Page;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::models::user::{User, UserFilter};
use crate::services::{account_admin, accounts, second_factor};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub role: Option<Role>,
    pub district: Option<District>,
    /// 1-based page number.
    pub page: Option<i64>,
    /// Rows per page (at most 200).
    pub per_page: Option<i64>,
}

/// Accounts visible to the caller: admins see all, officers their district's staff.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = UserList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_users(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(q): Query<UserQuery>,
) -> AppResult<Json<UserList>> {
    let page = Page { page: q.page, per_page: q.per_page };
    let filter =
        UserFilter { role: q.role, district: q.district, limit: page.limit(50, 200), offset: page.offset(50, 200) };
    let (users, total) = state.db.run(move |c| Ok(User::list(c, &actor, &filter)?)).await?;
    Ok(Json(UserList { users: users.iter().map(|u| u.to_summary(&state.vault)).collect(), total }))
}

/// Create a district officer or city admin account (city admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateStaffRequest,
    responses((status = 201, body = UserSummary), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_staff(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiJson(req): ApiJson<CreateStaffRequest>,
) -> AppResult<(StatusCode, Json<UserSummary>)> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let user = accounts::create_staff(&state, &actor, req).await?;
    Ok((StatusCode::CREATED, Json(user.to_summary(&state.vault))))
}

/// Disable an account (someone who left) or enable it again; disabling ends its sessions at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/disabled", tag = "users", params(("id" = i64, Path)), request_body = SetDisabledRequest,
    responses((status = 200, body = UserSummary), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn set_disabled(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<SetDisabledRequest>,
) -> AppResult<Json<UserSummary>> {
    Ok(Json(account_admin::set_disabled(&state, &actor, id, req.disabled).await?.to_summary(&state.vault)))
}

/// End every session of an account.
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", tag = "users", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn end_sessions(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    account_admin::end_sessions(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Clear an officer's authenticator (lost phone): their sessions end and the next sign-in sets
/// up a new one.
#[utoipa::path(delete, path = "/api/v1/users/{id}/second-factor", tag = "users", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn reset_second_factor(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    second_factor::reset(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// At a service counter: move the account holding an ID number to the phone its holder has just
/// proven, after checking the ID card in person.
#[utoipa::path(post, path = "/api/v1/accounts/reclaim", tag = "users", request_body = ReclaimRequest,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn reclaim(
    State(state): State<AppState>,
    Staff(actor): Staff,
    ApiJson(req): ApiJson<ReclaimRequest>,
) -> AppResult<StatusCode> {
    account_admin::reclaim(&state, &actor, req).await?;
    Ok(StatusCode::NO_CONTENT)
}
