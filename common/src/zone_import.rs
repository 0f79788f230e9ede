//! Zone GeoJSON: the import checker (every problem in a file at once, nothing imported unless the
//! whole file is clean) and the feature format shared by import and export.
//!
//! A feature is a Polygon with properties `code`, `name`, `district` (code, `SM`, or 思明区),
//! `hours` (array of windows, or "06:00-09:00,17:00-21:00" meaning every day), `categories`
//! (array or comma list of trade codes), `stalls` (count); optional `address`, `kind`,
//! `stall_width_m`, `stall_depth_m`, `fee_yuan_month`, `fee_note`, `managing_unit`,
//! `contact_phone`, `banned`, `site_name`, `site_contractor`, `valid_from`, `valid_until`, `status`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::zone::{EVERY_DAY, HoursWindow, StallLayout, StallRow, ZoneInput, ZoneKind, ZoneStatus};
use crate::{District, Text, TradeCategory};

/// One problem in an import file. `feature` is the 0-based index in `features`, `None` for the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    pub feature: Option<usize>,
    /// The feature's zone code, when it has one, to find it in the file.
    pub zone_code: Option<String>,
    pub field: String,
    pub code: String,
    pub message: Text,
}

/// A zone read from a feature, with the stalls to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedZone {
    pub zone: ZoneInput,
    pub layout: StallLayout,
    pub status: ZoneStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParsedImport {
    pub zones: Vec<ImportedZone>,
    pub problems: Vec<ImportProblem>,
    pub features: usize,
}

const REQUIRED: [&str; 6] = ["code", "name", "district", "hours", "categories", "stalls"];

struct Ctx<'a> {
    problems: &'a mut Vec<ImportProblem>,
    feature: usize,
    zone_code: Option<String>,
}

impl Ctx<'_> {
    fn add(&mut self, field: &str, code: &str, zh: impl Into<String>, en: impl Into<String>) {
        self.problems.push(ImportProblem {
            feature: Some(self.feature),
            zone_code: self.zone_code.clone(),
            field: field.into(),
            code: code.into(),
            message: Text::new(zh, en),
        });
    }
}

pub(crate) fn file_problem(code: &str, zh: String, en: String) -> ImportProblem {
    ImportProblem {
        feature: None,
        zone_code: None,
        field: "file".into(),
        code: code.into(),
        message: Text::new(zh, en),
    }
}

/// "06:00-09:00,17:00-21:00" (every day) or an array of windows.
fn parse_hours(v: &Value) -> Option<Vec<HoursWindow>> {
    match v {
        Value::String(s) => s
            .split([',', '，', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (a, b) = p.split_once(['-', '–', '~'])?;
                Some(HoursWindow::new(&EVERY_DAY, a.trim(), b.trim(), None))
            })
            .collect(),
        Value::Array(_) => serde_json::from_value(v.clone()).ok(),
        _ => None,
    }
}

fn parse_categories(v: &Value) -> Result<Vec<TradeCategory>, String> {
    let names: Vec<String> = match v {
        Value::String(s) => s.split([',', '，']).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
        Value::Array(a) => {
            a.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| x.to_string())).collect::<Result<_, _>>()?
        }
        other => return Err(other.to_string()),
    };
    names.iter().map(|n| TradeCategory::parse(n).ok_or_else(|| n.clone())).collect()
}

fn str_prop(p: &Map<String, Value>, k: &str) -> Option<String> {
    p.get(k).and_then(Value::as_str).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn num_prop(p: &Map<String, Value>, k: &str) -> Option<f64> {
    p.get(k).and_then(Value::as_f64)
}

fn date_prop(p: &Map<String, Value>, k: &str, ctx: &mut Ctx) -> Option<chrono::NaiveDate> {
    let s = p.get(k)?;
    match s.as_str().and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) {
        Some(d) => Some(d),
        None if s.is_null() => None,
        None => {
            ctx.add(
                k,
                "invalid_property",
                format!("{k} 应为 YYYY-MM-DD 日期"),
                format!("{k} must be a YYYY-MM-DD date"),
            );
            None
        }
    }
}

