//! Text messages through a real gateway (Kannel): the courier that drains the outbox at the
//! gateway's pace, the delivery reports the gateway calls back with, and texts received from
//! phones (a vendor accepting an offer by replying "345 1").
//!
//! A message moves `queued → sending → sent → delivered`, or on failure to `failed` (due again
//! after a backoff that doubles, with jitter) and after the last try to `dead`, which an admin
//! sees and can retry. With no gateway configured a message is written to the log and marked
//! `logged`, so no page claims a text reached a phone. A message is claimed with a conditional update, so two instances never
//! send the same one; the send itself happens outside any database transaction.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use common::Role;
use common::dto::lifecycle::{OutboxPage, OutboxRow};
use common::notice::{Inbound, normalize_phone, parse_inbound};
use diesel::prelude::*;

use crate::app::{App, AppState};
use crate::auth::Actor;
use crate::clock::now;
use crate::config::SmsConfig;
use crate::db::schema::{notifications as n, offers, outbox as o, sms_inbound, stall_applications as apps, users};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::services::notices::{Notice, notify};

/// A message as it leaves: to whom, what, and where the gateway reports back about it.
pub struct Outgoing {
    pub id: i64,
    pub recipient: String,
    pub text: String,
}

pub type SendFuture = Pin<Box<dyn Future<Output = Result<String, String>> + Send>>;

/// Hands one message to a gateway: `Ok(answer)` when accepted, `Err(why)` otherwise.
pub trait Sender: Send + Sync {
    fn send(&self, msg: Outgoing) -> SendFuture;
    /// Whether this sender reaches phones (otherwise messages are only logged).
    fn is_gateway(&self) -> bool {
        false
    }
}

/// Writes each message to the log (without a gateway): the inbox still has every notice.
pub struct LogSender;

impl Sender for LogSender {
    fn send(&self, msg: Outgoing) -> SendFuture {
        let masked = common::mask::phone(&msg.recipient);
        tracing::info!(to = %masked, id = msg.id, chars = msg.text.chars().count(), "text message (no gateway configured)");
        Box::pin(async { Ok("logged".to_string()) })
    }
}

/// Kannel's HTTP `sendsms` interface, asking for every delivery report on our callback.
pub struct KannelSender {
    cfg: SmsConfig,
    client: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        http_body_util::Empty<bytes::Bytes>,
    >,
}

impl KannelSender {
    pub fn new(cfg: SmsConfig) -> KannelSender {
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build_http();
        KannelSender { cfg, client }
    }

    /// The sendsms URL for one message (UTF-8 text sent as UCS-2, delivery reports asked for).
    pub fn url(cfg: &SmsConfig, msg: &Outgoing) -> String {
        let dlr = format!(
            "{}/api/v1/sms/dlr?key={}&id={}&type=%d&answer=%A",
            cfg.callback_url,
            cfg.callback_secret.as_deref().unwrap_or_default(),
            msg.id
        );
        let query = [
            ("username", cfg.username.as_str()),
            ("password", cfg.password.as_str()),
            ("from", cfg.sender.as_str()),
            ("to", msg.recipient.as_str()),
            ("text", msg.text.as_str()),
            ("charset", "UTF-8"),
            ("coding", "2"),
            ("dlr-mask", "31"),
            ("dlr-url", dlr.as_str()),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", percent(v)))
        .collect::<Vec<_>>()
        .join("&");
        format!("{}?{query}", cfg.gateway_url.as_deref().unwrap_or_default())
    }
}

impl Sender for KannelSender {
    fn send(&self, msg: Outgoing) -> SendFuture {
        let url = KannelSender::url(&self.cfg, &msg);
        let client = self.client.clone();
        Box::pin(async move {
            use http_body_util::BodyExt;
            let uri: hyper::Uri = url.parse().map_err(|e| format!("gateway URL: {e}"))?;
            let req = hyper::Request::get(uri).body(http_body_util::Empty::new()).map_err(|e| e.to_string())?;
            let resp = tokio::time::timeout(Duration::from_secs(10), client.request(req))
                .await
                .map_err(|_| "gateway did not answer in 10 s".to_string())?
                .map_err(|e| format!("gateway unreachable: {e}"))?;
            let status = resp.status();
            let body = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            let answer = String::from_utf8_lossy(&body).trim().chars().take(200).collect::<String>();
            if status.is_success() { Ok(answer) } else { Err(format!("gateway answered {status}: {answer}")) }
        })
    }

