//! Shop filings (merchants), the filing review queue (officers), permits and their certificates,
//! and the public permit check.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::dto::filings::{FilingDecision, FilingQueueItem, FilingView, PermitPublic, RevokeRequest};
use common::policy::{Evaluation, PolicyApplication};
use common::{District, Problem, Role, mask};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::clock::today;
use crate::db::schema::users;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, parse_value};
use crate::models::permit::Permit;
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
    CurrentUser(actor): CurrentUser,
    FilingBody(app): FilingBody,
) -> AppResult<(StatusCode, Json<FilingView>)> {
    Ok((StatusCode::CREATED, Json(service::submit(&state, &actor, app, None).await?)))
}

/// Correct and resubmit a returned filing.
#[utoipa::path(put, path = "/api/v1/filings/{id}", tag = "filings", params(("id" = i64, Path)), request_body = PolicyApplication,
    responses((status = 200, body = FilingView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn resubmit_filing(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
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
pub async fn filing_queue(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
) -> AppResult<Json<Vec<FilingQueueItem>>> {
    Ok(Json(service::queue(&state, &actor).await?))
}

/// Approve, reject with a reason, or return listing every item to correct.
#[utoipa::path(post, path = "/api/v1/filings/{id}/decision", tag = "review", params(("id" = i64, Path)), request_body = FilingDecision,
    responses((status = 200, body = FilingView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_filing(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
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
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RevokeRequest>,
) -> AppResult<Json<FilingView>> {
    Ok(Json(service::revoke(&state, &actor, id, r.reason).await?))
}

pub fn certificate_for(p: &Permit, holder: &str, public_url: &str) -> crate::pdf::Certificate {
    let (title_en, kind_zh) = match p.kind.as_str() {
        "stall" => ("Street vending stall permit", "摊位"),
        "cross_store" => ("Cross-storefront trading filing certificate", "跨店经营"),
        _ => ("Outdoor promotion filing certificate", "外摆促销"),
    };
    crate::pdf::Certificate {
        title_zh: p.title.clone(),
        title_en: title_en.into(),
        code: p.verify_code.clone(),
        rows: vec![
            ("持证人 Holder".into(), holder.to_string()),
            ("类型 Type".into(), kind_zh.into()),
            ("地点 Location".into(), p.location.clone()),
            ("经营内容 Trade".into(), p.trade.clone()),
            ("时段 Hours".into(), p.hours.clone()),
            ("有效期 Valid".into(), format!("{} 至 {}", p.valid_from, p.valid_until)),
            (
                "所属区 District".into(),
                District::from_code(&p.district_code).map(|d| d.name_zh()).unwrap_or_default().into(),
            ),
        ],
        conditions: p.conditions(),
        sketch: p.geometry(),
        sketch_caption: "范围示意 Sketch (north up)".into(),
        verify_url: format!("{public_url}/verify/{}", p.verify_code),
        issuer: format!("厦门市城市管理行政执法局 · 摊规通 · 签发 {}", p.created_at.date()),
    }
}

/// The certificate of a permit or filing as PDF (its holder, or staff of its district).
#[utoipa::path(get, path = "/api/v1/permits/{id}/certificate.pdf", tag = "permits", params(("id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 404, body = Problem)))]
pub async fn certificate(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let a = actor.clone();
    let (p, holder) = state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            let p = Permit::find(c, id)?;
            let allowed = p.holder_id == a.user_id
                || a.role == Role::CityAdmin
                || (a.role == Role::DistrictOfficer && a.district.is_some_and(|d| d.code() == p.district_code));
            if !allowed {
                return Err(AppError::NotFound);
            }
            let holder: String = users::table.find(p.holder_id).select(users::display_name).first(c)?;
            Ok((p, holder))
        })
        .await?;
    let cert = certificate_for(&p, &mask::name(&holder), &state.config.public_url);
    let pdf = tokio::task::spawn_blocking(move || crate::pdf::render(&cert))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"tangui-{}.pdf\"", p.verify_code))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        pdf,
    )
        .into_response())
}

/// Check a permit by the code on its certificate (public; the holder's name is masked).
#[utoipa::path(get, path = "/api/v1/public/permits/{code}", tag = "permits", params(("code" = String, Path)),
    responses((status = 200, body = PermitPublic), (status = 404, body = Problem)))]
pub async fn verify_permit(State(state): State<AppState>, Path(code): Path<String>) -> AppResult<Json<PermitPublic>> {
    if code.len() != 20 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let code = code.to_ascii_uppercase();
    let (p, holder) = state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            let p = Permit::by_code(c, &code)?.ok_or(AppError::NotFound)?;
            let holder: String = users::table.find(p.holder_id).select(users::display_name).first(c)?;
            Ok((p, holder))
        })
        .await?;
    Ok(Json(PermitPublic {
        code: p.verify_code.clone(),
        kind: p.kind.clone(),
        status: p.effective_status(today()).to_string(),
        holder: mask::name(&holder),
        title: p.title.clone(),
        location: p.location.clone(),
        trade: p.trade.clone(),
        hours: p.hours.clone(),
        valid_from: p.valid_from,
        valid_until: p.valid_until,
        district: District::from_code(&p.district_code).unwrap_or(District::Siming),
        zone_id: p.zone_id,
        conditions: p.conditions(),
    }))
}
