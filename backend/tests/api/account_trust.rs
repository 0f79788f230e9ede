//! Accounts you can trust: a phone proven by a texted code before an account exists, the same
//! answer whether or not a person already has an account, guessing stopped even in parallel,
//! password reset, reclaiming an identity at a counter, the staff second factor, disabled
//! accounts, and limits that answer 429 with `Retry-After`.

use crate::accounts::{vendor_body, with_code};
use crate::api_test;
use crate::util::*;
use backend::auth::codes::Purpose;
use backend::db::schema::{login_failures, phone_codes as pc, sessions, users};
use common::{District, Role};
use diesel::prelude::*;
use serde_json::json;

/// (notice kind, phone) of every text written to the outbox.
async fn texts_sent(app: &TestApp) -> Vec<(String, String)> {
    app.texts_sent().await
}

fn code_error(r: &Resp) -> String {
    let p = r.problem();
    assert_eq!(p.status, 422, "{p:?}");
    p.errors.iter().find(|e| e.field == "code").map(|e| e.code.clone()).unwrap_or_else(|| format!("{:?}", p.errors))
}

api_test!(registration_completes_only_with_the_right_code, |app| {
    let c = app.anon();
    let body = vendor_body("13805921001", 101);
    // A wrong code: refused, nothing stored, the try counted.
    let code = app.code_for("13805921001", Purpose::Register).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut bad = body.clone();
    bad["code"] = json!(wrong);
    assert_eq!(code_error(&c.post("/api/v1/auth/register", &bad).await), "wrong_code");
    assert_eq!(app.count("users").await, 0);
    // The right one opens the account and signs in.
    let mut good = body.clone();
    good["code"] = json!(code);
    c.post("/api/v1/auth/register", &good).await.assert_status(201);
    // The same code again, for another person on another phone... it was for this phone and is spent.
    let mut reused = vendor_body("13805921001", 102);
    reused["code"] = json!(code);
    assert_eq!(code_error(&app.anon().post("/api/v1/auth/register", &reused).await), "code_spent");

    // An expired code.
    let late = app.code_for("13805921002", Purpose::Register).await;
    let key = app.phone_key("13805921002");
    app.state
        .db
        .run(move |c| {
            Ok(diesel::update(pc::table.filter(pc::phone.eq(key)))
                .set(pc::expires_at.eq(backend::clock::now() - chrono::Duration::seconds(1)))
                .execute(c)?)
        })
        .await
        .unwrap();
    let mut expired = vendor_body("13805921002", 103);
    expired["code"] = json!(late);
    assert_eq!(code_error(&app.anon().post("/api/v1/auth/register", &expired).await), "code_spent");

    // Five wrong tries use a code up: the right one no longer works.
    let right = app.code_for("13805921003", Purpose::Register).await;
    let mut guess = vendor_body("13805921003", 104);
    for _ in 0..5 {
        guess["code"] = json!(if right == "999999" { "999998" } else { "999999" });
        assert_eq!(code_error(&app.anon().post("/api/v1/auth/register", &guess).await), "wrong_code");
    }
    guess["code"] = json!(right);
    assert_eq!(code_error(&app.anon().post("/api/v1/auth/register", &guess).await), "code_spent");
    // A code for a password reset is no good for registering.
    let reset = app.code_for("13805921004", Purpose::Reset).await;
    let mut other = vendor_body("13805921004", 105);
    other["code"] = json!(reset);
    assert_eq!(code_error(&app.anon().post("/api/v1/auth/register", &other).await), "code_spent");
    assert_eq!(app.count("users").await, 1);
});

