//! Request body extraction that answers bad input with problem+json: malformed JSON → 400,
//! a wrong type or missing field → 422 naming the field, too large → 413, wrong type → 415.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Limit for JSON bodies; uploads have their own route limits.
pub const JSON_LIMIT: usize = 64 * 1024;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
                ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(AppError::UnsupportedMediaType { expected: "application/json" });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge { limit: JSON_LIMIT }
            } else {
                AppError::bad_request("unreadable-body", "无法读取请求内容", "Could not read the request body")
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body. Every string in it, wherever it sits, must pass the common text rule
/// (`check_untrusted_text`) before the body is read as `T`, so no field can be forgotten.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| AppError::MalformedJson(e.to_string()))?;
    let mut errors = Vec::new();
    check_strings(&value, &mut String::new(), &mut errors);
    AppError::check(errors)?;
    parse_value(value)
}

fn check_strings(v: &serde_json::Value, path: &mut String, errors: &mut Vec<common::FieldError>) {
    use serde_json::Value;
    let field = |path: &str| if path.is_empty() { "body".to_string() } else { path.to_string() };
    match v {
        Value::String(s) => errors.extend(common::validate::check_untrusted_text(&field(path), s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_strings(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                errors.extend(common::validate::check_untrusted_text(&field(path), k));
                check_strings(item, path, errors);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Like [`parse_json`] on an already parsed value. Internally tagged enums buffer their content,
/// which loses the path of a bad field; reading the tag first and then the variant's struct
/// through this keeps it.
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(field_error)
}

fn field_error(e: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return AppError::MalformedJson(inner.to_string());
    }
    let msg = inner.to_string();
    // serde reports a missing field at the parent path; name the field itself.
    let field = match msg.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        Some(name) if path == "." => name.to_string(),
        Some(name) => format!("{path}.{name}"),
        None if path == "." => "body".to_string(),
        None => path,
    };
    let msg_en = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    AppError::field(&field, "type", format!("字段格式不正确：{msg_en}"), msg_en)
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::Problem;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct T {
        name: String,
        count: u32,
    }

    fn problem(r: Result<T, AppError>) -> Problem {
        r.unwrap_err().to_problem()
    }

    #[test]
    fn classifies_errors() {
        assert_eq!(problem(parse_json(b"{\"name\": ")).type_uri, "/problems/malformed-json");
        assert_eq!(problem(parse_json(br#"{"name":"a","count":1} trailing"#)).type_uri, "/problems/malformed-json");
        let p = problem(parse_json(br#"{"name":"a","count":"x"}"#));
        assert_eq!(p.status, 422);
        assert_eq!(p.errors[0].field, "count");
        let p = problem(parse_json(br#"{"name":"a"}"#));
        assert_eq!(p.errors[0].field, "count");
        let p = problem(parse_json(br#"{"name":"<b>","count":1,"x":[{"y":"ok\u0000"}]}"#));
        let fields: Vec<_> = p.errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(fields, [("name", "markup"), ("x[0].y", "control_chars")]);
        assert!(parse_json::<T>(br#"{"name":"a","count":3}"#).is_ok());
    }
}
