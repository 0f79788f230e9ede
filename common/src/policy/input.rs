//! Shape checks on filings before any rule is applied: text lengths, numbers, dates in order, a
//! drawn area that is a real polygon in Xiamen. A filing failing these is refused outright (422)
//! and nothing is stored; rule outcomes (rejected, needs review) are decisions and are recorded.

use super::{CrossStoreFiling, OutdoorPromoFiling, PolicyApplication};
use crate::FieldError;
use crate::validate::Errors;

fn positive(e: &mut Errors, field: &str, v: f64, max: f64, zh: &str, en: &str) {
    if !v.is_finite() || v <= 0.0 || v > max {
        e.add(
            field,
            "range",
            format!("{zh}应大于 0 且不超过 {max}"),
            format!("{en} must be above 0 and at most {max}"),
        );
    }
}

impl CrossStoreFiling {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.text("shop_name", "店铺名称", "Shop name", &self.shop_name, 60);
        e.text("address", "门牌地址", "Address", &self.address, 120);
        positive(&mut e, "frontage_m", self.frontage_m, 100.0, "门面长度（米）", "Frontage (m)");
        positive(&mut e, "depth_m", self.depth_m, 20.0, "外摆深度（米）", "Depth (m)");
        if self.ends_on < self.starts_on {
            e.add("ends_on", "before_start", "结束日期不能早于开始日期", "The end date is before the start date");
        }
        if self.windows.is_empty() {
            e.add("windows", "required", "请至少选择一个经营时段", "Choose at least one time window");
        }
        for (i, w) in self.windows.iter().enumerate() {
            if w.start >= w.end {
                e.add(&format!("windows[{i}]"), "order", "时段的开始须早于结束", "A window must start before it ends");
            }
        }
        if let Some(ring) = &self.area {
            for p in crate::geo::validate_polygon_ring(ring) {
                e.push(p.field_error("area"));
            }
        }
        e.0
    }
}

impl OutdoorPromoFiling {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.text("venue_name", "场地名称", "Venue", &self.venue_name, 60);
        e.text("address", "地址", "Address", &self.address, 120);
        e.text("description", "活动内容", "Description", &self.description, 500);
        positive(&mut e, "area_m2", self.area_m2, 100_000.0, "使用面积（平方米）", "Area (m²)");
        if !crate::geo::XIAMEN_BBOX.contains(self.location) {
            e.add("location", "outside_xiamen", "活动地点不在厦门范围内", "The location is outside Xiamen");
        }
        if self.ends_on < self.starts_on {
            e.add("ends_on", "before_start", "结束日期不能早于开始日期", "The end date is before the start date");
        }
        if (self.ends_on - self.starts_on).num_days() > 366 {
            e.add("ends_on", "too_long", "一次备案最长一年", "One filing covers at most a year");
        }
        if self.daily_start >= self.daily_end {
            e.add("daily_end", "order", "每日结束时间须晚于开始时间", "The daily end must be after the start");
        }
        if self.expected_visitors > 1_000_000 {
            e.add("expected_visitors", "range", "预计人数不合理", "Expected visitors is not plausible");
        }
        if self.temporary_ads > 1000 {
            e.add("temporary_ads", "range", "临时广告数量不合理", "Number of temporary ads is not plausible");
        }
        e.0
    }

    /// Events at the same venue are found by this key: the address, without spaces or case.
    pub fn venue_key(&self) -> String {
        self.address.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
    }
}

