//! The notice table (`common::notice::KINDS`, printed in `docs/notices.md`) is what the code
//! sends: this drives every state change the table names, on one database, and fails when one
//! of them produced no notice of its kind.

use std::collections::BTreeSet;

use crate::api_test;
use crate::applications::{submitted, zones};
use crate::filings::cross_store;
use crate::permits::{phone_of, set_valid_until};
use crate::rounds::{eligible, small_zone};
use crate::util::*;
use backend::db::schema::{notifications as n, offers};
use common::{District, Role};
use diesel::prelude::*;
use serde_json::json;

async fn kinds(app: &TestApp) -> BTreeSet<String> {
    app.state
        .db
        .run(|c| Ok(n::table.select(n::kind).distinct().load::<String>(c)?))
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn set_offer_deadline(app: &TestApp, offer: i64, minutes_from_now: i64) {
    let t = backend::clock::now() + chrono::Duration::minutes(minutes_from_now);
    app.state
        .db
        .write(move |c| Ok(diesel::update(offers::table.find(offer)).set(offers::respond_by.eq(t)).execute(c)?))
        .await
        .unwrap();
}

async fn segment(app: &TestApp, name: &str) -> i64 {
    let all = app.anon().get("/api/v1/street-segments").await.value();
    all.as_array().unwrap().iter().find(|s| s["name"].as_str().unwrap().starts_with(name)).unwrap()["id"]
        .as_i64()
        .unwrap()
}

api_test!(every_kind_in_the_table_is_sent_by_the_change_it_names, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let officer = app.officer(District::Siming).await;
    let admin = app.admin().await;

    // Applications: submitted, returned, ineligible, eligible.
    let (_, returned) = submitted(&app, &sm).await;
    let items = json!({ "decision": "return", "items": [{ "item": "health_certificate", "message": "健康证已过期" }] });
    officer.post(&format!("/api/v1/applications/{returned}/decision"), &items).await.assert_status(200);
    let (_, refused) = submitted(&app, &sm).await;
    let no = json!({ "decision": "ineligible", "reason": "已持有其他摊位" });
    officer.post(&format!("/api/v1/applications/{refused}/decision"), &no).await.assert_status(200);

    // A zone of two stalls and three eligible vendors: two placed, one waiting.
    let zone = small_zone(&admin, "SM-391", 2).await;
    let mut vendors = Vec::new();
    for _ in 0..3 {
        vendors.push(eligible(&app, &officer, &[zone]).await);
    }
    let round = json!({ "name": "通知测试批次", "zone_ids": [zone], "opens_at": "2026-11-01T09:00:00", "closes_at": "2026-11-30T17:00:00",
        "outside_source": "摇号现场三名见证人各摇出的两位数号码", "reserved_percent": 0, "notice_days": 0, "offer_days": 5 });
    let rid = admin.post("/api/v1/rounds", &round).await.value()["id"].as_i64().unwrap();
    for step in ["open", "close", "draw", "confirm"] {
        admin
            .post(&format!("/api/v1/rounds/{rid}/{step}"), &json!({ "outside_value": "07 31 58" }))
            .await
            .assert_status(200);
    }
    let made: Vec<(i64, i64)> = app
        .state
        .db
        .run(move |c| {
            Ok(offers::table
                .filter(offers::round_id.eq(Some(rid)))
                .select((offers::id, offers::application_id))
                .load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(made.len(), 2);
    let holder = |app_id: i64| vendors.iter().find(|v| v.1 == app_id).map(|v| v.0.clone()).unwrap();
    // One accepts; the other is reminded, declines, and the stall goes to the waiting list.
    let (first, second) = (made[0], made[1]);
    holder(first.1).post(&format!("/api/v1/offers/{}/accept", first.0), &json!({})).await.assert_status(204);
    set_offer_deadline(&app, second.0, 60).await;
    assert_eq!(backend::services::offers::remind_due(&app.state).await.unwrap(), 1);
    assert_eq!(backend::services::offers::remind_due(&app.state).await.unwrap(), 0, "one reminder per offer");
    holder(second.1).post(&format!("/api/v1/offers/{}/decline", second.0), &json!({})).await.assert_status(204);
    let third: i64 = app
        .state
        .db
        .run(move |c| {
            Ok(offers::table
                .filter(offers::status.eq("pending").and(offers::round_id.eq(Some(rid))))
                .select(offers::id)
                .first(c)?)
        })
        .await
        .unwrap();
    set_offer_deadline(&app, third, -1).await;
    assert_eq!(backend::services::offers::expire_due(&app.state).await.unwrap(), 1);

    // Shop filings: filed, submitted for review, returned, approved, revoked, rejected.
    let (shop, _) = app.user(Role::Merchant, None).await;
    shop.post("/api/v1/filings", &cross_store(segment(&app, "禾祥西路").await, 1.2)).await.assert_status(201);
    let f = shop.post("/api/v1/filings", &cross_store(segment(&app, "莲前东路").await, 0.8)).await.value();
    let fid = f["id"].as_i64().unwrap();
    let ret = json!({ "decision": "return", "items": [{ "item": "filing", "message": "请写明门牌号" }] });
    officer.post(&format!("/api/v1/filings/{fid}/decision"), &ret).await.assert_status(200);
    shop.put(&format!("/api/v1/filings/{fid}"), &cross_store(segment(&app, "莲前东路").await, 0.8))
        .await
        .assert_status(200);
    officer
        .post(&format!("/api/v1/filings/{fid}/decision"), &json!({ "decision": "approve" }))
        .await
        .assert_status(200);
    officer.post(&format!("/api/v1/filings/{fid}/revoke"), &json!({ "reason": "超出标线" })).await.assert_status(200);
    shop.post("/api/v1/filings", &cross_store(segment(&app, "湖滨南路").await, 0.5)).await.assert_status(201);

    // Permits: a violation that suspends, an appeal that reinstates, a transfer, a reminder,
    // renewal, expiry and revocation.
    let (holder_v, hid) = app.vendor().await;
    let (permit, _) = app.grant_stall(hid, District::Siming).await;
    let inspect =
        json!({ "permit_id": permit, "checklist": [], "notes": "", "violations": ["V-SUBLET"], "evidence_ids": [] });
    officer.post("/api/v1/inspections", &inspect).await.assert_status(201);
    let pv = holder_v.get(&format!("/api/v1/permits/{permit}")).await.value();
    assert_eq!(pv["status"], "suspended");
    let vid = pv["ledger"][0]["id"].as_i64().unwrap();
    holder_v
        .post(&format!("/api/v1/violations/{vid}/appeal"), &json!({ "reason": "摊位由本人经营，有照片为证" }))
        .await
        .assert_status(200);
    let q = officer.get("/api/v1/review/supervision").await.value();
    let appeal = q["appeals"][0]["id"].as_i64().unwrap();
    // Decided by a colleague: the officer who recorded the breach may not (separation of duties).
    app.officer(District::Siming)
        .await
        .post(&format!("/api/v1/appeals/{appeal}/decision"), &json!({ "overturn": true, "note": "照片属实" }))
        .await
        .assert_status(200);
    set_valid_until(&app, permit, 10).await;
    backend::services::permits::remind_due(&app.state).await.unwrap();
    holder_v.post(&format!("/api/v1/permits/{permit}/renew"), &json!({})).await.assert_status(200);
    let (child, cid) = app.vendor().await;
    let phone = phone_of(&app, cid).await;
    holder_v
        .post(&format!("/api/v1/permits/{permit}/transfer"), &json!({ "to_phone": phone, "relation": "child" }))
        .await
        .assert_status(200);
    let t = officer.get("/api/v1/review/supervision").await.value()["transfers"][0]["id"].as_i64().unwrap();
    officer
        .post(&format!("/api/v1/transfers/{t}/decision"), &json!({ "approve": true, "note": "已核实" }))
        .await
        .assert_status(200);
    admin.post(&format!("/api/v1/permits/{permit}/revoke"), &json!({ "reason": "转租" })).await.assert_status(200);
    let (_, other) = app.vendor().await;
    let (other_permit, _) = app.grant_stall(other, District::Siming).await;
    set_valid_until(&app, other_permit, -1).await;
    backend::services::permits::expire_due(&app.state).await.unwrap();
    let _ = child;
    // A helper decided; a subletting review opened by two visits finding someone else.
    let (helper_holder, hhid) = app.vendor().await;
    let (hpermit, _) = app.grant_stall(hhid, District::Siming).await;
    let pic = helper_holder
        .raw(
            axum::http::Method::POST,
            "/api/v1/evidence",
            Some("application/octet-stream"),
            crate::applications::JPEG.to_vec(),
            true,
        )
        .await
        .value()["id"]
        .as_i64()
        .unwrap();
    let hv = helper_holder
        .post(
            &format!("/api/v1/permits/{hpermit}/helpers"),
            &json!({ "name": "陈阿妹", "id_number": "350203198503150024", "relation": "sibling", "photo_id": pic }),
        )
        .await
        .value();
    let hid2 = hv["helpers"][0]["id"].as_i64().unwrap();
    officer.post(&format!("/api/v1/helpers/{hid2}/decision"), &json!({ "approve": true })).await.assert_status(200);
    for _ in 0..2 {
        let visit = json!({ "permit_id": hpermit, "checklist": [], "notes": "", "violations": [], "evidence_ids": [], "present": "someone_else" });
        officer.post("/api/v1/inspections", &visit).await.assert_status(201);
    }

    // A zone closes under a holder's permit.
    let (_, closer) = app.vendor().await;
    let (closed_permit, _) = app.grant_stall(closer, District::Huli).await;
    let zone_id: i64 = app
        .state
        .db
        .run(move |c| {
            use backend::db::schema::permits as p;
            Ok(p::table.find(closed_permit).select(p::zone_id).get_result::<Option<i64>>(c)?.unwrap())
        })
        .await
        .unwrap();
    admin
        .post(&format!("/api/v1/zones/{zone_id}/status"), &json!({ "status": "closed", "reason": "道路改造" }))
        .await
        .assert_status(200);

    // A signed-in reporter hears back about a report.
    let (reporter, _) = app.vendor().await;
    let r = reporter
        .post("/api/v1/complaints", &json!({ "service_code": "blocking", "description": "占用盲道", "zone_id": sm[0] }))
        .await
        .value();
    let cid = r["id"].as_i64().unwrap();
    officer
        .post(&format!("/api/v1/complaints/{cid}/status"), &json!({ "status": "resolved", "note": "已清理" }))
        .await
        .assert_status(200);

    // Account security: a changed password; a sign-in from a second browser.
    let (acct, _) = app.vendor().await;
    acct.post("/api/v1/me/password", &json!({ "current_password": PASSWORD, "new_password": "another-pass-2026" }))
        .await
        .assert_status(204);
    let login = acct.get("/api/v1/me").await.value()["login"].as_str().unwrap().to_string();
    app.anon().login(&login, "another-pass-2026").await;

    // A vendor moves their account to a new phone: the old one is told.
    let code = app.code_for("13805929912", backend::auth::codes::Purpose::PhoneChange).await;
    acct.post(
        "/api/v1/me/phone",
        &json!({ "phone": "13805929912", "code": code, "current_password": "another-pass-2026" }),
    )
    .await
    .assert_status(204);

    // At a service counter, an account registered on a squatter's phone moves to the ID holder's:
    // both phones are told.
    let (squatter, _) = app.vendor().await;
    let id_number = "350203199001010018";
    let sq_id = squatter.get("/api/v1/me").await.value()["id"].as_i64().unwrap();
    let vault = app.state.vault.clone();
    app.state
        .db
        .run(move |c| {
            use backend::db::schema::users as u;
            Ok(diesel::update(u::table.find(sq_id))
                .set((
                    u::id_number.eq(Some(vault.seal(id_number))),
                    u::id_number_lookup.eq(Some(vault.lookup(backend::vault::ID_NUMBER, id_number))),
                ))
                .execute(c)?)
        })
        .await
        .unwrap();
    let code = app.code_for("13805929911", backend::auth::codes::Purpose::Reclaim).await;
    officer
        .post(
            "/api/v1/accounts/reclaim",
            &json!({ "id_number": id_number, "phone": "13805929911", "code": code, "id_card_checked": true, "note": "思明区政务服务中心" }),
        )
        .await
        .assert_status(204);

    // Someone a counter filed for takes the account over with their own phone.
    crate::assisted::taken_over(&app, &officer, 7, "13805929977").await;

    // A text from a vendor's phone is answered.
    backend::services::sms::incoming(&app.state, phone_of(&app, hid).await, "查询".into()).await.unwrap();

    let sent = kinds(&app).await;
    let missing: Vec<&str> = common::notice::KINDS.iter().map(|k| k.code).filter(|k| !sent.contains(*k)).collect();
    assert!(missing.is_empty(), "kinds in the table that nothing sent: {missing:?} (sent: {sent:?})");
    let unknown: Vec<&String> = sent.iter().filter(|k| common::notice::kind(k).is_none()).collect();
    assert!(unknown.is_empty(), "kinds sent that the table does not list: {unknown:?}");
});
