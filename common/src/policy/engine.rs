//! Applies a [`PolicyPack`] to one filing: every rule of the filing's kind, in pack order, each
//! with pass / fail / for-officer and a reason that carries the numbers ("外摆深度 2.0 米，超过限设区
//! 上限 1.0 米"), named against the form field it is about so the page can show it right there.
//!
//! The pack decides which rules exist. A rule the pack leaves out is not checked. A rule the pack
//! has but this engine does not know is sent to an officer: the city can publish a new rule before
//! the code learns to check it, and it must never pass unseen. Ids and clauses come from the pack;
//! the engine supplies the verdict and the reason.
//!
//! No clock and no I/O (today's date and the neighbours come in [`EvalContext`]), so the browser
//! and the server reach the same answer from the same inputs.
//!
//! Lengths and areas are compared after rounding to 0.001 (a millimetre, a thousandth of a square
//! metre): what is compared is what the message shows, and `2.1 − 0.6` is 1.5 as people expect.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};

use super::{
    Check, CrossStoreFiling, CrossStoreParams, EvalContext, Evaluation, Outcome, OutdoorPromoFiling,
    OutdoorPromoParams, PolicyApplication, PolicyPack, Rule, RuleResult, SegmentFacts, StreetClass, StreetClassLimits,
    TimeWindow,
};
use crate::{Text, geo};

/// A cross-storefront check: the pack's parameters, the filing, its street segment (when the
/// context has the one filed for) and the rest of the context.
type CrossStoreCheck = fn(&CrossStoreParams, &CrossStoreFiling, Option<&SegmentFacts>, &EvalContext) -> Verdict;

/// An outdoor-promotion check.
type OutdoorPromoCheck = fn(&OutdoorPromoParams, &OutdoorPromoFiling, &EvalContext) -> Verdict;

/// The cross-storefront rules this engine can check, by pack rule id.
const CROSS_STORE_CHECKS: [(&str, CrossStoreCheck); 11] = [
    ("CS-SEGMENT-CLASS", |_, f, seg, _| segment_class(f, seg)),
    ("CS-TRADE", |p, f, _, _| trade(p, f)),
    ("CS-FRONTAGE", |p, f, _, _| frontage(p, f)),
    ("CS-AREA-SIZE", |p, f, _, _| area_size(p, f)),
    ("CS-DEPTH", depth),
    ("CS-CLEARANCE", clearance),
    ("CS-WINDOWS", windows),
    ("CS-OVERLAP-EXTENSION", |_, f, _, ctx| {
        no_overlap(f, &ctx.other_extensions, ("其他跨店经营区域", "other cross-storefront area(s)"))
    }),
    ("CS-OVERLAP-ZONE", |_, f, _, ctx| no_overlap(f, &ctx.vending_zones, ("摊规点", "vending zone(s)"))),
    ("CS-DUTIES", |_, f, _, _| duties(f)),
    ("CS-DATES", |p, f, _, ctx| cross_store_dates(p, f, ctx.today)),
];

/// The outdoor-promotion rules this engine can check, by pack rule id.
const OUTDOOR_PROMO_CHECKS: [(&str, OutdoorPromoCheck); 9] = [
    ("OP-LEAD", |p, f, ctx| lead(p, f, ctx.today)),
    ("OP-LENGTH", |p, f, _| length(p, f)),
    ("OP-MONTH", |p, f, ctx| per_month(p, f, &ctx.venue_events)),
    ("OP-HOURS", |p, f, _| hours(p, f)),
    ("OP-OVERLAP", |_, f, ctx| venue_overlap(f, &ctx.venue_events)),
    ("OP-AREA", |p, f, _| area(p, f)),
    ("OP-SAFETY", |_, f, _| safety(f)),
    ("OP-ADS", |p, f, _| ads(p, f)),
    ("OP-SIZE", |p, f, _| size(p, f)),
];

/// Checks `app` against every rule of its kind in `pack` (in pack order) and decides: any fail →
/// `rejected`; else anything for an officer → `needs_review`; else `filed`.
pub fn evaluate(pack: &PolicyPack, app: &PolicyApplication, ctx: &EvalContext) -> Evaluation {
    let kind = match app {
        PolicyApplication::CrossStore(_) => "cross_store",
        PolicyApplication::OutdoorPromo(_) => "outdoor_promo",
    };
    let results: Vec<RuleResult> = pack
        .rules
        .iter()
        .filter(|r| r.applies_to == kind)
        .map(|rule| {
            let verdict = match app {
                PolicyApplication::CrossStore(f) => cross_store(&rule.id, &pack.cross_store, f, ctx),
                PolicyApplication::OutdoorPromo(f) => outdoor_promo(&rule.id, &pack.outdoor_promo, f, ctx),
            }
            .unwrap_or_else(|| unknown_rule(rule));
            RuleResult {
                rule_id: rule.id.clone(),
                clause: rule.clause.clone(),
                check: verdict.check,
                message: verdict.message,
                field: verdict.field,
            }
        })
        .collect();
    let outcome = if results.iter().any(|r| r.check == Check::Fail) {
        Outcome::Rejected
    } else if results.iter().any(|r| r.check == Check::ForOfficer) {
        Outcome::NeedsReview
    } else {
        Outcome::Filed
    };
    Evaluation { outcome, pack_version: pack.version, results }
}

/// What one rule says about one filing, before the pack's id and clause are attached.
struct Verdict {
    check: Check,
    message: Text,
    field: Option<String>,
}

fn verdict(check: Check, field: &str, zh: String, en: String) -> Verdict {
    Verdict { check, message: Text::new(zh, en), field: Some(field.to_string()) }
}

fn pass(field: &str, zh: String, en: String) -> Verdict {
    verdict(Check::Pass, field, zh, en)
}

fn fail(field: &str, zh: String, en: String) -> Verdict {
    verdict(Check::Fail, field, zh, en)
}

fn for_officer(field: &str, zh: String, en: String) -> Verdict {
    verdict(Check::ForOfficer, field, zh, en)
}

