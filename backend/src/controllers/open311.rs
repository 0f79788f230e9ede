//! Open311 GeoReport v2, as published (wiki.open311.org/GeoReport_v2): the complaint categories as
//! services with their definitions, requests to list (with the spec's filters), create and read,
//! token look-up, and a report's photo. Every document is served as `.json` or `.xml`.
//!
//! Served outside the cookie session (no CSRF token needed): these routes never read a session, so
//! a cross-site form can do nothing a direct client cannot. Errors of a `.xml` request are the
//! spec's `<errors>` document; `.json` ones are problem+json like the rest of the API.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, routing::get};
use chrono::{NaiveDateTime, TimeZone};
use common::dto::lifecycle::{COMPLAINT_SERVICES, ComplaintInput, ComplaintView};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::services::complaints::{self as service, PublicFilter};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/open311/v2/services.json", get(services_json))
        .route("/open311/v2/services.xml", get(services_xml))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests.json", get(requests_json).post(create_json))
        .route("/open311/v2/requests.xml", get(requests_xml).post(create_xml))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token_lookup))
        .route("/open311/v2/media/{file}", get(media))
        .with_state(state)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `12.json` → (`12`, Json). Anything else is not a GeoReport document.
fn split_file(file: &str) -> AppResult<(&str, Format)> {
    if let Some(stem) = file.strip_suffix(".json") {
        Ok((stem, Format::Json))
    } else if let Some(stem) = file.strip_suffix(".xml") {
        Ok((stem, Format::Xml))
    } else {
        Err(AppError::NotFound)
    }
}

fn iso(t: NaiveDateTime) -> String {
    common::time::to_xiamen(t).format("%Y-%m-%dT%H:%M:%S+08:00").to_string()
}

fn service_name(code: &str) -> String {
    COMPLAINT_SERVICES.iter().find(|s| s.0 == code).map(|s| format!("{} {}", s.1, s.2)).unwrap_or_default()
}

fn request_json(v: &ComplaintView, public_url: &str) -> Value {
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
        "service_notice": "",
        "requested_datetime": iso(v.created_at),
        "updated_datetime": iso(v.updated_at),
        "expected_datetime": Value::Null,
        "address": v.address,
        "address_id": Value::Null,
        "zipcode": Value::Null,
        "lat": v.location.map(|p| p[1]),
        "long": v.location.map(|p| p[0]),
        // The photo was re-encoded on upload, so it carries no EXIF (no position, no camera).
        "media_url": v.evidence_id.map(|_| format!("{}/open311/v2/media/{}.jpg", public_url.trim_end_matches('/'), v.id)),
    })
}

// --- documents in both formats -----------------------------------------------------------------

/// The element name of one item of a GeoReport list.
fn item_name(list: &str) -> &str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "attributes" => "attribute",
        "values" => "value",
        "errors" => "error",
        other => other,
    }
}

fn escape(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).fold(
        String::with_capacity(s.len()),
        |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            }
            out
        },
    )
}

fn element(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::Object(m) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in m {
                element(k, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            for v in items {
                element(item_name(name), v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// `root` names the document element (a list's items get their singular name).
fn respond(format: Format, status: StatusCode, root: &str, v: Value) -> Response {
    match format {
        Format::Json => {
            (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], v.to_string()).into_response()
        }
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            element(root, &v, &mut out);
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], out).into_response()
        }
    }
}

/// Errors: problem+json for JSON clients; the spec's `<errors>` list for XML ones.
fn answer(format: Format, r: AppResult<Response>) -> Response {
    match (r, format) {
        (Ok(r), _) => r,
        (Err(e), Format::Json) => e.into_response(),
        (Err(e), Format::Xml) => {
            let p = e.to_problem();
            let mut descriptions: Vec<String> =
                p.errors.iter().map(|f| format!("{}: {} / {}", f.field, f.message.zh, f.message.en)).collect();
            if descriptions.is_empty() {
                let zh = p.detail_zh.clone().unwrap_or_else(|| p.title_zh.clone());
                let en = p.detail.clone().unwrap_or_else(|| p.title.clone());
                descriptions.push(format!("{zh} / {en}"));
            }
            let errors: Vec<Value> =
                descriptions.into_iter().map(|d| json!({ "code": p.status, "description": d })).collect();
            let mut res = respond(format, e.status(), "errors", Value::Array(errors));
            if let AppError::TooManyRequests { retry_after_secs } = e {
                res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            res
        }
    }
}

// --- services ----------------------------------------------------------------------------------

fn services_list() -> Value {
    Value::Array(
        COMPLAINT_SERVICES
            .iter()
            .map(|(code, zh, en)| {
                json!({ "service_code": code, "service_name": format!("{zh} {en}"), "description": format!("摊规点、摊位或外摆相关：{zh}"),
                    "metadata": true, "type": "realtime", "keywords": "摊规点,摊贩,跨店经营,外摆", "group": "市容秩序" })
            })
            .collect(),
    )
}

/// The complaint categories (GeoReport v2 service list).
#[utoipa::path(get, path = "/open311/v2/services.json", tag = "open311",
    responses((status = 200, description = "GeoReport v2 service list", content_type = "application/json")))]
