//! Permits after issue: inspections and the points ledger, appeals, suspension and revocation,
//! renewal, reminders, expiry, surrender and transfer, the inbox, the audit chain, and jobs that
//! run once across two instances.

use crate::api_test;
use crate::applications::JPEG;
use crate::util::*;
use axum::http::Method;
use common::District;
use diesel::prelude::*;
use serde_json::{Value, json};

async fn photo(c: &Client) -> i64 {
    let r = c.raw(Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true).await;
    r.assert_status(201);
    r.value()["id"].as_i64().unwrap()
}

fn inspection(permit_id: i64, violations: &[&str], evidence: &[i64]) -> Value {
    json!({ "permit_id": permit_id, "checklist": [{ "id": "clear-paths", "ok": violations.is_empty() }, { "id": "clean", "ok": true }],
        "notes": "夜市巡查", "violations": violations, "evidence_ids": evidence, "location": [118.0826, 24.4566] })
}

pub async fn phone_of(app: &TestApp, id: i64) -> String {
    app.phone_of(id).await
}

pub async fn set_valid_until(app: &TestApp, permit: i64, days_from_today: i64) {
    use backend::db::schema::permits;
    let d = backend::clock::today() + chrono::Duration::days(days_from_today);
    app.state
        .db
        .write(move |c| Ok(diesel::update(permits::table.find(permit)).set(permits::valid_until.eq(d)).execute(c)?))
        .await
        .unwrap();
}

async fn inbox_kinds(c: &Client) -> Vec<String> {
    c.get("/api/v1/me/notifications").await.value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

api_test!(violations_charge_points_suspend_and_appeals_pause_them, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let officer = app.officer(District::Siming).await;
    let other_officer = app.officer(District::Huli).await;
    let code =
        vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["verify_code"].as_str().unwrap().to_string();

    // Another district's officer cannot inspect it; an unknown code is refused with its field.
    other_officer.post("/api/v1/inspections", &inspection(permit, &["V-PATHS"], &[])).await.assert_status(404);
    let r = officer.post("/api/v1/inspections", &inspection(permit, &["V-NOPE"], &[])).await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), vec!["violations[0]".to_string()]);

    // 首违免罚: the first minor breach costs nothing; a repeat costs its points.
    let r = officer.post("/api/v1/inspections", &inspection(permit, &["V-HOURS"], &[])).await;
    r.assert_status(201);
    let p = r.value()["permit"].clone();
    assert_eq!(p["ledger"][0]["waived"], true);
    assert_eq!(p["standing"]["points"], 0);
    let p = officer.post("/api/v1/inspections", &inspection(permit, &["V-HOURS"], &[])).await.value()["permit"].clone();
    assert_eq!(p["ledger"][0]["points"], 3);
    assert_eq!(p["standing"]["points"], 3);

    // With a photo, by scanning the code: 6 more points, still valid.
    let ev = photo(&officer).await;
    let mut body = inspection(permit, &["V-PATHS"], &[ev]);
    body["permit_id"] = Value::Null;
    body["permit_code"] = json!(code.to_lowercase());
    let p = officer.post("/api/v1/inspections", &body).await.value()["permit"].clone();
    assert_eq!(p["standing"]["points"], 9);
    assert_eq!(p["status"], "valid");
    // The holder sees the ledger with the evidence and may open the photo; another vendor may not.
    let mine = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    let line = &mine["ledger"][0];
    assert_eq!(line["code"], "V-PATHS");
    assert_eq!(line["evidence_ids"], json!([ev]));
    assert_eq!(line["can_appeal"], true);
    vendor.get(&format!("/api/v1/evidence/{ev}")).await.assert_status(200);
    let (stranger, _) = app.vendor().await;
    stranger.get(&format!("/api/v1/evidence/{ev}")).await.assert_status(404);
    stranger.get(&format!("/api/v1/permits/{permit}")).await.assert_status(404);

    // Crossing 12 suspends; the public check says so at once.
    let p = officer.post("/api/v1/inspections", &inspection(permit, &["V-GAS"], &[])).await.value()["permit"].clone();
    assert_eq!(p["standing"]["points"], 15);
    assert_eq!(p["status"], "suspended");
    assert_eq!(app.anon().get(&format!("/api/v1/public/permits/{code}")).await.value()["status"], "suspended");
    assert!(inbox_kinds(&vendor).await.contains(&"permit.suspended".to_string()));

    // Appealing the gas violation pauses its 6 points: reinstated while it is decided.
    let gas = vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["ledger"][0]["id"].as_i64().unwrap();
    officer.post(&format!("/api/v1/violations/{gas}/appeal"), &json!({ "reason": "x" })).await.assert_status(404);
    let r = vendor
        .post(&format!("/api/v1/violations/{gas}/appeal"), &json!({ "reason": "燃气软管当天已更换，附购买凭证" }))
        .await;
    r.assert_status(200);
    let p = r.value();
    assert_eq!(p["status"], "valid");
    assert_eq!(p["standing"]["points"], 9);
    vendor.post(&format!("/api/v1/violations/{gas}/appeal"), &json!({ "reason": "again" })).await.assert_status(409);

    // The district's officers see it in the queue; upheld by a colleague of the officer who
    // recorded it, the suspension returns.
    let colleague = app.officer(District::Siming).await;
    let q = colleague.get("/api/v1/review/supervision").await.value();
    let appeal =
        q["appeals"].as_array().unwrap().iter().find(|a| a["permit_id"] == permit).unwrap()["id"].as_i64().unwrap();
    assert!(other_officer.get("/api/v1/review/supervision").await.value()["appeals"].as_array().unwrap().is_empty());
    let r = colleague
        .post(
            &format!("/api/v1/appeals/{appeal}/decision"),
            &json!({ "overturn": false, "note": "现场照片显示软管老化" }),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.value()["status"], "suspended");
    let history: Vec<String> = vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "permit.violation_recorded",
        "permit.suspended",
        "permit.appealed",
        "permit.reinstated",
        "permit.appeal_upheld",
    ] {
        assert!(history.contains(&a.to_string()), "{a} in {history:?}");
    }
});

