use super::*;
use crate::geo::{haversine_m, wgs84_to_gcj02};

fn source(datum: TileDatum) -> TileSource {
    TileSource {
        url: "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}".into(),
        attribution: "天地图".into(),
        datum,
        max_zoom: 18,
        subdomains: "01234567".into(),
    }
}

const ZHONGSHAN_ROAD: [f64; 2] = [118.0894, 24.4798];

#[test]
fn tile_bounds_follow_the_xyz_scheme() {
    let world = Tile { z: 0, x: 0, y: 0 }.bounds();
    assert!((world.min_lon + 180.0).abs() < 1e-9 && (world.max_lon - 180.0).abs() < 1e-9);
    assert!((world.max_lat - MAX_MERCATOR_LAT).abs() < 1e-9);
    // By the slippy-map formula, 中山路 lies in tile 15/27132/14084.
    let t = Tile { z: 15, x: 27132, y: 14084 };
    assert!(t.bounds().contains(ZHONGSHAN_ROAD), "{:?}", t.bounds());
    let east = Tile { z: 15, x: 27133, y: 14084 }.bounds();
    assert!((east.min_lon - t.bounds().max_lon).abs() < 1e-12, "neighbours share an edge");
}

#[test]
fn a_street_view_on_a_phone_uses_street_zoom_and_covers_the_view() {
    let view = BBox { min_lon: 118.08, min_lat: 24.47, max_lon: 118.10, max_lat: 24.49 };
    let (tiles, shift) = tiles_for(&view, 390.0, &source(TileDatum::Wgs84));
    assert_eq!(shift, [0.0, 0.0]);
    assert!(tiles.iter().all(|t| t.z == 15), "{tiles:?}");
    for corner in [[118.08, 24.47], [118.10, 24.49], ZHONGSHAN_ROAD] {
        assert!(tiles.iter().any(|t| t.bounds().contains(corner)), "{corner:?} not covered");
    }
    // A whole-city view asks for a few tiles, never more than the cap.
    let city = crate::geo::XIAMEN_BBOX;
    let (tiles, _) = tiles_for(&city, 1280.0, &source(TileDatum::Wgs84));
    assert!(tiles.len() <= MAX_TILES && tiles.iter().all(|t| t.z <= 12), "{}", tiles.len());
    // Never deeper than the source goes, and nothing for a view of no size.
    let mut shallow = source(TileDatum::Wgs84);
    shallow.max_zoom = 12;
    let (tiles, _) = tiles_for(&view, 390.0, &shallow);
    assert!(tiles.iter().all(|t| t.z == 12));
    assert!(tiles_for(&view, 0.0, &shallow).0.is_empty());
    let huge = BBox { min_lon: -179.0, min_lat: -80.0, max_lon: 179.0, max_lat: 80.0 };
    assert!(tiles_for(&huge, 5000.0, &shallow).0.len() <= MAX_TILES);
}

#[test]
fn a_gcj02_source_is_moved_back_under_wgs84_features() {
    let view = BBox { min_lon: 118.085, min_lat: 24.475, max_lon: 118.095, max_lat: 24.485 };
    let (tiles, shift) = tiles_for(&view, 390.0, &source(TileDatum::Gcj02));
    // The GCJ-02 image of 中山路 is in one of the tiles; moved by `shift` it lands on 中山路.
    let g = wgs84_to_gcj02(ZHONGSHAN_ROAD);
    assert!(tiles.iter().any(|t| t.bounds().contains(g)));
    let placed = [g[0] + shift[0], g[1] + shift[1]];
    assert!(haversine_m(placed, ZHONGSHAN_ROAD) < 1.0, "{placed:?}");
    assert!(haversine_m(g, ZHONGSHAN_ROAD) > 300.0, "the raw offset is hundreds of metres");
}

#[test]
fn urls_and_the_csp_origin() {
    let s = source(TileDatum::Wgs84);
    let url = s.tile_url(Tile { z: 15, x: 27132, y: 14084 });
    assert_eq!(url, "https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX=15&TILEROW=14084&TILECOL=27132");
    assert_eq!(s.tile_url(Tile { z: 15, x: 27133, y: 14084 }), url.replace("t0.", "t1.").replace("27132", "27133"));
    assert_eq!(s.csp_origin().as_deref(), Some("https://*.tianditu.gov.cn"));
    let local = TileSource { url: "http://127.0.0.1:8099/{z}/{x}/{y}.png".into(), subdomains: String::new(), ..s };
    assert_eq!(local.tile_url(Tile { z: 3, x: 6, y: 3 }), "http://127.0.0.1:8099/3/6/3.png");
    assert_eq!(local.csp_origin().as_deref(), Some("http://127.0.0.1:8099"));
    assert!(TileSource::check("ftp://x/{z}/{x}/{y}").is_err());
    assert!(TileSource::check("https://x/{z}/{x}").is_err());
    assert!(TileSource::check(&local.url).is_ok());
}
