//! Vending zones (摊规点) and their stalls: kinds, states and opening hours.

use serde::{Deserialize, Serialize};

use crate::validate::Errors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    Permanent,
    /// 在建工地工人用餐临时摊规点: tied to a construction site, with an end date and meal sessions.
    Temporary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ZoneStatus {
    Active,
    Suspended,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StallState {
    Free,
    Occupied,
    /// Held for an offer or a priority group.
    Reserved,
    OutOfUse,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal, $zh:literal, $en:literal;)* }) => {
        impl $t {
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $s,)* } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some(Self::$v),)* _ => None } }
            pub fn name_zh(self) -> &'static str { match self { $(Self::$v => $zh,)* } }
            pub fn name_en(self) -> &'static str { match self { $(Self::$v => $en,)* } }
        }
    };
}

str_enum!(ZoneKind {
    Permanent => "permanent", "常设摊规点", "Permanent zone";
    Temporary => "temporary", "工地用餐临时点", "Temporary meal point";
});
str_enum!(ZoneStatus {
    Active => "active", "运营中", "Active";
    Suspended => "suspended", "暂停", "Suspended";
    Closed => "closed", "已关闭", "Closed";
});
str_enum!(StallState {
    Free => "free", "空闲", "Free";
    Occupied => "occupied", "已占用", "Occupied";
    Reserved => "reserved", "已预留", "Reserved";
    OutOfUse => "out_of_use", "停用", "Out of use";
});

/// One opening window: on these weekdays (1 = Monday … 7 = Sunday), from `start` to `end`
/// ("HH:MM"; an `end` at or before `start` runs past midnight, "24:00" is midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursWindow {
    pub days: Vec<u8>,
    pub start: String,
    pub end: String,
    /// e.g. 早场 / 午场 / 晚场 for meal sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

pub const EVERY_DAY: [u8; 7] = [1, 2, 3, 4, 5, 6, 7];

/// Minutes after midnight of "HH:MM" (accepts "24:00").
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    ((h < 24 && m < 60) || (h == 24 && m == 0)).then_some(h * 60 + m)
}

impl HoursWindow {
    pub fn new(days: &[u8], start: &str, end: &str, label: Option<&str>) -> HoursWindow {
        HoursWindow { days: days.to_vec(), start: start.into(), end: end.into(), label: label.map(Into::into) }
    }

    /// Is the window open at `weekday` (1–7) and `minute` of the day? A window that runs past
    /// midnight counts for the early hours of the following day.
    pub fn is_open(&self, weekday: u8, minute: u32) -> bool {
        let (Some(s), Some(e)) = (parse_hhmm(&self.start), parse_hhmm(&self.end)) else { return false };
        if s < e {
            self.days.contains(&weekday) && (s..e).contains(&minute)
        } else {
            let yesterday = if weekday == 1 { 7 } else { weekday - 1 };
            (self.days.contains(&weekday) && minute >= s) || (self.days.contains(&yesterday) && minute < e)
        }
    }

    pub fn validate(&self, field: &str, errors: &mut Errors) {
        if self.days.is_empty() || self.days.iter().any(|d| !(1..=7).contains(d)) {
            errors.add(
                &format!("{field}.days"),
                "weekday",
                "请选择星期一至星期日中的日子",
                "Days must be 1 (Mon) to 7 (Sun)",
            );
        }
        for (name, v) in [("start", &self.start), ("end", &self.end)] {
            if parse_hhmm(v).is_none() {
                errors.add(&format!("{field}.{name}"), "time", "时间格式应为 HH:MM", "Time must be HH:MM");
            }
        }
        if self.start == self.end {
            errors.add(
                &format!("{field}.end"),
                "empty_window",
                "结束时间不能与开始时间相同",
                "End must differ from start",
            );
        }
    }

    /// "周一至周五 17:00–22:00" style text.
    pub fn describe_zh(&self) -> String {
        format!("{} {}–{}", days_zh(&self.days), self.start, self.end)
    }
}

fn days_zh(days: &[u8]) -> String {
    const N: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let mut d: Vec<u8> = days.to_vec();
    d.sort_unstable();
    d.dedup();
    if d.len() == 7 {
        return "每天".into();
    }
    let contiguous = d.windows(2).all(|w| w[1] == w[0] + 1);
    if contiguous && d.len() > 2 {
        return format!("周{}至周{}", N[d[0] as usize - 1], N[*d.last().unwrap_or(&1) as usize - 1]);
    }
    d.iter().map(|x| format!("周{}", N[(*x as usize).clamp(1, 7) - 1])).collect::<Vec<_>>().join("、")
}

