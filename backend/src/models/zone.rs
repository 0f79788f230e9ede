//! Zones and stalls.

use chrono::{NaiveDate, NaiveDateTime};
use common::dto::zones::{StallCounts, StallView, ZoneDetail, ZoneSummary};
use common::zone::{HoursWindow, StallState, ZoneKind, ZoneStatus};
use common::{District, TradeCategory};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{stalls, zones};

/// A row of `zones`; field order follows the table. JSON columns stay text here and are parsed
/// into typed values at the edge (`to_detail`).
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = zones)]
pub struct Zone {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub address: String,
    pub kind: String,
    pub status: String,
    pub lon: f64,
    pub lat: f64,
    pub geometry: String,
    pub hours: String,
    pub categories: String,
    pub banned: String,
    pub stall_width_m: f64,
    pub stall_depth_m: f64,
    pub fee_yuan_month: i32,
    pub fee_note: String,
    pub managing_unit: String,
    pub contact_phone: String,
    pub site_name: Option<String>,
    pub site_contractor: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = zones)]
pub struct ZoneRow {
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub address: String,
    pub kind: String,
    pub status: String,
    pub lon: f64,
    pub lat: f64,
    pub geometry: String,
    pub hours: String,
    pub categories: String,
    pub banned: String,
    pub stall_width_m: f64,
    pub stall_depth_m: f64,
    pub fee_yuan_month: i32,
    pub fee_note: String,
    pub managing_unit: String,
    pub contact_phone: String,
    pub site_name: Option<String>,
    pub site_contractor: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = stalls)]
pub struct Stall {
    pub id: i64,
    pub zone_id: i64,
    pub number: String,
    pub category: String,
    pub width_m: f64,
    pub depth_m: f64,
    pub state: String,
    pub holder_id: Option<i64>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = stalls)]
pub struct NewStall {
    pub zone_id: i64,
    pub number: String,
    pub category: String,
    pub width_m: f64,
    pub depth_m: f64,
    pub state: String,
    pub holder_id: Option<i64>,
    pub updated_at: NaiveDateTime,
}

fn json_or_default<T: serde::de::DeserializeOwned + Default>(s: &str) -> T {
    serde_json::from_str(s).unwrap_or_default()
}

impl ZoneRow {
    pub fn insert(&self, conn: &mut DbConn) -> QueryResult<i64> {
        diesel::insert_into(zones::table).values(self).returning(zones::id).get_result(conn)
    }
}

impl NewStall {
    pub fn insert_all(conn: &mut DbConn, rows: &[NewStall]) -> QueryResult<usize> {
        let mut n = 0;
        for r in rows {
            n += diesel::insert_into(stalls::table).values(r).execute(conn)?;
        }
        Ok(n)
    }
}

impl Zone {
    pub fn district(&self) -> District {
        District::from_code(&self.district_code).unwrap_or(District::Siming)
    }

    pub fn kind(&self) -> ZoneKind {
        ZoneKind::parse(&self.kind).unwrap_or(ZoneKind::Permanent)
    }

    pub fn status(&self) -> ZoneStatus {
        ZoneStatus::parse(&self.status).unwrap_or(ZoneStatus::Closed)
    }

    pub fn hours(&self) -> Vec<HoursWindow> {
        json_or_default(&self.hours)
    }

    pub fn categories(&self) -> Vec<TradeCategory> {
        json_or_default(&self.categories)
    }

    pub fn geometry(&self) -> Vec<Vec<[f64; 2]>> {
        json_or_default(&self.geometry)
    }

    pub fn to_summary(&self, counts: StallCounts) -> ZoneSummary {
        ZoneSummary {
            id: self.id,
            code: self.code.clone(),
            name: self.name.clone(),
            district: self.district(),
            kind: self.kind(),
            status: self.status(),
            address: self.address.clone(),
            lon: self.lon,
            lat: self.lat,
            categories: self.categories(),
            hours: self.hours(),
            stalls_total: counts.total(),
            stalls_free: counts.free,
            fee_yuan_month: self.fee_yuan_month,
            valid_until: self.valid_until,
        }
    }

    pub fn to_detail(&self, counts: StallCounts) -> ZoneDetail {
        ZoneDetail {
            id: self.id,
            code: self.code.clone(),
            name: self.name.clone(),
            district: self.district(),
            kind: self.kind(),
            status: self.status(),
            address: self.address.clone(),
            lon: self.lon,
            lat: self.lat,
            geometry: self.geometry(),
            hours: self.hours(),
            categories: self.categories(),
            banned: json_or_default(&self.banned),
            stall_width_m: self.stall_width_m,
            stall_depth_m: self.stall_depth_m,
            fee_yuan_month: self.fee_yuan_month,
            fee_note: self.fee_note.clone(),
            managing_unit: self.managing_unit.clone(),
            contact_phone: self.contact_phone.clone(),
            site_name: self.site_name.clone(),
            site_contractor: self.site_contractor.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            stalls: counts,
            version: self.version,
            updated_at: self.updated_at,
        }
    }
}

impl Stall {
    pub fn to_view(&self) -> StallView {
        StallView {
            id: self.id,
            number: self.number.clone(),
            category: TradeCategory::parse(&self.category).unwrap_or(TradeCategory::DailyGoods),
            width_m: self.width_m,
            depth_m: self.depth_m,
            state: StallState::parse(&self.state).unwrap_or(StallState::OutOfUse),
        }
    }
}

pub fn count_zones(conn: &mut DbConn) -> QueryResult<i64> {
    zones::table.count().get_result(conn)
}
