//! Public reference data and headline figures.

use axum::Json;
use axum::extract::State;
use common::District;
use common::dto::stats::Overview;
use serde::Serialize;

use crate::app::AppState;
use crate::error::AppResult;
use crate::models::stats;

#[derive(Serialize, utoipa::ToSchema)]
pub struct DistrictInfo {
    pub code: District,
    pub abbr: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

/// Xiamen's six districts.
#[utoipa::path(get, path = "/api/v1/districts", tag = "meta", responses((status = 200, body = [DistrictInfo])))]
pub async fn list_districts() -> Json<Vec<DistrictInfo>> {
    Json(
        District::ALL
            .into_iter()
            .map(|d| DistrictInfo { code: d, abbr: d.abbr(), name_zh: d.name_zh(), name_en: d.name_en() })
            .collect(),
    )
}

/// Zones and stalls per district (active zones only).
#[utoipa::path(get, path = "/api/v1/stats/overview", tag = "meta", responses((status = 200, body = Overview)))]
pub async fn overview(State(state): State<AppState>) -> AppResult<Json<Overview>> {
    Ok(Json(state.db.run(|c| stats::overview(c).map_err(Into::into)).await?))
}

/// The street map's tile source (null when the operator set none: the map shows district
/// outlines only). Its origin is allowed in the Content-Security-Policy's `img-src`.
#[utoipa::path(get, path = "/api/v1/public/basemap-tiles", tag = "meta",
    responses((status = 200, body = Option<common::tiles::TileSource>)))]
pub async fn basemap_tiles(State(state): State<AppState>) -> Json<Option<common::tiles::TileSource>> {
    Json(state.config.basemap_tiles.clone())
}
