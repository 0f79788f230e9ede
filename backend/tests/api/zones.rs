//! The public zone catalogue and GeoJSON.

use crate::api_test;
use common::District;
use serde_json::json;

api_test!(list_filters_and_pages, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    let all = c.get("/api/v1/zones?per_page=200").await.value();
    assert_eq!(all["total"], 150);
    assert_eq!(all["zones"].as_array().unwrap().len(), 150);

    let sm = c.get("/api/v1/zones?district=350203&per_page=200").await.value();
    let n_sm = sm["total"].as_i64().unwrap();
    assert!(n_sm > 10 && n_sm < 150);
    assert!(sm["zones"].as_array().unwrap().iter().all(|z| z["district"] == "350203"));

    let page2 = c.get("/api/v1/zones?district=350203&per_page=10&page=2").await.value();
    assert_eq!(page2["page"], 2);
    assert_eq!(page2["zones"].as_array().unwrap().len(), 10);
    assert_eq!(page2["zones"][0]["code"], sm["zones"][10]["code"], "page 2 continues page 1");

    let temp = c.get("/api/v1/zones?kind=temporary").await.value();
    assert_eq!(temp["total"], 10);
    assert!(temp["zones"].as_array().unwrap().iter().all(|z| z["valid_until"].is_string()));

    let flowers = c.get("/api/v1/zones?category=flowers&per_page=200").await.value();
    assert!(
        flowers["zones"]
            .as_array()
            .unwrap()
            .iter()
            .all(|z| z["categories"].as_array().unwrap().contains(&json!("flowers")))
    );

    let free = c.get("/api/v1/zones?has_free=true&per_page=200").await.value();
    assert!(free["zones"].as_array().unwrap().iter().all(|z| z["stalls_free"].as_i64().unwrap() > 0));

    // Unknown filter values are ignored rather than failing a shared map link.
    assert_eq!(c.get("/api/v1/zones?district=nowhere").await.value()["total"], 150);
    // Other statuses are for staff.
    assert_eq!(c.get("/api/v1/zones?status=closed").await.problem().status, 403);
});

api_test!(zone_detail_and_stall_grid, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    let first = &c.get("/api/v1/zones?kind=temporary").await.value()["zones"][0];
    let id = first["id"].as_i64().unwrap();
    let d = c.get(&format!("/api/v1/zones/{id}")).await.value();
    assert_eq!(d["kind"], "temporary");
    assert!(d["site_name"].is_string() && d["valid_until"].is_string());
    assert!(d["hours"].as_array().unwrap().len() >= 3, "meal sessions");
    let stalls = c.get(&format!("/api/v1/zones/{id}/stalls")).await.value();
    let n = stalls.as_array().unwrap().len() as i64;
    assert_eq!(
        n,
        d["stalls"]["free"].as_i64().unwrap()
            + d["stalls"]["occupied"].as_i64().unwrap()
            + d["stalls"]["reserved"].as_i64().unwrap()
            + d["stalls"]["out_of_use"].as_i64().unwrap()
    );
    assert_eq!(c.get("/api/v1/zones/999999").await.problem().status, 404);
    assert_eq!(c.get("/api/v1/zones/abc").await.status.as_u16(), 400);
});

api_test!(geojson_is_valid_rfc7946_inside_xiamen, |app| {
    let app = app.with_demo().await;
    let r = app.anon().get("/api/v1/public/zones.geojson").await;
    r.assert_status(200);
    assert_eq!(r.headers.get("content-type").unwrap(), "application/geo+json");
    assert!(r.headers.get("cache-control").is_some());
    let gj: geojson::GeoJson = r.text().parse().expect("parses with the geojson crate");
    let geojson::GeoJson::FeatureCollection(fc) = gj else { panic!("not a FeatureCollection") };
    assert_eq!(fc.features.len(), 150);
    let bbox = common::geo::XIAMEN_BBOX;
    for f in &fc.features {
        let props = f.properties.as_ref().unwrap();
        for key in [
            "code",
            "name",
            "district_code",
            "hours",
            "categories",
            "stalls_total",
            "stalls_free",
            "kind",
            "valid_until",
        ] {
            assert!(props.contains_key(key), "{key} missing");
        }
        let geom = f.geometry.as_ref().unwrap();
        let geojson::GeometryValue::Polygon { coordinates } = &geom.value else { panic!("not a polygon") };
        let outer: Vec<[f64; 2]> = coordinates[0].iter().map(|p| [p[0], p[1]]).collect();
        assert!(common::geo::is_ccw(&outer), "outer ring counter-clockwise");
        assert!(common::geo::ring_is_closed(&outer));
        assert!(outer.iter().all(|p| bbox.contains(*p)), "lon,lat inside Xiamen: {:?}", outer[0]);
    }
    let total: i64 = fc.features.iter().map(|f| f.properties.as_ref().unwrap()["stalls_total"].as_i64().unwrap()).sum();
    assert_eq!(total, 6145);
});

