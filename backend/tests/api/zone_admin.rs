//! Zone administration: only city admins; every problem reported; every change audited.

use crate::api_test;
use crate::util::*;
use axum::http::Method;
use common::District;
use serde_json::{Value, json};

fn ring(center: [f64; 2]) -> Value {
    json!([common::geo::rectangle_polygon(center, 40.0, 12.0, 20.0)])
}

pub fn zone_body(code: &str, center: [f64; 2]) -> Value {
    json!({
        "zone": {
            "code": code, "name": "镇海路便民摊规点", "district": "350203", "address": "思明区镇海路",
            "kind": "permanent", "geometry": ring(center),
            "hours": [{ "days": [1,2,3,4,5,6,7], "start": "17:00", "end": "22:00" }],
            "categories": ["cooked_food", "flowers"], "banned": ["明火烧烤"], "stall_width_m": 2.0, "stall_depth_m": 2.0,
            "fee_yuan_month": 150, "managing_unit": "思明区城市管理局", "contact_phone": "12345"
        },
        "layout": { "rows": [
            { "prefix": "A", "count": 6, "category": "cooked_food", "width_m": 2.0, "depth_m": 2.0 },
            { "prefix": "B", "count": 4, "category": "flowers", "width_m": 1.5, "depth_m": 1.5 }
        ] }
    })
}

async fn post_text(c: &Client, path: &str, text: &str) -> Resp {
    c.raw(Method::POST, path, Some("application/geo+json"), text.as_bytes().to_vec(), true).await
}

