//! Zone administration: create, edit, status, stall layout, stall state, import, siting checks.
//! Every change bumps the zone data version and writes an audit record in the same transaction.

use std::collections::{HashMap, HashSet};

use common::dto::zones::{
    CreateZoneRequest, ImportReport, ImportWarning, SitingWarning, StallStateChange, UpdateZoneRequest, ZoneSaved,
    ZoneStatusChange,
};
use common::geo;
use common::zone::{StallLayout, StallState, ZoneKind, ZoneStatus};
use common::zone_import::{ImportProblem, parse_zone_collection};
use common::{Role, Text};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{stalls, zones};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::zone::{NewStall, SensitiveSite, Stall, Zone, ZoneRow, bump_version};

fn admin_only(actor: &Actor) -> AppResult<()> {
    actor.require(&[Role::CityAdmin])
}

/// Sites closer to the zone outline than their buffer, nearest first.
pub fn siting_warnings(sites: &[SensitiveSite], geometry: &[Vec<[f64; 2]>]) -> Vec<SitingWarning> {
    if geometry.first().is_none_or(|r| r.len() < 4) {
        return Vec::new();
    }
    let mut out: Vec<SitingWarning> = sites
        .iter()
        .filter_map(|s| {
            let d = geo::distance_point_polygon_m([s.lon, s.lat], geometry);
            (d < s.buffer_m).then(|| SitingWarning {
                site_name: s.name.clone(),
                kind: s.kind.clone(),
                distance_m: (d * 10.0).round() / 10.0,
                buffer_m: s.buffer_m,
            })
        })
        .collect();
    out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    out
}

fn insert_stalls(c: &mut DbConn, zone_id: i64, layout: &StallLayout) -> AppResult<usize> {
    let t = now();
    let rows: Vec<NewStall> = layout
        .stalls()
        .into_iter()
        .map(|(number, cat, w, d)| NewStall {
            zone_id,
            number,
            category: cat.as_str().into(),
            width_m: w,
            depth_m: d,
            state: StallState::Free.as_str().into(),
            holder_id: None,
            updated_at: t,
        })
        .collect();
    Ok(NewStall::insert_all(c, &rows)?)
}

fn code_taken(c: &mut DbConn, code: &str, except: Option<i64>) -> AppResult<bool> {
    Ok(Zone::find_by_code(c, code)?.is_some_and(|z| Some(z.id) != except))
}

fn detail(c: &mut DbConn, id: i64) -> AppResult<common::dto::zones::ZoneDetail> {
    let z = Zone::find(c, id)?;
    let counts = z.counts(c)?;
    Ok(z.to_detail(counts))
}

/// Runs a zone write and marks the public zone cache dirty once it has committed.
async fn zone_write<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let r = app.db.write(f).await;
    app.zone_cache.invalidate();
    r
}

pub async fn create(app: &App, actor: &Actor, mut req: CreateZoneRequest) -> AppResult<ZoneSaved> {
    admin_only(actor)?;
    req.zone.normalise();
    let mut errors = req.zone.validate();
    errors.extend(req.layout.validate().into_iter().map(|mut e| {
        e.field = format!("layout.{}", e.field);
        e
    }));
    AppError::check(errors)?;
    let by = actor.user_id;
    zone_write(app, move |c| {
        if code_taken(c, &req.zone.code, None)? {
            return Err(AppError::field("code", "taken", "该编号已被其他摊规点使用", "Another zone has this code"));
        }
        let t = now();
        let id = ZoneRow::from_input(&req.zone, ZoneStatus::Active, t).insert(c)?;
        let n = insert_stalls(c, id, &req.layout)?;
        bump_version(c)?;
        audit::record(
            c,
            t,
            Some(by),
            "zone.created",
            "zone",
            &id.to_string(),
            json!({ "code": req.zone.code, "stalls": n }),
        )?;
        let warnings = siting_warnings(&SensitiveSite::all(c)?, &req.zone.geometry);
        Ok(ZoneSaved { zone: detail(c, id)?, warnings })
    })
    .await
}