api_test!(etag_304_and_invalidation_after_a_stall_changes, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    let first = c.get("/api/v1/public/zones.geojson").await;
    let etag = first.headers.get("etag").unwrap().to_str().unwrap().to_string();
    let again = c.raw_with_headers("/api/v1/public/zones.geojson", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status.as_u16(), 304);
    assert!(again.body.is_empty());

    // An admin takes a free stall out of use: the very next read reflects it.
    let zone = &c.get("/api/v1/zones?has_free=true").await.value()["zones"][0];
    let (zid, code, free) = (
        zone["id"].as_i64().unwrap(),
        zone["code"].as_str().unwrap().to_string(),
        zone["stalls_free"].as_i64().unwrap(),
    );
    let stalls = c.get(&format!("/api/v1/zones/{zid}/stalls")).await.value();
    let stall = stalls.as_array().unwrap().iter().find(|s| s["state"] == "free").unwrap()["id"].as_i64().unwrap();
    let admin = app.admin().await;
    admin
        .patch(&format!("/api/v1/stalls/{stall}"), &json!({ "state": "out_of_use", "reason": "地面破损" }))
        .await
        .assert_status(200);

    let after = c.raw_with_headers("/api/v1/public/zones.geojson", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status.as_u16(), 200, "old ETag no longer matches");
    assert_ne!(after.headers.get("etag").unwrap().to_str().unwrap(), etag);
    let v = after.value();
    let f = v["features"].as_array().unwrap().iter().find(|f| f["properties"]["code"] == code.as_str()).unwrap();
    assert_eq!(f["properties"]["stalls_free"].as_i64().unwrap(), free - 1);
    let listed = &c.get(&format!("/api/v1/zones?q={code}")).await.value()["zones"][0];
    assert_eq!(listed["stalls_free"].as_i64().unwrap(), free - 1, "the list API agrees");
});

