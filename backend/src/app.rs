//! Shared application state.

use std::sync::Arc;

use crate::auth::password::Hasher;
use crate::config::Config;
use crate::db::Db;

pub struct App {
    pub config: Config,
    pub db: Db,
    pub hasher: Hasher,
    /// Seals and opens personal data; the key lives outside the database.
    pub vault: Arc<crate::vault::Keyring>,
    /// Public zone list and GeoJSON, rebuilt when zone data changes.
    pub zone_cache: crate::zone_cache::ZoneCache,
    /// Progress of draws running on this instance.
    pub draws: Arc<crate::services::rounds::ProgressBoard>,
    /// Names this server process in job claims and outbox claims.
    pub instance: String,
    /// Hands text messages to the gateway (or to the log when none is configured).
    pub sender: Arc<dyn crate::services::sms::Sender>,
}

/// Cheap to clone; handlers receive it with `State(state): State<AppState>`.
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}
