//! Registered helpers and anti-subletting: a holder names who may work the stall, the district
//! approves, the public check shows them masked with their photo, inspections record who was at
//! the stall, and "someone else" found twice within the pack's window opens a subletting review.

use crate::api_test;
use crate::applications::JPEG;
use crate::util::*;
use axum::http::Method;
use common::District;
use serde_json::{Value, json};

async fn photo(c: &Client) -> i64 {
    let r = c.raw(Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true).await;
    r.assert_status(201);
    r.value()["id"].as_i64().unwrap()
}

fn helper(name: &str, id_number: &str, relation: &str, photo: i64) -> Value {
    json!({ "name": name, "id_number": id_number, "relation": relation, "photo_id": photo })
}

fn visit(permit: i64, present: &str, holder_present: bool) -> Value {
    json!({ "permit_id": permit, "checklist": [{ "id": "holder-present", "ok": holder_present }],
        "notes": "夜市巡查", "violations": [], "evidence_ids": [], "present": present })
}

async fn kinds(c: &Client) -> Vec<String> {
    c.get("/api/v1/me/notifications").await.value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

api_test!(a_holder_registers_helpers_the_district_approves_and_the_public_sees_them_masked, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let officer = app.officer(District::Siming).await;
    let elsewhere = app.officer(District::Huli).await;
    let pic = photo(&vendor).await;
    let path = format!("/api/v1/permits/{permit}/helpers");
    let code =
        vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["verify_code"].as_str().unwrap().to_string();

    // Every field checked at once, like a registration; nothing is stored.
    let before = app.count("audit_log").await;
    let r = vendor
        .post(&path, &json!({ "name": "", "id_number": "350203198503150025", "relation": "cousin", "photo_id": 0 }))
        .await;
    r.assert_status(422);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, ["id_number", "name", "photo_id", "relation"]);
    assert_eq!(app.count("audit_log").await, before);
    // Someone else's photo, and someone else's permit, are not theirs to use.
    let (stranger, _) = app.vendor().await;
    let theirs = photo(&stranger).await;
    let r = vendor.post(&path, &helper("陈阿妹", "350203198503150024", "sibling", theirs)).await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), ["photo_id"]);
    stranger.post(&path, &helper("陈阿妹", "350203198503150024", "sibling", theirs)).await.assert_status(404);

    // Two helpers; a third is refused until one goes; the same person twice is refused.
    let pv = vendor.post(&path, &helper("陈阿妹", "350203198503150024", "sibling", pic)).await;
    pv.assert_status(200);
    let pv = pv.value();
    let first = pv["helpers"][0]["id"].as_i64().unwrap();
    assert_eq!(pv["helpers"][0]["status"], "pending");
    assert_eq!(pv["can_add_helper"], true);
    let r = vendor.post(&path, &helper("陈阿妹", "350203198503150024", "sibling", pic)).await;
    assert_eq!(r.error_fields(), ["id_number"]);
    let pv = vendor.post(&path, &helper("陈小弟", "35020319900720004x", "employee", pic)).await.value();
    let second = pv["helpers"][1]["id"].as_i64().unwrap();
    assert_eq!(pv["can_add_helper"], false);
    let r = vendor.post(&path, &helper("林小燕", "350203197811110038", "spouse", pic)).await;
    r.assert_status(409);
    assert_eq!(r.problem().type_uri, "/problems/too-many-helpers");

    // Nothing public while waiting.
    let public = app.anon().get(&format!("/api/v1/public/permits/{code}")).await.value();
    assert_eq!(public["helpers"], json!([]));

    // The district decides (not another district's officer); a refusal needs its reason.
    elsewhere.post(&format!("/api/v1/helpers/{first}/decision"), &json!({ "approve": true })).await.assert_status(404);
    let queue = officer.get("/api/v1/review/supervision").await.value();
    let waiting: Vec<i64> = queue["helpers"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
    assert!(waiting.contains(&first) && waiting.contains(&second));
    // The officer can open the face photo to compare it with the person.
    officer.get(&format!("/api/v1/evidence/{pic}")).await.assert_status(200);
    elsewhere.get(&format!("/api/v1/evidence/{pic}")).await.assert_status(404);
    officer.post(&format!("/api/v1/helpers/{first}/decision"), &json!({ "approve": true })).await.assert_status(200);
    let r = officer.post(&format!("/api/v1/helpers/{second}/decision"), &json!({ "approve": false })).await;
    assert_eq!(r.error_fields(), ["note"]);
    officer
        .post(&format!("/api/v1/helpers/{second}/decision"), &json!({ "approve": false, "note": "照片不是本人" }))
        .await
        .assert_status(200);
    officer
        .post(&format!("/api/v1/helpers/{first}/decision"), &json!({ "approve": false, "note": "x" }))
        .await
        .assert_status(409);
    assert!(kinds(&vendor).await.contains(&"permit.helper".to_string()));

    // The public check shows the approved helper only: masked name, relation, face photo; never
    // the full name or the ID number.
    let public = app.anon().get(&format!("/api/v1/public/permits/{code}")).await;
    let text = public.text();
    assert!(!text.contains("陈阿妹") && !text.contains("350203198503150024") && !text.contains("陈小弟"), "{text}");
    let public = public.value();
    assert_eq!(public["helpers"].as_array().unwrap().len(), 1);
    assert_eq!(public["helpers"][0]["name"], "陈*妹");
    assert_eq!(public["helpers"][0]["relation"], "sibling");
    let url = public["helpers"][0]["photo_url"].as_str().unwrap().to_string();
    let r = app.anon().get(&url).await;
    r.assert_status(200);
    app.anon().get(&format!("/api/v1/public/permits/{code}/helpers/{second}/photo")).await.assert_status(404);

    // A refused helper frees the place; removing the approved one hides them at once.
    assert_eq!(vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["can_add_helper"], true);
    stranger.delete(&format!("/api/v1/helpers/{first}")).await.assert_status(404);
    let pv = vendor.delete(&format!("/api/v1/helpers/{first}")).await.value();
    assert_eq!(pv["helpers"][0]["status"], "removed");
    app.anon().get(&url).await.assert_status(404);
    assert_eq!(app.anon().get(&format!("/api/v1/public/permits/{code}")).await.value()["helpers"], json!([]));
});

