//! Shop filings: the server's evaluation is the one that counts, decisions keep their policy
//! version, bad shapes are refused with nothing stored, review is routed by district.

use crate::api_test;
use crate::util::*;
use common::{District, Role};
use serde_json::{Value, json};

pub fn day(offset: i64) -> String {
    (backend::clock::today() + chrono::Duration::days(offset)).to_string()
}

/// The first demo segment of `name` (e.g. 禾祥西路: suitable, 3.0 m sidewalk, 思明).
pub async fn segment(app: &TestApp, name: &str) -> Value {
    let all = app.anon().get("/api/v1/street-segments").await.value();
    all.as_array().unwrap().iter().find(|s| s["name"].as_str().unwrap().starts_with(name)).cloned().unwrap()
}

pub fn cross_store(segment_id: i64, depth: f64) -> Value {
    json!({
        "kind": "cross_store", "segment_id": segment_id, "shop_name": "禾祥西路沙茶面", "address": "思明区禾祥西路 88 号",
        "trade": "catering", "frontage_m": 4.0, "depth_m": depth,
        "windows": [{ "start": "18:00:00", "end": "22:00:00" }],
        "starts_on": day(1), "ends_on": day(180), "frontage_duties": true
    })
}

fn promo(starts: i64, ends: i64) -> Value {
    json!({
        "kind": "outdoor_promo", "venue_name": "万象城外广场", "address": "思明区湖滨东路 99 号", "district": "350203",
        "location": [118.1225, 24.4805], "area_m2": 300.0, "starts_on": day(starts), "ends_on": day(ends),
        "daily_start": "10:00:00", "daily_end": "17:00:00", "expected_visitors": 500,
        "description": "冬季新品展示", "no_loudspeakers": true, "fire_lanes_clear": true, "no_cooking": true,
        "temporary_ads": 2, "ads_removed_by": day(ends)
    })
}

fn rule<'a>(filing: &'a Value, id: &str) -> &'a Value {
    let list = filing["evaluation"]["results"].as_array().or(filing["results"].as_array()).unwrap();
    list.iter().find(|r| r["rule_id"] == id).unwrap_or_else(|| panic!("rule {id} in {list:?}"))
}

async fn merchant(app: &TestApp) -> Client {
    app.user(Role::Merchant, None).await.0
}

api_test!(compliant_filing_on_a_suitable_street_is_filed_with_a_certificate, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "禾祥西路").await;
    assert_eq!(seg["class"], "suitable");
    let m = merchant(&app).await;
    let r = m.post("/api/v1/filings", &cross_store(seg["id"].as_i64().unwrap(), 1.2)).await;
    r.assert_status(201);
    let f = r.value();
    assert_eq!(f["status"], "filed");
    assert_eq!(f["evaluation"]["outcome"], "filed");
    assert_eq!(f["district"], "350203");
    assert_eq!(rule(&f, "CS-CLEARANCE")["check"], "pass");
    let permit = &f["permit"];
    let code = permit["verify_code"].as_str().unwrap();
    assert_eq!(code.len(), 20);

    // The certificate is a real PDF, small enough to send by message.
    let pdf = m.get(&format!("/api/v1/permits/{}/certificate.pdf", permit["id"])).await;
    pdf.assert_status(200);
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF"));
    assert!(pdf.body.len() < 100 * 1024, "certificate is {} bytes", pdf.body.len());
    // Another shop may not download it.
    let other = merchant(&app).await;
    other.get(&format!("/api/v1/permits/{}/certificate.pdf", permit["id"])).await.assert_status(404);

    // Anyone can check it by its code; the holder's name is masked.
    let v = app.anon().get(&format!("/api/v1/public/permits/{code}")).await;
    v.assert_status(200);
    let v = v.value();
    assert_eq!(v["status"], "valid");
    assert_eq!(v["kind"], "cross_store");
    assert!(v["holder"].as_str().unwrap().contains('*'), "masked holder: {}", v["holder"]);
    app.anon().get("/api/v1/public/permits/0000000000000000000X").await.assert_status(404);
});

