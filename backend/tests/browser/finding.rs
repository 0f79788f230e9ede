//! Finding a stall that fits, on a phone: a cook chooses 小吃餐饮 and the map and list count only
//! food stalls; "near me" (position fixed through CDP) lists the three nearest zones with a free
//! food stall, each with an Amap link in GCJ-02; and with a tile server configured (nginx on
//! loopback serving a PNG the test renders) the street map loads under the zones.

use std::collections::HashMap;
use std::time::Duration;

use common::TradeCategory;
use common::dto::zones::ZoneSummary;
use fantoccini::Locator;
use serde_json::json;

use crate::harness::Browser;
use crate::map::{count, wait_count};

const PHONE: (u32, u32) = (390, 844);

/// `data-free` of every element matching `css`, by its `data-code` or `data-zone-id`.
async fn free_by(b: &Browser, css: &str, key: &str) -> HashMap<String, i64> {
    let v = b
        .js(&format!(
            "return Array.from(document.querySelectorAll('{css}')).map(e => [e.closest('[{key}]').getAttribute('{key}'), e.getAttribute('data-free')]);"
        ))
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().parse().unwrap()))
        .collect()
}

async fn active_zones(b: &Browser) -> Vec<ZoneSummary> {
    b.state
        .db
        .run(|c| {
            Ok(backend::models::zone::Zone::list_with_counts(c, &["active"], None)?
                .into_iter()
                .map(|(z, n)| z.to_summary(n))
                .collect::<Vec<_>>())
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cook_sees_free_food_stalls_finds_the_nearest_and_opens_amap_on_a_phone() {
    let Some(b) = Browser::start().await else { return };
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    let zones = active_zones(&b).await;
    let food = |z: &ZoneSummary| z.stalls_free_by_category.get(&TradeCategory::CookedFood).copied().unwrap_or(0);
    let allow_food: Vec<&ZoneSummary> =
        zones.iter().filter(|z| z.categories.contains(&TradeCategory::CookedFood)).collect();
    assert!(
        allow_food.iter().any(|z| food(z) == 0 && z.stalls_free > 0),
        "the demo has zones with free stalls, none for food"
    );

    b.goto("/").await;
    wait_count(&b, ".zone-marker", zones.len()).await;
    b.wait_for("#f-category").await;
    b.js("const s = document.querySelector('#f-category'); s.value = 'cooked_food'; s.dispatchEvent(new Event('change', { bubbles: true }));")
        .await;
    wait_count(&b, ".zone-marker", allow_food.len()).await;
    // Map markers and list badges count food stalls only.
    let markers = free_by(&b, ".zone-marker", "data-code").await;
    for z in &allow_food {
        assert_eq!(markers[&z.code], food(z), "marker of {}", z.code);
    }
    b.click("#view-list").await;
    let badges = free_by(&b, ".zone-item .badge.free", "data-zone-id").await;
    for z in &allow_food {
        assert_eq!(badges[&z.id.to_string()], food(z), "list badge of {}", z.code);
    }
    let first = b.wait_for(".zone-item .badge.free").await.text().await.unwrap();
    assert!(first.starts_with("小吃餐饮空闲"), "{first}");
    // "Has a free stall" now means a free food stall.
    b.click("#f-free").await;
    let with_food = allow_food.iter().filter(|z| food(z) > 0).count();
    wait_count(&b, ".zone-item", with_food).await;
    b.click("#view-map").await;

    // Near me: the position is fixed (CDP), asked only on tap.
    let here = [118.0894, 24.4798]; // 中山路
    b.cdp("Browser.grantPermissions", json!({ "permissions": ["geolocation"], "origin": b.base })).await;
    b.cdp("Emulation.setGeolocationOverride", json!({ "latitude": here[1], "longitude": here[0], "accuracy": 10 }))
        .await;
    assert_eq!(count(&b, "#near-me-list").await, 0, "nothing is asked before the tap");
    b.click("#near-me").await;
    b.wait_for("#near-me-list li").await;
    let mut expected: Vec<(f64, &str)> = allow_food
        .iter()
        .filter(|z| food(z) > 0)
        .map(|z| (common::geo::haversine_m(here, [z.lon, z.lat]), z.code.as_str()))
        .collect();
    expected.sort_by(|a, b| a.0.total_cmp(&b.0));
    let expected: Vec<&str> = expected.iter().take(3).map(|e| e.1).collect();
    let listed =
        b.js("return Array.from(document.querySelectorAll('#near-me-list li')).map(l => l.dataset.code);").await;
    let listed: Vec<&str> = listed.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(listed, expected);
    let text = b.wait_for("#near-me-list li").await.text().await.unwrap();
    assert!(text.contains('米') || text.contains("公里"), "{text}");

    // Its Amap link carries the zone in GCJ-02 (Amap's datum), not our WGS84.
    let nearest = zones.iter().find(|z| z.code == expected[0]).unwrap();
    let href = b
        .client
        .find(Locator::Css("#near-me-list li a[data-app='amap']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let g = common::geo::wgs84_to_gcj02([nearest.lon, nearest.lat]);
    assert!(href.starts_with("https://uri.amap.com/navigation?"), "{href}");
    assert!(href.contains(&format!("to={:.6},{:.6},", g[0], g[1])), "{href}");
    assert!(!href.contains(&format!("{:.6},{:.6}", nearest.lon, nearest.lat)), "not the WGS84 point: {href}");
    let baidu = b.client.find(Locator::Css("#near-me-list li a[data-app='baidu']")).await.unwrap();
    assert!(baidu.attr("href").await.unwrap().unwrap().contains("coord_type=bd09ll"));

    // The zone page lists free stalls by trade and the same links.
    b.goto(&format!("/zones/{}", nearest.id)).await;
    let food_here = b.wait_for("#free-by-trade li[data-category='cooked_food']").await;
    assert_eq!(food_here.attr("data-free").await.unwrap().unwrap(), food(nearest).to_string());
    b.wait_for(".directions a[data-app='tencent']").await;
    b.finish().await;
}

/// nginx on loopback serving one PNG (rendered here) for every tile path, and logging each.
struct TileServer {
    child: std::process::Child,
    dir: std::path::PathBuf,
    port: u16,
}

impl TileServer {
    fn start() -> TileServer {
        let dir = std::env::temp_dir().join(format!("tangui-tiles-{}", backend::auth::rand_bytes::random_hex(6)));
        std::fs::create_dir_all(dir.join("logs")).unwrap();
        // A 256×256 tile of one colour the map never uses otherwise.
        let mut png = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut png, 256, 256);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[200u8, 120, 240].repeat(256 * 256)).unwrap();
        }
        std::fs::write(dir.join("tile.png"), png).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let conf = format!(
            "daemon off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/logs/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{ access_log {d}/logs/access.log; client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n\
               server {{ listen 127.0.0.1:{port}; root {d};\n\
                 location / {{ default_type image/png; try_files /tile.png =404; }} }} }}\n",
            d = dir.display()
        );
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        let child = std::process::Command::new("nginx")
            .args(["-c", &dir.join("nginx.conf").display().to_string(), "-p", &dir.display().to_string()])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nginx (apt-get install nginx)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        TileServer { child, dir, port }
    }

    /// Paths nginx answered with 200 (from its access log).
    fn served(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("logs/access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.split('"').nth(2).is_some_and(|after| after.trim_start().starts_with("200 ")))
            .filter_map(|l| l.split('"').nth(1).and_then(|r| r.split(' ').nth(1)).map(str::to_string))
            .collect()
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_tile_source_the_street_map_loads_under_the_zones() {
    let tiles = TileServer::start();
    let url = format!("http://127.0.0.1:{}/{{z}}/{{x}}/{{y}}.png", tiles.port);
    let Some(b) = Browser::start_with(|c| {
        c.basemap_tiles = Some(common::tiles::TileSource {
            url: url.clone(),
            attribution: "测试底图 © Tangui test tiles".into(),
            datum: common::tiles::TileDatum::Wgs84,
            max_zoom: 18,
            subdomains: String::new(),
        })
    })
    .await
    else {
        return;
    };
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    b.goto("/").await;
    b.wait_for(".zone-marker").await;
    b.wait_for("image.tile").await;
    b.wait_text("#map-attribution", "测试底图").await;
    // Search for one zone: the map closes in on it, and street-level tiles replace the city ones.
    b.goto("/?q=SM-001").await;
    b.wait_for(".zone-marker[data-code='SM-001']").await;
    b.wait_for("image.tile").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let check = b
        .js(r#"
            const svg = document.querySelector('.map-svg');
            const m = document.querySelector(".zone-marker[data-code='SM-001'] circle:not(.halo)");
            const cx = +m.getAttribute('cx'), cy = +m.getAttribute('cy');
            const imgs = Array.from(document.querySelectorAll('image.tile'));
            const under = imgs.filter(i => { const x = +i.getAttribute('x'), y = +i.getAttribute('y');
                return cx >= x && cx <= x + +i.getAttribute('width') && cy >= y && cy <= y + +i.getAttribute('height'); })
                .map(i => i.dataset.tile);
            const tilesFirst = svg.querySelector('g.tiles').compareDocumentPosition(svg.querySelector('g.zones')) & Node.DOCUMENT_POSITION_FOLLOWING;
            const loaded = performance.getEntriesByType('resource').filter(e => e.name.includes('/' + imgs[0].dataset.tile + '.png'))
                .map(e => e.responseStatus);
            return { hrefs: imgs.map(i => i.getAttribute('href')), under, tilesFirst: !!tilesFirst, loaded };
        "#)
        .await;
    let hrefs: Vec<&str> = check["hrefs"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
    let prefix = format!("http://127.0.0.1:{}/", tiles.port);
    assert!(!hrefs.is_empty() && hrefs.len() <= common::tiles::MAX_TILES, "{hrefs:?}");
    assert!(hrefs.iter().all(|h| h.starts_with(&prefix) && h.ends_with(".png")), "{hrefs:?}");
    assert!(check["tilesFirst"].as_bool().unwrap(), "tiles are drawn under the zones");
    // The tile drawn under SM-001 is the XYZ tile that contains its anchor point.
    let z = active_zones(&b).await.into_iter().find(|z| z.code == "SM-001").unwrap();
    let under: Vec<&str> = check["under"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(under.len(), 1, "one tile under the marker: {under:?}");
    let parts: Vec<u32> = under[0].split('/').map(|p| p.parse().unwrap()).collect();
    let t = common::tiles::Tile { z: parts[0] as u8, x: parts[1], y: parts[2] };
    assert!(t.bounds().contains([z.lon, z.lat]), "{t:?} does not hold SM-001 at {:?}", [z.lon, z.lat]);
    assert!(t.z >= 14, "street-level zoom after zooming in: {t:?}");
    // The browser fetched it (the CSP allows the tile server) and nginx answered 200.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let path = format!("/{}.png", under[0]);
    while !tiles.served().contains(&path) {
        assert!(std::time::Instant::now() < deadline, "nginx never served {path}: {:?}", tiles.served());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(check["loaded"].as_array().is_some_and(|l| !l.is_empty()), "the browser fetched the tile");
    b.finish().await;
}
