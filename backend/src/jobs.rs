//! Scheduled work that runs inside the server. Each job is idempotent and makes each change with a
//! conditional update, so several instances running it at once still change (and audit) once.

use std::time::Duration;

use crate::app::AppState;

/// Runs the jobs now and then every `every`.
pub fn spawn(state: AppState, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            run_once(&state).await;
        }
    });
}

pub async fn run_once(state: &AppState) {
    match crate::services::offers::expire_due(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(expired = n, "stall offers expired and passed down the waiting list"),
        Err(e) => tracing::warn!(error = %e, "expiring offers failed"),
    }
    match crate::services::zones::close_expired(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(closed = n, "temporary meal points closed at their end date"),
        Err(e) => tracing::warn!(error = %e, "closing expired temporary zones failed"),
    }
}
