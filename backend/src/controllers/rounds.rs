//! Allocation rounds (public pages and admin actions), objections, and offers.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::Problem;
use common::dto::rounds::{
    DrawInput, DrawProgress, ListLine, ObjectionAnswer, ObjectionInput, ObjectionView, RoundInput, RoundView,
};
use common::dto::stats::{Cell, DataTable};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{Admin, VendorUser};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::services::{offers, rounds as service};

/// Set up a round: zones, application window, reserved share, notice and reply periods.
#[utoipa::path(post, path = "/api/v1/rounds", tag = "rounds", request_body = RoundInput,
    responses((status = 201, body = RoundView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_round(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiJson(input): ApiJson<RoundInput>,
) -> AppResult<(StatusCode, Json<RoundView>)> {
    Ok((StatusCode::CREATED, Json(service::create(&state, &actor, input).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RoundsQuery {
    /// The last id of the previous page: rounds older than it.
    before: Option<i64>,
    /// Rounds per page, 1–100 (default 20).
    limit: Option<i64>,
}

/// Rounds (public), newest first, a page at a time, without their result lists.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "rounds", params(RoundsQuery), responses((status = 200, body = [RoundView])))]
pub async fn list_rounds(
    State(state): State<AppState>,
    Query(q): Query<RoundsQuery>,
) -> AppResult<Json<Vec<RoundView>>> {
    Ok(Json(service::list(&state, q.before, q.limit.unwrap_or(20)).await?))
}

/// The draw algorithm's specification (Markdown), with worked test vectors: `?lang=en` for English.
#[utoipa::path(get, path = "/api/v1/rounds/specification", tag = "rounds",
    responses((status = 200, description = "Markdown", content_type = "text/markdown")))]
pub async fn specification(Query(q): Query<LangQuery>) -> Response {
    let text = if q.lang.as_deref() == Some("en") {
        include_str!("../../../docs/draw-specification.en.md")
    } else {
        include_str!("../../../docs/draw-specification.zh.md")
    };
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/markdown; charset=utf-8"))], text).into_response()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LangQuery {
    /// `en` for English; Chinese otherwise.
    lang: Option<String>,
}

/// The list frozen at closing, as published with its fingerprint: every applicant by draw number
/// (trade, priority flag, preferences) and every stall held for the draw. Its SHA-256 in canonical
/// form is the fingerprint (see the specification).
#[utoipa::path(get, path = "/api/v1/rounds/{id}/list.json", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, description = "the frozen draw inputs"), (status = 404, body = Problem)))]
pub async fn round_list(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<serde_json::Value>> {
    let (r, inputs) = service::published_list(&state, id).await?;
    let mut v = serde_json::json!({
        "round_id": r.id,
        "algorithm": inputs.algorithm.as_str(),
        "seed_commitment": r.seed_commitment,
        "outside_source": r.outside_source,
        "fingerprint": r.fingerprint,
        "specification": service::SPECIFICATION,
    });
    // The inputs exactly as fingerprinted, applicants under `draw_number`.
    v["inputs"] = serde_json::from_slice(&common::allocation::canonical_inputs(&inputs))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Json(v))
}

/// The same list as CSV (UTF-8 with BOM), one applicant a line; the round's results once drawn.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/list.csv", tag = "rounds", params(("id" = i64, Path), LangQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 404, body = Problem)))]
pub async fn round_list_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> AppResult<Response> {
    let (r, inputs) = service::published_list(&state, id).await?;
    let view = service::view(&state, id, false).await?;
    let codes: std::collections::HashMap<i64, String> = view.zones.iter().map(|z| (z.id, z.code.clone())).collect();
    let results: std::collections::HashMap<&str, &common::dto::rounds::ResultLine> =
        view.results.iter().map(|l| (l.draw_number.as_str(), l)).collect();
    let mut applicants: Vec<_> = inputs.applicants.iter().collect();
    applicants.sort_by_key(|a| a.id);
    let t = |zh: &str, en: &str| common::Text::new(zh, en);
    let table = DataTable {
        id: format!("round-{id}-list"),
        title: t("摇号名单", "Draw list"),
        columns: vec![
            t("摇号编号", "Draw number"),
            t("经营类别", "Trade"),
            t("优先", "Priority"),
            t("意向摊规点（按顺序）", "Preferred zones, best first"),
            t("摇号顺位", "Place in draw order"),
            t("结果", "Result"),
        ],
        rows: applicants
            .iter()
            .map(|a| {
                let label = r.draw_label(a.id);
                let line = results.get(label.as_str());
                let outcome = match line {
                    Some(l) => match (&l.zone_code, &l.stall_number, l.waitlist_position) {
                        (Some(z), Some(s), _) => Cell::Text(format!("{z} {s}")),
                        (_, _, Some(w)) => Cell::Label(t(&format!("轮候第{w}位"), &format!("Waiting list {w}"))),
                        _ => Cell::Text(String::new()),
                    },
                    None => Cell::Text(String::new()),
                };
                vec![
                    Cell::Text(label),
                    Cell::Label(t(a.category.name_zh(), a.category.name_en())),
                    Cell::Label(if a.priority { t("是", "yes") } else { t("否", "no") }),
                    Cell::Text(
                        a.preferences
                            .iter()
                            .map(|z| codes.get(z).cloned().unwrap_or_else(|| z.to_string()))
                            .collect::<Vec<_>>()
                            .join(" > "),
                    ),
                    line.map_or(Cell::Text(String::new()), |l| Cell::Number(f64::from(l.position))),
                    outcome,
                ]
            })
            .collect(),
    };
    let body = table.to_csv(q.lang.as_deref() == Some("en"));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"round-{id}-list.csv\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response())
}

/// One applicant's line of the published list, and their result once drawn, by draw number
/// (`R3-00012`): what an applicant checks from their case page.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/list/{number}", tag = "rounds", params(("id" = i64, Path), ("number" = String, Path)),
    responses((status = 200, body = ListLine), (status = 404, body = Problem)))]
pub async fn round_list_line(
    State(state): State<AppState>,
    Path((id, number)): Path<(i64, String)>,
) -> AppResult<Json<ListLine>> {
    Ok(Json(service::list_line(&state, id, &number).await?))
}

/// A round's public page: commitment, fingerprint, seed (once drawn), algorithm, masked results.
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 404, body = Problem)))]
pub async fn find_round(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<RoundView>> {
    Ok(Json(service::view(&state, id, false).await?))
}

/// The published record (frozen inputs, seed, result) to re-run the draw: `tangui verify-round --file`.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/record.json", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, description = "inputs, seed and result"), (status = 404, body = Problem)))]
pub async fn round_record(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(service::published_record(&state, id).await?))
}