api_test!(revocation_is_proposed_and_decided_by_an_admin, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, stall) = app.grant_stall(vid, District::Huli).await;
    let officer = app.officer(District::Huli).await;
    officer.post("/api/v1/inspections", &inspection(permit, &["V-SUBLET", "V-SUBLET"], &[])).await.assert_status(201);
    let admin = app.admin().await;
    let q = admin.get("/api/v1/review/supervision").await.value();
    assert!(q["revocation_proposals"].as_array().unwrap().iter().any(|p| p["id"] == permit), "{q}");
    // Officers propose; only admins revoke.
    officer.post(&format!("/api/v1/permits/{permit}/revoke"), &json!({ "reason": "转租" })).await.assert_status(403);
    let r = admin.post(&format!("/api/v1/permits/{permit}/revoke"), &json!({ "reason": "转租摊位，两次查实" })).await;
    r.assert_status(200);
    assert_eq!(r.value()["status"], "revoked");
    // The stall is free again (nobody is waiting for it in the demo data).
    let zone_stalls = app.anon().get(&format!("/api/v1/zones/{}/stalls", r.value()["zone_id"])).await.value();
    let s = zone_stalls.as_array().unwrap().iter().find(|s| s["id"] == stall).unwrap();
    assert_eq!(s["state"], "free");
    assert!(inbox_kinds(&vendor).await.contains(&"permit.revoked".to_string()));
    admin.post(&format!("/api/v1/permits/{permit}/revoke"), &json!({ "reason": "again" })).await.assert_status(409);
});

