//! A person's rights over their data (PIPL Art. 45, 47): who looked at their documents, a copy of
//! everything kept about them, and closing the account.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::application::DocKind;
use crate::validate::Errors;

/// One look by staff at one of the person's documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentLook {
    pub at: NaiveDateTime,
    /// The officer's name as on their staff account.
    pub officer: String,
    /// Their unit: a district's bureau, or the city.
    pub unit_zh: String,
    pub unit_en: String,
    pub document: DocKind,
    pub application_id: i64,
}

/// Newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentLooks {
    pub looks: Vec<DocumentLook>,
}

/// Closing one's own account: the password again, and a clear yes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseAccountRequest {
    pub password: String,
    /// The box "I understand that this cannot be undone".
    #[serde(default)]
    pub understood: bool,
}

impl CloseAccountRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        if self.password.is_empty() {
            e.add("password", "required", "请输入密码", "Enter your password");
        }
        if !self.understood {
            e.add(
                "understood",
                "required",
                "请确认您已了解注销的后果",
                "Confirm that you understand what closing does",
            );
        }
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_needs_the_password_and_a_yes() {
        let fields = |r: &CloseAccountRequest| r.validate().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(&CloseAccountRequest::default()), ["password", "understood"]);
        assert!(CloseAccountRequest { password: "x".into(), understood: true }.validate().is_empty());
    }
}
