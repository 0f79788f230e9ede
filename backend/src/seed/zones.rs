//! Demo zones: 140 permanent zones at real Xiamen places plus 10 temporary meal points at
//! construction sites, 6,145 stalls in all. Deterministic: the same data on every machine.
//!
//! Sites come from `assets/demo/` (see its README). Each zone is set back from its place so it is
//! at least 50 m from a metro exit and 200 m from a school or hospital, and stays in its district.

use chrono::NaiveDate;
use common::geo::{self, point_in_polygon};
use common::zone::{EVERY_DAY, HoursWindow, ZoneKind};
use common::{District, TradeCategory};
use serde::Deserialize;

pub const TOTAL_ZONES: usize = 150;
pub const TOTAL_STALLS: usize = 6145;
const TEMPORARY_ZONES: usize = 10;

#[derive(Deserialize)]
struct Place {
    name: String,
    district: String,
    kind: String,
    lon: f64,
    lat: f64,
}

#[derive(Deserialize)]
struct Site {
    name: String,
    district: String,
    lon: f64,
    lat: f64,
    contractor: String,
    expected_end: String,
    workers: u32,
}

#[derive(Deserialize)]
pub struct SensitiveSite {
    pub name: String,
    pub kind: String,
    pub district: String,
    pub lon: f64,
    pub lat: f64,
}

const PLACES: &str = include_str!("../../../assets/demo/places.json");
const SITES: &str = include_str!("../../../assets/demo/construction-sites.json");
pub const SENSITIVE: &str = include_str!("../../../assets/demo/sensitive-sites.json");
const DISTRICTS: &str = include_str!("../../../assets/geo/xiamen-districts.geojson");

/// A generated zone with its stalls, ready to insert.
pub struct DemoZone {
    pub code: String,
    pub name: String,
    pub district: District,
    pub address: String,
    pub kind: ZoneKind,
    pub anchor: [f64; 2],
    pub ring: Vec<[f64; 2]>,
    pub hours: Vec<HoursWindow>,
    pub categories: Vec<TradeCategory>,
    pub banned: Vec<String>,
    pub stall_w: f64,
    pub stall_d: f64,
    pub fee: i32,
    pub fee_note: String,
    pub managing_unit: String,
    pub site: Option<(String, String)>,
    pub valid: Option<(NaiveDate, NaiveDate)>,
    /// (number, category, state)
    pub stalls: Vec<(String, TradeCategory, &'static str)>,
}

/// SplitMix64: tiny, deterministic, good enough for demo variety.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
}

pub fn sensitive_sites() -> Vec<SensitiveSite> {
    serde_json::from_str(SENSITIVE).expect("assets/demo/sensitive-sites.json is valid")
}

/// District outlines from the basemap, for keeping zones inside their district.
fn district_polygons() -> Vec<(String, Vec<Vec<Vec<[f64; 2]>>>)> {
    let v: serde_json::Value = serde_json::from_str(DISTRICTS).expect("basemap is valid JSON");
    let mut out = Vec::new();
    for f in v["features"].as_array().into_iter().flatten() {
        let code = f["properties"]["code"].as_str().unwrap_or_default().to_string();
        let g = &f["geometry"];
        let polys: Vec<Vec<Vec<[f64; 2]>>> = match g["type"].as_str() {
            Some("Polygon") => vec![serde_json::from_value(g["coordinates"].clone()).unwrap_or_default()],
            Some("MultiPolygon") => serde_json::from_value(g["coordinates"].clone()).unwrap_or_default(),
            _ => Vec::new(),
        };
        out.push((code, polys));
    }
    out
}

fn in_district(p: [f64; 2], code: &str, polys: &[(String, Vec<Vec<Vec<[f64; 2]>>>)]) -> bool {
    polys.iter().filter(|(c, _)| c == code).any(|(_, ps)| ps.iter().any(|poly| point_in_polygon(p, poly)))
}

