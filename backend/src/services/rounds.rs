//! Allocation rounds (摇号): open with a seed commitment, close by freezing the eligible list, draw
//! in one transaction, public notice with objections, confirm into offers. The draw itself is
//! `common::allocation`, so anyone can re-run it from the published inputs.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::Duration;
use common::allocation::{self, Algorithm, DrawApplicant, DrawInputs, DrawRecord, DrawResult, DrawStall};
use common::application::ApplicationStatus;
use common::dto::rounds::{
    DrawInput, DrawProgress, ListLine, ObjectionAnswer, ObjectionInput, ObjectionView, ResultLine, RoundInput,
    RoundStatus, RoundView, RoundZone,
};
use common::{Role, TradeCategory};
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{
    allocation_rounds as rounds, draw_progress, objections, offers, stall_applications as apps, stalls, zones,
};
use crate::error::{AppError, AppResult};
use crate::models::audit::{self, NewRecord};
use crate::models::{calendar, zone::bump_version};
use crate::services::notices::{Notice, notify_many};

/// Draw progress per round, for the admin page and the CLI. Kept in memory by the instance that
/// runs the draw and in the `draw_progress` table for every other instance: at the start and the
/// end of a draw on any database, and during it on PostgreSQL, through a second connection
/// (SQLite has one writer, and the draw's own transaction holds it).
#[derive(Default)]
pub struct ProgressBoard {
    mem: Mutex<HashMap<i64, DrawProgress>>,
    side: Option<crate::db::DbPool>,
}

impl ProgressBoard {
    pub fn new(db: &crate::db::Db) -> ProgressBoard {
        let side = (db.kind == crate::db::DbKind::Postgres).then(|| db.pool.clone());
        ProgressBoard { mem: Mutex::default(), side }
    }

    pub fn set(&self, id: i64, stage: &str, done: usize, total: usize) {
        let p = DrawProgress { stage: stage.into(), done, total };
        if let Some(pool) = &self.side
            && let Some(mut c) = pool.try_get()
            && let Err(e) = save_progress(&mut c, id, &p)
        {
            tracing::warn!(round = id, "draw progress not shared: {e}");
        }
        self.mem.lock().expect("progress lock").insert(id, p);
    }

    pub fn get(&self, id: i64) -> Option<DrawProgress> {
        self.mem.lock().expect("progress lock").get(&id).cloned()
    }
}

/// Writes a draw's progress where other instances read it.
pub fn save_progress(c: &mut DbConn, id: i64, p: &DrawProgress) -> QueryResult<()> {
    let t = now();
    let values = (
        draw_progress::stage.eq(&p.stage),
        draw_progress::done.eq(p.done as i32),
        draw_progress::total.eq(p.total as i32),
        draw_progress::updated_at.eq(t),
    );
    if diesel::update(draw_progress::table.find(id)).set(values).execute(c)? == 0 {
        diesel::insert_into(draw_progress::table).values((draw_progress::round_id.eq(id), values)).execute(c)?;
    }
    Ok(())
}

/// A draw's progress as the instance running it last shared it.
pub fn stored_progress(c: &mut DbConn, id: i64) -> QueryResult<Option<DrawProgress>> {
    let row: Option<(String, i32, i32)> = draw_progress::table
        .find(id)
        .select((draw_progress::stage, draw_progress::done, draw_progress::total))
        .first(c)
        .optional()?;
    Ok(row.map(|(stage, done, total)| DrawProgress { stage, done: done as usize, total: total as usize }))
}

#[derive(Debug, Clone, Queryable)]
pub struct Round {
    pub id: i64,
    pub name: String,
    pub zone_ids: String,
    pub opens_at: chrono::NaiveDateTime,
    pub closes_at: chrono::NaiveDateTime,
    pub reserved_percent: i32,
    pub notice_days: i32,
    pub offer_days: i32,
    pub status: String,
    pub seed: String,
    pub seed_commitment: String,
    pub fingerprint: Option<String>,
    pub inputs: Option<String>,
    pub result: Option<String>,
    pub algorithm: Option<String>,
    pub opened_at: Option<chrono::NaiveDateTime>,
    pub closed_at: Option<chrono::NaiveDateTime>,
    pub drawn_at: Option<chrono::NaiveDateTime>,
    pub notice_until: Option<chrono::NaiveDate>,
    pub confirmed_at: Option<chrono::NaiveDateTime>,
    pub created_by: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub outside_source: String,
    pub outside_value: Option<String>,
    pub applicant_count: Option<i32>,
    pub stall_count: Option<i32>,
    pub placed_count: Option<i32>,
}

impl Round {
    pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Round> {
        rounds::table.find(id).get_result(c)
    }

    pub fn status(&self) -> RoundStatus {
        RoundStatus::parse(&self.status).unwrap_or(RoundStatus::Planned)
    }

    pub fn zone_ids(&self) -> Vec<i64> {
        serde_json::from_str(&self.zone_ids).unwrap_or_default()
    }

    pub fn inputs(&self) -> Option<DrawInputs> {
        self.inputs.as_deref().and_then(|s| serde_json::from_str(s).ok())
    }

    /// The result as drawn and published: by draw number in `v2`.
    pub fn result(&self) -> Option<DrawResult> {
        self.result.as_deref().and_then(|s| serde_json::from_str(s).ok())
    }

    pub fn is_v2(&self) -> bool {
        self.inputs().is_some_and(|i| i.algorithm == Algorithm::V2)
    }

    /// The seed in clear: sealed (key outside the database) until the draw reveals it.
    pub fn seed(&self, vault: &crate::vault::Keyring) -> AppResult<String> {
        vault.open(&self.seed).map_err(|e| AppError::Internal(anyhow::anyhow!("round {} seed: {e}", self.id)))
    }

    /// The seed as the public may see it: only once drawn.
    pub fn revealed_seed(&self) -> Option<String> {
        matches!(self.status(), RoundStatus::Drawn | RoundStatus::Confirmed).then(|| self.seed.clone())
    }

