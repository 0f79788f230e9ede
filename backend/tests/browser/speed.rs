//! What a phone downloads and what it keeps: the public pages get the public bundle, sent as the
//! brotli file made at build time, and never the staff bundle; with the network gone, the saved
//! app still shows the map and the vendor's permit with its QR code, saying how old the data is.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::harness::{Browser, dist_dir};
use crate::map::wait_count;

/// A plain GET with the given `Accept-Encoding` (none when `None`): status, headers, raw body.
async fn get(base: &str, path: &str, accept: Option<&str>) -> (u16, http::HeaderMap, Vec<u8>) {
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut req = hyper::Request::get(format!("{base}{path}"));
    if let Some(a) = accept {
        req = req.header("accept-encoding", a);
    }
    let res = client.request(req.body(Empty::new()).unwrap()).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

/// The one file of the app's build in the page ending with `suffix` (Trunk's hashed names).
fn asset(html: &str, suffix: &str) -> String {
    let found: std::collections::BTreeSet<&str> = html
        .split(['"', '\''])
        .filter(|s| s.starts_with('/') && s.contains("/frontend-") && s.ends_with(suffix) && !s.contains(' '))
        .collect();
    assert_eq!(found.len(), 1, "one {suffix} in the page: {found:?}");
    found.into_iter().next().unwrap().to_string()
}

fn header<'a>(h: &'a http::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Every resource the current document loaded: (URL, bytes over the wire, bytes decoded).
async fn resources(b: &Browser) -> Vec<(String, f64, f64)> {
    let v = b
        .js("return performance.getEntriesByType('resource').map(e => [e.name, e.encodedBodySize, e.decodedBodySize]);")
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_f64().unwrap_or(0.0), e[2].as_f64().unwrap_or(0.0)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_get_the_brotli_public_bundle_and_never_the_staff_one() {
    let Some(b) = Browser::start().await else { return };
    let dist = dist_dir();
    let public_html = std::fs::read_to_string(dist.join("index.html")).unwrap();
    let staff_html = std::fs::read_to_string(dist.join("staff/index.html")).expect("the staff bundle is built");
    let (wasm, js) = (asset(&public_html, "_bg.wasm"), asset(&public_html, ".js"));
    let staff_wasm = asset(&staff_html, "_bg.wasm");
    assert!(staff_wasm.starts_with("/staff/"), "{staff_wasm}");

    // The server answers with the files compressed at build time, by what the client accepts.
    for path in [&wasm, &js, &staff_wasm] {
        let raw = std::fs::read(dist.join(path.trim_start_matches('/'))).unwrap();
        let br = std::fs::read(dist.join(format!("{}.br", path.trim_start_matches('/')))).unwrap();
        let gz = std::fs::read(dist.join(format!("{}.gz", path.trim_start_matches('/')))).unwrap();
        let (s, h, body) = get(&b.base, path, Some("gzip, deflate, br, zstd")).await;
        assert_eq!((s, header(&h, "content-encoding")), (200, "br"), "{path}");
        assert_eq!(body, br, "{path}: the brotli file as built");
        assert!(body.len() < raw.len() / 2, "{path}: brotli {} of {} bytes", body.len(), raw.len());
        assert_eq!(header(&h, "cache-control"), "public, max-age=31536000, immutable", "{path}");
        assert!(header(&h, "vary").to_ascii_lowercase().contains("accept-encoding"), "{path}");
        let (_, h, body) = get(&b.base, path, Some("gzip")).await;
        assert_eq!((header(&h, "content-encoding"), body), ("gzip", gz), "{path}");
        let (_, h, body) = get(&b.base, path, None).await;
        assert_eq!((header(&h, "content-encoding"), body), ("", raw), "{path}");
    }
    // Pages are never cached without asking; staff paths get the staff bundle's page.
    let (s, h, body) = get(&b.base, "/", Some("br")).await;
    assert_eq!((s, header(&h, "content-encoding"), header(&h, "cache-control")), (200, "br", "no-cache"));
    assert!(!body.is_empty());
    for (path, staff) in
        [("/", false), ("/zones/3", false), ("/apply", false), ("/review", true), ("/admin/zones", true)]
    {
        let (s, h, body) = get(&b.base, path, None).await;
        let body = String::from_utf8(body).unwrap();
        assert_eq!((s, header(&h, "cache-control")), (200, "no-cache"), "{path}");
        assert_eq!(body.contains(&staff_wasm), staff, "{path}: staff page {staff}");
        assert_eq!(body.contains(&wasm), !staff, "{path}");
    }

    // A visitor on a phone: home, a zone, the application form, a permit check.
    b.client.set_window_size(390, 844).await.unwrap();
    let zone = 3;
    for (path, ready) in [
        ("/", ".zone-marker"),
        (&*format!("/zones/{zone}"), ".stall-grid"),
        ("/apply", "#main h1"),
        ("/verify/NOPE-0000", "#main section"),
    ] {
        b.goto(path).await;
        b.wait_for(ready).await;
        let loaded = resources(&b).await;
        let staff: Vec<_> = loaded.iter().filter(|(u, _, _)| u.contains("/staff/")).collect();
        assert!(staff.is_empty(), "{path} fetched the staff bundle: {staff:?}");
        let app = loaded.iter().find(|(u, _, _)| u.ends_with(&wasm)).unwrap_or_else(|| panic!("{path}: {loaded:?}"));
        if path == "/" {
            // The first visit: what crossed the wire is the brotli file.
            let br = std::fs::metadata(dist.join(format!("{}.br", wasm.trim_start_matches('/')))).unwrap().len();
            assert_eq!(app.1 as u64, br, "the WebAssembly arrived as brotli");
            assert!(app.2 > app.1 * 2.0, "and was decoded to {} bytes", app.2);
        }
    }

    // An officer's work pages come with the staff bundle, loaded once they go there.
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.goto("/review").await;
    b.wait_any(&["#case-cards", "#queue-empty", "#review-queue"]).await;
    let loaded = resources(&b).await;
    assert!(loaded.iter().any(|(u, _, _)| u.ends_with(&staff_wasm)), "{loaded:?}");
    assert!(!loaded.iter().any(|(u, _, _)| u.ends_with(&wasm)), "only the staff bundle on a staff page");
    b.finish().await;
}

/// The page is controlled by the service worker once it has installed and claimed it.
async fn wait_controlled(b: &Browser) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let on = b.js("return !!(navigator.serviceWorker && navigator.serviceWorker.controller);").await;
        if on == serde_json::Value::Bool(true) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the service worker never took over the page");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_network_the_vendor_still_sees_the_map_and_their_permit_with_its_qr() {
    let Some(b) = Browser::start_behind_plug().await else { return };
    b.client.set_window_size(390, 844).await.unwrap();
    let (permit, code) = b.grant_stall("13800000001", "350203").await;
    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.goto("/").await;
    wait_count(&b, ".zone-marker", 150).await;
    wait_controlled(&b).await;
    // Installing, the worker saved the page and the app's files (read from the page itself).
    let saved = b
        .client
        .execute_async(
            "const done = arguments[0]; caches.open('tangui-shell-v1').then(c => c.keys()) \
             .then(k => done(k.map(r => new URL(r.url).pathname)));",
            vec![],
        )
        .await
        .unwrap();
    let saved: Vec<String> = serde_json::from_value(saved).unwrap();
    for suffix in ["_bg.wasm", ".js", ".css"] {
        assert!(
            saved.iter().any(|p| (p.starts_with("/frontend-") || p.starts_with("/app-")) && p.ends_with(suffix)),
            "{suffix} saved: {saved:?}"
        );
    }
    assert!(saved.contains(&"/".to_string()), "{saved:?}");
    // Used once more while online, as a vendor does: the worker keeps what these pages showed.
    b.goto("/").await;
    wait_count(&b, ".zone-marker", 150).await;
    b.goto(&format!("/permits/{permit}")).await;
    b.wait_for("#permit-qr svg").await;
    b.wait_text("main", &code).await;
    assert_eq!(crate::map::count(&b, "#offline-banner").await, 0, "online: no banner");

    // The signal goes: the site cannot be reached at all, by the page or its service worker.
    b.pull_plug().await;
    let probe = b
        .client
        .execute_async(
            "const done = arguments[0]; fetch('/api/v1/zones?per_page=1&never=1').then(() => done('online'), () => done('offline'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(probe, "offline", "the network is really gone");

    b.goto("/").await;
    wait_count(&b, ".zone-marker", 150).await;
    let banner = b.wait_text("#offline-banner", "更新于").await;
    // The time the data was saved, in the phone's time zone (UTC here, or China's).
    let now = backend::clock::now();
    let dates = [now, now + chrono::Duration::hours(8)].map(|t| t.format("%Y-%m-%d").to_string());
    assert!(dates.iter().any(|d| banner.contains(d)), "{banner}");
    b.snapshot("offline-map").await;

    b.goto(&format!("/permits/{permit}")).await;
    b.wait_for("#permit-qr svg").await;
    b.wait_text("main", &code).await;
    b.wait_text("#offline-banner", "更新于").await;
    b.snapshot("offline-permit").await;
    b.finish().await;
}