/// How far a point is from the nearest sensitive site, relative to that site's buffer
/// (≥ 1.0 means every buffer is respected).
fn clearance(p: [f64; 2], sites: &[SensitiveSite]) -> f64 {
    sites
        .iter()
        .map(|s| {
            let buffer = if s.kind == "metro_exit" { 50.0 } else { 200.0 };
            geo::haversine_m(p, [s.lon, s.lat]) / buffer
        })
        .fold(f64::INFINITY, f64::min)
}

fn kind_profile(kind: &str) -> (u32, u32, Vec<(TradeCategory, u32)>, Vec<HoursWindow>, &'static str) {
    use TradeCategory::*;
    let wk: [u8; 5] = [1, 2, 3, 4, 5];
    match kind {
        "night_market" => (
            70,
            150,
            vec![(CookedFood, 55), (DailyGoods, 15), (CulturalCreative, 20), (FruitVegetable, 10)],
            vec![HoursWindow::new(&EVERY_DAY, "17:30", "23:30", Some("夜市"))],
            "夜市摊规点",
        ),
        "market" => (
            30,
            60,
            vec![(FruitVegetable, 50), (CookedFood, 25), (DailyGoods, 15), (ConvenienceService, 10)],
            vec![
                HoursWindow::new(&EVERY_DAY, "06:00", "09:30", Some("早市")),
                HoursWindow::new(&EVERY_DAY, "16:30", "19:30", Some("晚市")),
            ],
            "周边便民摊规点",
        ),
        "commercial" => (
            30,
            70,
            vec![(CookedFood, 40), (CulturalCreative, 25), (DailyGoods, 20), (Flowers, 15)],
            vec![HoursWindow::new(&EVERY_DAY, "10:00", "22:00", None)],
            "摊规点",
        ),
        "residential" | "village" => (
            15,
            40,
            vec![(FruitVegetable, 40), (CookedFood, 30), (ConvenienceService, 20), (DailyGoods, 10)],
            vec![
                HoursWindow::new(&EVERY_DAY, "06:30", "09:00", Some("早场")),
                HoursWindow::new(&EVERY_DAY, "17:00", "21:00", Some("晚场")),
            ],
            "便民摊规点",
        ),
        "industrial" => (
            25,
            50,
            vec![(CookedFood, 70), (FruitVegetable, 15), (DailyGoods, 15)],
            vec![
                HoursWindow::new(&[1, 2, 3, 4, 5, 6], "06:30", "08:30", Some("早场")),
                HoursWindow::new(&[1, 2, 3, 4, 5, 6], "11:00", "13:30", Some("午场")),
                HoursWindow::new(&[1, 2, 3, 4, 5, 6], "17:00", "19:30", Some("晚场")),
            ],
            "职工便民摊规点",
        ),
        "university" => (
            30,
            60,
            vec![(CookedFood, 50), (CulturalCreative, 20), (FruitVegetable, 15), (ConvenienceService, 15)],
            vec![
                HoursWindow::new(&EVERY_DAY, "11:00", "13:00", Some("午场")),
                HoursWindow::new(&EVERY_DAY, "17:00", "22:30", Some("晚场")),
            ],
            "周边摊规点",
        ),
        "park" => (
            20,
            50,
            vec![(CulturalCreative, 35), (Flowers, 20), (CookedFood, 30), (DailyGoods, 15)],
            vec![
                HoursWindow::new(&wk, "16:00", "21:00", None),
                HoursWindow::new(&[6, 7], "09:00", "21:30", Some("周末")),
            ],
            "摊规点",
        ),
        "metro" | "transport" => (
            12,
            30,
            vec![(CookedFood, 45), (ConvenienceService, 25), (FruitVegetable, 15), (Flowers, 15)],
            vec![
                HoursWindow::new(&EVERY_DAY, "06:30", "09:30", Some("早场")),
                HoursWindow::new(&EVERY_DAY, "17:00", "20:30", Some("晚场")),
            ],
            "便民摊规点",
        ),
        _ => (
            20,
            40,
            vec![(CookedFood, 40), (FruitVegetable, 30), (DailyGoods, 30)],
            vec![HoursWindow::new(&EVERY_DAY, "08:00", "20:00", None)],
            "摊规点",
        ),
    }
}