api_test!(admin_creates_edits_and_closes_a_zone_with_history, |app| {
    let admin = app.admin().await;
    let created = admin.post("/api/v1/zones", &zone_body("SM-301", [118.085, 24.462])).await;
    created.assert_status(201);
    let z = created.value()["zone"].clone();
    let id = z["id"].as_i64().unwrap();
    assert_eq!(z["stalls"]["free"], 10);
    let stalls = app.anon().get(&format!("/api/v1/zones/{id}/stalls")).await.value();
    let numbers: Vec<&str> = stalls.as_array().unwrap().iter().map(|s| s["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["A01", "A02", "A03", "A04", "A05", "A06", "B01", "B02", "B03", "B04"]);

    // Edit: a stale version is refused, the current one accepted.
    let mut edit = json!({ "version": z["version"], "zone": zone_body("SM-301", [118.0855, 24.4625])["zone"] });
    edit["zone"]["name"] = json!("镇海路夜间摊规点");
    admin.put(&format!("/api/v1/zones/{id}"), &edit).await.assert_status(200);
    let stale = admin.put(&format!("/api/v1/zones/{id}"), &edit).await;
    assert_eq!(stale.problem().status, 412);

    // Closing needs a reason.
    let no_reason = admin.post(&format!("/api/v1/zones/{id}/status"), &json!({ "status": "closed" })).await;
    assert_eq!(no_reason.error_fields(), ["reason"]);
    admin
        .post(&format!("/api/v1/zones/{id}/status"), &json!({ "status": "closed", "reason": "道路施工" }))
        .await
        .assert_status(200);
    assert_eq!(
        app.anon().get("/api/v1/zones?q=SM-301").await.value()["total"],
        0,
        "closed zones leave the public list"
    );
    let closed = admin.get("/api/v1/zones?status=closed").await.value();
    assert_eq!(closed["zones"][0]["code"], "SM-301");

    let history = admin.get(&format!("/api/v1/zones/{id}/history")).await.value();
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["zone.created", "zone.updated", "zone.status_changed"]);
    assert!(history.as_array().unwrap().iter().all(|h| h["actor"] == "测试用户" && h["at"].is_string()));
    assert_eq!(history[2]["detail"]["reason"], "道路施工");
});

api_test!(officers_vendors_and_the_public_cannot_edit_zones, |app| {
    let admin = app.admin().await;
    let id = admin.post("/api/v1/zones", &zone_body("SM-302", [118.085, 24.462])).await.value()["zone"]["id"]
        .as_i64()
        .unwrap();
    // Signing in writes to the audit log (an officer's second factor), so count after it.
    let officer = app.officer(District::Siming).await;
    let (vendor, _) = app.vendor().await;
    let before = app.count("audit_log").await;
    for (who, expect) in [(&officer, 403), (&vendor, 403), (&app.anon(), 401)] {
        assert_eq!(who.post("/api/v1/zones", &zone_body("SM-303", [118.09, 24.47])).await.problem().status, expect);
        let edit = json!({ "version": 1, "zone": zone_body("SM-302", [118.09, 24.47])["zone"] });
        assert_eq!(who.put(&format!("/api/v1/zones/{id}"), &edit).await.problem().status, expect);
        assert_eq!(
            who.post(&format!("/api/v1/zones/{id}/status"), &json!({ "status": "closed", "reason": "x" }))
                .await
                .problem()
                .status,
            expect
        );
        let layout =
            json!({ "rows": [{ "prefix": "A", "count": 1, "category": "flowers", "width_m": 2.0, "depth_m": 2.0 }] });
        assert_eq!(who.put(&format!("/api/v1/zones/{id}/stalls"), &layout).await.problem().status, expect);
        assert_eq!(post_text(who, "/api/v1/zones/import?dry_run=false", "{}").await.problem().status, expect);
    }
    assert_eq!(app.count("zones").await, 1);
    assert_eq!(app.count("audit_log").await, before, "nothing changed");
});

api_test!(invalid_zone_lists_every_problem_and_stores_nothing, |app| {
    let admin = app.admin().await;
    let mut body = zone_body("HL-999", [121.47, 31.23]); // Shanghai, and a Huli code for a Siming zone
    body["zone"]["hours"] = json!([{ "days": [9], "start": "25:00", "end": "10:00" }]);
    body["zone"]["categories"] = json!([]);
    body["layout"]["rows"][1]["prefix"] = json!("A");
    let r = admin.post("/api/v1/zones", &body).await;
    r.assert_status(422);
    let fields = r.error_fields();
    for f in ["code", "geometry[0]", "hours[0].days", "hours[0].start", "categories", "layout.rows[1].prefix"] {
        assert!(fields.iter().any(|x| x == f), "{f} not in {fields:?}");
    }
    let wrong_type = admin.post("/api/v1/zones", &json!({ "zone": { "code": 5 }, "layout": {} })).await;
    wrong_type.assert_status(422);
    assert_eq!(app.count("zones").await, 0);
    assert_eq!(app.count("stalls").await, 0);
});

api_test!(layout_keeps_stalls_in_use_and_stall_state_rules, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    // A zone with an occupied stall.
    let zone = &app.anon().get("/api/v1/zones?per_page=1").await.value()["zones"][0];
    let id = zone["id"].as_i64().unwrap();
    let stalls = app.anon().get(&format!("/api/v1/zones/{id}/stalls")).await.value();
    let occupied = stalls.as_array().unwrap().iter().find(|s| s["state"] == "occupied").unwrap().clone();
    let shrink =
        json!({ "rows": [{ "prefix": "Z", "count": 2, "category": "flowers", "width_m": 2.0, "depth_m": 2.0 }] });
    let r = admin.put(&format!("/api/v1/zones/{id}/stalls"), &shrink).await;
    let p = r.problem();
    assert_eq!(p.status, 409);
    assert!(p.detail_zh.unwrap().contains(occupied["number"].as_str().unwrap()), "names the stall in use");
    // Occupied stalls cannot be set by hand either.
    let r = admin.patch(&format!("/api/v1/stalls/{}", occupied["id"]), &json!({ "state": "out_of_use" })).await;
    assert_eq!(r.problem().status, 409);
    let r = admin.patch(&format!("/api/v1/stalls/{}", occupied["id"]), &json!({ "state": "occupied" })).await;
    assert_eq!(r.error_fields(), ["state"]);
});

