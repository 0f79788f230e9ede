//! Stall applications: drafts, uploads, submission, review by district, decisions.

use crate::api_test;
use crate::util::*;
use axum::http::Method;
use common::District;
use serde_json::{Value, json};

/// A real photo from a phone camera's point of view: 64×48, rotated by its EXIF orientation tag
/// (6: turn right), carrying the camera's name and a GPS position in Xiamen.
pub const JPEG: &[u8] = include_bytes!("../fixtures/photo-with-gps.jpg");

/// What the server keeps of `JPEG`: the same picture written again without metadata.
pub async fn stored_photo() -> Vec<u8> {
    backend::files::clean_photo(JPEG.to_vec()).await.unwrap()
}
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF";

/// Ids of active zones: three in 思明 that allow cooked food, and one in 湖里.
pub async fn zones(app: &TestApp) -> (Vec<i64>, i64) {
    let c = app.anon();
    let sm = c.get("/api/v1/zones?district=350203&category=cooked_food&per_page=3").await.value();
    let hl = c.get("/api/v1/zones?district=350206&category=cooked_food&per_page=1").await.value();
    let ids = sm["zones"].as_array().unwrap().iter().map(|z| z["id"].as_i64().unwrap()).collect();
    (ids, hl["zones"][0]["id"].as_i64().unwrap())
}

pub async fn upload(c: &Client, id: i64, kind: &str, name: &str, bytes: &[u8]) -> Resp {
    c.raw(
        Method::POST,
        &format!("/api/v1/applications/{id}/documents?kind={kind}&filename={name}"),
        Some("application/octet-stream"),
        bytes.to_vec(),
        true,
    )
    .await
}

/// A vendor with a complete, submitted application for food in three 思明 zones.
pub async fn submitted(app: &TestApp, prefs: &[i64]) -> (Client, i64) {
    let (v, _) = app.vendor().await;
    let r =
        v.post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": prefs } })).await;
    r.assert_status(201);
    let id = r.value()["id"].as_i64().unwrap();
    upload(&v, id, "id_card", "id.jpg", JPEG).await.assert_status(201);
    upload(&v, id, "health_certificate", "health.pdf", PDF).await.assert_status(201);
    v.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await.assert_status(200);
    (v, id)
}

api_test!(vendor_drafts_uploads_and_submits, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let (v, _) = app.vendor().await;
    let r = v
        .post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": [sm[0], sm[1], sm[2]], "priority_groups": ["low_income"] } }))
        .await;
    r.assert_status(201);
    let a = r.value();
    let id = a["id"].as_i64().unwrap();
    assert_eq!(a["status"], "draft");
    assert_eq!(a["preferences"].as_array().unwrap().len(), 3);
    assert_eq!(a["required_documents"], json!(["id_card", "health_certificate", "low_income_proof"]));

    // Submitting without the documents lists every missing one at once.
    let r = v.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await;
    assert_eq!(r.error_fields(), ["documents.id_card", "documents.health_certificate", "documents.low_income_proof"]);

    upload(&v, id, "id_card", "身份证.jpg", JPEG).await.assert_status(201);
    upload(&v, id, "health_certificate", "health.pdf", PDF).await.assert_status(201);
    let r = v.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await;
    assert_eq!(r.error_fields(), ["documents.low_income_proof"]);
    upload(&v, id, "low_income_proof", "dibao.pdf", PDF).await.assert_status(201);
    let r = v.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await;
    r.assert_status(200);
    let s = r.value();
    assert_eq!(s["status"], "submitted");
    assert_eq!(s["district"], "350203", "routed to the first preference's district");
    assert!(s["deadline"].is_string() && s["working_days_left"].as_i64().unwrap() >= 4);
    let actions: Vec<&str> = s["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions.first(), Some(&"application.created"));
    assert_eq!(actions.last(), Some(&"application.submitted"));
    // Submitted applications are locked.
    let r = v
        .put(
            &format!("/api/v1/applications/{id}"),
            &json!({ "input": { "category": "flowers", "preferences": [sm[0]] } }),
        )
        .await;
    assert_eq!(r.problem().status, 409);
});

