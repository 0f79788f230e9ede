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
