//! The one place that talks HTTP. Every call goes through [`request`], which adds the CSRF
//! header and turns error answers into [`ApiError`] carrying the server's problem+json.

use common::Problem;
use gloo::net::http::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer (offline, server down).
    Network(String),
    Unauthorized(Problem),
    Forbidden(Problem),
    NotFound(Problem),
    /// 422 with per-field errors.
    Validation(Problem),
    Conflict(Problem),
    TooManyRequests(Problem),
    /// Any other 4xx/5xx.
    Other(Problem),
    /// The answer was not what the app expected.
    Decode(String),
}

impl ApiError {
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ApiError::Unauthorized(p)
            | ApiError::Forbidden(p)
            | ApiError::NotFound(p)
            | ApiError::Validation(p)
            | ApiError::Conflict(p)
            | ApiError::TooManyRequests(p)
            | ApiError::Other(p) => Some(p),
            ApiError::Network(_) | ApiError::Decode(_) => None,
        }
    }

    /// A sentence for the user in their language.
    pub fn message(&self, en: bool) -> String {
        match self {
            ApiError::Network(_) => if en {
                "Cannot reach the server. Check your connection and try again."
            } else {
                "无法连接服务器，请检查网络后重试。"
            }
            .into(),
            ApiError::Decode(_) => {
                if en { "The server sent an unexpected answer." } else { "服务器返回了无法识别的内容。" }.into()
            }
            _ => {
                let p = self.problem().expect("has problem");
                let (title, detail) = if en { (&p.title, &p.detail) } else { (&p.title_zh, &p.detail_zh) };
                match detail {
                    Some(d) => format!("{title}：{d}"),
                    None => title.clone(),
                }
            }
        }
    }

    /// Field errors, if this is a validation answer.
    pub fn field_errors(&self) -> Vec<common::FieldError> {
        match self {
            ApiError::Validation(p) => p.errors.clone(),
            _ => Vec::new(),
        }
    }
}

/// The double-submit CSRF token the server set as a cookie.
fn csrf_token() -> Option<String> {
    let doc = gloo::utils::document().dyn_into::<web_sys::HtmlDocument>().ok()?;
    let cookies = doc.cookie().ok()?;
    cookies.split(';').map(str::trim).find_map(|c| c.strip_prefix("tangui_csrf=")).map(str::to_string)
}

async fn send(method: Method, url: &str, body: Option<String>) -> Result<gloo::net::http::Response, ApiError> {
    send_typed(method, url, body, "application/json").await
}

async fn send_typed(
    method: Method,
    url: &str,
    body: Option<String>,
    content_type: &str,
) -> Result<gloo::net::http::Response, ApiError> {
    let resp = send_raw(method, url, body, content_type).await?;
    if resp.ok() {
        return Ok(resp);
    }
    Err(to_error(resp).await)
}

