//! Text messages through a real Kannel with fakesmsc as the carrier: a confirmed round texts
//! every placed applicant their zone and deadline; delivery reports come back and mark the
//! message delivered; with the gateway down messages wait and are retried, and each arrives
//! exactly once after it is back; a vendor accepts an offer by replying to the text, and the same
//! reply from another phone changes nothing. The notice table is what the code sends.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::api_test;
use crate::applications::{submitted, zones};
use crate::kannel::{Kannel, SECRET};
use crate::util::*;
use backend::db::schema::{notifications as n, offers, outbox as o};
use common::District;
use diesel::prelude::*;
use serde_json::json;

/// The app served on a loopback socket (the gateway calls it back) and a gateway in front of it.
async fn with_gateway(app: TestApp) -> Option<(TestApp, Kannel)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let kannel = Kannel::start(&base).await?;
    let sms = kannel.sms_config(&base);
    let app = app.with_config(|c| c.sms = sms).await;
    let router = app.router.clone();
    tokio::spawn(async move {
        let _ = backend::serve(listener, router).await;
    });
    Some((app, kannel))
}

/// Runs the courier until nothing is due (or `max` passes).
async fn drain(app: &TestApp, max: Duration) {
    let deadline = Instant::now() + max;
    loop {
        let n = backend::services::sms::deliver_once(&app.state).await.unwrap();
        if n == 0 {
            let waiting = statuses(app).await.into_iter().filter(|(_, s)| s == "queued" || s == "failed").count();
            if waiting == 0 || Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Sends everything due and waits until every message is reported delivered.
async fn settle(app: &TestApp) {
    drain(app, Duration::from_secs(30)).await;
    let ids: Vec<i64> = statuses(app).await.into_iter().map(|(i, _)| i).collect();
    wait_delivered(app, &ids).await;
}

/// (id, status) of every outbox message.
async fn statuses(app: &TestApp) -> Vec<(i64, String)> {
    app.state.db.run(|c| Ok(o::table.order(o::id).select((o::id, o::status)).load(c)?)).await.unwrap()
}

async fn phone_of(app: &TestApp, user: i64) -> String {
    app.phone_of(user).await
}

async fn wait_delivered(app: &TestApp, ids: &[i64]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s: HashMap<i64, String> = statuses(app).await.into_iter().collect();
        if ids.iter().all(|i| s.get(i).is_some_and(|x| x == "delivered")) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not all delivered: {:?}",
            ids.iter().map(|i| (i, s.get(i))).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

api_test!(a_confirmed_round_texts_each_placed_applicant_and_the_reports_come_back, |app| {
    let app = app.with_demo().await;
    let Some((app, kannel)) = with_gateway(app).await else { return };
    let (sm, _) = zones(&app).await;
    let officer = app.officer(District::Siming).await;
    let admin = app.admin().await;
    let mut vendors = Vec::new();
    for _ in 0..3 {
        let (v, id) = submitted(&app, &sm).await;
        officer
            .post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "eligible" }))
            .await
            .assert_status(200);
        vendors.push((v, id));
    }
    let body = json!({ "name": "短信测试批次", "zone_ids": sm, "opens_at": "2026-11-01T09:00:00", "closes_at": "2026-11-30T17:00:00",
        "outside_source": "摇号现场三名见证人各摇出的两位数号码", "reserved_percent": 0, "notice_days": 0, "offer_days": 5 });
    let rid = admin.post("/api/v1/rounds", &body).await.value()["id"].as_i64().unwrap();
    for step in ["open", "close", "draw", "confirm"] {
        admin
            .post(&format!("/api/v1/rounds/{rid}/{step}"), &json!({ "outside_value": "07 31 58" }))
            .await
            .assert_status(200);
    }
    drain(&app, Duration::from_secs(20)).await;

    // Every placed applicant's phone got the offer: zone, stall, deadline, the reply code.
    let placed: Vec<(i64, i64, String, String)> = app
        .state
        .db
        .run(move |c| {
            use backend::db::schema::{stalls, zones};
            Ok(offers::table
                .inner_join(stalls::table.on(stalls::id.eq(offers::stall_id)))
                .inner_join(zones::table.on(zones::id.eq(stalls::zone_id)))
                .filter(offers::round_id.eq(Some(rid)))
                .select((offers::id, offers::applicant_id, zones::name, stalls::number))
                .load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(placed.len(), 3, "three stalls for three applicants");
    // Delivered means the carrier has it: the gateway reports delivery after handing it over.
    settle(&app).await;
    let got = kannel.received();
    for (offer, user, zone, stall) in &placed {
        let phone = phone_of(&app, *user).await;
        let text = got
            .iter()
            .find(|r| r.to == phone && r.text.contains("请在") && r.text.contains(zone.as_str()))
            .unwrap_or_else(|| panic!("no offer text to {phone} in {got:?}"));
        assert!(text.text.contains(stall.as_str()) && text.text.contains(&format!("{offer} 1")), "{text:?}");
        assert!(text.text.starts_with("【摊规通】") && text.from == crate::kannel::SENDER, "{text:?}");
        // No ID number, ever.
        assert!(!text.text.chars().filter(char::is_ascii_digit).collect::<String>().contains("3502"), "{text:?}");
    }
    // The gateway's delivery reports come back and mark each message delivered.
    let offer_msgs: Vec<i64> = app
        .state
        .db
        .run(|c| Ok(o::table.inner_join(n::table).filter(n::kind.eq("offer.made")).select(o::id).load(c)?))
        .await
        .unwrap();
    assert_eq!(offer_msgs.len(), 3);
    wait_delivered(&app, &offer_msgs).await;
    // The vendor's inbox says it reached the phone.
    let inbox = vendors[0].0.get("/api/v1/me/notifications").await.value();
    let offer =
        inbox["items"].as_array().unwrap().iter().find(|i| i["kind"] == "offer.made").expect("offer in the inbox");
    assert_eq!(offer["sms_status"], "delivered");
    // So do the vendor's case page and the officer's view of the same case.
    let case = format!("/api/v1/applications/{}", vendors[0].1);
    for who in [&vendors[0].0, &officer] {
        let notices = who.get(&case).await.value()["notices"].as_array().unwrap().clone();
        let made = notices.iter().find(|x| x["kind"] == "offer.made").expect("offer notice on the case");
        assert_eq!(made["sms_status"], "delivered");
        assert!(made["delivered_at"].is_string());
        assert!(notices.iter().any(|x| x["kind"] == "application.submitted"), "{notices:?}");
    }

    // A report without the secret, or with a wrong one, is refused and changes nothing.
    let anon = app.anon();
    let before = statuses(&app).await;
    anon.get(&format!("/api/v1/sms/dlr?id={}&type=2&answer=x", offer_msgs[0])).await.assert_status(404);
    anon.get(&format!("/api/v1/sms/dlr?key=wrong-secret-wrong&id={}&type=2", offer_msgs[0])).await.assert_status(404);
    anon.get("/api/v1/sms/incoming?key=nope&from=13800000001&text=1%201").await.assert_status(404);
    assert_eq!(statuses(&app).await, before);
    // With the secret it is taken (here: a late "buffered" report, which changes no state).
    anon.get(&format!("/api/v1/sms/dlr?key={SECRET}&id={}&type=4&answer=late", offer_msgs[0])).await.assert_status(204);
    assert_eq!(statuses(&app).await, before);
});

api_test!(with_the_gateway_down_messages_wait_and_each_arrives_once_when_it_is_back, |app| {
    let app = app.with_demo().await;
    let Some((app, mut kannel)) = with_gateway(app).await else { return };
    let (sm, _) = zones(&app).await;
    kannel.stop_gateway();
    // Five vendors submit: five receipts to send, and no gateway.
    let mut phones = Vec::new();
    for _ in 0..5 {
        let (_, id) = submitted(&app, &sm).await;
        let user: i64 = app
            .state
            .db
            .run(move |c| {
                use backend::db::schema::stall_applications as apps;
                Ok(apps::table.find(id).select(apps::applicant_id).first(c)?)
            })
            .await
            .unwrap();
        phones.push(phone_of(&app, user).await);
    }
    let queued = statuses(&app).await;
    assert_eq!(queued.len(), 5);
    // Tries fail and are put off; nothing is lost, nothing is marked sent.
    for _ in 0..3 {
        backend::services::sms::deliver_once(&app.state).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1200)).await;
    }
    let after: Vec<String> = statuses(&app).await.into_iter().map(|(_, s)| s).collect();
    assert!(after.iter().all(|s| s == "failed" || s == "queued"), "{after:?}");
    let tries: Vec<i32> = app.state.db.run(|c| Ok(o::table.select(o::attempts).load(c)?)).await.unwrap();
    assert!(tries.iter().all(|t| *t >= 1), "each was tried: {tries:?}");

    // Back up: every message arrives, exactly once.
    kannel.start_gateway().await;
    kannel.connect_carrier(None);
    drain(&app, Duration::from_secs(30)).await;
    let got = kannel.wait_received(5).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got_now = kannel.received();
    assert_eq!(got_now.len(), got.len(), "nothing more arrives later");
    let receipts: Vec<_> = got_now.iter().filter(|r| r.text.contains("已收到您的摊位申请")).collect();
    assert_eq!(receipts.len(), 5, "messages queued = messages at the carrier: {got_now:?}");
    let mut to: Vec<&str> = receipts.iter().map(|r| r.to.as_str()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 5, "no duplicates");
    for p in &phones {
        assert!(to.contains(&p.as_str()), "{p} got its receipt");
    }
    let ids: Vec<i64> = statuses(&app).await.into_iter().map(|(i, _)| i).collect();
    wait_delivered(&app, &ids).await;
});

api_test!(a_vendor_accepts_an_offer_by_replying_to_the_text, |app| {
    let app = app.with_demo().await;
    let Some((app, mut kannel)) = with_gateway(app).await else { return };
    // A pending offer for a vendor, made the way the waiting list makes them.
    let (sm, _) = zones(&app).await;
    let (vendor, app_id) = submitted(&app, &sm).await;
    let officer = app.officer(District::Siming).await;
    officer
        .post(&format!("/api/v1/applications/{app_id}/decision"), &json!({ "decision": "eligible" }))
        .await
        .assert_status(200);
    let admin = app.admin().await;
    let body = json!({ "name": "回复测试批次", "zone_ids": sm, "opens_at": "2026-11-01T09:00:00", "closes_at": "2026-11-30T17:00:00",
        "outside_source": "摇号现场三名见证人各摇出的两位数号码", "reserved_percent": 0, "notice_days": 0, "offer_days": 5 });
    let rid = admin.post("/api/v1/rounds", &body).await.value()["id"].as_i64().unwrap();
    for step in ["open", "close", "draw", "confirm"] {
        admin
            .post(&format!("/api/v1/rounds/{rid}/{step}"), &json!({ "outside_value": "07 31 58" }))
            .await
            .assert_status(200);
    }
    let (offer, holder): (i64, i64) = app
        .state
        .db
        .run(move |c| {
            Ok(offers::table
                .filter(offers::application_id.eq(app_id))
                .select((offers::id, offers::applicant_id))
                .first(c)?)
        })
        .await
        .unwrap();
    let phone = phone_of(&app, holder).await;
    settle(&app).await;
    let before = kannel.received().len();

    // The same reply from another phone: nothing changes.
    let (_, other) = app.vendor().await;
    let other_phone = phone_of(&app, other).await;
    kannel.text_from(&other_phone, &format!("{offer} 1"));
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n: i64 =
            app.state.db.run(|c| Ok(backend::db::schema::sms_inbound::table.count().get_result(c)?)).await.unwrap();
        if n >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the gateway passed the text on");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let status: String =
        app.state.db.run(move |c| Ok(offers::table.find(offer).select(offers::status).first(c)?)).await.unwrap();
    assert_eq!(status, "pending", "another phone cannot answer this offer");

    // From the holder's phone "{code} 1" accepts it, and a confirmation text comes back.
    kannel.text_from(&phone, &format!("{offer} 1"));
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status: String =
            app.state.db.run(move |c| Ok(offers::table.find(offer).select(offers::status).first(c)?)).await.unwrap();
        if status == "accepted" {
            break;
        }
        assert!(Instant::now() < deadline, "the reply accepted the offer (status {status})");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    settle(&app).await;
    let got = kannel.received();
    assert!(got.len() >= before + 2, "two answers: {got:?}");
    assert!(got.iter().any(|r| r.to == phone && r.text.contains("已接受")), "confirmation to the holder: {got:?}");
    assert!(got.iter().any(|r| r.to == other_phone && r.text.contains("没有找到")), "the other phone is told: {got:?}");
    // The vendor sees the stall on the web too; the action is in the audit log.
    let mine = vendor.get("/api/v1/me/applications").await.value();
    assert_eq!(mine[0]["status"], "accepted");
    let audited: i64 = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::audit_log;
            Ok(audit_log::table.filter(audit_log::action.eq("sms.inbound")).count().get_result(c)?)
        })
        .await
        .unwrap();
    assert_eq!(audited, 2);
});