api_test!(import_dry_run_reports_every_problem_and_changes_nothing, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let (zones_before, stalls_before, audit_before) =
        (app.count("zones").await, app.count("stalls").await, app.count("audit_log").await);
    let good = |code: &str| {
        json!({ "type": "Feature", "geometry": { "type": "Polygon", "coordinates": ring([118.095, 24.48]) },
        "properties": { "code": code, "name": "导入测试点", "district": "350203", "hours": "17:00-22:00", "categories": ["cooked_food"], "stalls": 8 } })
    };
    let mut point = good("SM-402");
    point["geometry"] = json!({ "type": "Point", "coordinates": [118.09, 24.47] });
    let mut outside = good("SM-403");
    outside["geometry"]["coordinates"] = ring([116.4, 39.9]);
    let mut unclosed = good("SM-404");
    unclosed["geometry"]["coordinates"][0].as_array_mut().unwrap().pop();
    let mut crossing = good("SM-405");
    crossing["geometry"]["coordinates"] =
        json!([[[118.09, 24.47], [118.091, 24.471], [118.091, 24.47], [118.09, 24.471], [118.09, 24.47]]]);
    let duplicate = good("SM-401");
    let existing = good("SM-001"); // a demo zone has this code
    let mut district = good("SM-406");
    district["properties"]["district"] = json!("350299");
    let mut missing = good("SM-407");
    missing["properties"].as_object_mut().unwrap().remove("stalls");
    let fc = json!({ "type": "FeatureCollection",
        "features": [good("SM-401"), point, outside, unclosed, crossing, duplicate, existing, district, missing] });
    let r = post_text(&admin, "/api/v1/zones/import?dry_run=true", &fc.to_string()).await;
    r.assert_status(422);
    let report = r.value();
    let codes: Vec<&str> = report["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    for expect in [
        "wrong_geometry_type",
        "outside_xiamen",
        "not_closed",
        "self_intersection",
        "duplicate_code",
        "code_exists",
        "unknown_district",
        "missing_property",
    ] {
        assert!(codes.contains(&expect), "{expect} not reported: {codes:?}");
    }
    // Even without dry_run, a file with problems imports nothing.
    post_text(&admin, "/api/v1/zones/import?dry_run=false", &fc.to_string()).await.assert_status(422);
    let broken =
        post_text(&admin, "/api/v1/zones/import?dry_run=true", "{\"type\": \"FeatureCollection\", \"features\": [")
            .await;
    assert_eq!(broken.value()["problems"][0]["code"], "not_parseable");
    assert_eq!(
        (app.count("zones").await, app.count("stalls").await, app.count("audit_log").await),
        (zones_before, stalls_before, audit_before)
    );

    // The clean part imports, and then appears in the public data.
    let clean = json!({ "type": "FeatureCollection", "features": [good("SM-401")] });
    let r = post_text(&admin, "/api/v1/zones/import?dry_run=false", &clean.to_string()).await;
    r.assert_status(200);
    assert_eq!(r.value()["imported"], 1);
    assert_eq!(app.count("zones").await, zones_before + 1);
    assert_eq!(app.anon().get("/api/v1/zones?q=SM-401").await.value()["zones"][0]["stalls_free"], 8);
});

api_test!(export_is_importable_format, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let r = admin.get("/api/v1/zones/export.geojson").await;
    r.assert_status(200);
    let parsed = common::zone_import::parse_zone_collection(&r.text());
    assert_eq!(parsed.features, 150);
    assert!(parsed.problems.is_empty(), "{:?}", &parsed.problems[..parsed.problems.len().min(3)]);
    assert_eq!(app.anon().get("/api/v1/zones/export.geojson").await.problem().status, 401);
});

api_test!(siting_warnings_name_the_site_and_distance, |app| {
    let admin = app.admin().await;
    let school = json!({ "type": "FeatureCollection", "features": [
        { "type": "Feature", "geometry": { "type": "Point", "coordinates": [118.0860, 24.4620] }, "properties": { "name": "演武小学", "kind": "school" } },
        { "type": "Feature", "geometry": { "type": "Point", "coordinates": [118.1500, 24.5000] }, "properties": { "name": "远处地铁口", "kind": "metro_exit" } }
    ]});
    let r = post_text(&admin, "/api/v1/sensitive-sites", &school.to_string()).await;
    r.assert_status(200);
    assert_eq!(r.value()["imported"], 2);
    let bad = json!({ "type": "FeatureCollection", "features": [{ "type": "Feature", "geometry": { "type": "Point", "coordinates": [0, 0] }, "properties": { "name": "x", "kind": "zoo" } }] });
    post_text(&admin, "/api/v1/sensitive-sites", &bad.to_string()).await.assert_status(422);
    assert_eq!(
        admin.get("/api/v1/sensitive-sites").await.value().as_array().unwrap().len(),
        2,
        "a bad file changed nothing"
    );

    let saved = admin.post("/api/v1/zones", &zone_body("SM-310", [118.0855, 24.4620])).await.value();
    let w = &saved["warnings"];
    assert_eq!(w.as_array().unwrap().len(), 1);
    assert_eq!(w[0]["site_name"], "演武小学");
    let d = w[0]["distance_m"].as_f64().unwrap();
    assert!(d > 0.0 && d < 200.0, "{d}");
    let far = admin.post("/api/v1/zones/siting-check", &json!({ "geometry": ring([118.12, 24.49]) })).await.value();
    assert!(far.as_array().unwrap().is_empty());
});