pub async fn update(app: &App, actor: &Actor, id: i64, mut req: UpdateZoneRequest) -> AppResult<ZoneSaved> {
    admin_only(actor)?;
    req.zone.normalise();
    AppError::check(req.zone.validate())?;
    let by = actor.user_id;
    zone_write(app, move |c| {
        let old = Zone::find(c, id)?;
        if old.version != req.version {
            return Err(AppError::PreconditionFailed);
        }
        if code_taken(c, &req.zone.code, Some(id))? {
            return Err(AppError::field("code", "taken", "该编号已被其他摊规点使用", "Another zone has this code"));
        }
        let t = now();
        let mut row = ZoneRow::from_input(&req.zone, old.status(), t);
        row.created_at = old.created_at;
        let n = diesel::update(zones::table.find(id).filter(zones::version.eq(req.version)))
            .set((&row, zones::version.eq(zones::version + 1)))
            .execute(c)?;
        if n == 0 {
            return Err(AppError::PreconditionFailed);
        }
        bump_version(c)?;
        let moved = old.geometry() != req.zone.geometry;
        audit::record(
            c,
            t,
            Some(by),
            "zone.updated",
            "zone",
            &id.to_string(),
            json!({ "code": req.zone.code, "moved": moved, "from_version": req.version }),
        )?;
        let warnings = siting_warnings(&SensitiveSite::all(c)?, &req.zone.geometry);
        Ok(ZoneSaved { zone: detail(c, id)?, warnings })
    })
    .await
}

pub async fn set_status(
    app: &App,
    actor: &Actor,
    id: i64,
    req: ZoneStatusChange,
) -> AppResult<common::dto::zones::ZoneDetail> {
    admin_only(actor)?;
    if req.status != ZoneStatus::Active && req.reason.trim().is_empty() {
        return Err(AppError::field(
            "reason",
            "required",
            "暂停或关闭须说明原因",
            "Give a reason for suspending or closing",
        ));
    }
    if req.reason.chars().count() > 500 {
        return Err(AppError::field("reason", "too_long", "原因最多 500 字", "Reason: at most 500 characters"));
    }
    let by = actor.user_id;
    zone_write(app, move |c| {
        let z = Zone::find(c, id)?;
        if z.status() == req.status {
            return detail(c, id);
        }
        let t = now();
        diesel::update(zones::table.find(id))
            .set((
                zones::status.eq(req.status.as_str()),
                zones::version.eq(zones::version + 1),
                zones::updated_at.eq(t),
            ))
            .execute(c)?;
        bump_version(c)?;
        audit::record(
            c,
            t,
            Some(by),
            "zone.status_changed",
            "zone",
            &id.to_string(),
            json!({ "from": z.status, "to": req.status.as_str(), "reason": req.reason.trim() }),
        )?;
        if req.status == ZoneStatus::Closed {
            let reason = Text::new(req.reason.trim(), req.reason.trim());
            crate::services::permits::end_zone_permits(c, id, &reason, Some(by))?;
        }
        detail(c, id)
    })
    .await
}

