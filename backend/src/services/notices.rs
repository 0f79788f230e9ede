//! Notices: a row in the person's in-app inbox and, beside it, a text message in the outbox for
//! their phone. Both are written in the same transaction as the state change they report, and
//! only after that change actually happened (the callers notify after a conditional update
//! changed a row), so a notice never announces something that did not occur. A `dedupe_key`
//! makes the same notice impossible to write twice, even when two instances run the same job.
//!
//! What each kind says comes from the table in `common::notice`; the outbox is drained by the
//! courier in `services::sms`.

use std::collections::{HashMap, HashSet};

use common::Text;
use common::dto::lifecycle::{Inbox, NoticeDelivery, NotificationView};
use diesel::prelude::*;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::now;
use crate::db::DbConn;
use crate::db::schema::{notifications as n, outbox as o, users};
use crate::error::{AppError, AppResult};

/// One notice to one user.
pub struct Notice<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub title: Text,
    pub body: Text,
    pub link: String,
    /// Unique per real event, e.g. `permit.suspended:42:v7`.
    pub dedupe_key: String,
    /// What it is about, e.g. `application:12`, so the case can show it.
    pub subject: String,
}

impl Notice<'static> {
    /// A notice of a kind in the table, its texts filled from `vars` (`vars_en` override in English).
    pub fn of(
        code: &'static str,
        user_id: i64,
        subject: String,
        dedupe_key: String,
        vars: &[(&str, &str)],
        vars_en: &[(&str, &str)],
    ) -> Notice<'static> {
        let kind = common::notice::kind(code).unwrap_or_else(|| panic!("notice kind {code} is not in the table"));
        let r = kind.render(vars, vars_en);
        Notice { user_id, kind: kind.code, title: r.title, body: r.text, link: r.link, dedupe_key, subject }
    }
}

/// Writes the inbox row and queues the text message. Returns false when this exact notice was
/// already written (the event was reported before).
pub fn notify(c: &mut DbConn, notice: Notice<'_>) -> AppResult<bool> {
    Ok(notify_many(c, vec![notice])? == 1)
}

