//! Allocation rounds end to end: commitment, fingerprint, draw, public results, verification,
//! objections, offers, the waiting list, and concurrent accepts.

use crate::api_test;
use crate::applications::{submitted, zones};
use crate::util::*;
use common::District;
use serde_json::{Value, json};

pub async fn eligible(app: &TestApp, officer: &Client, prefs: &[i64]) -> (Client, i64) {
    let (v, id) = submitted(app, prefs).await;
    officer
        .post(&format!("/api/v1/applications/{id}/decision"), &json!({ "decision": "eligible" }))
        .await
        .assert_status(200);
    (v, id)
}

fn round_body(zone_ids: &[i64], notice_days: u8) -> Value {
    json!({ "name": "2026年第一批摊位摇号", "zone_ids": zone_ids, "opens_at": "2026-11-01T09:00:00", "closes_at": "2026-11-30T17:00:00",
        "outside_source": "摇号现场三名见证人各摇出的两位数号码", "reserved_percent": 20, "notice_days": notice_days, "offer_days": 5 })
}

/// A new 思明 zone with `n` cooked-food stalls, so tests control how scarce stalls are.
pub async fn small_zone(admin: &Client, code: &str, n: u32) -> i64 {
    let ring = common::geo::rectangle_polygon([118.12, 24.49], 30.0, 10.0, 0.0);
    let body = json!({
        "zone": { "code": code, "name": format!("{code}测试点"), "district": "350203", "address": "思明区测试路", "kind": "permanent",
            "geometry": [ring], "hours": [{ "days": [1,2,3,4,5,6,7], "start": "17:00", "end": "22:00" }], "categories": ["cooked_food"],
            "stall_width_m": 2.0, "stall_depth_m": 2.0, "managing_unit": "思明区城市管理局" },
        "layout": { "rows": [{ "prefix": "A", "count": n, "category": "cooked_food", "width_m": 2.0, "depth_m": 2.0 }] }
    });
    let r = admin.post("/api/v1/zones", &body).await;
    r.assert_status(201);
    r.value()["zone"]["id"].as_i64().unwrap()
}

async fn run_round(admin: &Client, zone_ids: &[i64], notice_days: u8) -> (i64, Value) {
    let id = admin.post("/api/v1/rounds", &round_body(zone_ids, notice_days)).await.value()["id"].as_i64().unwrap();
    admin.post(&format!("/api/v1/rounds/{id}/open"), &json!({})).await.assert_status(200);
    admin.post(&format!("/api/v1/rounds/{id}/close"), &json!({})).await.assert_status(200);
    let drawn = admin.post(&format!("/api/v1/rounds/{id}/draw"), &json!({ "outside_value": "07 31 58" })).await;
    drawn.assert_status(200);
    (id, drawn.value())
}

