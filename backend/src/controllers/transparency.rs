//! What the city publishes so that outsiders can hold it to its records.

use axum::Json;
use axum::extract::State;
use common::dto::transparency::AuditHead;

use crate::app::AppState;
use crate::error::AppResult;
use crate::models::audit;

/// The audit log's head each day, newest first (at most 400 days). Keep a copy: `tangui
/// verify-audit --heads FILE` later shows whether the log was rewritten since.
#[utoipa::path(get, path = "/api/v1/transparency/audit-heads", tag = "meta", responses((status = 200, body = [AuditHead])))]
pub async fn audit_heads(State(state): State<AppState>) -> AppResult<Json<Vec<AuditHead>>> {
    Ok(Json(state.db.run(|c| Ok(audit::checkpoints(c, 400)?)).await?))
}
