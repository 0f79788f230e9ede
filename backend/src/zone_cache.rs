//! The public zone data (map list and GeoJSON) built once and shared by all readers.
//!
//! Every zone or stall write bumps a version row in the same transaction and, after commit, marks
//! this instance's cache dirty; the next read compares the database version with the cached one
//! and rebuilds on any difference. So after a write through this instance the very next read is
//! fresh. Writes made by another instance over the same database are noticed by the same version
//! check, which a clean cache repeats at most every `RECHECK` (a read-only row lookup), so other
//! instances lag by at most that long.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long a clean cache is trusted before it asks the database again.
pub const RECHECK: Duration = Duration::from_millis(25);

use common::dto::zones::{StallCounts, ZoneSummary};
use common::zone::ZoneStatus;
use diesel::Connection;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::models::zone::{Zone, current_version};

pub struct Snapshot {
    pub version: i64,
    /// Active zones, by code.
    pub zones: Vec<ZoneSummary>,
    pub geojson: bytes::Bytes,
    /// The same bytes compressed once here, instead of on every request.
    pub geojson_gzip: bytes::Bytes,
    pub geojson_br: bytes::Bytes,
    pub etag: String,
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 9, lgwin: 22, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut std::io::Cursor::new(data), &mut out, &params);
    out
}

pub struct ZoneCache {
    current: RwLock<Option<Arc<Snapshot>>>,
    dirty: AtomicBool,
    checked_at: Mutex<Instant>,
    /// One check or rebuild at a time; readers arriving meanwhile wait and share its result
    /// instead of all compressing the same bytes.
    refresh: tokio::sync::Mutex<()>,
}

impl Default for ZoneCache {
    fn default() -> Self {
        ZoneCache {
            current: RwLock::new(None),
            dirty: AtomicBool::new(true),
            checked_at: Mutex::new(Instant::now()),
            refresh: tokio::sync::Mutex::new(()),
        }
    }
}

fn feature(z: &Zone, s: &ZoneSummary) -> serde_json::Value {
    let hours_text: Vec<String> = s.hours.iter().map(|h| h.describe_zh()).collect();
    json!({
        "type": "Feature",
        "id": z.code,
        "geometry": { "type": "Polygon", "coordinates": z.geometry() },
        "properties": {
            "zone_id": z.id,
            "code": z.code,
            "name": z.name,
            "district_code": s.district.code(),
            "district_name": s.district.name_zh(),
            "address": z.address,
            "kind": s.kind.as_str(),
            "status": s.status.as_str(),
            "hours": s.hours,
            "hours_text": hours_text.join("；"),
            "categories": s.categories,
            "stalls_total": s.stalls_total,
            "stalls_free": s.stalls_free,
            "stalls_free_by_category": s.stalls_free_by_category,
            "fee_yuan_month": z.fee_yuan_month,
            "valid_from": z.valid_from,
            "valid_until": z.valid_until,
            "managing_unit": z.managing_unit,
            "anchor": [z.lon, z.lat],
        }
    })
}

fn build(version: i64, rows: Vec<(Zone, StallCounts)>) -> Snapshot {
    let mut zones = Vec::with_capacity(rows.len());
    let mut features = Vec::with_capacity(rows.len());
    for (z, c) in &rows {
        let s = z.to_summary(c.clone());
        features.push(feature(z, &s));
        zones.push(s);
    }
    let fc = json!({
        "type": "FeatureCollection",
        "name": "xiamen-vending-zones",
        "features": features,
    });
    let body = serde_json::to_vec(&fc).unwrap_or_default();
    let etag = format!("\"z{version}-{}\"", &hex::encode(Sha256::digest(&body))[..16]);
    Snapshot {
        version,
        zones,
        geojson_gzip: gzip(&body).into(),
        geojson_br: brotli(&body).into(),
        geojson: body.into(),
        etag,
    }
}

impl ZoneCache {
    /// Call after committing any change to zones or stalls.
    pub fn invalidate(&self) {
        self.dirty.store(true, Ordering::SeqCst);
    }

    fn fresh(&self) -> Option<Arc<Snapshot>> {
        let cached = self.current.read().expect("cache lock").clone()?;
        let recent = self.checked_at.lock().expect("cache lock").elapsed() < RECHECK;
        (recent && !self.dirty.load(Ordering::SeqCst)).then_some(cached)
    }

    /// The current snapshot, rebuilt if the database has changed since it was made.
    pub async fn get(&self, app: &App) -> AppResult<Arc<Snapshot>> {
        if let Some(s) = self.fresh() {
            return Ok(s);
        }
        let _refreshing = self.refresh.lock().await;
        if let Some(s) = self.fresh() {
            return Ok(s); // someone else refreshed while we waited
        }
        let cached = self.current.read().expect("cache lock").clone();
        // Clear first: a write committing while we check marks it dirty again.
        self.dirty.store(false, Ordering::SeqCst);
        let version = app.db.run(|c| Ok(current_version(c)?)).await?;
        *self.checked_at.lock().expect("cache lock") = Instant::now();
        if let Some(s) = cached.filter(|s| s.version == version) {
            return Ok(s);
        }
        let snapshot = app
            .db
            .run(move |c| {
                // Version and data from one transaction, so they match.
                c.transaction(|c| {
                    let v = current_version(c)?;
                    let rows = Zone::list_with_counts(c, &[ZoneStatus::Active.as_str()], None)?;
                    Ok::<_, AppError>(build(v, rows))
                })
            })
            .await?;
        let snapshot = Arc::new(snapshot);
        let mut w = self.current.write().expect("cache lock");
        if w.as_ref().is_none_or(|s| s.version <= snapshot.version) {
            *w = Some(snapshot.clone());
        }
        Ok(snapshot)
    }
}