api_test!(a_round_from_commitment_to_accepted_stall, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let officer = app.officer(District::Siming).await;
    let admin = app.admin().await;
    let mut vendors = Vec::new();
    for _ in 0..3 {
        vendors.push(eligible(&app, &officer, &sm).await);
    }
    let rid = admin.post("/api/v1/rounds", &round_body(&sm, 0)).await.value()["id"].as_i64().unwrap();
    let anon = app.anon();
    let planned = anon.get(&format!("/api/v1/rounds/{rid}")).await.value();
    assert!(planned["seed_commitment"].is_null());

    let opened = admin.post(&format!("/api/v1/rounds/{rid}/open"), &json!({})).await.value();
    let commitment = opened["seed_commitment"].as_str().unwrap().to_string();
    assert_eq!(commitment.len(), 64);
    assert!(
        anon.get(&format!("/api/v1/rounds/{rid}")).await.value()["seed"].is_null(),
        "the seed stays secret until the draw"
    );

    let closed = admin.post(&format!("/api/v1/rounds/{rid}/close"), &json!({})).await.value();
    assert_eq!(closed["applicants"], 3);
    let fingerprint = closed["fingerprint"].as_str().unwrap().to_string();
    let stalls_in_round = closed["stalls"].as_i64().unwrap();
    assert!(stalls_in_round >= 3);

    let drawn =
        admin.post(&format!("/api/v1/rounds/{rid}/draw"), &json!({ "outside_value": "07 31 58" })).await.value();
    assert_eq!(drawn["status"], "drawn");
    let seed = drawn["seed"].as_str().unwrap();
    assert_eq!(common::allocation::commitment(seed).unwrap(), commitment, "the revealed seed matches the commitment");
    assert_eq!(drawn["algorithm"], common::allocation::ALGORITHM_VERSION);
    let results = drawn["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let label = |n: i64| format!("R{rid}-{n:05}");
    let mut numbers: Vec<&str> = results.iter().map(|r| r["draw_number"].as_str().unwrap()).collect();
    numbers.sort();
    assert_eq!(numbers, [label(1), label(2), label(3)], "applicants appear by draw number");
    assert!(results.iter().all(|r| r.get("applicant").is_none() && r.get("id_number").is_none()));
    assert!(results.iter().all(|r| r["stall_number"].is_string()), "enough stalls for everyone");
    // Anyone can re-run it from the published record.
    let record = anon.get(&format!("/api/v1/rounds/{rid}/record.json")).await.value();
    assert_eq!(record["fingerprint"], fingerprint);
    assert!(backend::services::rounds::verify_record(&record).is_ok());
    // The record carries the audit log's head right after the draw: kept by whoever downloads it,
    // it anchors the log (`tangui verify-audit --heads`).
    let head: backend::models::audit::Checkpoint = serde_json::from_value(record["audit_head"].clone()).unwrap();
    assert!(head.records > 0 && head.head.len() == 64);
    let heads = vec![head];
    let agree = app.state.db.run(move |c| Ok(backend::models::audit::verify_heads(c, &heads)?)).await.unwrap();
    assert_eq!(agree, backend::models::audit::HeadsCheck::Agree { heads: 1 });
    let state = app.state.clone();
    assert_eq!(state.db.run(move |c| backend::services::rounds::verify(c, rid)).await.unwrap(), Ok(()));

    // Held stalls show as reserved; confirming makes offers; accepting makes them occupied.
    admin.post(&format!("/api/v1/rounds/{rid}/confirm"), &json!({})).await.assert_status(200);
    let (v, app_id) = &vendors[0];
    let mine = v.get(&format!("/api/v1/applications/{app_id}")).await.value();
    assert_eq!(mine["status"], "offered");
    let offer = &mine["offer"];
    let (offer_id, stall_id, zone_id) =
        (offer["id"].as_i64().unwrap(), offer["stall_id"].as_i64().unwrap(), offer["zone_id"].as_i64().unwrap());
    v.post(&format!("/api/v1/offers/{offer_id}/accept"), &json!({})).await.assert_status(204);
    assert_eq!(v.get(&format!("/api/v1/applications/{app_id}")).await.value()["status"], "accepted");
    let grid = anon.get(&format!("/api/v1/zones/{zone_id}/stalls")).await.value();
    let stall = grid.as_array().unwrap().iter().find(|s| s["id"] == stall_id).unwrap();
    assert_eq!(stall["state"], "occupied");
    // Accepting twice, or someone else's offer, fails cleanly.
    assert_eq!(v.post(&format!("/api/v1/offers/{offer_id}/accept"), &json!({})).await.problem().status, 409);
    assert_eq!(vendors[1].0.post(&format!("/api/v1/offers/{offer_id}/accept"), &json!({})).await.problem().status, 404);
});

api_test!(a_tampered_result_is_detected, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let officer = app.officer(District::Siming).await;
    let admin = app.admin().await;
    for _ in 0..3 {
        eligible(&app, &officer, &sm).await;
    }
    let (rid, _) = run_round(&admin, &sm, 3).await;
    let record = app.anon().get(&format!("/api/v1/rounds/{rid}/record.json")).await.value();
    let mut forged = record.clone();
    let a = forged["result"]["assignments"].as_array_mut().unwrap();
    let s0 = a[0]["stall_id"].clone();
    a[0]["stall_id"] = a[1]["stall_id"].clone();
    a[1]["stall_id"] = s0;
    let err = backend::services::rounds::verify_record(&forged).unwrap_err();
    assert!(err.contains("Assignment"), "{err}");
    let mut other_seed = record.clone();
    other_seed["seed"] = json!("00".repeat(32));
    assert!(backend::services::rounds::verify_record(&other_seed).unwrap_err().contains("commitment"));
    // Tampering with the stored result in the database is caught by verify-round.
    let stored: String = serde_json::to_string(&forged["result"]).unwrap();
    app.state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            diesel::sql_query(format!(
                "UPDATE allocation_rounds SET result = '{}' WHERE id = {rid}",
                stored.replace('\'', "''")
            ))
            .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let check = app.state.db.run(move |c| backend::services::rounds::verify(c, rid)).await.unwrap();
    assert!(check.is_err());
});

