//! Open311 GeoReport v2 (JSON): the complaint categories as services, and requests to list,
//! create and read. Served outside the cookie session (no CSRF token needed): these routes never
//! read a session, so a cross-site form can do nothing a direct client cannot.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, routing::get};
use chrono::NaiveDateTime;
use common::dto::lifecycle::{COMPLAINT_SERVICES, ComplaintInput, ComplaintView};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::services::complaints as service;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/open311/v2/services.json", get(services))
        .route("/open311/v2/requests.json", get(list_requests).post(create_request))
        .route("/open311/v2/requests/{id}", get(one_request))
        .with_state(state)
}

fn iso(t: NaiveDateTime) -> String {
    common::time::to_xiamen(t).format("%Y-%m-%dT%H:%M:%S+08:00").to_string()
}

fn service_name(code: &str) -> String {
    COMPLAINT_SERVICES.iter().find(|s| s.0 == code).map(|s| format!("{} {}", s.1, s.2)).unwrap_or_default()
}

fn request_json(v: &ComplaintView) -> Value {
    let status = if matches!(v.status.as_str(), "resolved" | "closed_no_action") { "closed" } else { "open" };
    let notes = match v.status.as_str() {
        "closed_no_action" => format!("不予处理 Closed without action: {}", v.status_note),
        "resolved" => format!("已解决 Resolved: {}", v.status_note),
        _ => v.status_note.clone(),
    };
    json!({
        "service_request_id": v.id.to_string(),
        "status": status,
        "status_notes": notes,
        "service_name": service_name(&v.service_code),
        "service_code": v.service_code,
        "description": v.description,
        "agency_responsible": format!("{}城市管理局", v.district.name_zh()),
        "requested_datetime": iso(v.created_at),
        "updated_datetime": iso(v.updated_at),
        "address": v.address,
        "lat": v.location.map(|p| p[1]),
        "long": v.location.map(|p| p[0]),
        "media_url": Value::Null,
    })
}

fn ok(v: Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], v.to_string()).into_response()
}

async fn services() -> Response {
    ok(Value::Array(
        COMPLAINT_SERVICES
            .iter()
            .map(|(code, zh, en)| {
                json!({ "service_code": code, "service_name": format!("{zh} {en}"), "description": format!("摊规点、摊位或外摆相关：{zh}"),
                    "metadata": false, "type": "realtime", "keywords": "摊规点,摊贩,跨店经营,外摆", "group": "市容秩序" })
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    service_code: Option<String>,
}

async fn list_requests(State(state): State<AppState>, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let rows = service::public_list(&state, q.status, q.service_code, 200).await?;
    Ok(ok(Value::Array(rows.iter().map(request_json).collect())))
}

async fn one_request(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let id: i64 = id.trim_end_matches(".json").parse().map_err(|_| AppError::NotFound)?;
    let v = service::public_one(&state, id).await?;
    Ok(ok(Value::Array(vec![request_json(&v)])))
}

/// GeoReport v2 sends form fields; JSON with the same names is accepted too.
#[derive(Debug, Deserialize)]
struct NewRequest {
    service_code: String,
    description: String,
    lat: Option<f64>,
    long: Option<f64>,
    #[serde(default)]
    address_string: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    zone_id: Option<i64>,
    permit_code: Option<String>,
}

async fn create_request(
    State(state): State<AppState>,
    client: crate::controllers::auth::ClientInfo,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    let bytes = axum::body::to_bytes(req.into_body(), crate::extract::JSON_LIMIT)
        .await
        .map_err(|_| AppError::PayloadTooLarge { limit: crate::extract::JSON_LIMIT })?;
    let r: NewRequest = if is_json {
        crate::extract::parse_json(&bytes)?
    } else {
        serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            AppError::field("body", "type", format!("字段格式不正确：{e}"), format!("Bad form field: {e}"))
        })?
    };
    let contact = [r.phone.trim(), r.email.trim()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    let input = ComplaintInput {
        service_code: r.service_code,
        description: r.description,
        zone_id: r.zone_id,
        permit_code: r.permit_code,
        location: r.long.zip(r.lat).map(|(lon, lat)| [lon, lat]),
        address: r.address_string,
        contact,
        evidence_id: None,
    };
    let limit = Some((crate::auth::limits::OPEN311_PER_ADDRESS, client.ip));
    let receipt = service::create(&state, None, input, limit).await?;
    let body = json!([{
        "service_request_id": receipt.id.to_string(),
        "service_notice": format!("已转{}城市管理局处理。查询进度：/complaints/{}", receipt.district.name_zh(), receipt.token),
        "account_id": Value::Null,
        "token": receipt.token,
    }]);
    Ok((StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string())
        .into_response())
}
