//! `tangui backup` and `tangui restore`: everything comes back — accounts that can sign in,
//! permits, uploaded evidence and an intact audit chain — and a restore never overwrites data.

use crate::api_test;
use crate::util::*;
use axum::http::Method;
use common::District;
use diesel::prelude::*;

/// An empty place to restore into: a new SQLite file, or a new PostgreSQL database holding the
/// same schema name the test app uses. Returns (DATABASE_URL, database to drop afterwards).
fn empty_target(app: &TestApp, dir: &std::path::Path) -> (String, Option<String>) {
    match app.backend {
        Backend::Sqlite => (format!("sqlite://{}", dir.join("restored.db").display()), None),
        Backend::Postgres => {
            let base = pg_url().unwrap();
            let name = format!("restore_{}", backend::auth::rand_bytes::random_hex(5));
            let mut c = diesel::PgConnection::establish(&base).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut c).unwrap();
            let (head, query) = app.state.config.database_url.split_once('?').unwrap();
            let server = &head[..head.rfind('/').unwrap()];
            (format!("{server}/{name}?{query}"), Some(name))
        }
    }
}

api_test!(a_backup_restores_everything_and_never_overwrites, |app| {
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let officer = app.officer(District::Siming).await;
    let photo = officer
        .raw(
            Method::POST,
            "/api/v1/evidence",
            Some("application/octet-stream"),
            crate::applications::JPEG.to_vec(),
            true,
        )
        .await;
    photo.assert_status(201);
    // An inspection with the photo: an audited change that the chain must carry over.
    let body = serde_json::json!({ "permit_id": permit, "checklist": [{ "id": "clear-paths", "ok": false }],
        "notes": "夜市巡查", "violations": ["V-PATHS"], "evidence_ids": [photo.value()["id"]] });
    officer.post("/api/v1/inspections", &body).await.assert_status(201);
    let login = vendor.get("/api/v1/me").await.value()["login"].as_str().unwrap().to_string();
    let before = vendor.get(&format!("/api/v1/permits/{permit}")).await.text();

    let dir = std::env::temp_dir().join(format!("tangui-backup-test-{}", backend::auth::rand_bytes::random_hex(5)));
    let out = dir.join("backup");
    let config = app.state.config.clone();
    let o = out.clone();
    let manifest = tokio::task::spawn_blocking(move || backend::backup::backup(&config, &o)).await.unwrap().unwrap();
    // The photo: a file with SQLite, a row of `stored_files` with PostgreSQL.
    let in_db: i64 = manifest.counts.iter().find(|(t, _)| t == "stored_files").map(|c| c.1).unwrap_or(0);
    assert_eq!(manifest.uploads as i64 + in_db, 1, "{manifest:?}");
    assert!(manifest.audit_records > 0);
    assert!(manifest.counts.iter().any(|(t, n)| t == "permits" && *n == 1), "{:?}", manifest.counts);
    // A second backup into the same directory is refused rather than mixed in.
    let config = app.state.config.clone();
    let o = out.clone();
    assert!(tokio::task::spawn_blocking(move || backend::backup::backup(&config, &o)).await.unwrap().is_err());

    let (url, drop_db) = empty_target(&app, &dir);
    let mut target = app.state.config.clone();
    target.database_url = url.clone();
    target.data_dir = dir.join("restored-data");
    let (t, o) = (target.clone(), out.clone());
    tokio::task::spawn_blocking(move || backend::backup::restore(&t, &o)).await.unwrap().unwrap();
    // Restoring again onto what is now a full database is refused.
    let (t, o) = (target.clone(), out.clone());
    assert!(tokio::task::spawn_blocking(move || backend::backup::restore(&t, &o)).await.unwrap().is_err());

    let restored = app.on_database(url, dir.join("restored-data")).await;
    let again = restored.anon();
    again.login(&login, PASSWORD).await;
    assert_eq!(again.get(&format!("/api/v1/permits/{permit}")).await.text(), before);
    let evidence: String = restored
        .state
        .db
        .run(|c| {
            use backend::db::schema::evidence;
            Ok(evidence::table.select(evidence::sha256).first(c)?)
        })
        .await
        .unwrap();
    assert_eq!(
        backend::files::read(&restored.state, &evidence).await.unwrap(),
        crate::applications::stored_photo().await
    );
    let chain = restored.state.db.run(|c| Ok(backend::models::audit::verify_chain(c)?)).await.unwrap();
    assert_eq!(chain, backend::models::audit::ChainCheck::Intact { records: manifest.audit_records });

    drop(restored);
    if let Some(name) = drop_db {
        let mut c = diesel::PgConnection::establish(&pg_url().unwrap()).unwrap();
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut c).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
});