api_test!(objections_must_be_answered_before_confirming, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let officer = app.officer(District::Siming).await;
    let admin = app.admin().await;
    let (v, _) = eligible(&app, &officer, &sm).await;
    let (rid, _) = run_round(&admin, &sm, 0).await;
    let (stranger, _) = app.vendor().await;
    assert_eq!(
        stranger
            .post(&format!("/api/v1/rounds/{rid}/objections"), &json!({ "text": "我没参加" }))
            .await
            .problem()
            .status,
        403
    );
    let o = v.post(&format!("/api/v1/rounds/{rid}/objections"), &json!({ "text": "请公开摊位编号的分配规则" })).await;
    o.assert_status(201);
    let oid = o.value()["id"].as_i64().unwrap();
    assert_eq!(admin.post(&format!("/api/v1/rounds/{rid}/confirm"), &json!({})).await.problem().status, 409);
    admin
        .post(&format!("/api/v1/objections/{oid}/answer"), &json!({ "answer": "规则见公示页的算法说明" }))
        .await
        .assert_status(200);
    admin.post(&format!("/api/v1/rounds/{rid}/confirm"), &json!({})).await.assert_status(200);
    // Notice periods are enforced: a round with a long notice cannot be confirmed yet.
    let (v2, _) = eligible(&app, &officer, &sm).await;
    let _ = v2;
    let (rid2, _) = run_round(&admin, &sm, 10).await;
    assert_eq!(admin.post(&format!("/api/v1/rounds/{rid2}/confirm"), &json!({})).await.problem().status, 409);
});

api_test!(declined_stall_goes_down_the_waitlist_skipping_holders, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let officer = app.officer(District::Siming).await;
    let zone = small_zone(&admin, "SM-501", 1).await;
    let mut people = Vec::new();
    for _ in 0..3 {
        people.push(eligible(&app, &officer, &[zone]).await);
    }
    let (rid, drawn) = run_round(&admin, &[zone], 0).await;
    let results = drawn["results"].as_array().unwrap().clone();
    // The public results name draw numbers; each applicant knows their own from their case.
    let mut application_of = std::collections::HashMap::new();
    for (v, a) in &people {
        let number =
            v.get(&format!("/api/v1/applications/{a}")).await.value()["draw_number"].as_str().unwrap().to_string();
        application_of.insert(number, *a);
    }
    let app_of = |r: &Value| application_of[r["draw_number"].as_str().unwrap()];
    let winner = app_of(results.iter().find(|r| r["stall_number"].is_string()).unwrap());
    let mut waiting: Vec<(u64, i64)> = results
        .iter()
        .filter(|r| r["waitlist_position"].is_u64())
        .map(|r| (r["waitlist_position"].as_u64().unwrap(), app_of(r)))
        .collect();
    waiting.sort();
    assert_eq!(waiting.len(), 2);
    admin.post(&format!("/api/v1/rounds/{rid}/confirm"), &json!({})).await.assert_status(200);

    // The first on the waiting list meanwhile holds another stall: they must be skipped.
    let first_waiting_user = people.iter().find(|(_, a)| *a == waiting[0].1).unwrap();
    let user_id = first_waiting_user.0.get("/api/v1/me").await.value()["id"].as_i64().unwrap();
    app.state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            diesel::sql_query(format!(
                "UPDATE stalls SET state = 'occupied', holder_id = {user_id} WHERE id = (SELECT MIN(id) FROM stalls WHERE state = 'free')"
            ))
            .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();

    let (wv, _) = people.iter().find(|(_, a)| *a == winner).unwrap();
    let offer = wv.get(&format!("/api/v1/applications/{winner}")).await.value()["offer"]["id"].as_i64().unwrap();
    wv.post(&format!("/api/v1/offers/{offer}/decline"), &json!({})).await.assert_status(204);
    let (second, second_app) = people.iter().find(|(_, a)| *a == waiting[1].1).unwrap();
    let s = second.get(&format!("/api/v1/applications/{second_app}")).await.value();
    assert_eq!(s["status"], "offered", "the stall passed to the next person without a stall");
    let (_, first_app) = first_waiting_user;
    assert_eq!(
        first_waiting_user.0.get(&format!("/api/v1/applications/{first_app}")).await.value()["status"],
        "waitlisted"
    );
});