api_test!(tampered_browser_result_is_ignored_and_reevaluated, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "禾祥西路").await;
    let m = merchant(&app).await;
    // 2.0 m deep on a 3.0 m sidewalk: too deep and too little walkway left. The client claims
    // it was filed and every rule passed.
    let mut body = cross_store(seg["id"].as_i64().unwrap(), 2.0);
    body["evaluation"] = json!({ "outcome": "filed", "pack_version": 1, "results": [] });
    body["outcome"] = json!("filed");
    body["status"] = json!("filed");
    let preview = m.post("/api/v1/policy/evaluate", &body).await;
    preview.assert_status(200);
    let preview = preview.value();
    assert_eq!(preview["outcome"], "rejected");

    let r = m.post("/api/v1/filings", &body).await;
    r.assert_status(201);
    let f = r.value();
    assert_eq!(f["status"], "rejected");
    assert_eq!(f["evaluation"]["outcome"], "rejected");
    assert!(f["permit"].is_null());
    let depth = rule(&f, "CS-DEPTH");
    assert_eq!(depth["check"], "fail");
    assert!(depth["message"]["zh"].as_str().unwrap().contains("1.5"), "{depth}");
    assert_eq!(rule(&f, "CS-CLEARANCE")["check"], "fail");
    assert_eq!(app.count("permits").await, 0);
    // What the browser saw in the preview is what the server decided.
    assert_eq!(preview["results"], f["evaluation"]["results"]);
});

api_test!(restricted_street_goes_to_that_districts_officer_only, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "莲前东路").await;
    assert_eq!(seg["class"], "restricted");
    let m = merchant(&app).await;
    let r = m.post("/api/v1/filings", &cross_store(seg["id"].as_i64().unwrap(), 0.8)).await;
    r.assert_status(201);
    let f = r.value();
    let id = f["id"].as_i64().unwrap();
    assert_eq!(f["status"], "pending_review");
    assert!(f["deadline"].is_string());
    assert_eq!(rule(&f, "CS-SEGMENT-CLASS")["check"], "for_officer");

    let siming = app.officer(District::Siming).await;
    let huli = app.officer(District::Huli).await;
    let q = siming.get("/api/v1/review/filings").await.value();
    assert!(q.as_array().unwrap().iter().any(|i| i["id"] == id), "思明 officer sees it");
    let q = huli.get("/api/v1/review/filings").await.value();
    assert!(!q.as_array().unwrap().iter().any(|i| i["id"] == id), "湖里 officer does not");
    huli.get(&format!("/api/v1/filings/{id}")).await.assert_status(404);
    huli.post(&format!("/api/v1/filings/{id}/decision"), &json!({ "decision": "approve" })).await.assert_status(404);
    // Shops cannot decide.
    m.post(&format!("/api/v1/filings/{id}/decision"), &json!({ "decision": "approve" })).await.assert_status(403);

    // Returned with every problem at once; the shop corrects and resubmits; then approved.
    let items = json!({ "decision": "return", "items": [
        { "item": "address", "message": "请写明门牌号和楼层" },
        { "item": "windows", "message": "晚市时段请与门前标线一致" }
    ] });
    let r = siming.post(&format!("/api/v1/filings/{id}/decision"), &items).await;
    r.assert_status(200);
    let mine = m.get(&format!("/api/v1/filings/{id}")).await.value();
    assert_eq!(mine["status"], "returned");
    assert_eq!(mine["return_items"].as_array().unwrap().len(), 2);
    let r = m.put(&format!("/api/v1/filings/{id}"), &cross_store(seg["id"].as_i64().unwrap(), 0.8)).await;
    r.assert_status(200);
    assert_eq!(r.value()["status"], "pending_review");
    let r = siming.post(&format!("/api/v1/filings/{id}/decision"), &json!({ "decision": "approve" })).await;
    r.assert_status(200);
    let f = r.value();
    assert_eq!(f["status"], "approved");
    let code = f["permit"]["verify_code"].as_str().unwrap().to_string();
    let mine = m.get(&format!("/api/v1/filings/{id}")).await.value();
    let actions: Vec<&str> =
        mine["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    for a in ["filing.submitted", "filing.returned", "filing.resubmitted", "filing.approved"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }

    // An inspection finds it non-compliant: revoked, with the reason, visible to the public check.
    huli.post(&format!("/api/v1/filings/{id}/revoke"), &json!({ "reason": "超出标线" })).await.assert_status(404);
    let r = siming
        .post(&format!("/api/v1/filings/{id}/revoke"), &json!({ "reason": "现场检查：外摆超出地面标线 0.5 米" }))
        .await;
    r.assert_status(200);
    assert_eq!(r.value()["status"], "revoked");
    let v = app.anon().get(&format!("/api/v1/public/permits/{code}")).await.value();
    assert_eq!(v["status"], "revoked");
});

