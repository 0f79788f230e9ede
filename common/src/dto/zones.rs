use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::zone::{HoursWindow, StallState, ZoneKind, ZoneStatus};
use crate::{District, TradeCategory};

/// A zone as listed on the map and in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneSummary {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub district: District,
    pub kind: ZoneKind,
    pub status: ZoneStatus,
    pub address: String,
    /// Anchor point [lon, lat], WGS84.
    pub lon: f64,
    pub lat: f64,
    pub categories: Vec<TradeCategory>,
    pub hours: Vec<HoursWindow>,
    pub stalls_total: i64,
    pub stalls_free: i64,
    pub fee_yuan_month: i32,
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallCounts {
    pub free: i64,
    pub occupied: i64,
    pub reserved: i64,
    pub out_of_use: i64,
}

impl StallCounts {
    pub fn total(&self) -> i64 {
        self.free + self.occupied + self.reserved + self.out_of_use
    }
}

/// Everything about one zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneDetail {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub district: District,
    pub kind: ZoneKind,
    pub status: ZoneStatus,
    pub address: String,
    pub lon: f64,
    pub lat: f64,
    /// Outline: outer ring (counter-clockwise) then holes, [lon, lat] WGS84.
    pub geometry: Vec<Vec<[f64; 2]>>,
    pub hours: Vec<HoursWindow>,
    pub categories: Vec<TradeCategory>,
    /// Trades not allowed here, as plain text (e.g. 明火烧烤).
    pub banned: Vec<String>,
    pub stall_width_m: f64,
    pub stall_depth_m: f64,
    pub fee_yuan_month: i32,
    pub fee_note: String,
    pub managing_unit: String,
    pub contact_phone: String,
    /// Temporary meal points: the construction site served and its contractor.
    pub site_name: Option<String>,
    pub site_contractor: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub stalls: StallCounts,
    /// Increases on every change; send it back as `If-Match` when editing.
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallView {
    pub id: i64,
    pub number: String,
    pub category: TradeCategory,
    pub width_m: f64,
    pub depth_m: f64,
    pub state: StallState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneList {
    pub zones: Vec<ZoneSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}
