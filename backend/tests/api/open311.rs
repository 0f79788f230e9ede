//! Open311 GeoReport v2 as published: service list and definitions, requests listed with the
//! spec's filters, created, read, found by token, with the report's photo — in JSON and in XML,
//! each parsed back.

use crate::api_test;
use crate::applications::JPEG;
#[allow(unused_imports)]
use crate::util::*;
use axum::http::Method;
use common::District;
use serde_json::{Value, json};

fn xml(r: &Resp) -> roxmltree::Document<'_> {
    assert!(
        r.header("content-type").is_some_and(|c| c.starts_with("text/xml")),
        "XML answered as {:?}",
        r.header("content-type")
    );
    roxmltree::Document::parse(std::str::from_utf8(&r.body).unwrap()).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

/// The text of `name` children of `node`.
fn texts<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<String> {
    node.descendants().filter(|n| n.has_tag_name(name)).map(|n| n.text().unwrap_or("").to_string()).collect()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap().to_string()).collect()
}

async fn report(c: &Client, path: &str, form: &str) -> Resp {
    c.raw(Method::POST, path, Some("application/x-www-form-urlencoded"), form.as_bytes().to_vec(), false).await
}

const NOISE: &str = "service_code=noise&description=%E9%AB%98%E9%9F%B3%E5%96%87%E5%8F%AD&lat=24.4566&long=118.0826&address_string=%E4%B8%AD%E5%B1%B1%E8%B7%AF&phone=13900001111";

api_test!(services_and_their_definitions_in_json_and_xml, |app| {
    let c = app.anon();
    let json_list = c.get("/open311/v2/services.json").await.value();
    let codes: Vec<&str> = json_list.as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"noise") && codes.len() == 7, "{codes:?}");
    assert!(json_list.as_array().unwrap().iter().all(|s| s["metadata"] == true && s["type"] == "realtime"));
    let r = c.get("/open311/v2/services.xml").await;
    r.assert_status(200);
    let doc = xml(&r);
    assert_eq!(doc.root_element().tag_name().name(), "services");
    assert_eq!(texts(doc.root_element(), "service_code"), codes, "the same list in XML");
    assert_eq!(doc.root_element().children().filter(|n| n.has_tag_name("service")).count(), 7);

    let def = c.get("/open311/v2/services/noise.json").await.value();
    assert_eq!(def["service_code"], "noise");
    let attrs: Vec<&str> = def["attributes"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(attrs, ["permit_code", "zone_id"]);
    let r = c.get("/open311/v2/services/noise.xml").await;
    let doc = xml(&r);
    assert_eq!(doc.root_element().tag_name().name(), "service_definition");
    assert_eq!(texts(doc.root_element(), "code"), ["permit_code", "zone_id"]);
    assert_eq!(texts(doc.root_element(), "required"), ["false", "false"]);
    c.get("/open311/v2/services/nope.json").await.assert_status(404);
    c.get("/open311/v2/services/noise.txt").await.assert_status(404);
    let r = c.get("/open311/v2/services/nope.xml").await;
    r.assert_status(404);
    let doc = xml(&r);
    assert_eq!(doc.root_element().tag_name().name(), "errors");
    assert_eq!(texts(doc.root_element(), "code"), ["404"]);
});

api_test!(requests_are_created_read_and_found_by_token_in_both_formats, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    // Posted as the spec does (form fields), answered in XML; a zone given as attribute[zone_id].
    let zones = c.get("/api/v1/zones?q=SM-").await.value();
    let zone_id = zones["zones"][0]["id"].as_i64().unwrap();
    let r = report(&c, "/open311/v2/requests.xml", &format!("{NOISE}&attribute%5Bzone_id%5D={zone_id}")).await;
    r.assert_status(201);
    let doc = xml(&r);
    assert_eq!(doc.root_element().tag_name().name(), "service_requests");
    let id = texts(doc.root_element(), "service_request_id").remove(0);
    let token = texts(doc.root_element(), "token").remove(0);
    assert_eq!(token.len(), 32);

    let one = c.get(&format!("/open311/v2/requests/{id}.json")).await.value();
    assert_eq!(one[0]["service_code"], "noise");
    assert_eq!(one[0]["description"], "高音喇叭");
    assert_eq!(one[0]["status"], "open");
    assert!(one[0]["requested_datetime"].as_str().unwrap().ends_with("+08:00"));
    assert!(one[0]["media_url"].is_null(), "no photo yet");
    assert!(!one.to_string().contains("13900001111") && !one.to_string().contains(&token), "no contact, no token");
    let r = c.get(&format!("/open311/v2/requests/{id}.xml")).await;
    let doc = xml(&r);
    let req = doc.root_element().children().find(|n| n.has_tag_name("request")).unwrap();
    assert_eq!(texts(req, "service_request_id"), std::slice::from_ref(&id));
    assert_eq!(texts(req, "description"), ["高音喇叭"]);
    assert_eq!(texts(req, "lat"), ["24.4566"]);
    assert!(req.children().any(|n| n.has_tag_name("media_url") && n.text().is_none()));
    c.get("/open311/v2/requests/999999.json").await.assert_status(404);
    c.get(&format!("/open311/v2/requests/{id}")).await.assert_status(404);

    // The token names its request; an unknown one is not found, in either format.
    let t = c.get(&format!("/open311/v2/tokens/{token}.json")).await.value();
    assert_eq!(t, json!([{ "service_request_id": id, "token": token }]));
    let r = c.get(&format!("/open311/v2/tokens/{token}.xml")).await;
    assert_eq!(texts(xml(&r).root_element(), "service_request_id"), std::slice::from_ref(&id));
    c.get("/open311/v2/tokens/0123456789abcdef0123456789abcdef.json").await.assert_status(404);
    let r = c.get("/open311/v2/tokens/nonsense.xml").await;
    r.assert_status(404);
    assert_eq!(xml(&r).root_element().tag_name().name(), "errors");

    // The reporter attaches a photo taken on a phone (EXIF with GPS and camera); media_url serves it
    // without any of that.
    c.raw(Method::POST, &format!("/api/v1/public/complaints/{token}/photo"), Some("image/jpeg"), JPEG.to_vec(), true)
        .await
        .assert_status(201);
    let one = c.get(&format!("/open311/v2/requests/{id}.json")).await.value();
    let media = one[0]["media_url"].as_str().expect("media_url once there is a photo").to_string();
    let path = &media[media.find("/open311/").unwrap()..];
    assert_eq!(path, format!("/open311/v2/media/{id}.jpg"));
    let photo = c.get(path).await;
    photo.assert_status(200);
    assert_eq!(photo.header("content-type").as_deref(), Some("image/jpeg"));
    let has = |needle: &[u8]| photo.body.windows(needle.len()).any(|w| w == needle);
    assert!(photo.body.starts_with(b"\xFF\xD8") && !has(b"Exif") && !has(b"TanguiTestCam"), "EXIF-free JPEG");
    let r = c.get(&format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(texts(xml(&r).root_element(), "media_url"), std::slice::from_ref(&media));
    // A report without a photo has no media.
    let other = report(&c, "/open311/v2/requests.json", NOISE).await.value();
    let other_id = other[0]["service_request_id"].as_str().unwrap();
    c.get(&format!("/open311/v2/media/{other_id}.jpg")).await.assert_status(404);

    // Bad input: the field is named, nothing is created, in the client's format.
    let before = app.count("complaints").await;
    let r = report(&c, "/open311/v2/requests.xml", "service_code=nope&description=x&lat=24.45&long=118.08").await;
    r.assert_status(422);
    let doc = xml(&r);
    assert_eq!(texts(doc.root_element(), "code"), ["422"]);
    assert!(texts(doc.root_element(), "description")[0].starts_with("service_code:"));
    let r = report(&c, "/open311/v2/requests.json", "service_code=nope&description=x&lat=24.45&long=118.08").await;
    assert_eq!(r.error_fields(), ["service_code"]);
    assert_eq!(app.count("complaints").await, before);
});

