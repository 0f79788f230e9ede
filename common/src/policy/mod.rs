//! The policy engine for shops under 五豁免、十允许: what a shop may do with no paperwork
//! (`exempt`), with a filing that takes effect on receipt (`filed`), only with an officer's
//! approval (`needs_review`), or not at all (`rejected`) — and why, rule by rule.
//!
//! The rules are data (a versioned [`PolicyPack`] kept in `assets/policy/` and in the database);
//! this module only knows how to apply them. The browser runs [`evaluate`] as the form is filled
//! in; the server runs it again on submit and its answer is the one that counts.

mod engine;
mod input;
mod pack;
pub mod segments;
mod selfcheck;
pub mod supervision;

pub use engine::evaluate;
pub use input::{MAX_AREA_OFFSET_M, check_area_on_segment, effective_area};
pub use pack::{CrossStoreParams, OutdoorPromoParams, PolicyPack, Rule, RuleSource, StreetClassLimits, TimeWindow};
pub use selfcheck::{Choice, Question, SelfCheckAnswer, SelfCheckResult, questions, self_check};

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::Text;

/// How a street segment is classed for trading in front of shops (禁设区 / 限设区 / 宜设区).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StreetClass {
    Prohibited,
    Restricted,
    Suitable,
}

impl StreetClass {
    pub fn as_str(self) -> &'static str {
        match self {
            StreetClass::Prohibited => "prohibited",
            StreetClass::Restricted => "restricted",
            StreetClass::Suitable => "suitable",
        }
    }

    pub fn parse(s: &str) -> Option<StreetClass> {
        [StreetClass::Prohibited, StreetClass::Restricted, StreetClass::Suitable].into_iter().find(|c| c.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            StreetClass::Prohibited => "禁设区",
            StreetClass::Restricted => "限设区",
            StreetClass::Suitable => "宜设区",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            StreetClass::Prohibited => "Prohibited",
            StreetClass::Restricted => "Restricted",
            StreetClass::Suitable => "Suitable",
        }
    }
}

/// What a shop trades in front of its door (the Xiamen guideline names catering, clothing,
/// flowers and fruit, fresh food).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShopTrade {
    Catering,
    Clothing,
    FlowersFruit,
    FreshFood,
    Retail,
    Services,
}

impl ShopTrade {
    pub const ALL: [ShopTrade; 6] = [
        ShopTrade::Catering,
        ShopTrade::Clothing,
        ShopTrade::FlowersFruit,
        ShopTrade::FreshFood,
        ShopTrade::Retail,
        ShopTrade::Services,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShopTrade::Catering => "catering",
            ShopTrade::Clothing => "clothing",
            ShopTrade::FlowersFruit => "flowers_fruit",
            ShopTrade::FreshFood => "fresh_food",
            ShopTrade::Retail => "retail",
            ShopTrade::Services => "services",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ShopTrade::Catering => "餐饮",
            ShopTrade::Clothing => "服装",
            ShopTrade::FlowersFruit => "鲜花水果",
            ShopTrade::FreshFood => "生鲜食品",
            ShopTrade::Retail => "其他零售",
            ShopTrade::Services => "生活服务",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ShopTrade::Catering => "Catering",
            ShopTrade::Clothing => "Clothing",
            ShopTrade::FlowersFruit => "Flowers and fruit",
            ShopTrade::FreshFood => "Fresh food",
            ShopTrade::Retail => "Other retail",
            ShopTrade::Services => "Services",
        }
    }
}

/// A cross-storefront trading filing (跨店经营): the area in front of the door and how it is used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossStoreFiling {
    pub segment_id: i64,
    pub shop_name: String,
    pub address: String,
    pub trade: ShopTrade,
    /// Along the shop front, metres.
    pub frontage_m: f64,
    /// Out from the wall, metres.
    pub depth_m: f64,
    /// The area drawn on the map (closed ring, [lon, lat] WGS84); optional when frontage × depth is given.
    #[serde(default)]
    pub area: Option<Vec<[f64; 2]>>,
    pub windows: Vec<TimeWindow>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The shop takes on 门前三包 (clean, green, orderly in front of the door).
    pub frontage_duties: bool,
}

/// An outdoor promotion filing (外摆促销) at a venue on the organiser's own land.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutdoorPromoFiling {
    pub venue_name: String,
    pub address: String,
    pub district: crate::District,
    /// Where the event stands ([lon, lat]), for the map and the officer.
    pub location: [f64; 2],
    /// Own-land (红线内) area used, m².
    pub area_m2: f64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub daily_start: NaiveTime,
    pub daily_end: NaiveTime,
    pub expected_visitors: u32,
    pub description: String,
    pub no_loudspeakers: bool,
    pub fire_lanes_clear: bool,
    pub no_cooking: bool,
    /// Temporary ads (roll-up banners, flags) and when they come down.
    #[serde(default)]
    pub temporary_ads: u32,
    #[serde(default)]
    pub ads_removed_by: Option<NaiveDate>,
}

/// What the engine evaluates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PolicyApplication {
    CrossStore(CrossStoreFiling),
    OutdoorPromo(OutdoorPromoFiling),
}

/// A street segment as the engine needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentFacts {
    pub id: i64,
    pub name: String,
    pub class: StreetClass,
    pub sidewalk_m: f64,
    pub district: crate::District,
    /// Homes or other noise-sensitive buildings face it (later evening limits apply).
    #[serde(default)]
    pub near_homes: bool,
}

/// Facts from outside the application that some rules need. The server fills them from the
/// database; the browser from what it has loaded (the server's answer is the one that counts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalContext {
    pub today: Option<NaiveDate>,
    pub segment: Option<SegmentFacts>,
    /// Areas of other active cross-storefront filings near this one.
    #[serde(default)]
    pub other_extensions: Vec<Vec<[f64; 2]>>,
    /// Outlines of vending zones near this one.
    #[serde(default)]
    pub vending_zones: Vec<Vec<[f64; 2]>>,
    /// Other promotions at the same venue: (first day, last day).
    #[serde(default)]
    pub venue_events: Vec<(NaiveDate, NaiveDate)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing to file.
    Exempt,
    /// Takes effect on receipt; checked afterwards.
    Filed,
    /// Needs an officer's decision.
    NeedsReview,
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Exempt => "exempt",
            Outcome::Filed => "filed",
            Outcome::NeedsReview => "needs_review",
            Outcome::Rejected => "rejected",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Outcome::Exempt => "无需办理",
            Outcome::Filed => "备案即生效",
            Outcome::NeedsReview => "需审核",
            Outcome::Rejected => "不予办理",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Outcome::Exempt => "Nothing to file",
            Outcome::Filed => "Filed, effective on receipt",
            Outcome::NeedsReview => "Needs an officer's review",
            Outcome::Rejected => "Not allowed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Pass,
    Fail,
    /// Cannot be decided by rule; an officer looks at it.
    ForOfficer,
}

/// One rule as applied to one application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleResult {
    pub rule_id: String,
    pub clause: String,
    pub check: Check,
    /// Why, with the numbers (e.g. "外摆深度 2.0 米，超过限设区上限 1.0 米").
    pub message: Text,
    /// The form field it is about, for showing the reason beside it.
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub outcome: Outcome,
    pub pack_version: u32,
    pub results: Vec<RuleResult>,
}

impl Evaluation {
    pub fn failures(&self) -> impl Iterator<Item = &RuleResult> {
        self.results.iter().filter(|r| r.check == Check::Fail)
    }
}