pub async fn services_json() -> Response {
    respond(Format::Json, StatusCode::OK, "services", services_list())
}

/// The complaint categories, as XML.
#[utoipa::path(get, path = "/open311/v2/services.xml", tag = "open311",
    responses((status = 200, description = "GeoReport v2 service list", content_type = "text/xml")))]
pub async fn services_xml() -> Response {
    respond(Format::Xml, StatusCode::OK, "services", services_list())
}

/// The extra fields a request of this service may carry (`attribute[code]=…` when posting).
#[utoipa::path(get, path = "/open311/v2/services/{file}", tag = "open311",
    params(("file" = String, Path, description = "`<service_code>.json` or `<service_code>.xml`")),
    responses((status = 200, description = "GeoReport v2 service definition"), (status = 404)))]
pub async fn service_definition(Path(file): Path<String>) -> Response {
    let format = split_file(&file).map(|f| f.1).unwrap_or(Format::Json);
    answer(
        format,
        (|| {
            let (code, format) = split_file(&file)?;
            if !COMPLAINT_SERVICES.iter().any(|s| s.0 == code) {
                return Err(AppError::NotFound);
            }
            let definition = json!({
                "service_code": code,
                "attributes": [
                    { "variable": true, "code": "permit_code", "datatype": "string", "required": false,
                      "datatype_description": "许可证二维码下的核验码，如 ABCD2345 / The code under the permit's QR",
                      "order": 1, "description": "摊位许可核验码（看得到时填写）Permit code, if visible" },
                    { "variable": true, "code": "zone_id", "datatype": "number", "required": false,
                      "datatype_description": "摊规点编号（地图上的数字编号）/ The zone's id on the map",
                      "order": 2, "description": "所在摊规点 Vending zone" },
                ],
            });
            Ok(respond(format, StatusCode::OK, "service_definition", definition))
        })(),
    )
}

// --- requests ----------------------------------------------------------------------------------

/// GeoReport v2's list filters. Lists are comma-separated; dates are W3C (`2026-12-01T08:00:00+08:00`)
/// or plain dates (Xiamen midnight).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Request ids, comma-separated; the other filters are ignored when given (as the spec says).
    service_request_id: Option<String>,
    /// Service codes, comma-separated.
    service_code: Option<String>,
    /// From this time (default: 90 days before `end_date`).
    start_date: Option<String>,
    /// Up to this time (default: now).
    end_date: Option<String>,
    /// `open`, `closed` or both, comma-separated.
    status: Option<String>,
}

fn parse_time(field: &str, v: &str) -> AppResult<NaiveDateTime> {
    let v = v.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(t.naive_utc());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let local = chrono::FixedOffset::east_opt(8 * 3600).and_then(|tz| tz.from_local_datetime(&d.into()).single());
        if let Some(t) = local {
            return Ok(t.naive_utc());
        }
    }
    Err(AppError::field(
        field,
        "invalid",
        format!("{field} 应为 W3C 时间，如 2026-12-01T08:00:00+08:00，或日期 2026-12-01"),
        format!("{field} must be a W3C datetime such as 2026-12-01T08:00:00+08:00, or a date 2026-12-01"),
    ))
}

fn list_of(v: &Option<String>) -> Vec<String> {
    v.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn filter_of(q: &ListQuery) -> AppResult<PublicFilter> {
    let mut problems = Vec::new();
    let ids: Vec<i64> = list_of(&q.service_request_id)
        .iter()
        .filter_map(|s| match s.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                problems.push(common::FieldError::new(
                    "service_request_id",
                    "invalid",
                    "service_request_id 应为数字，多个用逗号分隔",
                    "service_request_id must be numbers separated by commas",
                ));
                None
            }
        })
        .collect();
    let statuses = list_of(&q.status);
    if statuses.iter().any(|s| s != "open" && s != "closed") {
        problems.push(common::FieldError::new(
            "status",
            "invalid",
            "status 应为 open 或 closed",
            "status must be open or closed",
        ));
    }
    let mut time = |field: &str, v: &Option<String>| match v.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_time(field, s)
            .map_err(|e| {
                if let AppError::Validation(f) = e {
                    problems.extend(f)
                }
            })
            .ok(),
        None => None,
    };
    let start = time("start_date", &q.start_date);
    let end = time("end_date", &q.end_date);
    AppError::check(problems)?;
    Ok(PublicFilter { ids, service_codes: list_of(&q.service_code), statuses, start, end })
}

async fn list_requests(state: &AppState, format: Format, raw: Option<String>) -> Response {
    let r = async {
        // Parsed by hand so that a bad value is a field error in the client's format.
        let q: ListQuery = serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
        let rows = service::public_list(state, filter_of(&q)?).await?;
        let url = &state.config.public_url;
        Ok(respond(format, StatusCode::OK, "service_requests", rows.iter().map(|v| request_json(v, url)).collect()))
    };
    answer(format, r.await)
}

/// Requests, newest first, at most 1000 (GeoReport v2 filters).
#[utoipa::path(get, path = "/open311/v2/requests.json", tag = "open311", params(ListQuery),
    responses((status = 200, description = "GeoReport v2 service requests"), (status = 422)))]
