//! The policy pack (read by everyone, edited and published by admins), the "do I need a permit?"
//! self-check, and the street segments shops file against.

use axum::Json;
use axum::extract::{Path, Query, State};
use common::dto::filings::{PolicyDraft, PolicyVersionSummary};
use common::policy::{PolicyPack, SelfCheckAnswer, SelfCheckResult, StreetClass, self_check};
use common::{District, Problem, Role};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::clock::now;
use crate::db::schema::street_segments as seg;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::models::audit;
use crate::models::segment::{Segment, SegmentView};
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
pub async fn get_draft(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
) -> AppResult<Json<Option<PolicyDraft>>> {
    actor.require(&[Role::CityAdmin])?;
    Ok(Json(state.db.run(service::draft).await?))
}

/// Save the draft; its version is the next one.
#[utoipa::path(put, path = "/api/v1/policy/draft", tag = "policy", request_body = PolicyDraft,
    responses((status = 200, body = PolicyDraft), (status = 422, body = Problem)))]
pub async fn save_draft(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    ApiJson(d): ApiJson<PolicyDraft>,
) -> AppResult<Json<PolicyDraft>> {
    Ok(Json(service::save_draft(&state, &actor, d).await?))
}

/// Publish the draft as the pack in force.
#[utoipa::path(post, path = "/api/v1/policy/draft/publish", tag = "policy",
    responses((status = 200, body = PolicyVersionSummary), (status = 409, body = Problem)))]
pub async fn publish_draft(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SegmentQuery {
    pub district: Option<District>,
}

/// Street segments with their class and sidewalk width (public, for filing on the map).
#[utoipa::path(get, path = "/api/v1/street-segments", tag = "policy", params(SegmentQuery), responses((status = 200, body = [SegmentView])))]
pub async fn list_segments(
    State(state): State<AppState>,
    Query(q): Query<SegmentQuery>,
) -> AppResult<Json<Vec<SegmentView>>> {
    let rows = state.db.run(move |c| Ok(Segment::list(c, q.district)?)).await?;
    Ok(Json(rows.iter().map(Segment::to_view).collect()))
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
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(e): ApiJson<SegmentEdit>,
) -> AppResult<Json<SegmentView>> {
    actor.require(&[Role::CityAdmin])?;
    if !(0.5..=30.0).contains(&e.sidewalk_m) {
        return Err(AppError::field(
            "sidewalk_m",
            "range",
            "人行道宽度应在 0.5–30 米之间",
            "Sidewalk width must be 0.5–30 m",
        ));
    }
    if e.note.chars().count() > 200 {
        return Err(AppError::field("note", "too_long", "备注最多 200 字", "Note: at most 200 characters"));
    }
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