api_test!(renewal_reminders_and_expiry, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Jimei).await;
    // A year left: no renewal yet.
    let p = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    assert_eq!(p["can_renew"], false);
    vendor.post(&format!("/api/v1/permits/{permit}/renew"), &json!({})).await.assert_status(409);

    // Ten days left: one reminder, however often the job runs.
    set_valid_until(&app, permit, 10).await;
    assert_eq!(backend::services::permits::remind_due(&app.state).await.unwrap(), 1);
    assert_eq!(backend::services::permits::remind_due(&app.state).await.unwrap(), 0);
    let kinds = inbox_kinds(&vendor).await;
    assert_eq!(kinds.iter().filter(|k| *k == "permit.reminder").count(), 1);
    assert!(app.count("outbox").await >= 1, "an SMS is queued beside the inbox notice");
    let sent = backend::services::sms::deliver_once(&app.state).await.unwrap();
    assert!(sent >= 1);
    assert_eq!(backend::services::sms::deliver_once(&app.state).await.unwrap(), 0);

    let r = vendor.post(&format!("/api/v1/permits/{permit}/renew"), &json!({})).await;
    r.assert_status(200);
    let until = chrono::NaiveDate::parse_from_str(r.value()["valid_until"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert!(until > backend::clock::today() + chrono::Duration::days(360));

    // Past its last day: expired, and the public check says so.
    set_valid_until(&app, permit, -1).await;
    assert_eq!(backend::services::permits::expire_due(&app.state).await.unwrap(), 1);
    assert_eq!(backend::services::permits::expire_due(&app.state).await.unwrap(), 0);
    let p = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    assert_eq!(p["status"], "expired");
    let code = p["verify_code"].as_str().unwrap();
    assert_eq!(app.anon().get(&format!("/api/v1/public/permits/{code}")).await.value()["status"], "expired");
    assert!(inbox_kinds(&vendor).await.contains(&"permit.expired".to_string()));
    // Notices can be read.
    let inbox = vendor.get("/api/v1/me/notifications").await.value();
    assert!(inbox["unread"].as_i64().unwrap() >= 3);
    let before = inbox["unread"].as_i64().unwrap();
    assert_eq!(
        vendor.get("/api/v1/me/notifications/unread").await.value()["unread"],
        before,
        "the header's count is the inbox's"
    );
    let first = inbox["items"][0]["id"].as_i64().unwrap();
    vendor.post(&format!("/api/v1/me/notifications/{first}/read"), &json!({})).await.assert_status(204);
    assert_eq!(vendor.get("/api/v1/me/notifications/unread").await.value()["unread"], before - 1);
    let (other, _) = app.vendor().await;
    other.post(&format!("/api/v1/me/notifications/{first}/read"), &json!({})).await.assert_status(404);
    vendor.post("/api/v1/me/notifications/read-all", &json!({})).await.assert_status(204);
    assert_eq!(vendor.get("/api/v1/me/notifications").await.value()["unread"], 0);
});

api_test!(transfer_to_family_with_officer_approval_then_surrender, |app| {
    let app = app.with_demo().await;
    let (parent, pid) = app.vendor().await;
    let (child, cid) = app.vendor().await;
    let (permit, stall) = app.grant_stall(pid, District::Haicang).await;
    let officer = app.officer(District::Haicang).await;
    let phone = phone_of(&app, cid).await;

    let r = parent
        .post(
            &format!("/api/v1/permits/{permit}/transfer"),
            &json!({ "to_phone": "13000000000", "relation": "friend" }),
        )
        .await;
    r.assert_status(422);
    let fields = r.error_fields();
    assert!(fields.contains(&"to_phone".to_string()) && fields.contains(&"relation".to_string()), "{fields:?}");
    let r = parent
        .post(
            &format!("/api/v1/permits/{permit}/transfer"),
            &json!({ "to_phone": phone, "relation": "child", "note": "年老体弱，交由儿子经营" }),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.value()["transfer"]["status"], "pending");
    assert_eq!(r.value()["can_transfer"], false);

    let q = officer.get("/api/v1/review/supervision").await.value();
    let t =
        q["transfers"].as_array().unwrap().iter().find(|t| t["permit_id"] == permit).unwrap()["id"].as_i64().unwrap();
    let r = officer
        .post(&format!("/api/v1/transfers/{t}/decision"), &json!({ "approve": true, "note": "亲属关系已核实" }))
        .await;
    r.assert_status(200);
    officer.post(&format!("/api/v1/transfers/{t}/decision"), &json!({ "approve": true })).await.assert_status(409);
    // The permit and the stall are the child's now; the parent no longer sees it.
    parent.get(&format!("/api/v1/permits/{permit}")).await.assert_status(404);
    let mine = child.get("/api/v1/me/permits").await.value();
    assert_eq!(mine[0]["id"], permit);
    let r = child.post(&format!("/api/v1/permits/{permit}/surrender"), &json!({ "reason": "不再经营" })).await;
    r.assert_status(200);
    assert_eq!(r.value()["status"], "surrendered");
    let zone = r.value()["zone_id"].clone();
    let stalls = app.anon().get(&format!("/api/v1/zones/{zone}/stalls")).await.value();
    assert_eq!(stalls.as_array().unwrap().iter().find(|s| s["id"] == stall).unwrap()["state"], "free");
    child.post(&format!("/api/v1/permits/{permit}/surrender"), &json!({})).await.assert_status(409);
});

