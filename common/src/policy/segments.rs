//! Street segments as data: the checks an admin's edit or import must pass, and the GeoJSON
//! format (LineString features) shared by import and export, so an export re-imports.
//!
//! Properties: `name`, `district` (code, `SM` or 思明区), `class` (`prohibited` / `restricted` /
//! `suitable`, or 禁设 / 限设 / 宜设), `sidewalk_m`; optional `id` (update that segment),
//! `road_class` (`arterial` / `secondary` / `branch` / `lane`), `near_homes`, `note`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::StreetClass;
use crate::zone_import::{ImportProblem, file_problem};
use crate::{District, FieldError, Text};

pub const ROAD_CLASSES: [&str; 4] = ["arterial", "secondary", "branch", "lane"];

/// A road class in words (主干路, 次干路, 支路, 街巷).
pub fn road_class_name(code: &str) -> crate::Text {
    let (zh, en) = match code {
        "arterial" => ("主干路", "Arterial road"),
        "secondary" => ("次干路", "Secondary road"),
        "branch" => ("支路", "Branch road"),
        "lane" => ("街巷", "Lane"),
        other => (other, other),
    };
    crate::Text::new(zh, en)
}

/// A segment as an admin enters or imports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentInput {
    /// Set to change an existing segment; absent to add one.
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    pub district: District,
    pub road_class: String,
    pub class: StreetClass,
    pub sidewalk_m: f64,
    #[serde(default)]
    pub near_homes: bool,
    /// Centre line, [lon, lat] WGS84, at least two points.
    pub line: Vec<[f64; 2]>,
    #[serde(default)]
    pub note: String,
}

/// Sidewalk widths outside this range are typing mistakes.
pub const SIDEWALK_RANGE_M: (f64, f64) = (0.5, 30.0);

pub fn check_sidewalk(sidewalk_m: f64) -> Option<FieldError> {
    let (lo, hi) = SIDEWALK_RANGE_M;
    (!(lo..=hi).contains(&sidewalk_m)).then(|| {
        FieldError::new(
            "sidewalk_m",
            "range",
            format!("人行道宽度应在 {lo}–{hi} 米之间"),
            format!("Sidewalk width must be {lo}–{hi} m"),
        )
    })
}

impl SegmentInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = crate::validate::Errors::new();
        e.text("name", "路段名称", "Segment name", &self.name, 60);
        if !ROAD_CLASSES.contains(&self.road_class.as_str()) {
            e.add(
                "road_class",
                "unknown",
                "道路等级应为 arterial、secondary、branch 或 lane",
                "road_class must be arterial, secondary, branch or lane",
            );
        }
        if let Some(f) = check_sidewalk(self.sidewalk_m) {
            e.push(f);
        }
        if self.line.len() < 2 {
            e.add("line", "too_few_points", "路段中线至少需要 2 个点", "The centre line needs at least 2 points");
        }
        if self.line.iter().any(|p| !crate::geo::XIAMEN_BBOX.contains(*p)) {
            e.add("line", "outside_xiamen", "路段有点不在厦门范围内", "Part of the segment is outside Xiamen");
        }
        if self.note.chars().count() > 200 {
            e.add("note", "too_long", "备注最多 200 字", "Note: at most 200 characters");
        }
        e.0
    }
}

/// What a segment file holds: the valid segments and every problem found.
#[derive(Debug, Default)]
pub struct ParsedSegments {
    /// Each clean segment with its index in `features`.
    pub segments: Vec<(usize, SegmentInput)>,
    pub problems: Vec<ImportProblem>,
    pub features: usize,
}

fn problem(i: usize, field: &str, code: &str, message: Text) -> ImportProblem {
    ImportProblem { feature: Some(i), zone_code: None, field: field.into(), code: code.into(), message }
}

fn parse_feature(i: usize, f: &Value, out: &mut Vec<ImportProblem>) -> Option<SegmentInput> {
    let before = out.len();
    let p = f.get("properties").cloned().unwrap_or(Value::Null);
    let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::trim).unwrap_or("").to_string();
    let line: Vec<[f64; 2]> =
        match (f.pointer("/geometry/type").and_then(Value::as_str), f.pointer("/geometry/coordinates")) {
            (Some("LineString"), Some(c)) => serde_json::from_value(c.clone()).unwrap_or_else(|_| {
                out.push(problem(
                    i,
                    "geometry",
                    "bad_coordinates",
                    Text::new("坐标应为 [经度, 纬度] 数组", "Coordinates must be [lon, lat] pairs"),
                ));
                Vec::new()
            }),
            _ => {
                out.push(problem(
                    i,
                    "geometry",
                    "not_linestring",
                    Text::new("路段几何应为 LineString", "A segment's geometry must be a LineString"),
                ));
                Vec::new()
            }
        };
    let district = match p.get("district") {
        Some(Value::String(d)) => District::parse_any(d),
        Some(Value::Number(n)) => District::from_code(&n.to_string()),
        _ => None,
    };
    if district.is_none() {
        out.push(problem(
            i,
            "properties.district",
            "unknown_district",
            Text::new("区不正确（如 350203、SM 或 思明区）", "Unknown district (e.g. 350203, SM or 思明区)"),
        ));
    }
    let class = StreetClass::parse(&s("class"));
    if class.is_none() {
        out.push(problem(
            i,
            "properties.class",
            "unknown_class",
            Text::new(
                "路段分类应为 prohibited/restricted/suitable（禁设/限设/宜设）",
                "class must be prohibited, restricted or suitable",
            ),
        ));
    }
    let sidewalk = p.get("sidewalk_m").and_then(Value::as_f64);
    if sidewalk.is_none() {
        out.push(problem(
            i,
            "properties.sidewalk_m",
            "required",
            Text::new("请填写人行道宽度（米）", "Give sidewalk_m in metres"),
        ));
    }
    let id = p.get("id").and_then(Value::as_i64);
    let road_class = match s("road_class") {
        r if r.is_empty() => "secondary".to_string(),
        r => r,
    };
    // Missing values are stood in for so the other checks still run: every problem at once.
    let input = SegmentInput {
        id,
        name: s("name"),
        district: district.unwrap_or(District::Siming),
        road_class,
        class: class.unwrap_or(StreetClass::Prohibited),
        sidewalk_m: sidewalk.unwrap_or(SIDEWALK_RANGE_M.0),
        near_homes: p.get("near_homes").and_then(Value::as_bool).unwrap_or(false),
        line,
        note: s("note"),
    };
    let geometry_reported = out[before..].iter().any(|p| p.field == "geometry");
    for e in input.validate().into_iter().filter(|e| !(geometry_reported && e.field == "line")) {
        let field = if e.field == "line" { "geometry".to_string() } else { format!("properties.{}", e.field) };
        out.push(problem(i, &field, &e.code, e.message));
    }
    (out.len() == before).then_some(input)
}

