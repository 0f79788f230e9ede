//! Assisted service at a service counter: an officer opens an account for an older vendor
//! without a phone, with the signed consent form photographed, and files the application for
//! them; everything done is recorded as done at the counter; notices wait in the counter's queue
//! until handed over; the receipt carries a takeover code with which the person, once they have
//! a phone, takes the account over and sees the whole history.

use std::process::Command;

use crate::api_test;
use crate::applications::{JPEG, PDF, upload, zones};
use crate::util::*;
use axum::http::Method;
use backend::auth::codes::Purpose;
use common::District;
use common::validate::id_check_char;
use serde_json::{Value, json};

pub fn elder_id(seq: u32) -> String {
    let first = format!("35020319520101{seq:03}");
    format!("{first}{}", id_check_char(first.as_bytes()))
}

async fn photo(c: &Client) -> i64 {
    let r = c.raw(Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true).await;
    r.assert_status(201);
    r.value()["id"].as_i64().unwrap()
}

fn account(seq: u32, photo: Option<i64>) -> Value {
    json!({ "real_name": "陈阿婆", "id_number": elder_id(seq), "counter": "思明区行政服务中心 3 号窗口",
        "id_card_checked": true, "consent_photo": photo })
}

/// The text of a PDF (poppler's pdftotext, installed by the test command).
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("tangui-pdf-{}", backend::auth::rand_bytes::random_hex(4)));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("d.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&file).arg("-").output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).to_string()),
        Err(_) => {
            assert!(
                std::env::var("TANGUI_E2E_REQUIRED").is_err(),
                "pdftotext is required (apt-get install poppler-utils)"
            );
            None
        }
    }
}

/// The officer opens the account (acting for it from then on) and files a complete application.
pub async fn filed_at_counter(app: &TestApp, officer: &Client, seq: u32) -> (i64, i64) {
    let (sm, _) = zones(app).await;
    let pic = photo(officer).await;
    let r = officer.post("/api/v1/assisted/accounts", &account(seq, Some(pic))).await;
    r.assert_status(201);
    let person = r.value()["user_id"].as_i64().unwrap();
    let r = officer
        .post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": [sm[0]] } }))
        .await;
    r.assert_status(201);
    let id = r.value()["id"].as_i64().unwrap();
    upload(officer, id, "id_card", "id.jpg", JPEG).await.assert_status(201);
    upload(officer, id, "health_certificate", "health.pdf", PDF).await.assert_status(201);
    officer.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await.assert_status(200);
    (person, id)
}

/// Files at a counter, prints the receipt and takes the account over with `phone`.
pub async fn taken_over(app: &TestApp, officer: &Client, seq: u32, phone: &str) -> Option<i64> {
    let (person, id) = filed_at_counter(app, officer, seq).await;
    let text = pdf_text(&officer.get(&format!("/api/v1/applications/{id}/summary.pdf")).await.body)?;
    officer.delete("/api/v1/assisted/acting").await.assert_status(204);
    let sms = app.code_for(phone, Purpose::Takeover).await;
    let req = json!({ "id_number": elder_id(seq), "takeover_code": takeover_code(&text), "phone": phone, "code": sms, "password": "chen-stall-2026-xm" });
    app.anon().post("/api/v1/assisted/takeover", &req).await.assert_status(204);
    Some(person)
}

fn takeover_code(text: &str) -> String {
    let at = text.find("接管码：").unwrap_or_else(|| panic!("no takeover code in:\n{text}"));
    text[at + "接管码：".len()..].chars().take(9).collect()
}