    fn is_gateway(&self) -> bool {
        true
    }
}

/// Percent-encodes everything but unreserved characters; a space is `%20`, never `+`, which
/// Kannel would pass on as a plus sign.
fn percent(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The sender the configuration asks for.
pub fn sender_for(cfg: &SmsConfig) -> Arc<dyn Sender> {
    match cfg.gateway_url {
        Some(_) => Arc::new(KannelSender::new(cfg.clone())),
        None => Arc::new(LogSender),
    }
}

/// Delay before try `attempt + 1`: the base doubled per try (capped at a day), ± a quarter.
pub fn backoff(base_secs: u64, attempt: u32, jitter_unit: f64) -> chrono::Duration {
    let secs = (base_secs as f64 * 2f64.powi(attempt.saturating_sub(1).min(16) as i32)).min(86_400.0);
    let jittered = secs * (0.75 + 0.5 * jitter_unit.clamp(0.0, 1.0));
    chrono::Duration::milliseconds((jittered * 1000.0) as i64)
}

/// Whether `t` (Xiamen time of day) falls in the quiet hours (which may run past midnight).
pub fn in_quiet_hours(quiet: Option<(chrono::NaiveTime, chrono::NaiveTime)>, t: chrono::NaiveTime) -> bool {
    match quiet {
        None => false,
        Some((from, to)) if from <= to => t >= from && t < to,
        Some((from, to)) => t >= from || t < to,
    }
}

/// Runs the courier in this instance until the process ends.
pub fn spawn_courier(state: AppState) {
    tokio::spawn(async move {
        let poll = Duration::from_millis(state.config.sms.poll_ms);
        loop {
            match deliver_once(&state).await {
                Ok(0) => tokio::time::sleep(poll).await,
                Ok(_) => tokio::task::yield_now().await,
                Err(e) => {
                    tracing::warn!(error = %e, "sending text messages failed");
                    tokio::time::sleep(poll).await;
                }
            }
        }
    });
}

/// One round of the courier: claims what is due (at most a second's worth at the configured
/// rate), sends it, records each answer; returns how many it handled. Paces itself so that a
/// second holds no more than the rate.
pub async fn deliver_once(app: &App) -> AppResult<usize> {
    let started = std::time::Instant::now();
    let cfg = app.config.sms.clone();
    let me = app.instance.clone();
    let batch = cfg.rate_per_sec.max(1) as i64;
    let quiet = in_quiet_hours(cfg.quiet_hours, common::time::xiamen_now().time());
    let claimed: Vec<(i64, String, String, String, i32)> = app
        .db
        .write(move |c| {
            let t = now();
            // A claim older than five minutes belongs to an instance that stopped mid-send.
            diesel::update(
                o::table.filter(o::status.eq("sending").and(o::claimed_at.lt(t - chrono::Duration::minutes(5)))),
            )
            .set(o::status.eq("queued"))
            .execute(c)?;
            // A number cleared by the retention rule has nowhere to go.
            let mut q = o::table
                .filter(o::status.eq_any(["queued", "failed"]))
                .filter(o::next_attempt_at.is_null().or(o::next_attempt_at.le(t)))
                .filter(o::recipient_sealed.ne(""))
                .into_boxed();
            if quiet {
                q = q.filter(o::urgent.eq(true));
            }
            let due: Vec<(i64, String)> =
                q.order(o::id.asc()).limit(batch * 3).select((o::id, o::recipient)).load(c)?;
            // At most so many texts to one phone an hour.
            let recipients: Vec<&str> = due.iter().map(|d| d.1.as_str()).collect();
            let recent: std::collections::HashMap<String, i64> = o::table
                .filter(o::recipient.eq_any(&recipients).and(o::sent_at.ge(t - chrono::Duration::hours(1))))
                .group_by(o::recipient)
                .select((o::recipient, diesel::dsl::count_star()))
                .load::<(String, i64)>(c)?
                .into_iter()
                .collect();
            let mut taken: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
            let mut ids = Vec::new();
            for (id, r) in due {
                let n = taken.entry(r.clone()).or_insert_with(|| recent.get(&r).copied().unwrap_or(0));
                if *n >= i64::from(cfg.per_recipient_hour) || ids.len() as i64 >= batch {
                    continue;
                }
                *n += 1;
                ids.push(id);
            }
            let mut out = Vec::new();
            for id in ids {
                let won = diesel::update(o::table.find(id).filter(o::status.eq_any(["queued", "failed"])))
                    .set((
                        o::status.eq("sending"),
                        o::claimed_by.eq(&me),
                        o::claimed_at.eq(t),
                        o::attempts.eq(o::attempts + 1),
                    ))
                    .execute(c)?;
                if won == 1 {
                    let row: (i64, String, String, String, i32) = o::table
                        .inner_join(n::table)
                        .filter(o::id.eq(id))
                        .select((o::id, o::recipient_sealed, o::body, n::link, o::attempts))
                        .first(c)?;
                    out.push(row);
                }
            }
            Ok(out)
        })
        .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let count = claimed.len();
    let mut results = Vec::with_capacity(count);
    // Sixteen at a time in flight: the gateway queues, the portal does not wait on each.
    for chunk in claimed.chunks(16) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|(id, recipient, body, link, attempts)| {
                let text = format!("【摊规通】{body} {}{link}", app.config.public_url);
                // Opened only here, to hand the number to the gateway.
                let recipient = app.vault.open(recipient).unwrap_or_default();
                let fut = app.sender.send(Outgoing { id: *id, recipient, text });
                let (id, attempts) = (*id, *attempts);
                tokio::spawn(async move { (id, attempts, fut.await) })
            })
            .collect();
        for h in handles {
            // A send that panicked stays claimed and is picked up again after five minutes.
            if let Ok(r) = h.await {
                results.push(r);
            }
        }
    }
    let gateway = app.sender.is_gateway();
    let (max, base) = (cfg.max_attempts as i32, cfg.retry_base_secs);
    app.db
        .write(move |c| {
            let t = now();
            for (id, attempts, r) in results {
                match r {
                    Ok(answer) => {
                        // Without a gateway the message went to the log and no further: it
                        // says so (`logged`) rather than claiming a delivery.
                        let status = if gateway { "sent" } else { "logged" };
                        diesel::update(o::table.find(id).filter(o::status.eq("sending")))
                            .set((
                                o::status.eq(status),
                                o::sent_at.eq(t),
                                o::last_answer.eq(answer),
                                o::last_error.eq(""),
                            ))
                            .execute(c)?;
                    }
                    Err(e) => fail(c, id, attempts, max, base, &e, t)?,
                }
            }
            Ok(())
        })
        .await?;
    // Keep to the rate: a batch is a second's worth.
    let spent = started.elapsed();
    if spent < Duration::from_secs(1) && count as u32 >= cfg.rate_per_sec {
        tokio::time::sleep(Duration::from_secs(1) - spent).await;
    }
    Ok(count)
}

