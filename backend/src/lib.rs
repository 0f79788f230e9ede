//! Tangui server: the HTTP API over SQLite or PostgreSQL, and the `tangui` command line.

pub mod app;
pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod controllers;
pub mod db;
pub mod error;
pub mod extract;
pub mod files;
pub mod jobs;
pub mod models;
pub mod pdf;
pub mod router;
pub mod seed;
pub mod services;
pub mod vault;
pub mod web;
pub mod zone_cache;

use std::sync::Arc;

use app::{App, AppState};
use config::Config;
use db::Db;

/// Opens (and migrates) the database and assembles the application state.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    let url = config.database_url.clone();
    let pool = config.db_pool_size;
    let db = tokio::task::spawn_blocking(move || Db::open(&url, pool)).await??;
    db.run(|c| Ok(models::calendar::seed_official_if_empty(c)?)).await?;
    db.run(|c| services::policy::seed_if_empty(c).map_err(error::AppError::Internal)).await?;
    let vault = Arc::new(vault::keyring_for(&config)?);
    // Rows written before personal data was sealed are sealed now (once; later starts find none).
    let v = vault.clone();
    let sealed = db.run(move |c| services::sealing::reseal(c, &v, services::sealing::Which::Plain)).await?;
    if sealed.rows > 0 {
        tracing::info!(rows = sealed.rows, "personal data written before sealing is now sealed");
    }
    let draws = Arc::new(services::rounds::ProgressBoard::new(&db));
    Ok(AppState(Arc::new(App {
        sender: services::sms::sender_for(&config.sms),
        config,
        db,
        hasher: auth::password::Hasher::new(),
        vault,
        zone_cache: Default::default(),
        draws,
        instance: format!("{}-{}", std::process::id(), auth::rand_bytes::random_hex(3)),
    })))
}

/// Serves the router on a bound listener: client addresses for throttling, and `TCP_NODELAY` so a
/// response's last segment is not held back by Nagle's algorithm waiting for a delayed ACK.
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await
}