api_test!(prohibited_street_is_rejected_with_the_reason, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "湖滨南路").await;
    assert_eq!(seg["class"], "prohibited");
    let m = merchant(&app).await;
    let f = m.post("/api/v1/filings", &cross_store(seg["id"].as_i64().unwrap(), 0.5)).await.value();
    assert_eq!(f["status"], "rejected");
    let r = rule(&f, "CS-SEGMENT-CLASS");
    assert_eq!(r["check"], "fail");
    assert!(r["message"]["zh"].as_str().unwrap().contains("湖滨南路"), "{r}");
});

api_test!(malformed_geometry_and_impossible_dates_are_refused_and_nothing_stored, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "禾祥西路").await;
    let id = seg["id"].as_i64().unwrap();
    let m = merchant(&app).await;

    // A "polygon" of two points, one of them not a number.
    let mut body = cross_store(id, 1.0);
    body["area"] = json!([[118.08, 24.47], [118.081, "north"]]);
    let r = m.post("/api/v1/filings", &body).await;
    r.assert_status(422);
    assert!(r.error_fields().iter().any(|f| f.starts_with("area")), "{:?}", r.error_fields());

    // A self-crossing bow-tie.
    body["area"] =
        json!([[118.080, 24.470], [118.081, 24.471], [118.081, 24.470], [118.080, 24.471], [118.080, 24.470]]);
    let r = m.post("/api/v1/filings", &body).await;
    r.assert_status(422);
    assert!(r.error_fields().contains(&"area".to_string()), "{:?}", r.error_fields());

    // Drawn far from the chosen street.
    let far = common::geo::rectangle_polygon([118.20, 24.60], 4.0, 1.0, 0.0);
    body["area"] = json!(far);
    let r = m.post("/api/v1/filings", &body).await;
    r.assert_status(422);
    assert!(r.error_fields().contains(&"area".to_string()));

    // 30 February, and an end before the start.
    let mut body = cross_store(id, 1.0);
    body["starts_on"] = json!("2027-02-30");
    let r = m.post("/api/v1/filings", &body).await;
    r.assert_status(422);
    assert!(r.error_fields().contains(&"starts_on".to_string()), "{:?}", r.error_fields());
    let p = r.problem();
    assert!(!p.title_zh.is_empty() && !p.title.is_empty());
    let mut body = cross_store(id, 1.0);
    body["ends_on"] = json!(day(-30));
    let r = m.post("/api/v1/filings", &body).await;
    r.assert_status(422);
    assert!(r.error_fields().contains(&"ends_on".to_string()));
    // An unknown segment.
    let r = m.post("/api/v1/filings", &cross_store(999_999, 1.0)).await;
    r.assert_status(422);
    assert!(r.error_fields().contains(&"segment_id".to_string()));
    // Outdoor promotion with hours backwards and a place outside Xiamen.
    let mut p = promo(5, 6);
    p["daily_end"] = json!("09:00:00");
    p["location"] = json!([121.47, 31.23]);
    let r = m.post("/api/v1/filings", &p).await;
    r.assert_status(422);
    let fields = r.error_fields();
    assert!(fields.contains(&"daily_end".to_string()) && fields.contains(&"location".to_string()), "{fields:?}");

    assert_eq!(app.count("shop_filings").await, 0);
    assert_eq!(app.count("permits").await, 0);
});