api_test!(scheduled_jobs_run_once_across_two_instances, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Tongan).await;
    set_valid_until(&app, permit, -1).await;
    let second = app.second_instance().await;
    let every = std::time::Duration::from_secs(3600);
    let (a, b) = tokio::join!(backend::jobs::run_once(&app.state, every), backend::jobs::run_once(&second, every));
    // Each job ran on exactly one instance for this slot.
    for ((name, x), (_, y)) in a.iter().zip(b.iter()) {
        assert!(x.is_some() != y.is_some(), "{name}: {x:?} / {y:?}");
    }
    let expired: usize = a.iter().chain(b.iter()).filter(|(n, _)| *n == "permits.expire").filter_map(|(_, x)| *x).sum();
    assert_eq!(expired, 1);
    // Running again in the same slot does nothing on either.
    let again = backend::jobs::run_once(&second, every).await;
    assert!(again.iter().all(|(_, x)| x.is_none()), "{again:?}");
    assert_eq!(vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["status"], "expired");
    assert_eq!(inbox_kinds(&vendor).await.iter().filter(|k| *k == "permit.expired").count(), 1);
    assert_eq!(app.count("job_runs").await, a.len() as i64, "one claim per job");
});

api_test!(an_officer_finds_a_permit_by_its_code_on_site_in_their_district_only, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let code =
        vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["verify_code"].as_str().unwrap().to_string();
    let officer = app.officer(District::Siming).await;
    let r = officer.get(&format!("/api/v1/review/permits/{}", code.to_lowercase())).await;
    r.assert_status(200);
    let p = r.value();
    assert_eq!(p["id"], permit);
    assert!(p["holder"].is_string() && p["standing"]["points"].is_u64() && p["valid_until"].is_string());
    // Another district's officer gets what an unknown code gets.
    let huli = app.officer(District::Huli).await;
    huli.get(&format!("/api/v1/review/permits/{code}")).await.assert_status(404);
    officer.get("/api/v1/review/permits/0000000000000000000X").await.assert_status(404);
    // A code that cannot be one says so at the field.
    let r = officer.get("/api/v1/review/permits/ABC").await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), ["code"]);
    // The holder is not staff.
    vendor.get(&format!("/api/v1/review/permits/{code}")).await.assert_status(403);
});

api_test!(an_inspection_cannot_tick_an_item_met_and_record_its_breach, |app| {
    let app = app.with_demo().await;
    let (_, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let officer = app.officer(District::Siming).await;
    // V-PATHS fails "clear-paths", which is ticked as met.
    let body = json!({ "permit_id": permit, "checklist": [{ "id": "clear-paths", "ok": true }], "notes": "",
        "violations": ["V-PATHS"], "evidence_ids": [] });
    let r = officer.post("/api/v1/inspections", &body).await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), ["checklist[0]"]);
    assert_eq!(app.count("inspections").await, 0);
    let body = json!({ "permit_id": permit, "checklist": [{ "id": "clear-paths", "ok": false }], "notes": "",
        "violations": ["V-PATHS"], "evidence_ids": [] });
    officer.post("/api/v1/inspections", &body).await.assert_status(201);
});

// A photo id is not a key to someone else's photo: an officer can cite only photos they took.
api_test!(an_inspection_cannot_cite_another_officers_photo, |app| {
    let app = app.with_demo().await;
    let (_, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let officer = app.officer(District::Siming).await;
    let other = app.officer(District::Huli).await;
    let theirs = other
        .raw(Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true)
        .await
        .value()["id"]
        .as_i64()
        .unwrap();
    let body = |photo: i64| {
        json!({ "permit_id": permit, "checklist": [{ "id": "clear-paths", "ok": false }], "notes": "占用盲道",
            "violations": ["V-PATHS"], "evidence_ids": [photo] })
    };
    let r = officer.post("/api/v1/inspections", &body(theirs)).await;
    assert_eq!(r.error_fields(), ["evidence_ids"]);
    assert_eq!(app.count("inspections").await, 0);
    let mine = officer
        .raw(Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true)
        .await
        .value()["id"]
        .as_i64()
        .unwrap();
    officer.post("/api/v1/inspections", &body(mine)).await.assert_status(201);
});

api_test!(an_appeal_is_decided_by_another_officer_within_the_packs_deadline, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let recorder = app.officer(District::Siming).await;
    let colleague = app.officer(District::Siming).await;
    recorder.post("/api/v1/inspections", &inspection(permit, &["V-PATHS"], &[])).await.assert_status(201);
    let v = vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["ledger"][0]["id"].as_i64().unwrap();
    vendor
        .post(&format!("/api/v1/violations/{v}/appeal"), &json!({ "reason": "盲道上的是顾客的车" }))
        .await
        .assert_status(200);

    // Both officers see it with the day it must be decided by (today + the pack's 20 days); the
    // one who recorded the violation is told someone else decides, and is refused if they try.
    let due = (backend::clock::today() + chrono::Duration::days(20)).to_string();
    let mine = recorder.get("/api/v1/review/supervision").await.value();
    let item = mine["appeals"].as_array().unwrap().iter().find(|a| a["permit_id"] == permit).unwrap().clone();
    assert_eq!(item["decide_by"], due);
    assert_eq!(item["recorded_by_you"], true);
    let appeal = item["id"].as_i64().unwrap();
    let theirs = colleague.get("/api/v1/review/supervision").await.value();
    let other_item = theirs["appeals"].as_array().unwrap().iter().find(|a| a["id"] == appeal).unwrap().clone();
    assert_eq!(other_item["recorded_by_you"], false);
    let r = recorder
        .post(&format!("/api/v1/appeals/{appeal}/decision"), &json!({ "overturn": false, "note": "维持" }))
        .await;
    r.assert_status(409);
    assert_eq!(r.problem().type_uri, "/problems/recorded-by-you");
    let line = vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["ledger"][0]["appeal"].clone();
    assert_eq!(line["status"], "pending", "the refused decision changed nothing");
    assert_eq!(line["decide_by"], due);
    let r = colleague
        .post(&format!("/api/v1/appeals/{appeal}/decision"), &json!({ "overturn": true, "note": "照片不足以认定" }))
        .await;
    r.assert_status(200);
    assert_eq!(r.value()["standing"]["points"], 0);
});