impl PolicyApplication {
    pub fn validate(&self) -> Vec<FieldError> {
        match self {
            PolicyApplication::CrossStore(c) => c.validate(),
            PolicyApplication::OutdoorPromo(o) => o.validate(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            PolicyApplication::CrossStore(_) => "cross_store",
            PolicyApplication::OutdoorPromo(_) => "outdoor_promo",
        }
    }

    pub fn dates(&self) -> (chrono::NaiveDate, chrono::NaiveDate) {
        match self {
            PolicyApplication::CrossStore(c) => (c.starts_on, c.ends_on),
            PolicyApplication::OutdoorPromo(o) => (o.starts_on, o.ends_on),
        }
    }
}

/// A drawn area further than this from the chosen segment's centre line is not "in front of the
/// door" on that segment (sidewalks here are under 10 m; the rest is drawing slack).
pub const MAX_AREA_OFFSET_M: f64 = 25.0;

/// The drawn area must lie beside the segment the shop chose; otherwise the segment's class and
/// sidewalk say nothing about it.
pub fn check_area_on_segment(filing: &CrossStoreFiling, segment_line: &[[f64; 2]]) -> Vec<FieldError> {
    let Some(area) = &filing.area else { return Vec::new() };
    let far = area.iter().any(|p| {
        segment_line
            .windows(2)
            .map(|w| crate::geo::distance_point_segment_m(*p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
            > MAX_AREA_OFFSET_M
    });
    if far {
        vec![FieldError::new(
            "area",
            "off_segment",
            format!("经营范围须画在所选路段旁（距路段中线 {MAX_AREA_OFFSET_M} 米以内）"),
            format!("Draw the area beside the chosen segment (within {MAX_AREA_OFFSET_M} m of its centre line)"),
        )]
    } else {
        Vec::new()
    }
}

/// The area of a cross-storefront filing: the drawn polygon, or a rectangle `frontage × depth`
/// in front of the segment's middle when none was drawn (so overlaps can still be checked).
pub fn effective_area(filing: &CrossStoreFiling, segment_line: &[[f64; 2]]) -> Option<Vec<[f64; 2]>> {
    if let Some(a) = &filing.area {
        return Some(a.clone());
    }
    let (a, b) = (segment_line.first()?, segment_line.last()?);
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let bearing = (b[0] - a[0]).atan2(b[1] - a[1]).to_degrees();
    Some(crate::geo::rectangle_polygon(mid, filing.frontage_m, filing.depth_m, 90.0 - bearing))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use chrono::{NaiveDate, NaiveTime};

    use super::*;
    use crate::policy::{ShopTrade, TimeWindow};

    fn filing() -> CrossStoreFiling {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        CrossStoreFiling {
            segment_id: 1,
            shop_name: "兴隆路沙县小吃".into(),
            address: "思明区兴隆路 12 号".into(),
            trade: ShopTrade::Catering,
            frontage_m: 4.0,
            depth_m: 1.0,
            area: None,
            windows: vec![TimeWindow { start: t(18), end: t(22), label: None }],
            starts_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2027, 5, 31).unwrap(),
            frontage_duties: true,
        }
    }

    #[test]
    fn drawn_area_must_be_beside_the_segment() {
        let line = [[118.0800, 24.4700], [118.0830, 24.4700]];
        let mut f = filing();
        assert!(check_area_on_segment(&f, &line).is_empty(), "no area drawn: nothing to check");
        let near = crate::geo::rectangle_polygon([118.0815, 24.47005], 4.0, 1.0, 0.0);
        f.area = Some(near);
        assert!(check_area_on_segment(&f, &line).is_empty());
        f.area = Some(crate::geo::rectangle_polygon([118.0815, 24.4710], 4.0, 1.0, 0.0));
        let e = check_area_on_segment(&f, &line);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].code, "off_segment");
    }

    #[test]
    fn shape_checks() {
        assert!(filing().validate().is_empty());
        let mut f = filing();
        f.depth_m = -1.0;
        f.ends_on = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        f.area = Some(vec![[118.0, 24.4], [118.1, 24.5]]);
        f.windows[0].end = f.windows[0].start;
        let fields: Vec<String> = f.validate().into_iter().map(|e| e.field).collect();
        for expect in ["depth_m", "ends_on", "windows[0]", "area"] {
            assert!(fields.iter().any(|x| x == expect), "{expect} in {fields:?}");
        }
        let line = [[118.08, 24.46], [118.082, 24.461]];
        let area = effective_area(&filing(), &line).unwrap();
        assert!(crate::geo::validate_polygon_ring(&area).is_empty());
    }
}