api_test!(requests_are_filtered_as_the_spec_says, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    let mut made = Vec::new();
    for code in ["noise", "hygiene", "noise"] {
        let form = NOISE.replace("service_code=noise", &format!("service_code={code}"));
        let r = report(&c, "/open311/v2/requests.json", &form).await;
        r.assert_status(201);
        made.push(r.value()[0]["service_request_id"].as_str().unwrap().to_string());
    }
    // 思明's officer resolves the first noise report.
    let officer = app.officer(District::Siming).await;
    officer
        .post(&format!("/api/v1/complaints/{}/status", made[0]), &json!({ "status": "resolved", "note": "已整改" }))
        .await
        .assert_status(200);
    let ours = |v: &Value| -> Vec<String> { ids(v).into_iter().filter(|i| made.contains(i)).collect() };

    let all = c.get("/open311/v2/requests.json").await.value();
    assert_eq!(ours(&all), [made[2].clone(), made[1].clone(), made[0].clone()], "newest first");
    let by_id = c.get(&format!("/open311/v2/requests.json?service_request_id={},{}", made[0], made[2])).await.value();
    assert_eq!(ids(&by_id), [made[2].clone(), made[0].clone()], "exactly those");
    let hygiene = c.get("/open311/v2/requests.json?service_code=hygiene").await.value();
    assert_eq!(ours(&hygiene), [made[1].clone()]);
    assert!(hygiene.as_array().unwrap().iter().all(|r| r["service_code"] == "hygiene"));
    let two = c.get("/open311/v2/requests.json?service_code=hygiene,noise").await.value();
    assert_eq!(ours(&two).len(), 3);
    let closed = c.get("/open311/v2/requests.json?status=closed").await.value();
    assert_eq!(ours(&closed), [made[0].clone()]);
    assert!(closed.as_array().unwrap().iter().all(|r| r["status"] == "closed"));
    let open_noise = c.get("/open311/v2/requests.json?status=open&service_code=noise").await.value();
    assert_eq!(ours(&open_noise), [made[2].clone()]);
    // Dates: W3C with an offset, or a plain date (Xiamen).
    let today = common::time::xiamen_today();
    let tomorrow = today.succ_opt().unwrap();
    let future = c.get(&format!("/open311/v2/requests.json?start_date={tomorrow}")).await.value();
    assert!(ours(&future).is_empty());
    let window = format!("start_date={today}T00:00:00%2B08:00&end_date={tomorrow}T00:00:00%2B08:00");
    let today_list = c.get(&format!("/open311/v2/requests.json?{window}")).await.value();
    assert_eq!(ours(&today_list).len(), 3);
    let past = c.get("/open311/v2/requests.json?end_date=2020-01-01T00:00:00Z").await.value();
    assert!(ours(&past).is_empty());
    // The same in XML.
    let r = c.get("/open311/v2/requests.xml?status=closed&service_code=noise").await;
    let listed = texts(xml(&r).root_element(), "service_request_id");
    assert!(listed.contains(&made[0]) && !listed.contains(&made[2]), "{listed:?}");
    // Bad filters name their field, in JSON and in XML.
    let r = c.get("/open311/v2/requests.json?start_date=yesterday&status=pending").await;
    r.assert_status(422);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, ["start_date", "status"]);
    let r = c.get("/open311/v2/requests.xml?service_request_id=abc").await;
    r.assert_status(422);
    assert!(texts(xml(&r).root_element(), "description")[0].starts_with("service_request_id:"));
});
