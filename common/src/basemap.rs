//! The district basemap (`assets/geo/xiamen-districts.geojson`): read into outlines for the map,
//! and used to tell which district a point lies in (a complaint pinned on the map goes to that
//! district's officers).

use serde_json::Value;

use crate::District;
use crate::geo::{distance_point_polygon_m, point_in_polygon};

/// One district outline.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictShape {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

/// Reads the basemap FeatureCollection (as served at `/api/v1/public/districts.geojson`).
pub fn parse_basemap(v: &Value) -> Vec<DistrictShape> {
    let mut out = Vec::new();
    for f in v["features"].as_array().into_iter().flatten() {
        let g = &f["geometry"];
        let polygons: Vec<Vec<Vec<[f64; 2]>>> = match g["type"].as_str() {
            Some("Polygon") => vec![serde_json::from_value(g["coordinates"].clone()).unwrap_or_default()],
            Some("MultiPolygon") => serde_json::from_value(g["coordinates"].clone()).unwrap_or_default(),
            _ => continue,
        };
        let p = &f["properties"];
        out.push(DistrictShape {
            code: p["code"].as_str().unwrap_or_default().into(),
            name_zh: p["name_zh"].as_str().unwrap_or_default().into(),
            name_en: p["name_en"].as_str().unwrap_or_default().into(),
            polygons,
        });
    }
    out
}

/// Points the simplified outline leaves just outside (piers, reclaimed shore) still belong to the
/// nearest district within this distance.
pub const SHORE_SLACK_M: f64 = 1500.0;

/// The district a point lies in, or the nearest within [`SHORE_SLACK_M`].
pub fn district_at(p: [f64; 2], shapes: &[DistrictShape]) -> Option<District> {
    let inside = shapes.iter().find(|s| s.polygons.iter().any(|poly| point_in_polygon(p, poly)));
    if let Some(s) = inside {
        return District::from_code(&s.code);
    }
    shapes
        .iter()
        .filter_map(|s| {
            let d = s.polygons.iter().map(|poly| distance_point_polygon_m(p, poly)).fold(f64::INFINITY, f64::min);
            (d <= SHORE_SLACK_M).then_some((d, s))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .and_then(|(_, s)| District::from_code(&s.code))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn shapes() -> Vec<DistrictShape> {
        parse_basemap(&serde_json::from_str(include_str!("../../assets/geo/xiamen-districts.geojson")).unwrap())
    }

    #[test]
    fn landmarks_fall_in_their_districts() {
        let s = shapes();
        assert_eq!(s.len(), 6);
        // 中山路步行街, 五缘湾, 集美学村, 海沧大道, 同安影视城, 翔安机场片区.
        for (p, d) in [
            ([118.0826, 24.4566], District::Siming),
            ([118.1790, 24.5190], District::Huli),
            ([118.1000, 24.5760], District::Jimei),
            ([118.0330, 24.4850], District::Haicang),
            ([118.1520, 24.7300], District::Tongan),
            ([118.3000, 24.6000], District::Xiangan),
        ] {
            assert_eq!(district_at(p, &s), Some(d), "{p:?}");
        }
        // The open sea far off is nobody's.
        assert_eq!(district_at([118.60, 24.30], &s), None);
    }
}
