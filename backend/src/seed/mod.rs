//! Demo data (only ever written by `seed-demo` or `serve --demo`, never by a production start)
//! and the first admin account.

mod accounts;

use crate::app::AppState;
use crate::error::AppResult;

pub use accounts::{DEMO_LOGINS, create_admin};

/// Fills an empty database with the demo data. Returns a report, or `None` when the database
/// already holds zones (so a second start changes nothing).
pub async fn seed_demo(state: &AppState) -> AppResult<Option<String>> {
    let has_accounts = state.db.run(|c| accounts::demo_accounts_exist(c)).await?;
    let mut report = Vec::new();
    if !has_accounts {
        let n = accounts::seed_accounts(state).await?;
        report.push(format!("demo accounts: {n}"));
    }
    if report.is_empty() { Ok(None) } else { Ok(Some(report.join("\n"))) }
}