/// Replaces the stall layout. Stalls keeping their number keep their state (sizes and category
/// follow the layout); new numbers are added free; a number can only be dropped when its stall is
/// free or out of use.
pub async fn set_layout(app: &App, actor: &Actor, id: i64, layout: StallLayout) -> AppResult<Vec<Stall>> {
    admin_only(actor)?;
    AppError::check(layout.validate())?;
    let by = actor.user_id;
    zone_write(app, move |c| {
        Zone::find(c, id)?;
        let existing = Stall::for_zone(c, id)?;
        let wanted: HashMap<String, (common::TradeCategory, f64, f64)> =
            layout.stalls().into_iter().map(|(n, cat, w, d)| (n, (cat, w, d))).collect();
        let blocked: Vec<String> = existing
            .iter()
            .filter(|s| !wanted.contains_key(&s.number) && matches!(s.state.as_str(), "occupied" | "reserved"))
            .map(|s| s.number.clone())
            .collect();
        if !blocked.is_empty() {
            return Err(AppError::conflict(
                "stalls-in-use",
                format!("以下摊位正在使用或已预留，不能删除：{}", blocked.join("、")),
                format!("These stalls are in use or reserved and cannot be removed: {}", blocked.join(", ")),
            ));
        }
        let t = now();
        let have: HashSet<String> = existing.iter().map(|s| s.number.clone()).collect();
        let (mut added, mut removed, mut changed) = (0, 0, 0);
        for s in &existing {
            match wanted.get(&s.number) {
                None => {
                    diesel::delete(stalls::table.find(s.id)).execute(c)?;
                    removed += 1;
                }
                Some((cat, w, d)) => {
                    if s.category != cat.as_str() || s.width_m != *w || s.depth_m != *d {
                        diesel::update(stalls::table.find(s.id))
                            .set((
                                stalls::category.eq(cat.as_str()),
                                stalls::width_m.eq(w),
                                stalls::depth_m.eq(d),
                                stalls::updated_at.eq(t),
                            ))
                            .execute(c)?;
                        changed += 1;
                    }
                }
            }
        }
        let new: Vec<NewStall> = layout
            .stalls()
            .into_iter()
            .filter(|(n, ..)| !have.contains(n))
            .map(|(number, cat, w, d)| NewStall {
                zone_id: id,
                number,
                category: cat.as_str().into(),
                width_m: w,
                depth_m: d,
                state: StallState::Free.as_str().into(),
                holder_id: None,
                updated_at: t,
            })
            .collect();
        added += NewStall::insert_all(c, &new)?;
        diesel::update(zones::table.find(id))
            .set((zones::version.eq(zones::version + 1), zones::updated_at.eq(t)))
            .execute(c)?;
        bump_version(c)?;
        audit::record(
            c,
            t,
            Some(by),
            "zone.layout_changed",
            "zone",
            &id.to_string(),
            json!({ "added": added, "removed": removed, "changed": changed }),
        )?;
        Ok(Stall::for_zone(c, id)?)
    })
    .await
}

/// Marks a stall out of use or back in use. Occupied and reserved stalls change only through
/// allocation, surrender or revocation.
pub async fn set_stall_state(app: &App, actor: &Actor, stall_id: i64, req: StallStateChange) -> AppResult<Stall> {
    admin_only(actor)?;
    if !matches!(req.state, StallState::Free | StallState::OutOfUse) {
        return Err(AppError::field(
            "state",
            "not_settable",
            "只能设为空闲或停用；占用和预留由分配流程决定",
            "Only free or out_of_use can be set by hand; occupancy comes from allocation",
        ));
    }
    let by = actor.user_id;
    zone_write(app, move |c| {
        let s = Stall::find(c, stall_id)?;
        if matches!(s.state.as_str(), "occupied" | "reserved") {
            return Err(AppError::conflict(
                "stall-in-use",
                "该摊位正在使用或已预留，不能直接修改",
                "The stall is in use or reserved and cannot be changed here",
            ));
        }
        let t = now();
        diesel::update(stalls::table.find(stall_id))
            .set((stalls::state.eq(req.state.as_str()), stalls::updated_at.eq(t)))
            .execute(c)?;
        bump_version(c)?;
        audit::record(
            c,
            t,
            Some(by),
            "stall.state_changed",
            "zone",
            &s.zone_id.to_string(),
            json!({ "stall": s.number, "from": s.state, "to": req.state.as_str(), "reason": req.reason }),
        )?;
        Ok(Stall::find(c, stall_id)?)
    })
    .await
}