/// Records a failed try: due again after the backoff, or dead after the last try.
fn fail(
    c: &mut crate::db::DbConn,
    id: i64,
    attempts: i32,
    max: i32,
    base: u64,
    why: &str,
    t: NaiveDateTime,
) -> AppResult<()> {
    let jitter = (id.wrapping_mul(2_654_435_761) as u64 % 1000) as f64 / 1000.0;
    let (status, next) =
        if attempts >= max { ("dead", None) } else { ("failed", Some(t + backoff(base, attempts as u32, jitter))) };
    diesel::update(o::table.find(id))
        .set((
            o::status.eq(status),
            o::next_attempt_at.eq(next),
            o::last_error.eq(why.chars().take(300).collect::<String>()),
        ))
        .execute(c)?;
    Ok(())
}

/// Compares secrets without leaking where they differ through timing.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = (a.len() ^ b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0 && !expected.is_empty()
}

/// The gateway's delivery report on a message: 1 delivered to the phone, 2 not delivered,
/// 4 buffered, 8 accepted by the carrier, 16 refused by the carrier.
pub async fn delivery_report(app: &App, id: i64, dlr_type: i32, answer: String) -> AppResult<()> {
    let (max, base) = (app.config.sms.max_attempts as i32, app.config.sms.retry_base_secs);
    app.db
        .write(move |c| {
            let t = now();
            let row: Option<(String, i32)> = o::table.find(id).select((o::status, o::attempts)).first(c).optional()?;
            let Some((status, attempts)) = row else { return Ok(()) };
            let answer: String = answer.chars().take(200).collect();
            match dlr_type {
                1 => {
                    diesel::update(o::table.find(id).filter(o::status.ne("delivered")))
                        .set((o::status.eq("delivered"), o::delivered_at.eq(t), o::last_answer.eq(&answer)))
                        .execute(c)?;
                }
                2 | 16 if status == "sent" => fail(c, id, attempts, max, base, &format!("carrier: {answer}"), t)?,
                _ => {
                    diesel::update(o::table.find(id)).set(o::last_answer.eq(&answer)).execute(c)?;
                }
            }
            Ok(())
        })
        .await
}