api_test!(concurrent_accepts_and_declines_never_give_a_stall_two_holders, |app| {
    let app = app.with_demo().await;
    let admin = app.admin().await;
    let officer = app.officer(District::Siming).await;
    let zone = small_zone(&admin, "SM-502", 1).await;
    let a = eligible(&app, &officer, &[zone]).await;
    let b = eligible(&app, &officer, &[zone]).await;
    let (rid, _) = run_round(&admin, &[zone], 0).await;
    admin.post(&format!("/api/v1/rounds/{rid}/confirm"), &json!({})).await.assert_status(200);
    let (winner, loser) = {
        let sa = a.0.get(&format!("/api/v1/applications/{}", a.1)).await.value();
        if sa["status"] == "offered" { (a, b) } else { (b, a) }
    };
    let offer =
        winner.0.get(&format!("/api/v1/applications/{}", winner.1)).await.value()["offer"]["id"].as_i64().unwrap();

    // 200 requests at once: the winner accepting and declining, the other accepting whatever
    // offer they get as soon as it appears.
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (w, l) = (winner.0.clone(), loser.0.clone());
        let loser_app = loser.1;
        tasks.push(tokio::spawn(async move {
            match i % 4 {
                0 | 1 => w.post(&format!("/api/v1/offers/{offer}/accept"), &json!({})).await.status.as_u16(),
                2 => w.post(&format!("/api/v1/offers/{offer}/decline"), &json!({})).await.status.as_u16(),
                _ => {
                    let v = l.get(&format!("/api/v1/applications/{loser_app}")).await.value();
                    match v["offer"]["id"].as_i64() {
                        Some(o) => l.post(&format!("/api/v1/offers/{o}/accept"), &json!({})).await.status.as_u16(),
                        None => 0,
                    }
                }
            }
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert!(codes.iter().all(|c| matches!(c, 0 | 204 | 409)), "{codes:?}");
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let q = |sql: String| {
        let state = app.state.clone();
        async move {
            state
                .db
                .run(move |c| Ok(diesel::RunQueryDsl::get_result::<Row>(diesel::sql_query(sql), c)?.n))
                .await
                .unwrap()
        }
    };
    let holders = q(format!("SELECT COUNT(*) AS n FROM stalls WHERE zone_id = {zone} AND holder_id IS NOT NULL")).await;
    let accepted = q(format!("SELECT COUNT(*) AS n FROM offers o JOIN stalls s ON s.id = o.stall_id WHERE s.zone_id = {zone} AND o.status = 'accepted'")).await;
    let accepted_apps = q(format!(
        "SELECT COUNT(*) AS n FROM stall_applications WHERE id IN ({}, {}) AND status = 'accepted'",
        winner.1, loser.1
    ))
    .await;
    assert!(holders <= 1, "one stall, at most one holder");
    assert_eq!(accepted, holders, "an accepted offer for every holder and no more");
    assert_eq!(accepted_apps, holders);
});

/// What the public can fetch about a round: the pages and every file.
async fn public_round_texts(anon: &Client, rid: i64) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in [
        "/api/v1/rounds".to_string(),
        format!("/api/v1/rounds/{rid}"),
        format!("/api/v1/rounds/{rid}/list.json"),
        format!("/api/v1/rounds/{rid}/list.csv"),
        format!("/api/v1/rounds/{rid}/list/1"),
        format!("/api/v1/rounds/{rid}/list/2"),
        format!("/api/v1/rounds/{rid}/record.json"),
    ] {
        let r = anon.get(&path).await;
        if r.status == 200 {
            out.push((path, r.text()));
        }
    }
    out
}

api_test!(the_draw_names_nobody_and_rests_on_an_outside_value, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let officer = app.officer(District::Siming).await;
    let admin = app.admin().await;
    let anon = app.anon();
    let mut vendors = Vec::new();
    for _ in 0..3 {
        vendors.push(eligible(&app, &officer, &sm).await);
    }
    // What would identify them: names, ID numbers (and their last digits), phones.
    let mut secrets = Vec::new();
    for (v, _) in &vendors {
        let me = v.get("/api/v1/me").await.value();
        for k in ["display_name", "phone", "id_number"] {
            if let Some(s) = me[k].as_str().filter(|s| !s.is_empty()) {
                secrets.push(s.to_string());
            }
        }
        let uid = me["id"].as_i64().unwrap();
        secrets.push(app.phone_of(uid).await);
    }
    let idn: Vec<String> = secrets.iter().filter(|s| s.len() == 18).map(|s| s[s.len() - 6..].to_string()).collect();
    secrets.extend(idn);
    assert!(secrets.len() >= 6, "{secrets:?}");
    let no_one_named = |texts: &[(String, String)]| {
        for (path, body) in texts {
            for s in &secrets {
                assert!(!body.contains(s.as_str()), "{path} shows {s}");
            }
            assert!(!body.contains("测**户"), "{path} shows a masked name");
        }
    };

    let rid = admin.post("/api/v1/rounds", &round_body(&sm, 0)).await.value()["id"].as_i64().unwrap();
    // The source of the outside value is named before anything is frozen, and is required.
    let mut no_source = round_body(&sm, 0);
    no_source["outside_source"] = json!("");
    let r = admin.post("/api/v1/rounds", &no_source).await;
    assert!(r.error_fields().contains(&"outside_source".to_string()), "{}", r.text());
    let opened = admin.post(&format!("/api/v1/rounds/{rid}/open"), &json!({})).await.value();
    assert_eq!(opened["outside_source"], "摇号现场三名见证人各摇出的两位数号码");
    // The seed is kept sealed in the database until the draw.
    let commitment = opened["seed_commitment"].as_str().unwrap().to_string();
    let stored_seed = app
        .state
        .db
        .run(move |c| {
            use backend::db::schema::allocation_rounds as r;
            use diesel::prelude::*;
            Ok(r::table.find(rid).select(r::seed).first::<String>(c)?)
        })
        .await
        .unwrap();
    assert!(stored_seed.starts_with("enc1:"), "the seed is not in clear: {stored_seed}");

    let closed = admin.post(&format!("/api/v1/rounds/{rid}/close"), &json!({})).await.value();
    let fingerprint = closed["fingerprint"].as_str().unwrap().to_string();
    // Each applicant sees their own draw number, on their case and in a notice.
    let mut numbers = Vec::new();
    for (v, a) in &vendors {
        let case = v.get(&format!("/api/v1/applications/{a}")).await.value();
        let number = case["draw_number"].as_str().unwrap().to_string();
        assert!(number.starts_with(&format!("R{rid}-")), "{number}");
        assert!(case["notices"].as_array().unwrap().iter().any(|n| n["kind"] == "round.listed"), "{case}");
        // ... and checks their line of the published list before the draw.
        let line = anon.get(&format!("/api/v1/rounds/{rid}/list/{number}")).await.value();
        assert_eq!(line["draw_number"], number);
        assert_eq!(line["fingerprint"], fingerprint);
        assert_eq!(line["category"], "cooked_food");
        let prefs: Vec<i64> =
            line["preferences"].as_array().unwrap().iter().map(|z| z["id"].as_i64().unwrap()).collect();
        assert_eq!(prefs, sm, "the line shows the preferences as the applicant gave them");
        assert!(line["result"].is_null());
        numbers.push(number);
    }
    anon.get(&format!("/api/v1/rounds/{rid}/list/R{rid}-00099")).await.assert_status(404);
    // The list published at closing: the frozen inputs, which hash to the published fingerprint.
    let list = anon.get(&format!("/api/v1/rounds/{rid}/list.json")).await.value();
    let frozen: common::allocation::DrawInputs = serde_json::from_value(list["inputs"].clone()).unwrap();
    assert_eq!(common::allocation::fingerprint(&frozen), fingerprint);
    assert_eq!(list["fingerprint"], fingerprint);
    assert_eq!(list["outside_source"], "摇号现场三名见证人各摇出的两位数号码");
    let csv = anon.get(&format!("/api/v1/rounds/{rid}/list.csv")).await;
    let csv = csv.text();
    assert!(csv.starts_with('\u{feff}') && csv.contains("摇号编号"), "{csv}");
    assert!(numbers.iter().all(|n| csv.contains(n.as_str())));
    no_one_named(&public_round_texts(&anon, rid).await);

    // The draw refuses to run without the outside value, and changes nothing.
    let before = app.count("audit_log").await;
    let r = admin.post(&format!("/api/v1/rounds/{rid}/draw"), &json!({ "outside_value": "  " })).await;
    r.assert_status(422);
    assert!(r.error_fields().contains(&"outside_value".to_string()), "{}", r.text());
    assert_eq!(admin.post(&format!("/api/v1/rounds/{rid}/draw"), &json!({})).await.problem().status, 422);
    assert_eq!(anon.get(&format!("/api/v1/rounds/{rid}")).await.value()["status"], "closed");
    assert_eq!(app.count("audit_log").await, before);

    let drawn =
        admin.post(&format!("/api/v1/rounds/{rid}/draw"), &json!({ "outside_value": " 07 31 58 " })).await.value();
    assert_eq!(drawn["outside_value"], "07 31 58");
    assert_eq!(drawn["algorithm"], "tangui-rsd-v2");
    assert_eq!(common::allocation::commitment(drawn["seed"].as_str().unwrap()).unwrap(), commitment);
    // The progress of the draw is readable from another instance.
    let other = admin.to_instance(app.second_instance().await);
    let progress = other.get(&format!("/api/v1/rounds/{rid}/progress")).await.value();
    assert_eq!((progress["stage"].as_str(), progress["total"].as_u64()), (Some("done"), Some(3)));

    // The record: the list drawn is the list published at closing, and it verifies.
    let record = anon.get(&format!("/api/v1/rounds/{rid}/record.json")).await.value();
    assert_eq!(record["inputs"], list["inputs"], "the draw used exactly the list published at closing");
    assert!(record["result"]["assignments"][0].get("draw_number").is_some());
    let texts = public_round_texts(&anon, rid).await;
    assert_eq!(texts.len(), 7, "every public page and file of the round answers");
    no_one_named(&texts);
    let line = anon.get(&format!("/api/v1/rounds/{rid}/list/{}", numbers[0])).await.value();
    assert_eq!(line["result"]["draw_number"], numbers[0]);

    let verify_file = |record: &Value, name: &str| {
        let file = app.state.config.data_dir.join(name);
        std::fs::create_dir_all(&app.state.config.data_dir).unwrap();
        std::fs::write(&file, serde_json::to_vec(record).unwrap()).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tangui"))
            .args(["verify-round", "--file", file.to_str().unwrap()])
            .env("RUST_LOG", "error")
            .env("TANGUI_DATA_DIR", &app.state.config.data_dir)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
    };
    let (ok, said) = verify_file(&record, "record.json");
    assert!(ok && said.starts_with("MATCH") && said.contains("tangui-rsd-v2"), "{said}");
    // Another outside value is another draw. With three applicants two values can give the same
    // order (1 in 6), so the check looks across a dozen values: several must differ, and a record
    // carrying one that does is refused.
    let r: common::allocation::DrawRecord = serde_json::from_value(record.clone()).unwrap();
    let others: Vec<String> = (1..=12).map(|k| format!("07 31 {:02}", 58 + k)).collect();
    let differing: Vec<&String> = others
        .iter()
        .filter(|v| common::allocation::draw(&r.inputs, &r.seed, Some(v)).unwrap().order != r.result.order)
        .collect();
    assert!(differing.len() >= 3, "{} of 12 values changed the draw", differing.len());
    let mut other_value = record.clone();
    other_value["outside_value"] = json!(differing[0]);
    let (ok, said) = verify_file(&other_value, "other.json");
    assert!(!ok && said.starts_with("MISMATCH"), "{said}");
    // A record drawn with tangui-rsd-v1 (before outside values and draw numbers) still verifies.
    let vectors: Value = serde_json::from_str(include_str!("../../../docs/draw-vectors.json")).unwrap();
    let v1 =
        vectors["vectors"].as_array().unwrap().iter().find(|v| v["record"]["algorithm"] == "tangui-rsd-v1").unwrap();
    let (ok, said) = verify_file(&v1["record"], "v1.json");
    assert!(ok && said.contains("tangui-rsd-v1"), "{said}");
    assert!(backend::services::rounds::verify_record(&v1["record"]).is_ok());
});

api_test!(the_round_list_pages_from_the_rounds_columns, |app| {
    let app = app.with_demo().await;
    let (sm, _) = zones(&app).await;
    let admin = app.admin().await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(admin.post("/api/v1/rounds", &round_body(&sm, 0)).await.value()["id"].as_i64().unwrap());
    }
    let anon = app.anon();
    let first = anon.get("/api/v1/rounds?limit=2").await.value();
    let got: Vec<i64> = first.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(got, [ids[4], ids[3]], "newest first, two a page");
    let next = anon.get(&format!("/api/v1/rounds?limit=2&before={}", ids[3])).await.value();
    let got: Vec<i64> = next.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(got, [ids[2], ids[1]]);
    assert!(
        first[0]["zones"].as_array().unwrap().len() == sm.len() && first[0]["results"].as_array().unwrap().is_empty()
    );
});