api_test!(outdoor_promotion_lead_time_and_venue_overlap, |app| {
    let app = app.with_demo().await;
    let m = merchant(&app).await;
    // Tomorrow is too soon (3 days' notice).
    let f = m.post("/api/v1/filings", &promo(1, 1)).await.value();
    assert_eq!(f["status"], "rejected");
    assert_eq!(rule(&f, "OP-LEAD")["check"], "fail");
    // A week ahead is filed at once.
    let f = m.post("/api/v1/filings", &promo(7, 8)).await.value();
    assert_eq!(f["status"], "filed", "{f}");
    assert!(f["permit"]["verify_code"].is_string());
    // Another event at the same venue on an overlapping day is refused.
    let other = merchant(&app).await;
    let mut body = promo(8, 8);
    body["address"] = json!("思明区 湖滨东路99号");
    let f = other.post("/api/v1/filings", &body).await.value();
    assert_eq!(rule(&f, "OP-OVERLAP")["check"], "fail", "{f}");
    assert_eq!(f["status"], "rejected");
});

api_test!(policy_change_creates_a_version_and_old_decisions_keep_theirs, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "禾祥西路").await;
    let seg_id = seg["id"].as_i64().unwrap();
    let m = merchant(&app).await;
    let old = m.post("/api/v1/filings", &cross_store(seg_id, 1.2)).await.value();
    assert_eq!(old["policy_version"], 1);
    assert_eq!(old["status"], "filed");

    let admin = app.admin().await;
    let mut pack = app.anon().get("/api/v1/policy").await.value();
    assert_eq!(pack["version"], 1);
    // Only admins edit the pack.
    m.put("/api/v1/policy/draft", &json!({ "pack": pack.clone(), "note": "x" })).await.assert_status(403);
    // A draft that breaks the pack's own rules is refused with every problem.
    let mut bad = pack.clone();
    bad["cross_store"]["suitable"]["max_depth_m"] = json!(-1.0);
    bad["rules"][1]["id"] = bad["rules"][0]["id"].clone();
    let r = admin.put("/api/v1/policy/draft", &json!({ "pack": bad, "note": "bad" })).await;
    r.assert_status(422);
    let fields = r.error_fields();
    assert!(
        fields.contains(&"cross_store.suitable".to_string()) && fields.iter().any(|f| f.starts_with("rules[1]")),
        "{fields:?}"
    );

    // Tighten suitable streets to 1.0 m and publish.
    pack["cross_store"]["suitable"]["max_depth_m"] = json!(1.0);
    let r = admin.put("/api/v1/policy/draft", &json!({ "pack": pack, "note": "适宜路段外摆深度收紧为 1 米" })).await;
    r.assert_status(200);
    assert_eq!(r.value()["pack"]["version"], 2);
    // Nothing changes until it is published.
    assert_eq!(app.anon().get("/api/v1/policy").await.value()["version"], 1);
    admin.post("/api/v1/policy/draft/publish", &json!({})).await.assert_status(200);
    assert_eq!(app.anon().get("/api/v1/policy").await.value()["version"], 2);

    let versions = app.anon().get("/api/v1/policy/versions").await.value();
    let status: Vec<(i64, &str)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["status"].as_str().unwrap()))
        .collect();
    assert!(status.contains(&(1, "superseded")) && status.contains(&(2, "published")), "{status:?}");
    // Version 1 is kept as it was.
    let v1 = app.anon().get("/api/v1/policy/versions/1").await.value();
    assert_eq!(v1["cross_store"]["suitable"]["max_depth_m"], 1.5);

    // The same 1.2 m filing now fails, under version 2; the old decision still says version 1.
    let new = m.post("/api/v1/filings", &cross_store(seg_id, 1.2)).await.value();
    assert_eq!(new["policy_version"], 2);
    assert_eq!(new["status"], "rejected");
    let again = m.get(&format!("/api/v1/filings/{}", old["id"])).await.value();
    assert_eq!(again["policy_version"], 1);
    assert_eq!(again["status"], "filed");
    assert_eq!(again["evaluation"]["pack_version"], 1);
});

