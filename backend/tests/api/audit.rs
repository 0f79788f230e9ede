//! The audit log: append-only in the database, a hash chain that names an edited record, and
//! heads published each day that catch a log rewritten and chained again.

use crate::api_test;
use crate::util::*;
use backend::db::schema::{audit_head, audit_log};
use backend::models::audit::{self, ChainCheck, HeadsCheck, verify_chain};
use common::District;
use diesel::prelude::*;

/// What someone with the database owner's rights does first: drop the triggers that keep the
/// log append-only.
async fn drop_guards(app: &TestApp) {
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Backend::Postgres => {
            &["DROP TRIGGER audit_log_no_change ON audit_log", "DROP TRIGGER audit_log_no_truncate ON audit_log"]
        }
    };
    let statements: Vec<String> = statements.iter().map(|s| s.to_string()).collect();
    app.state
        .db
        .run(move |c| {
            for s in &statements {
                diesel::sql_query(s.as_str()).execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

async fn some_history(app: &TestApp) {
    let (_, vid) = app.vendor().await;
    app.grant_stall(vid, District::Siming).await;
    let (v2, _) = app.vendor().await;
    v2.post(
        "/api/v1/me/password",
        &serde_json::json!({ "current_password": PASSWORD, "new_password": "another-pass-2027" }),
    )
    .await
    .assert_status(204);
}

api_test!(the_server_cannot_change_or_remove_an_audit_record, |app| {
    let app = app.with_demo().await;
    some_history(&app).await;
    let before = app.count("audit_log").await;
    let update_refused = app
        .state
        .db
        .run(|c| Ok(diesel::update(audit_log::table).set(audit_log::detail.eq("{}")).execute(c).is_err()))
        .await
        .unwrap();
    assert!(update_refused, "an UPDATE of the audit log was accepted");
    let delete_refused = app.state.db.run(|c| Ok(diesel::delete(audit_log::table).execute(c).is_err())).await.unwrap();
    assert!(delete_refused, "a DELETE from the audit log was accepted");
    assert_eq!(app.count("audit_log").await, before);
    let check = app.state.db.run(|c| Ok(verify_chain(c)?)).await.unwrap();
    assert!(matches!(check, ChainCheck::Intact { .. }), "{check:?}");
});

api_test!(the_chain_names_the_first_edited_record, |app| {
    let app = app.with_demo().await;
    some_history(&app).await;
    drop_guards(&app).await;
    let target: i64 = app
        .state
        .db
        .write(|c| {
            let id: i64 = audit_log::table.order(audit_log::id.asc()).offset(2).select(audit_log::id).first(c)?;
            diesel::update(audit_log::table.find(id)).set(audit_log::detail.eq("{\"edited\":true}")).execute(c)?;
            Ok(id)
        })
        .await
        .unwrap();
    match app.state.db.run(|c| Ok(verify_chain(c)?)).await.unwrap() {
        ChainCheck::Broken { id, .. } => assert_eq!(id, target),
        other => panic!("edit not detected: {other:?}"),
    }
});

api_test!(a_log_rewritten_and_chained_again_is_caught_by_the_heads_published_before, |app| {
    let app = app.with_demo().await;
    some_history(&app).await;
    // Yesterday's head is published (the daily job), and an outsider keeps a copy of the page.
    let at = backend::clock::now();
    assert!(app.state.db.write(move |c| Ok(audit::checkpoint(c, at)?)).await.unwrap());
    assert!(!app.state.db.write(move |c| Ok(audit::checkpoint(c, at)?)).await.unwrap(), "once a day");
    let copy = app.anon().get("/api/v1/transparency/audit-heads").await;
    copy.assert_status(200);
    let published: Vec<audit::Checkpoint> = copy.json();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].records, app.count("audit_log").await);
    let agree = published.clone();
    assert_eq!(
        app.state.db.run(move |c| Ok(audit::verify_heads(c, &agree)?)).await.unwrap(),
        HeadsCheck::Agree { heads: 1 }
    );

    // Someone with the owner's rights edits the third record and chains everything after it again.
    drop_guards(&app).await;
    app.state
        .db
        .write(|c| {
            let records: Vec<audit::AuditRecord> = audit_log::table.order(audit_log::id.asc()).load(c)?;
            let mut prev = audit::GENESIS.to_string();
            for (i, r) in records.iter().enumerate() {
                let detail = if i == 2 { "{\"edited\":true}".to_string() } else { r.detail.clone() };
                let hash = audit::record_hash(&prev, r.at, r.actor_id, &r.action, &r.entity, &r.entity_id, &detail);
                diesel::update(audit_log::table.find(r.id))
                    .set((audit_log::detail.eq(&detail), audit_log::prev_hash.eq(&prev), audit_log::hash.eq(&hash)))
                    .execute(c)?;
                prev = hash;
            }
            diesel::update(audit_head::table.find(1)).set(audit_head::last_hash.eq(&prev)).execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    // The chain alone cannot tell...
    let check = app.state.db.run(|c| Ok(verify_chain(c)?)).await.unwrap();
    assert!(matches!(check, ChainCheck::Intact { .. }), "{check:?}");
    // ...the published head can, and so can the command line with the copy.
    let day = published[0].day;
    let records = published[0].records;
    let p = published.clone();
    assert_eq!(
        app.state.db.run(move |c| Ok(audit::verify_heads(c, &p)?)).await.unwrap(),
        HeadsCheck::Rewritten { day, after: 0, records }
    );
    let file = app.state.config.data_dir.join("heads.json");
    std::fs::create_dir_all(&app.state.config.data_dir).unwrap();
    std::fs::write(&file, &copy.body).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tangui"))
        .args(["verify-audit", "--heads", file.to_str().unwrap()])
        .env("DATABASE_URL", &app.state.config.database_url)
        .env("TANGUI_DATA_DIR", &app.state.config.data_dir)
        .env("TANGUI_SECRET_KEY", TEST_KEY)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("audit log REWRITTEN") && said.contains(&day.to_string()), "{said}");
});
