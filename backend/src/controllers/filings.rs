//! Shop filings (merchants) and the filing review queue (officers).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use common::Problem;
use common::dto::filings::{FilingDecision, FilingQueueItem, FilingView, RevokeRequest};
use common::policy::{Evaluation, PolicyApplication};

use crate::app::AppState;
use crate::auth::{CurrentUser, MerchantUser, Staff};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, parse_value};
use crate::services::filings as service;

/// A filing body: `kind` first, then the variant's fields, so a bad field is named by its path.
pub struct FilingBody(pub PolicyApplication);

impl<S: Send + Sync> axum::extract::FromRequest<S> for FilingBody {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let ApiJson(v) = ApiJson::<serde_json::Value>::from_request(req, state).await?;
        let app = match v.get("kind").and_then(|k| k.as_str()) {
            Some("cross_store") => PolicyApplication::CrossStore(parse_value(v)?),
            Some("outdoor_promo") => PolicyApplication::OutdoorPromo(parse_value(v)?),
            _ => {
                return Err(AppError::field(
                    "kind",
                    "unknown_kind",
                    "备案类型应为 cross_store（跨店经营）或 outdoor_promo（外摆促销）",
                    "kind must be cross_store or outdoor_promo",
                ));
            }
        };
        Ok(FilingBody(app))
    }
}

/// Check a filing against the rules in force without submitting it.
#[utoipa::path(post, path = "/api/v1/policy/evaluate", tag = "filings", request_body = PolicyApplication,
    responses((status = 200, body = Evaluation), (status = 422, body = Problem)))]
pub async fn evaluate(State(state): State<AppState>, FilingBody(app): FilingBody) -> AppResult<Json<Evaluation>> {
    Ok(Json(service::preview(&state, app).await?))
}

/// File a cross-storefront extension or an outdoor promotion. The server evaluates it; anything
/// the browser computed is ignored.
#[utoipa::path(post, path = "/api/v1/filings", tag = "filings", request_body = PolicyApplication,
    responses((status = 201, body = FilingView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_filing(
    State(state): State<AppState>,
    MerchantUser(actor): MerchantUser,
    FilingBody(app): FilingBody,
) -> AppResult<(StatusCode, Json<FilingView>)> {
    Ok((StatusCode::CREATED, Json(service::submit(&state, &actor, app, None).await?)))
}

/// Correct and resubmit a returned filing.
#[utoipa::path(put, path = "/api/v1/filings/{id}", tag = "filings", params(("id" = i64, Path)), request_body = PolicyApplication,
    responses((status = 200, body = FilingView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn resubmit_filing(
    State(state): State<AppState>,
    MerchantUser(actor): MerchantUser,
    Path(id): Path<i64>,
    FilingBody(app): FilingBody,
) -> AppResult<Json<FilingView>> {
    Ok(Json(service::submit(&state, &actor, app, Some(id)).await?))
}

/// One filing (its shop, an officer of its district, an admin).
#[utoipa::path(get, path = "/api/v1/filings/{id}", tag = "filings", params(("id" = i64, Path)),
    responses((status = 200, body = FilingView), (status = 404, body = Problem)))]
pub async fn find_filing(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<FilingView>> {
    Ok(Json(service::view(&state, &actor, id).await?))
}

/// The signed-in shop's filings.
#[utoipa::path(get, path = "/api/v1/me/filings", tag = "filings", responses((status = 200, body = [FilingView])))]
pub async fn my_filings(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
) -> AppResult<Json<Vec<FilingView>>> {
    Ok(Json(service::mine(&state, &actor).await?))
}

/// Filings awaiting review in the officer's district, overdue first.
#[utoipa::path(get, path = "/api/v1/review/filings", tag = "review", responses((status = 200, body = [FilingQueueItem]), (status = 403, body = Problem)))]
pub async fn filing_queue(State(state): State<AppState>, Staff(actor): Staff) -> AppResult<Json<Vec<FilingQueueItem>>> {
    Ok(Json(service::queue(&state, &actor).await?))
}

/// Approve, reject with a reason, or return listing every item to correct.
#[utoipa::path(post, path = "/api/v1/filings/{id}/decision", tag = "review", params(("id" = i64, Path)), request_body = FilingDecision,
    responses((status = 200, body = FilingView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_filing(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<FilingDecision>,
) -> AppResult<Json<FilingView>> {
    Ok(Json(service::decide(&state, &actor, id, d).await?))
}

/// Revoke a filed or approved item after an inspection found it non-compliant.
#[utoipa::path(post, path = "/api/v1/filings/{id}/revoke", tag = "review", params(("id" = i64, Path)), request_body = RevokeRequest,
    responses((status = 200, body = FilingView), (status = 409, body = Problem)))]
pub async fn revoke_filing(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RevokeRequest>,
) -> AppResult<Json<FilingView>> {
    Ok(Json(service::revoke(&state, &actor, id, r.reason).await?))
}