pub async fn requests_json(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    list_requests(&state, Format::Json, raw).await
}

/// Requests, as XML.
#[utoipa::path(get, path = "/open311/v2/requests.xml", tag = "open311", params(ListQuery),
    responses((status = 200, description = "GeoReport v2 service requests", content_type = "text/xml"), (status = 422)))]
pub async fn requests_xml(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    list_requests(&state, Format::Xml, raw).await
}

/// One request.
#[utoipa::path(get, path = "/open311/v2/requests/{file}", tag = "open311",
    params(("file" = String, Path, description = "`<service_request_id>.json` or `.xml`")),
    responses((status = 200, description = "GeoReport v2 service request (a list of one)"), (status = 404)))]
pub async fn one_request(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let format = split_file(&file).map(|f| f.1).unwrap_or(Format::Json);
    let r = async {
        let (stem, format) = split_file(&file)?;
        let id: i64 = stem.parse().map_err(|_| AppError::NotFound)?;
        let v = service::public_one(&state, id).await?;
        Ok(respond(format, StatusCode::OK, "service_requests", json!([request_json(&v, &state.config.public_url)])))
    };
    answer(format, r.await)
}

/// The request a token stands for (the token is the reporter's, given when the report was made).
#[utoipa::path(get, path = "/open311/v2/tokens/{file}", tag = "open311",
    params(("file" = String, Path, description = "`<token>.json` or `<token>.xml`")),
    responses((status = 200, description = "service_request_id and token"), (status = 404)))]
pub async fn token_lookup(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let format = split_file(&file).map(|f| f.1).unwrap_or(Format::Json);
    let r = async {
        let (token, format) = split_file(&file)?;
        let v = service::by_token(&state, token.to_string()).await?;
        Ok(respond(
            format,
            StatusCode::OK,
            "service_requests",
            json!([{ "service_request_id": v.id.to_string(), "token": token }]),
        ))
    };
    answer(format, r.await)
}

/// A report's photo, re-encoded on upload without EXIF (no position, no camera).
#[utoipa::path(get, path = "/open311/v2/media/{file}", tag = "open311",
    params(("file" = String, Path, description = "`<service_request_id>.jpg`")),
    responses((status = 200, description = "the photo", content_type = "image/jpeg"), (status = 404)))]
pub async fn media(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let id: i64 = file.strip_suffix(".jpg").and_then(|s| s.parse().ok()).ok_or(AppError::NotFound)?;
    let (ct, bytes) = service::public_photo(&state, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("image/jpeg"))),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        bytes,
    )
        .into_response())
}

/// GeoReport v2 sends form fields (extra fields as `attribute[code]`); JSON with the same names is
/// accepted too.
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
    #[serde(alias = "attribute[zone_id]")]
    zone_id: Option<i64>,
    #[serde(alias = "attribute[permit_code]")]
    permit_code: Option<String>,
}

async fn create_request(
    state: &AppState,
    format: Format,
    client: crate::controllers::auth::ClientInfo,
    req: axum::extract::Request,
) -> Response {
    let r = async {
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
        let contact =
            [r.phone.trim(), r.email.trim()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        let input = ComplaintInput {
            service_code: r.service_code,
            description: r.description,
            zone_id: r.zone_id,
            permit_code: r.permit_code.filter(|p| !p.trim().is_empty()),
            location: r.long.zip(r.lat).map(|(lon, lat)| [lon, lat]),
            address: r.address_string,
            contact,
            evidence_id: None,
        };
        let limit = Some((crate::auth::limits::OPEN311_PER_ADDRESS, client.ip));
        let receipt = service::create(state, None, input, limit).await?;
        let body = json!([{
            "service_request_id": receipt.id.to_string(),
            "service_notice": format!("已转{}城市管理局处理。查询进度：/complaints/{}", receipt.district.name_zh(), receipt.token),
            "account_id": Value::Null,
            "token": receipt.token,
        }]);
        Ok(respond(format, StatusCode::CREATED, "service_requests", body))
    };
    answer(format, r.await)
}

/// Report a problem (no account needed).
#[utoipa::path(post, path = "/open311/v2/requests.json", tag = "open311",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "service_code, description, lat, long, address_string, email, phone, attribute[permit_code], attribute[zone_id]"),
    responses((status = 201, description = "service_request_id, token and notice"), (status = 422), (status = 429)))]
pub async fn create_json(
    State(state): State<AppState>,
    client: crate::controllers::auth::ClientInfo,
    req: axum::extract::Request,
) -> Response {
    create_request(&state, Format::Json, client, req).await
}

/// Report a problem, answered in XML.
#[utoipa::path(post, path = "/open311/v2/requests.xml", tag = "open311",
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 201, description = "service_request_id, token and notice", content_type = "text/xml"), (status = 422), (status = 429)))]
pub async fn create_xml(
    State(state): State<AppState>,
    client: crate::controllers::auth::ClientInfo,
    req: axum::extract::Request,
) -> Response {
    create_request(&state, Format::Xml, client, req).await
}
