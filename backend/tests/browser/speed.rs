//! What a phone downloads and what it keeps: each page gets the smallest bundle that has it (the
//! map, zone pages and permit checks the first visit's), sent as the brotli file made at build
//! time, and never a larger one; with the network gone, the saved
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

/// The WebAssembly and JS of each bundle's page in `dist/`: first visit's, public app's, staff's.
fn bundles() -> [(String, String); 3] {
    let dist = dist_dir();
    ["index.html", "app/index.html", "staff/index.html"].map(|page| {
        let html = std::fs::read_to_string(dist.join(page)).unwrap_or_else(|_| panic!("{page} is built"));
        (asset(&html, "_bg.wasm"), asset(&html, ".js"))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_gets_the_brotli_bundle_that_has_it_and_nothing_larger() {
    let Some(b) = Browser::start().await else { return };
    let dist = dist_dir();
    let [(first, first_js), (public, public_js), (staff, _)] = bundles();
    assert!(public.starts_with("/app/") && staff.starts_with("/staff/"), "{public} {staff}");

    // The server answers with the files compressed at build time, by what the client accepts.
    for path in [&first, &first_js, &public, &public_js, &staff] {
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
    // Pages are never cached without asking; each path gets the page of the bundle that has it.
    let (s, h, body) = get(&b.base, "/", Some("br")).await;
    assert_eq!((s, header(&h, "content-encoding"), header(&h, "cache-control")), (200, "br", "no-cache"));
    assert!(!body.is_empty());
    for (path, bundle) in [
        ("/", &first),
        ("/zones/3", &first),
        ("/verify/TG-0000", &first),
        ("/no/such/page", &first),
        ("/apply", &public),
        ("/permits/2", &public),
        ("/login", &public),
        ("/review", &staff),
        ("/admin/zones", &staff),
    ] {
        let (s, h, body) = get(&b.base, path, None).await;
        let body = String::from_utf8(body).unwrap();
        assert_eq!((s, header(&h, "cache-control")), (200, "no-cache"), "{path}");
        for other in [&first, &public, &staff] {
            assert_eq!(body.contains(other.as_str()), other == bundle, "{path}: {other}");
        }
    }

    // A visitor on a phone: home, a zone and a permit check load the first visit's bundle only;
    // the application form the public app's only.
    b.client.set_window_size(390, 844).await.unwrap();
    for (path, ready, bundle) in [
        ("/", ".zone-marker", &first),
        ("/zones/3", ".stall-grid", &first),
        ("/verify/NOPE-0000", "#main section", &first),
        ("/apply", "#main h1", &public),
    ] {
        b.goto(path).await;
        b.wait_for(ready).await;
        let loaded = resources(&b).await;
        let wasm: Vec<_> = loaded.iter().filter(|(u, _, _)| u.ends_with(".wasm")).collect();
        assert_eq!(wasm.len(), 1, "{path}: one bundle {wasm:?}");
        assert!(wasm[0].0.ends_with(bundle.as_str()), "{path}: {wasm:?}");
        if path == "/" {
            // The first visit: what crossed the wire is the brotli file.
            let br = std::fs::metadata(dist.join(format!("{}.br", first.trim_start_matches('/')))).unwrap().len();
            assert_eq!(wasm[0].1 as u64, br, "the WebAssembly arrived as brotli");
            assert!(wasm[0].2 > wasm[0].1 * 2.0, "and was decoded to {} bytes", wasm[0].2);
        }
    }
    // Following a link from the map to a form hands the page over to the public app.
    b.goto("/").await;
    b.wait_for(".zone-marker").await;
    b.click(".hero .actions a[href='/register']").await;
    b.wait_path("/register").await;
    b.wait_for("#main h1").await;
    let loaded = resources(&b).await;
    assert!(loaded.iter().any(|(u, _, _)| u.ends_with(&public)), "{loaded:?}");

    // An officer's work pages come with the staff bundle, loaded once they go there.
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.goto("/review").await;
    b.wait_any(&["#case-cards", "#queue-empty", "#review-queue"]).await;
    let loaded = resources(&b).await;
    let wasm: Vec<_> = loaded.iter().filter(|(u, _, _)| u.ends_with(".wasm")).collect();
    assert!(wasm.len() == 1 && wasm[0].0.ends_with(&staff), "only the staff bundle on a staff page: {wasm:?}");
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
