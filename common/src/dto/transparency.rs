//! What the city publishes so that outsiders can hold it to its records.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The audit log's head on a day: how many records it had and the hash of the last one. Anyone who
/// keeps a copy can later check that the log was not rewritten (`tangui verify-audit --heads`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditHead {
    /// Xiamen date.
    pub day: NaiveDate,
    pub at: NaiveDateTime,
    pub records: i64,
    /// SHA-256 of the last record (its `hash`), hex.
    pub head: String,
}
