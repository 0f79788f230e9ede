//! Everything around the API: the single-page app's files, security headers, request ids in
//! problem bodies.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};

use crate::error::PROBLEM_JSON;
use common::routes::{Bundle, bundle_of};

/// The Content-Security-Policy: only our own origin, WebAssembly allowed, and the inline loader
/// script Trunk writes into index.html allowed by its hash (not by 'unsafe-inline').
pub fn content_security_policy(dist: &Path, tiles: Option<&common::tiles::TileSource>) -> String {
    // Every bundle's page: each has Trunk's loader and the service worker's registration inline.
    let index: String =
        Bundle::ALL.iter().map(|b| std::fs::read_to_string(page_of(dist, *b)).unwrap_or_default()).collect();
    let hashes: String = inline_scripts(&index)
        .map(|s| {
            use base64_sha::encode;
            format!(" 'sha256-{}'", encode(&Sha256::digest(s.as_bytes())))
        })
        .collect();
    // The street map's tiles come from the operator's tile server, and from nowhere else.
    let tile_origin = tiles.and_then(|t| t.csp_origin()).map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:{tile_origin}; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attrs, body) = rest.split_once('>')?;
        if attrs.contains("src=") {
            return None;
        }
        body.split_once("</script>").map(|(b, _)| b)
    })
}

/// Minimal standard base64 for CSP hashes (avoids a dependency for 20 lines).
mod base64_sha {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

/// For answers that are not documents (JSON, GeoJSON, files): nothing may run or be framed.
const DATA_CSP: HeaderValue = HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'");

pub async fn security_headers(csp: HeaderValue, hsts: bool, req: Request, next: Next) -> Response {
    // Chosen by path, not by the answer's content type: a 304 has none, and its headers replace
    // the cached page's, so a data policy on it would lock the app out of its own scripts.
    let is_document = !is_data_path(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, if is_document { csp } else { DATA_CSP });
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(self), geolocation=(self), microphone=(), payment=()"),
    );
    if hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

/// API and feed paths answer data; everything else is the app's pages and files.
pub fn is_data_path(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/open311/")
}

/// Copies the request id into problem+json bodies so a user can quote it to support.
pub async fn problem_request_id(req: Request, next: Next) -> Response {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
    let res = next.run(req).await;
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    let Some(id) = id.filter(|_| is_problem) else { return res };
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut m)) => {
            m.insert("request_id".into(), id.into());
            serde_json::to_vec(&m).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    let mut res = Response::from_parts(parts, Body::from(body));
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res
}

/// The page (`index.html`) of a bundle.
fn page_of(dist: &Path, bundle: Bundle) -> std::path::PathBuf {
    bundle.dir().map_or_else(|| dist.to_path_buf(), |d| dist.join(d)).join("index.html")
}

/// The built frontend with the SPA fallback (any unknown path gets a bundle's page, so deep links
/// work): each path gets the page of the bundle that has it (`common::routes::bundle_of`). Files are
/// sent as built: `name.br` or `name.gz` (made at build time at the strongest settings) when the
/// client accepts them. Hashed assets are cached for a year; pages are revalidated every time.
pub fn spa(dist: &Path) -> Router {
    if !dist.join("index.html").exists() {
        let msg = format!(
            "<!doctype html><meta charset=utf-8><title>摊规通 Tangui</title><h1>摊规通</h1>\
             <p>前端尚未构建 / The frontend is not built ({}). Run <code>cargo xtask run</code>.</p>",
            dist.display()
        );
        return Router::new().fallback(move || {
            let msg = msg.clone();
            async move { Html(msg) }
        });
    }
    // Without a bundle's build (an old dist/), its paths get the largest page built below it,
    // which says the page could not be loaded.
    let mut pages: Vec<ServeFile> = Vec::new();
    for bundle in Bundle::ALL {
        let path = page_of(dist, bundle);
        let page = match pages.last() {
            Some(below) if !path.exists() => below.clone(),
            _ => ServeFile::new(path).precompressed_br().precompressed_gzip(),
        };
        pages.push(page);
    }
    let fallback = tower::service_fn(move |req: Request| {
        let page = pages[bundle_of(req.uri().path()) as usize].clone();
        async move {
            use tower::ServiceExt;
            page.oneshot(req).await.map(IntoResponse::into_response)
        }
    });
    let files = ServeDir::new(dist).precompressed_br().precompressed_gzip().fallback(fallback);
    Router::new().fallback_service(files).layer(axum::middleware::from_fn(cache_policy))
}

async fn cache_policy(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await.into_response();
    let value = if is_hashed_asset(&path) { "public, max-age=31536000, immutable" } else { "no-cache" };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// Trunk's output names carry a hash of their content in hex (`frontend-<hash>_bg.wasm`,
/// `app-<hash>.css`): those never change and may be cached for good.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let Some((stem, ext)) = file.rsplit_once('.') else { return false };
    if !matches!(ext, "wasm" | "js" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // Trunk writes the 64-bit hash without leading zeros: up to 16 digits, fewer one time in 16.
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_known_vectors() {
        assert_eq!(super::base64_sha::encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(super::base64_sha::encode(b"fooba"), "Zm9vYmE=");
        assert_eq!(super::base64_sha::encode(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn only_trunk_hashed_files_are_immutable() {
        for p in [
            "/frontend-b4b35b99624aefe2_bg.wasm",
            "/staff/frontend-2e500c33079dde2_bg.wasm",
            "/app-0123456789abcdef.css",
        ] {
            assert!(super::is_hashed_asset(p), "{p}");
        }
        for p in [
            "/",
            "/sw.js",
            "/index.html",
            "/manifest.webmanifest",
            "/favicon.svg",
            "/my-file.js",
            "/a-b4b35b99624aefe2.json",
        ] {
            assert!(!super::is_hashed_asset(p), "{p}");
        }
    }

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<script src="/a.js"></script><script type="module">import x;</script>"#;
        let found: Vec<_> = super::inline_scripts(html).collect();
        assert_eq!(found, ["import x;"]);
    }
}

/// Request ids: a random per-process prefix and a counter. Unique across instances, and unlike a
/// UUID v4 it costs no trip to the OS random source per request.
#[derive(Clone)]
pub struct RequestIds {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds { prefix: crate::auth::rand_bytes::random_hex(6).into(), next: Default::default() }
    }
}

impl tower_http::request_id::MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _req: &http::Request<B>) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix)).ok().map(tower_http::request_id::RequestId::new)
    }
}

/// Adds the security headers of data answers as plain header-setting layers (no per-request future).
pub fn with_data_security_headers(router: Router, hsts: bool) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer as Set;
    router
        .layer(Set::overriding(header::CONTENT_SECURITY_POLICY, DATA_CSP))
        .layer(Set::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(Set::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(Set::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            hsts.then(|| HeaderValue::from_static("max-age=31536000")),
        ))
}
