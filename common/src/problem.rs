//! RFC 9457 problem details, as sent by the server and understood by the browser app.

use serde::{Deserialize, Serialize};

use crate::Text;

/// One thing wrong with one field of a request. `field` is the JSON path of the field
/// (`id_number`, `preferences[2].zone_id`); `code` is stable for programs, the messages are for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        FieldError { field: field.into(), code: code.to_string(), message: Text::new(zh, en) }
    }
}

/// `application/problem+json` body. `type` is a stable relative URI such as
/// `/problems/validation`; `title` is English and `title_zh` Chinese.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub title_zh: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_zh: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// The errors for one field, for showing beside that input.
    pub fn field_errors<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.errors.iter().filter(move |e| e.field == field)
    }
}