/// Open the round: a secret seed is drawn and its SHA-256 commitment published.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/open", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 409, body = Problem)))]
pub async fn open_round(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
) -> AppResult<Json<RoundView>> {
    Ok(Json(service::open(&state, &actor, id).await?))
}

/// Close the round: freeze the eligible list and publish its fingerprint.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/close", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 409, body = Problem)))]
pub async fn close_round(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
) -> AppResult<Json<RoundView>> {
    Ok(Json(service::close(&state, &actor, id).await?))
}

/// Draw: enter the outside value named in the round notice, reveal the seed and allocate, in one
/// transaction. Poll `/progress` meanwhile.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/draw", tag = "rounds", params(("id" = i64, Path)), request_body = DrawInput,
    responses((status = 200, body = RoundView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn draw_round(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DrawInput>,
) -> AppResult<Json<RoundView>> {
    let board = state.draws.clone();
    Ok(Json(service::draw(&state, &actor, id, input, board).await?))
}

/// Progress of a draw, whichever server runs it.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/progress", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = DrawProgress), (status = 404, body = Problem)))]
pub async fn draw_progress(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
) -> AppResult<Json<DrawProgress>> {
    Ok(Json(service::progress(&state, id).await?))
}

/// After the notice period with every objection answered: turn results into offers.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/confirm", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 409, body = Problem)))]
pub async fn confirm_round(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
) -> AppResult<Json<RoundView>> {
    Ok(Json(service::confirm(&state, &actor, id).await?))
}

/// Lodge an objection to the results during the notice period (applicants in the round).
#[utoipa::path(post, path = "/api/v1/rounds/{id}/objections", tag = "rounds", params(("id" = i64, Path)), request_body = ObjectionInput,
    responses((status = 201, body = ObjectionView), (status = 409, body = Problem)))]
pub async fn lodge_objection(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> AppResult<(StatusCode, Json<ObjectionView>)> {
    Ok((StatusCode::CREATED, Json(service::lodge_objection(&state, &actor, id, input).await?)))
}

/// Objections to a round (admins).
#[utoipa::path(get, path = "/api/v1/rounds/{id}/objections", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = [ObjectionView])))]
pub async fn list_objections(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ObjectionView>>> {
    Ok(Json(service::list_objections(&state, &actor, id).await?))
}

/// Answer an objection (admins).
#[utoipa::path(post, path = "/api/v1/objections/{id}/answer", tag = "rounds", params(("id" = i64, Path)), request_body = ObjectionAnswer,
    responses((status = 200, body = ObjectionView), (status = 409, body = Problem)))]
pub async fn answer_objection(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ObjectionAnswer>,
) -> AppResult<Json<ObjectionView>> {
    Ok(Json(service::answer_objection(&state, &actor, id, input).await?))
}

/// Accept an offered stall: it becomes yours and shows occupied.
#[utoipa::path(post, path = "/api/v1/offers/{id}/accept", tag = "offers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn accept_offer(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    offers::accept(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Decline an offered stall: it passes to the next person waiting.
#[utoipa::path(post, path = "/api/v1/offers/{id}/decline", tag = "offers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn decline_offer(
    State(state): State<AppState>,
    VendorUser(actor): VendorUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    offers::decline(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
