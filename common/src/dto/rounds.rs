use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::validate::Errors;
use crate::{FieldError, TradeCategory};

/// What an admin sets up for an allocation round (摇号批次).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundInput {
    pub name: String,
    pub zone_ids: Vec<i64>,
    /// Application window (Xiamen time).
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    /// Share of each zone's stalls served first to priority applicants (0–50 %).
    pub reserved_percent: u8,
    /// Public notice of the results, in working days, during which objections can be lodged.
    pub notice_days: u8,
    /// Days an offered vendor has to accept.
    pub offer_days: u8,
    /// Where the outside value mixed into the draw will come from, named in the round notice
    /// before the list is frozen, e.g. the numbers witnesses draw at the public ceremony.
    #[serde(default)]
    pub outside_source: String,
}

/// What the admin enters to run the draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawInput {
    /// The value from the source the round notice named, exactly as announced.
    #[serde(default)]
    pub outside_value: String,
}

impl DrawInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.text(
            "outside_value",
            "外部随机数",
            "Outside value",
            &self.outside_value,
            crate::allocation::MAX_OUTSIDE_VALUE,
        );
        e.0
    }
}

impl RoundInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.text("name", "批次名称", "Name", &self.name, 60);
        e.text("outside_source", "外部随机数来源", "Source of the outside value", &self.outside_source, 200);
        if self.zone_ids.is_empty() {
            e.add("zone_ids", "required", "请至少选择一个摊规点", "Choose at least one zone");
        }
        if self.zone_ids.len() > 200 {
            e.add("zone_ids", "too_many", "一个批次最多 200 个摊规点", "At most 200 zones per round");
        }
        if self.closes_at <= self.opens_at {
            e.add("closes_at", "before_open", "截止时间须晚于开始时间", "The window must close after it opens");
        }
        if self.reserved_percent > 50 {
            e.add("reserved_percent", "range", "优先保留比例为 0–50%", "Reserved share must be 0–50 %");
        }
        if self.notice_days > 30 {
            e.add("notice_days", "range", "公示期为 0–30 个工作日", "Notice period: 0–30 working days");
        }
        if !(1..=30).contains(&self.offer_days) {
            e.add("offer_days", "range", "确认期限为 1–30 天", "Reply period: 1–30 days");
        }
        e.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// Set up, not yet announced.
    Planned,
    /// Taking applications; the seed's commitment is published.
    Open,
    /// The eligible list is frozen and its fingerprint published.
    Closed,
    /// Drawn: seed revealed, results on public notice.
    Drawn,
    /// Notice over, objections answered, offers made.
    Confirmed,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Planned => "planned",
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
            RoundStatus::Drawn => "drawn",
            RoundStatus::Confirmed => "confirmed",
        }
    }

    pub fn parse(s: &str) -> Option<RoundStatus> {
        [RoundStatus::Planned, RoundStatus::Open, RoundStatus::Closed, RoundStatus::Drawn, RoundStatus::Confirmed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RoundStatus::Planned => "筹备中",
            RoundStatus::Open => "接受申请",
            RoundStatus::Closed => "名单已锁定",
            RoundStatus::Drawn => "已摇号，公示中",
            RoundStatus::Confirmed => "结果已确认",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            RoundStatus::Planned => "Planned",
            RoundStatus::Open => "Open for applications",
            RoundStatus::Closed => "List frozen",
            RoundStatus::Drawn => "Drawn, on public notice",
            RoundStatus::Confirmed => "Confirmed",
        }
    }
}

/// One line of the published results. Applicants appear by draw number only: no name, no ID
/// digit (the applicant knows their own number from their case page and notice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultLine {
    /// 1-based place in the draw order.
    pub position: u32,
    /// `R3-00012` (rounds drawn with `tangui-rsd-v1`: the application number).
    pub draw_number: String,
    pub category: TradeCategory,
    /// In the priority tier for the reserved quota (which group is not published).
    pub priority: bool,
    /// `None`: on the waiting list at `waitlist_position`.
    pub zone_code: Option<String>,
    pub zone_name: Option<String>,
    pub stall_number: Option<String>,
    pub preference_rank: Option<u8>,
    /// The stall came from the reserved quota.
    #[serde(default)]
    pub reserved: bool,
    pub waitlist_position: Option<u32>,
}

/// One applicant's line of the list published at closing, and their result once drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListLine {
    pub draw_number: String,
    pub category: TradeCategory,
    pub priority: bool,
    /// The round's zones the applicant chose, best first.
    pub preferences: Vec<RoundZone>,
    /// The fingerprint of the whole list this line is part of.
    pub fingerprint: String,
    pub result: Option<ResultLine>,
}

/// Everything the public may see of a round, enough to check the draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundView {
    pub id: i64,
    pub name: String,
    pub status: RoundStatus,
    pub zones: Vec<RoundZone>,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub reserved_percent: u8,
    pub notice_days: u8,
    pub offer_days: u8,
    /// Where the outside value will come from, named before the list is frozen.
    pub outside_source: Option<String>,
    /// The outside value entered at the draw.
    pub outside_value: Option<String>,
    /// SHA-256 of the secret seed, published when the round opens.
    pub seed_commitment: Option<String>,
    /// SHA-256 of the frozen list of applicants and stalls, published at closing.
    pub fingerprint: Option<String>,
    /// Revealed at the draw.
    pub seed: Option<String>,
    pub algorithm: Option<String>,
    pub applicants: Option<usize>,
    pub stalls: Option<usize>,
    /// Applicants given a stall by the draw.
    pub placed: Option<usize>,
    pub drawn_at: Option<NaiveDateTime>,
    pub notice_until: Option<NaiveDate>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub results: Vec<ResultLine>,
    pub open_objections: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundZone {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Progress of a draw being run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawProgress {
    /// `drawing`, `writing`, `done` or `failed`.
    pub stage: String,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionInput {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionAnswer {
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionView {
    pub id: i64,
    pub round_id: i64,
    pub application_id: i64,
    pub text: String,
    pub status: String,
    pub answer: String,
    pub created_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
}