api_test!(an_existing_and_a_new_id_number_get_the_same_answer, |app| {
    // 王小明 (ID 201) has an account on 13805921010.
    app.anon()
        .post("/api/v1/auth/register", &with_code(&app, vendor_body("13805921010", 201)).await)
        .await
        .assert_status(201);
    let probe = |phone: &'static str| {
        let c = app.anon();
        async move {
            let r = c.post("/api/v1/auth/codes", &json!({ "phone": phone, "purpose": "register" })).await;
            (r.status, r.value())
        }
    };
    // Asking for a code: the registered phone and a new one get the same answer.
    assert_eq!(probe("13805921010").await, probe("13805921011").await);
    // Only the new phone got a code; the registered one is told by text instead. (Codes the
    // test wrote itself carry the address "test".)
    let codes: Vec<String> =
        app.state.db.run(|c| Ok(pc::table.filter(pc::client_ip.ne("test")).select(pc::phone).load(c)?)).await.unwrap();
    assert!(codes.contains(&app.phone_key("13805921011")) && !codes.contains(&app.phone_key("13805921010")));

    // Someone types 王小明's ID number (taken) or a fresh one, without proving a phone: same answer.
    let mut taken = vendor_body("13805921012", 201);
    taken["code"] = json!("123456");
    let mut fresh = vendor_body("13805921012", 202);
    fresh["code"] = json!("123456");
    let (a, b) = (
        app.anon().post("/api/v1/auth/register", &taken).await,
        app.anon().post("/api/v1/auth/register", &fresh).await,
    );
    assert_eq!((a.status, a.error_fields()), (b.status, b.error_fields()));
    assert_eq!(a.error_fields(), ["code"]);
    // A password reset for a phone with and without an account: the same answer.
    let reset = |phone: &'static str| {
        let c = app.anon();
        async move {
            let r = c.post("/api/v1/auth/codes", &json!({ "phone": phone, "purpose": "reset" })).await;
            (r.status, r.value())
        }
    };
    assert_eq!(reset("13805921010").await, reset("13805921099").await);

    // With the phone proven, the person learns the ID number is taken, and what to do next.
    let r = app.anon().post("/api/v1/auth/register", &with_code(&app, taken).await).await;
    assert_eq!(r.error_fields(), ["id_number"]);
    assert!(r.text().contains("服务窗口"), "{}", r.text());
    assert_eq!(app.count("users").await, 1);
});

api_test!(fifty_parallel_wrong_passwords_record_fifty_failures_and_none_gets_through, |app| {
    app.create_user(Role::Vendor, "13805921020", None).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let c = app.anon();
        tasks.push(tokio::spawn(async move {
            let r = c
                .post("/api/v1/auth/login", &json!({ "login": "13805921020", "password": format!("guess-{i:04}") }))
                .await;
            r.status.as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(checked <= 5, "at most five passwords were checked before the waits began: {checked}");
    let key = app.phone_key("13805921020");
    let recorded: i64 = app
        .state
        .db
        .run(move |c| Ok(login_failures::table.filter(login_failures::account_key.eq(key)).count().get_result(c)?))
        .await
        .unwrap();
    assert_eq!(recorded, 50);
    // The right password does not get through now either; the answer says how long to wait.
    let r = app.anon().post("/api/v1/auth/login", &json!({ "login": "13805921020", "password": PASSWORD })).await;
    assert_eq!(r.status, 429);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=300).contains(&wait), "{wait}");
    assert!(r.problem().detail_zh.is_some());
});

api_test!(a_forgotten_password_is_reset_with_a_texted_code_and_every_session_ends, |app| {
    app.create_user(Role::Vendor, "13805921030", None).await;
    let old = app.anon();
    old.login("13805921030", PASSWORD).await;
    let c = app.anon();
    c.post("/api/v1/auth/codes", &json!({ "phone": "13805921030", "purpose": "reset" })).await.assert_status(202);
    let wrong = c
        .post(
            "/api/v1/auth/reset",
            &json!({ "phone": "13805921030", "code": "000000", "new_password": "brand-new-2026" }),
        )
        .await;
    assert_eq!(wrong.error_fields(), ["code"]);
    let code = app.code_for("13805921030", Purpose::Reset).await;
    c.post("/api/v1/auth/reset", &json!({ "phone": "13805921030", "code": code, "new_password": "brand-new-2026" }))
        .await
        .assert_status(204);
    old.get("/api/v1/me").await.assert_status(401);
    let r = app.anon().post("/api/v1/auth/login", &json!({ "login": "13805921030", "password": PASSWORD })).await;
    assert_eq!(r.status, 401);
    app.anon().login("13805921030", "brand-new-2026").await;
    let notices: Vec<String> = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::notifications as n;
            Ok(n::table.select(n::kind).load(c)?)
        })
        .await
        .unwrap();
    assert!(notices.contains(&"account.password_changed".to_string()), "{notices:?}");
});