api_test!(a_counter_opens_an_account_with_consent_and_files_for_the_person, |app| {
    let app = app.with_demo().await;
    let officer = app.officer(District::Siming).await;
    let users_before = app.count("users").await;

    // The consent form to print and sign.
    let r = officer.get("/api/v1/assisted/consent-form.pdf?name=陈阿婆&counter=思明区行政服务中心").await;
    r.assert_status(200);
    assert!(r.body.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&r.body) {
        for want in ["代办同意书", "陈阿婆", "思明区", "本人签字", "个人信息保护法"] {
            assert!(text.contains(want), "{want:?} not in:\n{text}");
        }
    }
    app.anon().get("/api/v1/assisted/consent-form.pdf").await.assert_status(401);

    // No consent photo, or someone else's photo: refused, nothing created.
    let r = officer.post("/api/v1/assisted/accounts", &account(1, None)).await;
    assert!(r.error_fields().contains(&"consent_photo".to_string()), "{:?}", r.error_fields());
    let (vendor, _) = app.vendor().await;
    let not_ours = photo(&vendor).await;
    let r = officer.post("/api/v1/assisted/accounts", &account(1, Some(not_ours))).await;
    assert_eq!(r.error_fields(), ["consent_photo"]);
    assert_eq!(app.count("users").await, users_before + 1, "only the test vendor was added");
    // Vendors do not open accounts for others.
    vendor.post("/api/v1/assisted/accounts", &account(1, Some(not_ours))).await.assert_status(403);

    let (person, id) = filed_at_counter(&app, &officer, 1).await;
    // While acting, the officer is the person to every route, and the banner says who acts.
    let me = officer.get("/api/v1/me").await.value();
    assert_eq!((me["id"].as_i64(), me["role"].as_str()), (Some(person), Some("vendor")));
    assert_eq!(me["acting_for"]["counter"], "思明区行政服务中心 3 号窗口");
    officer.get("/api/v1/review/applications").await.assert_status(403);
    officer
        .post("/api/v1/me/password", &json!({ "current_password": "x", "new_password": "another-pass-9" }))
        .await
        .assert_status(403);

    // The case records that it was filed at the counter, and the account who opened it and how.
    let view = officer.get(&format!("/api/v1/applications/{id}")).await.value();
    assert_eq!(view["status"], "submitted");
    let by: Vec<&str> = view["history"].as_array().unwrap().iter().map(|e| e["by"].as_str().unwrap()).collect();
    assert!(by.iter().all(|b| *b == "counter"), "{by:?}");
    let detail: Vec<String> = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::audit_log as a;
            use diesel::prelude::*;
            Ok(a::table.filter(a::action.eq("account.opened_at_counter")).select(a::detail).load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(detail.len(), 1);
    assert!(detail[0].contains("consent_photo") && detail[0].contains("id_card_checked"), "{}", detail[0]);
    assert!(!detail[0].contains(&elder_id(1)), "no ID number in the audit log");

    // The receipt: case number, status, next step with its date, and a takeover code.
    let r = officer.get(&format!("/api/v1/applications/{id}/summary.pdf")).await;
    r.assert_status(200);
    if let Some(text) = pdf_text(&r.body) {
        for want in ["办理回执", &format!("{id}"), "待审核", "下一步", "区城管会在", "接管码", "陈*"]
        {
            assert!(text.contains(want), "{want:?} not in:\n{text}");
        }
        assert!(!text.contains(&elder_id(1)), "no ID number on the receipt");
    }

    // Back to the counter: the person has no phone, so the notice about their case waits there.
    officer.delete("/api/v1/assisted/acting").await.assert_status(204);
    assert_eq!(officer.get("/api/v1/me").await.value()["role"], "district_officer");
    let queue = officer.get("/api/v1/assisted/notices").await.value();
    let mine: Vec<&Value> = queue.as_array().unwrap().iter().filter(|n| n["user_id"] == person).collect();
    assert!(!mine.is_empty(), "{queue}");
    assert_eq!(mine[0]["person"], "陈阿婆");
    let elsewhere = app.officer(District::Huli).await;
    assert!(
        elsewhere
            .get("/api/v1/assisted/notices")
            .await
            .value()
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["user_id"] != person)
    );
    elsewhere.post(&format!("/api/v1/assisted/accounts/{person}/act"), &json!({})).await.assert_status(404);
    elsewhere
        .post(&format!("/api/v1/assisted/notices/{}/handed", mine[0]["id"]), &json!({ "how": "printed" }))
        .await
        .assert_status(404);
    for n in &mine {
        officer
            .post(&format!("/api/v1/assisted/notices/{}/handed", n["id"]), &json!({ "how": "called" }))
            .await
            .assert_status(204);
    }
    let queue = officer.get("/api/v1/assisted/notices").await.value();
    assert!(queue.as_array().unwrap().iter().all(|n| n["user_id"] != person), "{queue}");
    // The counter's list, to act for the person again when they come back.
    let list = officer.get("/api/v1/assisted/accounts").await.value();
    assert!(list.as_array().unwrap().iter().any(|a| a["user_id"] == person && a["phone_proven"] == false));
    officer.post(&format!("/api/v1/assisted/accounts/{person}/act"), &json!({})).await.assert_status(200);
    assert_eq!(officer.get("/api/v1/me").await.value()["id"].as_i64(), Some(person));
    officer.delete("/api/v1/assisted/acting").await.assert_status(204);

    // A person with a phone consents by a texted code to it.
    officer
        .post("/api/v1/auth/codes", &json!({ "phone": "13805920777", "purpose": "consent" }))
        .await
        .assert_status(202);
    app.anon()
        .post("/api/v1/auth/codes", &json!({ "phone": "13805920777", "purpose": "consent" }))
        .await
        .assert_status(403);
    let pic = photo(&officer).await;
    let mut body = account(2, Some(pic));
    body["phone"] = json!("13805920777");
    body["code"] = json!("000000");
    assert_eq!(officer.post("/api/v1/assisted/accounts", &body).await.error_fields(), ["code"]);
    body["code"] = json!(app.code_for("13805920777", Purpose::Consent).await);
    let r = officer.post("/api/v1/assisted/accounts", &body).await;
    r.assert_status(201);
    assert_eq!(r.value()["phone_proven"], true);
});

