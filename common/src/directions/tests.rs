use super::*;
use crate::District;
use crate::zone::{ZoneKind, ZoneStatus};

fn close(a: [f64; 2], b: [f64; 2], eps: f64) -> bool {
    (a[0] - b[0]).abs() <= eps && (a[1] - b[1]).abs() <= eps
}

// Published reference values. The coordtransform library (wandergis/coordtransform, README) converts
// the point (116.404, 39.915) each way; the R package "cst" documents Beijing railway station as
// GCJ-02 (116.42703, 39.90245) = BD-09 (116.43351, 39.90851), to five decimals.
const COORDTRANSFORM_INPUT: [f64; 2] = [116.404, 39.915];

#[test]
fn wgs84_to_gcj02_matches_coordtransform() {
    let got = wgs84_to_gcj02(COORDTRANSFORM_INPUT);
    assert!(close(got, [116.41024449916938, 39.91640428150164], 1e-9), "{got:?}");
}

#[test]
fn gcj02_to_bd09_matches_coordtransform_and_beijing_station() {
    let got = gcj02_to_bd09(COORDTRANSFORM_INPUT);
    assert!(close(got, [116.41036949371029, 39.92133699351021], 1e-9), "{got:?}");
    let station = gcj02_to_bd09([116.42703, 39.90245]);
    assert!(close(station, [116.43351, 39.90851], 1e-5), "{station:?}");
}

#[test]
fn bd09_to_gcj02_matches_coordtransform_and_inverts_to_a_metre() {
    let got = bd09_to_gcj02(COORDTRANSFORM_INPUT);
    assert!(close(got, [116.39762729119315, 39.90865673957631], 1e-9), "{got:?}");
    for p in [[118.0894, 24.4798], [118.1468, 24.5085], [117.9891, 24.6178]] {
        let back = bd09_to_gcj02(gcj02_to_bd09(p));
        assert!(haversine_m(back, p) < 1.0, "{p:?} → {back:?}");
    }
}

#[test]
fn wgs84_to_bd09_is_the_two_steps_and_moves_xiamen_points_by_hundreds_of_metres() {
    let p = [118.0894, 24.4798]; // 中山路
    let b = wgs84_to_bd09(p);
    assert_eq!(b, gcj02_to_bd09(wgs84_to_gcj02(p)));
    let d = haversine_m(p, b);
    assert!((500.0..1500.0).contains(&d), "BD-09 is about a kilometre off WGS84 here, got {d} m");
}

#[test]
fn links_carry_each_apps_datum_and_an_encoded_name() {
    let at = [118.0894, 24.4798];
    let g = wgs84_to_gcj02(at);
    let b = wgs84_to_bd09(at);
    let amap = MapApp::Amap.link(at, "八市 便民点");
    assert!(amap.starts_with("https://uri.amap.com/navigation?to="), "{amap}");
    assert!(amap.contains(&format!("to={:.6},{:.6},", g[0], g[1])), "Amap takes GCJ-02 lon,lat: {amap}");
    assert!(amap.contains("coordinate=gaode") && amap.contains("mode=walk"));
    assert!(amap.contains("%E5%85%AB%E5%B8%82%20%E4%BE%BF%E6%B0%91%E7%82%B9"), "name percent-encoded: {amap}");
    let baidu = MapApp::Baidu.link(at, "x");
    assert!(baidu.contains(&format!("location={:.6},{:.6}", b[1], b[0])), "Baidu takes BD-09 lat,lng: {baidu}");
    assert!(baidu.contains("coord_type=bd09ll"));
    let qq = MapApp::Tencent.link(at, "x");
    assert!(qq.contains(&format!("coord:{:.6},{:.6}", g[1], g[0])), "Tencent takes GCJ-02 lat,lng: {qq}");
    for app in MapApp::ALL {
        assert!(!app.link(at, "a&b=c#d").contains("a&b"), "{} link keeps the name inside its parameter", app.as_str());
    }
}

fn zone(code: &str, lon: f64, lat: f64, free: &[(TradeCategory, i64)]) -> ZoneSummary {
    ZoneSummary {
        id: 1,
        code: code.into(),
        name: code.into(),
        district: District::Siming,
        kind: ZoneKind::Permanent,
        status: ZoneStatus::Active,
        address: String::new(),
        lon,
        lat,
        categories: free.iter().map(|(c, _)| *c).collect(),
        hours: vec![],
        stalls_total: 20,
        stalls_free: free.iter().map(|(_, n)| n).sum(),
        stalls_free_by_category: free.iter().copied().collect(),
        fee_yuan_month: 0,
        valid_until: None,
    }
}

#[test]
fn nearest_with_free_counts_only_the_chosen_trade() {
    use TradeCategory::*;
    let here = [118.0894, 24.4798];
    let zones = vec![
        zone("A", 118.0900, 24.4800, &[(DailyGoods, 4)]), // nearest, but no food stall
        zone("B", 118.0950, 24.4800, &[(CookedFood, 1), (DailyGoods, 3)]),
        zone("C", 118.1100, 24.4900, &[(CookedFood, 0), (Flowers, 2)]), // allows food, none free
        zone("D", 118.1000, 24.4850, &[(CookedFood, 2)]),
        zone("E", 118.1300, 24.5000, &[(CookedFood, 5)]),
        zone("F", 118.2000, 24.5500, &[(CookedFood, 5)]),
    ];
    let near = nearest_with_free(&zones, here, Some(CookedFood), 3);
    let codes: Vec<&str> = near.iter().map(|n| n.zone.code.as_str()).collect();
    assert_eq!(codes, ["B", "D", "E"]);
    assert_eq!(near[0].free, 1, "the trade's free stalls, not all free stalls");
    assert!(near.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
    let any: Vec<&str> = nearest_with_free(&zones, here, None, 2).iter().map(|n| n.zone.code.as_str()).collect();
    assert_eq!(any, ["A", "B"]);
}

#[test]
fn distances_read_as_people_say_them() {
    assert_eq!(distance_text(347.0, false), "350 米");
    assert_eq!(distance_text(1234.0, false), "1.2 公里");
    assert_eq!(distance_text(1234.0, true), "1.2 km");
}
