//! The one error type of the HTTP layer, rendered as RFC 9457 `application/problem+json`.
//!
//! Models return `QueryResult`, services and handlers `AppResult`; anything unexpected becomes a
//! 500 whose details go to the log (with the request id), never to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::{FieldError, Problem};

pub type AppResult<T> = Result<T, AppError>;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("bad request: {en}")]
    BadRequest { code: &'static str, zh: String, en: String },
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong login or password")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {en}")]
    Conflict { code: &'static str, zh: String, en: String },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType { expected: &'static str },
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn validation(errors: Vec<FieldError>) -> AppError {
        AppError::Validation(errors)
    }

    pub fn field(field: &str, code: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, code, zh, en)])
    }

    pub fn bad_request(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::BadRequest { code, zh: zh.into(), en: en.into() }
    }

    pub fn conflict(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Conflict { code, zh: zh.into(), en: en.into() }
    }

    /// Returns `Err(Validation)` when there are errors.
    pub fn check(errors: Vec<FieldError>) -> AppResult<()> {
        if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::MalformedJson(_) | AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (slug, en, zh, detail): (&str, &str, &str, Option<(String, String)>) = match self {
            AppError::Validation(_) => {
                ("validation", "Some fields are not valid", "提交的内容有误，请按提示修改", None)
            }
            AppError::MalformedJson(msg) => (
                "malformed-json",
                "The request body is not valid JSON",
                "请求内容不是有效的 JSON",
                Some((format!("请求内容无法解析：{msg}"), msg.clone())),
            ),
            AppError::BadRequest { code, zh, en } => (code, "Bad request", "请求有误", Some((zh.clone(), en.clone()))),
            AppError::Unauthenticated => ("unauthenticated", "Please sign in", "请先登录", None),
            AppError::InvalidCredentials => {
                ("invalid-credentials", "Wrong mobile number/username or password", "手机号/用户名或密码不正确", None)
            }
            AppError::Forbidden => ("forbidden", "You may not do this", "您没有执行此操作的权限", None),
            AppError::Csrf => (
                "csrf",
                "Security check failed; reload the page and try again",
                "安全校验未通过，请刷新页面后重试",
                None,
            ),
            AppError::NotFound => ("not-found", "Not found", "找不到该内容", None),
            AppError::MethodNotAllowed => ("method-not-allowed", "Method not allowed", "不支持该请求方法", None),
            AppError::Conflict { code, zh, en } => {
                (code, "Conflict", "操作与现有数据冲突", Some((zh.clone(), en.clone())))
            }
            AppError::PreconditionFailed => (
                "stale",
                "Someone else changed this in the meantime; reload and try again",
                "内容已被他人修改，请刷新后重试",
                None,
            ),
            AppError::PayloadTooLarge { limit } => (
                "payload-too-large",
                "The request is too large",
                "提交的内容过大",
                Some((format!("上限为 {} KB", limit / 1024), format!("The limit is {} KB", limit / 1024))),
            ),
            AppError::UnsupportedMediaType { expected } => (
                "unsupported-media-type",
                "Unsupported content type",
                "不支持的内容类型",
                Some((format!("请使用 {expected}"), format!("Send {expected}"))),
            ),
            AppError::TooManyRequests { retry_after_secs } => (
                "too-many-requests",
                "Too many attempts; please wait and try again",
                "尝试次数过多，请稍后再试",
                Some((
                    format!("请在 {} 分钟后再试", retry_after_secs.div_ceil(60)),
                    format!("Try again in {} minutes", retry_after_secs.div_ceil(60)),
                )),
            ),
            AppError::Unavailable(_) => {
                ("unavailable", "Service temporarily unavailable", "服务暂时不可用，请稍后再试", None)
            }
            AppError::Internal(_) => ("internal", "Something went wrong on our side", "系统内部错误，请稍后再试", None),
        };
        let errors = match self {
            AppError::Validation(e) => e.clone(),
            _ => Vec::new(),
        };
        let (detail_zh, detail) = detail.map(|(z, e)| (Some(z), Some(e))).unwrap_or((None, None));
        Problem {
            type_uri: format!("/problems/{slug}"),
            title: en.to_string(),
            title_zh: zh.to_string(),
            status: self.status().as_u16(),
            detail,
            detail_zh,
            errors,
            request_id: None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Unavailable(e) => tracing::warn!(error = %e, "unavailable"),
            _ => {}
        }
        let problem = self.to_problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (self.status(), body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let AppError::TooManyRequests { retry_after_secs } = self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        res
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::info!(detail = info.message(), "unique violation");
                AppError::conflict("duplicate", "该记录已存在", "This already exists")
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Unavailable("serialization failure".into())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable("database connection closed".into())
            }
            other => AppError::Internal(other.into()),
        }
    }
}