/// Whether any window is open at that moment.
pub fn is_open(hours: &[HoursWindow], weekday: u8, minute: u32) -> bool {
    hours.iter().any(|w| w.is_open(weekday, minute))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn windows_including_overnight() {
        let lunch = HoursWindow::new(&[1, 2, 3, 4, 5], "10:30", "14:00", Some("午场"));
        assert!(lunch.is_open(1, 10 * 60 + 30));
        assert!(!lunch.is_open(1, 14 * 60));
        assert!(!lunch.is_open(6, 12 * 60));
        let night = HoursWindow::new(&[6], "18:00", "02:00", None);
        assert!(night.is_open(6, 23 * 60));
        assert!(night.is_open(7, 60), "Saturday night runs into Sunday");
        assert!(!night.is_open(7, 3 * 60));
        let to_midnight = HoursWindow::new(&EVERY_DAY, "17:00", "24:00", None);
        assert!(to_midnight.is_open(3, 23 * 60 + 59));
        assert!(!to_midnight.is_open(3, 16 * 60));
    }

    #[test]
    fn validation_and_text() {
        let mut e = Errors::new();
        HoursWindow::new(&[0, 8], "25:00", "25:00", None).validate("hours[0]", &mut e);
        let fields: Vec<_> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["hours[0].days", "hours[0].start", "hours[0].end", "hours[0].end"]);
        assert_eq!(HoursWindow::new(&EVERY_DAY, "06:00", "09:00", None).describe_zh(), "每天 06:00–09:00");
        assert_eq!(HoursWindow::new(&[1, 2, 3, 4, 5], "06:00", "09:00", None).describe_zh(), "周一至周五 06:00–09:00");
        assert_eq!(HoursWindow::new(&[6, 7], "16:00", "21:30", None).describe_zh(), "周六、周日 16:00–21:30");
    }
}

/// A zone as an admin creates or edits it (also what one imported feature becomes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneInput {
    /// `SM-001` style: the district abbreviation, a dash, then digits (`L` + digits for a temporary point).
    pub code: String,
    pub name: String,
    pub district: crate::District,
    pub address: String,
    pub kind: ZoneKind,
    /// Polygon: outer ring then holes, [lon, lat] WGS84. Stored counter-clockwise.
    pub geometry: Vec<Vec<[f64; 2]>>,
    pub hours: Vec<HoursWindow>,
    pub categories: Vec<crate::TradeCategory>,
    #[serde(default)]
    pub banned: Vec<String>,
    pub stall_width_m: f64,
    pub stall_depth_m: f64,
    #[serde(default)]
    pub fee_yuan_month: i32,
    #[serde(default)]
    pub fee_note: String,
    pub managing_unit: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub site_name: Option<String>,
    #[serde(default)]
    pub site_contractor: Option<String>,
    #[serde(default)]
    pub valid_from: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub valid_until: Option<chrono::NaiveDate>,
}

impl ZoneInput {
    /// Every problem at once, with field paths such as `geometry[0]` or `hours[1].start`.
    pub fn validate(&self) -> Vec<crate::FieldError> {
        let mut e = Errors::new();
        self.check_code(&mut e);
        e.text("name", "名称", "Name", &self.name, 60);
        e.text("address", "地址", "Address", &self.address, 120);
        e.text("managing_unit", "管理单位", "Managing unit", &self.managing_unit, 60);
        if self.geometry.is_empty() {
            e.add("geometry", "required", "请绘制或粘贴摊规点范围", "Draw or paste the zone outline");
        }
        for (i, ring) in self.geometry.iter().enumerate() {
            for p in crate::geo::validate_polygon_ring(ring) {
                e.push(p.field_error(&format!("geometry[{i}]")));
            }
        }
        if self.hours.is_empty() {
            e.add("hours", "required", "请至少设置一个营业时段", "Add at least one opening window");
        }
        for (i, w) in self.hours.iter().enumerate() {
            w.validate(&format!("hours[{i}]"), &mut e);
        }
        if self.categories.is_empty() {
            e.add("categories", "required", "请至少选择一个允许经营的品类", "Choose at least one allowed trade");
        }
        for (name, v) in [("stall_width_m", self.stall_width_m), ("stall_depth_m", self.stall_depth_m)] {
            if !(0.5..=10.0).contains(&v) || !v.is_finite() {
                e.add(name, "range", "摊位尺寸应在 0.5–10 米之间", "Stall size must be 0.5–10 m");
            }
        }
        if !(0..=100_000).contains(&self.fee_yuan_month) {
            e.add("fee_yuan_month", "range", "月费应在 0–100000 元之间", "Monthly fee must be 0–100,000 yuan");
        }
        if self.banned.len() > 20 || self.banned.iter().any(|b| b.chars().count() > 30 || b.trim().is_empty()) {
            e.add(
                "banned",
                "invalid",
                "禁止经营项目最多 20 项，每项 1–30 字",
                "Up to 20 banned trades of 1–30 characters",
            );
        }
        if self.kind == ZoneKind::Temporary {
            if self.site_name.as_deref().is_none_or(|s| s.trim().is_empty()) {
                e.add(
                    "site_name",
                    "required",
                    "临时用餐点须填写服务的在建工地",
                    "A temporary point must name its construction site",
                );
            }
            if self.valid_until.is_none() {
                e.add("valid_until", "required", "临时用餐点须填写结束日期", "A temporary point needs an end date");
            }
        }
        if let (Some(a), Some(b)) = (self.valid_from, self.valid_until)
            && b < a
        {
            e.add("valid_until", "before_start", "结束日期不能早于开始日期", "The end date is before the start date");
        }
        e.0
    }

