//! Crash safety: the `tangui draw-round` process is killed with SIGKILL while it writes the draw's
//! results. Afterwards the round is exactly as it was before the draw (closed, no positions, no
//! allocations, no offers), the audit chain verifies, and the draw then runs to the same kind of
//! result it would have had.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::api_test;
use crate::util::*;
use backend::auth::Actor;
use backend::services::rounds;
use common::Role;
use common::dto::rounds::RoundInput;
use diesel::prelude::*;
use serde_json::{Value, json};

const APPLICANTS: usize = 10_000;

/// Eligible applications for daily goods in every zone that sells them, inserted in bulk.
async fn eligible_applicants(app: &TestApp) {
    app.state
        .db
        .write(|c| {
            use backend::db::schema::{users, zones};
            let now = backend::clock::now();
            let daily: Vec<i64> = zones::table
                .filter(zones::categories.like("%daily_goods%"))
                .order(zones::id.asc())
                .select(zones::id)
                .load(c)?;
            for chunk in (0..APPLICANTS).collect::<Vec<_>>().chunks(1000) {
                let rows: Vec<String> = chunk
                    .iter()
                    .map(|i| format!("('vendor', '1770{i:07}', '摊主{i}', '1770{i:07}', 'x', false, '{now}', '{now}')"))
                    .collect();
                diesel::sql_query(format!(
                    "INSERT INTO users (role, login, display_name, phone, password_hash, disabled, created_at, password_changed_at) VALUES {}",
                    rows.join(",")
                ))
                .execute(c)?;
            }
            let ids: Vec<i64> =
                users::table.filter(users::login.like("1770%")).order(users::id.asc()).select(users::id).load(c)?;
            for (n, chunk) in ids.chunks(1000).enumerate() {
                let rows: Vec<String> = chunk
                    .iter()
                    .enumerate()
                    .map(|(k, uid)| {
                        let first = (n * 1000 + k) % daily.len();
                        let prefs: Vec<i64> = (0..3).map(|j| daily[(first + j) % daily.len()]).collect();
                        format!(
                            "({uid}, 'eligible', 'daily_goods', '{}', '[]', '', '350203', '{now}', '', '[]', 1, '{now}', '{now}')",
                            serde_json::to_string(&prefs).unwrap()
                        )
                    })
                    .collect();
                diesel::sql_query(format!(
                    "INSERT INTO stall_applications (applicant_id, status, category, preferences, priority_groups, note, district_code, submitted_at, decision_reason, return_items, version, created_at, updated_at) VALUES {}",
                    rows.join(",")
                ))
                .execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// (round status, applications with a draw position, allocated or waitlisted, offers, occupied stalls)
async fn footprint(app: &TestApp, round: i64) -> (String, i64, i64, i64, i64) {
    app.state
        .db
        .run(move |c| {
            use backend::db::schema::{allocation_rounds as r, offers, stall_applications as a, stalls};
            Ok((
                r::table.find(round).select(r::status).first(c)?,
                a::table.filter(a::draw_position.is_not_null()).count().get_result(c)?,
                a::table.filter(a::status.eq_any(["allocated", "waitlisted"])).count().get_result(c)?,
                offers::table.count().get_result(c)?,
                stalls::table.filter(stalls::state.eq("occupied")).count().get_result(c)?,
            ))
        })
        .await
        .unwrap()
}

api_test!(a_draw_killed_midway_leaves_no_trace_and_runs_again, |app| {
    let app = app.with_demo().await;
    eligible_applicants(&app).await;
    let admin_id = app.create_user(Role::CityAdmin, "crash_admin", None).await;
    let admin = Actor { user_id: admin_id, role: Role::CityAdmin, district: None, session_id: 0, assisted_by: None };
    let zone_ids: Vec<i64> = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::zones;
            Ok(zones::table.order(zones::id.asc()).select(zones::id).load(c)?)
        })
        .await
        .unwrap();
    let input = RoundInput {
        name: "断电测试批次".into(),
        zone_ids,
        opens_at: backend::clock::now(),
        closes_at: backend::clock::now() + chrono::Duration::days(14),
        reserved_percent: 10,
        notice_days: 0,
        offer_days: 5,
        outside_source: "摇号现场三名见证人各摇出的两位数号码".into(),
    };
    let round = rounds::create(&app.state, &admin, input).await.unwrap().id;
    rounds::open(&app.state, &admin, round).await.unwrap();
    rounds::close(&app.state, &admin, round).await.unwrap();
    let before = footprint(&app, round).await;
    assert_eq!(before.0, "closed");

    // The CLI draw in its own process, killed once it reports written rows.
    let cfg = &app.state.config;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tangui"))
        .args(["draw-round", &round.to_string(), "--outside-value", "07 31 58"])
        .env("DATABASE_URL", &cfg.database_url)
        .env("TANGUI_DATA_DIR", &cfg.data_dir)
        .env("TANGUI_SECRET_KEY", crate::util::TEST_KEY)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let killed_at = tokio::task::spawn_blocking(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // "  writing 2000/10000": part of the results are written inside the transaction.
            if let Some(rest) = line.trim().strip_prefix("writing ")
                && rest.split('/').next().and_then(|d| d.parse::<usize>().ok()).is_some_and(|d| d > 0)
            {
                child.kill().unwrap(); // SIGKILL
                let _ = child.wait();
                return Some(line);
            }
        }
        let _ = child.wait();
        None
    })
    .await
    .unwrap();
    assert!(killed_at.is_some(), "the draw finished before it could be killed; raise APPLICANTS");

    // Nothing of the draw survived, and the log of what did happen is intact.
    assert_eq!(footprint(&app, round).await, before, "killed at {killed_at:?}");
    let chain = app.state.db.run(|c| Ok(backend::models::audit::verify_chain(c)?)).await.unwrap();
    assert!(matches!(chain, backend::models::audit::ChainCheck::Intact { .. }), "{chain:?}");

    // The round can simply be drawn again, and its published inputs reproduce the result.
    let drawn = rounds::draw(
        &app.state,
        &admin,
        round,
        common::dto::rounds::DrawInput { outside_value: "07 31 58".into() },
        app.state.draws.clone(),
    )
    .await
    .unwrap();
    assert_eq!(drawn.results.len(), APPLICANTS);
    let after = footprint(&app, round).await;
    assert_eq!((after.0.as_str(), after.1 - before.1), ("drawn", APPLICANTS as i64));
    let verified = app.state.db.run(move |c| rounds::verify(c, round)).await.unwrap();
    assert_eq!(verified, Ok(()));
});