api_test!(the_person_takes_the_account_over_with_the_receipt_code_and_a_phone, |app| {
    let app = app.with_demo().await;
    let officer = app.officer(District::Siming).await;
    let (person, id) = filed_at_counter(&app, &officer, 3).await;
    let first = officer.get(&format!("/api/v1/applications/{id}/summary.pdf")).await;
    let r = officer.get(&format!("/api/v1/applications/{id}/summary.pdf")).await;
    let (Some(first), Some(text)) = (pdf_text(&first.body), pdf_text(&r.body)) else { return };
    let (old_code, code) = (takeover_code(&first), takeover_code(&text));
    assert_ne!(old_code, code, "each print issues a new code");

    let anon = app.anon();
    anon.post("/api/v1/auth/codes", &json!({ "phone": "13805920888", "purpose": "takeover" })).await.assert_status(202);
    let sms = app.code_for("13805920888", Purpose::Takeover).await;
    let req = |code: &str, sms: &str| json!({ "id_number": elder_id(3), "takeover_code": code, "phone": "13805920888", "code": sms, "password": "chen-stall-2026-xm" });
    // The earlier receipt's code, or another ID number, answers the same way.
    assert_eq!(anon.post("/api/v1/assisted/takeover", &req(&old_code, &sms)).await.error_fields(), ["takeover_code"]);
    let mut other = req(&code, &sms);
    other["id_number"] = json!(elder_id(4));
    assert_eq!(anon.post("/api/v1/assisted/takeover", &other).await.error_fields(), ["takeover_code"]);
    assert_eq!(anon.post("/api/v1/assisted/takeover", &req(&code, "000000")).await.error_fields(), ["code"]);
    anon.post("/api/v1/assisted/takeover", &req(&code, &sms)).await.assert_status(204);

    // The counter no longer acts for them; the person signs in and sees the whole history.
    assert_eq!(officer.get("/api/v1/me").await.value()["role"], "district_officer");
    officer.post(&format!("/api/v1/assisted/accounts/{person}/act"), &json!({})).await.assert_status(404);
    let holder = app.anon();
    holder.login("13805920888", "chen-stall-2026-xm").await.assert_status(200);
    let mine = holder.get("/api/v1/me/applications").await.value();
    let case = mine.as_array().unwrap().iter().find(|a| a["id"] == id).expect("the counter's application is theirs");
    let actions: Vec<&str> =
        case["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"application.submitted") && case["history"][0]["by"] == "counter", "{actions:?}");
    assert!(app.texts_sent().await.contains(&("account.taken_over".into(), "13805920888".into())));
    // Their copy of their data says where the account was opened, with the consent they signed.
    let files = crate::personal_data::unzip(&holder.get("/api/v1/me/export").await.body);
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let counter = &data["opened_at_a_service_counter"];
    assert_eq!(counter["counter"], "思明区行政服务中心 3 号窗口", "{data}");
    assert!(counter["taken_over_at"].is_string());
    assert!(files.contains_key(counter["consent_form"].as_str().unwrap()), "{:?}", files.keys());
    // The takeover code works once.
    let sms = app.code_for("13805920888", Purpose::Takeover).await;
    assert_eq!(anon.post("/api/v1/assisted/takeover", &req(&code, &sms)).await.error_fields(), ["takeover_code"]);
});

fn shop_credit_code() -> String {
    let first = "92350203MA2Y7K3X5";
    format!("{first}{}", common::validate::credit_check_char(first).unwrap())
}

api_test!(a_counter_files_for_a_shop_which_takes_over_by_its_credit_code, |app| {
    let app = app.with_demo().await;
    let officer = app.officer(District::Siming).await;
    let pic = photo(&officer).await;
    let mut body = account(5, Some(pic));
    body["shop"] = json!({ "shop_name": "陈记糖水铺", "credit_code": "92350203MA2Y7K3X0" });
    assert!(officer.post("/api/v1/assisted/accounts", &body).await.error_fields().contains(&"credit_code".to_string()));
    body["shop"]["credit_code"] = json!(shop_credit_code());
    let r = officer.post("/api/v1/assisted/accounts", &body).await;
    r.assert_status(201);
    let me = officer.get("/api/v1/me").await.value();
    assert_eq!((me["role"].as_str(), me["display_name"].as_str()), (Some("merchant"), Some("陈记糖水铺")));
    assert!(me["id_number"].is_null(), "a shop keeps no person's ID number: {me}");

    // The filing made for the shop is recorded as done at the counter.
    let seg = crate::filings::segment(&app, "禾祥西路").await["id"].as_i64().unwrap();
    let r = officer.post("/api/v1/filings", &crate::filings::cross_store(seg, 1.2)).await;
    r.assert_status(201);
    let filing = r.value()["id"].as_i64().unwrap();
    let view = officer.get(&format!("/api/v1/filings/{filing}")).await.value();
    assert_eq!(view["history"][0]["by"], "counter", "{view}");
    // The receipt lists the filing and carries the takeover code.
    let r = officer.get("/api/v1/assisted/receipt.pdf").await;
    r.assert_status(200);
    let Some(text) = pdf_text(&r.body) else { return };
    for want in ["商户代办回执", "陈记糖水铺", &format!("F{filing:06}"), "跨店经营", "接管码", "统一社会信用代码"]
    {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    officer.delete("/api/v1/assisted/acting").await.assert_status(204);
    // Nobody else gets such a receipt.
    officer.get("/api/v1/assisted/receipt.pdf").await.assert_status(409);
    let (vendor, _) = app.vendor().await;
    vendor.get("/api/v1/assisted/receipt.pdf").await.assert_status(409);

    // The shop takes it over by its credit code.
    let sms = app.code_for("13805920999", Purpose::Takeover).await;
    let req = json!({ "credit_code": shop_credit_code(), "takeover_code": takeover_code(&text), "phone": "13805920999",
        "code": sms, "password": "chen-tangshui-2026" });
    app.anon().post("/api/v1/assisted/takeover", &req).await.assert_status(204);
    let shop = app.anon();
    shop.login("13805920999", "chen-tangshui-2026").await.assert_status(200);
    let mine = shop.get("/api/v1/me/filings").await.value();
    assert!(mine.as_array().unwrap().iter().any(|f| f["id"] == filing), "{mine}");
});
