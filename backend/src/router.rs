//! All routes. The OpenAPI document is generated from the same route list, so every route is
//! documented and the authorisation tests can enumerate them.

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request};
use axum::routing::{any, get};
use axum::{Json, Router, middleware};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::csrf::csrf_layer;
use crate::controllers::{
    applications, assisted, auth, cases, complaints, dashboard, filings, health, helpers, meta, notifications,
    open_data, open311, permits, personal_data, policy, rounds, segments, sms, supervision, transparency, users, zones,
};
use crate::error::AppError;
use crate::extract::JSON_LIMIT;
use crate::web;

#[derive(OpenApi)]
#[openapi(
    info(title = "摊规通 Tangui API", description = "Xiamen street-vending zones, stall allocation and shop filings. \
        Errors are RFC 9457 application/problem+json with zh and en titles. State-changing requests need the \
        X-CSRF-Token header equal to the tangui_csrf cookie."),
    // Served by its own lean router (see `build`), documented here.
    paths(zones::zones_geojson, open311::services_json, open311::services_xml, open311::service_definition,
        open311::requests_json, open311::requests_xml, open311::create_json, open311::create_xml,
        open311::one_request, open311::token_lookup, open311::media),
    tags((name = "meta"), (name = "accounts"), (name = "users"), (name = "zones"), (name = "zone admin"), (name = "applications"), (name = "review"), (name = "calendar"), (name = "rounds"), (name = "offers"), (name = "policy"), (name = "filings"), (name = "permits"), (name = "supervision"), (name = "complaints"), (name = "open311"), (name = "open data"), (name = "notices"))
)]
struct ApiDoc;

/// The API routes and their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(meta::list_districts))
        .routes(routes!(meta::overview))
        .routes(routes!(meta::basemap_tiles))
        .routes(routes!(open_data::catalogue))
        .routes(routes!(open_data::zones_csv))
        .routes(routes!(open_data::stalls_csv))
        .routes(routes!(open_data::monthly_csv))
        .routes(routes!(open_data::monthly_json))
        .routes(routes!(open_data::rounds_csv))
        .routes(routes!(transparency::audit_heads))
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::change_phone))
        .routes(routes!(personal_data::document_looks))
        .routes(routes!(personal_data::export))
        .routes(routes!(personal_data::close_account))
        .routes(routes!(auth::password_strength))
        .routes(routes!(auth::send_code))
        .routes(routes!(auth::reset_password))
        .routes(routes!(auth::enrol_second_factor))
        .routes(routes!(auth::second_factor))
        .routes(routes!(users::list_users, users::create_staff))
        .routes(routes!(users::set_disabled))
        .routes(routes!(users::end_sessions))
        .routes(routes!(users::reset_second_factor))
        .routes(routes!(users::reclaim))
        .routes(routes!(assisted::consent_form))
        .routes(routes!(assisted::open_account, assisted::list_accounts))
        .routes(routes!(assisted::act))
        .routes(routes!(assisted::stop_acting))
        .routes(routes!(assisted::case_summary))
        .routes(routes!(assisted::shop_receipt))
        .routes(routes!(assisted::take_over))
        .routes(routes!(assisted::counter_notices))
        .routes(routes!(assisted::hand_over))
        .routes(routes!(zones::list_zones, zones::create_zone))
        .routes(routes!(zones::find_zone, zones::update_zone))
        .routes(routes!(zones::zone_stalls, zones::set_layout))
        .routes(routes!(zones::set_zone_status))
        .routes(routes!(zones::zone_history))
        .routes(routes!(zones::set_stall_state))
        .routes(routes!(zones::districts_geojson))
        .routes(routes!(zones::import_zones))
        .routes(routes!(zones::export_zones))
        .routes(routes!(zones::siting_check))
        .routes(routes!(zones::list_sensitive_sites, zones::import_sensitive_sites))
        .routes(routes!(applications::create_application))
        .routes(routes!(applications::find_application, applications::save_application))
        .routes(routes!(applications::upload_document))
        .routes(routes!(applications::get_document, applications::delete_document))
        .routes(routes!(applications::submit_application))
        .routes(routes!(applications::withdraw_application))
        .routes(routes!(applications::decide_application))
        .routes(routes!(applications::my_applications))
        .routes(routes!(applications::review_queue))
        .routes(routes!(cases::list_cases))
        .routes(routes!(applications::list_calendar))
        .routes(routes!(applications::set_calendar_day, applications::delete_calendar_day))
        .routes(routes!(rounds::create_round, rounds::list_rounds))
        .routes(routes!(rounds::find_round))
        .routes(routes!(rounds::round_record))
        .routes(routes!(rounds::specification))
        .routes(routes!(rounds::round_list))
        .routes(routes!(rounds::round_list_csv))
        .routes(routes!(rounds::round_list_line))
        .routes(routes!(rounds::open_round))
        .routes(routes!(rounds::close_round))
        .routes(routes!(rounds::draw_round))
        .routes(routes!(rounds::draw_progress))
        .routes(routes!(rounds::confirm_round))
        .routes(routes!(rounds::lodge_objection, rounds::list_objections))
        .routes(routes!(rounds::answer_objection))
        .routes(routes!(rounds::accept_offer))
        .routes(routes!(rounds::decline_offer))
        .routes(routes!(policy::current_policy))
        .routes(routes!(policy::policy_versions))
        .routes(routes!(policy::policy_version))
        .routes(routes!(policy::get_draft, policy::save_draft))
        .routes(routes!(policy::publish_draft))
        .routes(routes!(policy::run_self_check))
        .routes(routes!(segments::list_segments))
        .routes(routes!(segments::import_segments))
        .routes(routes!(segments::export_segments))
        .routes(routes!(segments::edit_segment))
        .routes(routes!(filings::evaluate))
        .routes(routes!(filings::create_filing))
        .routes(routes!(filings::find_filing, filings::resubmit_filing))
        .routes(routes!(filings::my_filings))
        .routes(routes!(filings::filing_queue))
        .routes(routes!(filings::decide_filing))
        .routes(routes!(filings::revoke_filing))
        .routes(routes!(permits::certificate))
        .routes(routes!(permits::verify_permit))
        .routes(routes!(permits::my_permits))
        .routes(routes!(permits::find_permit))
        .routes(routes!(permits::permit_by_code))
        .routes(routes!(permits::renew_permit))
        .routes(routes!(permits::surrender_permit))
        .routes(routes!(permits::request_transfer))
        .routes(routes!(permits::decide_transfer))
        .routes(routes!(permits::request_succession))
        .routes(routes!(permits::revoke_permit))
        .routes(routes!(permits::dismiss_proposal))
        .routes(routes!(helpers::register_helper))
        .routes(routes!(helpers::remove_helper))
        .routes(routes!(helpers::decide_helper))
        .routes(routes!(helpers::helper_photo))
        .routes(routes!(helpers::close_review))
        .routes(routes!(helpers::check_in))
        .routes(routes!(supervision::upload_evidence))
        .routes(routes!(supervision::evidence_file))
        .routes(routes!(supervision::record_inspection))
        .routes(routes!(supervision::appeal_violation))
        .routes(routes!(supervision::decide_appeal))
        .routes(routes!(supervision::supervision_queue))
        .routes(routes!(notifications::inbox))
        .routes(routes!(notifications::unread))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(notifications::mark_all_read))
        .routes(routes!(sms::delivery_report))
        .routes(routes!(sms::incoming))
        .routes(routes!(sms::outbox))
        .routes(routes!(sms::retry))
        .routes(routes!(complaints::create_complaint))
        .routes(routes!(complaints::complaint_by_token))
        .routes(routes!(complaints::attach_photo))
        .routes(routes!(complaints::reopen_complaint))
        .routes(routes!(complaints::complaint_queue))
        .routes(routes!(complaints::find_complaint))
        .routes(routes!(complaints::update_complaint))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(dashboard::export_xlsx))
        .routes(routes!(dashboard::export_csv))
        .split_for_parts()
}

