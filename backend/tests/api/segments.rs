//! Street segments: reclassified, imported and exported by admins; new filings use new values.

use crate::api_test;
use common::Role;
use serde_json::{Value, json};

fn line_feature(id: Option<i64>, name: &str, class: &str, sidewalk: f64) -> Value {
    json!({ "type": "Feature", "geometry": { "type": "LineString", "coordinates": [[118.0900, 24.4800], [118.0930, 24.4801]] },
        "properties": { "id": id, "name": name, "district": "思明区", "class": class, "sidewalk_m": sidewalk, "road_class": "branch" } })
}

fn collection(features: Vec<Value>) -> Vec<u8> {
    json!({ "type": "FeatureCollection", "features": features }).to_string().into_bytes()
}

api_test!(admins_reclassify_and_new_filings_follow, |app| {
    let app = app.with_demo().await;
    let segs = app.anon().get("/api/v1/street-segments?district=350203").await.value();
    let s = segs.as_array().unwrap().iter().find(|s| s["class"] == "suitable").unwrap().clone();
    let id = s["id"].as_i64().unwrap();
    let admin = app.admin().await;
    let (shop, _) = app.user(Role::Merchant, None).await;
    let edit = json!({ "class": "prohibited", "sidewalk_m": 2.5, "near_homes": true, "note": "2026 年整治：禁设" });
    shop.put(&format!("/api/v1/street-segments/{id}"), &edit).await.assert_status(403);
    let r = admin
        .put(
            &format!("/api/v1/street-segments/{id}"),
            &json!({ "class": "suitable", "sidewalk_m": 99.0, "near_homes": false }),
        )
        .await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), vec!["sidewalk_m".to_string()]);
    let r = admin.put(&format!("/api/v1/street-segments/{id}"), &edit).await;
    r.assert_status(200);
    assert_eq!(r.value()["class"], "prohibited");
    let after = app.anon().get("/api/v1/street-segments?district=350203").await.value();
    let s = after.as_array().unwrap().iter().find(|s| s["id"] == id).unwrap();
    assert_eq!(s["class"], "prohibited");
    assert_eq!(s["near_homes"], true);
});

api_test!(import_lists_every_problem_and_changes_nothing_until_clean, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let before = app.count("street_segments").await;
    let mut far = line_feature(None, "浦东大道", "suitable", 3.0);
    far["geometry"]["coordinates"] = json!([[121.47, 31.23], [121.48, 31.23]]);
    let bad = collection(vec![
        line_feature(None, "新华路", "sometimes", 3.0),
        line_feature(Some(999_999), "公园东路", "restricted", 3.0),
        far,
        line_feature(None, "", "suitable", 0.0),
    ]);
    let r = admin
        .raw(
            axum::http::Method::POST,
            "/api/v1/street-segments/import?dry_run=false",
            Some("application/geo+json"),
            bad,
            true,
        )
        .await;
    r.assert_status(422);
    let report = r.value();
    let got: Vec<(i64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["feature"].as_i64().unwrap(), p["field"].as_str().unwrap().to_string()))
        .collect();
    for want in [
        (0, "properties.class"),
        (1, "properties.id"),
        (2, "geometry"),
        (3, "properties.name"),
        (3, "properties.sidewalk_m"),
    ] {
        assert!(got.contains(&(want.0, want.1.to_string())), "{want:?} in {got:?}");
    }
    assert_eq!(report["imported"], 0);
    assert_eq!(app.count("street_segments").await, before);

    // A clean file: a dry run changes nothing, then the import adds one and updates one.
    let first = app.anon().get("/api/v1/street-segments").await.value()[0]["id"].as_i64().unwrap();
    let good = collection(vec![
        line_feature(None, "新华路（第1段）", "suitable", 3.5),
        line_feature(Some(first), "改名路段", "restricted", 4.0),
    ]);
    let r = admin
        .raw(
            axum::http::Method::POST,
            "/api/v1/street-segments/import",
            Some("application/geo+json"),
            good.clone(),
            true,
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.value()["dry_run"], true);
    assert_eq!(app.count("street_segments").await, before);
    let r = admin
        .raw(
            axum::http::Method::POST,
            "/api/v1/street-segments/import?dry_run=false",
            Some("application/geo+json"),
            good,
            true,
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.value()["imported"], 2);
    assert_eq!(app.count("street_segments").await, before + 1);

    // The export is the import format and re-imports cleanly.
    let export = admin.get("/api/v1/street-segments/export").await;
    export.assert_status(200);
    let fc = export.value();
    assert_eq!(fc["features"].as_array().unwrap().len() as i64, before + 1);
    assert!(fc["features"].as_array().unwrap().iter().any(|f| f["properties"]["name"] == "改名路段"));
    let r = admin
        .raw(
            axum::http::Method::POST,
            "/api/v1/street-segments/import",
            Some("application/geo+json"),
            export.body.to_vec(),
            true,
        )
        .await;
    r.assert_status(200);
    app.anon().get("/api/v1/street-segments/export").await.assert_status(401);
});
