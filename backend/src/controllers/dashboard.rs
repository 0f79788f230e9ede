//! The officers' and admins' dashboard and its exports.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use common::dto::stats::Dashboard;
use common::{District, Problem};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::services::dashboard as service;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Admins: one district (default the whole city). Officers always see their own.
    pub district: Option<District>,
    /// `en` for English headers in exports.
    pub lang: Option<String>,
}

/// Occupancy, applications, time to decision, overdue work, violations and complaints.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "review", params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 403, body = Problem)))]
pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Json<Dashboard>> {
    Ok(Json(service::build(&state, &actor, q.district).await?))
}

fn attachment(name: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        body,
    )
        .into_response()
}

/// Every dashboard table as one workbook (a sheet per table).
#[utoipa::path(get, path = "/api/v1/dashboard/export.xlsx", tag = "review", params(DashboardQuery),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Response> {
    let d = service::build(&state, &actor, q.district).await?;
    let en = q.lang.as_deref() == Some("en");
    let bytes = tokio::task::spawn_blocking(move || service::to_xlsx(&d, en))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    Ok(attachment("tangui-dashboard.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes))
}

/// One dashboard table as CSV (UTF-8 with BOM).
#[utoipa::path(get, path = "/api/v1/dashboard/csv/{table}", tag = "review", params(("table" = String, Path), DashboardQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 404, body = Problem)))]
pub async fn export_csv(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(table): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Response> {
    let id = table.strip_suffix(".csv").unwrap_or(&table).to_string();
    let d = service::build(&state, &actor, q.district).await?;
    let t = d.table(&id).ok_or(AppError::NotFound)?;
    Ok(attachment(
        &format!("{id}.csv"),
        "text/csv; charset=utf-8",
        t.to_csv(q.lang.as_deref() == Some("en")).into_bytes(),
    ))
}
