//! Registration, sign-in, sessions, CSRF, throttling, password change.

use crate::api_test;
use crate::util::*;
use axum::http::Method;
use backend::auth::codes::Purpose::Register;
use common::validate::{credit_check_char, id_check_char};
use serde_json::json;

fn id_number(seq: u32) -> String {
    let first = format!("35020319900101{seq:03}");
    format!("{first}{}", id_check_char(first.as_bytes()))
}

fn credit_code(tail: &str) -> String {
    let first = format!("92350203{tail}");
    format!("{first}{}", credit_check_char(&first).unwrap())
}

pub fn vendor_body(phone: &str, seq: u32) -> serde_json::Value {
    json!({ "kind": "vendor", "real_name": "王小明", "id_number": id_number(seq), "phone": phone, "password": "vendor-pass-1" })
}

/// The registration with the code texted to its phone.
pub async fn with_code(app: &TestApp, mut body: serde_json::Value) -> serde_json::Value {
    let phone = common::validate::check_mobile(body["phone"].as_str().unwrap()).unwrap();
    body["code"] = json!(app.code_for(&phone, Register).await);
    body
}

api_test!(vendor_registers_and_is_signed_in, |app| {
    let c = app.anon();
    let r = c.post("/api/v1/auth/register", &with_code(&app, vendor_body("+86 138 0592 0001", 11)).await).await;
    r.assert_status(201);
    let v = r.value();
    assert_eq!(v["user"]["role"], "vendor");
    assert_eq!(v["user"]["phone"], "13805920001", "phone stored normalised");
    assert_eq!(v["user"]["id_number"], id_number(11), "owner sees their own ID number");
    assert!(c.cookie("tangui_session").is_some());
    let me = c.get("/api/v1/me").await;
    me.assert_status(200);
    assert_eq!(me.value()["display_name"], "王小明");
    // The audit log records the registration without the ID number.
    assert_eq!(app.count("audit_log").await, 1);
});

api_test!(merchant_registers_with_credit_code, |app| {
    let c = app.anon();
    let body = json!({ "kind": "merchant", "shop_name": "兴隆路沙县小吃", "credit_code": credit_code("MA8T5XQ31").to_lowercase(),
        "contact_name": "林志强", "phone": "13905920002", "password": "shop-pass-1" });
    let r = c.post("/api/v1/auth/register", &with_code(&app, body).await).await;
    r.assert_status(201);
    assert_eq!(r.value()["user"]["credit_code"], credit_code("MA8T5XQ31"));
});

api_test!(every_bad_field_is_reported_at_once_and_nothing_stored, |app| {
    let c = app.anon();
    let mut bad_id = id_number(12);
    let last = bad_id.pop().unwrap();
    bad_id.push(if last == '0' { '1' } else { '0' });
    let body = json!({ "kind": "vendor", "real_name": "王", "id_number": bad_id, "phone": "0592-1234567", "password": "short" });
    let r = c.post("/api/v1/auth/register", &body).await;
    r.assert_status(422);
    let p = r.problem();
    let codes: Vec<(&str, &str)> = p.errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
    assert_eq!(
        codes,
        [
            ("real_name", "length"),
            ("id_number", "id_checksum"),
            ("phone", "mobile"),
            ("password", "too_short"),
            ("code", "required")
        ]
    );
    assert!(p.errors.iter().all(|e| !e.message.zh.is_empty() && !e.message.en.is_empty()));
    let bad_credit = json!({ "kind": "merchant", "shop_name": "店", "credit_code": "9144030071526726XH", "contact_name": "林志强",
        "phone": "13905920003", "password": "shop-pass-1" });
    let r = c.post("/api/v1/auth/register", &bad_credit).await;
    assert_eq!(r.error_fields(), ["credit_code", "code"]);
    let unknown_kind = json!({ "kind": "officer", "username": "me" });
    c.post("/api/v1/auth/register", &unknown_kind).await.assert_status(422);
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("sessions").await, 0);
});

api_test!(a_person_or_phone_registers_once, |app| {
    let c = app.anon();
    c.post("/api/v1/auth/register", &with_code(&app, vendor_body("13805920004", 13)).await).await.assert_status(201);
    let again = app.anon().post("/api/v1/auth/register", &with_code(&app, vendor_body("13805920004", 13)).await).await;
    again.assert_status(422);
    assert_eq!(again.error_fields(), ["phone", "id_number"]);
    assert_eq!(app.count("users").await, 1);
});

api_test!(login_logout_and_session_ends_on_server, |app| {
    app.create_user(common::Role::Vendor, "13805920005", None).await;
    let c = app.anon();
    c.login("138 0592 0005", PASSWORD).await;
    let token = c.cookie("tangui_session").unwrap();
    c.get("/api/v1/me").await.assert_status(200);
    c.post("/api/v1/auth/logout", &json!({})).await.assert_status(204);
    assert!(c.cookie("tangui_session").is_none());
    // The old token is dead even if someone kept a copy.
    let thief = app.anon();
    thief.set_cookie("tangui_session", &token);
    assert_eq!(thief.get("/api/v1/me").await.problem().status, 401);
});