async fn send_raw(
    method: Method,
    url: &str,
    body: Option<String>,
    content_type: &str,
) -> Result<gloo::net::http::Response, ApiError> {
    let writes = method != Method::GET;
    let mut rb = RequestBuilder::new(url).method(method).header("Accept", "application/json");
    if writes {
        if csrf_token().is_none() {
            // First write of a fresh visit: any GET hands out the token.
            let _ = RequestBuilder::new("/api/v1/health").send().await;
        }
        if let Some(t) = csrf_token() {
            rb = rb.header("X-CSRF-Token", &t);
        }
    }
    let req = match body {
        Some(b) => rb.header("Content-Type", content_type).body(b),
        None => rb.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = req.send().await.map_err(|e| ApiError::Network(e.to_string()))?;
    if !writes {
        crate::components::offline::note(&resp);
    }
    Ok(resp)
}

async fn to_error(resp: gloo::net::http::Response) -> ApiError {
    let status = resp.status();
    let problem = resp.json::<Problem>().await.unwrap_or_else(|_| Problem {
        type_uri: "about:blank".into(),
        title: format!("HTTP {status}"),
        title_zh: format!("请求失败（{status}）"),
        status,
        detail: None,
        detail_zh: None,
        errors: Vec::new(),
        request_id: None,
    });
    match status {
        401 => ApiError::Unauthorized(problem),
        403 => ApiError::Forbidden(problem),
        404 => ApiError::NotFound(problem),
        409 => ApiError::Conflict(problem),
        412 => ApiError::Conflict(problem),
        422 => ApiError::Validation(problem),
        429 => ApiError::TooManyRequests(problem),
        _ => ApiError::Other(problem),
    }
}

/// Sends raw bytes (an uploaded file) and decodes a JSON answer.
pub async fn request_bytes<T: DeserializeOwned>(method: Method, url: &str, body: Vec<u8>) -> Result<T, ApiError> {
    let writes = method != Method::GET;
    let mut rb = RequestBuilder::new(url).method(method).header("Accept", "application/json");
    if writes {
        if csrf_token().is_none() {
            let _ = RequestBuilder::new("/api/v1/health").send().await;
        }
        if let Some(t) = csrf_token() {
            rb = rb.header("X-CSRF-Token", &t);
        }
    }
    let array = js_sys::Uint8Array::from(&body[..]);
    let req = rb
        .header("Content-Type", "application/octet-stream")
        .body(array)
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = req.send().await.map_err(|e| ApiError::Network(e.to_string()))?;
    if !resp.ok() {
        return Err(to_error(resp).await);
    }
    resp.json::<T>().await.map_err(|e| ApiError::Decode(e.to_string()))
}

/// Sends a text body (a GeoJSON file) and decodes a JSON answer.
pub async fn request_text<T: DeserializeOwned>(method: Method, url: &str, body: String) -> Result<T, ApiError> {
    let resp = send_typed(method, url, Some(body), "application/geo+json").await?;
    resp.json::<T>().await.map_err(|e| ApiError::Decode(e.to_string()))
}

/// Like [`request_text`], but decodes the body whatever the status (for answers that carry a
/// full report with their 4xx).
pub async fn request_text_any<T: DeserializeOwned>(method: Method, url: &str, body: String) -> Result<T, ApiError> {
    let resp = send_raw(method, url, Some(body), "application/geo+json").await?;
    if resp.ok() || resp.status() == 422 {
        if let Ok(v) = resp.json::<T>().await {
            return Ok(v);
        }
        return Err(ApiError::Decode("unexpected body".into()));
    }
    Err(to_error(resp).await)
}

/// Sends a request and decodes a JSON answer.
pub async fn request<B: Serialize, T: DeserializeOwned>(
    method: Method,
    url: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let body = body.map(|b| serde_json::to_string(b)).transpose().map_err(|e| ApiError::Decode(e.to_string()))?;
    let resp = send(method, url, body).await?;
    resp.json::<T>().await.map_err(|e| ApiError::Decode(e.to_string()))
}

/// Sends a request whose answer has no body (204).
pub async fn request_empty<B: Serialize>(method: Method, url: &str, body: Option<&B>) -> Result<(), ApiError> {
    let body = body.map(|b| serde_json::to_string(b)).transpose().map_err(|e| ApiError::Decode(e.to_string()))?;
    send(method, url, body).await.map(|_| ())
}

/// A body as text, for a file the page reads itself (a round's record before it is parsed).
pub async fn get_text(url: &str) -> Result<String, ApiError> {
    send(Method::GET, url, None).await?.text().await.map_err(|e| ApiError::Decode(e.to_string()))
}

pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    request::<(), T>(Method::GET, url, None).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    request(Method::POST, url, Some(body)).await
}

/// Every active zone, from the public GeoJSON (one cached, precompressed file) — what the map
/// draws, never a capped list.
pub async fn zones_from_geojson() -> Result<Vec<common::dto::zones::ZoneSummary>, ApiError> {
    let fc: serde_json::Value = get("/api/v1/public/zones.geojson").await?;
    Ok(fc["features"]
        .as_array()
        .map(|fs| fs.iter().filter_map(common::dto::zones::ZoneSummary::from_feature).collect())
        .unwrap_or_default())
}

/// Every zone matching `query`, page by page with the server's cursor (a page holds at most 200).
pub async fn all_zones(query: &str) -> Result<Vec<common::dto::zones::ZoneSummary>, ApiError> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let l: common::dto::zones::ZoneList =
            get(&format!("/api/v1/zones?{query}&per_page=200&cursor={cursor}")).await?;
        out.extend(l.zones);
        match l.next_cursor {
            Some(c) => cursor = common::zone::percent_encode(&c),
            None => break,
        }
    }
    Ok(out)
}