api_test!(a_phone_change_needs_a_code_from_the_new_phone_and_tells_the_old_one, |app| {
    app.create_user(Role::Vendor, "13805921050", None).await;
    app.create_user(Role::Vendor, "13805921052", None).await;
    let other = app.anon();
    other.login("13805921050", PASSWORD).await;
    let c = app.anon();
    c.login("13805921050", PASSWORD).await;
    // Nobody signed in cannot ask for such a code; a signed-in vendor can.
    let ask = json!({ "phone": "13805921051", "purpose": "phone_change" });
    app.anon().post("/api/v1/auth/codes", &ask).await.assert_status(401);
    c.post("/api/v1/auth/codes", &ask).await.assert_status(202);
    // A wrong code, a wrong password, a code for another purpose: refused, the phone unchanged.
    let code = app.code_for("13805921051", Purpose::PhoneChange).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let body = |code: &str, pw: &str| json!({ "phone": "13805921051", "code": code, "current_password": pw });
    assert_eq!(code_error(&c.post("/api/v1/me/phone", &body(wrong, PASSWORD)).await), "wrong_code");
    assert_eq!(c.post("/api/v1/me/phone", &body(&code, "not-my-password")).await.error_fields(), ["current_password"]);
    let reset_code = app.code_for("13805921051", Purpose::Reset).await;
    assert_eq!(code_error(&c.post("/api/v1/me/phone", &body(&reset_code, PASSWORD)).await), "wrong_code");
    assert_eq!(c.get("/api/v1/me").await.value()["phone"], "13805921050");
    // A phone that already has an account gets no code, only a text saying so.
    c.post("/api/v1/auth/codes", &json!({ "phone": "13805921052", "purpose": "phone_change" }))
        .await
        .assert_status(202);
    let key = app.phone_key("13805921052");
    let held: i64 =
        app.state.db.run(move |c| Ok(pc::table.filter(pc::phone.eq(key)).count().get_result(c)?)).await.unwrap();
    assert_eq!(held, 0);
    // The right code and password: the account moves; the other session ends, this one stays.
    c.post("/api/v1/me/phone", &body(&code, PASSWORD)).await.assert_status(204);
    assert_eq!(c.get("/api/v1/me").await.value()["phone"], "13805921051");
    other.get("/api/v1/me").await.assert_status(401);
    app.anon().login("13805921051", PASSWORD).await;
    let r = app.anon().post("/api/v1/auth/login", &json!({ "login": "13805921050", "password": PASSWORD })).await;
    assert_eq!(r.status, 401);
    // The old phone was told.
    let kinds = texts_sent(&app).await;
    assert!(kinds.contains(&("account.phone_changed".into(), "13805921050".into())), "{kinds:?}");
    // Officers sign in by username: no phone change for them.
    let officer = app.officer(District::Siming).await;
    officer.post("/api/v1/auth/codes", &ask).await.assert_status(403);
});