fn parse_feature(f: &Value, ctx: &mut Ctx) -> Option<ImportedZone> {
    let empty = Map::new();
    let props = f.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    ctx.zone_code = str_prop(props, "code");
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        ctx.add("type", "not_a_feature", "该项不是 GeoJSON Feature", "This item is not a GeoJSON Feature");
        return None;
    }
    let before = ctx.problems.len();
    for k in REQUIRED {
        if props.get(k).is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty())) {
            ctx.add(
                &format!("properties.{k}"),
                "missing_property",
                format!("缺少必填属性 {k}"),
                format!("Missing required property {k}"),
            );
        }
    }

    // Geometry: a Polygon inside Xiamen with closed, simple rings.
    let geom = f.get("geometry").cloned().unwrap_or(Value::Null);
    let gtype = geom.get("type").and_then(Value::as_str).unwrap_or("none");
    let mut rings: Vec<Vec<[f64; 2]>> = Vec::new();
    if gtype != "Polygon" {
        ctx.add(
            "geometry",
            "wrong_geometry_type",
            format!("几何类型应为 Polygon，实际为 {gtype}"),
            format!("Geometry must be a Polygon, not {gtype}"),
        );
    } else {
        match serde_json::from_value::<Vec<Vec<Vec<f64>>>>(geom.get("coordinates").cloned().unwrap_or(Value::Null)) {
            Ok(raw) if !raw.is_empty() => {
                for (i, ring) in raw.iter().enumerate() {
                    if ring.iter().any(|p| p.len() < 2) {
                        ctx.add(
                            &format!("geometry[{i}]"),
                            "invalid_position",
                            "坐标点应为 [经度, 纬度]",
                            "Positions must be [lon, lat]",
                        );
                        continue;
                    }
                    let ring: Vec<[f64; 2]> = ring.iter().map(|p| [p[0], p[1]]).collect();
                    for problem in crate::geo::validate_polygon_ring(&ring) {
                        ctx.add(&format!("geometry[{i}]"), problem.code(), problem.zh(), problem.en());
                    }
                    rings.push(ring);
                }
            }
            _ => ctx.add(
                "geometry.coordinates",
                "invalid_coordinates",
                "坐标格式不正确",
                "Coordinates are not a list of rings",
            ),
        }
    }

    let district = match props.get("district") {
        Some(Value::String(s)) => District::parse_any(s).or_else(|| {
            ctx.add(
                "properties.district",
                "unknown_district",
                format!("未知的区：{s}"),
                format!("Unknown district: {s}"),
            );
            None
        }),
        Some(Value::Number(n)) => District::from_code(&n.to_string()).or_else(|| {
            ctx.add(
                "properties.district",
                "unknown_district",
                format!("未知的区：{n}"),
                format!("Unknown district: {n}"),
            );
            None
        }),
        _ => None,
    };
    let hours = match props.get("hours").filter(|v| !v.is_null()) {
        Some(v) => parse_hours(v).or_else(|| {
            ctx.add(
                "properties.hours",
                "invalid_property",
                "营业时间应为 \"06:00-09:00,17:00-21:00\" 或时段数组",
                "hours must be \"06:00-09:00,17:00-21:00\" or an array of windows",
            );
            None
        }),
        None => None,
    };
    let categories = match props.get("categories").filter(|v| !v.is_null()) {
        Some(v) => match parse_categories(v) {
            Ok(c) => Some(c),
            Err(bad) => {
                ctx.add(
                    "properties.categories",
                    "invalid_property",
                    format!("未知的经营品类：{bad}"),
                    format!("Unknown trade category: {bad}"),
                );
                None
            }
        },
        None => None,
    };
    let stalls = match props.get("stalls").filter(|v| !v.is_null()) {
        Some(v) => match v.as_u64().filter(|n| (1..=u64::from(crate::zone::MAX_STALLS_PER_ZONE)).contains(n)) {
            Some(n) => Some(n as u32),
            None => {
                ctx.add(
                    "properties.stalls",
                    "invalid_property",
                    "摊位数应为 1–500 的整数",
                    "stalls must be a whole number 1–500",
                );
                None
            }
        },
        None => None,
    };
    let kind = match str_prop(props, "kind") {
        None => ZoneKind::Permanent,
        Some(k) => ZoneKind::parse(&k).unwrap_or_else(|| {
            ctx.add(
                "properties.kind",
                "invalid_property",
                "kind 应为 permanent 或 temporary",
                "kind must be permanent or temporary",
            );
            ZoneKind::Permanent
        }),
    };
    let status = match str_prop(props, "status") {
        None => ZoneStatus::Active,
        Some(s) => ZoneStatus::parse(&s).unwrap_or_else(|| {
            ctx.add(
                "properties.status",
                "invalid_property",
                "status 应为 active、suspended 或 closed",
                "status must be active, suspended or closed",
            );
            ZoneStatus::Active
        }),
    };
    let valid_from = date_prop(props, "valid_from", ctx);
    let valid_until = date_prop(props, "valid_until", ctx);
    if ctx.problems.len() > before {
        return None;
    }
    let (district, hours, categories, stalls) = (district?, hours?, categories?, stalls?);
    let width = num_prop(props, "stall_width_m").unwrap_or(2.0);
    let depth = num_prop(props, "stall_depth_m").unwrap_or(2.0);
    let mut zone = ZoneInput {
        code: str_prop(props, "code").unwrap_or_default(),
        name: str_prop(props, "name").unwrap_or_default(),
        district,
        address: str_prop(props, "address").unwrap_or_else(|| district.name_zh().to_string()),
        kind,
        geometry: rings,
        hours,
        categories: categories.clone(),
        banned: props
            .get("banned")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
        stall_width_m: width,
        stall_depth_m: depth,
        fee_yuan_month: num_prop(props, "fee_yuan_month").unwrap_or(0.0) as i32,
        fee_note: str_prop(props, "fee_note").unwrap_or_default(),
        managing_unit: str_prop(props, "managing_unit").unwrap_or_else(|| format!("{}城市管理局", district.name_zh())),
        contact_phone: str_prop(props, "contact_phone").unwrap_or_else(|| "12345".into()),
        site_name: str_prop(props, "site_name"),
        site_contractor: str_prop(props, "site_contractor"),
        valid_from,
        valid_until,
    };
    zone.normalise();
    // Anything else wrong with the zone (code format, lengths, dates), in the same list.
    for e in zone.validate() {
        if e.field.starts_with("geometry") {
            continue; // already reported from the raw rings
        }
        ctx.add(&format!("properties.{}", e.field), &e.code, e.message.zh, e.message.en);
    }
    if ctx.problems.len() > before {
        return None;
    }
    // One row per category, stalls split evenly, numbered A01…, B01….
    let per = stalls.div_ceil(categories.len() as u32);
    let mut left = stalls;
    let rows = categories
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let n = per.min(left);
            left -= n;
            (n > 0).then(|| StallRow {
                prefix: ((b'A' + i as u8) as char).to_string(),
                count: n,
                category: *c,
                width_m: width,
                depth_m: depth,
            })
        })
        .collect();
    Some(ImportedZone { zone, layout: StallLayout { rows }, status })
}