/// A rule in the pack that this engine has no check for.
fn unknown_rule(rule: &Rule) -> Verdict {
    Verdict {
        check: Check::ForOfficer,
        message: Text::new(
            format!("本规则暂不能自动核对，由执法人员审核：{}", rule.text.zh),
            format!("This rule cannot be checked automatically; an officer reviews it: {}", rule.text.en),
        ),
        field: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting and arithmetic
// ---------------------------------------------------------------------------------------------

/// Rounded to 0.001, the precision every length and area is compared and shown at.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A length or area as people write it: at least one decimal, at most three ("2.0", "1.25").
fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let mut s = format!("{:.3}", round3(x));
    while s.ends_with('0') && !s.ends_with(".0") {
        s.pop();
    }
    if s == "-0.0" { "0.0".to_string() } else { s }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn span(start: NaiveTime, end: NaiveTime) -> String {
    format!("{}–{}", hm(start), hm(end))
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn weekday_zh(d: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][d.weekday().num_days_from_monday() as usize]
}

fn weekday_en(d: NaiveDate) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.weekday().num_days_from_monday() as usize]
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Days from `a` to `b`, both counted; 0 when `b` is before `a`.
fn days_inclusive(a: NaiveDate, b: NaiveDate) -> i64 {
    ((b - a).num_days() + 1).max(0)
}

/// How many days the inclusive ranges `a0..=a1` and `b0..=b1` share.
fn shared_days(a0: NaiveDate, a1: NaiveDate, b0: NaiveDate, b1: NaiveDate) -> i64 {
    days_inclusive(a0.max(b0), a1.min(b1))
}

/// The first week of `start..=end` (or all of it if shorter): every weekday-dependent rule breaks,
/// if at all, on one of these days, and a filing running to the year 9999 costs seven steps.
fn first_week(start: NaiveDate, end: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    start.iter_days().take_while(move |d| *d <= end).take(7)
}

fn class_limits(p: &CrossStoreParams, class: StreetClass) -> Option<StreetClassLimits> {
    match class {
        StreetClass::Prohibited => None,
        StreetClass::Restricted => Some(p.restricted),
        StreetClass::Suitable => Some(p.suitable),
    }
}

// ---------------------------------------------------------------------------------------------
// 跨店经营
// ---------------------------------------------------------------------------------------------

fn cross_store(id: &str, p: &CrossStoreParams, f: &CrossStoreFiling, ctx: &EvalContext) -> Option<Verdict> {
    let (_, check) = CROSS_STORE_CHECKS.iter().find(|(known, _)| *known == id)?;
    // Facts about another segment than the one filed for are no facts about this filing.
    let seg = ctx.segment.as_ref().filter(|s| s.id == f.segment_id);
    Some(check(p, f, seg, ctx))
}

fn segment_missing(f: &CrossStoreFiling, what_zh: &str, what_en: &str) -> Verdict {
    fail(
        "segment_id",
        format!("未找到编号为 {} 的路段，无法核对{what_zh}；请在地图上选择店门前的路段", f.segment_id),
        format!(
            "Street segment {} was not found, so the {what_en} cannot be checked; choose the segment in front of the shop on the map",
            f.segment_id
        ),
    )
}

fn segment_class(f: &CrossStoreFiling, seg: Option<&SegmentFacts>) -> Verdict {
    let Some(s) = seg else {
        return segment_missing(f, "路段分类", "street class");
    };
    match s.class {
        StreetClass::Prohibited => fail(
            "segment_id",
            format!("路段「{}」为禁设区，不允许跨店经营", s.name),
            format!("{} is a prohibited street: no trading outside the shop", s.name),
        ),
        StreetClass::Restricted => for_officer(
            "segment_id",
            format!("路段「{}」为限设区，外摆区域和时段须由执法人员核定", s.name),
            format!("{} is a restricted street: an officer confirms the area and times", s.name),
        ),
        StreetClass::Suitable => pass(
            "segment_id",
            format!("路段「{}」为宜设区，可以跨店经营", s.name),
            format!("{} is a suitable street: trading outside is allowed", s.name),
        ),
    }
}

fn trade(p: &CrossStoreParams, f: &CrossStoreFiling) -> Verdict {
    let zh: Vec<&str> = p.allowed_trades.iter().map(|t| t.name_zh()).collect();
    let en: Vec<String> = p.allowed_trades.iter().map(|t| t.name_en().to_lowercase()).collect();
    let (zh, en) = (zh.join("、"), en.join(", "));
    if p.allowed_trades.contains(&f.trade) {
        pass(
            "trade",
            format!("经营业态「{}」可以跨店经营", f.trade.name_zh()),
            format!("{} may trade outside the shop", f.trade.name_en()),
        )
    } else {
        fail(
            "trade",
            format!("经营业态「{}」不在可跨店经营的业态（{zh}）之内", f.trade.name_zh()),
            format!("{} is not among the trades that may trade outside the shop ({en})", f.trade.name_en()),
        )
    }
}

fn frontage(p: &CrossStoreParams, f: &CrossStoreFiling) -> Verdict {
    let (x, max) = (f.frontage_m, p.max_frontage_m);
    if !x.is_finite() || round3(x) <= 0.0 {
        fail(
            "frontage_m",
            format!("门面长度须大于 0 米（填写的是 {}）", num(x)),
            format!("Frontage must be above 0 m (given: {})", num(x)),
        )
    } else if round3(x) > round3(max) {
        fail(
            "frontage_m",
            format!("门面长度 {} 米，超过上限 {} 米", num(x), num(max)),
            format!("Frontage {} m exceeds the {} m limit", num(x), num(max)),
        )
    } else {
        pass(
            "frontage_m",
            format!("门面长度 {} 米，未超过上限 {} 米", num(x), num(max)),
            format!("Frontage {} m is within the {} m limit", num(x), num(max)),
        )
    }
}

/// The area drawn on the map must be about what the shop declared (frontage × depth): a drawing
/// many times larger would put on the map, and on the certificate, more pavement than was checked.
fn area_size(p: &CrossStoreParams, f: &CrossStoreFiling) -> Verdict {
    let declared = f.frontage_m * f.depth_m;
    let dims_zh = format!("{} 米 × {} 米 = {} 平方米", num(f.frontage_m), num(f.depth_m), num(declared));
    let dims_en = format!("{} m × {} m = {} m²", num(f.frontage_m), num(f.depth_m), num(declared));
    let Some(ring) = &f.area else {
        return pass(
            "area",
            format!("未在地图上画出区域，按申报尺寸 {dims_zh} 核对"),
            format!("No area drawn on the map; the declared size {dims_en} is used"),
        );
    };
    if !declared.is_finite() || round3(declared) <= 0.0 {
        return fail(
            "area",
            "门面长度和深度须先填写为大于 0 的数，才能核对所画面积".to_string(),
            "Enter a frontage and a depth above 0 so the area drawn can be checked".to_string(),
        );
    }
    let drawn = geo::ring_area_m2(ring);
    let t = p.area_tolerance.max(0.0);
    // Within the tolerance either way (a finger on a phone map is not a tape measure), with one
    // square metre of slack so tiny areas are not refused for a few centimetres.
    let (low, high) = (declared / (1.0 + t) - 1.0, declared * (1.0 + t) + 1.0);
    let pct = num(t * 100.0).trim_end_matches(".0").to_string();
    if round3(drawn) > round3(high) || round3(drawn) < round3(low) {
        fail(
            "area",
            format!("所画区域约 {} 平方米，与申报的 {dims_zh} 相差超过 {pct}%，请按实际尺寸重画或修改尺寸", num(drawn)),
            format!(
                "The area drawn is about {} m², more than {pct}% off the declared {dims_en}; redraw it to size or correct the size",
                num(drawn)
            ),
        )
    } else {
        pass(
            "area",
            format!("所画区域约 {} 平方米，与申报的 {dims_zh} 相符", num(drawn)),
            format!("The area drawn, about {} m², matches the declared {dims_en}", num(drawn)),
        )
    }
}

fn depth(p: &CrossStoreParams, f: &CrossStoreFiling, seg: Option<&SegmentFacts>, _: &EvalContext) -> Verdict {
    let d = f.depth_m;
    if !d.is_finite() || round3(d) <= 0.0 {
        return fail(
            "depth_m",
            format!("外摆深度须大于 0 米（填写的是 {}）", num(d)),
            format!("Depth must be above 0 m (given: {})", num(d)),
        );
    }
    let Some(s) = seg else {
        return segment_missing(f, "外摆深度上限", "depth limit");
    };
    let (class_zh, class_en) = (s.class.name_zh(), s.class.name_en().to_lowercase());
    match class_limits(p, s.class) {
        None => fail(
            "depth_m",
            format!("路段「{}」为禁设区，不允许外摆（填写深度 {} 米）", s.name, num(d)),
            format!("No trading area is allowed on {}, a prohibited street (depth given: {} m)", s.name, num(d)),
        ),
        Some(l) if round3(d) > round3(l.max_depth_m) => fail(
            "depth_m",
            format!("外摆深度 {} 米，超过{class_zh}上限 {} 米", num(d), num(l.max_depth_m)),
            format!("Depth {} m exceeds the {} m limit on a {class_en} street", num(d), num(l.max_depth_m)),
        ),
        Some(l) => pass(
            "depth_m",
            format!("外摆深度 {} 米，未超过{class_zh}上限 {} 米", num(d), num(l.max_depth_m)),
            format!("Depth {} m is within the {} m limit on a {class_en} street", num(d), num(l.max_depth_m)),
        ),
    }
}

fn clearance(p: &CrossStoreParams, f: &CrossStoreFiling, seg: Option<&SegmentFacts>, _: &EvalContext) -> Verdict {
    let Some(s) = seg else {
        return segment_missing(f, "剩余通行宽度", "walkway left clear");
    };
    let Some(l) = class_limits(p, s.class) else {
        return fail(
            "depth_m",
            format!("路段「{}」为禁设区，人行道不得用于外摆", s.name),
            format!("{} is a prohibited street: its pavement may not be used for trading", s.name),
        );
    };
    let d = f.depth_m;
    if !d.is_finite() {
        return fail(
            "depth_m",
            "外摆深度不是有效数字，无法计算剩余通行宽度".to_string(),
            "The depth is not a number, so the walkway left clear cannot be worked out".to_string(),
        );
    }
    let left = round3(s.sidewalk_m - d.max(0.0));
    let facts_zh = format!("人行道宽 {} 米，外摆深度 {} 米", num(s.sidewalk_m), num(d));
    let facts_en = format!("pavement {} m, depth {} m", num(s.sidewalk_m), num(d));
    if left < round3(l.min_clearance_m) {
        fail(
            "depth_m",
            format!("剩余通行宽度 {} 米，少于 {} 米（{facts_zh}）", num(left), num(l.min_clearance_m)),
            format!("Walkway left clear {} m is less than {} m ({facts_en})", num(left), num(l.min_clearance_m)),
        )
    } else {
        pass(
            "depth_m",
            format!("剩余通行宽度 {} 米，不少于 {} 米（{facts_zh}）", num(left), num(l.min_clearance_m)),
            format!("Walkway left clear {} m is at least {} m ({facts_en})", num(left), num(l.min_clearance_m)),
        )
    }
}

fn windows(p: &CrossStoreParams, f: &CrossStoreFiling, seg: Option<&SegmentFacts>, _: &EvalContext) -> Verdict {
    let allowed_zh: Vec<String> = p
        .windows
        .iter()
        .map(|w| match &w.label {
            Some(l) if !l.trim().is_empty() => format!("{l} {}", span(w.start, w.end)),
            _ => span(w.start, w.end),
        })
        .collect();
    let allowed_en: Vec<String> = p.windows.iter().map(|w| span(w.start, w.end)).collect();
    let (allowed_zh, allowed_en) = (allowed_zh.join("、"), allowed_en.join(", "));
    if f.windows.is_empty() {
        return fail(
            "windows",
            format!("请至少填写一个外摆时段（允许时段：{allowed_zh}）"),
            format!("Give at least one trading window (allowed: {allowed_en})"),
        );
    }
    let near_homes = seg.filter(|s| s.near_homes);
    for (i, w) in f.windows.iter().enumerate() {
        let (field, n, ws) = (format!("windows[{i}]"), i + 1, span(w.start, w.end));
        if w.start >= w.end {
            return fail(
                &field,
                format!("第 {n} 个时段 {ws}：开始时间须早于结束时间"),
                format!("Window {n} ({ws}) must start before it ends"),
            );
        }
        if !p.windows.iter().any(|a| a.start <= w.start && w.end <= a.end) {
            return fail(
                &field,
                format!("第 {n} 个时段 {ws} 不在允许时段（{allowed_zh}）之内"),
                format!("Window {n} ({ws}) is not inside an allowed window ({allowed_en})"),
            );
        }
        if let Some(s) = near_homes
            && w.end > p.near_homes_latest_end
        {
            let late = hm(p.near_homes_latest_end);
            return fail(
                &field,
                format!("路段「{}」临近住宅，第 {n} 个时段 {ws} 须在 {late} 前结束", s.name),
                format!("{} faces homes: window {n} ({ws}) must end by {late}", s.name),
            );
        }
    }
    let (homes_zh, homes_en) = match near_homes {
        Some(_) => {
            let late = hm(p.near_homes_latest_end);
            (format!("，临近住宅，均在 {late} 前结束"), format!("; near homes, all end by {late}"))
        }
        None => (String::new(), String::new()),
    };
    pass(
        "windows",
        format!("{} 个时段均在允许时段（{allowed_zh}）之内{homes_zh}", f.windows.len()),
        format!("All {} window(s) are inside the allowed windows ({allowed_en}){homes_en}", f.windows.len()),
    )
}

/// The drawn area is a valid ring and overlaps none of `others`. Without a drawing there is
/// nothing to place on the map: the frontage × depth rectangle is what gets painted on site.
fn no_overlap(f: &CrossStoreFiling, others: &[Vec<[f64; 2]>], (what_zh, what_en): (&str, &str)) -> Verdict {
    let Some(area) = &f.area else {
        let m2 = f.frontage_m * f.depth_m;
        return pass(
            "area",
            format!(
                "未在地图上画出区域，按门面长度 × 深度（{} × {} = {} 平方米）核对；是否与{what_zh}重叠在现场划线时确认",
                num(f.frontage_m),
                num(f.depth_m),
                num(m2)
            ),
            format!(
                "No area drawn on the map: frontage × depth ({} m × {} m = {} m²) was used; overlap with {what_en} is checked when the line is painted on site",
                num(f.frontage_m),
                num(f.depth_m),
                num(m2)
            ),
        );
    };
    let problems = geo::validate_polygon_ring(area);
    if !problems.is_empty() {
        let zh: Vec<String> = problems.iter().map(|p| p.zh()).collect();
        let en: Vec<String> = problems.iter().map(|p| p.en()).collect();
        return fail(
            "area",
            format!("所画区域无效：{}", zh.concat()),
            format!("The area drawn is not valid: {}", en.join(" ")),
        );
    }
    let this = std::slice::from_ref(area);
    let hits = others.iter().filter(|o| geo::polygons_overlap(this, std::slice::from_ref(*o))).count();
    let m2 = num(geo::ring_area_m2(area));
    if hits > 0 {
        fail(
            "area",
            format!("所画区域（约 {m2} 平方米）与 {hits} 处{what_zh}重叠"),
            format!("The area drawn (about {m2} m²) overlaps {hits} {what_en}"),
        )
    } else {
        pass(
            "area",
            format!("所画区域（约 {m2} 平方米）未与附近 {} 处{what_zh}重叠", others.len()),
            format!("The area drawn (about {m2} m²) overlaps none of the {} nearby {what_en}", others.len()),
        )
    }
}

fn duties(f: &CrossStoreFiling) -> Verdict {
    if f.frontage_duties {
        pass(
            "frontage_duties",
            "已承诺落实门前三包（门前清洁、绿化、秩序）".to_string(),
            "The shop commits to its frontage duties (clean, green, orderly)".to_string(),
        )
    } else {
        fail(
            "frontage_duties",
            "跨店经营须承诺落实门前三包（门前清洁、绿化、秩序）".to_string(),
            "Trading outside requires committing to the frontage duties (clean, green, orderly)".to_string(),
        )
    }
}

fn cross_store_dates(p: &CrossStoreParams, f: &CrossStoreFiling, today: Option<NaiveDate>) -> Verdict {
    let (s, e) = (f.starts_on, f.ends_on);
    if let Some(t) = today
        && s < t
    {
        return fail(
            "starts_on",
            format!("开始日期 {} 早于今天 {}", ymd(s), ymd(t)),
            format!("The start date {} is before today ({})", ymd(s), ymd(t)),
        );
    }
    if e < s {
        return fail(
            "ends_on",
            format!("结束日期 {} 早于开始日期 {}", ymd(e), ymd(s)),
            format!("The end date {} is before the start date {}", ymd(e), ymd(s)),
        );
    }
    let n = days_inclusive(s, e);
    if n > i64::from(p.max_days) {
        fail(
            "ends_on",
            format!("备案期限 {n} 天（{} 至 {}），超过上限 {} 天", ymd(s), ymd(e), p.max_days),
            format!("The filing runs {n} days ({} to {}), over the {}-day limit", ymd(s), ymd(e), p.max_days),
        )
    } else {
        pass(
            "ends_on",
            format!("备案期限 {} 至 {}，共 {n} 天，未超过 {} 天", ymd(s), ymd(e), p.max_days),
            format!("The filing runs {n} days ({} to {}), within the {}-day limit", ymd(s), ymd(e), p.max_days),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// 外摆促销
// ---------------------------------------------------------------------------------------------

fn outdoor_promo(id: &str, p: &OutdoorPromoParams, f: &OutdoorPromoFiling, ctx: &EvalContext) -> Option<Verdict> {
    let (_, check) = OUTDOOR_PROMO_CHECKS.iter().find(|(known, _)| *known == id)?;
    Some(check(p, f, ctx))
}

fn lead(p: &OutdoorPromoParams, f: &OutdoorPromoFiling, today: Option<NaiveDate>) -> Verdict {
    let Some(today) = today else {
        // The browser may not know the server's date; the server always passes it.
        return pass(
            "starts_on",
            format!("未提供今天的日期，提前 {} 天备案的要求在提交时核对", p.lead_days),
            format!("Today's date was not given; the {}-day lead time is checked on submit", p.lead_days),
        );
    };
    let earliest = today.checked_add_days(Days::new(p.lead_days.into())).unwrap_or(NaiveDate::MAX);
    let s = f.starts_on;
    if s < earliest {
        fail(
            "starts_on",
            format!("须至少提前 {} 天备案：开始日期 {} 早于最早可办日期 {}", p.lead_days, ymd(s), ymd(earliest)),
            format!(
                "File at least {} days ahead: the first day {} is before the earliest possible {}",
                p.lead_days,
                ymd(s),
                ymd(earliest)
            ),
        )
    } else {
        let n = (s - today).num_days();
        pass(
            "starts_on",
            format!("开始日期 {} 距今天 {n} 天，满足提前 {} 天备案的要求", ymd(s), p.lead_days),
            format!("The first day {} is {n} days from today, at least the {} days required", ymd(s), p.lead_days),
        )
    }
}

fn length(p: &OutdoorPromoParams, f: &OutdoorPromoFiling) -> Verdict {
    let (s, e) = (f.starts_on, f.ends_on);
    if e < s {
        return fail(
            "ends_on",
            format!("结束日期 {} 早于开始日期 {}", ymd(e), ymd(s)),
            format!("The last day {} is before the first day {}", ymd(e), ymd(s)),
        );
    }
    let n = days_inclusive(s, e);
    let weekend = first_week(s, e).any(is_weekend);
    let limit = if weekend { p.max_event_days_with_weekend } else { p.max_event_days };
    if n <= i64::from(limit) {
        let (zh, en) = if weekend { ("（含周末）", " (includes a weekend)") } else { ("", "") };
        pass(
            "ends_on",
            format!("活动 {n} 天{zh}，未超过上限 {limit} 天"),
            format!("The event runs {n} days{en}, within the {limit}-day limit"),
        )
    } else if weekend {
        fail(
            "ends_on",
            format!("活动 {n} 天，超过含周末活动的上限 {limit} 天"),
            format!("The event runs {n} days, over the {limit}-day limit for events that include a weekend"),
        )
    } else {
        fail(
            "ends_on",
            format!("活动 {n} 天，超过上限 {limit} 天（含周末的活动最多 {} 天）", p.max_event_days_with_weekend),
            format!(
                "The event runs {n} days, over the {limit}-day limit ({} days if it includes a weekend)",
                p.max_event_days_with_weekend
            ),
        )
    }
}

/// First and last day of the calendar month holding `d`.
fn month_bounds(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX);
    (first, last)
}

fn per_month(p: &OutdoorPromoParams, f: &OutdoorPromoFiling, venue: &[(NaiveDate, NaiveDate)]) -> Verdict {
    let (s, e) = (f.starts_on, f.ends_on);
    let max = i64::from(p.max_days_per_month);
    // (days, month's first day) of the busiest month so far.
    let mut peak: Option<(i64, NaiveDate)> = None;
    let mut month = month_bounds(s);
    // At most 100 years of months: anything longer fails the length rule anyway.
    for _ in 0..1200 {
        let (first, last) = month;
        if first > e {
            break;
        }
        let this = shared_days(s, e, first, last);
        let other: i64 = venue.iter().map(|(a, b)| shared_days(*a, *b, first, last)).sum();
        let total = this + other;
        if total > max {
            return fail(
                "starts_on",
                format!(
                    "{}年{}月本场地活动共 {total} 天（本次 {this} 天，其他活动 {other} 天），超过每月 {max} 天的上限",
                    first.year(),
                    first.month()
                ),
                format!(
                    "In {}-{:02} the venue would hold events on {total} days ({this} for this event, {other} for others), over the {max}-day monthly limit",
                    first.year(),
                    first.month()
                ),
            );
        }
        if peak.is_none_or(|(d, _)| total > d) {
            peak = Some((total, first));
        }
        match last.succ_opt() {
            Some(next) => month = month_bounds(next),
            None => break,
        }
    }
    match peak {
        Some((days, m)) => pass(
            "starts_on",
            format!("本场地活动最多的月份（{}年{}月）共 {days} 天，未超过每月 {max} 天", m.year(), m.month()),
            format!(
                "The venue's busiest month ({}-{:02}) has {days} event days, within the {max}-day limit",
                m.year(),
                m.month()
            ),
        ),
        None => pass(
            "starts_on",
            "活动日期不成立（见活动天数），不计入每月天数".to_string(),
            "The dates do not form a range (see event length), so no days are counted".to_string(),
        ),
    }
}

fn hours(p: &OutdoorPromoParams, f: &OutdoorPromoFiling) -> Verdict {
    let (ds, de) = (f.daily_start, f.daily_end);
    let asked = span(ds, de);
    if ds >= de {
        return fail(
            "daily_end",
            format!("每日活动时间 {asked}：开始时间须早于结束时间"),
            format!("Daily hours {asked} must start before they end"),
        );
    }
    let describe = |w: &TimeWindow| span(w.start, w.end);
    for d in first_week(f.starts_on, f.ends_on) {
        let (w, kind_zh, kind_en) = if is_weekend(d) {
            (&p.other_day_hours, "周六、周日", "weekend")
        } else {
            (&p.weekday_hours, "周一至周五", "weekday")
        };
        let field = if ds < w.start {
            "daily_start"
        } else if de > w.end {
            "daily_end"
        } else {
            continue;
        };
        return fail(
            field,
            format!("{}（{}）活动时间 {asked} 超出{kind_zh}允许的 {}", ymd(d), weekday_zh(d), describe(w)),
            format!(
                "On {} ({}) the hours {asked} fall outside the {kind_en} hours {}",
                ymd(d),
                weekday_en(d),
                describe(w)
            ),
        );
    }
    pass(
        "daily_start",
        format!(
            "每日 {asked}，在允许时段内（周一至周五 {}，周六、周日 {}）",
            describe(&p.weekday_hours),
            describe(&p.other_day_hours)
        ),
        format!(
            "Daily {asked} is within the allowed hours (weekdays {}, weekends {})",
            describe(&p.weekday_hours),
            describe(&p.other_day_hours)
        ),
    )
}

fn venue_overlap(f: &OutdoorPromoFiling, venue: &[(NaiveDate, NaiveDate)]) -> Verdict {
    let clashes: Vec<(NaiveDate, NaiveDate, i64)> = venue
        .iter()
        .filter_map(|(a, b)| {
            let n = shared_days(f.starts_on, f.ends_on, *a, *b);
            (n > 0).then_some((*a, *b, n))
        })
        .collect();
    match clashes.first() {
        Some((a, b, n)) => {
            let (more_zh, more_en) = match clashes.len() {
                1 => (String::new(), String::new()),
                k => (format!("（共与 {k} 场活动重叠）"), format!(" ({k} events clash in all)")),
            };
            fail(
                "starts_on",
                format!("与本场地 {} 至 {} 的活动有 {n} 天重叠{more_zh}", ymd(*a), ymd(*b)),
                format!("Shares {n} day(s) with the venue's event of {} to {}{more_en}", ymd(*a), ymd(*b)),
            )
        }
        None => pass(
            "starts_on",
            format!("与本场地其他 {} 场活动没有重叠的日子", venue.len()),
            format!("No day in common with the venue's {} other event(s)", venue.len()),
        ),
    }
}

fn area(p: &OutdoorPromoParams, f: &OutdoorPromoFiling) -> Verdict {
    let (a, min) = (f.area_m2, p.min_area_m2);
    if !a.is_finite() || round3(a) < round3(min) {
        fail(
            "area_m2",
            format!("红线内可用面积 {} 平方米，少于 {} 平方米", num(a), num(min)),
            format!("Usable area inside the red line {} m² is less than the {} m² required", num(a), num(min)),
        )
    } else {
        pass(
            "area_m2",
            format!("红线内可用面积 {} 平方米，不少于 {} 平方米", num(a), num(min)),
            format!("Usable area inside the red line {} m² is at least the {} m² required", num(a), num(min)),
        )
    }
}

fn safety(f: &OutdoorPromoFiling) -> Verdict {
    let all = [
        (f.no_loudspeakers, "no_loudspeakers", "不使用高音喇叭", "no loudspeakers"),
        (
            f.fire_lanes_clear,
            "fire_lanes_clear",
            "保持消防通道、盲道和疏散通道畅通",
            "fire lanes, blind paths and exits kept clear",
        ),
        (f.no_cooking, "no_cooking", "不现场烹饪、不使用液化石油气罐", "no on-site cooking or LPG cylinders"),
    ];
    let missing: Vec<_> = all.iter().filter(|(ok, ..)| !ok).collect();
    match missing.first() {
        Some((_, field, ..)) => {
            let zh: Vec<&str> = missing.iter().map(|m| m.2).collect();
            let en: Vec<&str> = missing.iter().map(|m| m.3).collect();
            fail(
                field,
                format!("尚未作出安全承诺：{}", zh.join("；")),
                format!("Safety commitments missing: {}", en.join("; ")),
            )
        }
        None => pass(
            "no_loudspeakers",
            "已作出全部安全承诺（不用高音喇叭、通道畅通、不现场烹饪）".to_string(),
            "All safety commitments made (no loudspeakers, routes clear, no cooking)".to_string(),
        ),
    }
}

fn ads(p: &OutdoorPromoParams, f: &OutdoorPromoFiling) -> Verdict {
    let n = f.temporary_ads;
    if n == 0 {
        return pass("temporary_ads", "不设临时广告".to_string(), "No temporary ads".to_string());
    }
    let deadline = f.ends_on.checked_add_days(Days::new(p.ads_removal_days.into())).unwrap_or(NaiveDate::MAX);
    let (when_zh, when_en) = match p.ads_removal_days {
        0 => (format!("活动结束当天（{}）", ymd(deadline)), format!("on the last day ({})", ymd(deadline))),
        k => (
            format!("活动结束后 {k} 天内（{} 前）", ymd(deadline)),
            format!("within {k} day(s) after the last day (by {})", ymd(deadline)),
        ),
    };
    match f.ads_removed_by {
        None => fail(
            "ads_removed_by",
            format!("设有 {n} 个临时广告，请填写拆除日期：须在{when_zh}拆除"),
            format!("{n} temporary ad(s): give the date they come down — {when_en}"),
        ),
        Some(r) if r < f.starts_on => fail(
            "ads_removed_by",
            format!("临时广告拆除日期 {} 早于活动开始日期 {}", ymd(r), ymd(f.starts_on)),
            format!("The ads come down on {}, before the first day {}", ymd(r), ymd(f.starts_on)),
        ),
        Some(r) if r > deadline => fail(
            "ads_removed_by",
            format!("临时广告拆除日期 {} 晚于 {}：须在{when_zh}拆除", ymd(r), ymd(deadline)),
            format!("The ads come down on {}, after {}: they must come down {when_en}", ymd(r), ymd(deadline)),
        ),
        Some(r) => pass(
            "ads_removed_by",
            format!("{n} 个临时广告于 {} 拆除，符合{when_zh}拆除的要求", ymd(r)),
            format!("{n} temporary ad(s) come down on {}, {when_en} as required", ymd(r)),
        ),
    }
}

fn size(p: &OutdoorPromoParams, f: &OutdoorPromoFiling) -> Verdict {
    let (v, t) = (f.expected_visitors, p.review_above_visitors);
    if v > t {
        for_officer(
            "expected_visitors",
            format!("预计 {v} 人，超过 {t} 人，安全方案须由执法人员审核"),
            format!("{v} visitors expected, more than {t}: an officer reviews the safety plan"),
        )
    } else {
        pass(
            "expected_visitors",
            format!("预计 {v} 人，未超过 {t} 人，无需审核安全方案"),
            format!("{v} visitors expected, not more than {t}: no safety review needed"),
        )
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::District;
    use crate::policy::ShopTrade;

    fn cross_store_rules() -> Vec<&'static str> {
        CROSS_STORE_CHECKS.iter().map(|(id, _)| *id).collect()
    }

    fn outdoor_promo_rules() -> Vec<&'static str> {
        OUTDOOR_PROMO_CHECKS.iter().map(|(id, _)| *id).collect()
    }

    /// The Xiamen pack as shipped: the engine is tested against the numbers the city starts with.
    fn xiamen() -> PolicyPack {
        toml::from_str(include_str!("../../../assets/policy/xiamen.toml")).expect("assets/policy/xiamen.toml parses")
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn win(s: &str, e: &str) -> TimeWindow {
        TimeWindow { start: t(s), end: t(e), label: None }
    }

    const SHOP: [f64; 2] = [118.0850, 24.4560];

    fn segment(class: StreetClass, sidewalk_m: f64) -> SegmentFacts {
        SegmentFacts {
            id: 7, name: "大同路".into(), class, sidewalk_m, district: District::Siming, near_homes: false
        }
    }

    /// A catering shop on a suitable street, lunch only, half a year, nothing drawn.
    fn shop() -> CrossStoreFiling {
        CrossStoreFiling {
            segment_id: 7,
            shop_name: "老街沙茶面".into(),
            address: "思明区大同路 100 号".into(),
            trade: ShopTrade::Catering,
            frontage_m: 6.0,
            depth_m: 1.0,
            area: None,
            windows: vec![win("12:00", "14:00")],
            starts_on: d("2025-07-01"),
            ends_on: d("2025-12-31"),
            frontage_duties: true,
        }
    }

    fn shop_ctx(class: StreetClass, sidewalk_m: f64) -> EvalContext {
        EvalContext { today: Some(d("2025-06-20")), segment: Some(segment(class, sidewalk_m)), ..Default::default() }
    }

    /// A mall's two-day weekend promotion (Sat 2025-07-12 – Sun 07-13), filed well ahead.
    fn promo() -> OutdoorPromoFiling {
        OutdoorPromoFiling {
            venue_name: "万象城".into(),
            address: "思明区湖滨东路 99 号".into(),
            district: District::Siming,
            location: SHOP,
            area_m2: 300.0,
            starts_on: d("2025-07-12"),
            ends_on: d("2025-07-13"),
            daily_start: t("10:00"),
            daily_end: t("20:00"),
            expected_visitors: 500,
            description: "夏季新品展示".into(),
            no_loudspeakers: true,
            fire_lanes_clear: true,
            no_cooking: true,
            temporary_ads: 0,
            ads_removed_by: None,
        }
    }

    fn promo_ctx() -> EvalContext {
        EvalContext { today: Some(d("2025-06-20")), ..Default::default() }
    }

    fn eval_shop(f: CrossStoreFiling, ctx: &EvalContext) -> Evaluation {
        evaluate(&xiamen(), &PolicyApplication::CrossStore(f), ctx)
    }

    fn eval_promo(f: OutdoorPromoFiling, ctx: &EvalContext) -> Evaluation {
        evaluate(&xiamen(), &PolicyApplication::OutdoorPromo(f), ctx)
    }

    fn rule<'a>(e: &'a Evaluation, id: &str) -> &'a RuleResult {
        e.results.iter().find(|r| r.rule_id == id).unwrap_or_else(|| panic!("no result for {id}"))
    }

    /// The result of one cross-storefront rule.
    fn cs(id: &str, f: CrossStoreFiling, ctx: &EvalContext) -> RuleResult {
        rule(&eval_shop(f, ctx), id).clone()
    }

    fn op(id: &str, f: OutdoorPromoFiling, ctx: &EvalContext) -> RuleResult {
        rule(&eval_promo(f, ctx), id).clone()
    }

    fn assert_check(r: &RuleResult, check: Check, field: &str) {
        assert_eq!(r.check, check, "{}: {:?}", r.rule_id, r.message);
        assert_eq!(r.field.as_deref(), Some(field), "{}: {:?}", r.rule_id, r.message);
        assert!(!r.message.zh.trim().is_empty() && !r.message.en.trim().is_empty(), "{r:?}");
    }

    /// A drawn rectangle in front of the shop, `east_m` metres along the street from it.
    fn rect(east_m: f64, width_m: f64, depth_m: f64) -> Vec<[f64; 2]> {
        geo::rectangle_polygon(geo::offset_m(SHOP, east_m, 0.0), width_m, depth_m, 90.0)
    }

    // -- the asset --------------------------------------------------------------------------

    #[test]
    fn asset_parses_validates_and_has_every_rule_the_code_uses() {
        let p = xiamen();
        assert_eq!(p.version, 1);
        assert_eq!(p.validate(), vec![], "the shipped pack must be publishable");
        let ids: Vec<&str> = p.rules.iter().map(|r| r.id.as_str()).collect();
        let used = cross_store_rules()
            .into_iter()
            .chain(outdoor_promo_rules())
            .chain(super::super::selfcheck::RULES_USED.iter().copied());
        for id in used {
            assert!(ids.contains(&id), "pack lacks {id}");
        }
        for id in cross_store_rules() {
            assert_eq!(p.rule(id).unwrap().applies_to, "cross_store", "{id}");
        }
        for id in outdoor_promo_rules() {
            assert_eq!(p.rule(id).unwrap().applies_to, "outdoor_promo", "{id}");
        }
        for id in ["E1", "E2", "E3", "E4", "E5", "A1", "A2", "A3"] {
            assert_eq!(p.rule(id).unwrap().applies_to, "self_check", "{id}");
        }
        for r in &p.rules {
            assert!(["cross_store", "outdoor_promo", "self_check"].contains(&r.applies_to.as_str()), "{}", r.id);
            assert!(!r.clause.trim().is_empty(), "{}", r.id);
        }
        // And nothing in it goes to an officer only because the engine cannot check it.
        for r in &p.rules {
            match r.applies_to.as_str() {
                "cross_store" => assert!(cross_store_rules().contains(&r.id.as_str()), "{}", r.id),
                "outdoor_promo" => assert!(outdoor_promo_rules().contains(&r.id.as_str()), "{}", r.id),
                _ => {}
            }
        }
        // The notes say which allowances are missing.
        assert!(p.notes.zh.contains("第四至第十项") && p.notes.en.contains("items 4–10"), "{:?}", p.notes);
        assert!(p.rule("A3").unwrap().clause.contains("不完整"));
    }

    #[test]
    fn asset_numbers_are_the_documented_ones() {
        let p = xiamen();
        let c = &p.cross_store;
        assert_eq!(
            c.allowed_trades,
            vec![ShopTrade::Catering, ShopTrade::Clothing, ShopTrade::FlowersFruit, ShopTrade::FreshFood]
        );
        assert_eq!((c.restricted.max_depth_m, c.restricted.min_clearance_m), (1.0, 2.0));
        assert_eq!((c.suitable.max_depth_m, c.suitable.min_clearance_m), (1.5, 1.5));
        let w: Vec<(String, String, Option<String>)> =
            c.windows.iter().map(|w| (hm(w.start), hm(w.end), w.label.clone())).collect();
        assert_eq!(
            w,
            vec![
                ("06:30".into(), "08:30".into(), Some("早".into())),
                ("12:00".into(), "14:00".into(), Some("午".into())),
                ("18:00".into(), "22:00".into(), Some("晚".into())),
            ]
        );
        assert_eq!((hm(c.near_homes_latest_end), c.max_frontage_m, c.max_days), ("22:00".into(), 20.0, 365));
        let o = &p.outdoor_promo;
        assert_eq!((o.lead_days, o.max_event_days, o.max_event_days_with_weekend, o.max_days_per_month), (3, 2, 4, 20));
        assert_eq!(
            (span(o.weekday_hours.start, o.weekday_hours.end), span(o.other_day_hours.start, o.other_day_hours.end)),
            ("10:00–17:00".into(), "10:00–21:00".into())
        );
        assert_eq!((o.min_area_m2, o.review_above_visitors, o.ads_removal_days), (100.0, 1000, 0));
        assert_eq!((p.review_working_days, p.stall_review_working_days), (3, 5));
        // Borrowed numbers say where from; Xiamen's own rules do not claim to be borrowed.
        for id in [
            "CS-DEPTH",
            "CS-CLEARANCE",
            "CS-WINDOWS",
            "OP-LEAD",
            "OP-LENGTH",
            "OP-MONTH",
            "OP-HOURS",
            "OP-AREA",
            "OP-SAFETY",
            "OP-ADS",
        ] {
            assert!(p.rule(id).unwrap().source.borrowed_from.is_some(), "{id}");
        }
        for id in ["E1", "E2", "E3", "E4", "E5", "A1", "A2", "A3", "CS-SEGMENT-CLASS", "CS-TRADE", "CS-DUTIES"] {
            assert!(p.rule(id).unwrap().source.borrowed_from.is_none(), "{id}");
            assert!(p.rule(id).unwrap().source.url.is_some(), "{id}");
        }
    }

    #[test]
    fn pack_round_trips_through_json() {
        // What the server stores and sends to the browser.
        let p = xiamen();
        let back: PolicyPack = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    // -- shape of an evaluation --------------------------------------------------------------

    #[test]
    fn one_result_per_rule_of_the_kind_in_pack_order_with_the_packs_clause() {
        let p = xiamen();
        let e = eval_shop(shop(), &shop_ctx(StreetClass::Suitable, 3.0));
        let ids: Vec<&str> = e.results.iter().map(|r| r.rule_id.as_str()).collect();
        assert_eq!(ids, cross_store_rules());
        for r in &e.results {
            assert_eq!(r.clause, p.rule(&r.rule_id).unwrap().clause);
        }
        assert_eq!(e.pack_version, 1);
        let e = eval_promo(promo(), &promo_ctx());
        let ids: Vec<&str> = e.results.iter().map(|r| r.rule_id.as_str()).collect();
        assert_eq!(ids, outdoor_promo_rules());
    }

    #[test]
    fn the_pack_decides_which_rules_exist() {
        let mut p = xiamen();
        p.version = 2;
        // Dropped: not checked at all (a too-deep area passes).
        p.rules.retain(|r| r.id != "CS-DEPTH" && r.id != "CS-CLEARANCE");
        // Unknown to the engine: an officer looks at it.
        let mut extra = p.rule("CS-DUTIES").unwrap().clone();
        extra.id = "CS-AWNING".into();
        extra.text = Text::new("遮阳篷须可收起", "Awnings must retract");
        p.rules.push(extra);
        let f = CrossStoreFiling { depth_m: 1.5, ..shop() };
        let e = evaluate(&p, &PolicyApplication::CrossStore(f), &shop_ctx(StreetClass::Suitable, 2.0));
        assert!(e.results.iter().all(|r| r.rule_id != "CS-DEPTH"));
        let r = rule(&e, "CS-AWNING");
        assert_eq!(r.check, Check::ForOfficer);
        assert!(r.message.zh.contains("遮阳篷须可收起") && r.message.en.contains("Awnings must retract"));
        assert_eq!((e.outcome, e.pack_version), (Outcome::NeedsReview, 2));
        // Rules of the other kind are never applied.
        assert!(e.results.iter().all(|r| r.rule_id.starts_with("CS-")));
    }

    // -- 跨店经营, rule by rule ---------------------------------------------------------------

    #[test]
    fn cs_segment_class() {
        let r = cs("CS-SEGMENT-CLASS", shop(), &shop_ctx(StreetClass::Suitable, 3.0));
        assert_check(&r, Check::Pass, "segment_id");
        let r = cs("CS-SEGMENT-CLASS", shop(), &shop_ctx(StreetClass::Restricted, 3.0));
        assert_check(&r, Check::ForOfficer, "segment_id");
        assert!(r.message.zh.contains("限设区"));
        let r = cs("CS-SEGMENT-CLASS", shop(), &shop_ctx(StreetClass::Prohibited, 3.0));
        assert_check(&r, Check::Fail, "segment_id");
        assert_eq!(r.message.zh, "路段「大同路」为禁设区，不允许跨店经营");
        assert_eq!(r.message.en, "大同路 is a prohibited street: no trading outside the shop");
        // No segment, or facts about another one.
        let r = cs("CS-SEGMENT-CLASS", shop(), &EvalContext::default());
        assert_check(&r, Check::Fail, "segment_id");
        assert!(r.message.zh.contains("编号为 7"), "{:?}", r.message);
        let r =
            cs("CS-SEGMENT-CLASS", CrossStoreFiling { segment_id: 8, ..shop() }, &shop_ctx(StreetClass::Suitable, 3.0));
        assert_check(&r, Check::Fail, "segment_id");
    }

    #[test]
    fn cs_trade() {
        let ctx = shop_ctx(StreetClass::Suitable, 3.0);
        for t in [ShopTrade::Catering, ShopTrade::Clothing, ShopTrade::FlowersFruit, ShopTrade::FreshFood] {
            assert_check(&cs("CS-TRADE", CrossStoreFiling { trade: t, ..shop() }, &ctx), Check::Pass, "trade");
        }
        let r = cs("CS-TRADE", CrossStoreFiling { trade: ShopTrade::Retail, ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "trade");
        assert_eq!(r.message.zh, "经营业态「其他零售」不在可跨店经营的业态（餐饮、服装、鲜花水果、生鲜食品）之内");
        assert!(r.message.en.contains("Other retail") && r.message.en.contains("fresh food"), "{}", r.message.en);
    }

    #[test]
    fn cs_frontage() {
        let ctx = shop_ctx(StreetClass::Suitable, 3.0);
        assert_check(&cs("CS-FRONTAGE", shop(), &ctx), Check::Pass, "frontage_m");
        assert_check(
            &cs("CS-FRONTAGE", CrossStoreFiling { frontage_m: 20.0, ..shop() }, &ctx),
            Check::Pass,
            "frontage_m",
        );
        let r = cs("CS-FRONTAGE", CrossStoreFiling { frontage_m: 25.0, ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "frontage_m");
        assert_eq!(r.message.zh, "门面长度 25.0 米，超过上限 20.0 米");
        assert_eq!(r.message.en, "Frontage 25.0 m exceeds the 20.0 m limit");
        for bad in [0.0, -3.0, f64::NAN] {
            assert_check(
                &cs("CS-FRONTAGE", CrossStoreFiling { frontage_m: bad, ..shop() }, &ctx),
                Check::Fail,
                "frontage_m",
            );
        }
    }

    #[test]
    fn cs_depth() {
        let r = cs("CS-DEPTH", CrossStoreFiling { depth_m: 2.0, ..shop() }, &shop_ctx(StreetClass::Restricted, 5.0));
        assert_check(&r, Check::Fail, "depth_m");
        assert_eq!(r.message.zh, "外摆深度 2.0 米，超过限设区上限 1.0 米");
        assert_eq!(r.message.en, "Depth 2.0 m exceeds the 1.0 m limit on a restricted street");
        // Exactly at the limit passes.
        let r = cs("CS-DEPTH", CrossStoreFiling { depth_m: 1.5, ..shop() }, &shop_ctx(StreetClass::Suitable, 5.0));
        assert_check(&r, Check::Pass, "depth_m");
        assert_eq!(r.message.zh, "外摆深度 1.5 米，未超过宜设区上限 1.5 米");
        let r = cs("CS-DEPTH", CrossStoreFiling { depth_m: 1.25, ..shop() }, &shop_ctx(StreetClass::Restricted, 5.0));
        assert!(r.message.zh.contains("1.25 米"), "{:?}", r.message);
        assert_eq!(r.check, Check::Fail);
        // Prohibited: no area at all.
        let r = cs("CS-DEPTH", CrossStoreFiling { depth_m: 0.5, ..shop() }, &shop_ctx(StreetClass::Prohibited, 5.0));
        assert_check(&r, Check::Fail, "depth_m");
        assert!(r.message.zh.contains("禁设区"));
        // Nonsense depth, and no segment to check against.
        assert_check(
            &cs("CS-DEPTH", CrossStoreFiling { depth_m: 0.0, ..shop() }, &shop_ctx(StreetClass::Suitable, 5.0)),
            Check::Fail,
            "depth_m",
        );
        assert_check(&cs("CS-DEPTH", shop(), &EvalContext::default()), Check::Fail, "segment_id");
    }

    #[test]
    fn cs_clearance() {
        // Suitable: ≥ 1.5 m left; exactly 1.5 passes, including 2.1 − 0.6 in floating point.
        let r = cs("CS-CLEARANCE", shop(), &shop_ctx(StreetClass::Suitable, 2.5));
        assert_check(&r, Check::Pass, "depth_m");
        let r = cs("CS-CLEARANCE", CrossStoreFiling { depth_m: 0.6, ..shop() }, &shop_ctx(StreetClass::Suitable, 2.1));
        assert_check(&r, Check::Pass, "depth_m");
        let r = cs("CS-CLEARANCE", shop(), &shop_ctx(StreetClass::Suitable, 2.0));
        assert_check(&r, Check::Fail, "depth_m");
        assert_eq!(r.message.zh, "剩余通行宽度 1.0 米，少于 1.5 米（人行道宽 2.0 米，外摆深度 1.0 米）");
        assert_eq!(r.message.en, "Walkway left clear 1.0 m is less than 1.5 m (pavement 2.0 m, depth 1.0 m)");
        // Restricted: ≥ 2 m left.
        let r = cs("CS-CLEARANCE", shop(), &shop_ctx(StreetClass::Restricted, 2.8));
        assert_check(&r, Check::Fail, "depth_m");
        assert!(r.message.zh.starts_with("剩余通行宽度 1.8 米，少于 2.0 米"), "{}", r.message.zh);
        assert_check(&cs("CS-CLEARANCE", shop(), &shop_ctx(StreetClass::Restricted, 3.0)), Check::Pass, "depth_m");
        // Prohibited and unknown streets.
        assert_check(&cs("CS-CLEARANCE", shop(), &shop_ctx(StreetClass::Prohibited, 9.0)), Check::Fail, "depth_m");
        assert_check(&cs("CS-CLEARANCE", shop(), &EvalContext::default()), Check::Fail, "segment_id");
    }

    #[test]
    fn cs_windows() {
        let ctx = shop_ctx(StreetClass::Suitable, 3.0);
        let all = vec![win("06:30", "08:30"), win("12:00", "13:30"), win("18:00", "22:00")];
        let r = cs("CS-WINDOWS", CrossStoreFiling { windows: all, ..shop() }, &ctx);
        assert_check(&r, Check::Pass, "windows");
        assert!(r.message.zh.contains("早 06:30–08:30"), "{}", r.message.zh);
        // The second window spills past lunch.
        let r = cs(
            "CS-WINDOWS",
            CrossStoreFiling { windows: vec![win("07:00", "08:00"), win("11:00", "15:00")], ..shop() },
            &ctx,
        );
        assert_check(&r, Check::Fail, "windows[1]");
        assert_eq!(
            r.message.zh,
            "第 2 个时段 11:00–15:00 不在允许时段（早 06:30–08:30、午 12:00–14:00、晚 18:00–22:00）之内"
        );
        assert_eq!(
            r.message.en,
            "Window 2 (11:00–15:00) is not inside an allowed window (06:30–08:30, 12:00–14:00, 18:00–22:00)"
        );
        // A window must not straddle two allowed ones.
        let r = cs("CS-WINDOWS", CrossStoreFiling { windows: vec![win("06:30", "14:00")], ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "windows[0]");
        assert_check(&cs("CS-WINDOWS", CrossStoreFiling { windows: vec![], ..shop() }, &ctx), Check::Fail, "windows");
        assert_check(
            &cs("CS-WINDOWS", CrossStoreFiling { windows: vec![win("13:00", "12:30")], ..shop() }, &ctx),
            Check::Fail,
            "windows[0]",
        );
    }

    #[test]
    fn cs_windows_near_homes() {
        let mut ctx = shop_ctx(StreetClass::Suitable, 3.0);
        ctx.segment.as_mut().unwrap().near_homes = true;
        let dinner = CrossStoreFiling { windows: vec![win("18:00", "22:00")], ..shop() };
        // With the shipped numbers the evening window already ends at 22:00.
        let r = cs("CS-WINDOWS", dinner.clone(), &ctx);
        assert_check(&r, Check::Pass, "windows");
        assert!(r.message.zh.contains("临近住宅"));
        // A city that sets 21:00 for homes.
        let mut p = xiamen();
        p.cross_store.near_homes_latest_end = t("21:00");
        let e = evaluate(&p, &PolicyApplication::CrossStore(dinner.clone()), &ctx);
        let r = rule(&e, "CS-WINDOWS");
        assert_check(r, Check::Fail, "windows[0]");
        assert_eq!(r.message.zh, "路段「大同路」临近住宅，第 1 个时段 18:00–22:00 须在 21:00 前结束");
        // Not near homes: the same window is fine under that pack.
        let e = evaluate(&p, &PolicyApplication::CrossStore(dinner), &shop_ctx(StreetClass::Suitable, 3.0));
        assert_eq!(rule(&e, "CS-WINDOWS").check, Check::Pass);
    }

    #[test]
    fn cs_overlap_with_other_extensions() {
        let mut ctx = shop_ctx(StreetClass::Suitable, 3.0);
        // Nothing drawn: frontage × depth is used, and says so.
        let r = cs("CS-OVERLAP-EXTENSION", shop(), &ctx);
        assert_check(&r, Check::Pass, "area");
        assert!(r.message.zh.contains("门面长度 × 深度（6.0 × 1.0 = 6.0 平方米）"), "{}", r.message.zh);
        assert!(r.message.en.contains("frontage × depth"), "{}", r.message.en);
        // Drawn next door to a neighbour (sharing an edge is fine).
        ctx.other_extensions = vec![rect(6.0, 6.0, 1.0), rect(100.0, 6.0, 1.0)];
        let drawn = CrossStoreFiling { area: Some(rect(0.0, 6.0, 1.0)), ..shop() };
        let r = cs("CS-OVERLAP-EXTENSION", drawn, &ctx);
        assert_check(&r, Check::Pass, "area");
        assert!(r.message.zh.contains("约 6.0 平方米"), "{}", r.message.zh);
        // Reaching into the neighbour's.
        let wide = CrossStoreFiling { area: Some(rect(1.0, 6.0, 1.0)), ..shop() };
        let r = cs("CS-OVERLAP-EXTENSION", wide, &ctx);
        assert_check(&r, Check::Fail, "area");
        assert!(r.message.zh.contains("与 1 处其他跨店经营区域重叠"), "{}", r.message.zh);
        // Not a closed ring.
        let mut open = rect(0.0, 6.0, 1.0);
        open.pop();
        let r = cs("CS-OVERLAP-EXTENSION", CrossStoreFiling { area: Some(open), ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "area");
        assert!(r.message.zh.contains("未闭合"), "{}", r.message.zh);
    }

    #[test]
    fn cs_overlap_with_vending_zones() {
        let mut ctx = shop_ctx(StreetClass::Suitable, 3.0);
        let r = cs("CS-OVERLAP-ZONE", shop(), &ctx);
        assert_check(&r, Check::Pass, "area");
        assert!(r.message.zh.contains("门面长度 × 深度"));
        ctx.vending_zones = vec![rect(20.0, 30.0, 8.0)];
        let r = cs("CS-OVERLAP-ZONE", CrossStoreFiling { area: Some(rect(0.0, 6.0, 1.0)), ..shop() }, &ctx);
        assert_check(&r, Check::Pass, "area");
        let r = cs("CS-OVERLAP-ZONE", CrossStoreFiling { area: Some(rect(3.0, 6.0, 1.0)), ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "area");
        assert!(r.message.zh.contains("1 处摊规点"), "{}", r.message.zh);
        // A drawing in Shanghai is not a valid Xiamen area.
        let far = geo::rectangle_polygon([121.47, 31.23], 6.0, 1.0, 0.0);
        let r = cs("CS-OVERLAP-ZONE", CrossStoreFiling { area: Some(far), ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "area");
        assert!(r.message.en.contains("outside Xiamen"), "{}", r.message.en);
    }

    #[test]
    fn cs_duties() {
        let ctx = shop_ctx(StreetClass::Suitable, 3.0);
        assert_check(&cs("CS-DUTIES", shop(), &ctx), Check::Pass, "frontage_duties");
        let r = cs("CS-DUTIES", CrossStoreFiling { frontage_duties: false, ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "frontage_duties");
        assert!(r.message.zh.contains("门前三包"));
    }

    #[test]
    fn cs_dates() {
        let ctx = shop_ctx(StreetClass::Suitable, 3.0);
        let r = cs("CS-DATES", shop(), &ctx);
        assert_check(&r, Check::Pass, "ends_on");
        assert!(r.message.zh.contains("共 184 天"), "{}", r.message.zh);
        // A full year is 365 days; one more is too many.
        let year = CrossStoreFiling { starts_on: d("2025-07-01"), ends_on: d("2026-06-30"), ..shop() };
        assert_check(&cs("CS-DATES", year.clone(), &ctx), Check::Pass, "ends_on");
        let r = cs("CS-DATES", CrossStoreFiling { ends_on: d("2026-07-01"), ..year }, &ctx);
        assert_check(&r, Check::Fail, "ends_on");
        assert!(r.message.zh.contains("366 天") && r.message.zh.contains("365 天"), "{}", r.message.zh);
        let r = cs("CS-DATES", CrossStoreFiling { starts_on: d("2025-06-19"), ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "starts_on");
        assert_eq!(r.message.zh, "开始日期 2025-06-19 早于今天 2025-06-20");
        let r = cs("CS-DATES", CrossStoreFiling { ends_on: d("2025-06-30"), ..shop() }, &ctx);
        assert_check(&r, Check::Fail, "ends_on");
        // Without today, only the range is checked.
        let no_today = EvalContext { today: None, ..ctx };
        let r = cs(
            "CS-DATES",
            CrossStoreFiling { starts_on: d("2020-01-01"), ends_on: d("2020-01-31"), ..shop() },
            &no_today,
        );
        assert_check(&r, Check::Pass, "ends_on");
    }

    // -- 外摆促销, rule by rule ---------------------------------------------------------------

    #[test]
    fn op_lead_time() {
        let ctx = promo_ctx(); // today 2025-06-20 (Fri)
        let on_time = OutdoorPromoFiling { starts_on: d("2025-06-23"), ends_on: d("2025-06-23"), ..promo() };
        assert_check(&op("OP-LEAD", on_time, &ctx), Check::Pass, "starts_on");
        let late = OutdoorPromoFiling { starts_on: d("2025-06-22"), ends_on: d("2025-06-22"), ..promo() };
        let r = op("OP-LEAD", late.clone(), &ctx);
        assert_check(&r, Check::Fail, "starts_on");
        assert_eq!(r.message.zh, "须至少提前 3 天备案：开始日期 2025-06-22 早于最早可办日期 2025-06-23");
        let r = op("OP-LEAD", late, &EvalContext::default());
        assert_check(&r, Check::Pass, "starts_on");
        assert!(r.message.en.contains("checked on submit"));
    }

    #[test]
    fn op_event_length() {
        let ctx = promo_ctx();
        let days = |s: &str, e: &str| OutdoorPromoFiling { starts_on: d(s), ends_on: d(e), ..promo() };
        // Mon–Tue: 2 days.
        assert_check(&op("OP-LENGTH", days("2025-07-07", "2025-07-08"), &ctx), Check::Pass, "ends_on");
        // Mon–Wed: 3 weekdays.
        let r = op("OP-LENGTH", days("2025-07-07", "2025-07-09"), &ctx);
        assert_check(&r, Check::Fail, "ends_on");
        assert_eq!(r.message.zh, "活动 3 天，超过上限 2 天（含周末的活动最多 4 天）");
        // Thu–Sun: 4 days including a weekend.
        let r = op("OP-LENGTH", days("2025-07-10", "2025-07-13"), &ctx);
        assert_check(&r, Check::Pass, "ends_on");
        assert!(r.message.zh.contains("含周末"));
        // Thu–Mon: 5.
        let r = op("OP-LENGTH", days("2025-07-10", "2025-07-14"), &ctx);
        assert_check(&r, Check::Fail, "ends_on");
        assert!(r.message.en.contains("5 days") && r.message.en.contains("4-day"), "{}", r.message.en);
        assert_check(&op("OP-LENGTH", days("2025-07-10", "2025-07-09"), &ctx), Check::Fail, "ends_on");
    }

    #[test]
    fn op_days_per_month() {
        let mut ctx = promo_ctx();
        // 18 days already in July (two events), plus this weekend's 2 = 20.
        ctx.venue_events = vec![(d("2025-07-01"), d("2025-07-10")), (d("2025-07-20"), d("2025-07-27"))];
        let r = op("OP-MONTH", promo(), &ctx);
        assert_check(&r, Check::Pass, "starts_on");
        assert!(r.message.zh.contains("2025年7月") && r.message.zh.contains("共 20 天"), "{}", r.message.zh);
        // One more day in July is one too many; days in June do not count towards July.
        ctx.venue_events.push((d("2025-06-25"), d("2025-07-01")));
        let r = op("OP-MONTH", promo(), &ctx);
        assert_check(&r, Check::Fail, "starts_on");
        assert_eq!(r.message.zh, "2025年7月本场地活动共 21 天（本次 2 天，其他活动 19 天），超过每月 20 天的上限");
        // An event across a month end counts its days in each month.
        let mut ctx = promo_ctx();
        ctx.venue_events = vec![(d("2025-08-02"), d("2025-08-20"))]; // 19 days in August
        let across = OutdoorPromoFiling { starts_on: d("2025-07-31"), ends_on: d("2025-08-01"), ..promo() };
        let r = op("OP-MONTH", across.clone(), &ctx);
        assert_check(&r, Check::Pass, "starts_on");
        assert!(r.message.zh.contains("2025年8月") && r.message.zh.contains("共 20 天"), "{}", r.message.zh);
        ctx.venue_events[0].0 = d("2025-08-01");
        assert_check(&op("OP-MONTH", across, &ctx), Check::Fail, "starts_on");
    }

    #[test]
    fn op_event_hours() {
        let ctx = promo_ctx();
        // Weekend 10:00–20:00 (other-day hours 10:00–21:00).
        let r = op("OP-HOURS", promo(), &ctx);
        assert_check(&r, Check::Pass, "daily_start");
        // Fri–Sat until 20:00: Friday breaks the weekday 17:00 end, and Friday is named.
        let fri_sat = OutdoorPromoFiling { starts_on: d("2025-07-11"), ends_on: d("2025-07-12"), ..promo() };
        let r = op("OP-HOURS", fri_sat, &ctx);
        assert_check(&r, Check::Fail, "daily_end");
        assert_eq!(r.message.zh, "2025-07-11（周五）活动时间 10:00–20:00 超出周一至周五允许的 10:00–17:00");
        assert_eq!(
            r.message.en,
            "On 2025-07-11 (Fri) the hours 10:00–20:00 fall outside the weekday hours 10:00–17:00"
        );
        // Weekday within hours.
        let weekday = OutdoorPromoFiling {
            starts_on: d("2025-07-09"),
            ends_on: d("2025-07-10"),
            daily_end: t("17:00"),
            ..promo()
        };
        assert_check(&op("OP-HOURS", weekday, &ctx), Check::Pass, "daily_start");
        // Starting too early on the weekend.
        let early = OutdoorPromoFiling { daily_start: t("09:00"), ..promo() };
        let r = op("OP-HOURS", early, &ctx);
        assert_check(&r, Check::Fail, "daily_start");
        assert!(r.message.zh.contains("2025-07-12（周六）"), "{}", r.message.zh);
        let backwards = OutdoorPromoFiling { daily_start: t("18:00"), daily_end: t("11:00"), ..promo() };
        assert_check(&op("OP-HOURS", backwards, &ctx), Check::Fail, "daily_end");
    }

    #[test]
    fn op_no_overlapping_events() {
        let mut ctx = promo_ctx();
        ctx.venue_events = vec![(d("2025-07-05"), d("2025-07-06")), (d("2025-07-14"), d("2025-07-15"))];
        let r = op("OP-OVERLAP", promo(), &ctx);
        assert_check(&r, Check::Pass, "starts_on");
        ctx.venue_events.push((d("2025-07-13"), d("2025-07-14")));
        let r = op("OP-OVERLAP", promo(), &ctx);
        assert_check(&r, Check::Fail, "starts_on");
        assert_eq!(r.message.zh, "与本场地 2025-07-13 至 2025-07-14 的活动有 1 天重叠");
    }

    #[test]
    fn op_area_inside_the_red_line() {
        let ctx = promo_ctx();
        assert_check(&op("OP-AREA", OutdoorPromoFiling { area_m2: 100.0, ..promo() }, &ctx), Check::Pass, "area_m2");
        let r = op("OP-AREA", OutdoorPromoFiling { area_m2: 99.5, ..promo() }, &ctx);
        assert_check(&r, Check::Fail, "area_m2");
        assert_eq!(r.message.zh, "红线内可用面积 99.5 平方米，少于 100.0 平方米");
        assert_check(&op("OP-AREA", OutdoorPromoFiling { area_m2: f64::NAN, ..promo() }, &ctx), Check::Fail, "area_m2");
    }

    #[test]
    fn op_safety_commitments() {
        let ctx = promo_ctx();
        assert_check(&op("OP-SAFETY", promo(), &ctx), Check::Pass, "no_loudspeakers");
        let r = op("OP-SAFETY", OutdoorPromoFiling { fire_lanes_clear: false, no_cooking: false, ..promo() }, &ctx);
        assert_check(&r, Check::Fail, "fire_lanes_clear");
        assert_eq!(r.message.zh, "尚未作出安全承诺：保持消防通道、盲道和疏散通道畅通；不现场烹饪、不使用液化石油气罐");
        assert!(r.message.en.contains("no on-site cooking") && !r.message.en.contains("loudspeakers"));
    }

    #[test]
    fn op_temporary_ads() {
        let ctx = promo_ctx();
        assert_check(&op("OP-ADS", promo(), &ctx), Check::Pass, "temporary_ads");
        let ads = OutdoorPromoFiling { temporary_ads: 4, ..promo() };
        let r = op("OP-ADS", ads.clone(), &ctx);
        assert_check(&r, Check::Fail, "ads_removed_by");
        assert!(r.message.zh.contains("活动结束当天（2025-07-13）"), "{}", r.message.zh);
        let same_day = OutdoorPromoFiling { ads_removed_by: Some(d("2025-07-13")), ..ads.clone() };
        assert_check(&op("OP-ADS", same_day, &ctx), Check::Pass, "ads_removed_by");
        let next_day = OutdoorPromoFiling { ads_removed_by: Some(d("2025-07-14")), ..ads.clone() };
        let r = op("OP-ADS", next_day.clone(), &ctx);
        assert_check(&r, Check::Fail, "ads_removed_by");
        assert_eq!(r.message.zh, "临时广告拆除日期 2025-07-14 晚于 2025-07-13：须在活动结束当天（2025-07-13）拆除");
        let before = OutdoorPromoFiling { ads_removed_by: Some(d("2025-07-01")), ..ads };
        assert_check(&op("OP-ADS", before, &ctx), Check::Fail, "ads_removed_by");
        // A city that allows a day to take them down.
        let mut p = xiamen();
        p.outdoor_promo.ads_removal_days = 1;
        let e = evaluate(&p, &PolicyApplication::OutdoorPromo(next_day), &ctx);
        assert_check(rule(&e, "OP-ADS"), Check::Pass, "ads_removed_by");
    }

    #[test]
    fn op_event_size() {
        let ctx = promo_ctx();
        assert_check(
            &op("OP-SIZE", OutdoorPromoFiling { expected_visitors: 1000, ..promo() }, &ctx),
            Check::Pass,
            "expected_visitors",
        );
        let r = op("OP-SIZE", OutdoorPromoFiling { expected_visitors: 1001, ..promo() }, &ctx);
        assert_check(&r, Check::ForOfficer, "expected_visitors");
        assert!(r.message.zh.contains("预计 1001 人，超过 1000 人"), "{}", r.message.zh);
    }

    // -- whole applications --------------------------------------------------------------------

    #[test]
    fn whole_applications() {
        let suitable = shop_ctx(StreetClass::Suitable, 3.0);
        let restricted = shop_ctx(StreetClass::Restricted, 3.0);
        let mut near_zone = shop_ctx(StreetClass::Suitable, 3.0);
        near_zone.vending_zones = vec![rect(4.0, 10.0, 3.0)];
        let mut busy_venue = promo_ctx();
        busy_venue.venue_events = vec![(d("2025-07-01"), d("2025-07-10")), (d("2025-07-13"), d("2025-07-22"))];

        let cases: Vec<(&str, PolicyApplication, EvalContext, Outcome, Vec<&str>)> = vec![
            (
                "suitable street, all in order",
                PolicyApplication::CrossStore(shop()),
                suitable.clone(),
                Outcome::Filed,
                vec![],
            ),
            (
                "restricted street, within its limits",
                PolicyApplication::CrossStore(shop()),
                restricted.clone(),
                Outcome::NeedsReview,
                vec![],
            ),
            (
                "prohibited street",
                PolicyApplication::CrossStore(shop()),
                shop_ctx(StreetClass::Prohibited, 4.0),
                Outcome::Rejected,
                vec!["CS-SEGMENT-CLASS", "CS-DEPTH", "CS-CLEARANCE"],
            ),
            (
                "too deep on a restricted street, no frontage duties",
                PolicyApplication::CrossStore(CrossStoreFiling { depth_m: 1.5, frontage_duties: false, ..shop() }),
                restricted.clone(),
                Outcome::Rejected,
                vec!["CS-DEPTH", "CS-CLEARANCE", "CS-DUTIES"],
            ),
            (
                "retail shop trading into the afternoon",
                PolicyApplication::CrossStore(CrossStoreFiling {
                    trade: ShopTrade::Retail,
                    windows: vec![win("12:00", "14:00"), win("14:00", "17:00")],
                    ..shop()
                }),
                suitable.clone(),
                Outcome::Rejected,
                vec!["CS-TRADE", "CS-WINDOWS"],
            ),
            (
                "area drawn over a vending zone",
                PolicyApplication::CrossStore(CrossStoreFiling { area: Some(rect(0.0, 6.0, 1.0)), ..shop() }),
                near_zone,
                Outcome::Rejected,
                vec!["CS-OVERLAP-ZONE"],
            ),
            (
                "segment unknown, 30 m frontage, backdated",
                PolicyApplication::CrossStore(CrossStoreFiling {
                    frontage_m: 30.0,
                    starts_on: d("2025-06-01"),
                    ..shop()
                }),
                EvalContext { today: Some(d("2025-06-20")), ..Default::default() },
                Outcome::Rejected,
                vec!["CS-SEGMENT-CLASS", "CS-FRONTAGE", "CS-DEPTH", "CS-CLEARANCE", "CS-DATES"],
            ),
            (
                "weekend promotion in order",
                PolicyApplication::OutdoorPromo(promo()),
                promo_ctx(),
                Outcome::Filed,
                vec![],
            ),
            (
                "big weekend promotion with ads taken down on time",
                PolicyApplication::OutdoorPromo(OutdoorPromoFiling {
                    expected_visitors: 5000,
                    temporary_ads: 6,
                    ads_removed_by: Some(d("2025-07-13")),
                    ..promo()
                }),
                promo_ctx(),
                Outcome::NeedsReview,
                vec![],
            ),
            (
                "filed two days ahead, a working week long, open till 19:00",
                PolicyApplication::OutdoorPromo(OutdoorPromoFiling {
                    starts_on: d("2025-06-22"),
                    ends_on: d("2025-06-27"),
                    daily_end: t("19:00"),
                    ..promo()
                }),
                promo_ctx(),
                Outcome::Rejected,
                vec!["OP-LEAD", "OP-LENGTH", "OP-HOURS"],
            ),
            (
                "venue already busy that month and that weekend",
                PolicyApplication::OutdoorPromo(promo()),
                busy_venue,
                Outcome::Rejected,
                vec!["OP-MONTH", "OP-OVERLAP"],
            ),
            (
                "small forecourt, cooking on site, banners left up",
                PolicyApplication::OutdoorPromo(OutdoorPromoFiling {
                    area_m2: 60.0,
                    no_cooking: false,
                    temporary_ads: 2,
                    ads_removed_by: Some(d("2025-07-20")),
                    expected_visitors: 3000,
                    ..promo()
                }),
                promo_ctx(),
                Outcome::Rejected,
                vec!["OP-AREA", "OP-SAFETY", "OP-ADS"],
            ),
        ];
        assert!(cases.len() >= 8);
        for (name, app, ctx, outcome, failing) in cases {
            let e = evaluate(&xiamen(), &app, &ctx);
            let got: Vec<&str> = e.failures().map(|r| r.rule_id.as_str()).collect();
            assert_eq!((e.outcome, got), (outcome, failing), "{name}: {:#?}", e.results);
            for r in &e.results {
                assert!(!r.message.zh.trim().is_empty() && !r.message.en.trim().is_empty(), "{name}: {r:?}");
                assert!(r.field.is_some(), "{name}: {r:?}");
                assert!(!r.clause.is_empty(), "{name}: {r:?}");
            }
        }
    }

    #[test]
    fn evaluation_serialises_for_the_api() {
        let e = eval_shop(CrossStoreFiling { depth_m: 2.0, ..shop() }, &shop_ctx(StreetClass::Restricted, 5.0));
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["outcome"], "rejected");
        assert_eq!(v["pack_version"], 1);
        let depth = v["results"].as_array().unwrap().iter().find(|r| r["rule_id"] == "CS-DEPTH").unwrap();
        assert_eq!(depth["check"], "fail");
        assert_eq!(depth["field"], "depth_m");
        assert_eq!(depth["message"]["zh"], "外摆深度 2.0 米，超过限设区上限 1.0 米");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(num(2.0), "2.0");
        assert_eq!(num(1.25), "1.25");
        assert_eq!(num(2.1 - 0.6), "1.5");
        assert_eq!(num(0.0005), "0.001");
        assert_eq!(num(-0.0001), "0.0");
        assert_eq!(num(f64::NAN), "NaN");
    }

    #[test]
    fn far_future_dates_do_not_hang_or_panic() {
        let far = OutdoorPromoFiling { starts_on: d("2025-07-12"), ends_on: NaiveDate::MAX, ..promo() };
        let e = eval_promo(far, &promo_ctx());
        assert_eq!(e.outcome, Outcome::Rejected);
        let far = CrossStoreFiling { ends_on: NaiveDate::MAX, ..shop() };
        let e = eval_shop(far, &shop_ctx(StreetClass::Suitable, 3.0));
        assert_eq!(rule(&e, "CS-DATES").check, Check::Fail);
    }
}
