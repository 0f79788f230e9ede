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
        second_factor_pending: bool,
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
                sessions::second_factor_pending.eq(second_factor_pending),
            ))
            .returning(sessions::id)
            .get_result(conn)
    }

    /// The actor behind a token hash, if the session is live (not idle too long — `idle` for
    /// vendors and shops, `staff_idle` for officers and admins —, not past its absolute expiry,
    /// account enabled), and whether it still waits for the second factor. Refreshes
    /// `last_seen_at` at most once a minute.
    pub fn authenticate(
        conn: &mut DbConn,
        hash: &str,
        now: NaiveDateTime,
        idle: Duration,
        staff_idle: Duration,
    ) -> crate::error::AppResult<Option<(Actor, bool)>> {
        type Row = (i64, NaiveDateTime, NaiveDateTime, i64, String, Option<String>, bool, bool, Option<i64>);
        let row: Option<Row> = sessions::table
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
                sessions::second_factor_pending,
                sessions::acting_for,
            ))
            .get_result(conn)
            .optional()?;
        let Some((sid, last_seen, expires, uid, role, district, disabled, pending, acting_for)) = row else {
            return Ok(None);
        };
        let role = Role::parse(&role).unwrap_or(Role::Vendor);
        let idle = if role.is_staff() { staff_idle } else { idle };
        if disabled || expires <= now || last_seen + idle <= now {
            diesel::delete(sessions::table.find(sid)).execute(conn)?;
            return Ok(None);
        }
        if now - last_seen > Duration::seconds(60) {
            diesel::update(sessions::table.find(sid)).set(sessions::last_seen_at.eq(now)).execute(conn)?;
        }
        let actor = Actor {
            user_id: uid,
            role,
            district: district.as_deref().and_then(District::from_code),
            session_id: sid,
            assisted_by: None,
        };
        // An officer filing for someone at a counter is that person for every route, as long as
        // the account is still one the counter looks after (not taken over, not disabled).
        if let Some(person) = acting_for.filter(|_| role.is_staff() && !pending) {
            let acting = crate::services::assisted::acting_actor(conn, &actor, person)?;
            return Ok(Some((acting.unwrap_or(actor), false)));
        }
        Ok(Some((actor, pending)))
    }

    /// The second factor was given: the session goes on under a new token (the one used before
    /// the second step is worth nothing afterwards).
    pub fn complete_second_factor(conn: &mut DbConn, id: i64, new_token_hash: &str) -> QueryResult<usize> {
        diesel::update(sessions::table.find(id))
            .set((sessions::second_factor_pending.eq(false), sessions::token_hash.eq(new_token_hash)))
            .execute(conn)
    }

    /// Ends every session of the user (password reset, account disabled or moved), and every
    /// counter officer's acting for them.
    pub fn delete_all(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
        diesel::update(sessions::table.filter(sessions::acting_for.eq(user_id)))
            .set(sessions::acting_for.eq(None::<i64>))
            .execute(conn)?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    }

    /// Starts or ends acting for an account at a counter (`None` ends it).
    pub fn set_acting_for(conn: &mut DbConn, id: i64, person: Option<i64>) -> QueryResult<usize> {
        diesel::update(sessions::table.find(id)).set(sessions::acting_for.eq(person)).execute(conn)
    }

    pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.find(id)).execute(conn)
    }

    /// Ends every other session of the user (after a password change).
    pub fn delete_others(conn: &mut DbConn, user_id: i64, keep: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id).and(sessions::id.ne(keep)))).execute(conn)
    }
}
