//! Open data: the catalogue (licence, datasets, dictionaries) and its files. Public, cacheable,
//! without personal data (see `services::open_data`).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use common::open_data::{DATASETS, LICENCE_EN, LICENCE_URL, LICENCE_ZH, MonthlyRow};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::AppResult;
use crate::services::open_data as service;

fn csv_file(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"tangui-{name}.csv\"")),
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
        ],
        body,
    )
        .into_response()
}

/// The catalogue: licence, and for each dataset its files and data dictionary.
#[utoipa::path(get, path = "/api/v1/open-data", tag = "open data", responses((status = 200, description = "catalogue")))]
pub async fn catalogue() -> Json<Value> {
    Json(json!({
        "publisher": "厦门市摊规点服务平台",
        "licence": { "zh": LICENCE_ZH, "en": LICENCE_EN, "url": LICENCE_URL },
        "datasets": DATASETS,
    }))
}

/// Active zones, one row each, with free stalls per trade.
#[utoipa::path(get, path = "/api/v1/open-data/zones.csv", tag = "open data",
    responses((status = 200, description = "CSV", content_type = "text/csv")))]
pub async fn zones_csv(State(state): State<AppState>) -> AppResult<Response> {
    Ok(csv_file("zones", service::zones_csv(&state).await?))
}

/// Every stall of the active zones: number, trade, size, state.
#[utoipa::path(get, path = "/api/v1/open-data/stalls.csv", tag = "open data",
    responses((status = 200, description = "CSV", content_type = "text/csv")))]
pub async fn stalls_csv(State(state): State<AppState>) -> AppResult<Response> {
    Ok(csv_file("stalls", service::stalls_csv(&state).await?))
}

/// Applications, valid permits and occupancy by district and month (last 12 months).
#[utoipa::path(get, path = "/api/v1/open-data/monthly.csv", tag = "open data",
    responses((status = 200, description = "CSV", content_type = "text/csv")))]
pub async fn monthly_csv(State(state): State<AppState>) -> AppResult<Response> {
    Ok(csv_file("monthly", service::monthly_csv(&service::monthly(&state).await?)))
}

/// The same monthly figures as JSON (the public dashboard's charts).
#[utoipa::path(get, path = "/api/v1/open-data/monthly.json", tag = "open data",
    responses((status = 200, body = [MonthlyRow])))]
pub async fn monthly_json(State(state): State<AppState>) -> AppResult<Json<Vec<MonthlyRow>>> {
    Ok(Json(service::monthly(&state).await?))
}

/// Confirmed allocation rounds: counts only.
#[utoipa::path(get, path = "/api/v1/open-data/rounds.csv", tag = "open data",
    responses((status = 200, description = "CSV", content_type = "text/csv")))]
pub async fn rounds_csv(State(state): State<AppState>) -> AppResult<Response> {
    Ok(csv_file("rounds", service::rounds_csv(&state).await?))
}
