//! The officer's workbench: every case of their district in one queue.

use axum::Json;
use axum::extract::{Query, State};
use common::Problem;
use common::dto::cases::{CaseList, CaseQuery};

use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{AppError, AppResult};
use crate::services::cases as service;

/// Cases of the officer's district (all districts for the city): 待办 soonest deadline first,
/// 已办 and 全部 latest first; search by case number, name or address; filter by kind, status,
/// street and overdue; paged.
#[utoipa::path(get, path = "/api/v1/review/cases", tag = "review", params(CaseQuery),
    responses((status = 200, body = CaseList), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_cases(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(q): Query<CaseQuery>,
) -> AppResult<Json<CaseList>> {
    let filter = q.check().map_err(AppError::Validation)?;
    Ok(Json(service::list(&state, &actor, filter).await?))
}
