//! Getting to a zone: links that open the map apps people in China navigate with (Amap, Baidu,
//! Tencent), each in the datum it expects, and "near me" — the closest zones with a free stall of
//! a trade.
//!
//! Our coordinates are WGS84. Amap and Tencent take GCJ-02; Baidu takes BD-09 (GCJ-02 with a
//! further rotation and shift). Baidu's URI API could convert for us (`coord_type=wgs84`), but
//! Amap's cannot, so one conversion here serves all three and is tested against published values.

use std::f64::consts::PI;

use crate::TradeCategory;
use crate::dto::zones::ZoneSummary;
use crate::geo::{haversine_m, wgs84_to_gcj02};
use crate::zone::percent_encode;

/// Baidu's constant: π·3000/180.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;

/// GCJ-02 → BD-09, Baidu's published formula.
pub fn gcj02_to_bd09(g: [f64; 2]) -> [f64; 2] {
    let (x, y) = (g[0], g[1]);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * BD_X_PI).cos();
    [z * theta.cos() + 0.0065, z * theta.sin() + 0.006]
}

/// BD-09 → GCJ-02 (the usual approximate inverse, good to well under a metre).
pub fn bd09_to_gcj02(b: [f64; 2]) -> [f64; 2] {
    let (x, y) = (b[0] - 0.0065, b[1] - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * BD_X_PI).cos();
    [z * theta.cos(), z * theta.sin()]
}

/// WGS84 → BD-09, through GCJ-02.
pub fn wgs84_to_bd09(p: [f64; 2]) -> [f64; 2] {
    gcj02_to_bd09(wgs84_to_gcj02(p))
}

/// A map app a link can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapApp {
    Amap,
    Baidu,
    Tencent,
}

impl MapApp {
    pub const ALL: [MapApp; 3] = [MapApp::Amap, MapApp::Baidu, MapApp::Tencent];

    pub fn as_str(self) -> &'static str {
        match self {
            MapApp::Amap => "amap",
            MapApp::Baidu => "baidu",
            MapApp::Tencent => "tencent",
        }
    }

    /// The app's own name, as people know it.
    pub fn name_zh(self) -> &'static str {
        match self {
            MapApp::Amap => "高德地图",
            MapApp::Baidu => "百度地图",
            MapApp::Tencent => "腾讯地图",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            MapApp::Amap => "Amap",
            MapApp::Baidu => "Baidu Maps",
            MapApp::Tencent => "Tencent Maps",
        }
    }

    /// A web link (each app's published URI API) that opens the app — or its web map when the app
    /// is not installed — with walking directions or a marker at `at` (WGS84), labelled `name`.
    pub fn link(self, at: [f64; 2], name: &str) -> String {
        let name = percent_encode(name);
        match self {
            MapApp::Amap => {
                let g = wgs84_to_gcj02(at);
                format!(
                    "https://uri.amap.com/navigation?to={:.6},{:.6},{name}&mode=walk&src=tangui&coordinate=gaode&callnative=1",
                    g[0], g[1]
                )
            }
            MapApp::Baidu => {
                let b = wgs84_to_bd09(at);
                format!(
                    "https://api.map.baidu.com/marker?location={:.6},{:.6}&title={name}&content={name}&coord_type=bd09ll&output=html&src=webapp.tangui",
                    b[1], b[0]
                )
            }
            MapApp::Tencent => {
                let g = wgs84_to_gcj02(at);
                format!(
                    "https://apis.map.qq.com/uri/v1/marker?marker=coord:{:.6},{:.6};title:{name}&referer=tangui",
                    g[1], g[0]
                )
            }
        }
    }
}

/// One zone near a person, with the straight-line distance to its anchor point.
#[derive(Debug, Clone, PartialEq)]
pub struct NearZone<'a> {
    pub zone: &'a ZoneSummary,
    pub distance_m: f64,
    pub free: i64,
}

/// The `n` zones closest to `here` (WGS84) that have a free stall (of `category`, when given),
/// nearest first. Distance is along a straight line: we hold no street network, so the list says
/// "直线" rather than pretend to a walking route; the map app the person opens gives the route.
pub fn nearest_with_free(
    zones: &[ZoneSummary],
    here: [f64; 2],
    category: Option<TradeCategory>,
    n: usize,
) -> Vec<NearZone<'_>> {
    let mut near: Vec<NearZone> = zones
        .iter()
        .filter(|z| category.is_none_or(|c| z.categories.contains(&c)))
        .map(|z| NearZone { zone: z, distance_m: haversine_m(here, [z.lon, z.lat]), free: z.free_for(category) })
        .filter(|z| z.free > 0 && z.distance_m.is_finite())
        .collect();
    near.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.zone.code.cmp(&b.zone.code)));
    near.truncate(n);
    near
}

/// A distance as people say it: "350 米", "1.2 公里".
pub fn distance_text(m: f64, en: bool) -> String {
    match (m < 1000.0, en) {
        (true, false) => format!("{:.0} 米", (m / 10.0).round() * 10.0),
        (true, true) => format!("{:.0} m", (m / 10.0).round() * 10.0),
        (false, false) => format!("{:.1} 公里", m / 1000.0),
        (false, true) => format!("{:.1} km", m / 1000.0),
    }
}

#[cfg(test)]
mod tests;