/// A text received from a phone. Only the phone on an account can act for it; every text is
/// recorded with what it did, and answered by a text (through the outbox, like every notice).
pub async fn incoming(app: &App, from: String, text: String) -> AppResult<()> {
    let phone = normalize_phone(&from);
    let parsed = parse_inbound(&text);
    let t = now();
    let (user, inbound_id) = {
        let (phone, text, vault) = (phone.clone(), text.clone(), app.vault.clone());
        app.db
            .write(move |c| {
                let user: Option<(i64, String)> = users::table
                    .filter(users::phone_lookup.eq_any(vault.lookups(crate::vault::PHONE, &phone)))
                    .filter(users::disabled.eq(false))
                    .select((users::id, users::role))
                    .first(c)
                    .optional()?;
                let id: i64 = diesel::insert_into(sms_inbound::table)
                    .values((
                        sms_inbound::sender.eq(vault.seal(&phone)),
                        sms_inbound::user_id.eq(user.as_ref().map(|u| u.0)),
                        sms_inbound::text.eq(text.chars().take(500).collect::<String>()),
                        sms_inbound::action.eq(""),
                        sms_inbound::result.eq(""),
                        sms_inbound::received_at.eq(t),
                    ))
                    .returning(sms_inbound::id)
                    .get_result(c)?;
                Ok((user, id))
            })
            .await?
    };
    // A number with no account gets no answer: nothing is revealed about who has one.
    let Some((user_id, role)) = user else {
        return record(app, inbound_id, "unknown_sender", "ignored").await;
    };
    let actor = Actor {
        user_id,
        role: Role::parse(&role).unwrap_or(Role::Vendor),
        district: None,
        session_id: 0,
        assisted_by: None,
    };
    let (action, result, reply): (&str, String, Option<(String, String)>) = match parsed {
        Inbound::Accept(code) | Inbound::Decline(code) => {
            let accept = matches!(parsed, Inbound::Accept(_));
            let mine = {
                let uid = user_id;
                app.db
                    .run(move |c| {
                        Ok(offers::table
                            .filter(offers::id.eq(code).and(offers::applicant_id.eq(uid)))
                            .select(offers::id)
                            .first::<i64>(c)
                            .optional()?)
                    })
                    .await?
            };
            let outcome = match mine {
                None => Err(AppError::NotFound),
                Some(id) if accept => crate::services::offers::accept(app, &actor, id).await,
                Some(id) => crate::services::offers::decline(app, &actor, id).await,
            };
            let action = if accept { "accept" } else { "decline" };
            match outcome {
                // The accept or decline itself sends its notice, which is the confirmation.
                Ok(()) => (action, "done".into(), None),
                Err(AppError::NotFound) => (
                    action,
                    "no_such_offer".into(),
                    Some((
                        format!("没有找到编号为{code}的待确认摊位，请核对短信中的编号。"),
                        format!("No stall offer numbered {code} is waiting for you; check the number in the text."),
                    )),
                ),
                Err(e) => (
                    action,
                    format!("refused: {e}"),
                    Some((
                        format!("编号{code}的摊位现在不能确认（可能已过期或已处理）。"),
                        format!("Offer {code} cannot be answered now (it may have lapsed or been answered)."),
                    )),
                ),
            }
        }
        Inbound::Status => {
            let uid = user_id;
            let latest: Option<(i64, String)> = app
                .db
                .run(move |c| {
                    Ok(apps::table
                        .filter(apps::applicant_id.eq(uid))
                        .order(apps::id.desc())
                        .select((apps::id, apps::status))
                        .first(c)
                        .optional()?)
                })
                .await?;
            let reply =
                match latest.and_then(|(id, s)| common::application::ApplicationStatus::parse(&s).map(|s| (id, s))) {
                    Some((id, s)) => {
                        let case = common::dto::cases::CaseKind::Stall.number(id);
                        (
                            format!("您的摊位申请{case}：{}。", s.name_zh()),
                            format!("Your stall application {case}: {}.", s.name_en()),
                        )
                    }
                    None => ("您还没有摊位申请。".into(), "You have no stall application.".into()),
                };
            ("status", "answered".into(), Some(reply))
        }
        Inbound::Unknown => (
            "unknown",
            "help".into(),
            Some((
                "回复“编号 1”接受摊位、“编号 2”放弃，回复“查询”看申请状态。".into(),
                "Reply \"number 1\" to accept a stall, \"number 2\" to decline, \"CX\" for your application's state."
                    .into(),
            )),
        ),
    };
    if let Some((zh, en)) = reply {
        app.db
            .write(move |c| {
                notify(
                    c,
                    Notice::of(
                        "sms.reply",
                        user_id,
                        format!("sms:{inbound_id}"),
                        format!("sms.reply:{inbound_id}"),
                        &[("detail", zh.as_str())],
                        &[("detail", en.as_str())],
                    ),
                )?;
                Ok(())
            })
            .await?;
    }
    {
        let detail = serde_json::json!({ "inbound": inbound_id, "action": action, "result": result });
        app.db
            .write(move |c| {
                audit::record(c, now(), Some(user_id), "sms.inbound", "user", &user_id.to_string(), detail)?;
                Ok(())
            })
            .await?;
    }
    record(app, inbound_id, action, &result).await
}

