//! The policy pack: versioned rule data. Numbers that Xiamen has not published are defaults taken
//! from another city's published rule and say so in `source.borrowed_from`; the city sets them.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::ShopTrade;
use crate::validate::Errors;
use crate::{FieldError, Text};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyPack {
    /// Increases by one with every published change.
    pub version: u32,
    pub name: Text,
    pub effective_from: NaiveDate,
    /// What is known to be incomplete (e.g. items of 十允许 not yet verified).
    pub notes: Text,
    pub rules: Vec<Rule>,
    pub cross_store: CrossStoreParams,
    pub outdoor_promo: OutdoorPromoParams,
    /// 承诺时限 for shop filings that need review, in working days.
    pub review_working_days: u32,
    /// 承诺时限 for stall applications, in working days.
    pub stall_review_working_days: u32,
    /// Inspections, penalty points, appeals, renewals and transfers. Packs published before these
    /// existed read as the defaults.
    #[serde(default)]
    pub supervision: super::supervision::SupervisionParams,
}

/// One rule: what it checks, the clause it implements, and where that comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    /// Stable id used by the engine and in every decision, e.g. `CS-DEPTH`.
    pub id: String,
    /// The clause implemented, e.g. `五豁免 第二项` or `跨店经营导则`.
    pub clause: String,
    /// `cross_store`, `outdoor_promo` or `self_check`.
    pub applies_to: String,
    pub title: Text,
    /// The rule in plain words.
    pub text: Text,
    pub source: RuleSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSource {
    pub document: String,
    #[serde(default)]
    pub url: Option<String>,
    /// Set when the value is a default borrowed from another city's published rule.
    #[serde(default)]
    pub borrowed_from: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreetClassLimits {
    /// Furthest the area may reach out from the wall.
    pub max_depth_m: f64,
    /// Walkway that must stay clear beside it.
    pub min_clearance_m: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeWindow {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "17:00:00"))]
    pub start: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "22:00:00"))]
    pub end: NaiveTime,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossStoreParams {
    pub suitable: StreetClassLimits,
    pub restricted: StreetClassLimits,
    pub allowed_trades: Vec<ShopTrade>,
    /// Times of day trading outside may happen (breakfast, lunch, dinner).
    pub windows: Vec<TimeWindow>,
    /// Where homes face the street, nothing after this time.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub near_homes_latest_end: NaiveTime,
    pub max_frontage_m: f64,
    /// Longest a filing may run, days.
    pub max_days: u32,
    /// How far (as a fraction, either way) the area drawn on the map may be from frontage × depth.
    /// Packs from before this parameter read as 0.5.
    #[serde(default = "default_area_tolerance")]
    pub area_tolerance: f64,
}

fn default_area_tolerance() -> f64 {
    0.5
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutdoorPromoParams {
    /// File at least this many days before the first day.
    pub lead_days: u32,
    pub max_event_days: u32,
    /// Longer allowed when the event includes a weekend.
    pub max_event_days_with_weekend: u32,
    /// Days of events per venue per calendar month, set-up and tear-down included.
    pub max_days_per_month: u32,
    pub weekday_hours: TimeWindow,
    pub other_day_hours: TimeWindow,
    /// Own-land area needed to hold an event.
    pub min_area_m2: f64,
    /// Above this many expected visitors an officer reviews the safety plan.
    pub review_above_visitors: u32,
    /// Temporary ads come down within this many days after the last day (0 = the same day).
    pub ads_removal_days: u32,
}

impl PolicyPack {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Problems that stop a draft being published.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        let mut ids = std::collections::HashSet::new();
        for (i, r) in self.rules.iter().enumerate() {
            if r.id.trim().is_empty() || !ids.insert(r.id.clone()) {
                e.add(&format!("rules[{i}].id"), "duplicate", "规则编号为空或重复", "Rule id is empty or repeated");
            }
            if r.title.zh.trim().is_empty()
                || r.title.en.trim().is_empty()
                || r.text.zh.trim().is_empty()
                || r.text.en.trim().is_empty()
            {
                e.add(
                    &format!("rules[{i}]"),
                    "text",
                    "规则须有中英文标题和说明",
                    "A rule needs zh and en title and text",
                );
            }
            if r.source.document.trim().is_empty() {
                e.add(&format!("rules[{i}].source"), "required", "请注明规则来源", "Give the rule's source");
            }
        }
        for (name, l) in [
            ("cross_store.suitable", self.cross_store.suitable),
            ("cross_store.restricted", self.cross_store.restricted),
        ] {
            if !(0.0..=10.0).contains(&l.max_depth_m) || !(0.0..=10.0).contains(&l.min_clearance_m) {
                e.add(name, "range", "深度和通行宽度应在 0–10 米之间", "Depth and clearance must be 0–10 m");
            }
        }
        if self.cross_store.windows.is_empty() {
            e.add("cross_store.windows", "required", "请至少设置一个允许时段", "Set at least one allowed window");
        }
        if self.cross_store.max_frontage_m <= 0.0 || self.cross_store.max_days == 0 {
            e.add(
                "cross_store",
                "range",
                "最大门面长度和最长期限须大于 0",
                "Maximum frontage and duration must be above 0",
            );
        }
        if !(0.0..=5.0).contains(&self.cross_store.area_tolerance) {
            e.add(
                "cross_store.area_tolerance",
                "range",
                "所画面积允许偏差应在 0–500% 之间",
                "The tolerance on the area drawn must be 0–500 %",
            );
        }
        let p = &self.outdoor_promo;
        if p.max_event_days == 0
            || p.max_event_days_with_weekend < p.max_event_days
            || p.max_days_per_month == 0
            || p.max_days_per_month > 31
        {
            e.add("outdoor_promo", "range", "活动天数参数不合理", "Event-day limits are inconsistent");
        }
        if p.weekday_hours.start >= p.weekday_hours.end || p.other_day_hours.start >= p.other_day_hours.end {
            e.add("outdoor_promo.hours", "range", "开始时间须早于结束时间", "Start must be before end");
        }
        for f in self.supervision.validate() {
            e.push(f);
        }
        if self.review_working_days == 0
            || self.review_working_days > 60
            || self.stall_review_working_days == 0
            || self.stall_review_working_days > 60
        {
            e.add("review_working_days", "range", "承诺时限应为 1–60 个工作日", "Deadlines must be 1–60 working days");
        }
        e.0
    }
}
