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
            stalls_free_by_category: counts.free_by_category.clone(),
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

use std::collections::HashMap;

use crate::db::schema::{data_versions, sensitive_sites};

/// Stall counts per zone, from one grouped query.
pub fn stall_counts(conn: &mut DbConn, zone_ids: Option<&[i64]>) -> QueryResult<HashMap<i64, StallCounts>> {
    let mut q = stalls::table
        .group_by((stalls::zone_id, stalls::state, stalls::category))
        .select((stalls::zone_id, stalls::state, stalls::category, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(ids) = zone_ids {
        q = q.filter(stalls::zone_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(i64, String, String, i64)> = q.load(conn)?;
    let mut out: HashMap<i64, StallCounts> = HashMap::new();
    for (zone, state, category, n) in rows {
        let c = out.entry(zone).or_default();
        let category = TradeCategory::parse(&category).unwrap_or(TradeCategory::DailyGoods);
        match StallState::parse(&state) {
            Some(StallState::Free) => {
                c.free += n;
                *c.free_by_category.entry(category).or_default() += n;
            }
            Some(StallState::Occupied) => c.occupied += n,
            Some(StallState::Reserved) => c.reserved += n,
            Some(StallState::OutOfUse) | None => c.out_of_use += n,
        }
    }
    Ok(out)
}

impl Zone {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Zone> {
        zones::table.find(id).get_result(conn)
    }

    pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Zone>> {
        zones::table.filter(zones::code.eq(code)).get_result(conn).optional()
    }

    /// Zones with the given statuses (all when empty), ordered by code, with their stall counts.
    pub fn list_with_counts(
        conn: &mut DbConn,
        statuses: &[&str],
        district: Option<District>,
    ) -> QueryResult<Vec<(Zone, StallCounts)>> {
        let mut q = zones::table.order(zones::code.asc()).into_boxed();
        if !statuses.is_empty() {
            q = q.filter(zones::status.eq_any(statuses.to_vec()));
        }
        if let Some(d) = district {
            q = q.filter(zones::district_code.eq(d.code()));
        }
        let zs: Vec<Zone> = q.load(conn)?;
        let counts = stall_counts(conn, None)?;
        Ok(zs
            .into_iter()
            .map(|z| {
                let c = counts.get(&z.id).cloned().unwrap_or_default();
                (z, c)
            })
            .collect())
    }

    pub fn counts(&self, conn: &mut DbConn) -> QueryResult<StallCounts> {
        Ok(stall_counts(conn, Some(&[self.id]))?.remove(&self.id).unwrap_or_default())
    }

    /// The zone as an editable input (for export and edit forms).
    pub fn to_input(&self) -> common::zone::ZoneInput {
        common::zone::ZoneInput {
            code: self.code.clone(),
            name: self.name.clone(),
            district: self.district(),
            address: self.address.clone(),
            kind: self.kind(),
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
        }
    }
}

impl ZoneRow {
    /// The row for an input (times set by the caller).
    pub fn from_input(z: &common::zone::ZoneInput, status: ZoneStatus, now: NaiveDateTime) -> ZoneRow {
        let anchor = z.anchor();
        ZoneRow {
            code: z.code.clone(),
            name: z.name.clone(),
            district_code: z.district.code().into(),
            address: z.address.clone(),
            kind: z.kind.as_str().into(),
            status: status.as_str().into(),
            lon: anchor[0],
            lat: anchor[1],
            geometry: serde_json::to_string(&z.geometry).unwrap_or_default(),
            hours: serde_json::to_string(&z.hours).unwrap_or_default(),
            categories: serde_json::to_string(&z.categories).unwrap_or_default(),
            banned: serde_json::to_string(&z.banned).unwrap_or_default(),
            stall_width_m: z.stall_width_m,
            stall_depth_m: z.stall_depth_m,
            fee_yuan_month: z.fee_yuan_month,
            fee_note: z.fee_note.clone(),
            managing_unit: z.managing_unit.clone(),
            contact_phone: z.contact_phone.clone(),
            site_name: z.site_name.clone(),
            site_contractor: z.site_contractor.clone(),
            valid_from: z.valid_from,
            valid_until: z.valid_until,
            created_at: now,
            updated_at: now,
        }
    }
}

impl Stall {
    pub fn for_zone(conn: &mut DbConn, zone_id: i64) -> QueryResult<Vec<Stall>> {
        stalls::table.filter(stalls::zone_id.eq(zone_id)).order(stalls::number.asc()).load(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Stall> {
        stalls::table.find(id).get_result(conn)
    }
}

/// Marks zone data as changed: call in the same transaction as any zone or stall write.
pub fn bump_version(conn: &mut DbConn) -> QueryResult<()> {
    diesel::update(data_versions::table.find("zones"))
        .set(data_versions::version.eq(data_versions::version + 1))
        .execute(conn)?;
    Ok(())
}

pub fn current_version(conn: &mut DbConn) -> QueryResult<i64> {
    data_versions::table.find("zones").select(data_versions::version).get_result(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct SensitiveSite {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub district_code: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub buffer_m: f64,
    pub created_at: NaiveDateTime,
}

impl SensitiveSite {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<SensitiveSite>> {
        sensitive_sites::table.order(sensitive_sites::id.asc()).load(conn)
    }

    pub fn insert(
        conn: &mut DbConn,
        name: &str,
        kind: &str,
        district: Option<&str>,
        p: [f64; 2],
        buffer_m: f64,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::insert_into(sensitive_sites::table)
            .values((
                sensitive_sites::name.eq(name),
                sensitive_sites::kind.eq(kind),
                sensitive_sites::district_code.eq(district),
                sensitive_sites::lon.eq(p[0]),
                sensitive_sites::lat.eq(p[1]),
                sensitive_sites::buffer_m.eq(buffer_m),
                sensitive_sites::created_at.eq(now),
            ))
            .execute(conn)
    }
}
