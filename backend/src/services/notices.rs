//! Notices: a row in the holder's in-app inbox and, beside it, a message in the outbox for the
//! phone. Both are written in the same transaction as the state change they report, and only
//! after that change actually happened (the callers notify after a conditional update changed a
//! row), so a notice never announces something that did not occur. A `dedupe_key` makes the
//! same notice impossible to write twice, even when two instances run the same job.
//!
//! The outbox is drained by a job through a [`Sender`]. The default logs each message; an SMS
//! gateway is another implementation of the same trait.

use common::Text;
use common::dto::lifecycle::{Inbox, NotificationView};
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
}

/// Writes the inbox row and queues the outbound message. Returns false when this exact notice
/// was already written (the event was reported before).
pub fn notify(c: &mut DbConn, notice: Notice<'_>) -> AppResult<bool> {
    let t = now();
    // A savepoint, so a duplicate (already reported) leaves the caller's transaction usable.
    let inserted = c.transaction(|c| {
        diesel::insert_into(n::table)
            .values((
                n::user_id.eq(notice.user_id),
                n::kind.eq(notice.kind),
                n::title_zh.eq(&notice.title.zh),
                n::title_en.eq(&notice.title.en),
                n::body_zh.eq(&notice.body.zh),
                n::body_en.eq(&notice.body.en),
                n::link.eq(&notice.link),
                n::dedupe_key.eq(&notice.dedupe_key),
                n::created_at.eq(t),
            ))
            .execute(c)
    });
    match inserted {
        Ok(_) => {}
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            return Ok(false);
        }
        Err(e) => return Err(e.into()),
    }
    let id: i64 = n::table.filter(n::dedupe_key.eq(&notice.dedupe_key)).select(n::id).first(c)?;
    let phone: Option<String> = users::table.find(notice.user_id).select(users::phone).get_result(c)?;
    if let Some(phone) = phone.filter(|p| !p.is_empty()) {
        diesel::insert_into(o::table)
            .values((
                o::notification_id.eq(id),
                o::channel.eq("sms"),
                o::recipient.eq(phone),
                o::status.eq("pending"),
                o::attempts.eq(0),
                o::last_error.eq(""),
                o::created_at.eq(t),
            ))
            .execute(c)?;
    }
    Ok(true)
}

/// An outbound message as a sender gets it.
pub struct Outgoing {
    pub channel: String,
    pub recipient: String,
    pub text: String,
}

/// Delivers outbox messages. Implementations must be safe to call from a blocking thread.
pub trait Sender: Send + Sync {
    fn send(&self, msg: &Outgoing) -> Result<(), String>;
}

/// Writes each message to the log (the default until an SMS gateway is configured).
pub struct LogSender;

impl Sender for LogSender {
    fn send(&self, msg: &Outgoing) -> Result<(), String> {
        let masked = common::mask::phone(&msg.recipient);
        tracing::info!(channel = %msg.channel, to = %masked, text = %msg.text, "notice sent");
        Ok(())
    }
}

/// Scheduled: claims pending messages for this instance, sends them, records the result. A
/// message is claimed with a conditional update, so two instances never send the same one.
pub async fn deliver(app: &App, sender: std::sync::Arc<dyn Sender>) -> AppResult<usize> {
    let me = app.instance.clone();
    app.db
        .write(move |c| {
            let pending: Vec<i64> =
                o::table.filter(o::status.eq("pending")).order(o::id.asc()).limit(200).select(o::id).load(c)?;
            let mut sent = 0;
            for id in pending {
                let claimed = diesel::update(o::table.find(id).filter(o::status.eq("pending")))
                    .set((o::status.eq("sending"), o::claimed_by.eq(&me), o::attempts.eq(o::attempts + 1)))
                    .execute(c)?;
                if claimed == 0 {
                    continue;
                }
                let (channel, recipient, title, body): (String, String, String, String) = o::table
                    .inner_join(n::table)
                    .filter(o::id.eq(id))
                    .select((o::channel, o::recipient, n::title_zh, n::body_zh))
                    .first(c)?;
                let msg = Outgoing { channel, recipient, text: format!("【摊规通】{title}：{body}") };
                let (status, err) = match sender.send(&msg) {
                    Ok(()) => ("sent", String::new()),
                    Err(e) => ("pending", e),
                };
                diesel::update(o::table.find(id))
                    .set((o::status.eq(status), o::last_error.eq(err), o::sent_at.eq((status == "sent").then(now))))
                    .execute(c)?;
                sent += usize::from(status == "sent");
            }
            Ok(sent)
        })
        .await
}

pub async fn inbox(app: &App, actor: &Actor) -> AppResult<Inbox> {
    let uid = actor.user_id;
    app.db
        .run(move |c| {
            let rows: Vec<(
                i64,
                String,
                String,
                String,
                String,
                String,
                String,
                chrono::NaiveDateTime,
                Option<chrono::NaiveDateTime>,
            )> = n::table
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
                ))
                .load(c)?;
            let unread: i64 = n::table.filter(n::user_id.eq(uid).and(n::read_at.is_null())).count().get_result(c)?;
            Ok(Inbox {
                unread,
                items: rows
                    .into_iter()
                    .map(|(id, kind, tz, te, bz, be, link, created_at, read_at)| NotificationView {
                        id,
                        kind,
                        title: Text::new(tz, te),
                        body: Text::new(bz, be),
                        link,
                        created_at,
                        read: read_at.is_some(),
                    })
                    .collect(),
            })
        })
        .await
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
