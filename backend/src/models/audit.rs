//! The append-only audit log. Each record carries the hash of the one before it, so editing or
//! deleting any record breaks the chain at that point, which `tangui verify-audit` reports.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::schema::{audit_head, audit_log};
use crate::db::{DbConn, DbKind, kind_of};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What a record's hash covers: everything but its id and its own hash.
pub fn record_hash(
    prev: &str,
    at: NaiveDateTime,
    actor: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        &actor.map(|a| a.to_string()).unwrap_or_default(),
        action,
        entity,
        entity_id,
        detail,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

#[derive(QueryableByName)]
struct Head {
    #[diesel(sql_type = diesel::sql_types::Text)]
    last_hash: String,
}

/// Appends a record. Call inside the transaction that makes the change, so both commit or neither.
pub fn record(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: serde_json::Value,
) -> QueryResult<()> {
    // Serialise writers on the head row so the chain stays linear (SQLite already holds the
    // write lock here, see db::write_tx).
    let lock = match kind_of(conn) {
        DbKind::Postgres => "SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
        DbKind::Sqlite => "SELECT last_hash FROM audit_head WHERE id = 1",
    };
    let prev = diesel::sql_query(lock).get_result::<Head>(conn)?.last_hash;
    let detail = detail.to_string();
    let hash = record_hash(&prev, at, actor_id, action, entity, entity_id, &detail);
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(actor_id),
            audit_log::action.eq(action),
            audit_log::entity.eq(entity),
            audit_log::entity_id.eq(entity_id),
            audit_log::detail.eq(&detail),
            audit_log::prev_hash.eq(&prev),
            audit_log::hash.eq(&hash),
        ))
        .execute(conn)?;
    diesel::update(audit_head::table.find(1)).set(audit_head::last_hash.eq(&hash)).execute(conn)?;
    Ok(())
}

/// The result of checking the whole chain.
#[derive(Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact { records: u64 },
    Broken { id: i64, reason: String },
}

pub fn verify_chain(conn: &mut DbConn) -> QueryResult<ChainCheck> {
    let mut prev = GENESIS.to_string();
    let mut last_id = 0i64;
    let mut count = 0u64;
    loop {
        let batch: Vec<AuditRecord> =
            audit_log::table.filter(audit_log::id.gt(last_id)).order(audit_log::id.asc()).limit(5000).load(conn)?;
        if batch.is_empty() {
            break;
        }
        for r in batch {
            if r.prev_hash != prev {
                return Ok(ChainCheck::Broken {
                    id: r.id,
                    reason: "prev_hash does not match the record before it (a record was removed or reordered)".into(),
                });
            }
            let expect = record_hash(&r.prev_hash, r.at, r.actor_id, &r.action, &r.entity, &r.entity_id, &r.detail);
            if expect != r.hash {
                return Ok(ChainCheck::Broken {
                    id: r.id,
                    reason: "content does not match its hash (the record was edited)".into(),
                });
            }
            prev = r.hash;
            last_id = r.id;
            count += 1;
        }
    }
    let head: String = audit_head::table.find(1).select(audit_head::last_hash).get_result(conn)?;
    if head != prev {
        return Ok(ChainCheck::Broken { id: last_id + 1, reason: "the newest record(s) were removed".into() });
    }
    Ok(ChainCheck::Intact { records: count })
}

/// The history of one case, oldest first.
pub fn history(conn: &mut DbConn, entity: &str, entity_id: &str) -> QueryResult<Vec<AuditRecord>> {
    audit_log::table
        .filter(audit_log::entity.eq(entity).and(audit_log::entity_id.eq(entity_id)))
        .order(audit_log::id.asc())
        .load(conn)
}

/// A case's history as its applicant or holder sees it: what happened, when, and the role of
/// who did it (never the officer's name), with the reason and items given.
pub fn case_events(conn: &mut DbConn, entity: &str, id: i64) -> QueryResult<Vec<common::dto::applications::CaseEvent>> {
    use crate::db::schema::users;
    let records = history(conn, entity, &id.to_string())?;
    let actor_ids: Vec<i64> = records.iter().filter_map(|r| r.actor_id).collect();
    let roles: std::collections::HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&actor_ids))
        .select((users::id, users::role))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(records
        .into_iter()
        .map(|r| {
            let detail: serde_json::Value = serde_json::from_str(&r.detail).unwrap_or_default();
            common::dto::applications::CaseEvent {
                at: r.at,
                action: r.action,
                by: if detail.get("assisted_by").is_some() {
                    "counter".into()
                } else {
                    r.actor_id.and_then(|a| roles.get(&a).cloned()).unwrap_or_else(|| "system".into())
                },
                reason: detail["reason"].as_str().filter(|s| !s.is_empty()).map(str::to_string),
                items: serde_json::from_value(detail["items"].clone()).unwrap_or_default(),
            }
        })
        .collect())
}

/// Done at a service counter for the account (代办): the record says so, and by which officer
/// (the case history then shows it as done at the counter).
pub fn noting_counter(actor: &crate::auth::Actor, mut detail: serde_json::Value) -> serde_json::Value {
    if let (Some(by), Some(d)) = (actor.assisted_by, detail.as_object_mut()) {
        d.insert("assisted_by".into(), serde_json::json!(by));
    }
    detail
}

/// One record for [`record_many`].
pub struct NewRecord {
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: serde_json::Value,
}