api_test!(temporary_points_close_at_their_end_date_once, |app| {
    let admin = app.admin().await;
    let mut body = zone_body("SM-L09", [118.085, 24.462]);
    body["zone"]["kind"] = json!("temporary");
    body["zone"]["site_name"] = json!("测试工地");
    body["zone"]["valid_from"] = json!("2025-01-01");
    body["zone"]["valid_until"] = json!("2025-12-31");
    admin.post("/api/v1/zones", &body).await.assert_status(201);
    let c = &app.state;
    let closed = backend::services::zones::close_expired(c).await.unwrap();
    assert_eq!(closed, 1);
    let again = backend::services::zones::close_expired(c).await.unwrap();
    assert_eq!(again, 0, "idempotent");
    assert_eq!(app.anon().get("/api/v1/zones?kind=temporary").await.value()["total"], 0);
});

/// The kinds and bodies of a user's notices, newest first.
async fn notices(c: &Client) -> Vec<(String, String)> {
    c.get("/api/v1/me/notifications").await.value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_string(), n["body"]["zh"].as_str().unwrap_or_default().to_string()))
        .collect()
}

api_test!(a_zones_end_ends_its_permits_and_points_holders_to_zones_nearby, |app| {
    use backend::db::schema::{stalls, zones};
    use diesel::prelude::*;
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let today = backend::clock::today();
    let end = today + chrono::Duration::days(20);
    let mut body = zone_body("SM-L09", [118.085, 24.462]);
    body["zone"]["kind"] = json!("temporary");
    body["zone"]["site_name"] = json!("测试工地");
    body["zone"]["valid_from"] = json!((today - chrono::Duration::days(10)).to_string());
    body["zone"]["valid_until"] = json!(end.to_string());
    let r = admin.post("/api/v1/zones", &body).await;
    r.assert_status(201);
    let temp = r.value()["zone"]["id"].as_i64().unwrap();

    // A permit at a temporary meal point runs to the point's end, not a year, and cannot be
    // renewed past it.
    let (vendor, vid) = app.vendor().await;
    let (permit, stall) = app.grant_stall_at(vid, temp).await;
    let p = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    assert_eq!(p["valid_until"], end.to_string());
    let r = vendor.post(&format!("/api/v1/permits/{permit}/renew"), &json!({})).await;
    r.assert_status(409);
    assert_eq!(r.problem().type_uri, "/problems/zone-ends");
    let code = p["verify_code"].as_str().unwrap().to_string();

    // The end date passes: the scheduled job closes the point, ends the permit, frees the stall
    // (offered to nobody: the point takes no one) and tells the holder where else to go.
    app.state
        .db
        .write(move |c| {
            Ok(diesel::update(zones::table.find(temp))
                .set(zones::valid_until.eq(Some(today - chrono::Duration::days(1))))
                .execute(c)?)
        })
        .await
        .unwrap();
    assert_eq!(backend::services::zones::close_expired(&app.state).await.unwrap(), 1);
    let p = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    assert_eq!(p["status"], "ended");
    assert_eq!(app.anon().get(&format!("/api/v1/public/permits/{code}")).await.value()["status"], "ended");
    let (state, holder): (String, Option<i64>) = app
        .state
        .db
        .run(move |c| Ok(stalls::table.find(stall).select((stalls::state, stalls::holder_id)).get_result(c)?))
        .await
        .unwrap();
    assert_eq!((state.as_str(), holder), ("free", None));
    let seen = notices(&vendor).await;
    let ended = seen.iter().find(|(k, _)| k == "permit.ended").expect("the holder is told");
    assert!(ended.1.contains("SM-L09") && ended.1.contains("临时用餐点已到结束日期"), "{}", ended.1);
    // Nearby zones with a free stall of the holder's trade (cooked food) are named, nearest first.
    assert!(ended.1.contains("附近有同品类空摊位的摊规点") && ended.1.contains("SM-"), "{}", ended.1);

    // An admin closing a permanent zone ends its permits the same way, with the admin's reason.
    let (other, oid) = app.vendor().await;
    let (operm, _) = app.grant_stall(oid, District::Huli).await;
    let zone = other.get(&format!("/api/v1/permits/{operm}")).await.value()["zone_id"].as_i64().unwrap();
    admin
        .post(&format!("/api/v1/zones/{zone}/status"), &json!({ "status": "closed", "reason": "道路改造" }))
        .await
        .assert_status(200);
    assert_eq!(other.get(&format!("/api/v1/permits/{operm}")).await.value()["status"], "ended");
    let seen = notices(&other).await;
    assert!(seen.iter().any(|(k, b)| k == "permit.ended" && b.contains("道路改造")), "{seen:?}");
});
