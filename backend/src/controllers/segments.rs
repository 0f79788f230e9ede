//! Street segments shops file against: listed for everyone, reclassified, imported and exported
//! by admins. New filings use the new values; decisions already made keep theirs.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::dto::zones::ImportReport;
use common::policy::StreetClass;
use common::policy::segments::{SegmentInput, check_sidewalk, parse_segment_collection, segment_feature};
use common::{District, Problem};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::auth::Admin;
use crate::clock::now;
use crate::controllers::zones::{ImportQuery, read_text};
use crate::db::schema::street_segments as seg;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::models::audit;
use crate::models::segment::{Segment, SegmentView};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SegmentQuery {
    pub district: Option<District>,
    /// Only the streets a shop may file on (prohibited ones left out), as the filing form offers them.
    #[serde(default)]
    pub fileable: bool,
}

/// Street segments with their class and sidewalk width (public, for filing on the map), in
/// reading order ("第2段" before "第10段").
#[utoipa::path(get, path = "/api/v1/street-segments", tag = "policy", params(SegmentQuery), responses((status = 200, body = [SegmentView])))]
pub async fn list_segments(
    State(state): State<AppState>,
    Query(q): Query<SegmentQuery>,
) -> AppResult<Json<Vec<SegmentView>>> {
    let rows = state.db.run(move |c| Ok(Segment::list(c, q.district)?)).await?;
    let mut views: Vec<SegmentView> =
        rows.iter().map(Segment::to_view).filter(|s| !q.fileable || s.class != StreetClass::Prohibited).collect();
    views.sort_by(|a, b| {
        a.district.code().cmp(b.district.code()).then_with(|| common::text::natural_cmp(&a.name, &b.name))
    });
    Ok(Json(views))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SegmentEdit {
    pub class: StreetClass,
    pub sidewalk_m: f64,
    pub near_homes: bool,
    #[serde(default)]
    pub note: String,
}

/// Reclassify a segment or correct its sidewalk width (admins). New filings use the new values.
#[utoipa::path(put, path = "/api/v1/street-segments/{id}", tag = "policy", params(("id" = i64, Path)), request_body = SegmentEdit,
    responses((status = 200, body = SegmentView), (status = 422, body = Problem)))]
pub async fn edit_segment(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(e): ApiJson<SegmentEdit>,
) -> AppResult<Json<SegmentView>> {
    let mut problems: Vec<_> = check_sidewalk(e.sidewalk_m).into_iter().collect();
    if e.note.chars().count() > 200 {
        problems.push(common::FieldError::new("note", "too_long", "备注最多 200 字", "Note: at most 200 characters"));
    }
    AppError::check(problems)?;
    let by = actor.user_id;
    let s = state
        .db
        .write(move |c| {
            let old = Segment::find(c, id)?;
            let t = now();
            diesel::update(seg::table.find(id))
                .set((
                    seg::zone_class.eq(e.class.as_str()),
                    seg::sidewalk_m.eq(e.sidewalk_m),
                    seg::near_homes.eq(e.near_homes),
                    seg::note.eq(e.note.trim()),
                    seg::updated_at.eq(t),
                ))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(by),
                "segment.updated",
                "segment",
                &id.to_string(),
                json!({ "from": old.zone_class, "to": e.class.as_str(), "sidewalk_m": e.sidewalk_m }),
            )?;
            Ok(Segment::find(c, id)?)
        })
        .await?;
    Ok(Json(s.to_view()))
}

/// Import segments from a GeoJSON FeatureCollection of LineStrings: a feature with an `id`
/// updates that segment, one without adds a new one. Every problem is reported at once and
/// nothing changes unless the whole file is clean.
#[utoipa::path(post, path = "/api/v1/street-segments/import", tag = "policy", params(ImportQuery),
    request_body(content = String, content_type = "application/geo+json"),
    responses((status = 200, body = ImportReport), (status = 422, body = ImportReport), (status = 403, body = Problem)))]
pub async fn import_segments(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> AppResult<Response> {
    let text = read_text(body).await?;
    let dry_run = q.dry_run.unwrap_or(true);
    let by = actor.user_id;
    let report = state
        .db
        .write(move |c| {
            let mut parsed = parse_segment_collection(&text);
            // Ids must name existing segments.
            for (i, s) in &parsed.segments {
                if let Some(id) = s.id
                    && Segment::find(c, id).optional()?.is_none()
                {
                    parsed.problems.push(common::zone_import::ImportProblem {
                        feature: Some(*i),
                        zone_code: None,
                        field: "properties.id".into(),
                        code: "unknown_id".into(),
                        message: common::Text::new(
                            format!("没有编号为 {id} 的路段"),
                            format!("No segment has id {id}"),
                        ),
                    });
                }
            }
            let mut report = ImportReport {
                dry_run,
                features: parsed.features,
                valid: parsed.segments.len(),
                imported: 0,
                problems: parsed.problems,
                warnings: Vec::new(),
            };
            if dry_run || !report.problems.is_empty() {
                return Ok(report);
            }
            let t = now();
            for (_, s) in &parsed.segments {
                upsert(c, s, t)?;
            }
            report.imported = parsed.segments.len();
            audit::record(c, t, Some(by), "segment.imported", "segment", "*", json!({ "count": report.imported }))?;
            Ok(report)
        })
        .await?;
    let status = if report.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

fn upsert(c: &mut crate::db::DbConn, s: &SegmentInput, t: chrono::NaiveDateTime) -> AppResult<()> {
    match s.id {
        Some(id) => {
            diesel::update(seg::table.find(id))
                .set((
                    seg::name.eq(&s.name),
                    seg::district_code.eq(s.district.code()),
                    seg::road_class.eq(&s.road_class),
                    seg::zone_class.eq(s.class.as_str()),
                    seg::sidewalk_m.eq(s.sidewalk_m),
                    seg::near_homes.eq(s.near_homes),
                    seg::geometry.eq(serde_json::to_string(&s.line).unwrap_or_default()),
                    seg::note.eq(&s.note),
                    seg::updated_at.eq(t),
                ))
                .execute(c)?;
        }
        None => {
            Segment::insert(
                c,
                &s.name,
                s.district,
                &s.road_class,
                s.class,
                s.sidewalk_m,
                s.near_homes,
                &s.line,
                &s.note,
                t,
            )?;
        }
    }
    Ok(())
}

/// Every segment in the import format (edit and re-import).
#[utoipa::path(get, path = "/api/v1/street-segments/export", tag = "policy",
    responses((status = 200, content_type = "application/geo+json", body = String)))]
pub async fn export_segments(State(state): State<AppState>, Admin(_): Admin) -> AppResult<Response> {
    let rows = state.db.run(|c| Ok(Segment::list(c, None)?)).await?;
    let features: Vec<_> = rows.iter().map(|s| segment_feature(&s.to_input())).collect();
    let body = json!({ "type": "FeatureCollection", "features": features }).to_string();
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/geo+json"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"street-segments.geojson\""),
        ],
        body,
    )
        .into_response())
}
