//! Several stateless instances over one database, as behind the reverse proxy: a session made on
//! one is good on the other, a write on one is read on the other at once, and a logout on one ends
//! the session everywhere. (Jobs running once across instances: `permits.rs`.)

use crate::api_test;
use serde_json::json;

api_test!(two_instances_share_sessions_and_writes, |app| {
    let second = app.second_instance().await;
    let admin = app.admin().await;
    let admin_b = admin.to_instance(second.clone());
    // Signed in on the first; the second knows the session, CSRF token included.
    admin_b.get("/api/v1/me").await.assert_status(200);
    let r = admin_b
        .post(
            "/api/v1/users",
            &json!({ "username": "hl_wang", "display_name": "王警官", "role": "district_officer", "district": "350206", "password": "officer-pass-1" }),
        )
        .await;
    r.assert_status(201);
    // The first instance reads it straight away, and the new officer signs in there.
    let list = admin.get("/api/v1/users?role=district_officer").await.text();
    assert!(list.contains("hl_wang"), "{list}");
    let officer = app.anon();
    officer.login("hl_wang", "officer-pass-1").await;
    assert_eq!(officer.get("/api/v1/me").await.value()["district"], "350206");

    // Logging out on the second ends the session on the first.
    admin_b.post("/api/v1/auth/logout", &json!({})).await.assert_status(204);
    assert_eq!(admin.get("/api/v1/me").await.problem().status, 401);
});
