//! Public complaints: routed to the right district, followed by token, resolved and closed kept
//! apart, reopened by the reporter. Open311 GeoReport v2 is in `open311.rs`.

use crate::api_test;
#[allow(unused_imports)]
use crate::util::*;
use common::District;
use serde_json::json;

api_test!(a_complaint_reaches_its_district_and_the_reporter_follows_it, |app| {
    let app = app.with_demo().await;
    let public = app.anon();
    // A point on 湖里's 五缘湾 goes to 湖里.
    let r = public
        .post(
            "/api/v1/complaints",
            &json!({ "service_code": "blocking", "description": "摊位占用盲道，轮椅无法通过",
            "location": [118.1790, 24.5190], "address": "五缘湾道", "contact": "13912345678" }),
        )
        .await;
    r.assert_status(201);
    let receipt = r.value();
    assert_eq!(receipt["district"], "350206");
    let token = receipt["token"].as_str().unwrap().to_string();
    let id = receipt["id"].as_i64().unwrap();

    let huli = app.officer(District::Huli).await;
    let siming = app.officer(District::Siming).await;
    let q = huli.get("/api/v1/review/complaints").await.value();
    let mine = q.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
    assert_eq!(mine["contact"], "13912345678", "staff see how to call back");
    assert!(!siming.get("/api/v1/review/complaints").await.value().as_array().unwrap().iter().any(|c| c["id"] == id));
    siming.get(&format!("/api/v1/complaints/{id}")).await.assert_status(404);

    // The reporter sees the status by token, never the contact.
    let v = public.get(&format!("/api/v1/public/complaints/{token}")).await.value();
    assert_eq!(v["status"], "open");
    assert!(v["contact"].is_null());
    public.get("/api/v1/public/complaints/0123456789abcdef0123456789abcdef").await.assert_status(404);

    // Closed without action is not "resolved"; the reporter reopens; then it is resolved.
    let r = huli
        .post(
            &format!("/api/v1/complaints/{id}/status"),
            &json!({ "status": "closed_no_action", "note": "到场未发现占道" }),
        )
        .await;
    r.assert_status(200);
    assert_eq!(public.get(&format!("/api/v1/public/complaints/{token}")).await.value()["status"], "closed_no_action");
    huli.post(&format!("/api/v1/complaints/{id}/status"), &json!({ "status": "resolved", "note": "x" }))
        .await
        .assert_status(409);
    let r = public
        .post(&format!("/api/v1/complaints/by-token/{token}/reopen"), &json!({ "note": "晚上八点后仍然占道" }))
        .await;
    r.assert_status(200);
    assert_eq!(r.value()["status"], "open");
    assert_eq!(r.value()["reopened"], 1);
    huli.post(
        &format!("/api/v1/complaints/{id}/status"),
        &json!({ "status": "resolved", "note": "已责令摊主收回桌椅，复查无占道" }),
    )
    .await
    .assert_status(200);
    let v = public.get(&format!("/api/v1/public/complaints/{token}")).await.value();
    assert_eq!(v["status"], "resolved");
    let actions: Vec<&str> = v["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["complaint.filed", "complaint.closed_no_action", "complaint.reopened", "complaint.resolved"]);

    // Bad input: every problem at once, nothing stored.
    let before = app.count("complaints").await;
    let r = public
        .post(
            "/api/v1/complaints",
            &json!({ "service_code": "aliens", "description": "", "location": [121.47, 31.23] }),
        )
        .await;
    r.assert_status(422);
    let f = r.error_fields();
    for want in ["service_code", "description", "location"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    assert_eq!(app.count("complaints").await, before);
});

api_test!(a_complaint_about_a_permit_goes_to_the_permits_district, |app| {
    let app = app.with_demo().await;
    let (_, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Xiangan).await;
    let officer = app.officer(District::Xiangan).await;
    let code =
        officer.get(&format!("/api/v1/permits/{permit}")).await.value()["verify_code"].as_str().unwrap().to_string();
    let r = app
        .anon()
        .post(
            "/api/v1/complaints",
            &json!({ "service_code": "hours", "description": "深夜仍在经营", "permit_code": code }),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.value()["district"], "350213");
    let q = officer.get("/api/v1/review/complaints").await.value();
    assert_eq!(q[0]["permit_code"], code);
});

// Found by the OpenAPI fuzz: a NUL in the token reached PostgreSQL, which refuses it in text (500).
api_test!(a_malformed_token_is_simply_unknown, |app| {
    let public = app.anon();
    for token in ["%00", "abc", "0123456789abcdef0123456789abcdeg"] {
        public.get(&format!("/api/v1/public/complaints/{token}")).await.assert_status(404);
        public
            .post(&format!("/api/v1/complaints/by-token/{token}/reopen"), &json!({ "note": "仍未整改" }))
            .await
            .assert_status(404);
    }
});