api_test!(self_check_walks_to_an_answer_with_its_clause, |app| {
    let c = app.anon();
    let mut answers: Vec<Value> = Vec::new();
    // Always take the first choice until an answer comes.
    for _ in 0..6 {
        let r = c.post("/api/v1/policy/self-check", &json!({ "answers": answers })).await;
        r.assert_status(200);
        let v = r.value();
        if v["step"] == "answer" {
            assert!(!v["clause"].as_str().unwrap().is_empty());
            assert!(!v["message"]["zh"].as_str().unwrap().is_empty());
            return;
        }
        let q = &v["question"];
        answers.push(json!({ "question": q["id"], "value": q["options"][0]["value"] }));
    }
    panic!("no answer after six questions: {answers:?}");
});

/// A rectangle `along_m` × `across_m` centred on the middle of the segment's first piece, its
/// long side along the street.
fn drawn_beside(seg: &Value, along_m: f64, across_m: f64) -> Value {
    let line: Vec<[f64; 2]> = serde_json::from_value(seg["line"].clone()).unwrap();
    let (a, b) = (line[0], line[1]);
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let bearing = ((b[0] - a[0]) * (mid[1].to_radians().cos())).atan2(b[1] - a[1]).to_degrees();
    json!(common::geo::rectangle_polygon(mid, along_m, across_m, bearing))
}

api_test!(a_drawn_area_far_from_the_declared_size_is_refused_by_the_rule, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "禾祥西路").await;
    let id = seg["id"].as_i64().unwrap();
    let m = merchant(&app).await;
    // Declared 4 m × 1 m, drawn 40 m × 20 m (800 m²) right beside the street.
    let mut body = cross_store(id, 1.0);
    body["area"] = drawn_beside(&seg, 40.0, 20.0);
    let f = m.post("/api/v1/filings", &body).await.value();
    let r = rule(&f, "CS-AREA-SIZE");
    assert_eq!(r["check"], "fail", "{r}");
    assert_eq!(r["field"], "area");
    assert!(r["message"]["zh"].as_str().unwrap().contains("4.0 平方米"), "{r}");
    assert_eq!(f["status"], "rejected");
    assert!(f["permit"].is_null());
    // Drawn to size, the same filing passes the rule and is filed.
    body["area"] = drawn_beside(&seg, 4.0, 1.0);
    let f = m.post("/api/v1/filings", &body).await.value();
    assert_eq!(rule(&f, "CS-AREA-SIZE")["check"], "pass");
    assert_eq!(f["status"], "filed", "{f}");
    // The browser's live check runs the same rule.
    let mut preview = cross_store(id, 1.0);
    preview["area"] = drawn_beside(&seg, 40.0, 20.0);
    let e = m.post("/api/v1/policy/evaluate", &preview).await.value();
    assert_eq!(rule(&e, "CS-AREA-SIZE")["check"], "fail");
});

