use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::application::{ApplicationStatus, DocKind, PriorityGroup, ReturnItem, StallApplicationInput};
use crate::{District, TradeCategory};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveApplication {
    /// The version being edited (absent when creating).
    #[serde(default)]
    pub version: Option<i32>,
    pub input: StallApplicationInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreferenceView {
    pub rank: u8,
    pub zone_id: i64,
    pub code: String,
    pub name: String,
    pub district: District,
    pub free_stalls: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    pub id: i64,
    pub kind: DocKind,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferView {
    pub id: i64,
    pub status: String,
    pub stall_id: i64,
    pub stall_number: String,
    pub zone_id: i64,
    pub zone_code: String,
    pub zone_name: String,
    pub offered_at: NaiveDateTime,
    pub respond_by: NaiveDateTime,
    pub round_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicantView {
    pub user_id: i64,
    pub name: String,
    /// Masked for everyone but the applicant.
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

/// One step in the case's history, as the applicant and staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEvent {
    pub at: NaiveDateTime,
    pub action: String,
    /// The role of who did it (`vendor`, `district_officer`, `city_admin`, or `system`).
    pub by: String,
    pub reason: Option<String>,
    #[serde(default)]
    pub items: Vec<ReturnItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationView {
    pub id: i64,
    pub status: ApplicationStatus,
    pub input: StallApplicationInput,
    pub preferences: Vec<PreferenceView>,
    pub priority_groups: Vec<PriorityGroup>,
    pub category: Option<TradeCategory>,
    pub district: Option<District>,
    pub submitted_at: Option<NaiveDateTime>,
    /// Review deadline, counted in working days from submission.
    pub deadline: Option<NaiveDate>,
    /// Working days until the deadline (negative: overdue).
    pub working_days_left: Option<i64>,
    pub decision_reason: String,
    pub return_items: Vec<ReturnItem>,
    pub documents: Vec<DocumentView>,
    pub required_documents: Vec<DocKind>,
    pub applicant: ApplicantView,
    pub history: Vec<CaseEvent>,
    /// The notices sent about this case, with what became of each text message.
    #[serde(default)]
    pub notices: Vec<crate::dto::lifecycle::NoticeDelivery>,
    pub offer: Option<OfferView>,
    pub round_id: Option<i64>,
    /// The public draw number (`R3-00012`) once the round's list is frozen: the only way the
    /// published list and results name this application.
    #[serde(default)]
    pub draw_number: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
}

/// A row of an officer's review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub id: i64,
    pub applicant: String,
    pub category: Option<TradeCategory>,
    pub first_zone: String,
    pub district: Option<District>,
    pub status: ApplicationStatus,
    pub submitted_at: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDate>,
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    pub documents: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueList {
    pub items: Vec<QueueItem>,
    pub total: i64,
}