api_test!(reclaim_by_an_officer_moves_the_account_and_ends_the_old_sessions, |app| {
    // A squatter registered 王小明's ID number (301) on their own phone.
    let squatter = app.anon();
    squatter
        .post("/api/v1/auth/register", &with_code(&app, vendor_body("13805921040", 301)).await)
        .await
        .assert_status(201);
    let id_number = vendor_body("13805921040", 301)["id_number"].as_str().unwrap().to_string();
    // 王小明 at the 思明 counter: the officer checks the card and has a code texted to his phone.
    let officer = app.officer(District::Siming).await;
    officer
        .post("/api/v1/auth/codes", &json!({ "phone": "13805921041", "purpose": "reclaim" }))
        .await
        .assert_status(202);
    // Nobody else may ask for a reclaim code.
    app.anon()
        .post("/api/v1/auth/codes", &json!({ "phone": "13805921041", "purpose": "reclaim" }))
        .await
        .assert_status(403);
    let unchecked = json!({ "id_number": id_number, "phone": "13805921041", "code": "000000", "id_card_checked": false, "note": "思明区政务服务中心 3 号窗口" });
    assert!(
        officer
            .post("/api/v1/accounts/reclaim", &unchecked)
            .await
            .error_fields()
            .contains(&"id_card_checked".to_string())
    );
    let code = app.code_for("13805921041", Purpose::Reclaim).await;
    let req = json!({ "id_number": id_number, "phone": "13805921041", "code": code, "id_card_checked": true, "note": "思明区政务服务中心 3 号窗口" });
    officer.post("/api/v1/accounts/reclaim", &req).await.assert_status(204);
    // The squatter is signed out and cannot sign in; the account is now on 王小明's phone.
    squatter.get("/api/v1/me").await.assert_status(401);
    assert_eq!(
        app.anon()
            .post("/api/v1/auth/login", &json!({ "login": "13805921040", "password": "vendor-pass-1" }))
            .await
            .status,
        401
    );
    let vault = app.state.vault.clone();
    let phone = app
        .state
        .db
        .run(move |c| Ok(backend::models::user::User::find_by_id_number(c, &vault, &id_number)?.unwrap()))
        .await
        .unwrap()
        .phone(&app.state.vault);
    assert_eq!(phone.as_deref(), Some("13805921041"));
    // Both phones are told; the move is in the audit log without the ID number.
    let kinds = texts_sent(&app).await;
    assert!(kinds.contains(&("account.moved_away".into(), "13805921040".into())), "{kinds:?}");
    assert!(kinds.contains(&("account.reclaimed".into(), "13805921041".into())), "{kinds:?}");
    let audit: Vec<String> = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::audit_log as a;
            Ok(a::table.filter(a::action.eq("account.reclaimed")).select(a::detail).load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(!audit[0].contains("35020319900101301"), "{}", audit[0]);
    // He sets a password with a reset code to his phone and signs in.
    let code = app.code_for("13805921041", Purpose::Reset).await;
    app.anon()
        .post("/api/v1/auth/reset", &json!({ "phone": "13805921041", "code": code, "new_password": "wang-own-2026" }))
        .await
        .assert_status(204);
    app.anon().login("13805921041", "wang-own-2026").await;
});

api_test!(an_officer_without_a_second_factor_reaches_no_staff_route, |app| {
    let admin = app.admin().await;
    admin
        .post(
            "/api/v1/users",
            &json!({ "username": "sm_new", "display_name": "新来的", "role": "district_officer",
            "district": "350203", "password": "officer-pass-1" }),
        )
        .await
        .assert_status(201);
    let c = app.anon();
    let r = c.post("/api/v1/auth/login", &json!({ "login": "sm_new", "password": "officer-pass-1" })).await;
    r.assert_status(200);
    assert_eq!(r.value()["second_factor"], "enrol");
    // The password alone opens nothing.
    for path in ["/api/v1/me", "/api/v1/review/cases", "/api/v1/users", "/api/v1/admin/outbox"] {
        assert_eq!(c.get(path).await.status, 401, "{path}");
    }
    let wrong = c.post("/api/v1/auth/second-factor", &json!({ "code": "123456" })).await;
    assert_eq!(wrong.error_fields(), ["code"], "no authenticator set up yet");
    let e = c.post("/api/v1/auth/second-factor/enrol", &json!({})).await.value();
    let secret = e["secret"].as_str().unwrap().to_string();
    assert!(e["otpauth_url"].as_str().unwrap().starts_with("otpauth://totp/Tangui:sm_new?"));
    assert!(e["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let before = c.cookie("tangui_session").unwrap();
    let done = c.second_factor(&secret).await.value();
    assert_ne!(c.cookie("tangui_session").unwrap(), before, "a new token after the second step");
    let recovery: Vec<String> = serde_json::from_value(done["recovery_codes"].clone()).unwrap();
    assert_eq!(recovery.len(), 10);
    c.get("/api/v1/review/cases").await.assert_status(200);
    c.post("/api/v1/auth/second-factor/enrol", &json!({})).await.assert_status(409);

    // Next sign-in: the same code cannot be used twice; a recovery code works once.
    let again = app.anon();
    let r = again.post("/api/v1/auth/login", &json!({ "login": "sm_new", "password": "officer-pass-1" })).await;
    assert_eq!(r.value()["second_factor"], "verify");
    let now = backend::clock::now().and_utc().timestamp();
    let used = backend::auth::second_factor::code_at(&secret, now);
    let replay = again.post("/api/v1/auth/second-factor", &json!({ "code": used })).await;
    // Accepted only if the clock moved to a new step since; otherwise refused as used.
    if replay.status == 200 {
        again.post("/api/v1/auth/logout", &json!({})).await;
    } else {
        assert_eq!(replay.error_fields(), ["code"]);
    }
    let third = app.anon();
    third.post("/api/v1/auth/login", &json!({ "login": "sm_new", "password": "officer-pass-1" })).await;
    third.post("/api/v1/auth/second-factor", &json!({ "code": recovery[0] })).await.assert_status(200);
    third.get("/api/v1/review/cases").await.assert_status(200);
    let fourth = app.anon();
    fourth.post("/api/v1/auth/login", &json!({ "login": "sm_new", "password": "officer-pass-1" })).await;
    assert_eq!(fourth.post("/api/v1/auth/second-factor", &json!({ "code": recovery[0] })).await.status, 422);
    // Five wrong codes end the half-open session.
    for _ in 0..4 {
        fourth.post("/api/v1/auth/second-factor", &json!({ "code": "000000" })).await;
    }
    assert_eq!(fourth.post("/api/v1/auth/second-factor", &json!({ "code": "000000" })).await.status, 429);
    assert_eq!(fourth.post("/api/v1/auth/second-factor", &json!({ "code": "000000" })).await.status, 401);

    // An admin resets a lost authenticator: the officer's sessions end, the next sign-in enrols.
    let id: i64 = app
        .state
        .db
        .run(|c| Ok(users::table.filter(users::login.eq("sm_new")).select(users::id).first(c)?))
        .await
        .unwrap();
    admin.delete(&format!("/api/v1/users/{id}/second-factor")).await.assert_status(204);
    c.get("/api/v1/review/cases").await.assert_status(401);
    let r = app.anon().post("/api/v1/auth/login", &json!({ "login": "sm_new", "password": "officer-pass-1" })).await;
    assert_eq!(r.value()["second_factor"], "enrol");
});

api_test!(staff_sessions_end_after_thirty_idle_minutes, |app| {
    let officer = app.officer(District::Siming).await;
    let (vendor, _) = app.vendor().await;
    officer.get("/api/v1/review/cases").await.assert_status(200);
    app.state
        .db
        .run(|c| {
            Ok(diesel::update(sessions::table)
                .set(sessions::last_seen_at.eq(backend::clock::now() - chrono::Duration::minutes(31)))
                .execute(c)?)
        })
        .await
        .unwrap();
    officer.get("/api/v1/review/cases").await.assert_status(401);
    vendor.get("/api/v1/me").await.assert_status(200);
});

api_test!(a_disabled_account_is_refused_everywhere, |app| {
    let admin = app.admin().await;
    let (vendor, vid) = app.vendor().await;
    let login = vendor.get("/api/v1/me").await.value()["login"].as_str().unwrap().to_string();
    let phone = login.clone();
    let officer = app.officer(District::Huli).await;
    let oid: i64 = officer.get("/api/v1/me").await.value()["id"].as_i64().unwrap();
    // Officers cannot disable anyone; admins cannot disable themselves.
    officer.post(&format!("/api/v1/users/{vid}/disabled"), &json!({ "disabled": true })).await.assert_status(403);
    let me: i64 = admin.get("/api/v1/me").await.value()["id"].as_i64().unwrap();
    admin.post(&format!("/api/v1/users/{me}/disabled"), &json!({ "disabled": true })).await.assert_status(409);
    for id in [vid, oid] {
        let r = admin.post(&format!("/api/v1/users/{id}/disabled"), &json!({ "disabled": true })).await;
        assert_eq!(r.value()["disabled"], true);
    }
    vendor.get("/api/v1/me").await.assert_status(401);
    officer.get("/api/v1/review/cases").await.assert_status(401);
    let r = app.anon().post("/api/v1/auth/login", &json!({ "login": login, "password": PASSWORD })).await;
    assert_eq!(r.status, 401);
    // No reset code goes to a disabled account's phone either.
    app.anon().post("/api/v1/auth/codes", &json!({ "phone": login, "purpose": "reset" })).await.assert_status(202);
    let sent: i64 =
        app.state.db.run(move |c| Ok(pc::table.filter(pc::phone.eq(&phone)).count().get_result(c)?)).await.unwrap();
    assert_eq!(sent, 0);
    // Enabled again, the vendor signs in.
    admin.post(&format!("/api/v1/users/{vid}/disabled"), &json!({ "disabled": false })).await.assert_status(200);
    app.anon().login(&login, PASSWORD).await;
});

/// Sends until the answer is 429; returns how many got through and the last answer.
async fn until_limited(mut send: impl AsyncFnMut(usize) -> Resp, max: usize) -> (usize, Resp) {
    for i in 0..max {
        let r = send(i).await;
        if r.status == 429 {
            return (i, r);
        }
    }
    panic!("no 429 after {max} requests");
}

fn says_when(r: &Resp) {
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let p = r.problem();
    assert_eq!(p.type_uri, "/problems/too-many-requests");
    assert!(p.detail_zh.is_some() && p.detail.is_some());
}

api_test!(every_limited_endpoint_answers_429_with_retry_after, |app| {
    // Codes to one phone: five an hour.
    let c = app.anon();
    let (n, r) = until_limited(
        async |_| c.post("/api/v1/auth/codes", &json!({ "phone": "13805921050", "purpose": "register" })).await,
        20,
    )
    .await;
    assert_eq!(n, 5);
    says_when(&r);
    // Codes from one address: twenty an hour, whatever the phones.
    let (n, r) = until_limited(
        async |i| {
            c.post("/api/v1/auth/codes", &json!({ "phone": format!("1390592{:04}", 2000 + i), "purpose": "register" }))
                .await
        },
        40,
    )
    .await;
    assert_eq!(n, 15, "twenty from the address, five used above");
    says_when(&r);
    // Registrations from one address: twenty an hour (tries count, right code or not).
    let (n, r) = until_limited(
        async |i| {
            let mut b = vendor_body(&format!("1370592{:04}", 3000 + i), 400 + i as u32);
            b["code"] = json!("000000");
            c.post("/api/v1/auth/register", &b).await
        },
        40,
    )
    .await;
    assert_eq!(n, 20);
    says_when(&r);
    // Password resets from one address.
    let (n, r) = until_limited(
        async |_| {
            c.post(
                "/api/v1/auth/reset",
                &json!({ "phone": "13805921051", "code": "000000", "new_password": "brand-new-2026" }),
            )
            .await
        },
        40,
    )
    .await;
    assert_eq!(n, 20);
    says_when(&r);
    // Sign-in guesses from one address, across many accounts.
    let (_, r) = until_limited(
        async |i| {
            c.post(
                "/api/v1/auth/login",
                &json!({ "login": format!("1360592{:04}", 4000 + i), "password": "guess-1234" }),
            )
            .await
        },
        80,
    )
    .await;
    says_when(&r);
    // Nothing was created along the way.
    assert_eq!(app.count("users").await, 0);
});

fn report() -> serde_json::Value {
    json!({ "service_code": "blocking", "description": "摊位占用盲道，轮椅过不去", "location": [118.0826, 24.4566], "address": "中山路" })
}

api_test!(anonymous_reports_uploads_and_open311_are_limited, |app| {
    let anon = app.anon();
    // No photo without signing in...
    let r = anon
        .raw(
            axum::http::Method::POST,
            "/api/v1/evidence",
            Some("application/octet-stream"),
            crate::applications::JPEG.to_vec(),
            true,
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(app.count("evidence").await, 0);
    // ...except the one photo of one's own report, with its token.
    let receipt = anon.post("/api/v1/complaints", &report()).await;
    receipt.assert_status(201);
    let token = receipt.value()["token"].as_str().unwrap().to_string();
    let path = format!("/api/v1/public/complaints/{token}/photo");
    let jpeg = crate::applications::JPEG.to_vec();
    anon.raw(axum::http::Method::POST, &path, Some("application/octet-stream"), jpeg.clone(), true)
        .await
        .assert_status(201);
    anon.raw(axum::http::Method::POST, &path, Some("application/octet-stream"), jpeg.clone(), true)
        .await
        .assert_status(409);
    let wrong = "/api/v1/public/complaints/not-a-token/photo";
    anon.raw(axum::http::Method::POST, wrong, Some("application/octet-stream"), jpeg.clone(), true)
        .await
        .assert_status(404);
    assert_eq!(app.count("evidence").await, 1);
    // A signed-in reporter cannot cite somebody else's photo.
    let (officer_photo, vendor) = {
        let officer = app.officer(District::Siming).await;
        let r = officer
            .raw(axum::http::Method::POST, "/api/v1/evidence", Some("application/octet-stream"), jpeg.clone(), true)
            .await;
        (r.value()["id"].as_i64().unwrap(), app.vendor().await.0)
    };
    let mut cites = report();
    cites["evidence_id"] = json!(officer_photo);
    assert_eq!(vendor.post("/api/v1/complaints", &cites).await.error_fields(), ["evidence_id"]);

    // Ten anonymous reports an hour from one address (one filed above).
    let (n, r) = until_limited(async |_| anon.post("/api/v1/complaints", &report()).await, 20).await;
    assert_eq!(n, 9);
    says_when(&r);
    // A signed-in vendor is not held by the address's limit.
    vendor.post("/api/v1/complaints", &report()).await.assert_status(201);
    // Open311 requests: ten an hour from one address.
    let (n, r) = until_limited(
        async |_| {
            anon.post(
                "/open311/v2/requests.json",
                &json!({ "service_code": "blocking", "description": "占道经营", "lat": 24.4566, "long": 118.0826 }),
            )
            .await
        },
        20,
    )
    .await;
    assert_eq!(n, 10);
    assert!(r.headers.get("retry-after").is_some());
});

api_test!(a_guessable_password_is_refused_wherever_a_password_is_set, |app| {
    // The meter's answer is the rule's: a common password, and one made of the person's phone.
    let c = app.anon();
    let weak = c.post("/api/v1/auth/password-strength", &json!({ "password": "password1" })).await.value();
    assert_eq!(weak["acceptable"], false);
    assert_eq!(weak["warning"]["zh"], "这是很常见的密码");
    let own = json!({ "password": "13805921060a", "user_inputs": ["13805921060"] });
    assert_eq!(c.post("/api/v1/auth/password-strength", &own).await.value()["acceptable"], false);
    let good = c.post("/api/v1/auth/password-strength", &json!({ "password": "huang-new-2027" })).await.value();
    assert_eq!(good["acceptable"], true);

    // Registration: refused beside the password, the code not spent, nothing stored.
    let mut body = vendor_body("13805921060", 160);
    body["password"] = json!("13805921060a");
    let body = with_code(&app, body).await;
    let r = c.post("/api/v1/auth/register", &body).await;
    assert_eq!(r.error_fields(), ["password"]);
    assert_eq!(r.problem().errors[0].code, "guessable");
    assert_eq!(app.count("users").await, 0);
    let mut fixed = body.clone();
    fixed["password"] = json!("huang-new-2027");
    c.post("/api/v1/auth/register", &fixed).await.assert_status(201);

    // Changing it, resetting it, and an admin creating an officer.
    let r = c
        .post("/api/v1/me/password", &json!({ "current_password": "huang-new-2027", "new_password": "abc12345" }))
        .await;
    assert_eq!(r.error_fields(), ["new_password"]);
    let code = app.code_for("13805921060", Purpose::Reset).await;
    let r = app
        .anon()
        .post("/api/v1/auth/reset", &json!({ "phone": "13805921060", "code": code, "new_password": "password1" }))
        .await;
    assert_eq!(r.error_fields(), ["new_password"]);
    let admin = app.admin().await;
    let r = admin
        .post(
            "/api/v1/users",
            &json!({ "username": "sm_li", "display_name": "李四", "role": "district_officer", "district": "350203", "password": "sm_li2026" }),
        )
        .await;
    assert_eq!(r.error_fields(), ["password"]);
});
