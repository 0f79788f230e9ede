use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::settings;

pub fn get(conn: &mut DbConn, key: &str) -> QueryResult<Option<String>> {
    settings::table.find(key).select(settings::value).get_result(conn).optional()
}

/// Stores `value` unless the key exists; returns the stored value either way (first writer wins,
/// so instances starting together agree).
pub fn get_or_insert(conn: &mut DbConn, key: &str, value: &str) -> QueryResult<String> {
    if let Some(v) = get(conn, key)? {
        return Ok(v);
    }
    let inserted =
        diesel::insert_into(settings::table).values((settings::key.eq(key), settings::value.eq(value))).execute(conn);
    match inserted {
        Ok(_) | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {}
        Err(e) => return Err(e),
    }
    settings::table.find(key).select(settings::value).get_result(conn)
}
