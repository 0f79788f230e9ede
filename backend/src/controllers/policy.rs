//! The policy pack (read by everyone, edited and published by admins) and the "do I need a
//! permit?" self-check.

use axum::Json;
use axum::extract::{Path, State};
use common::Problem;
use common::dto::filings::{PolicyDraft, PolicyVersionSummary};
use common::policy::{PolicyPack, SelfCheckAnswer, SelfCheckResult, self_check};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::ApiJson;
use crate::services::policy as service;

/// The policy pack in force: every rule with its clause, texts, source and parameters.
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy", responses((status = 200, body = PolicyPack)))]
pub async fn current_policy(State(state): State<AppState>) -> AppResult<Json<PolicyPack>> {
    Ok(Json(state.db.run(service::current).await?))
}

/// Every version (published ones are kept; at most one draft).
#[utoipa::path(get, path = "/api/v1/policy/versions", tag = "policy", responses((status = 200, body = [PolicyVersionSummary])))]
pub async fn policy_versions(State(state): State<AppState>) -> AppResult<Json<Vec<PolicyVersionSummary>>> {
    Ok(Json(state.db.run(service::versions).await?))
}

/// One published version, as decisions made under it saw it.
#[utoipa::path(get, path = "/api/v1/policy/versions/{version}", tag = "policy", params(("version" = u32, Path)),
    responses((status = 200, body = PolicyPack), (status = 404, body = Problem)))]
pub async fn policy_version(State(state): State<AppState>, Path(v): Path<u32>) -> AppResult<Json<PolicyPack>> {
    Ok(Json(state.db.run(move |c| service::version(c, v)).await?))
}

/// The draft being edited (admins), if any.
#[utoipa::path(get, path = "/api/v1/policy/draft", tag = "policy", responses((status = 200, body = Option<PolicyDraft>)))]
pub async fn get_draft(State(state): State<AppState>, Admin(_): Admin) -> AppResult<Json<Option<PolicyDraft>>> {
    Ok(Json(state.db.run(service::draft).await?))
}

/// Save the draft; its version is the next one.
#[utoipa::path(put, path = "/api/v1/policy/draft", tag = "policy", request_body = PolicyDraft,
    responses((status = 200, body = PolicyDraft), (status = 422, body = Problem)))]
pub async fn save_draft(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiJson(d): ApiJson<PolicyDraft>,
) -> AppResult<Json<PolicyDraft>> {
    Ok(Json(service::save_draft(&state, &actor, d).await?))
}

/// Publish the draft as the pack in force.
#[utoipa::path(post, path = "/api/v1/policy/draft/publish", tag = "policy",
    responses((status = 200, body = PolicyVersionSummary), (status = 409, body = Problem)))]
pub async fn publish_draft(
    State(state): State<AppState>,
    Admin(actor): Admin,
) -> AppResult<Json<PolicyVersionSummary>> {
    Ok(Json(service::publish(&state, &actor).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SelfCheckRequest {
    pub answers: Vec<SelfCheckAnswer>,
}

/// "Do I need a permit?": the next question, or the answer with its clause.
#[utoipa::path(post, path = "/api/v1/policy/self-check", tag = "policy", request_body = SelfCheckRequest,
    responses((status = 200, body = SelfCheckResult)))]
pub async fn run_self_check(
    State(state): State<AppState>,
    ApiJson(r): ApiJson<SelfCheckRequest>,
) -> AppResult<Json<SelfCheckResult>> {
    let pack = state.db.run(service::current).await?;
    Ok(Json(self_check(&pack, &r.answers)))
}