api_test!(bad_uploads_are_refused_and_the_draft_survives, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let (v, _) = app.vendor().await;
    let id = v
        .post(
            "/api/v1/applications",
            &json!({ "input": { "category": "cooked_food", "preferences": [sm[0], sm[1]], "note": "早餐" } }),
        )
        .await
        .value()["id"]
        .as_i64()
        .unwrap();
    upload(&v, id, "id_card", "id.jpg", JPEG).await.assert_status(201);
    let before = v.get(&format!("/api/v1/applications/{id}")).await.value();

    let exe = b"MZ\x90\x00\x03\x00\x00\x00 this is a program renamed to .jpg";
    let r = upload(&v, id, "health_certificate", "photo.jpg", exe).await;
    assert_eq!(r.problem().errors[0].code, "file_type");
    let r = upload(&v, id, "health_certificate", "empty.jpg", b"").await;
    assert_eq!(r.problem().errors[0].code, "empty_file");
    let mut big = JPEG.to_vec();
    big.resize(5 * 1024 * 1024 + 10, 0);
    let r = upload(&v, id, "health_certificate", "huge.jpg", &big).await;
    assert_eq!(r.problem().errors[0].code, "file_too_large");
    let r = upload(&v, id, "passport", "x.jpg", JPEG).await;
    assert_eq!(r.error_fields(), ["kind"]);

    let after = v.get(&format!("/api/v1/applications/{id}")).await.value();
    assert_eq!(after["input"], before["input"], "nothing else was lost");
    assert_eq!(after["documents"], before["documents"]);
    assert_eq!(app.count("application_documents").await, 1);
    // Files are kept by content hash, outside the web root, and readable by the owner.
    let doc = &after["documents"][0];
    assert_eq!(doc["content_type"], "image/jpeg");
    let file = v.get(&format!("/api/v1/applications/{id}/documents/{}", doc["id"])).await;
    file.assert_status(200);
    assert_eq!(&file.body[..], &stored_photo().await[..], "the photo as stored: written again without metadata");
    let sha = doc["sha256"].as_str().unwrap().to_string();
    let on_disk = app.state.config.data_dir.join("uploads").join(&sha[..2]).join(&sha).exists();
    let in_db: i64 = app
        .state
        .db
        .run(move |c| {
            use backend::db::schema::stored_files;
            use diesel::prelude::*;
            Ok(stored_files::table.filter(stored_files::sha256.eq(sha)).count().get_result(c)?)
        })
        .await
        .unwrap();
    // PostgreSQL keeps files in the database (no shared disk behind a load balancer), SQLite on disk.
    assert_eq!((on_disk, in_db == 1), if app.backend == Backend::Postgres { (false, true) } else { (true, false) });
});

api_test!(one_open_application_per_person_and_zone_checks, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let (v, _) = app.vendor().await;
    v.post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": [sm[0]] } }))
        .await
        .assert_status(201);
    let again = v
        .post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": [sm[1]] } }))
        .await;
    assert_eq!(again.problem().status, 409);
    let (w, _) = app.vendor().await;
    let r = w
        .post(
            "/api/v1/applications",
            &json!({ "input": { "category": "cooked_food", "preferences": [sm[0], 999999, sm[0], 1, 2, 3] } }),
        )
        .await;
    let fields = r.error_fields();
    assert!(
        fields.contains(&"preferences".to_string()) && fields.contains(&"preferences[2]".to_string()),
        "{fields:?}"
    );
    let r = w
        .post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": [999999] } }))
        .await;
    assert_eq!(r.problem().errors[0].code, "unknown_zone");
    // Only vendors apply.
    let admin = app.admin().await;
    assert_eq!(
        admin.post("/api/v1/applications", &json!({ "input": { "preferences": [] } })).await.problem().status,
        403
    );
});