/// Writes many notices at once (a draw's results): a few statements per thousand, not per notice.
/// Notices already written (same dedupe key) are skipped. Returns how many were new.
pub fn notify_many(c: &mut DbConn, notices: Vec<Notice<'_>>) -> AppResult<usize> {
    if notices.is_empty() {
        return Ok(0);
    }
    let t = now();
    let mut fresh = Vec::with_capacity(notices.len());
    let mut seen = HashSet::new();
    for ch in notices.chunks(500) {
        let keys: Vec<&str> = ch.iter().map(|x| x.dedupe_key.as_str()).collect();
        let existing: HashSet<String> =
            n::table.filter(n::dedupe_key.eq_any(&keys)).select(n::dedupe_key).load::<String>(c)?.into_iter().collect();
        for x in ch {
            if !existing.contains(&x.dedupe_key) && seen.insert(x.dedupe_key.clone()) {
                fresh.push(x);
            }
        }
    }
    if fresh.is_empty() {
        return Ok(0);
    }
    let user_ids: Vec<i64> = fresh.iter().map(|x| x.user_id).collect::<HashSet<_>>().into_iter().collect();
    // The phone goes to the outbox as it is kept, sealed, with its look-up hash for the hourly
    // limit; only the courier opens it, to hand it to the gateway.
    type Contact = (Option<String>, Option<String>, String);
    let mut contact: HashMap<i64, Contact> = HashMap::new();
    for ch in user_ids.chunks(500) {
        let rows: Vec<(i64, Option<String>, Option<String>, String)> = users::table
            .filter(users::id.eq_any(ch))
            .select((users::id, users::phone, users::phone_lookup, users::lang))
            .load(c)?;
        contact.extend(rows.into_iter().map(|(id, phone, lookup, lang)| (id, (phone, lookup, lang))));
    }
    let district = districts_of(c, fresh.iter().map(|x| x.subject.as_str()))?;
    for ch in fresh.chunks(500) {
        let rows: Vec<_> = ch
            .iter()
            .map(|x| {
                (
                    n::district_code.eq(district.get(&x.subject).cloned()),
                    n::user_id.eq(x.user_id),
                    n::kind.eq(x.kind),
                    n::title_zh.eq(&x.title.zh),
                    n::title_en.eq(&x.title.en),
                    n::body_zh.eq(&x.body.zh),
                    n::body_en.eq(&x.body.en),
                    n::link.eq(&x.link),
                    n::dedupe_key.eq(&x.dedupe_key),
                    n::created_at.eq(t),
                    n::subject.eq(&x.subject),
                )
            })
            .collect();
        match c {
            DbConn::Pg(pg) => diesel::insert_into(n::table).values(&rows).execute(pg)?,
            DbConn::Sqlite(s) => diesel::insert_into(n::table).values(&rows).execute(s)?,
        };
        let keys: Vec<&str> = ch.iter().map(|x| x.dedupe_key.as_str()).collect();
        let ids: HashMap<String, i64> =
            n::table.filter(n::dedupe_key.eq_any(&keys)).select((n::dedupe_key, n::id)).load(c)?.into_iter().collect();
        let messages: Vec<_> = ch
            .iter()
            .filter_map(|x| {
                let (phone, lookup, lang) = contact.get(&x.user_id)?;
                let phone = phone.as_deref().filter(|p| !p.is_empty())?;
                let lookup = lookup.as_deref()?;
                let text = if lang == "en" { &x.body.en } else { &x.body.zh };
                let urgent = common::notice::kind(x.kind).is_some_and(|k| k.urgent);
                Some((
                    o::notification_id.eq(*ids.get(&x.dedupe_key)?),
                    o::channel.eq("sms"),
                    o::recipient.eq(lookup.to_string()),
                    o::recipient_sealed.eq(phone.to_string()),
                    o::status.eq("queued"),
                    o::attempts.eq(0),
                    o::last_error.eq(""),
                    o::created_at.eq(t),
                    o::body.eq(text.clone()),
                    o::urgent.eq(urgent),
                    o::last_answer.eq(""),
                ))
            })
            .collect();
        if !messages.is_empty() {
            match c {
                DbConn::Pg(pg) => diesel::insert_into(o::table).values(&messages).execute(pg)?,
                DbConn::Sqlite(s) => diesel::insert_into(o::table).values(&messages).execute(s)?,
            };
        }
    }
    Ok(fresh.len())
}

/// The district of each case among `subjects` (`application:12`, `filing:3`, `permit:7`,
/// `complaint:5`), looked up a chunk at a time; account and city-wide notices have none.
fn districts_of<'a>(c: &mut DbConn, subjects: impl Iterator<Item = &'a str>) -> AppResult<HashMap<String, String>> {
    use crate::db::schema::{complaints, permits, shop_filings, stall_applications};
    let mut ids: HashMap<&str, HashSet<i64>> = HashMap::new();
    for s in subjects {
        if let Some((kind, id)) = s.split_once(':')
            && let Ok(id) = id.parse::<i64>()
        {
            ids.entry(kind).or_default().insert(id);
        }
    }
    let mut out = HashMap::new();
    for (kind, set) in ids {
        let set: Vec<i64> = set.into_iter().collect();
        for ch in set.chunks(500) {
            let rows: Vec<(i64, Option<String>)> = match kind {
                "application" => stall_applications::table
                    .filter(stall_applications::id.eq_any(ch))
                    .select((stall_applications::id, stall_applications::district_code))
                    .load(c)?,
                "filing" => shop_filings::table
                    .filter(shop_filings::id.eq_any(ch))
                    .select((shop_filings::id, shop_filings::district_code.nullable()))
                    .load(c)?,
                "permit" => permits::table
                    .filter(permits::id.eq_any(ch))
                    .select((permits::id, permits::district_code.nullable()))
                    .load(c)?,
                "complaint" => complaints::table
                    .filter(complaints::id.eq_any(ch))
                    .select((complaints::id, complaints::district_code.nullable()))
                    .load(c)?,
                _ => Vec::new(),
            };
            out.extend(rows.into_iter().filter_map(|(id, d)| Some((format!("{kind}:{id}"), d?))));
        }
    }
    Ok(out)
}