api_test!(officers_see_their_districts_texts_and_send_a_dead_one_again, |app| {
    let app = app.with_demo().await;
    let (sm, hl) = zones(&app).await;
    // A 思明 application and a 湖里 one: a receipt text each.
    let (_, sm_app) = submitted(&app, &sm).await;
    let (_, hl_app) = submitted(&app, &[hl]).await;
    let subject_of = |id: i64| format!("application:{id}");
    let (sm_subject, hl_subject) = (subject_of(sm_app), subject_of(hl_app));
    let ids: Vec<(i64, String)> = app
        .state
        .db
        .run(|c| Ok(o::table.inner_join(n::table).select((o::id, n::subject)).order(o::id).load(c)?))
        .await
        .unwrap();
    let sm_msg = ids.iter().find(|(_, s)| *s == sm_subject).unwrap().0;
    let hl_msg = ids.iter().find(|(_, s)| *s == hl_subject).unwrap().0;
    // The gateway gave up on the 思明 one.
    app.state
        .db
        .write(move |c| {
            Ok(diesel::update(o::table.find(sm_msg))
                .set((o::status.eq("dead"), o::attempts.eq(8), o::last_error.eq("carrier: unknown subscriber")))
                .execute(c)?)
        })
        .await
        .unwrap();

    let listed = |v: &serde_json::Value| -> Vec<i64> {
        v["items"].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect()
    };
    let siming = app.officer(District::Siming).await;
    let huli = app.officer(District::Huli).await;
    let admin = app.admin().await;
    let page = siming.get("/api/v1/admin/outbox").await.value();
    assert_eq!(listed(&page), vec![sm_msg], "思明 sees its own text only");
    assert_eq!(page["total"], 1);
    assert_eq!(page["counts"], json!([["dead", 1]]));
    let row = &page["items"][0];
    assert_eq!(row["recipient"].as_str().unwrap().len(), 11);
    assert!(row["recipient"].as_str().unwrap().contains("****"), "masked: {row}");
    assert_eq!(row["last_error"], "carrier: unknown subscriber");
    assert_eq!(listed(&huli.get("/api/v1/admin/outbox").await.value()), vec![hl_msg]);
    let all = listed(&admin.get("/api/v1/admin/outbox").await.value());
    assert!(all.contains(&sm_msg) && all.contains(&hl_msg));
    assert_eq!(listed(&admin.get("/api/v1/admin/outbox?status=dead").await.value()), vec![sm_msg]);

    // Another district cannot send it again; its own officer can, once.
    huli.post(&format!("/api/v1/admin/outbox/{sm_msg}/retry"), &json!({})).await.assert_status(404);
    siming.post(&format!("/api/v1/admin/outbox/{sm_msg}/retry"), &json!({})).await.assert_status(204);
    let again = siming.post(&format!("/api/v1/admin/outbox/{sm_msg}/retry"), &json!({})).await;
    again.assert_status(409);
    let (status, tries): (String, i32) =
        app.state.db.run(move |c| Ok(o::table.find(sm_msg).select((o::status, o::attempts)).first(c)?)).await.unwrap();
    assert_eq!((status.as_str(), tries), ("queued", 0));
    // Without a gateway it goes to the log, and says so rather than "delivered".
    backend::services::sms::deliver_once(&app.state).await.unwrap();
    let status: String =
        app.state.db.run(move |c| Ok(o::table.find(sm_msg).select(o::status).first(c)?)).await.unwrap();
    assert_eq!(status, "logged");
});

api_test!(a_registration_code_arrives_by_text_and_opens_the_account, |app| {
    let Some((app, kannel)) = with_gateway(app).await else { return };
    let c = app.anon();
    c.post("/api/v1/auth/codes", &json!({ "phone": "13805928801", "purpose": "register" })).await.assert_status(202);
    let got = kannel.wait_received(1).await;
    let text = &got.iter().find(|m| m.to.ends_with("13805928801")).expect("a text to the phone").text;
    assert!(text.contains("5 分钟") && !text.contains("35020"), "{text}");
    let code: String = text.split("验证码").nth(1).unwrap().chars().filter(|c| c.is_ascii_digit()).take(6).collect();
    let mut body = crate::accounts::vendor_body("13805928801", 881);
    body["code"] = json!(code);
    c.post("/api/v1/auth/register", &body).await.assert_status(201);
    // A phone that already has an account is told so by text, and gets no code.
    app.anon()
        .post("/api/v1/auth/codes", &json!({ "phone": "13805928801", "purpose": "register" }))
        .await
        .assert_status(202);
    let got = kannel.wait_received(2).await;
    assert!(got[1].text.contains("已有账号") && !got[1].text.contains("验证码"), "{:?}", got[1]);
});