/// Checks a GeoJSON file and, unless `dry_run`, imports it, all or nothing.
pub async fn import(app: &App, actor: &Actor, text: String, dry_run: bool) -> AppResult<ImportReport> {
    admin_only(actor)?;
    let parsed = tokio::task::spawn_blocking(move || parse_zone_collection(&text))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let by = actor.user_id;
    let result = app
        .db
        .run(move |c| {
            let mut problems = parsed.problems;
            // Codes already used by zones in the database.
            for z in &parsed.zones {
                if Zone::find_by_code(c, &z.zone.code)?.is_some() {
                    problems.push(ImportProblem {
                        feature: None,
                        zone_code: Some(z.zone.code.clone()),
                        field: "properties.code".into(),
                        code: "code_exists".into(),
                        message: Text::new(
                            format!("编号 {} 已存在于系统中", z.zone.code),
                            format!("Code {} already exists", z.zone.code),
                        ),
                    });
                }
            }
            problems.sort_by_key(|p| p.feature.unwrap_or(usize::MAX));
            let sites = SensitiveSite::all(c)?;
            let warnings: Vec<ImportWarning> = parsed
                .zones
                .iter()
                .flat_map(|z| {
                    siting_warnings(&sites, &z.zone.geometry)
                        .into_iter()
                        .map(|w| ImportWarning { zone_code: z.zone.code.clone(), warning: w })
                })
                .collect();
            let mut report = ImportReport {
                dry_run,
                features: parsed.features,
                valid: parsed.zones.len(),
                imported: 0,
                problems,
                warnings,
            };
            if dry_run || !report.problems.is_empty() {
                return Ok(report);
            }
            crate::db::write_tx(c, |c| {
                let t = now();
                for z in &parsed.zones {
                    let id = ZoneRow::from_input(&z.zone, z.status, t).insert(c)?;
                    let n = insert_stalls(c, id, &z.layout)?;
                    audit::record(
                        c,
                        t,
                        Some(by),
                        "zone.imported",
                        "zone",
                        &id.to_string(),
                        json!({ "code": z.zone.code, "stalls": n }),
                    )?;
                }
                bump_version(c)?;
                Ok(())
            })?;
            report.imported = parsed.zones.len();
            Ok(report)
        })
        .await;
    app.zone_cache.invalidate();
    result
}

/// Replaces the sensitive-site layer from a GeoJSON file of points (`name`, `kind`, optional
/// `buffer_m`); every problem is listed and nothing changes unless the file is clean.
pub async fn import_sensitive_sites(app: &App, actor: &Actor, text: String) -> AppResult<usize> {
    admin_only(actor)?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        AppError::field("file", "not_parseable", format!("文件不是有效的 JSON：{e}"), format!("Not valid JSON: {e}"))
    })?;
    let features = v["features"].as_array().cloned().unwrap_or_default();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let field = format!("features[{i}]");
        let name = f.pointer("/properties/name").and_then(|n| n.as_str()).unwrap_or("").trim().to_string();
        let kind = f.pointer("/properties/kind").and_then(|n| n.as_str()).unwrap_or("").to_string();
        let coords = f.pointer("/geometry/coordinates").and_then(|c| c.as_array()).cloned().unwrap_or_default();
        let point = (f.pointer("/geometry/type").and_then(|t| t.as_str()) == Some("Point"))
            .then(|| Some([coords.first()?.as_f64()?, coords.get(1)?.as_f64()?]))
            .flatten();
        let default_buffer = match kind.as_str() {
            "metro_exit" => Some(50.0),
            "school" | "kindergarten" | "hospital" => Some(200.0),
            _ => None,
        };
        let buffer = f.pointer("/properties/buffer_m").and_then(|b| b.as_f64()).or(default_buffer);
        match (point, buffer) {
            (Some(p), Some(b)) if !name.is_empty() && geo::XIAMEN_BBOX.contains(p) && (1.0..=2000.0).contains(&b) => {
                let district = f.pointer("/properties/district").and_then(|d| d.as_str()).and_then(common::District::parse_any);
                rows.push((name, kind, district, p, b));
            }
            _ => errors.push(common::FieldError::new(
                field,
                "invalid_site",
                "须为厦门范围内的点，带 name、kind（school/kindergarten/hospital/metro_exit）或 buffer_m",
                "Each feature must be a Point in Xiamen with name and kind (school/kindergarten/hospital/metro_exit) or buffer_m",
            )),
        }
    }
    if features.is_empty() {
        errors.push(common::FieldError::new("file", "empty", "文件中没有任何地点", "The file contains no sites"));
    }
    AppError::check(errors)?;
    let by = actor.user_id;
    zone_write(app, move |c| {
        let t = now();
        diesel::delete(crate::db::schema::sensitive_sites::table).execute(c)?;
        for (name, kind, d, p, b) in &rows {
            SensitiveSite::insert(c, name, kind, d.map(|d| d.code()), *p, *b, t)?;
        }
        audit::record(
            c,
            t,
            Some(by),
            "sensitive_sites.replaced",
            "layer",
            "sensitive_sites",
            json!({ "count": rows.len() }),
        )?;
        Ok(rows.len())
    })
    .await
}