/// The notices about one case, oldest first, with what became of their text messages.
pub fn for_subject(c: &mut DbConn, subject: &str, user_id: Option<i64>) -> AppResult<Vec<NoticeDelivery>> {
    let mut q = n::table.left_join(o::table).filter(n::subject.eq(subject)).into_boxed();
    if let Some(u) = user_id {
        q = q.filter(n::user_id.eq(u));
    }
    let rows: Vec<(String, String, String, chrono::NaiveDateTime, Option<String>, Option<chrono::NaiveDateTime>)> = q
        .order(n::id.asc())
        .select((n::kind, n::title_zh, n::title_en, n::created_at, o::status.nullable(), o::delivered_at.nullable()))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(kind, tz, te, created_at, sms, delivered_at)| NoticeDelivery {
            kind,
            title: Text::new(tz, te),
            created_at,
            sms_status: sms,
            delivered_at,
        })
        .collect())
}

pub async fn inbox(app: &App, actor: &Actor) -> AppResult<Inbox> {
    let uid = actor.user_id;
    app.db
        .run(move |c| {
            type Row = (
                i64,
                String,
                String,
                String,
                String,
                String,
                String,
                chrono::NaiveDateTime,
                Option<chrono::NaiveDateTime>,
                Option<String>,
            );
            let rows: Vec<Row> = n::table
                .left_join(o::table)
                .filter(n::user_id.eq(uid))
                .order(n::id.desc())
                .limit(100)
                .select((
                    n::id,
                    n::kind,
                    n::title_zh,
                    n::title_en,
                    n::body_zh,
                    n::body_en,
                    n::link,
                    n::created_at,
                    n::read_at,
                    o::status.nullable(),
                ))
                .load(c)?;
            let unread: i64 = n::table.filter(n::user_id.eq(uid).and(n::read_at.is_null())).count().get_result(c)?;
            Ok(Inbox {
                unread,
                items: rows
                    .into_iter()
                    .map(|(id, kind, tz, te, bz, be, link, created_at, read_at, sms)| NotificationView {
                        id,
                        kind,
                        title: Text::new(tz, te),
                        body: Text::new(bz, be),
                        link,
                        created_at,
                        read: read_at.is_some(),
                        sms_status: sms,
                    })
                    .collect(),
            })
        })
        .await
}

pub async fn unread(app: &App, actor: &Actor) -> AppResult<i64> {
    let uid = actor.user_id;
    app.db.run(move |c| Ok(n::table.filter(n::user_id.eq(uid).and(n::read_at.is_null())).count().get_result(c)?)).await
}

/// Marks one notice (or, with `None`, all) read.
pub async fn mark_read(app: &App, actor: &Actor, id: Option<i64>) -> AppResult<()> {
    let uid = actor.user_id;
    app.db
        .write(move |c| {
            let unread = n::user_id.eq(uid).and(n::read_at.is_null());
            match id {
                None => {
                    diesel::update(n::table.filter(unread)).set(n::read_at.eq(now())).execute(c)?;
                }
                Some(id) => {
                    let mine: i64 = n::table.filter(n::id.eq(id).and(n::user_id.eq(uid))).count().get_result(c)?;
                    if mine == 0 {
                        return Err(AppError::NotFound);
                    }
                    diesel::update(n::table.filter(unread.and(n::id.eq(id)))).set(n::read_at.eq(now())).execute(c)?;
                }
            }
            Ok(())
        })
        .await
}