api_test!(prohibited_streets_are_not_offered_to_shops_and_segments_read_in_order, |app| {
    let app = app.with_demo().await;
    let all = app.anon().get("/api/v1/street-segments?district=350203").await.value();
    let all = all.as_array().unwrap();
    assert!(all.iter().any(|s| s["class"] == "prohibited"), "the demo has prohibited streets in 思明");
    let offered = app.anon().get("/api/v1/street-segments?district=350203&fileable=true").await.value();
    let offered = offered.as_array().unwrap();
    assert!(!offered.is_empty());
    assert!(offered.iter().all(|s| s["class"] != "prohibited"), "{offered:?}");
    assert_eq!(offered.len(), all.iter().filter(|s| s["class"] != "prohibited").count());
    // 第2段 before 第10段: numbers in names are read as numbers.
    let names: Vec<&str> = all.iter().map(|s| s["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| common::text::natural_cmp(a, b));
    assert_eq!(names, sorted);
});

api_test!(an_approval_may_narrow_the_area_and_hours_but_never_widen_them, |app| {
    let app = app.with_demo().await;
    let seg = segment(&app, "莲前东路").await;
    let m = merchant(&app).await;
    let mut body = cross_store(seg["id"].as_i64().unwrap(), 0.8);
    body["windows"] = json!([{ "start": "12:00:00", "end": "14:00:00" }, { "start": "18:00:00", "end": "22:00:00" }]);
    let f = m.post("/api/v1/filings", &body).await.value();
    assert_eq!(f["status"], "pending_review");
    let id = f["id"].as_i64().unwrap();
    let officer = app.officer(District::Siming).await;
    // The officer sees who and where: the shop's contact and the street.
    let seen = officer.get(&format!("/api/v1/filings/{id}")).await.value();
    assert_eq!(seen["segment"]["id"], seg["id"]);
    assert!(seen["contact"].is_object());
    // Wider than filed: refused, nothing decided.
    let wider = json!({ "decision": "approve", "conditions": { "depth_m": 1.5, "note": "" } });
    let r = officer.post(&format!("/api/v1/filings/{id}/decision"), &wider).await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), ["conditions.depth_m"]);
    assert_eq!(officer.get(&format!("/api/v1/filings/{id}")).await.value()["status"], "pending_review");
    // Narrower: approved, and the certificate carries the approved size, hours and condition.
    let narrower = json!({ "decision": "approve", "conditions": {
        "depth_m": 0.6, "windows": [{ "start": "18:00:00", "end": "22:00:00" }], "note": "桌椅不超过 2 套" } });
    let r = officer.post(&format!("/api/v1/filings/{id}/decision"), &narrower).await;
    r.assert_status(200);
    let permit_id = r.value()["permit"]["id"].as_i64().unwrap();
    let p = m.get(&format!("/api/v1/permits/{permit_id}")).await.value();
    assert_eq!(p["hours"], "18:00–22:00");
    let conditions = p["conditions"].to_string();
    assert!(conditions.contains("深 0.6 米") && conditions.contains("桌椅不超过 2 套"), "{conditions}");
});

// The district of a filing comes from where it is, not from what the shop sends: a promotion in
// 思明 that names 湖里 is 思明's, and a place outside the city is refused.
api_test!(a_promotions_district_is_where_it_is_not_what_the_shop_says, |app| {
    let app = app.with_demo().await;
    let m = merchant(&app).await;
    let mut body = promo(7, 8);
    body["district"] = json!("350206");
    let f = m.post("/api/v1/filings", &body).await;
    f.assert_status(201);
    let f = f.value();
    assert_eq!(f["district"], "350203", "{f}");
    assert_eq!(f["application"]["district"], "350203");
    let id = f["id"].as_i64().unwrap();
    app.officer(District::Siming).await.get(&format!("/api/v1/filings/{id}")).await.assert_status(200);
    let huli = app.officer(District::Huli).await.get(&format!("/api/v1/filings/{id}")).await;
    assert!(matches!(huli.status.as_u16(), 403 | 404), "{}", huli.status);
    // Out at sea, off the city.
    let mut far = promo(9, 9);
    far["location"] = json!([119.5, 23.5]);
    let before = app.count("shop_filings").await;
    let r = m.post("/api/v1/filings", &far).await;
    assert_eq!(r.error_fields(), ["location"]);
    assert_eq!(app.count("shop_filings").await, before);
});
