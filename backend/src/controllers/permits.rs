//! Permits: the holder's list and page (ledger, renewal, surrender, transfer), staff decisions
//! (transfers, revocation), the PDF certificate and the public check its QR code opens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use common::dto::filings::PermitPublic;
use common::dto::lifecycle::{PermitView, TransferDecision, TransferRequest};
use common::{District, Problem, mask};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{Admin, CurrentUser, Staff};
use crate::clock::today;
use crate::db::schema::users;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::models::permit::Permit;
use crate::services::permits as service;

/// The signed-in holder's permits with their ledgers.
#[utoipa::path(get, path = "/api/v1/me/permits", tag = "permits", responses((status = 200, body = [PermitView])))]
pub async fn my_permits(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
) -> AppResult<Json<Vec<PermitView>>> {
    Ok(Json(service::mine(&state, &actor).await?))
}

/// One permit (its holder, officers of its district, admins).
#[utoipa::path(get, path = "/api/v1/permits/{id}", tag = "permits", params(("id" = i64, Path)),
    responses((status = 200, body = PermitView), (status = 404, body = Problem)))]
pub async fn find_permit(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<PermitView>> {
    let mut view = service::view(&state, &actor, id).await?;
    // The holder shows this on site (from the phone's saved copy when offline).
    view.verify_qr_svg = crate::pdf::qr_svg(&format!("{}/verify/{}", state.config.public_url, view.verify_code));
    Ok(Json(view))
}

/// A permit by its certificate code, for an officer on site (their district only).
#[utoipa::path(get, path = "/api/v1/review/permits/{code}", tag = "supervision", params(("code" = String, Path)),
    responses((status = 200, body = PermitView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn permit_by_code(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::view_by_code(&state, &actor, code).await?))
}

/// Renew a stall permit within its renewal window.
#[utoipa::path(post, path = "/api/v1/permits/{id}/renew", tag = "permits", params(("id" = i64, Path)),
    responses((status = 200, body = PermitView), (status = 409, body = Problem)))]
pub async fn renew_permit(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::renew(&state, &actor, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonBody {
    #[serde(default)]
    pub reason: String,
}

/// Give the permit up (a stall then goes down the waiting list).
#[utoipa::path(post, path = "/api/v1/permits/{id}/surrender", tag = "permits", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = PermitView), (status = 409, body = Problem)))]
pub async fn surrender_permit(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::surrender(&state, &actor, id, b.reason).await?))
}

/// Ask to pass a stall to a spouse, child or parent (an officer approves).
#[utoipa::path(post, path = "/api/v1/permits/{id}/transfer", tag = "permits", params(("id" = i64, Path)), request_body = TransferRequest,
    responses((status = 200, body = PermitView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_transfer(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<TransferRequest>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(crate::services::transfers::request_transfer(&state, &actor, id, r).await?))
}

/// Approve or refuse a transfer (officers of the district, admins).
#[utoipa::path(post, path = "/api/v1/transfers/{id}/decision", tag = "review", params(("id" = i64, Path)), request_body = TransferDecision,
    responses((status = 200, body = PermitView), (status = 409, body = Problem)))]
pub async fn decide_transfer(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<TransferDecision>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(crate::services::transfers::decide_transfer(&state, &actor, id, d).await?))
}

/// Revoke a permit (admins), e.g. on a revocation proposal.
#[utoipa::path(post, path = "/api/v1/permits/{id}/revoke", tag = "review", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = PermitView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn revoke_permit(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::revoke(&state, &actor, id, b.reason).await?))
}

/// Keep a permit despite a revocation proposal (admins).
#[utoipa::path(post, path = "/api/v1/permits/{id}/dismiss-proposal", tag = "review", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = PermitView), (status = 409, body = Problem)))]
pub async fn dismiss_proposal(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(service::dismiss_proposal(&state, &actor, id, b.reason).await?))
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

/// The certificate of a permit or filing as PDF (its holder, or staff of its district). The
/// holder's name is masked: the certificate hangs at the stall for anyone to read.
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
            let p = service::find_visible(c, &a, id)?;
            let holder: String = users::table.find(p.holder_id).select(users::display_name).get_result(c)?;
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
    let (p, holder, helpers) = state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            let p = Permit::by_code(c, &code)?.ok_or(AppError::NotFound)?;
            let holder: String = users::table.find(p.holder_id).select(users::display_name).get_result(c)?;
            // Helpers are shown only while the permit is in force.
            let helpers = if matches!(p.effective_status(today()), "valid" | "suspended") {
                crate::services::helpers::public(c, &p)?
            } else {
                Vec::new()
            };
            Ok((p, holder, helpers))
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
        helpers,
    }))
}

/// Record a succession (顶替) when the holder has died or can no longer work (officers of the
/// permit's district, admins), with the documents photographed; another officer decides it.
#[utoipa::path(post, path = "/api/v1/permits/{id}/succession", tag = "review", params(("id" = i64, Path)),
    request_body = common::dto::lifecycle::SuccessionRequest,
    responses((status = 200, body = PermitView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_succession(
    State(state): State<AppState>,
    crate::auth::Staff(actor): crate::auth::Staff,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<common::dto::lifecycle::SuccessionRequest>,
) -> AppResult<Json<PermitView>> {
    Ok(Json(crate::services::transfers::request_succession(&state, &actor, id, r).await?))
}
