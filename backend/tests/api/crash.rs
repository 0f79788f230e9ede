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
    let admin = Actor { user_id: admin_id, role: Role::CityAdmin, district: None, session_id: 0 };
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
    };
    let round = rounds::create(&app.state, &admin, input).await.unwrap().id;
    rounds::open(&app.state, &admin, round).await.unwrap();
    rounds::close(&app.state, &admin, round).await.unwrap();
    let before = footprint(&app, round).await;
    assert_eq!(before.0, "closed");

    // The CLI draw in its own process, killed once it reports written rows.
    let cfg = &app.state.config;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tangui"))
        .args(["draw-round", &round.to_string()])
        .env("DATABASE_URL", &cfg.database_url)
        .env("TANGUI_DATA_DIR", &cfg.data_dir)
        .env("TANGUI_SECRET_KEY", "test-secret")
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
    let drawn = rounds::draw(&app.state, &admin, round, app.state.draws.clone()).await.unwrap();
    assert_eq!(drawn.results.len(), APPLICANTS);
    let after = footprint(&app, round).await;
    assert_eq!((after.0.as_str(), after.1 - before.1), ("drawn", APPLICANTS as i64));
    let verified = app.state.db.run(move |c| rounds::verify(c, round)).await.unwrap();
    assert_eq!(verified, Ok(()));
});
