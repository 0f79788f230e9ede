use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::District;
use crate::application::ReturnItem;
use crate::dto::applications::CaseEvent;
use crate::policy::{Evaluation, PolicyApplication};

/// A shop's filing as the shop and officers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilingView {
    pub id: i64,
    pub kind: String,
    /// `filed`, `pending_review`, `approved`, `returned`, `rejected`, `revoked`, `withdrawn`.
    pub status: String,
    pub district: District,
    pub application: PolicyApplication,
    /// The server's evaluation at submission (the one that counts), with the pack version used.
    pub evaluation: Evaluation,
    pub policy_version: u32,
    pub merchant: String,
    pub submitted_at: NaiveDateTime,
    pub deadline: Option<NaiveDate>,
    pub working_days_left: Option<i64>,
    pub decision_reason: String,
    pub return_items: Vec<ReturnItem>,
    pub permit: Option<PermitSummary>,
    pub history: Vec<CaseEvent>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitSummary {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub verify_code: String,
    pub title: String,
    pub location: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// A row of an officer's filing queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilingQueueItem {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub merchant: String,
    pub place: String,
    pub district: District,
    pub submitted_at: NaiveDateTime,
    pub deadline: Option<NaiveDate>,
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    /// Rules the officer must look at (for_officer).
    pub for_officer: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum FilingDecision {
    Approve,
    Reject { reason: String },
    Return { items: Vec<ReturnItem> },
}

impl FilingDecision {
    pub fn validate(&self) -> Vec<crate::FieldError> {
        match self {
            FilingDecision::Approve => Vec::new(),
            FilingDecision::Reject { reason } => {
                crate::application::Decision::Ineligible { reason: reason.clone() }.validate()
            }
            FilingDecision::Return { items } => {
                crate::application::Decision::Return { items: items.clone() }.validate()
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeRequest {
    pub reason: String,
}

/// The public verify page's answer for a permit or filing certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitPublic {
    pub code: String,
    pub kind: String,
    /// `valid`, `suspended`, `revoked`, `expired` or `surrendered`.
    pub status: String,
    pub holder: String,
    pub title: String,
    pub location: String,
    pub trade: String,
    pub hours: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub district: District,
    pub zone_id: Option<i64>,
    pub conditions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyVersionSummary {
    pub version: u32,
    pub status: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyDraft {
    pub pack: crate::policy::PolicyPack,
    #[serde(default)]
    pub note: String,
}

/// A street segment as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentView {
    pub id: i64,
    pub name: String,
    pub district: District,
    pub road_class: String,
    pub class: crate::policy::StreetClass,
    pub sidewalk_m: f64,
    pub near_homes: bool,
    /// The centre line, [lon, lat] WGS84.
    pub line: Vec<[f64; 2]>,
    pub note: String,
}

impl SegmentView {
    pub fn facts(&self) -> crate::policy::SegmentFacts {
        crate::policy::SegmentFacts {
            id: self.id,
            name: self.name.clone(),
            class: self.class,
            sidewalk_m: self.sidewalk_m,
            district: self.district,
            near_homes: self.near_homes,
        }
    }
}