/// Checks a whole file. Duplicate codes within the file are found here; codes that already exist
/// in the database are added by the server.
pub fn parse_zone_collection(text: &str) -> ParsedImport {
    let mut out = ParsedImport::default();
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
    let features = match (v.get("type").and_then(Value::as_str), v.get("features").and_then(Value::as_array)) {
        (Some("FeatureCollection"), Some(f)) => f,
        _ => {
            out.problems.push(file_problem(
                "not_feature_collection",
                "文件应为 GeoJSON FeatureCollection".into(),
                "The file must be a GeoJSON FeatureCollection".into(),
            ));
            return out;
        }
    };
    out.features = features.len();
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for (i, f) in features.iter().enumerate() {
        let mut ctx = Ctx { problems: &mut out.problems, feature: i, zone_code: None };
        let parsed = parse_feature(f, &mut ctx);
        let code = f.pointer("/properties/code").and_then(Value::as_str).map(|c| c.trim().to_ascii_uppercase());
        if let Some(code) = code.filter(|c| !c.is_empty()) {
            if let Some(first) = seen.get(&code) {
                ctx.add(
                    "properties.code",
                    "duplicate_code",
                    format!("编号 {code} 与第 {} 项重复", first + 1),
                    format!("Code {code} repeats feature {}", first + 1),
                );
                continue;
            }
            seen.insert(code, i);
        }
        if let Some(z) = parsed {
            out.zones.push(z);
        }
    }
    if features.is_empty() {
        out.problems.push(file_problem("empty", "文件中没有任何摊规点".into(), "The file contains no zones".into()));
    }
    out
}