const RUSH_VENDORS: usize = 240;
const KILL_AFTER_SUBMITS: usize = 60;

/// Vendors each with a live session (as if they had signed in): (user id, session token).
async fn signed_in_vendors(app: &TestApp, n: usize) -> Vec<(i64, String)> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let id = app.create_user(Role::Vendor, &format!("1761{i:07}"), None).await;
        let token = backend::auth::new_token();
        let hash = backend::auth::token_hash(&token);
        app.state
            .db
            .run(move |c| {
                let now = backend::clock::now();
                Ok(backend::models::session::Session::create(
                    c,
                    id,
                    &hash,
                    now,
                    chrono::Duration::hours(1),
                    "127.0.0.1",
                    "test",
                    false,
                )?)
            })
            .await
            .unwrap();
        out.push((id, token));
    }
    out
}

pub type Http = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Full<bytes::Bytes>,
>;

async fn post(http: &Http, url: String, token: &str, content_type: &str, body: Vec<u8>) -> Option<(u16, Value)> {
    let req = hyper::Request::post(url)
        .header("content-type", content_type)
        .header("cookie", format!("tangui_session={token}; tangui_csrf=crash"))
        .header("x-csrf-token", "crash")
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .ok()?;
    let res = http.request(req).await.ok()?;
    let status = res.status().as_u16();
    let body = http_body_util::BodyExt::collect(res.into_body()).await.ok()?.to_bytes();
    Some((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

/// `tangui serve` as its own process on the test's database.
pub fn serve(app: &TestApp, port: u16, env: &[(&str, &str)]) -> std::process::Child {
    let cfg = &app.state.config;
    Command::new(env!("CARGO_BIN_EXE_tangui"))
        .arg("serve")
        .env("DATABASE_URL", &cfg.database_url)
        .env("TANGUI_DATA_DIR", &cfg.data_dir)
        .env("TANGUI_BIND", format!("127.0.0.1:{port}"))
        .env("TANGUI_DIST", std::env::temp_dir().join("tangui-no-dist"))
        .env("TANGUI_SECRET_KEY", crate::util::TEST_KEY)
        .env("TANGUI_JOBS", "false")
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

pub async fn wait_up(http: &Http, base: &str) {
    for _ in 0..300 {
        if http.get(format!("{base}/api/v1/health").parse().unwrap()).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("tangui serve did not come up at {base}");
}

/// What the rush's vendors have in the database: (application id, status, document rows).
async fn stored_applications(app: &TestApp) -> Vec<(i64, String, i64)> {
    app.state
        .db
        .run(|c| {
            use backend::db::schema::{application_documents as d, stall_applications as a, users};
            // The rush's vendors are the only vendors of this test's database.
            let mine = users::table.filter(users::role.eq("vendor")).select(users::id);
            let rows: Vec<(i64, String)> =
                a::table.filter(a::applicant_id.eq_any(mine)).select((a::id, a::status)).load(c)?;
            let mut out = Vec::new();
            for (id, status) in rows {
                let docs: i64 = d::table.filter(d::application_id.eq(id)).count().get_result(c)?;
                out.push((id, status, docs));
            }
            Ok(out)
        })
        .await
        .unwrap()
}

api_test!(a_server_killed_during_the_application_rush_keeps_every_acknowledged_application, |app| {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::{Arc, Mutex};

    let app = app.with_demo().await;
    let (zones, _) = crate::applications::zones(&app).await;
    let vendors = signed_in_vendors(&app, RUSH_VENDORS).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let http: Http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let mut server = serve(&app, port, &[]);
    wait_up(&http, &base).await;

    // Every vendor creates, uploads an ID card and submits; the server is SIGKILLed as soon as
    // enough submits have been acknowledged, with the rest of the rush in flight.
    let created: Arc<Mutex<BTreeMap<i64, i64>>> = Arc::default();
    let submitted: Arc<Mutex<BTreeSet<i64>>> = Arc::default();
    let enough = Arc::new(tokio::sync::Notify::new());
    let gate = Arc::new(tokio::sync::Semaphore::new(24));
    let mut tasks = tokio::task::JoinSet::new();
    for (uid, token) in vendors {
        let (http, base, created, submitted, enough, gate) =
            (http.clone(), base.clone(), created.clone(), submitted.clone(), enough.clone(), gate.clone());
        let body = json!({ "input": { "category": "cooked_food", "preferences": zones } }).to_string().into_bytes();
        tasks.spawn(async move {
            let _turn = gate.acquire_owned().await.unwrap();
            let Some((201, v)) =
                post(&http, format!("{base}/api/v1/applications"), &token, "application/json", body).await
            else {
                return;
            };
            let id = v["id"].as_i64().unwrap();
            created.lock().unwrap().insert(id, uid);
            for (kind, bytes) in
                [("id_card", crate::applications::JPEG), ("health_certificate", crate::applications::PDF)]
            {
                let url = format!("{base}/api/v1/applications/{id}/documents?kind={kind}&filename=f");
                let Some((201, _)) = post(&http, url, &token, "application/octet-stream", bytes.to_vec()).await else {
                    return;
                };
            }
            let url = format!("{base}/api/v1/applications/{id}/submit");
            if let Some((200, v)) = post(&http, url, &token, "application/json", b"{}".to_vec()).await {
                assert_eq!(v["status"], "submitted");
                let mut s = submitted.lock().unwrap();
                s.insert(id);
                if s.len() >= KILL_AFTER_SUBMITS {
                    enough.notify_one();
                }
            }
        });
    }
    enough.notified().await;
    server.kill().unwrap(); // SIGKILL
    let _ = server.wait();
    while tasks.join_next().await.is_some() {}
    let created = created.lock().unwrap().clone();
    let submitted = submitted.lock().unwrap().clone();
    assert!(submitted.len() >= KILL_AFTER_SUBMITS);
    assert!(created.len() < RUSH_VENDORS, "the rush finished before the kill; add vendors");

    // Restarted on the same data, the server answers, and every acknowledged write is there.
    let mut server = serve(&app, port, &[]);
    wait_up(&http, &base).await;
    let stored = stored_applications(&app).await;
    server.kill().unwrap();
    let _ = server.wait();
    let by_id: BTreeMap<i64, (String, i64)> = stored.iter().map(|(id, s, d)| (*id, (s.clone(), *d))).collect();
    for id in created.keys() {
        assert!(by_id.contains_key(id), "acknowledged application {id} is missing after the crash");
    }
    for id in &submitted {
        assert_eq!(by_id[id], ("submitted".to_string(), 2), "acknowledged submit of {id}");
    }
    // Nothing half-done: every stored application is a draft or a complete submission, and the
    // ones not acknowledged are only those whose answer the kill cut off.
    for (id, (status, docs)) in &by_id {
        assert!(
            status == "draft" || (status == "submitted" && *docs == 2),
            "application {id} is {status} with {docs} documents"
        );
    }
    assert!(by_id.len() <= created.len() + 24, "more applications than requests in flight could explain");
    let ids: Vec<String> = by_id.keys().map(|id| id.to_string()).collect();
    let submitted_audit = app
        .state
        .db
        .run(move |c| {
            use backend::db::schema::audit_log as l;
            let q = l::table.filter(l::action.eq("application.submitted").and(l::entity_id.eq_any(ids)));
            Ok(q.count().get_result::<i64>(c)?)
        })
        .await
        .unwrap();
    let stored_submitted = by_id.values().filter(|(s, _)| s == "submitted").count() as i64;
    assert_eq!(submitted_audit, stored_submitted, "every submission has its audit record and no other");
    let chain = app.state.db.run(|c| Ok(backend::models::audit::verify_chain(c)?)).await.unwrap();
    assert!(matches!(chain, backend::models::audit::ChainCheck::Intact { .. }), "{chain:?}");
});
