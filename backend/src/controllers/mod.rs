//! HTTP handlers, one module per resource, with their request and response types beside them.
//! Handlers parse, authorise and call the model or service; they hold no business rules.

pub mod applications;
pub mod assisted;
pub mod auth;
pub mod cases;
pub mod complaints;
pub mod dashboard;
pub mod filings;
pub mod health;
pub mod helpers;
pub mod meta;
pub mod notifications;
pub mod open311;
pub mod open_data;
pub mod permits;
pub mod personal_data;
pub mod policy;
pub mod rounds;
pub mod segments;
pub mod sms;
pub mod supervision;
pub mod transparency;
pub mod users;
pub mod zones;

use serde::Deserialize;

/// `?page=1&per_page=50`, 1-based, capped. Query structs flatten it in.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Page {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl Page {
    pub fn limit(&self, default: i64, max: i64) -> i64 {
        self.per_page.unwrap_or(default).clamp(1, max)
    }

    pub fn offset(&self, default: i64, max: i64) -> i64 {
        (self.page.unwrap_or(1).max(1) - 1).saturating_mul(self.limit(default, max))
    }
}
