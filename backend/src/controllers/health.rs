use axum::Json;
use axum::extract::State;
use common::dto::stats::Health;
use diesel::RunQueryDsl;

use crate::app::AppState;
use crate::error::AppResult;

/// Liveness and database check.
#[utoipa::path(get, path = "/api/v1/health", tag = "meta",
    responses((status = 200, body = Health), (status = 503, description = "database unreachable")))]
pub async fn health(State(state): State<AppState>) -> AppResult<Json<Health>> {
    state.db.run(|c| diesel::sql_query("SELECT 1").execute(c).map_err(Into::into)).await?;
    Ok(Json(Health {
        status: "ok".into(),
        database: state.db.kind.as_str().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