/// Checks a whole file; nothing should be imported unless `problems` is empty.
pub fn parse_segment_collection(text: &str) -> ParsedSegments {
    let mut out = ParsedSegments::default();
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.problems.push(file_problem(
                "not_parseable",
                format!("文件不是有效的 JSON（第 {} 行第 {} 列）", e.line(), e.column()),
                format!("The file is not valid JSON (line {}, column {})", e.line(), e.column()),
            ));
            return out;
        }
    };
    let Some(features) =
        v.get("features").and_then(Value::as_array).filter(|_| v.get("type") == Some(&json!("FeatureCollection")))
    else {
        out.problems.push(file_problem(
            "not_feature_collection",
            "文件应为 GeoJSON FeatureCollection".into(),
            "The file must be a GeoJSON FeatureCollection".into(),
        ));
        return out;
    };
    out.features = features.len();
    if features.is_empty() {
        out.problems.push(file_problem("empty", "文件中没有任何路段".into(), "The file contains no segments".into()));
    }
    for (i, f) in features.iter().enumerate() {
        if let Some(s) = parse_feature(i, f, &mut out.problems) {
            out.segments.push((i, s));
        }
    }
    out
}

/// One segment as an export feature.
pub fn segment_feature(s: &SegmentInput) -> Value {
    json!({
        "type": "Feature",
        "geometry": { "type": "LineString", "coordinates": s.line },
        "properties": {
            "id": s.id, "name": s.name, "district": s.district.code(), "road_class": s.road_class,
            "class": s.class.as_str(), "sidewalk_m": s.sidewalk_m, "near_homes": s.near_homes, "note": s.note
        }
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn good() -> SegmentInput {
        SegmentInput {
            id: None,
            name: "禾祥西路（第1段）".into(),
            district: District::Siming,
            road_class: "secondary".into(),
            class: StreetClass::Suitable,
            sidewalk_m: 3.0,
            near_homes: false,
            line: vec![[118.080, 24.470], [118.083, 24.470]],
            note: String::new(),
        }
    }

    #[test]
    fn export_reimports() {
        let fc = json!({ "type": "FeatureCollection", "features": [segment_feature(&good())] });
        let parsed = parse_segment_collection(&fc.to_string());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.segments, vec![(0, good())]);
    }

    #[test]
    fn every_problem_in_a_file_is_listed() {
        let mut bad = segment_feature(&good());
        bad["properties"]["class"] = json!("sometimes");
        bad["properties"]["sidewalk_m"] = json!(80.0);
        let mut point = segment_feature(&good());
        point["geometry"] = json!({ "type": "Point", "coordinates": [118.08, 24.47] });
        let mut far = segment_feature(&good());
        far["geometry"]["coordinates"] = json!([[121.47, 31.23], [121.48, 31.23]]);
        far["properties"]["district"] = json!("浦东");
        let fc = json!({ "type": "FeatureCollection", "features": [bad, point, far, segment_feature(&good())] });
        let parsed = parse_segment_collection(&fc.to_string());
        let got: Vec<(Option<usize>, &str)> = parsed.problems.iter().map(|p| (p.feature, p.field.as_str())).collect();
        assert!(got.contains(&(Some(0), "properties.class")), "{got:?}");
        assert!(got.contains(&(Some(1), "geometry")), "{got:?}");
        assert!(got.contains(&(Some(2), "properties.district")), "{got:?}");
        assert!(got.contains(&(Some(2), "geometry")), "outside Xiamen is reported too: {got:?}");
        assert_eq!(got.iter().filter(|(f, _)| *f == Some(1)).count(), 1, "a Point is reported once: {got:?}");
        assert_eq!(parsed.segments.len(), 1, "only the last feature is clean");
        let got = parse_segment_collection("{\"type\": \"FeatureCollection\", \"features\": [").problems;
        assert_eq!(got[0].code, "not_parseable");
    }

    #[test]
    fn sidewalk_range() {
        assert!(check_sidewalk(3.0).is_none());
        assert!(check_sidewalk(0.1).is_some());
        assert!(check_sidewalk(f64::NAN).is_some());
    }
}