async fn record(app: &App, id: i64, action: &str, result: &str) -> AppResult<()> {
    let (action, result) = (action.to_string(), result.to_string());
    app.db
        .write(move |c| {
            diesel::update(sms_inbound::table.find(id))
                .set((sms_inbound::action.eq(action), sms_inbound::result.eq(result)))
                .execute(c)?;
            Ok(())
        })
        .await
}

/// The outbox messages an officer may read: a city admin all of them, a district officer those
/// about cases in the district (account and city-wide texts are the city's).
fn visible(actor: &Actor) -> AppResult<o::BoxedQuery<'static, crate::db::MultiBackend>> {
    let q = o::table.into_boxed();
    match (actor.role, actor.district) {
        (Role::CityAdmin, _) => Ok(q),
        (Role::DistrictOfficer, Some(d)) => Ok(q.filter(
            o::notification_id.eq_any(n::table.filter(n::district_code.eq(d.code().to_string())).select(n::id)),
        )),
        _ => Err(AppError::Forbidden),
    }
}

/// One outbox row as the page reads it.
#[derive(Queryable)]
#[diesel(check_for_backend(crate::db::MultiBackend))]
struct OutboxRecord {
    id: i64,
    kind: String,
    recipient: String,
    status: String,
    attempts: i32,
    body: String,
    last_error: String,
    last_answer: String,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    delivered_at: Option<NaiveDateTime>,
    next_attempt_at: Option<NaiveDateTime>,
}

/// The outbox for officers: newest first, filtered by state, fifty a page.
pub async fn outbox(app: &App, actor: &Actor, status: Option<String>, page: i64) -> AppResult<OutboxPage> {
    visible(actor)?;
    let gateway = app.sender.is_gateway();
    let actor = actor.clone();
    let vault = app.vault.clone();
    app.db
        .run(move |c| {
            // One count per state: a boxed query cannot be grouped, and there are only seven states.
            let mut counts: Vec<(String, i64)> = Vec::new();
            for s in common::dto::lifecycle::SMS_STATES {
                let k: i64 = visible(&actor)?.filter(o::status.eq(s)).count().get_result(c)?;
                if k > 0 {
                    counts.push((s.to_string(), k));
                }
            }
            let total = counts.iter().filter(|(k, _)| status.as_ref().is_none_or(|s| s == k)).map(|(_, n)| n).sum();
            let mut q = visible(&actor)?;
            if let Some(s) = &status {
                q = q.filter(o::status.eq(s.clone()));
            }
            let ids: Vec<i64> = q.order(o::id.desc()).offset((page.max(1) - 1) * 50).limit(50).select(o::id).load(c)?;
            let rows: Vec<OutboxRecord> = o::table
                .inner_join(n::table)
                .filter(o::id.eq_any(&ids))
                .order(o::id.desc())
                .select((
                    o::id,
                    n::kind,
                    o::recipient_sealed,
                    o::status,
                    o::attempts,
                    o::body,
                    o::last_error,
                    o::last_answer,
                    o::created_at,
                    o::sent_at,
                    o::delivered_at,
                    o::next_attempt_at,
                ))
                .load(c)?;
            let items = rows
                .into_iter()
                .map(|r| OutboxRow {
                    id: r.id,
                    kind: r.kind,
                    recipient: common::mask::phone(&vault.open(&r.recipient).unwrap_or_default()),
                    status: r.status,
                    attempts: r.attempts,
                    body: r.body,
                    last_error: r.last_error,
                    last_answer: r.last_answer,
                    created_at: r.created_at,
                    sent_at: r.sent_at,
                    delivered_at: r.delivered_at,
                    next_attempt_at: r.next_attempt_at,
                })
                .collect();
            Ok(OutboxPage { items, total, counts, gateway })
        })
        .await
}