/// Closes temporary meal points whose end date has passed (the scheduled job).
pub async fn close_expired(app: &App) -> AppResult<usize> {
    let n = app.db.run(close_expired_temporary).await?;
    if n > 0 {
        app.zone_cache.invalidate();
    }
    Ok(n)
}

/// Each zone is closed by one conditional update, so running this on several instances at once
/// closes (and audits) it once.
fn close_expired_temporary(c: &mut DbConn) -> AppResult<usize> {
    let today = today();
    let due: Vec<(i64, String)> = zones::table
        .filter(zones::kind.eq(ZoneKind::Temporary.as_str()))
        .filter(zones::status.ne(ZoneStatus::Closed.as_str()))
        .filter(zones::valid_until.lt(today))
        .select((zones::id, zones::code))
        .load(c)?;
    let mut closed = 0;
    for (id, code) in due {
        closed += crate::db::write_tx(c, |c| {
            let t = now();
            let n = diesel::update(zones::table.find(id).filter(zones::status.ne(ZoneStatus::Closed.as_str())))
                .set((
                    zones::status.eq(ZoneStatus::Closed.as_str()),
                    zones::version.eq(zones::version + 1),
                    zones::updated_at.eq(t),
                ))
                .execute(c)?;
            if n == 1 {
                bump_version(c)?;
                audit::record(c, t, None, "zone.closed_at_end_date", "zone", &id.to_string(), json!({ "code": code }))?;
                let reason = Text::new("临时用餐点已到结束日期", "the temporary meal point reached its end date");
                crate::services::permits::end_zone_permits(c, id, &reason, None)?;
            }
            Ok(n)
        })?;
    }
    Ok(closed)
}

/// Sensitive sites for the admin map.
pub fn site_views(sites: Vec<SensitiveSite>) -> Vec<common::dto::zones::SensitiveSiteView> {
    sites
        .into_iter()
        .map(|s| common::dto::zones::SensitiveSiteView {
            id: s.id,
            name: s.name,
            kind: s.kind,
            lon: s.lon,
            lat: s.lat,
            buffer_m: s.buffer_m,
        })
        .collect()
}

/// For export: all zones in the import format.
pub fn export(c: &mut DbConn) -> AppResult<serde_json::Value> {
    let rows = Zone::list_with_counts(c, &[], None)?;
    let features: Vec<serde_json::Value> = rows
        .iter()
        .map(|(z, counts)| common::zone_import::zone_feature(&z.to_input(), z.status(), counts.total() as usize))
        .collect();
    Ok(json!({ "type": "FeatureCollection", "name": "xiamen-vending-zones-export", "features": features }))
}
