//! Allocation rounds (public pages and admin actions), objections, and offers.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use common::Problem;
use common::dto::rounds::{DrawProgress, ObjectionAnswer, ObjectionInput, ObjectionView, RoundInput, RoundView};

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

/// All rounds (public), newest first, without their result lists.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "rounds", responses((status = 200, body = [RoundView])))]
pub async fn list_rounds(State(state): State<AppState>) -> AppResult<Json<Vec<RoundView>>> {
    Ok(Json(service::list(&state).await?))
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

/// Draw: reveal the seed and allocate, in one transaction. Poll `/progress` meanwhile.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/draw", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 409, body = Problem)))]
pub async fn draw_round(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
) -> AppResult<Json<RoundView>> {
    let board = state.draws.clone();
    Ok(Json(service::draw(&state, &actor, id, board).await?))
}

/// Progress of a draw running on this server.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/progress", tag = "rounds", params(("id" = i64, Path)),
    responses((status = 200, body = DrawProgress), (status = 404, body = Problem)))]
pub async fn draw_progress(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
) -> AppResult<Json<DrawProgress>> {
    state.draws.get(id).map(Json).ok_or(AppError::NotFound)
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