api_test!(someone_else_at_the_stall_twice_in_thirty_days_opens_a_subletting_review, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let officer = app.officer(District::Siming).await;
    let pic = photo(&vendor).await;
    let pv = vendor
        .post(&format!("/api/v1/permits/{permit}/helpers"), &helper("陈阿妹", "350203198503150024", "sibling", pic))
        .await
        .value();
    let helper_id = pv["helpers"][0]["id"].as_i64().unwrap();

    // Only an approved helper of this stall may be picked, and the answer must agree with the
    // checklist's "holder or registered helper present".
    let r = officer.post("/api/v1/inspections", &visit(permit, &format!("helper:{helper_id}"), true)).await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), ["present"]);
    officer
        .post(&format!("/api/v1/helpers/{helper_id}/decision"), &json!({ "approve": true }))
        .await
        .assert_status(200);
    officer.post("/api/v1/inspections", &visit(permit, &format!("helper:{helper_id}"), true)).await.assert_status(201);
    officer.post("/api/v1/inspections", &visit(permit, "holder", true)).await.assert_status(201);
    let r = officer.post("/api/v1/inspections", &visit(permit, "someone_else", true)).await;
    assert_eq!(r.error_fields(), ["present"]);
    let r = officer.post("/api/v1/inspections", &visit(permit, "a neighbour", false)).await;
    assert_eq!(r.error_fields(), ["present"]);

    // Someone else once: noted, no review. Twice within 30 days: a subletting review opens, the
    // holder is told, the district sees it; a third visit does not open another.
    officer.post("/api/v1/inspections", &visit(permit, "someone_else", false)).await.assert_status(201);
    assert_eq!(vendor.get(&format!("/api/v1/permits/{permit}")).await.value()["reviews"], json!([]));
    officer.post("/api/v1/inspections", &visit(permit, "someone_else", false)).await.assert_status(201);
    officer.post("/api/v1/inspections", &visit(permit, "someone_else", false)).await.assert_status(201);
    let pv = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    let reviews = pv["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!((reviews[0]["kind"].as_str(), reviews[0]["status"].as_str()), (Some("subletting"), Some("open")));
    assert!(reviews[0]["reason"]["zh"].as_str().unwrap().contains("30 天内 2 次"));
    assert!(kinds(&vendor).await.contains(&"permit.review".to_string()));
    let review = reviews[0]["id"].as_i64().unwrap();
    let queue = officer.get("/api/v1/review/supervision").await.value();
    assert!(queue["reviews"].as_array().unwrap().iter().any(|r| r["id"] == review));
    assert!(
        app.officer(District::Huli).await.get("/api/v1/review/supervision").await.value()["reviews"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The officer closes it with the finding; the holder is told; it cannot be closed twice.
    let r = officer.post(&format!("/api/v1/permit-reviews/{review}/close"), &json!({ "note": "" })).await;
    assert_eq!(r.error_fields(), ["note"]);
    let pv = officer
        .post(
            &format!("/api/v1/permit-reviews/{review}/close"),
            &json!({ "note": "经核查为持证人外甥临时代为看摊，已告知须登记帮工" }),
        )
        .await
        .value();
    assert_eq!(pv["reviews"][0]["status"], "closed");
    officer
        .post(&format!("/api/v1/permit-reviews/{review}/close"), &json!({ "note": "again" }))
        .await
        .assert_status(409);

    // The public can report a suspected sublet; it is routed to the district like other reports.
    let r = app
        .anon()
        .post(
            "/api/v1/complaints",
            &json!({ "service_code": "subletting", "description": "摊位换了人经营，疑似转租", "location": [118.0826, 24.4566], "address": "中山路" }),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.value()["district"], "350203");
});

api_test!(a_holder_checks_in_at_the_stall_and_a_short_month_opens_an_attendance_review, |app| {
    use backend::db::schema::{check_ins, permits};
    use chrono::Datelike;
    use diesel::prelude::*;
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let centre = [118.0855, 24.4625];
    // Open all day every day, so the check-in's time always falls inside.
    let mut body = crate::zone_admin::zone_body("SM-351", centre);
    body["zone"]["hours"] = json!([{ "days": [1,2,3,4,5,6,7], "start": "00:00", "end": "23:59" }]);
    let zone = admin.post("/api/v1/zones", &body).await.value()["zone"]["id"].as_i64().unwrap();
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall_at(vid, zone).await;
    let path = format!("/api/v1/permits/{permit}/check-in");

    let r = vendor.post(&path, &json!({ "location": centre })).await;
    r.assert_status(200);
    assert_eq!((r.value()["already"].as_bool(), r.value()["days_this_month"].as_u64()), (Some(false), Some(1)));
    assert_eq!(r.value()["min_attendance_days"], 15);
    // Twice the same day counts once.
    let r = vendor.post(&path, &json!({ "location": centre })).await.value();
    assert_eq!((r["already"].as_bool(), r["days_this_month"].as_u64()), (Some(true), Some(1)));
    // A street away is refused, with its reason on the location.
    let r = vendor.post(&path, &json!({ "location": [centre[0], centre[1] + 0.003] })).await;
    r.assert_status(422);
    assert_eq!(r.problem().errors[0].code, "outside_zone");
    let (stranger, _) = app.vendor().await;
    stranger.post(&path, &json!({ "location": centre })).await.assert_status(404);

    // A zone closed today (open only on the other six days) refuses a check-in even on the spot.
    let today = common::time::weekday_minute(common::time::xiamen_now()).0;
    let other_days: Vec<u8> = (1..=7).filter(|d| *d != today).collect();
    let mut body = crate::zone_admin::zone_body("SM-352", [118.0875, 24.4645]);
    body["zone"]["hours"] = json!([{ "days": other_days, "start": "00:00", "end": "23:59" }]);
    let closed_today = admin.post("/api/v1/zones", &body).await.value()["zone"]["id"].as_i64().unwrap();
    let (other, oid) = app.vendor().await;
    let (other_permit, _) = app.grant_stall_at(oid, closed_today).await;
    let r = other
        .post(&format!("/api/v1/permits/{other_permit}/check-in"), &json!({ "location": [118.0875, 24.4645] }))
        .await;
    r.assert_status(422);
    assert_eq!(r.problem().errors[0].code, "outside_hours");
    assert_eq!(app.count("check_ins").await, 1, "refused check-ins record nothing");

    // Last month: the first permit was worked 3 days, the other 15 (the pack's minimum).
    let month = backend::clock::today().with_day(1).unwrap().checked_sub_months(chrono::Months::new(1)).unwrap();
    let since = month - chrono::Duration::days(40);
    app.state
        .db
        .write(move |c| {
            diesel::update(permits::table.filter(permits::id.eq_any([permit, other_permit])))
                .set(permits::valid_from.eq(since))
                .execute(c)?;
            for (p, n) in [(permit, 3), (other_permit, 15)] {
                for d in 0..n {
                    diesel::insert_into(check_ins::table)
                        .values((
                            check_ins::permit_id.eq(p),
                            check_ins::day.eq(month + chrono::Duration::days(d)),
                            check_ins::at.eq(backend::clock::now()),
                            check_ins::lon.eq(118.0855),
                            check_ins::lat.eq(24.4625),
                        ))
                        .execute(c)?;
                }
            }
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(backend::services::attendance::review_month(&app.state, month).await.unwrap(), 1);
    assert_eq!(backend::services::attendance::review_month(&app.state, month).await.unwrap(), 0, "once a month");
    let pv = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    let review = &pv["reviews"][0];
    assert_eq!((review["kind"].as_str(), review["status"].as_str()), (Some("attendance"), Some("open")));
    assert!(review["reason"]["zh"].as_str().unwrap().contains("签到 3 天"), "{review}");
    assert!(kinds(&vendor).await.contains(&"permit.review".to_string()));
    assert_eq!(other.get(&format!("/api/v1/permits/{other_permit}")).await.value()["reviews"], json!([]));
});