/// One zone as an export feature (the import format, so an export re-imports).
pub fn zone_feature(z: &ZoneInput, status: ZoneStatus, stalls: usize) -> Value {
    json!({
        "type": "Feature",
        "geometry": { "type": "Polygon", "coordinates": z.geometry },
        "properties": {
            "code": z.code, "name": z.name, "district": z.district.code(), "address": z.address,
            "kind": z.kind.as_str(), "status": status.as_str(), "hours": z.hours, "categories": z.categories,
            "stalls": stalls, "stall_width_m": z.stall_width_m, "stall_depth_m": z.stall_depth_m,
            "fee_yuan_month": z.fee_yuan_month, "fee_note": z.fee_note, "managing_unit": z.managing_unit,
            "contact_phone": z.contact_phone, "banned": z.banned, "site_name": z.site_name,
            "site_contractor": z.site_contractor, "valid_from": z.valid_from, "valid_until": z.valid_until,
        }
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn good(code: &str) -> Value {
        let ring = crate::geo::rectangle_polygon([118.09, 24.47], 40.0, 10.0, 0.0);
        json!({ "type": "Feature", "geometry": { "type": "Polygon", "coordinates": [ring] },
            "properties": { "code": code, "name": "测试点", "district": "思明区", "hours": "06:00-09:00,17:00-21:00",
                "categories": "cooked_food,flowers", "stalls": 5 } })
    }

    #[test]
    fn a_clean_file_imports() {
        let fc = json!({ "type": "FeatureCollection", "features": [good("SM-201"), good("SM-202")] });
        let p = parse_zone_collection(&fc.to_string());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.zones.len(), 2);
        let stalls: Vec<String> = p.zones[0].layout.stalls().into_iter().map(|s| s.0).collect();
        assert_eq!(stalls, ["A01", "A02", "A03", "B01", "B02"]);
        assert_eq!(p.zones[0].zone.hours.len(), 2);
    }

    #[test]
    fn every_kind_of_problem_is_reported_at_once() {
        let mut point = good("SM-203");
        point["geometry"] = json!({ "type": "Point", "coordinates": [118.09, 24.47] });
        let mut outside = good("SM-204");
        outside["geometry"]["coordinates"] = json!([crate::geo::rectangle_polygon([121.47, 31.23], 40.0, 10.0, 0.0)]);
        let mut unclosed = good("SM-205");
        unclosed["geometry"]["coordinates"][0].as_array_mut().unwrap().pop();
        let mut bowtie = good("SM-206");
        bowtie["geometry"]["coordinates"] =
            json!([[[118.09, 24.47], [118.091, 24.471], [118.091, 24.47], [118.09, 24.471], [118.09, 24.47]]]);
        let dup = good("SM-201");
        let mut district = good("SM-207");
        district["properties"]["district"] = json!("鼓浪屿区");
        let mut missing = good("SM-208");
        missing["properties"].as_object_mut().unwrap().remove("name");
        let fc = json!({ "type": "FeatureCollection",
            "features": [good("SM-201"), point, outside, unclosed, bowtie, dup, district, missing] });
        let p = parse_zone_collection(&fc.to_string());
        let codes: Vec<(Option<usize>, &str)> = p.problems.iter().map(|x| (x.feature, x.code.as_str())).collect();
        for expect in [
            (Some(1), "wrong_geometry_type"),
            (Some(2), "outside_xiamen"),
            (Some(3), "not_closed"),
            (Some(4), "self_intersection"),
            (Some(5), "duplicate_code"),
            (Some(6), "unknown_district"),
            (Some(7), "missing_property"),
        ] {
            assert!(codes.contains(&expect), "{expect:?} not in {codes:?}");
        }
        assert!(p.problems.iter().all(|x| !x.message.zh.is_empty() && !x.message.en.is_empty()));
    }

    #[test]
    fn broken_json_is_one_file_problem() {
        let p = parse_zone_collection("{\"type\": \"FeatureCollection\", ");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].code, "not_parseable");
        assert_eq!(parse_zone_collection("[1,2]").problems[0].code, "not_feature_collection");
    }

    #[test]
    fn export_re_imports() {
        let p =
            parse_zone_collection(&json!({ "type": "FeatureCollection", "features": [good("SM-209")] }).to_string());
        let z = &p.zones[0];
        let fc = json!({ "type": "FeatureCollection", "features": [zone_feature(&z.zone, ZoneStatus::Suspended, 5)] });
        let again = parse_zone_collection(&fc.to_string());
        assert!(again.problems.is_empty(), "{:?}", again.problems);
        assert_eq!(again.zones[0].zone, z.zone);
        assert_eq!(again.zones[0].status, ZoneStatus::Suspended);
    }
}