/// Appends many records at once (a draw touches every applicant): one lock on the chain head,
/// hashes chained in memory, rows inserted in batches.
pub fn record_many(conn: &mut DbConn, at: NaiveDateTime, records: Vec<NewRecord>) -> QueryResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    let lock = match kind_of(conn) {
        DbKind::Postgres => "SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
        DbKind::Sqlite => "SELECT last_hash FROM audit_head WHERE id = 1",
    };
    let mut prev = diesel::sql_query(lock).get_result::<Head>(conn)?.last_hash;
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let detail = r.detail.to_string();
        let hash = record_hash(&prev, at, r.actor_id, &r.action, &r.entity, &r.entity_id, &detail);
        rows.push((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(r.actor_id),
            audit_log::action.eq(r.action),
            audit_log::entity.eq(r.entity),
            audit_log::entity_id.eq(r.entity_id),
            audit_log::detail.eq(detail),
            audit_log::prev_hash.eq(prev),
            audit_log::hash.eq(hash.clone()),
        ));
        prev = hash;
    }
    for chunk in rows.chunks(500) {
        match conn {
            crate::db::DbConn::Pg(c) => {
                diesel::insert_into(audit_log::table).values(chunk).execute(c)?;
            }
            crate::db::DbConn::Sqlite(c) => {
                diesel::insert_into(audit_log::table).values(chunk).execute(c)?;
            }
        }
    }
    diesel::update(audit_head::table.find(1)).set(audit_head::last_hash.eq(&prev)).execute(conn)?;
    Ok(())
}

/// The chain's head at a moment, as the transparency page publishes it.
pub type Checkpoint = common::dto::transparency::AuditHead;

/// Writes today's checkpoint (once a day, whichever instance comes first): how many records the
/// log has and the hash of the last one. Returns whether one was written.
pub fn checkpoint(conn: &mut DbConn, at: NaiveDateTime) -> QueryResult<bool> {
    use crate::db::schema::audit_checkpoints as cp;
    let day = crate::clock::xiamen_date(at);
    if cp::table.filter(cp::day.eq(day)).count().get_result::<i64>(conn)? > 0 {
        return Ok(false);
    }
    let records: i64 = audit_log::table.count().get_result(conn)?;
    let head: String = audit_head::table.find(1).select(audit_head::last_hash).get_result(conn)?;
    let r = diesel::insert_into(cp::table)
        .values((cp::at.eq(at), cp::day.eq(day), cp::records.eq(records), cp::head.eq(head)))
        .execute(conn);
    match r {
        Ok(_) => Ok(true),
        // Another instance wrote today's at the same moment.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Published checkpoints, newest first.
pub fn checkpoints(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Checkpoint>> {
    use crate::db::schema::audit_checkpoints as cp;
    let rows: Vec<(NaiveDateTime, chrono::NaiveDate, i64, String)> =
        cp::table.order(cp::day.desc()).limit(limit).select((cp::at, cp::day, cp::records, cp::head)).load(conn)?;
    Ok(rows.into_iter().map(|(at, day, records, head)| Checkpoint { at, day, records, head }).collect())
}

/// What the log says against heads published earlier.
#[derive(Debug, PartialEq, Eq)]
pub enum HeadsCheck {
    /// Every published head is in the log, where it was.
    Agree { heads: usize },
    /// The log no longer holds the head published on `day`: it was rewritten after record
    /// `after` (the last published head that still agrees, 0 if none) and at or before `records`.
    Rewritten { day: chrono::NaiveDate, after: i64, records: i64 },
}

/// Checks the log against heads published earlier (from the transparency page's JSON): the
/// `records`-th record's hash must still be the `head` published with it.
pub fn verify_heads(conn: &mut DbConn, published: &[Checkpoint]) -> QueryResult<HeadsCheck> {
    let mut heads: Vec<&Checkpoint> = published.iter().collect();
    heads.sort_by_key(|h| h.records);
    let mut after = 0;
    for h in &heads {
        let at: Option<String> = if h.records == 0 {
            Some(GENESIS.to_string())
        } else {
            audit_log::table
                .order(audit_log::id.asc())
                .offset(h.records - 1)
                .select(audit_log::hash)
                .first(conn)
                .optional()?
        };
        if at.as_deref() != Some(h.head.as_str()) {
            return Ok(HeadsCheck::Rewritten { day: h.day, after, records: h.records });
        }
        after = h.records;
    }
    Ok(HeadsCheck::Agree { heads: heads.len() })
}

/// The chain's head right after the newest record of `action` on an entity (a round's draw): a
/// round's published record carries it, so whoever downloads the record also holds a head.
pub fn head_after(conn: &mut DbConn, action: &str, entity: &str, entity_id: &str) -> QueryResult<Option<Checkpoint>> {
    let last: Option<(i64, NaiveDateTime, String)> = audit_log::table
        .filter(audit_log::action.eq(action).and(audit_log::entity.eq(entity)).and(audit_log::entity_id.eq(entity_id)))
        .order(audit_log::id.desc())
        .select((audit_log::id, audit_log::at, audit_log::hash))
        .first(conn)
        .optional()?;
    let Some((id, at, head)) = last else { return Ok(None) };
    let records: i64 = audit_log::table.filter(audit_log::id.le(id)).count().get_result(conn)?;
    Ok(Some(Checkpoint { day: crate::clock::xiamen_date(at), at, records, head }))
}