api_test!(login_rotates_the_session_and_csrf_tokens, |app| {
    app.create_user(common::Role::Vendor, "13805920006", None).await;
    let c = app.anon();
    // A token planted before login (session fixation) is not adopted.
    c.set_cookie("tangui_session", &"a".repeat(64));
    c.get("/api/v1/health").await;
    let csrf_before = c.cookie("tangui_csrf").unwrap();
    c.login("13805920006", PASSWORD).await;
    assert_ne!(c.cookie("tangui_session").unwrap(), "a".repeat(64));
    assert_ne!(c.cookie("tangui_csrf").unwrap(), csrf_before);
});

api_test!(wrong_password_and_unknown_account_look_the_same, |app| {
    app.create_user(common::Role::Vendor, "13805920007", None).await;
    let c = app.anon();
    let bad = c.post("/api/v1/auth/login", &json!({ "login": "13805920007", "password": "nope-1234" })).await.problem();
    let unknown =
        c.post("/api/v1/auth/login", &json!({ "login": "13805929999", "password": "nope-1234" })).await.problem();
    assert_eq!((bad.status, bad.type_uri.as_str()), (401, "/problems/invalid-credentials"));
    assert_eq!((unknown.title, unknown.title_zh), (bad.title, bad.title_zh));
    let empty = c.post("/api/v1/auth/login", &json!({ "login": "", "password": "" })).await;
    assert_eq!(empty.error_fields(), ["login", "password"]);
});

api_test!(login_is_throttled_per_account, |app| {
    app.create_user(common::Role::Vendor, "13805920008", None).await;
    let c = app.anon();
    for _ in 0..5 {
        c.post("/api/v1/auth/login", &json!({ "login": "13805920008", "password": "guess-1234" }))
            .await
            .assert_status(401);
    }
    // Even the right password is refused until the (short, growing) wait is over.
    let r = c.post("/api/v1/auth/login", &json!({ "login": "13805920008", "password": PASSWORD })).await;
    assert_eq!(r.problem().status, 429);
    assert!(r.headers.get("retry-after").is_some());
    // Another account from the same address is unaffected.
    app.create_user(common::Role::Vendor, "13805920009", None).await;
    c.login("13805920009", PASSWORD).await;
});

api_test!(writes_without_the_csrf_token_are_refused, |app| {
    let (c, _) = app.vendor().await;
    let body = serde_json::to_vec(&json!({ "current_password": PASSWORD, "new_password": "new-pass-2026" })).unwrap();
    let r = c.raw(Method::POST, "/api/v1/me/password", Some("application/json"), body.clone(), false).await;
    assert_eq!(r.problem().type_uri, "/problems/csrf");
    // A header that does not match the cookie fails too.
    c.forge_csrf_header(Some("0123456789abcdef0123456789abcdef"));
    let r = c.raw(Method::POST, "/api/v1/me/password", Some("application/json"), body, true).await;
    assert_eq!(r.problem().status, 403);
    c.forge_csrf_header(None);
    // The password did not change.
    let login = c.get("/api/v1/me").await.value()["login"].as_str().unwrap().to_string();
    app.anon().login(&login, PASSWORD).await;
});

api_test!(change_password_ends_other_sessions, |app| {
    let (c, _) = app.vendor().await;
    let login = c.get("/api/v1/me").await.value()["login"].as_str().unwrap().to_string();
    let other = app.anon();
    other.login(&login, PASSWORD).await;
    let wrong = c
        .post("/api/v1/me/password", &json!({ "current_password": "wrong-1234", "new_password": "new-pass-2026" }))
        .await;
    assert_eq!(wrong.error_fields(), ["current_password"]);
    let weak =
        c.post("/api/v1/me/password", &json!({ "current_password": PASSWORD, "new_password": "abcdefgh" })).await;
    assert_eq!(weak.error_fields(), ["new_password"]);
    c.post("/api/v1/me/password", &json!({ "current_password": PASSWORD, "new_password": "new-pass-2026" }))
        .await
        .assert_status(204);
    c.get("/api/v1/me").await.assert_status(200);
    other.get("/api/v1/me").await.assert_status(401);
    app.anon().login(&login, "new-pass-2026").await;
});

api_test!(me_needs_a_session, |app| {
    let p = app.anon().get("/api/v1/me").await.problem();
    assert_eq!((p.status, p.type_uri.as_str()), (401, "/problems/unauthenticated"));
});

// The text rule that refuses markup in form fields must not touch secrets.
api_test!(a_password_may_hold_any_printable_character, |app| {
    let c = app.anon();
    let mut body = with_code(&app, vendor_body("13805920077", 77)).await;
    body["password"] = json!("<a&b>'\"; 密码 2026");
    c.post("/api/v1/auth/register", &body).await.assert_status(201);
    c.post("/api/v1/auth/logout", &json!({})).await.assert_status(204);
    c.login("13805920077", "<a&b>'\"; 密码 2026").await.assert_status(200);
    let r = c.post("/api/v1/auth/login", &json!({ "login": "13805920077", "password": "bad\u{0}" })).await;
    assert_eq!(r.problem().status, 422, "control characters are refused even in a password");
});