    pub fn draw_label(&self, number: i64) -> String {
        allocation::draw_number_label(self.id, number)
    }

    /// The published record, for `tangui verify-round --file` and the browser's re-run.
    pub fn record(&self) -> Option<DrawRecord> {
        let (inputs, result, seed) = (self.inputs()?, self.result()?, self.revealed_seed()?);
        Some(DrawRecord {
            round_id: self.id,
            algorithm: inputs.algorithm.as_str().into(),
            seed_commitment: self.seed_commitment.clone(),
            fingerprint: self.fingerprint.clone().unwrap_or_default(),
            seed,
            outside_value: self.outside_value.clone(),
            inputs,
            result,
        })
    }
}

/// Draw number → application, for a `v2` round (`v1` results name applications directly).
fn applications_by_number(c: &mut DbConn, round: i64) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, Option<i32>)> =
        apps::table.filter(apps::round_id.eq(round)).select((apps::id, apps::draw_number)).load(c)?;
    Ok(rows.into_iter().filter_map(|(id, n)| n.map(|n| (i64::from(n), id))).collect())
}

/// The result with application ids, as the database works with it.
pub fn result_by_application(c: &mut DbConn, r: &Round, result: DrawResult) -> AppResult<DrawResult> {
    if !r.is_v2() {
        return Ok(result);
    }
    let by_number = applications_by_number(c, r.id)?;
    let app = |n: &i64| {
        by_number
            .get(n)
            .copied()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("round {}: no application has draw number {n}", r.id)))
    };
    let mut out = result;
    for a in &mut out.assignments {
        a.id = app(&a.id)?;
    }
    out.order = out.order.iter().map(app).collect::<AppResult<_>>()?;
    out.waitlist = out.waitlist.iter().map(app).collect::<AppResult<_>>()?;
    Ok(out)
}

fn admin_only(actor: &Actor) -> AppResult<()> {
    actor.require(&[Role::CityAdmin])
}

fn wrong_state(zh: &str, en: &str) -> AppError {
    AppError::conflict("round-state", zh.to_string(), en.to_string())
}