fn zone_name(place: &str, suffix: &str) -> String {
    let base = place.split(['(', '（']).next().unwrap_or(place).trim();
    if suffix == "便民摊规点" && base.ends_with("社区") {
        format!("{base}便民摊规点")
    } else {
        format!("{base}{suffix}")
    }
}

/// Weighted pick of stall categories so their shares follow the profile.
fn stall_categories(n: usize, weights: &[(TradeCategory, u32)], rng: &mut Rng) -> Vec<TradeCategory> {
    let total: u32 = weights.iter().map(|w| w.1).sum();
    let mut out: Vec<TradeCategory> = Vec::with_capacity(n);
    for (cat, w) in weights {
        let k = ((n as f64) * f64::from(*w) / f64::from(total)).round() as usize;
        out.extend(std::iter::repeat_n(*cat, k));
    }
    out.truncate(n);
    while out.len() < n {
        out.push(weights[0].0);
    }
    // Mix them along the rows deterministically.
    for i in (1..out.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

/// Two facing rows per 30 stalls, with a 0.6 m gap between stalls and a 2 m aisle.
fn outline(anchor: [f64; 2], stalls: usize, w: f64, d: f64, bearing: f64) -> Vec<[f64; 2]> {
    let rows = stalls.div_ceil(30).max(1) * 2;
    let per_row = stalls.div_ceil(rows);
    let length = per_row as f64 * (w + 0.6) + 2.0;
    let depth = rows as f64 * d + (rows / 2) as f64 * 2.0 + 2.0;
    geo::rectangle_polygon(anchor, length, depth, bearing)
}

fn numbering(n: usize) -> Vec<String> {
    let rows = n.div_ceil(30).max(1) * 2;
    let per_row = n.div_ceil(rows);
    (0..n).map(|i| format!("{}{:02}", (b'A' + (i / per_row) as u8) as char, i % per_row + 1)).collect()
}

pub fn generate() -> Vec<DemoZone> {
    let mut rng = Rng(20_260_527);
    let places: Vec<Place> = serde_json::from_str(PLACES).expect("assets/demo/places.json is valid");
    let sites: Vec<Site> = serde_json::from_str(SITES).expect("assets/demo/construction-sites.json is valid");
    let sensitive = sensitive_sites();
    let polys = district_polygons();

    // Permanent zones: every place except big transport hubs, then the first 140 in a fixed order.
    let mut chosen: Vec<&Place> = places.iter().filter(|p| p.kind != "transport").collect();
    chosen.sort_by(|a, b| (a.district.as_str(), a.name.as_str()).cmp(&(b.district.as_str(), b.name.as_str())));
    let permanent_count = TOTAL_ZONES - TEMPORARY_ZONES;
    let step = chosen.len() as f64 / permanent_count as f64;
    let chosen: Vec<&Place> = (0..permanent_count).map(|i| chosen[(i as f64 * step) as usize]).collect();
    let mut temp_sites: Vec<&Site> = sites.iter().collect();
    temp_sites.sort_by(|a, b| b.workers.cmp(&a.workers).then(a.name.cmp(&b.name)));
    temp_sites.truncate(TEMPORARY_ZONES);

    // Stall counts: draw from each profile, then scale to exactly TOTAL_STALLS.
    let mut raw: Vec<f64> = chosen
        .iter()
        .map(|p| {
            let (lo, hi, ..) = kind_profile(&p.kind);
            f64::from(rng.range(lo, hi))
        })
        .collect();
    raw.extend(temp_sites.iter().map(|s| (f64::from(s.workers) / 40.0).clamp(20.0, 60.0)));
    let scale = TOTAL_STALLS as f64 / raw.iter().sum::<f64>();
    let mut counts: Vec<usize> = raw.iter().map(|r| ((r * scale).floor() as usize).max(8)).collect();
    let mut i = 0;
    let len = counts.len();
    while counts.iter().sum::<usize>() < TOTAL_STALLS {
        counts[i % len] += 1;
        i += 1;
    }
    while counts.iter().sum::<usize>() > TOTAL_STALLS {
        let k = i % len;
        if counts[k] > 8 {
            counts[k] -= 1;
        }
        i += 1;
    }

    let mut per_district: std::collections::HashMap<District, (u32, u32)> = Default::default();
    let mut out = Vec::with_capacity(TOTAL_ZONES);
    let setback = |origin: [f64; 2], code: &str, rng: &mut Rng| -> [f64; 2] {
        let start = rng.range(0, 7);
        let mut best = (origin, clearance(origin, &sensitive));
        if best.1 >= 1.2 && in_district(origin, code, &polys) {
            return origin;
        }
        for dist in [120.0, 220.0, 320.0] {
            for k in 0..8 {
                let angle = f64::from((start + k) % 8) * std::f64::consts::FRAC_PI_4;
                let p = geo::offset_m(origin, dist * angle.cos(), dist * angle.sin());
                if !in_district(p, code, &polys) {
                    continue;
                }
                let c = clearance(p, &sensitive);
                if c >= 1.2 {
                    return p;
                }
                if c > best.1 {
                    best = (p, c);
                }
            }
        }
        best.0
    };

    for (idx, place) in chosen.iter().enumerate() {
        let district = District::from_code(&place.district).expect("known district code");
        let (_, _, weights, hours, suffix) = kind_profile(&place.kind);
        let n = counts[idx];
        let anchor = setback([place.lon, place.lat], &place.district, &mut rng);
        let (w, d) = match place.kind.as_str() {
            "night_market" => (2.5, 2.0),
            "metro" => (1.5, 1.5),
            _ => (2.0, 2.0),
        };
        let seq = per_district.entry(district).or_default();
        seq.0 += 1;
        let code = format!("{}-{:03}", district.abbr(), seq.0);
        let cats = stall_categories(n, &weights, &mut rng);
        let mut categories: Vec<TradeCategory> = weights.iter().map(|w| w.0).collect();
        categories.sort();
        let free_fee = matches!(place.kind.as_str(), "residential" | "village" | "metro");
        let fee = if free_fee { 0 } else { [100, 150, 200, 300][rng.range(0, 3) as usize] };
        out.push(DemoZone {
            name: zone_name(&place.name, suffix),
            address: format!(
                "{}{}附近",
                district.name_zh(),
                place.name.split(['(', '（']).next().unwrap_or(&place.name)
            ),
            code,
            district,
            kind: ZoneKind::Permanent,
            ring: outline(anchor, n, w, d, f64::from(rng.range(0, 179))),
            anchor,
            hours,
            categories,
            banned: vec!["明火烧烤".into(), "活禽宰杀".into(), "高音喇叭叫卖".into(), "占用盲道和消防通道".into()],
            stall_w: w,
            stall_d: d,
            fee,
            fee_note: if fee == 0 {
                "免收摊位费，水电按实收取".into()
            } else {
                "按月收取，含卫生保洁；水电按实收取".into()
            },
            managing_unit: format!("{}城市管理局", district.name_zh()),
            site: None,
            valid: None,
            stalls: numbering(n).into_iter().zip(cats).map(|(no, c)| (no, c, "free")).collect(),
        });
    }

    let sessions = vec![
        HoursWindow::new(&EVERY_DAY, "06:00", "09:00", Some("早场")),
        HoursWindow::new(&EVERY_DAY, "10:30", "14:00", Some("午场")),
        HoursWindow::new(&EVERY_DAY, "17:00", "20:00", Some("晚场")),
    ];
    for (k, site) in temp_sites.iter().enumerate() {
        let district = District::from_code(&site.district).expect("known district code");
        let n = counts[permanent_count + k];
        let anchor = setback(geo::offset_m([site.lon, site.lat], 90.0, -60.0), &site.district, &mut rng);
        let seq = per_district.entry(district).or_default();
        seq.1 += 1;
        let end = NaiveDate::parse_from_str(&site.expected_end, "%Y-%m-%d").expect("site end date");
        let start = NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid date");
        let cats =
            stall_categories(n, &[(TradeCategory::CookedFood, 85), (TradeCategory::FruitVegetable, 15)], &mut rng);
        let short = site.name.split(['(', '（']).next().unwrap_or(&site.name);
        out.push(DemoZone {
            code: format!("{}-L{:02}", district.abbr(), seq.1),
            name: format!("{short}工人用餐临时摊规点"),
            district,
            address: format!("{}{}工地外侧", district.name_zh(), short),
            kind: ZoneKind::Temporary,
            ring: outline(anchor, n, 2.0, 2.0, f64::from(rng.range(0, 179))),
            anchor,
            hours: sessions.clone(),
            categories: vec![TradeCategory::CookedFood, TradeCategory::FruitVegetable],
            banned: vec!["明火烧烤".into(), "液化气罐无安全装置".into(), "占用施工通道".into()],
            stall_w: 2.0,
            stall_d: 2.0,
            fee: 0,
            fee_note: "工地用餐临时点不收摊位费".into(),
            managing_unit: format!("{}城市管理局（会同施工单位）", district.name_zh()),
            site: Some((site.name.clone(), site.contractor.clone())),
            valid: Some((start, end)),
            stalls: numbering(n).into_iter().zip(cats).map(|(no, c)| (no, c, "free")).collect(),
        });
    }

    // Most stalls are in use; some free, a few reserved or out of use.
    for z in &mut out {
        let free_share = 0.05 + rng.unit() * 0.2;
        for s in &mut z.stalls {
            let r = rng.unit();
            s.2 = if r < free_share {
                "free"
            } else if r < free_share + 0.015 {
                "out_of_use"
            } else if r < free_share + 0.025 {
                "reserved"
            } else {
                "occupied"
            };
        }
    }
    // Two places can shorten to the same name (both ends of one street): a name that repeats is
    // numbered (一), (二)… in code order, as signs on the street would be, so no two zones read alike.
    let mut count = std::collections::HashMap::<String, usize>::new();
    for z in &out {
        *count.entry(z.name.clone()).or_default() += 1;
    }
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|a, b| out[*a].code.cmp(&out[*b].code));
    let mut used = std::collections::HashMap::<String, usize>::new();
    for i in order {
        let name = out[i].name.clone();
        if count[&name] > 1 {
            let n = used.entry(name.clone()).or_default();
            *n += 1;
            let numeral = ["一", "二", "三", "四", "五", "六", "七", "八", "九"].get(*n - 1).copied().unwrap_or("十");
            out[i].name = format!("{name}（{numeral}）");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sites_and_rules_hold() {
        let zones = generate();
        assert_eq!(zones.len(), TOTAL_ZONES);
        assert_eq!(zones.iter().map(|z| z.stalls.len()).sum::<usize>(), TOTAL_STALLS);
        assert_eq!(zones.iter().filter(|z| z.kind == ZoneKind::Temporary).count(), TEMPORARY_ZONES);
        for d in District::ALL {
            assert!(zones.iter().filter(|z| z.district == d).count() >= 10, "{d:?} has few zones");
        }
        let codes: std::collections::HashSet<_> = zones.iter().map(|z| z.code.clone()).collect();
        assert_eq!(codes.len(), TOTAL_ZONES, "codes are unique");
        let names: std::collections::HashSet<_> = zones.iter().map(|z| z.name.clone()).collect();
        assert_eq!(names.len(), TOTAL_ZONES, "no two zones share a name");
        let polys = district_polygons();
        let sensitive = sensitive_sites();
        let mut too_close = 0;
        for z in &zones {
            assert!(in_district(z.anchor, z.district.code(), &polys), "{} outside {}", z.name, z.district.name_zh());
            assert!(geo::is_ccw(&z.ring) && geo::validate_polygon_ring(&z.ring).is_empty(), "{} ring", z.name);
            if clearance(z.anchor, &sensitive) < 1.0 {
                too_close += 1;
            }
        }
        assert!(too_close <= 8, "{too_close} zones inside a sensitive-site buffer");
    }

    #[test]
    fn deterministic() {
        let a: Vec<_> = generate().into_iter().map(|z| (z.code, z.anchor, z.stalls.len())).collect();
        let b: Vec<_> = generate().into_iter().map(|z| (z.code, z.anchor, z.stalls.len())).collect();
        assert_eq!(a, b);
    }
}