pub fn openapi_json() -> serde_json::Value {
    serde_json::to_value(api().1).unwrap_or_default()
}

pub fn build(state: AppState) -> Router {
    let (api, doc) = api();
    let doc = serde_json::to_value(doc).unwrap_or_default();
    let api = api
        .route("/api/v1/openapi.json", get(move || async move { Json(doc.clone()) }))
        .route("/api/{*rest}", any(|| async { AppError::NotFound }))
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(state.clone(), csrf_layer))
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .with_state(state.clone());

    let csp = HeaderValue::from_str(&web::content_security_policy(
        &state.config.dist_dir,
        state.config.basemap_tiles.as_ref(),
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let hsts = state.config.cookie_secure;
    let ids = web::RequestIds::default();
    // The public GeoJSON is the hottest route (maps, GIS tools, caches): precompressed bytes from
    // memory, so it skips the layers that only matter to other routes (CSRF, on-the-fly
    // compression, problem rewriting) and gets its fixed headers without a boxed middleware.
    let public_data =
        Router::new().route("/api/v1/public/zones.geojson", get(zones::zones_geojson)).with_state(state.clone());
    let public_data = web::with_data_security_headers(public_data, hsts)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(ids.clone()));
    let app = Router::new()
        .merge(api)
        .merge(open311::router(state.clone()).layer(DefaultBodyLimit::max(JSON_LIMIT)))
        .merge(web::spa(&state.config.dist_dir))
        .layer(middleware::from_fn(move |req, next| web::security_headers(csp.clone(), hsts, req, next)))
        .layer(middleware::from_fn(web::problem_request_id))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(ids));
    Router::new().merge(public_data).merge(app)
}