/// 1..=n in a random order (Fisher–Yates on the OS random source).
fn shuffled_numbers(n: usize) -> AppResult<Vec<i64>> {
    let mut numbers: Vec<i64> = (1..=n as i64).collect();
    let mut random = vec![0u8; n * 8];
    getrandom::fill(&mut random).map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    for i in (1..n).rev() {
        let word = u64::from_le_bytes(random[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        // The bias of a plain modulo over 64 bits is below 2^-40 for any list a round can have.
        numbers.swap(i, (word % (i as u64 + 1)) as usize);
    }
    Ok(numbers)
}

fn chunks(ids: &[i64]) -> impl Iterator<Item = &[i64]> {
    ids.chunks(500)
}

pub async fn create(app: &App, actor: &Actor, input: RoundInput) -> AppResult<RoundView> {
    admin_only(actor)?;
    AppError::check(input.validate())?;
    let by = actor.user_id;
    let id = app
        .db
        .write(move |c| {
            let found: i64 = zones::table.filter(zones::id.eq_any(&input.zone_ids)).count().get_result(c)?;
            if found as usize != input.zone_ids.len() {
                return Err(AppError::field("zone_ids", "unknown_zone", "有摊规点不存在", "A zone does not exist"));
            }
            let t = now();
            let id: i64 = diesel::insert_into(rounds::table)
                .values((
                    rounds::name.eq(input.name.trim()),
                    rounds::zone_ids.eq(serde_json::to_string(&input.zone_ids).unwrap_or_default()),
                    rounds::opens_at.eq(input.opens_at),
                    rounds::closes_at.eq(input.closes_at),
                    rounds::reserved_percent.eq(i32::from(input.reserved_percent)),
                    rounds::notice_days.eq(i32::from(input.notice_days)),
                    rounds::offer_days.eq(i32::from(input.offer_days)),
                    rounds::outside_source.eq(input.outside_source.trim()),
                    rounds::status.eq(RoundStatus::Planned.as_str()),
                    rounds::seed.eq(""),
                    rounds::seed_commitment.eq(""),
                    rounds::created_by.eq(by),
                    rounds::created_at.eq(t),
                    rounds::updated_at.eq(t),
                ))
                .returning(rounds::id)
                .get_result(c)?;
            audit::record(
                c,
                t,
                Some(by),
                "round.created",
                "round",
                &id.to_string(),
                json!({ "zones": input.zone_ids.len() }),
            )?;
            Ok(id)
        })
        .await?;
    view(app, id, true).await
}

/// Opens the round: a fresh secret seed is made and only its SHA-256 is published. The seed is
/// kept sealed under the key outside the database until the draw reveals it.
pub async fn open(app: &App, actor: &Actor, id: i64) -> AppResult<RoundView> {
    admin_only(actor)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let plain = allocation::seed_from_bytes(bytes);
    let commitment = allocation::commitment(&plain).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let seed = app.vault.seal(&plain);
    let by = actor.user_id;
    app.db
        .write(move |c| {
            let t = now();
            let n = diesel::update(rounds::table.find(id).filter(rounds::status.eq(RoundStatus::Planned.as_str())))
                .set((
                    rounds::status.eq(RoundStatus::Open.as_str()),
                    rounds::seed.eq(&seed),
                    rounds::seed_commitment.eq(&commitment),
                    rounds::opened_at.eq(t),
                    rounds::updated_at.eq(t),
                ))
                .execute(c)?;
            if n == 0 {
                Round::find(c, id)?;
                return Err(wrong_state("只有筹备中的批次可以开放", "Only a planned round can be opened"));
            }
            audit::record(
                c,
                t,
                Some(by),
                "round.opened",
                "round",
                &id.to_string(),
                json!({ "seed_commitment": commitment }),
            )?;
            Ok(())
        })
        .await?;
    view(app, id, true).await
}

/// Closes the round: freezes the eligible applicants who want one of its zones and the free
/// stalls of those zones (held for the draw), and publishes the list's fingerprint.
pub async fn close(app: &App, actor: &Actor, id: i64) -> AppResult<RoundView> {
    admin_only(actor)?;
    let by = actor.user_id;
    app.db
        .write(move |c| {
            let r = Round::find(c, id)?;
            if r.status() != RoundStatus::Open {
                return Err(wrong_state("只有接受申请中的批次可以截止", "Only an open round can be closed"));
            }
            let zone_ids = r.zone_ids();
            let eligible: Vec<(i64, String, String, String)> = apps::table
                .filter(apps::status.eq(ApplicationStatus::Eligible.as_str()))
                .order(apps::id.asc())
                .select((apps::id, apps::category, apps::preferences, apps::priority_groups))
                .load(c)?;
            // Each frozen application gets the next draw number, in application order: the public
            // list and results name draw numbers only.
            // Numbers go out in a random order, so a number says nothing about when someone applied
            // (a neighbour's application number would otherwise point to theirs). Safe for the
            // draw: the outside value is not known yet, so no numbering can be chosen to steer it.
            let mut applicants = Vec::new();
            let mut numbered: Vec<(i64, i64)> = Vec::new();
            for (app_id, cat, prefs, groups) in eligible {
                let preferences: Vec<i64> = serde_json::from_str(&prefs).unwrap_or_default();
                if !preferences.iter().any(|z| zone_ids.contains(z)) {
                    continue;
                }
                let Some(category) = TradeCategory::parse(&cat) else { continue };
                let groups: Vec<common::application::PriorityGroup> = serde_json::from_str(&groups).unwrap_or_default();
                // Only the round's zones count; the others stay for a later round.
                let preferences: Vec<i64> = preferences.into_iter().filter(|z| zone_ids.contains(z)).collect();
                numbered.push((app_id, 0));
                applicants.push(DrawApplicant {
                    id: 0,
                    priority: groups.iter().any(|g| g.is_priority_tier()),
                    category,
                    preferences,
                });
            }
            let free: Vec<(i64, i64, String, String)> = stalls::table
                .filter(stalls::zone_id.eq_any(&zone_ids).and(stalls::state.eq("free")))
                .select((stalls::id, stalls::zone_id, stalls::number, stalls::category))
                .load(c)?;
            let stall_list: Vec<DrawStall> = free
                .into_iter()
                .filter_map(|(sid, zid, number, cat)| {
                    TradeCategory::parse(&cat).map(|category| DrawStall {
                        stall_id: sid,
                        zone_id: zid,
                        number,
                        category,
                    })
                })
                .collect();
            let numbers = shuffled_numbers(numbered.len())?;
            for ((a, entry), n) in applicants.iter_mut().zip(numbered.iter_mut()).zip(numbers) {
                a.id = n;
                entry.1 = n;
            }
            // A round set up before outside values (no source named) is drawn as announced: v1.
            let algorithm = if r.outside_source.trim().is_empty() { Algorithm::V1 } else { Algorithm::V2 };
            if algorithm == Algorithm::V1 {
                for (a, (app_id, _)) in applicants.iter_mut().zip(&numbered) {
                    a.id = *app_id;
                }
            }
            let inputs = DrawInputs {
                algorithm,
                round_id: id,
                outside_source: r.outside_source.clone(),
                applicants,
                stalls: stall_list,
                reserved_percent: r.reserved_percent as u8,
            };
            let fingerprint = allocation::fingerprint(&inputs);
            let t = now();
            let app_ids: Vec<i64> = numbered.iter().map(|(a, _)| *a).collect();
            for ch in chunks(&app_ids) {
                diesel::update(apps::table.filter(apps::id.eq_any(ch)))
                    .set((
                        apps::status.eq(ApplicationStatus::InRound.as_str()),
                        apps::round_id.eq(id),
                        apps::updated_at.eq(t),
                    ))
                    .execute(c)?;
            }
            // Numbers differ per row; one statement per range of consecutive numbers would need
            // backend-specific SQL, and closing is not on a hot path.
            for (app_id, number) in &numbered {
                diesel::update(apps::table.find(*app_id)).set(apps::draw_number.eq(*number as i32)).execute(c)?;
            }
            let stall_ids: Vec<i64> = inputs.stalls.iter().map(|s| s.stall_id).collect();
            for ch in chunks(&stall_ids) {
                diesel::update(stalls::table.filter(stalls::id.eq_any(ch)))
                    .set((stalls::state.eq("reserved"), stalls::updated_at.eq(t)))
                    .execute(c)?;
            }
            bump_version(c)?;
            diesel::update(rounds::table.find(id))
                .set((
                    rounds::status.eq(RoundStatus::Closed.as_str()),
                    rounds::fingerprint.eq(&fingerprint),
                    rounds::inputs.eq(String::from_utf8(allocation::canonical_inputs(&inputs)).unwrap_or_default()),
                    rounds::applicant_count.eq(inputs.applicants.len() as i32),
                    rounds::stall_count.eq(inputs.stalls.len() as i32),
                    rounds::closed_at.eq(t),
                    rounds::updated_at.eq(t),
                ))
                .execute(c)?;
            let mut records: Vec<NewRecord> = app_ids
                .iter()
                .zip(&numbered)
                .map(|(a, (_, number))| NewRecord {
                    actor_id: Some(by),
                    action: "application.in_round".into(),
                    entity: "application".into(),
                    entity_id: a.to_string(),
                    detail: json!({ "round": id, "draw_number": allocation::draw_number_label(id, *number) }),
                })
                .collect();
            records.push(NewRecord {
                actor_id: Some(by),
                action: "round.closed".into(),
                entity: "round".into(),
                entity_id: id.to_string(),
                detail: json!({ "fingerprint": fingerprint, "applicants": app_ids.len(), "stalls": stall_ids.len() }),
            });
            audit::record_many(c, t, records)?;
            listed_notices(c, id, &numbered)?;
            Ok(())
        })
        .await?;
    app.zone_cache.invalidate();
    view(app, id, true).await
}

/// Tells each applicant frozen into a round its draw number, so they can find their line in the
/// published list before the draw and their result after it.
fn listed_notices(c: &mut DbConn, round: i64, numbered: &[(i64, i64)]) -> AppResult<()> {
    let mut applicant_of: HashMap<i64, i64> = HashMap::new();
    let ids: Vec<i64> = numbered.iter().map(|(a, _)| *a).collect();
    for ch in chunks(&ids) {
        let rows: Vec<(i64, i64)> =
            apps::table.filter(apps::id.eq_any(ch)).select((apps::id, apps::applicant_id)).load(c)?;
        applicant_of.extend(rows);
    }
    let round_s = round.to_string();
    let notices = numbered
        .iter()
        .filter_map(|(app_id, number)| {
            let label = allocation::draw_number_label(round, *number);
            Some(Notice::of(
                "round.listed",
                *applicant_of.get(app_id)?,
                format!("application:{app_id}"),
                format!("round.listed:{round}:{app_id}"),
                &[("number", &label), ("round", &round_s)],
                &[],
            ))
        })
        .collect();
    notify_many(c, notices)?;
    Ok(())
}

/// Runs the draw in one transaction: it either fully happens or not at all. A `v2` round needs
/// the outside value from the source its notice named.
pub async fn draw(
    app: &App,
    actor: &Actor,
    id: i64,
    input: DrawInput,
    board: std::sync::Arc<ProgressBoard>,
) -> AppResult<RoundView> {
    admin_only(actor)?;
    let value = input.outside_value.trim().to_string();
    // Checked before any progress is written, so a second press on a drawn round or a missing
    // value leaves the last draw's progress as it was.
    let v2 = app
        .db
        .run(move |c| {
            let r = Round::find(c, id)?;
            if r.status() != RoundStatus::Closed {
                return Err(wrong_state("只有名单已锁定的批次可以摇号", "Only a closed round can be drawn"));
            }
            Ok(r.is_v2())
        })
        .await?;
    // Rounds frozen as v1 (before outside values) draw as they were announced, without one.
    if v2 || !value.is_empty() {
        AppError::check(input.validate())?;
    }
    let by = actor.user_id;
    let shared = |stage: &'static str, done: usize, total: usize| {
        let p = DrawProgress { stage: stage.into(), done, total };
        app.db.write(move |c| Ok(save_progress(c, id, &p)?))
    };
    board.set(id, "drawing", 0, 0);
    shared("drawing", 0, 0).await?;
    let b2 = board.clone();
    let vault = app.vault.clone();
    let r = app.db.write(move |c| draw_in_tx(c, id, by, &vault, &value, &b2)).await;
    match &r {
        Ok(result) => {
            let total = result.order.len();
            board.set(id, "done", total, total);
            shared("done", total, total).await?;
        }
        Err(_) => {
            board.set(id, "failed", 0, 0);
            shared("failed", 0, 0).await?;
        }
    }
    r?;
    app.zone_cache.invalidate();
    view(app, id, true).await
}

/// A draw's progress from any instance: this one's memory first, then what the running one shared.
pub async fn progress(app: &App, id: i64) -> AppResult<DrawProgress> {
    // This instance's memory is freshest while it runs the draw; after that, the shared row is
    // (a later retry may have run on another instance).
    if let Some(p) = app.draws.get(id).filter(|p| p.stage == "drawing" || p.stage == "writing") {
        return Ok(p);
    }
    let mem = app.draws.get(id);
    app.db.run(move |c| stored_progress(c, id)?.or(mem).ok_or(AppError::NotFound)).await
}

pub fn draw_in_tx(
    c: &mut DbConn,
    id: i64,
    by: i64,
    vault: &crate::vault::Keyring,
    outside_value: &str,
    board: &ProgressBoard,
) -> AppResult<DrawResult> {
    let r = Round::find(c, id)?;
    if r.status() != RoundStatus::Closed {
        return Err(wrong_state("只有名单已锁定的批次可以摇号", "Only a closed round can be drawn"));
    }
    let inputs = r.inputs().ok_or_else(|| AppError::Internal(anyhow::anyhow!("round {id} has no frozen inputs")))?;
    let v2 = inputs.algorithm == Algorithm::V2;
    let outside = v2.then_some(outside_value);
    let seed = r.seed(vault)?;
    let total = inputs.applicants.len();
    let drawn =
        allocation::draw_with_progress(&inputs, &seed, outside, &mut |done, all| board.set(id, "drawing", done, all))
            .map_err(|e| match e {
            allocation::DrawError::OutsideValue => AppError::field("outside_value", "required", e.zh(), e.to_string()),
            e => AppError::Internal(anyhow::anyhow!("draw failed: {e}")),
        })?;
    let published = serde_json::to_string(&drawn).unwrap_or_default();
    let result = result_by_application(c, &r, drawn)?;
    board.set(id, "writing", 0, total);
    let t = now();
    let positions: HashMap<i64, i32> = result.order.iter().enumerate().map(|(i, a)| (*a, i as i32 + 1)).collect();
    let allocated: Vec<i64> = result.assignments.iter().map(|a| a.id).collect();
    let mut written = 0;
    // Positions differ per row; statuses are set in bulk.
    for (app_id, pos) in &positions {
        diesel::update(apps::table.find(*app_id)).set(apps::draw_position.eq(*pos)).execute(c)?;
        written += 1;
        if written % 2000 == 0 {
            board.set(id, "writing", written, total);
        }
    }
    for ch in chunks(&allocated) {
        diesel::update(apps::table.filter(apps::id.eq_any(ch)))
            .set((apps::status.eq(ApplicationStatus::Allocated.as_str()), apps::updated_at.eq(t)))
            .execute(c)?;
    }
    for ch in chunks(&result.waitlist) {
        diesel::update(apps::table.filter(apps::id.eq_any(ch)))
            .set((apps::status.eq(ApplicationStatus::Waitlisted.as_str()), apps::updated_at.eq(t)))
            .execute(c)?;
    }
    let notice_until = calendar::load(c)?.add_working_days(today(), r.notice_days as u32);
    diesel::update(rounds::table.find(id))
        .set((
            rounds::status.eq(RoundStatus::Drawn.as_str()),
            rounds::result.eq(&published),
            rounds::algorithm.eq(&result.algorithm),
            // Revealed: the seed is public from now on, with the outside value it was mixed with.
            rounds::seed.eq(&seed),
            rounds::outside_value.eq(outside.map(str::to_string)),
            rounds::placed_count.eq(result.assignments.len() as i32),
            rounds::drawn_at.eq(t),
            rounds::notice_until.eq(notice_until),
            rounds::updated_at.eq(t),
        ))
        .execute(c)?;
    let stall_of: HashMap<i64, i64> = result.assignments.iter().map(|a| (a.id, a.stall_id)).collect();
    let mut records: Vec<NewRecord> = result
        .order
        .iter()
        .map(|a| {
            let (action, detail) = match stall_of.get(a) {
                Some(s) => ("application.allocated", json!({ "round": id, "stall": s, "position": positions[a] })),
                None => ("application.waitlisted", json!({ "round": id, "position": positions[a] })),
            };
            NewRecord {
                actor_id: Some(by),
                action: action.into(),
                entity: "application".into(),
                entity_id: a.to_string(),
                detail,
            }
        })
        .collect();
    records.push(NewRecord {
        actor_id: Some(by),
        action: "round.drawn".into(),
        entity: "round".into(),
        entity_id: id.to_string(),
        detail: json!({ "seed": seed, "outside_value": outside, "fingerprint": result.fingerprint,
            "algorithm": result.algorithm, "allocated": result.assignments.len(), "waitlisted": result.waitlist.len() }),
    });
    audit::record_many(c, t, records)?;
    draw_notices(c, id, &result, notice_until)?;
    board.set(id, "writing", total, total);
    Ok(result)
}

/// Tells every applicant of a draw its result, in the draw's transaction: the stall drawn and
/// the end of the notice period, or the place on the waiting list.
pub fn draw_notices(c: &mut DbConn, round: i64, result: &DrawResult, notice_until: chrono::NaiveDate) -> AppResult<()> {
    let applicant_of: HashMap<i64, i64> = apps::table
        .filter(apps::round_id.eq(round))
        .select((apps::id, apps::applicant_id))
        .load(c)?
        .into_iter()
        .collect();
    let stall_ids: Vec<i64> = result.assignments.iter().map(|a| a.stall_id).collect();
    let mut place: HashMap<i64, (String, String)> = HashMap::new();
    for ch in chunks(&stall_ids) {
        let rows: Vec<(i64, String, String)> = stalls::table
            .inner_join(zones::table.on(zones::id.eq(stalls::zone_id)))
            .filter(stalls::id.eq_any(ch))
            .select((stalls::id, zones::name, stalls::number))
            .load(c)?;
        place.extend(rows.into_iter().map(|(id, z, n)| (id, (z, n))));
    }
    let (date_zh, date_en) = (notice_until.format("%-m月%-d日").to_string(), notice_until.format("%-d %b").to_string());
    let round_s = round.to_string();
    let mut notices = Vec::with_capacity(result.order.len());
    for a in &result.assignments {
        let (Some(user), Some((zone, stall))) = (applicant_of.get(&a.id), place.get(&a.stall_id)) else {
            continue;
        };
        notices.push(Notice::of(
            "round.placed",
            *user,
            format!("application:{}", a.id),
            format!("round.placed:{round}:{}", a.id),
            &[("zone", zone), ("stall", stall), ("date", &date_zh), ("round", &round_s)],
            &[("date", &date_en)],
        ));
    }
    for (i, app_id) in result.waitlist.iter().enumerate() {
        let Some(user) = applicant_of.get(app_id) else { continue };
        let position = (i + 1).to_string();
        notices.push(Notice::of(
            "round.waitlisted",
            *user,
            format!("application:{app_id}"),
            format!("round.waitlisted:{round}:{app_id}"),
            &[("position", &position), ("round", &round_s)],
            &[],
        ));
    }
    notify_many(c, notices)?;
    Ok(())
}

pub async fn lodge_objection(
    app: &App,
    actor: &Actor,
    round_id: i64,
    input: ObjectionInput,
) -> AppResult<ObjectionView> {
    actor.require(&[Role::Vendor])?;
    let mut e = common::validate::Errors::new();
    e.text("text", "异议内容", "Objection", &input.text, 1000);
    AppError::check(e.0)?;
    let uid = actor.user_id;
    app.db
        .write(move |c| {
            let r = Round::find(c, round_id)?;
            // Only the round's applicants may object; who asks is settled before when.
            let app_id: i64 = apps::table
                .filter(apps::round_id.eq(round_id).and(apps::applicant_id.eq(uid)))
                .select(apps::id)
                .first(c)
                .optional()?
                .ok_or(AppError::Forbidden)?;
            let in_notice = r.status() == RoundStatus::Drawn && r.notice_until.is_some_and(|d| today() <= d);
            if !in_notice {
                return Err(wrong_state(
                    "只能在公示期内提出异议",
                    "Objections can only be lodged during the notice period",
                ));
            }
            let t = now();
            let oid: i64 = diesel::insert_into(objections::table)
                .values((
                    objections::round_id.eq(round_id),
                    objections::application_id.eq(app_id),
                    objections::text.eq(input.text.trim()),
                    objections::status.eq("open"),
                    objections::answer.eq(""),
                    objections::created_at.eq(t),
                ))
                .returning(objections::id)
                .get_result(c)?;
            audit::record(
                c,
                t,
                Some(uid),
                "application.objection_lodged",
                "application",
                &app_id.to_string(),
                json!({ "round": round_id, "objection": oid }),
            )?;
            objection(c, oid)
        })
        .await
}

fn objection(c: &mut DbConn, oid: i64) -> AppResult<ObjectionView> {
    let (id, round_id, application_id, text, status, answer, created_at, answered_at) = objections::table
        .find(oid)
        .select((
            objections::id,
            objections::round_id,
            objections::application_id,
            objections::text,
            objections::status,
            objections::answer,
            objections::created_at,
            objections::answered_at,
        ))
        .first::<(i64, i64, i64, String, String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)>(c)?;
    Ok(ObjectionView { id, round_id, application_id, text, status, answer, created_at, answered_at })
}

pub async fn list_objections(app: &App, actor: &Actor, round_id: i64) -> AppResult<Vec<ObjectionView>> {
    admin_only(actor)?;
    app.db
        .run(move |c| {
            let ids: Vec<i64> = objections::table
                .filter(objections::round_id.eq(round_id))
                .order(objections::id.asc())
                .select(objections::id)
                .load(c)?;
            ids.into_iter().map(|i| objection(c, i)).collect()
        })
        .await
}

pub async fn answer_objection(app: &App, actor: &Actor, oid: i64, input: ObjectionAnswer) -> AppResult<ObjectionView> {
    admin_only(actor)?;
    let mut e = common::validate::Errors::new();
    e.text("answer", "答复", "Answer", &input.answer, 1000);
    AppError::check(e.0)?;
    let by = actor.user_id;
    app.db
        .write(move |c| {
            let t = now();
            let n = diesel::update(objections::table.find(oid).filter(objections::status.eq("open")))
                .set((
                    objections::status.eq("answered"),
                    objections::answer.eq(input.answer.trim()),
                    objections::answered_by.eq(by),
                    objections::answered_at.eq(t),
                ))
                .execute(c)?;
            if n == 0 {
                objection(c, oid)?;
                return Err(AppError::conflict("answered", "该异议已答复", "This objection has already been answered"));
            }
            let o = objection(c, oid)?;
            audit::record(
                c,
                t,
                Some(by),
                "application.objection_answered",
                "application",
                &o.application_id.to_string(),
                json!({ "objection": oid, "reason": o.answer }),
            )?;
            Ok(o)
        })
        .await
}

/// After the notice period, with every objection answered: results become offers, and stalls
/// nobody drew are released.
pub async fn confirm(app: &App, actor: &Actor, id: i64) -> AppResult<RoundView> {
    admin_only(actor)?;
    let by = actor.user_id;
    app.db
        .write(move |c| {
            let r = Round::find(c, id)?;
            if r.status() != RoundStatus::Drawn {
                return Err(wrong_state("只有已摇号的批次可以确认", "Only a drawn round can be confirmed"));
            }
            if r.notice_until.is_some_and(|d| today() < d) {
                return Err(wrong_state("公示期尚未结束", "The notice period has not ended"));
            }
            let open: i64 = objections::table
                .filter(objections::round_id.eq(id).and(objections::status.eq("open")))
                .count()
                .get_result(c)?;
            if open > 0 {
                return Err(wrong_state("还有异议未答复", "Some objections are not yet answered"));
            }
            let result = r.result().ok_or_else(|| AppError::Internal(anyhow::anyhow!("drawn round without result")))?;
            let result = result_by_application(c, &r, result)?;
            let held: Vec<i64> = r.inputs().map(|i| i.stalls.iter().map(|s| s.stall_id).collect()).unwrap_or_default();
            let t = now();
            let respond_by = t + Duration::days(i64::from(r.offer_days));
            let applicant_of: HashMap<i64, i64> = apps::table
                .filter(apps::round_id.eq(id))
                .select((apps::id, apps::applicant_id))
                .load(c)?
                .into_iter()
                .collect();
            let rows: Vec<_> = result
                .assignments
                .iter()
                .map(|a| {
                    (
                        offers::round_id.eq(Some(id)),
                        offers::application_id.eq(a.id),
                        offers::applicant_id.eq(applicant_of.get(&a.id).copied().unwrap_or(0)),
                        offers::stall_id.eq(a.stall_id),
                        offers::status.eq("pending"),
                        offers::offered_at.eq(t),
                        offers::respond_by.eq(respond_by),
                    )
                })
                .collect();
            for ch in rows.chunks(500) {
                match c {
                    DbConn::Pg(pg) => diesel::insert_into(offers::table).values(ch).execute(pg)?,
                    DbConn::Sqlite(s) => diesel::insert_into(offers::table).values(ch).execute(s)?,
                };
            }
            let allocated: Vec<i64> = result.assignments.iter().map(|a| a.id).collect();
            for ch in chunks(&allocated) {
                diesel::update(apps::table.filter(apps::id.eq_any(ch)))
                    .set((apps::status.eq(ApplicationStatus::Offered.as_str()), apps::updated_at.eq(t)))
                    .execute(c)?;
            }
            let taken: std::collections::HashSet<i64> = result.assignments.iter().map(|a| a.stall_id).collect();
            let unused: Vec<i64> = held.into_iter().filter(|s| !taken.contains(s)).collect();
            for ch in chunks(&unused) {
                diesel::update(stalls::table.filter(stalls::id.eq_any(ch).and(stalls::state.eq("reserved"))))
                    .set((stalls::state.eq("free"), stalls::updated_at.eq(t)))
                    .execute(c)?;
            }
            bump_version(c)?;
            diesel::update(rounds::table.find(id))
                .set((
                    rounds::status.eq(RoundStatus::Confirmed.as_str()),
                    rounds::confirmed_at.eq(t),
                    rounds::updated_at.eq(t),
                ))
                .execute(c)?;
            let mut records: Vec<NewRecord> = allocated
                .iter()
                .map(|a| NewRecord {
                    actor_id: Some(by),
                    action: "application.offered".into(),
                    entity: "application".into(),
                    entity_id: a.to_string(),
                    detail: json!({ "round": id, "respond_by": respond_by }),
                })
                .collect();
            records.push(NewRecord {
                actor_id: Some(by),
                action: "round.confirmed".into(),
                entity: "round".into(),
                entity_id: id.to_string(),
                detail: json!({ "offers": allocated.len(), "released": unused.len() }),
            });
            audit::record_many(c, t, records)?;
            // Each placed applicant is asked to confirm, by text, before the deadline.
            let mut made: Vec<i64> = Vec::with_capacity(allocated.len());
            for ch in chunks(&allocated) {
                made.extend(
                    offers::table
                        .filter(offers::round_id.eq(Some(id)).and(offers::application_id.eq_any(ch)))
                        .filter(offers::status.eq("pending"))
                        .select(offers::id)
                        .load::<i64>(c)?,
                );
            }
            crate::services::offers::notify_offers(c, "offer.made", &made)?;
            Ok(())
        })
        .await?;
    app.zone_cache.invalidate();
    view(app, id, true).await
}

/// Re-runs the draw from the stored (published) inputs, seed and outside value and compares
/// with the stored result.
pub fn verify(c: &mut DbConn, id: i64) -> AppResult<Result<(), String>> {
    let r = Round::find(c, id)?;
    let Some(record) = r.record() else {
        return Ok(Err("the round has not been drawn".into()));
    };
    Ok(record.verify().map_err(|(_, why)| why))
}

/// The round as the public (or, with `staff`, an admin) sees it. The seed appears only once drawn.
pub async fn view(app: &App, id: i64, staff: bool) -> AppResult<RoundView> {
    app.db.run(move |c| build_view(c, id, staff)).await
}

fn zone_names(c: &mut DbConn, zone_ids: &[i64]) -> QueryResult<HashMap<i64, (String, String)>> {
    let zs: Vec<(i64, String, String)> =
        zones::table.filter(zones::id.eq_any(zone_ids)).select((zones::id, zones::code, zones::name)).load(c)?;
    Ok(zs.into_iter().map(|(i, code, n)| (i, (code, n))).collect())
}

/// The round's own columns, without its list or results.
fn summary(r: &Round, zone_by_id: &HashMap<i64, (String, String)>, open_objections: i64) -> RoundView {
    let status = r.status();
    RoundView {
        id: r.id,
        name: r.name.clone(),
        status,
        zones: r
            .zone_ids()
            .iter()
            .filter_map(|i| {
                zone_by_id.get(i).map(|(code, name)| RoundZone { id: *i, code: code.clone(), name: name.clone() })
            })
            .collect(),
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        reserved_percent: r.reserved_percent as u8,
        notice_days: r.notice_days as u8,
        offer_days: r.offer_days as u8,
        outside_source: Some(r.outside_source.clone()).filter(|s| !s.is_empty()),
        outside_value: r.outside_value.clone(),
        seed_commitment: Some(r.seed_commitment.clone()).filter(|s| !s.is_empty()),
        fingerprint: r.fingerprint.clone(),
        seed: r.revealed_seed(),
        algorithm: r.algorithm.clone(),
        applicants: r.applicant_count.map(|n| n as usize),
        stalls: r.stall_count.map(|n| n as usize),
        placed: r.placed_count.map(|n| n as usize),
        drawn_at: r.drawn_at,
        notice_until: r.notice_until,
        confirmed_at: r.confirmed_at,
        results: Vec::new(),
        open_objections,
    }
}

fn build_view(c: &mut DbConn, id: i64, _staff: bool) -> AppResult<RoundView> {
    let r = Round::find(c, id)?;
    let zone_by_id = zone_names(c, &r.zone_ids())?;
    let open_objections = objections::table
        .filter(objections::round_id.eq(id).and(objections::status.eq("open")))
        .count()
        .get_result(c)?;
    let mut view = summary(&r, &zone_by_id, open_objections);
    let inputs = r.inputs();
    if view.algorithm.is_none() {
        view.algorithm = inputs.as_ref().map(|i| i.algorithm.as_str().to_string());
    }
    // Rounds closed before the counts were columns.
    if view.applicants.is_none() {
        view.applicants = inputs.as_ref().map(|i| i.applicants.len());
        view.stalls = inputs.as_ref().map(|i| i.stalls.len());
    }
    if let (Some(inputs), Some(result)) = (&inputs, r.result()) {
        view.placed = Some(result.assignments.len());
        view.results = result_lines(&r, inputs, &result, &zone_by_id);
    }
    Ok(view)
}

/// The public results: each applicant by draw number (`v1` rounds: by application number) with
/// trade and the priority flag, never a name or an ID digit.
fn result_lines(
    r: &Round,
    inputs: &DrawInputs,
    result: &DrawResult,
    zone_by_id: &HashMap<i64, (String, String)>,
) -> Vec<ResultLine> {
    let stall_by_id: HashMap<i64, &DrawStall> = inputs.stalls.iter().map(|s| (s.stall_id, s)).collect();
    let applicant_by_id: HashMap<i64, &DrawApplicant> = inputs.applicants.iter().map(|a| (a.id, a)).collect();
    let assigned: HashMap<i64, &allocation::Assignment> = result.assignments.iter().map(|a| (a.id, a)).collect();
    let waitpos: HashMap<i64, u32> = result.waitlist.iter().enumerate().map(|(i, a)| (*a, i as u32 + 1)).collect();
    let v2 = inputs.algorithm == Algorithm::V2;
    result
        .order
        .iter()
        .enumerate()
        .map(|(i, who)| {
            let a = applicant_by_id.get(who);
            let asg = assigned.get(who);
            let stall = asg.and_then(|x| stall_by_id.get(&x.stall_id));
            let zone = asg.and_then(|x| zone_by_id.get(&x.zone_id));
            ResultLine {
                position: i as u32 + 1,
                draw_number: if v2 { r.draw_label(*who) } else { who.to_string() },
                category: a.map(|a| a.category).unwrap_or(TradeCategory::DailyGoods),
                priority: a.is_some_and(|a| a.priority),
                zone_code: zone.map(|z| z.0.clone()),
                zone_name: zone.map(|z| z.1.clone()),
                stall_number: stall.map(|s| s.number.clone()),
                preference_rank: asg.map(|x| x.preference_rank),
                reserved: asg.is_some_and(|x| x.reserved),
                waitlist_position: waitpos.get(who).copied(),
            }
        })
        .collect()
}

/// Rounds for the public list, newest first, a page at a time (`before`: the last id of the
/// previous page), from the rounds' own columns.
pub async fn list(app: &App, before: Option<i64>, limit: i64) -> AppResult<Vec<RoundView>> {
    app.db
        .run(move |c| {
            let mut q = rounds::table.order(rounds::id.desc()).limit(limit.clamp(1, 100)).into_boxed();
            if let Some(b) = before {
                q = q.filter(rounds::id.lt(b));
            }
            let page: Vec<Round> = q.load(c)?;
            let all_zones: Vec<i64> = page.iter().flat_map(Round::zone_ids).collect();
            let zone_by_id = zone_names(c, &all_zones)?;
            let ids: Vec<i64> = page.iter().map(|r| r.id).collect();
            let open: Vec<i64> = objections::table
                .filter(objections::round_id.eq_any(&ids).and(objections::status.eq("open")))
                .select(objections::round_id)
                .load(c)?;
            Ok(page
                .iter()
                .map(|r| {
                    let mut v = summary(r, &zone_by_id, open.iter().filter(|o| **o == r.id).count() as i64);
                    // Rounds closed before the counts were columns: read them once from the list.
                    if v.applicants.is_none() && r.inputs.is_some() {
                        let i = r.inputs();
                        v.applicants = i.as_ref().map(|i| i.applicants.len());
                        v.stalls = i.as_ref().map(|i| i.stalls.len());
                    }
                    v
                })
                .collect())
        })
        .await
}

/// The list frozen at closing, as published: every applicant by draw number with trade,
/// priority flag and preferences, and the stalls, with the fingerprint that the draw will use.
pub async fn published_list(app: &App, id: i64) -> AppResult<(Round, DrawInputs)> {
    app.db
        .run(move |c| {
            let r = Round::find(c, id)?;
            let inputs = r.inputs().filter(|i| i.algorithm == Algorithm::V2).ok_or(AppError::NotFound)?;
            Ok((r, inputs))
        })
        .await
}

/// One applicant's line of the published list (and result, once drawn), by draw number.
pub async fn list_line(app: &App, id: i64, number: &str) -> AppResult<ListLine> {
    let number = number.to_string();
    app.db
        .run(move |c| {
            let r = Round::find(c, id)?;
            let n = allocation::parse_draw_number(id, &number).ok_or(AppError::NotFound)?;
            let inputs = r.inputs().filter(|i| i.algorithm == Algorithm::V2).ok_or(AppError::NotFound)?;
            let a = inputs.applicants.iter().find(|a| a.id == n).ok_or(AppError::NotFound)?;
            // Preferences were reduced to the round's zones at closing: one look-up serves both.
            let zone_by_id = zone_names(c, &r.zone_ids())?;
            let label = r.draw_label(n);
            let result = r.result().and_then(|res| {
                result_lines(&r, &inputs, &res, &zone_by_id).into_iter().find(|l| l.draw_number == label)
            });
            Ok(ListLine {
                draw_number: label,
                category: a.category,
                priority: a.priority,
                preferences: a
                    .preferences
                    .iter()
                    .map(|z| {
                        let (code, name) = zone_by_id.get(z).cloned().unwrap_or_default();
                        RoundZone { id: *z, code, name }
                    })
                    .collect(),
                fingerprint: r.fingerprint.clone().unwrap_or_default(),
                result,
            })
        })
        .await
}

/// The published record of a drawn round: the frozen inputs, the seed, the outside value and the
/// result, enough for anyone to recompute the draw with `tangui verify-round --file` or in the
/// browser; and the audit log's head right after the draw, which `tangui verify-audit --heads`
/// takes (as a one-line list).
pub async fn published_record(app: &App, id: i64) -> AppResult<serde_json::Value> {
    app.db
        .run(move |c| {
            let r = Round::find(c, id)?;
            let record = r.record().ok_or(AppError::NotFound)?;
            let head = audit::head_after(c, "round.drawn", "round", &id.to_string())?;
            let mut v = record.to_public_json();
            v["audit_head"] = json!(head);
            v["specification"] = json!(SPECIFICATION);
            Ok(v)
        })
        .await
}

/// Where the algorithm is specified, as a record points to it.
pub const SPECIFICATION: &str = "/api/v1/rounds/specification";

/// Verifies a published record (as downloaded from the public round page), without a database.
pub fn verify_record(record: &serde_json::Value) -> Result<String, String> {
    let record: DrawRecord = serde_json::from_value(record.clone()).map_err(|e| format!("not a round record: {e}"))?;
    record.verify().map_err(|(step, why)| format!("{step:?}: {why}"))?;
    Ok(format!(
        "round {} verified ({}): {} applicants, {} stalls, {} placed, {} waitlisted",
        record.round_id,
        record.algorithm,
        record.inputs.applicants.len(),
        record.inputs.stalls.len(),
        record.result.assignments.len(),
        record.result.waitlist.len()
    ))
}