api_test!(a_family_member_takes_over_through_an_officer_when_the_pack_allows_it, |app| {
    let app = app.with_demo().await;
    let (holder, hid) = app.vendor().await;
    let (permit, _) = app.grant_stall(hid, District::Siming).await;
    let (heir, heir_id) = app.vendor().await;
    let heir_phone = phone_of(&app, heir_id).await;
    let officer = app.officer(District::Siming).await;
    let colleague = app.officer(District::Siming).await;
    let doc = photo(&officer).await;
    let path = format!("/api/v1/permits/{permit}/succession");
    let good = json!({ "to_phone": heir_phone, "relation": "child", "cause": "deceased", "document_ids": [doc],
        "note": "持证人于上月去世，其子持死亡证明和户口簿到窗口办理" });

    // Only staff record it; the holder's family cannot do it online.
    holder.post(&path, &good).await.assert_status(403);
    // A sibling does not qualify under the pack; a cause and the documents are needed: all said at once.
    let before = app.count("permit_transfers").await;
    let r = officer
        .post(&path, &json!({ "to_phone": heir_phone, "relation": "sibling", "cause": "retired", "document_ids": [] }))
        .await;
    r.assert_status(422);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, ["cause", "document_ids", "relation"]);
    assert_eq!(app.count("permit_transfers").await, before);
    officer.post(&path, &good).await.assert_status(200);
    officer.post(&path, &good).await.assert_status(409);

    // Another officer of the district sees it with the documents and decides; the recorder may not.
    let q = colleague.get("/api/v1/review/supervision").await.value();
    let item = q["transfers"].as_array().unwrap().iter().find(|t| t["permit_id"] == permit).unwrap().clone();
    assert_eq!((item["kind"].as_str(), item["cause"].as_str()), (Some("succession"), Some("deceased")));
    assert_eq!(item["document_ids"], json!([doc]));
    assert_eq!(item["recorded_by_you"], false);
    colleague.get(&format!("/api/v1/evidence/{doc}")).await.assert_status(200);
    app.officer(District::Huli).await.get(&format!("/api/v1/evidence/{doc}")).await.assert_status(404);
    let t = item["id"].as_i64().unwrap();
    let r =
        officer.post(&format!("/api/v1/transfers/{t}/decision"), &json!({ "approve": true, "note": "材料齐全" })).await;
    r.assert_status(409);
    assert_eq!(r.problem().type_uri, "/problems/recorded-by-you");
    colleague
        .post(
            &format!("/api/v1/transfers/{t}/decision"),
            &json!({ "approve": true, "note": "死亡证明与亲属关系证明已核验" }),
        )
        .await
        .assert_status(200);

    // The permit and its stall are now the heir's.
    let pv = heir.get(&format!("/api/v1/permits/{permit}")).await;
    pv.assert_status(200);
    holder.get(&format!("/api/v1/permits/{permit}")).await.assert_status(404);
    let history: Vec<String> =
        pv.value()["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap().to_string()).collect();
    assert!(history.contains(&"permit.succession_requested".to_string()), "{history:?}");
    assert!(history.contains(&"permit.transfer_approved".to_string()), "{history:?}");
});
