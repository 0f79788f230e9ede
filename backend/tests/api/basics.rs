//! Health, OpenAPI, and the problem+json answers every route shares.

use crate::api_test;
use crate::util::*;
use axum::http::{Method, header};

api_test!(health_reports_the_database, |app| {
    let r = app.anon().get("/api/v1/health").await;
    r.assert_status(200);
    let v = r.value();
    assert_eq!(v["status"], "ok");
    let expect = if app.backend == Backend::Sqlite { "sqlite" } else { "postgres" };
    assert_eq!(v["database"], expect);
});

api_test!(openapi_lists_every_route, |app| {
    let doc = app.anon().get("/api/v1/openapi.json").await.value();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/health",
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/zones",
        "/api/v1/zones/{id}",
        "/api/v1/zones/import",
        "/api/v1/public/zones.geojson",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from OpenAPI");
    }
});

api_test!(unknown_route_and_method_are_problems, |app| {
    let c = app.anon();
    let p = c.get("/api/v1/no-such-thing").await.problem();
    assert_eq!((p.status, p.type_uri.as_str()), (404, "/problems/not-found"));
    assert!(p.request_id.is_some(), "problem carries the request id");
    let r = c.raw(Method::PUT, "/api/v1/districts", Some("application/json"), b"{}".to_vec(), true).await;
    assert_eq!(r.problem().status, 405);
});

api_test!(security_headers_on_every_answer, |app| {
    let r = app.anon().get("/api/v1/districts").await;
    let h = |n: &str| r.headers.get(n).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    // Data answers may not run anything or be framed.
    assert_eq!(h("content-security-policy"), "default-src 'none'; frame-ancestors 'none'");
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    assert!(!h("x-request-id").is_empty());
    // Documents get the app's policy: own origin, WebAssembly allowed, no framing.
    let page = app.anon().get("/zones/1").await;
    let csp = page.headers.get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(
        csp.contains("'wasm-unsafe-eval'")
            && csp.contains("frame-ancestors 'none'")
            && csp.contains("default-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline'; script") && !csp.contains("script-src *"));
    // A revalidated page (304, no content type) keeps the page policy: browsers store its headers.
    let again = app
        .anon()
        .raw_with_headers(
            "/zones/1",
            &[("if-none-match", "\"x\""), ("if-modified-since", "Fri, 27 Nov 2099 00:00:00 GMT")],
        )
        .await;
    let csp = again.headers.get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(csp.contains("'wasm-unsafe-eval'"), "status {} csp {csp}", again.status);
});

api_test!(malformed_wrong_type_oversize_and_wrong_content_type, |app| {
    let c = app.anon();
    let before = app.count("users").await;
    let p = c.post_bytes("/api/v1/auth/register", "application/json", b"{\"kind\": \"vendor\", ").await.problem();
    assert_eq!((p.status, p.type_uri.as_str()), (400, "/problems/malformed-json"));
    assert!(p.detail_zh.is_some());

    let r = c.post_bytes("/api/v1/auth/login", "application/json", br#"{"login": 13800000001, "password": "x"}"#).await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), ["login"]);

    let big = format!(r#"{{"login":"{}","password":"x"}}"#, "a".repeat(100 * 1024));
    let p = c.post_bytes("/api/v1/auth/login", "application/json", big.as_bytes()).await.problem();
    assert_eq!(p.status, 413);

    let p = c.post_bytes("/api/v1/auth/login", "text/plain", b"login=a").await.problem();
    assert_eq!(p.status, 415);
    assert_eq!(app.count("users").await, before, "nothing was stored");
});

api_test!(districts_and_overview_are_public, |app| {
    let c = app.anon();
    let d = c.get("/api/v1/districts").await.value();
    let codes: Vec<&str> = d.as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["350203", "350205", "350206", "350211", "350212", "350213"]);
    let o = c.get("/api/v1/stats/overview").await;
    o.assert_status(200);
    assert_eq!(o.value()["districts"].as_array().unwrap().len(), 6);
    assert!(o.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("application/json"));
});
