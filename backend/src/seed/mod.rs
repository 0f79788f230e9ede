//! Demo data (only ever written by `seed-demo` or `serve --demo`, never by a production start)
//! and the first admin account.

mod accounts;
pub mod segments;
pub mod zones;

use serde_json::json;

use crate::app::AppState;
use crate::clock::now;
use crate::error::AppResult;
use crate::models::zone::{NewStall, ZoneRow, count_zones};
use crate::models::{audit, setting};

pub use accounts::{DEMO_LOGINS, create_admin};

/// Fills an empty database with the demo data. Returns a report, or `None` when the database
/// already holds zones and demo accounts (so a second start changes nothing).
pub async fn seed_demo(state: &AppState) -> AppResult<Option<String>> {
    let has_accounts = state.db.run(accounts::demo_accounts_exist).await?;
    let mut report = Vec::new();
    if !has_accounts {
        let n = accounts::seed_accounts(state).await?;
        report.push(format!("demo accounts: {n}"));
    }
    let has_zones = state.db.run(|c| Ok(count_zones(c)? > 0)).await?;
    if !has_zones {
        let (z, s) = seed_zones(state).await?;
        state.zone_cache.invalidate();
        report.push(format!("demo zones: {z}, stalls: {s}"));
    }
    let has_segments = state.db.run(|c| Ok(crate::models::segment::Segment::count(c)? > 0)).await?;
    if !has_segments {
        let n = seed_segments(state).await?;
        report.push(format!("demo street segments: {n}"));
    }
    if report.is_empty() { Ok(None) } else { Ok(Some(report.join("\n"))) }
}

async fn seed_segments(state: &AppState) -> AppResult<usize> {
    let segs = segments::generate();
    state
        .db
        .write(move |c| {
            let t = now();
            for s in &segs {
                crate::models::segment::Segment::insert(
                    c,
                    &s.name,
                    s.district,
                    &s.road_class,
                    s.class,
                    s.sidewalk_m,
                    s.near_homes,
                    &s.line,
                    &s.note,
                    t,
                )?;
            }
            audit::record(
                c,
                t,
                None,
                "segments.demo_seeded",
                "layer",
                "street_segments",
                json!({ "count": segs.len() }),
            )?;
            Ok(segs.len())
        })
        .await
}

async fn seed_zones(state: &AppState) -> AppResult<(usize, usize)> {
    let demo =
        tokio::task::spawn_blocking(zones::generate).await.map_err(|e| crate::error::AppError::Internal(e.into()))?;
    state
        .db
        .write(move |c| {
            let t = now();
            let mut stall_total = 0;
            for z in &demo {
                let row = ZoneRow {
                    code: z.code.clone(),
                    name: z.name.clone(),
                    district_code: z.district.code().into(),
                    address: z.address.clone(),
                    kind: z.kind.as_str().into(),
                    status: "active".into(),
                    lon: z.anchor[0],
                    lat: z.anchor[1],
                    geometry: serde_json::to_string(&vec![z.ring.clone()]).unwrap_or_default(),
                    hours: serde_json::to_string(&z.hours).unwrap_or_default(),
                    categories: serde_json::to_string(&z.categories).unwrap_or_default(),
                    banned: serde_json::to_string(&z.banned).unwrap_or_default(),
                    stall_width_m: z.stall_w,
                    stall_depth_m: z.stall_d,
                    fee_yuan_month: z.fee,
                    fee_note: z.fee_note.clone(),
                    managing_unit: z.managing_unit.clone(),
                    contact_phone: "12345".into(),
                    site_name: z.site.as_ref().map(|s| s.0.clone()),
                    site_contractor: z.site.as_ref().map(|s| s.1.clone()),
                    valid_from: z.valid.map(|v| v.0),
                    valid_until: z.valid.map(|v| v.1),
                    created_at: t,
                    updated_at: t,
                };
                let id = row.insert(c)?;
                let stalls: Vec<NewStall> = z
                    .stalls
                    .iter()
                    .map(|(number, cat, st)| NewStall {
                        zone_id: id,
                        number: number.clone(),
                        category: cat.as_str().into(),
                        width_m: z.stall_w,
                        depth_m: z.stall_d,
                        state: (*st).into(),
                        holder_id: None,
                        updated_at: t,
                    })
                    .collect();
                stall_total += NewStall::insert_all(c, &stalls)?;
                audit::record(
                    c,
                    t,
                    None,
                    "zone.demo_seeded",
                    "zone",
                    &id.to_string(),
                    json!({ "code": z.code, "stalls": stalls.len() }),
                )?;
            }
            setting::get_or_insert(c, "demo_seeded", &t.to_string())?;
            Ok((demo.len(), stall_total))
        })
        .await
}