/// An officer sends a dead (or failed) message again now, with its tries counted afresh.
pub async fn retry(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    visible(actor)?;
    let (by, actor) = (actor.user_id, actor.clone());
    app.db
        .write(move |c| {
            let mine: i64 = visible(&actor)?.filter(o::id.eq(id)).count().get_result(c)?;
            if mine == 0 {
                return Err(AppError::NotFound);
            }
            let n = diesel::update(
                o::table.find(id).filter(o::status.eq_any(["dead", "failed"])).filter(o::recipient_sealed.ne("")),
            )
            .set((o::status.eq("queued"), o::attempts.eq(0), o::next_attempt_at.eq(None::<NaiveDateTime>)))
            .execute(c)?;
            if n == 0 {
                return Err(AppError::conflict(
                    "not-retryable",
                    "只有未送达的短信可以重发",
                    "Only a message that was not delivered can be sent again",
                ));
            }
            audit::record(c, now(), Some(by), "sms.retry", "outbox", &id.to_string(), serde_json::json!({}))?;
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_has_a_ceiling() {
        let s = |a, j| backoff(30, a, j).num_milliseconds() as f64 / 1000.0;
        assert_eq!(s(1, 0.5), 30.0);
        assert_eq!(s(2, 0.5), 60.0);
        assert_eq!(s(3, 0.5), 120.0);
        assert_eq!(s(1, 0.0), 22.5);
        assert_eq!(s(1, 1.0), 37.5);
        assert!(s(40, 1.0) <= 86_400.0 * 1.25);
    }

    #[test]
    fn quiet_hours_may_run_past_midnight() {
        let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let night = Some((t(22, 0), t(8, 0)));
        assert!(in_quiet_hours(night, t(23, 30)) && in_quiet_hours(night, t(3, 0)));
        assert!(!in_quiet_hours(night, t(8, 0)) && !in_quiet_hours(night, t(12, 0)));
        let lunch = Some((t(12, 0), t(14, 0)));
        assert!(in_quiet_hours(lunch, t(13, 0)) && !in_quiet_hours(lunch, t(14, 0)));
        assert!(!in_quiet_hours(None, t(3, 0)));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abcdefghijklmnop", "abcdefghijklmnop"));
        assert!(!same_secret("abcdefghijklmnoq", "abcdefghijklmnop"));
        assert!(!same_secret("abc", "abcdefghijklmnop"));
        assert!(!same_secret("", ""));
    }

    #[test]
    fn the_sendsms_url_carries_the_text_and_the_callback() {
        let cfg = crate::config::Config::from_sources(
            |k| match k {
                "TANGUI_SMS_GATEWAY_URL" => Some("http://127.0.0.1:13013/cgi-bin/sendsms".into()),
                "TANGUI_SMS_CALLBACK_SECRET" => Some("0123456789abcdef".into()),
                "TANGUI_SMS_USERNAME" => Some("tangui".into()),
                "TANGUI_PUBLIC_URL" => Some("https://tangui.example".into()),
                _ => None,
            },
            &std::collections::HashMap::new(),
        )
        .unwrap()
        .sms;
        let url =
            KannelSender::url(&cfg, &Outgoing { id: 7, recipient: "13800000001".into(), text: "摊位 A-1".into() });
        assert!(url.starts_with("http://127.0.0.1:13013/cgi-bin/sendsms?username=tangui&"), "{url}");
        assert!(url.contains("to=13800000001") && url.contains("coding=2") && url.contains("dlr-mask=31"), "{url}");
        assert!(url.contains("text=%E6%91%8A%E4%BD%8D%20A-1"), "{url}");
        // The callback keeps Kannel's %d and %A for the gateway to fill in.
        assert!(url.contains("dlr-url=https%3A%2F%2Ftangui.example%2Fapi%2Fv1%2Fsms%2Fdlr%3Fkey%3D0123456789abcdef%26id%3D7%26type%3D%25d%26answer%3D%25A"), "{url}");
    }
}