api_test!(officer_reviews_only_their_district_and_returns_everything_at_once, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let (v, id) = submitted(&app, &sm).await;
    let hl = app.officer(District::Huli).await;
    assert_eq!(hl.get("/api/v1/review/applications").await.value()["total"], 0);
    assert_eq!(hl.get(&format!("/api/v1/applications/{id}")).await.problem().status, 404);
    let r = hl.post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "eligible" })).await;
    assert_eq!(r.problem().status, 404, "another district cannot decide");
    let (other_vendor, _) = app.vendor().await;
    assert_eq!(other_vendor.get(&format!("/api/v1/applications/{id}")).await.problem().status, 404);
    assert_eq!(other_vendor.get("/api/v1/review/applications").await.problem().status, 403);

    let sm_officer = app.officer(District::Siming).await;
    let q = sm_officer.get("/api/v1/review/applications").await.value();
    assert_eq!(q["total"], 1);
    assert_eq!(q["items"][0]["id"], id);
    assert_eq!(q["items"][0]["documents"], 2);
    let seen = sm_officer.get(&format!("/api/v1/applications/{id}")).await.value();
    assert!(seen["applicant"]["id_number"].is_null() || seen["applicant"]["id_number"].as_str().unwrap().contains('*'));
    let doc = seen["documents"][0]["id"].as_i64().unwrap();
    sm_officer.get(&format!("/api/v1/applications/{id}/documents/{doc}")).await.assert_status(200);

    let bad = sm_officer
        .post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "return", "items": [] }))
        .await;
    assert_eq!(bad.error_fields(), ["items"]);
    let items = json!([
        { "item": "health_certificate", "message": "健康证已过期，请上传有效期内的健康证" },
        { "item": "id_card", "message": "身份证反面不清晰" }
    ]);
    let r = sm_officer
        .post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "return", "items": items }))
        .await;
    r.assert_status(200);
    let mine = v.get(&format!("/api/v1/applications/{id}")).await.value();
    assert_eq!(mine["status"], "returned");
    assert_eq!(mine["return_items"].as_array().unwrap().len(), 2);
    assert_eq!(mine["history"].as_array().unwrap().last().unwrap()["items"].as_array().unwrap().len(), 2);
    assert_eq!(mine["history"].as_array().unwrap().last().unwrap()["by"], "district_officer");

    // The vendor fixes it and resubmits; the officer accepts.
    upload(&v, id, "health_certificate", "new.pdf", PDF).await.assert_status(201);
    v.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await.assert_status(200);
    let r = sm_officer.post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "eligible" })).await;
    assert_eq!(r.value()["status"], "eligible");
    // A second decision on the same case is refused, not applied twice.
    let again = sm_officer
        .post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "ineligible", "reason": "x" }))
        .await;
    assert_eq!(again.problem().status, 409);
    let (vendor2, _) = app.vendor().await;
    let r = vendor2.post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "eligible" })).await;
    assert_eq!(r.problem().status, 403);
});

api_test!(deadlines_count_working_days_on_the_admin_calendar, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let cal: Value = app.anon().get("/api/v1/calendar").await.value();
    assert!(!cal.as_array().unwrap().is_empty(), "the official schedule is loaded");
    // Declare the next ten days holidays: the deadline moves past them.
    let today = common::time::xiamen_today();
    for i in 1..=10 {
        let d = today + chrono::Duration::days(i);
        admin
            .put(&format!("/api/v1/calendar/{d}"), &json!({ "date": d, "kind": "holiday", "name": "测试假期" }))
            .await
            .assert_status(200);
    }
    let (sm, _) = zones(&app).await;
    let (v, id) = submitted(&app, &sm[..1]).await;
    let a = v.get(&format!("/api/v1/applications/{id}")).await.value();
    let deadline: chrono::NaiveDate = serde_json::from_value(a["deadline"].clone()).unwrap();
    assert!(deadline > today + chrono::Duration::days(10), "{deadline}");
    let (vendor, _) = app.vendor().await;
    let d = today + chrono::Duration::days(1);
    assert_eq!(
        vendor
            .put(&format!("/api/v1/calendar/{d}"), &json!({ "date": d, "kind": "workday", "name": "x" }))
            .await
            .problem()
            .status,
        403
    );
});
