use std::collections::BTreeMap;

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
    /// Free stalls of each trade (only trades with a stall in the zone appear).
    #[serde(default)]
    pub stalls_free_by_category: BTreeMap<TradeCategory, i64>,
    pub fee_yuan_month: i32,
    pub valid_until: Option<NaiveDate>,
}

impl ZoneSummary {
    /// A feature of the public zones GeoJSON (`/api/v1/public/zones.geojson`) read back: the map
    /// loads every zone from that one cached file rather than from pages of the list.
    pub fn from_feature(f: &serde_json::Value) -> Option<ZoneSummary> {
        let p = f.get("properties")?;
        let anchor = p.get("anchor")?.as_array()?;
        fn value<T: serde::de::DeserializeOwned>(p: &serde_json::Value, k: &str) -> Option<T> {
            serde_json::from_value(p.get(k)?.clone()).ok()
        }
        Some(ZoneSummary {
            id: p.get("zone_id")?.as_i64()?,
            code: p.get("code")?.as_str()?.to_string(),
            name: p.get("name")?.as_str()?.to_string(),
            district: District::from_code(p.get("district_code")?.as_str()?)?,
            kind: value(p, "kind")?,
            status: value(p, "status")?,
            address: p.get("address").and_then(|a| a.as_str()).unwrap_or_default().to_string(),
            lon: anchor.first()?.as_f64()?,
            lat: anchor.get(1)?.as_f64()?,
            categories: value(p, "categories")?,
            hours: value(p, "hours")?,
            stalls_total: p.get("stalls_total")?.as_i64()?,
            stalls_free: p.get("stalls_free")?.as_i64()?,
            stalls_free_by_category: value(p, "stalls_free_by_category").unwrap_or_default(),
            fee_yuan_month: p.get("fee_yuan_month").and_then(|v| v.as_i64()).unwrap_or(0) as i32,
            valid_until: value(p, "valid_until").flatten(),
        })
    }

    /// Free stalls an applicant of this trade can get; all free stalls when no trade is given.
    pub fn free_for(&self, category: Option<TradeCategory>) -> i64 {
        match category {
            Some(c) => self.stalls_free_by_category.get(&c).copied().unwrap_or(0),
            None => self.stalls_free,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallCounts {
    pub free: i64,
    pub occupied: i64,
    pub reserved: i64,
    pub out_of_use: i64,
    /// Free stalls by trade: what an applicant of that trade can actually get.
    #[serde(default)]
    pub free_by_category: BTreeMap<TradeCategory, i64>,
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
    /// Zones matching the filter, on all pages.
    pub total: i64,
    /// The page number asked for; 0 when paging by cursor.
    pub page: i64,
    pub per_page: i64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// A sensitive site (school, hospital, metro exit) closer to a zone than its buffer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SitingWarning {
    pub site_name: String,
    pub kind: String,
    pub distance_m: f64,
    pub buffer_m: f64,
}

impl SitingWarning {
    pub fn message_zh(&self) -> String {
        format!("距{}仅 {:.0} 米（应不少于 {:.0} 米）", self.site_name, self.distance_m, self.buffer_m)
    }

    pub fn message_en(&self) -> String {
        format!("Only {:.0} m from {} (should be at least {:.0} m)", self.distance_m, self.site_name, self.buffer_m)
    }
}

/// The answer to creating or editing a zone: the zone and any siting warnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneSaved {
    pub zone: ZoneDetail,
    pub warnings: Vec<SitingWarning>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SitingCheck {
    pub geometry: Vec<Vec<[f64; 2]>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneStatusChange {
    pub status: crate::zone::ZoneStatus,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallStateChange {
    /// Only `free` and `out_of_use` can be set by hand; occupancy comes from allocation.
    pub state: StallState,
    #[serde(default)]
    pub reason: String,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub dry_run: bool,
    pub features: usize,
    pub valid: usize,
    pub imported: usize,
    pub problems: Vec<crate::zone_import::ImportProblem>,
    pub warnings: Vec<ImportWarning>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportWarning {
    pub zone_code: String,
    pub warning: SitingWarning,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SensitiveSiteView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub lon: f64,
    pub lat: f64,
    pub buffer_m: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateZoneRequest {
    pub zone: crate::zone::ZoneInput,
    pub layout: crate::zone::StallLayout,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateZoneRequest {
    /// The `version` the editor started from; a newer one means someone else changed the zone.
    pub version: i32,
    pub zone: crate::zone::ZoneInput,
}