    fn check_code(&self, e: &mut Errors) {
        let abbr = self.district.abbr();
        let rest = self.code.strip_prefix(abbr).and_then(|r| r.strip_prefix('-'));
        let ok = match rest {
            Some(r) => {
                let digits = if self.kind == ZoneKind::Temporary { r.strip_prefix('L').unwrap_or(r) } else { r };
                (2..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        if !ok {
            e.add(
                "code",
                "code_format",
                format!("编号格式应为 {abbr}-001（临时点 {abbr}-L01），与所属区一致"),
                format!("Code must look like {abbr}-001 ({abbr}-L01 for a temporary point) and match the district"),
            );
        }
    }

    /// Closes rings and makes the outer ring counter-clockwise, holes clockwise (RFC 7946).
    pub fn normalise(&mut self) {
        self.code = self.code.trim().to_ascii_uppercase();
        self.name = self.name.trim().to_string();
        for (i, ring) in self.geometry.iter_mut().enumerate() {
            crate::geo::close_ring(ring);
            crate::geo::set_orientation(ring, i == 0);
        }
        self.categories.sort();
        self.categories.dedup();
    }

    /// The point used for the map marker: the outer ring's centroid.
    pub fn anchor(&self) -> [f64; 2] {
        self.geometry.first().map(|r| crate::geo::ring_centroid(r)).unwrap_or([0.0, 0.0])
    }
}

/// One row of a stall layout: `count` stalls numbered `prefix01`, `prefix02`, ….
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallRow {
    pub prefix: String,
    pub count: u32,
    pub category: crate::TradeCategory,
    pub width_m: f64,
    pub depth_m: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallLayout {
    pub rows: Vec<StallRow>,
}

pub const MAX_STALLS_PER_ZONE: u32 = 500;

impl StallLayout {
    pub fn validate(&self) -> Vec<crate::FieldError> {
        let mut e = Errors::new();
        if self.rows.is_empty() {
            e.add("rows", "required", "请至少设置一排摊位", "Add at least one row of stalls");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, r) in self.rows.iter().enumerate() {
            let f = |name: &str| format!("rows[{i}].{name}");
            if !(1..=3).contains(&r.prefix.len()) || !r.prefix.bytes().all(|b| b.is_ascii_uppercase()) {
                e.add(&f("prefix"), "prefix", "排号为 1–3 个大写字母", "Row prefix: 1–3 capital letters");
            } else if !seen.insert(r.prefix.clone()) {
                e.add(&f("prefix"), "duplicate", "排号重复", "Duplicate row prefix");
            }
            if !(1..=200).contains(&r.count) {
                e.add(&f("count"), "range", "每排 1–200 个摊位", "1–200 stalls per row");
            }
            for (name, v) in [("width_m", r.width_m), ("depth_m", r.depth_m)] {
                if !(0.5..=10.0).contains(&v) || !v.is_finite() {
                    e.add(&f(name), "range", "摊位尺寸应在 0.5–10 米之间", "Stall size must be 0.5–10 m");
                }
            }
        }
        let total: u32 = self.rows.iter().map(|r| r.count).sum();
        if total > MAX_STALLS_PER_ZONE {
            e.add(
                "rows",
                "too_many",
                format!("一个摊规点最多 {MAX_STALLS_PER_ZONE} 个摊位"),
                format!("At most {MAX_STALLS_PER_ZONE} stalls per zone"),
            );
        }
        e.0
    }

    /// Stall numbers with their category and size, in order.
    pub fn stalls(&self) -> Vec<(String, crate::TradeCategory, f64, f64)> {
        self.rows
            .iter()
            .flat_map(|r| (1..=r.count).map(move |n| (format!("{}{n:02}", r.prefix), r.category, r.width_m, r.depth_m)))
            .collect()
    }
}

/// Map and list filters. The server's list API and the browser's map apply this same function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneFilter {
    pub district: Option<crate::District>,
    pub category: Option<crate::TradeCategory>,
    pub kind: Option<ZoneKind>,
    /// Only zones open at the moment of the request (Xiamen time).
    #[serde(default)]
    pub open_now: bool,
    /// Only zones with at least one free stall (of the chosen trade, when one is chosen).
    #[serde(default)]
    pub has_free: bool,
    /// Text search over name, code and address.
    pub q: Option<String>,
}

impl ZoneFilter {
    pub fn matches(&self, z: &crate::dto::zones::ZoneSummary, now_local: chrono::NaiveDateTime) -> bool {
        if self.district.is_some_and(|d| d != z.district) || self.kind.is_some_and(|k| k != z.kind) {
            return false;
        }
        if self.category.is_some_and(|c| !z.categories.contains(&c)) {
            return false;
        }
        if self.has_free && z.free_for(self.category) == 0 {
            return false;
        }
        if self.open_now {
            let (wd, min) = crate::time::weekday_minute(now_local);
            if z.status != ZoneStatus::Active || !is_open(&z.hours, wd, min) {
                return false;
            }
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let q = q.to_lowercase();
            if !(z.name.to_lowercase().contains(&q)
                || z.code.to_lowercase().contains(&q)
                || z.address.to_lowercase().contains(&q))
            {
                return false;
            }
        }
        true
    }

    /// The filter as query pairs (unencoded), in a fixed order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut parts = Vec::new();
        if let Some(d) = self.district {
            parts.push(("district", d.code().to_string()));
        }
        if let Some(c) = self.category {
            parts.push(("category", c.as_str().to_string()));
        }
        if let Some(k) = self.kind {
            parts.push(("kind", k.as_str().to_string()));
        }
        if self.open_now {
            parts.push(("open_now", "true".into()));
        }
        if self.has_free {
            parts.push(("has_free", "true".into()));
        }
        if let Some(q) = self.q.as_deref().filter(|q| !q.is_empty()) {
            parts.push(("q", q.to_string()));
        }
        parts
    }

    /// `district=350203&category=cooked_food&open_now=true…` for shareable map URLs.
    pub fn to_query(&self) -> String {
        self.to_pairs().into_iter().map(|(k, v)| format!("{k}={}", percent_encode(&v))).collect::<Vec<_>>().join("&")
    }

    /// Reads the same query (unknown or malformed values are ignored, never an error on a map URL).
    pub fn from_query(query: &str) -> ZoneFilter {
        let mut f = ZoneFilter::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "district" => f.district = crate::District::parse_any(&v),
                "category" => f.category = crate::TradeCategory::parse(&v),
                "kind" => f.kind = ZoneKind::parse(&v),
                "open_now" => f.open_now = v == "true" || v == "1",
                "has_free" => f.has_free = v == "true" || v == "1",
                "q" => f.q = Some(v).filter(|s| !s.is_empty()),
                _ => {}
            }
        }
        f
    }
}

pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod input_tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::dto::zones::ZoneSummary;
    use crate::{District, TradeCategory};

    pub fn sample() -> ZoneInput {
        ZoneInput {
            code: "SM-151".into(),
            name: "测试摊规点".into(),
            district: District::Siming,
            address: "思明区某路".into(),
            kind: ZoneKind::Permanent,
            geometry: vec![crate::geo::rectangle_polygon([118.09, 24.47], 40.0, 10.0, 0.0)],
            hours: vec![HoursWindow::new(&EVERY_DAY, "17:00", "22:00", None)],
            categories: vec![TradeCategory::CookedFood],
            banned: vec![],
            stall_width_m: 2.0,
            stall_depth_m: 2.0,
            fee_yuan_month: 0,
            fee_note: String::new(),
            managing_unit: "思明区城市管理局".into(),
            contact_phone: "12345".into(),
            site_name: None,
            site_contractor: None,
            valid_from: None,
            valid_until: None,
        }
    }

    #[test]
    fn a_good_zone_passes_and_a_bad_one_lists_everything() {
        assert!(sample().validate().is_empty(), "{:?}", sample().validate());
        let mut z = sample();
        z.code = "HL-151".into();
        z.name = String::new();
        z.geometry = vec![vec![[118.0, 24.0], [118.1, 24.0], [118.0, 24.1]]];
        z.hours.clear();
        z.categories.clear();
        z.kind = ZoneKind::Temporary;
        let fields: Vec<String> = z.validate().into_iter().map(|e| e.field).collect();
        for f in ["code", "name", "geometry[0]", "hours", "categories", "site_name", "valid_until"] {
            assert!(fields.iter().any(|x| x == f), "{f} missing in {fields:?}");
        }
    }

    #[test]
    fn normalise_makes_outer_rings_ccw() {
        let mut z = sample();
        z.geometry[0].reverse();
        assert!(!crate::geo::is_ccw(&z.geometry[0]));
        z.normalise();
        assert!(crate::geo::is_ccw(&z.geometry[0]));
    }

    #[test]
    fn layout_numbers_and_limits() {
        let l = StallLayout {
            rows: vec![
                StallRow {
                    prefix: "A".into(),
                    count: 3,
                    category: TradeCategory::CookedFood,
                    width_m: 2.0,
                    depth_m: 2.0,
                },
                StallRow { prefix: "B".into(), count: 2, category: TradeCategory::Flowers, width_m: 1.5, depth_m: 1.5 },
            ],
        };
        assert!(l.validate().is_empty());
        let n: Vec<String> = l.stalls().into_iter().map(|s| s.0).collect();
        assert_eq!(n, ["A01", "A02", "A03", "B01", "B02"]);
        let bad = StallLayout {
            rows: vec![StallRow {
                prefix: "a1".into(),
                count: 0,
                category: TradeCategory::Flowers,
                width_m: 0.1,
                depth_m: 2.0,
            }],
        };
        let fields: Vec<String> = bad.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["rows[0].prefix", "rows[0].count", "rows[0].width_m"]);
    }

    fn summary() -> ZoneSummary {
        ZoneSummary {
            id: 1,
            code: "SM-001".into(),
            name: "八市周边便民摊规点".into(),
            district: District::Siming,
            kind: ZoneKind::Permanent,
            status: ZoneStatus::Active,
            address: "思明区开禾路".into(),
            lon: 118.07,
            lat: 24.46,
            categories: vec![TradeCategory::FruitVegetable],
            hours: vec![HoursWindow::new(&EVERY_DAY, "06:00", "09:30", None)],
            stalls_total: 40,
            stalls_free: 0,
            stalls_free_by_category: Default::default(),
            fee_yuan_month: 0,
            valid_until: None,
        }
    }

    #[test]
    fn filter_matches_and_round_trips_through_the_url() {
        let z = summary();
        let morning = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap().and_hms_opt(7, 0, 0).unwrap();
        let noon = morning + chrono::Duration::hours(5);
        let f = ZoneFilter { district: Some(District::Siming), open_now: true, ..Default::default() };
        assert!(f.matches(&z, morning));
        assert!(!f.matches(&z, noon));
        assert!(!ZoneFilter { has_free: true, ..Default::default() }.matches(&z, morning));
        let mut fruit = z.clone();
        fruit.stalls_free = 3;
        fruit.stalls_free_by_category = [(TradeCategory::FruitVegetable, 3)].into_iter().collect();
        assert!(ZoneFilter { has_free: true, ..Default::default() }.matches(&fruit, morning));
        let wants = |c| ZoneFilter { has_free: true, category: Some(c), ..Default::default() };
        assert!(wants(TradeCategory::FruitVegetable).matches(&fruit, morning));
        fruit.categories.push(TradeCategory::CookedFood);
        assert!(
            !wants(TradeCategory::CookedFood).matches(&fruit, morning),
            "free stalls of another trade do not count"
        );
        assert!(!ZoneFilter { district: Some(District::Huli), ..Default::default() }.matches(&z, morning));
        assert!(!ZoneFilter { category: Some(TradeCategory::Flowers), ..Default::default() }.matches(&z, morning));
        assert!(ZoneFilter { q: Some("八市".into()), ..Default::default() }.matches(&z, morning));
        let full = ZoneFilter {
            district: Some(District::Huli),
            category: Some(TradeCategory::CookedFood),
            kind: Some(ZoneKind::Temporary),
            open_now: true,
            has_free: true,
            q: Some("夜市 A&B".into()),
        };
        assert_eq!(ZoneFilter::from_query(&full.to_query()), full);
        assert_eq!(ZoneFilter::from_query("district=bogus&x=1"), ZoneFilter::default());
    }
}
