//! The bare baseline of the application rush: the least a server can do for the same three
//! requests — axum and one SQLite connection (WAL, synchronous=NORMAL, as tangui runs it), none
//! of tangui's layers, checks or views. Per vendor: look the session up and insert the
//! application; write the ID image to disk and insert its row; mark it submitted and append one
//! audit row, in one transaction. Run on its own two-thread runtime, as a server process would.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

struct Baseline {
    db: Mutex<SqliteConnection>,
    files: PathBuf,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

type Shared = Arc<Baseline>;

fn user_of(c: &mut SqliteConnection, headers: &HeaderMap) -> Option<i64> {
    let cookie = headers.get("cookie")?.to_str().ok()?;
    let token = cookie.split(';').map(str::trim).find_map(|c| c.strip_prefix("tangui_session="))?;
    diesel::sql_query("SELECT user_id AS id FROM sessions WHERE token_hash = ?")
        .bind::<Text, _>(backend::auth::token_hash(token))
        .get_result::<Id>(c)
        .ok()
        .map(|r| r.id)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

async fn create(State(b): State<Shared>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    blocking(move || {
        let mut c = b.db.lock().unwrap();
        let Some(user) = user_of(&mut c, &headers) else { return (StatusCode::UNAUTHORIZED, String::new()) };
        let input = String::from_utf8_lossy(&body).to_string();
        let id = diesel::sql_query(
            "INSERT INTO applications (applicant_id, input, status, updated_at) VALUES (?, ?, 'draft', datetime('now')) RETURNING id",
        )
        .bind::<BigInt, _>(user)
        .bind::<Text, _>(input)
        .get_result::<Id>(&mut *c);
        match id {
            Ok(r) => (StatusCode::CREATED, format!("{{\"id\":{}}}", r.id)),
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, String::new()),
        }
    })
    .await
}

async fn upload(State(b): State<Shared>, UrlPath(id): UrlPath<i64>, headers: HeaderMap, body: Bytes) -> StatusCode {
    blocking(move || {
        if user_of(&mut b.db.lock().unwrap(), &headers).is_none() {
            return StatusCode::UNAUTHORIZED;
        }
        let path = b.files.join(format!("{id}-id_card.jpg"));
        if std::fs::write(&path, &body).is_err() {
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
        let mut c = b.db.lock().unwrap();
        let stored =
            diesel::sql_query("INSERT INTO documents (application_id, kind, path, size) VALUES (?, 'id_card', ?, ?)")
                .bind::<BigInt, _>(id)
                .bind::<Text, _>(path.display().to_string())
                .bind::<BigInt, _>(body.len() as i64)
                .execute(&mut *c);
        if stored.is_ok() { StatusCode::CREATED } else { StatusCode::INTERNAL_SERVER_ERROR }
    })
    .await
}

async fn submit(State(b): State<Shared>, UrlPath(id): UrlPath<i64>, headers: HeaderMap) -> StatusCode {
    blocking(move || {
        let mut c = b.db.lock().unwrap();
        let Some(user) = user_of(&mut c, &headers) else { return StatusCode::UNAUTHORIZED };
        let done = c.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::sql_query(
                "UPDATE applications SET status = 'submitted', updated_at = datetime('now') WHERE id = ? AND applicant_id = ?",
            )
            .bind::<BigInt, _>(id)
            .bind::<BigInt, _>(user)
            .execute(c)?;
            diesel::sql_query("INSERT INTO audit (subject, action, actor_id, at) VALUES (?, 'submitted', ?, datetime('now'))")
                .bind::<Text, _>(format!("application:{id}"))
                .bind::<BigInt, _>(user)
                .execute(c)?;
            Ok(())
        });
        if done.is_ok() { StatusCode::OK } else { StatusCode::INTERNAL_SERVER_ERROR }
    })
    .await
}

/// Starts the baseline on 127.0.0.1 with a session for each token; returns its base URL and the
/// thread serving it (which ends with the process).
pub fn start(dir: &Path, tokens: &[String]) -> String {
    let files = dir.join("baseline-files");
    std::fs::create_dir_all(&files).unwrap();
    let mut c = SqliteConnection::establish(&dir.join("baseline.db").display().to_string()).unwrap();
    c.batch_execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
         CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL); \
         CREATE TABLE applications (id INTEGER PRIMARY KEY, applicant_id INTEGER NOT NULL, input TEXT NOT NULL, \
           status TEXT NOT NULL, updated_at TEXT NOT NULL); \
         CREATE TABLE documents (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL, kind TEXT NOT NULL, \
           path TEXT NOT NULL, size INTEGER NOT NULL); \
         CREATE TABLE audit (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, action TEXT NOT NULL, \
           actor_id INTEGER NOT NULL, at TEXT NOT NULL);",
    )
    .unwrap();
    c.transaction::<_, diesel::result::Error, _>(|c| {
        for (i, t) in tokens.iter().enumerate() {
            diesel::sql_query("INSERT INTO sessions (token_hash, user_id) VALUES (?, ?)")
                .bind::<Text, _>(backend::auth::token_hash(t))
                .bind::<BigInt, _>(i as i64 + 1)
                .execute(c)?;
        }
        Ok(())
    })
    .unwrap();
    let state: Shared = Arc::new(Baseline { db: Mutex::new(c), files });
    let app = Router::new()
        .route("/api/v1/applications", post(create))
        .route("/api/v1/applications/{id}/documents", post(upload))
        .route("/api/v1/applications/{id}/submit", post(submit))
        .with_state(state);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{addr}")
}
