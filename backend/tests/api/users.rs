//! Staff accounts: only admins create them; lists are scoped and masked.

use crate::api_test;
use common::{District, Role};
use serde_json::json;

fn officer_body(username: &str) -> serde_json::Value {
    json!({ "username": username, "display_name": "李警官", "role": "district_officer", "district": "350206", "password": "officer-pass-1" })
}

api_test!(admin_creates_an_officer_who_can_sign_in, |app| {
    let admin = app.admin().await;
    let r = admin.post("/api/v1/users", &officer_body("hl_li")).await;
    r.assert_status(201);
    assert_eq!(r.value()["district"], "350206");
    let officer = app.anon();
    officer.login("hl_li", "officer-pass-1").await;
    let me = officer.get("/api/v1/me").await.value();
    assert_eq!((me["role"].as_str(), me["district"].as_str()), (Some("district_officer"), Some("350206")));
});

api_test!(officers_vendors_and_strangers_cannot_create_staff, |app| {
    let before = app.count("users").await;
    let officer = app.officer(District::Siming).await;
    assert_eq!(officer.post("/api/v1/users", &officer_body("x_one")).await.problem().status, 403);
    let (vendor, _) = app.vendor().await;
    assert_eq!(vendor.post("/api/v1/users", &officer_body("x_two")).await.problem().status, 403);
    assert_eq!(app.anon().post("/api/v1/users", &officer_body("x_three")).await.problem().status, 401);
    assert_eq!(app.count("users").await, before + 2, "only the two callers' own accounts exist");
});

api_test!(staff_request_is_validated, |app| {
    let admin = app.admin().await;
    let r = admin
        .post(
            "/api/v1/users",
            &json!({ "username": "A B", "display_name": "李", "role": "district_officer", "password": "x" }),
        )
        .await;
    assert_eq!(r.error_fields(), ["username", "display_name", "password", "district"]);
    let r = admin
        .post(
            "/api/v1/users",
            &json!({ "username": "ok_name", "display_name": "李四", "role": "vendor", "password": "pass-1234" }),
        )
        .await;
    assert_eq!(r.error_fields(), ["role"]);
    let r = admin.post("/api/v1/users", &json!({ "username": "ok_name", "display_name": "李四", "role": "district_officer", "district": "350299", "password": "pass-1234" })).await;
    assert_eq!(r.error_fields(), ["district"], "unknown district code is a field error");
    admin.post("/api/v1/users", &officer_body("dup_name")).await.assert_status(201);
    assert_eq!(admin.post("/api/v1/users", &officer_body("dup_name")).await.error_fields(), ["username"]);
});

api_test!(officer_sees_only_their_district_and_ids_are_masked, |app| {
    app.create_user(Role::DistrictOfficer, "hl_other", Some(District::Huli)).await;
    let sm = app.officer(District::Siming).await;
    let list = sm.get("/api/v1/users").await.value();
    let districts: Vec<&str> =
        list["users"].as_array().unwrap().iter().map(|u| u["district"].as_str().unwrap()).collect();
    assert!(!districts.is_empty() && districts.iter().all(|d| *d == "350203"), "{districts:?}");
    let (vendor, _) = app.vendor().await;
    assert_eq!(vendor.get("/api/v1/users").await.problem().status, 403);
    // Admin list masks personal numbers.
    let c = app.anon();
    let first = "35020319900101021";
    let id = format!("{first}{}", common::validate::id_check_char(first.as_bytes()));
    let code = app.code_for("13805920010", backend::auth::codes::Purpose::Register).await;
    c.post("/api/v1/auth/register", &json!({ "kind": "vendor", "real_name": "王小明", "id_number": id, "phone": "13805920010", "password": "vendor-pass-1", "code": code }))
        .await
        .assert_status(201);
    let admin = app.admin().await;
    let text = admin.get("/api/v1/users?role=vendor").await.text();
    assert!(!text.contains(&id) && !text.contains("13805920010"), "{text}");
    assert!(text.contains("3502**********"));
});
