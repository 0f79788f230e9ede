use chrono::{Duration, NaiveDateTime};
use common::{District, Role};
use diesel::prelude::*;

use crate::auth::Actor;
use crate::db::DbConn;
use crate::db::schema::{sessions, users};

pub struct Session;

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        conn: &mut DbConn,
        user_id: i64,
        token_hash: &str,
        now: NaiveDateTime,
        max_age: Duration,
        client_ip: &str,
        user_agent: &str,
    ) -> QueryResult<i64> {
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash),
                sessions::user_id.eq(user_id),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(now + max_age),
                sessions::client_ip.eq(client_ip),
                sessions::user_agent.eq(user_agent.chars().take(200).collect::<String>()),
            ))
            .returning(sessions::id)
            .get_result(conn)
    }

    /// The actor behind a token hash, if the session is live (not idle too long, not past its
    /// absolute expiry, account enabled). Refreshes `last_seen_at` at most once a minute.
    pub fn authenticate(
        conn: &mut DbConn,
        hash: &str,
        now: NaiveDateTime,
        idle: Duration,
    ) -> crate::error::AppResult<Option<Actor>> {
        let row: Option<(i64, NaiveDateTime, NaiveDateTime, i64, String, Option<String>, bool)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(hash))
            .select((
                sessions::id,
                sessions::last_seen_at,
                sessions::expires_at,
                users::id,
                users::role,
                users::district_code,
                users::disabled,
            ))
            .get_result(conn)
            .optional()?;
        let Some((sid, last_seen, expires, uid, role, district, disabled)) = row else { return Ok(None) };
        if disabled || expires <= now || last_seen + idle <= now {
            diesel::delete(sessions::table.find(sid)).execute(conn)?;
            return Ok(None);
        }
        if now - last_seen > Duration::seconds(60) {
            diesel::update(sessions::table.find(sid)).set(sessions::last_seen_at.eq(now)).execute(conn)?;
        }
        Ok(Some(Actor {
            user_id: uid,
            role: Role::parse(&role).unwrap_or(Role::Vendor),
            district: district.as_deref().and_then(District::from_code),
            session_id: sid,
        }))
    }

    pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.find(id)).execute(conn)
    }

    /// Ends every other session of the user (after a password change).
    pub fn delete_others(conn: &mut DbConn, user_id: i64, keep: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id).and(sessions::id.ne(keep)))).execute(conn)
    }
}
