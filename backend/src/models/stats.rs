use std::collections::HashMap;

use common::District;
use common::dto::stats::{DistrictFigures, Overview};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{stalls, zones};

/// Zones and stalls per district, counting active zones only.
pub fn overview(conn: &mut DbConn) -> QueryResult<Overview> {
    let zone_counts: HashMap<String, i64> = zones::table
        .filter(zones::status.eq("active"))
        .group_by(zones::district_code)
        .select((zones::district_code, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    // Free stalls: state 'free'; all stalls: any state (the filter matches every state).
    let stall_counts = |conn: &mut DbConn, states: &[&str]| -> QueryResult<HashMap<String, i64>> {
        Ok(stalls::table
            .inner_join(zones::table)
            .filter(zones::status.eq("active").and(stalls::state.eq_any(states)))
            .group_by(zones::district_code)
            .select((zones::district_code, count_star()))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect())
    };
    let all = stall_counts(conn, &["free", "occupied", "reserved", "out_of_use"])?;
    let free = stall_counts(conn, &["free"])?;
    let temporary_zones =
        zones::table.filter(zones::status.eq("active").and(zones::kind.eq("temporary"))).count().get_result(conn)?;
    let districts: Vec<DistrictFigures> = District::ALL
        .into_iter()
        .map(|d| DistrictFigures {
            district: d,
            name_zh: d.name_zh().into(),
            name_en: d.name_en().into(),
            zones: zone_counts.get(d.code()).copied().unwrap_or(0),
            stalls: all.get(d.code()).copied().unwrap_or(0),
            free_stalls: free.get(d.code()).copied().unwrap_or(0),
        })
        .collect();
    let demo_data = crate::models::setting::get(conn, "demo_seeded")?.is_some();
    Ok(Overview {
        demo_data,
        zones: districts.iter().map(|d| d.zones).sum(),
        stalls: districts.iter().map(|d| d.stalls).sum(),
        free_stalls: districts.iter().map(|d| d.free_stalls).sum(),
        temporary_zones,
        districts,
    })
}