api_test!(geojson_is_compressed_when_asked, |app| {
    let app = app.with_demo().await;
    let r = app.anon().raw_with_headers("/api/v1/public/zones.geojson", &[("accept-encoding", "gzip")]).await;
    r.assert_status(200);
    assert_eq!(r.headers.get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    let plain = app.anon().get("/api/v1/public/zones.geojson").await;
    assert!(r.body.len() * 3 < plain.body.len(), "gzip {} vs {}", r.body.len(), plain.body.len());
    let mut unzipped = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.body[..]), &mut unzipped).unwrap();
    assert_eq!(unzipped.as_bytes(), &plain.body[..], "same bytes once decompressed");
    let br =
        app.anon().raw_with_headers("/api/v1/public/zones.geojson", &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(br.headers.get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
    assert!(br.body.len() < r.body.len());
    assert_eq!(br.headers.get("vary").map(|v| v.to_str().unwrap()), Some("accept-encoding"));
});

api_test!(district_basemap_is_served, |app| {
    let r = app.anon().get("/api/v1/public/districts.geojson").await;
    r.assert_status(200);
    let v = r.value();
    let codes: Vec<&str> =
        v["features"].as_array().unwrap().iter().map(|f| f["properties"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 6);
    for d in District::ALL {
        assert!(codes.contains(&d.code()));
    }
});

/// Free stalls of each trade, counted from a zone's stall grid.
fn free_by_trade(stalls: &serde_json::Value) -> std::collections::BTreeMap<String, i64> {
    let mut out = std::collections::BTreeMap::new();
    for s in stalls.as_array().unwrap().iter().filter(|s| s["state"] == "free") {
        *out.entry(s["category"].as_str().unwrap().to_string()).or_insert(0) += 1;
    }
    out
}

fn as_counts(v: &serde_json::Value) -> std::collections::BTreeMap<String, i64> {
    v.as_object().unwrap().iter().map(|(k, n)| (k.clone(), n.as_i64().unwrap())).filter(|(_, n)| *n > 0).collect()
}

// 40 daily-goods vendors once applied to zones listing 30 free stalls of which 5 were theirs: the
// list, the zone page and the GeoJSON say how many free stalls each trade has.
api_test!(free_stalls_by_trade_agree_with_the_stall_grid_everywhere, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    let list = c.get("/api/v1/zones?per_page=200").await.value();
    let gj = c.get("/api/v1/public/zones.geojson").await.value();
    let mut checked = 0;
    for z in list["zones"].as_array().unwrap() {
        let id = z["id"].as_i64().unwrap();
        let grid = free_by_trade(&c.get(&format!("/api/v1/zones/{id}/stalls")).await.value());
        assert_eq!(as_counts(&z["stalls_free_by_category"]), grid, "list, zone {}", z["code"]);
        assert_eq!(grid.values().sum::<i64>(), z["stalls_free"].as_i64().unwrap());
        let d = c.get(&format!("/api/v1/zones/{id}")).await.value();
        assert_eq!(as_counts(&d["stalls"]["free_by_category"]), grid, "zone page {}", z["code"]);
        let f = gj["features"].as_array().unwrap().iter().find(|f| f["id"] == z["code"]).unwrap();
        assert_eq!(as_counts(&f["properties"]["stalls_free_by_category"]), grid, "GeoJSON {}", z["code"]);
        checked += 1;
    }
    assert_eq!(checked, 150);
    // The map reads every zone from the GeoJSON: each feature reads back as the list's zone.
    let listed: Vec<common::dto::zones::ZoneSummary> = serde_json::from_value(list["zones"].clone()).unwrap();
    let from_map: Vec<common::dto::zones::ZoneSummary> = gj["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| common::dto::zones::ZoneSummary::from_feature(f).expect("a zone in every feature"))
        .collect();
    assert_eq!(from_map, listed);

    // The filter "has a free stall" with a trade means a free stall of that trade.
    let food = c.get("/api/v1/zones?category=cooked_food&has_free=true&per_page=200").await.value();
    let food = food["zones"].as_array().unwrap();
    assert!(!food.is_empty());
    assert!(food.iter().all(|z| z["stalls_free_by_category"]["cooked_food"].as_i64().unwrap_or(0) > 0));
    let allow_food = c.get("/api/v1/zones?category=cooked_food&per_page=200").await.value();
    let with_other_free_only = allow_food["zones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|z| {
            z["stalls_free"].as_i64().unwrap() > 0
                && z["stalls_free_by_category"]["cooked_food"].as_i64().unwrap_or(0) == 0
        })
        .count();
    assert_eq!(
        food.len() + with_other_free_only,
        allow_food["zones"].as_array().unwrap().iter().filter(|z| z["stalls_free"].as_i64().unwrap() > 0).count()
    );

    // Taking a food stall out of use changes the food count only.
    let z = &food[0];
    let (zid, code) = (z["id"].as_i64().unwrap(), z["code"].as_str().unwrap().to_string());
    let stalls = c.get(&format!("/api/v1/zones/{zid}/stalls")).await.value();
    let stall =
        stalls.as_array().unwrap().iter().find(|s| s["state"] == "free" && s["category"] == "cooked_food").unwrap();
    let before = free_by_trade(&stalls);
    app.admin()
        .await
        .patch(&format!("/api/v1/stalls/{}", stall["id"]), &json!({ "state": "out_of_use", "reason": "地面破损" }))
        .await
        .assert_status(200);
    let after = &c.get(&format!("/api/v1/zones?q={code}")).await.value()["zones"][0];
    let mut expect = before.clone();
    *expect.get_mut("cooked_food").unwrap() -= 1;
    expect.retain(|_, n| *n > 0);
    assert_eq!(as_counts(&after["stalls_free_by_category"]), expect);
});

// A city with more zones than one page: the cursor walks all of them, none twice, none lost.
api_test!(a_cursor_pages_through_every_one_of_250_zones, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let features: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            let center = [118.1200 + (i % 10) as f64 * 0.002, 24.4700 + (i / 10) as f64 * 0.002];
            json!({ "type": "Feature",
                "geometry": { "type": "Polygon", "coordinates": [common::geo::rectangle_polygon(center, 30.0, 10.0, 0.0)] },
                "properties": { "code": format!("SM-{}", 500 + i), "name": format!("分页测试点{i}"), "district": "350203",
                    "hours": "17:00-22:00", "categories": ["daily_goods"], "stalls": 4 } })
        })
        .collect();
    let fc = json!({ "type": "FeatureCollection", "features": features }).to_string();
    let r = admin
        .raw(
            axum::http::Method::POST,
            "/api/v1/zones/import?dry_run=false",
            Some("application/geo+json"),
            fc.into_bytes(),
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let c = app.anon();
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let page = c.get(&format!("/api/v1/zones?per_page=40&cursor={cursor}")).await.value();
        assert_eq!(page["total"], 250);
        let zones = page["zones"].as_array().unwrap();
        assert!(zones.len() <= 40);
        seen.extend(zones.iter().map(|z| z["code"].as_str().unwrap().to_string()));
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 7);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (250, 250), "every zone once");
    assert_eq!(seen, unique, "in code order");
    // Asking for more than the cap still pages rather than cutting the list short.
    let big = c.get("/api/v1/zones?per_page=1000").await.value();
    assert_eq!(big["zones"].as_array().unwrap().len(), 200);
    assert!(big["next_cursor"].is_string());
    // A filter and a cursor together.
    let p = c.get("/api/v1/zones?q=SM-5&per_page=60").await.value();
    let next = p["next_cursor"].as_str().unwrap();
    let rest = c.get(&format!("/api/v1/zones?q=SM-5&per_page=60&cursor={next}")).await.value();
    assert_eq!(rest["zones"].as_array().unwrap().len(), 40);
    assert!(rest["next_cursor"].is_null());
    // The GeoJSON the map reads holds all of them.
    let gj = c.get("/api/v1/public/zones.geojson").await.value();
    assert_eq!(gj["features"].as_array().unwrap().len(), 250);
});
