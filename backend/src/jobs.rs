//! Scheduled work that runs inside the server: offer deadlines, temporary zone closing, permit
//! expiry and renewal reminders, points lapsing, sending queued notices, and deleting personal
//! data whose time is up (`services::retention`), and publishing the audit log's head each day.
//!
//! Exactly once across instances: before a job runs for a time slot, the instance claims the
//! slot with an insert into `job_runs (job, slot)`; the primary key lets only one instance win,
//! the others skip. Each job is also idempotent (every change is a conditional update, every
//! notice has a unique key), so a crash half-way and a re-run next slot still change things once.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::app::{App, AppState};
use crate::clock::now;
use crate::db::DbConn;
use crate::db::schema::job_runs;
use crate::error::AppResult;

/// Runs the jobs now and then every `every`.
pub fn spawn(state: AppState, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_once(&state, every).await;
        }
    });
}

/// The slot a moment falls in: jobs run at most once per slot.
pub fn slot(at: NaiveDateTime, every: Duration) -> String {
    let secs = every.as_secs().max(1) as i64;
    (at.and_utc().timestamp().div_euclid(secs)).to_string()
}

/// Claims `job` for `slot`; false when another instance (or an earlier run) already has.
pub fn claim(c: &mut DbConn, job: &str, slot: &str, instance: &str) -> AppResult<bool> {
    let r = c.transaction(|c| {
        diesel::insert_into(job_runs::table)
            .values((
                job_runs::job.eq(job),
                job_runs::slot.eq(slot),
                job_runs::instance.eq(instance),
                job_runs::started_at.eq(now()),
                job_runs::changed.eq(0),
            ))
            .execute(c)
    });
    match r {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

async fn finish(app: &App, job: &'static str, slot: String, changed: usize) {
    let r = app
        .db
        .write(move |c| {
            diesel::update(job_runs::table.find((job, slot)))
                .set((job_runs::finished_at.eq(now()), job_runs::changed.eq(changed as i32)))
                .execute(c)?;
            Ok(())
        })
        .await;
    if let Err(e) = r {
        tracing::warn!(job, error = %e, "recording the job run failed");
    }
}

/// Runs every job whose slot this instance wins; returns what each changed (None: skipped).
pub async fn run_once(state: &AppState, every: Duration) -> Vec<(&'static str, Option<usize>)> {
    let slot = slot(now(), every);
    let mut report = Vec::new();
    for job in JOBS {
        let (j, s, me) = (job.name, slot.clone(), state.instance.clone());
        let won = state.db.write(move |c| claim(c, j, &s, &me)).await;
        match won {
            Ok(true) => {}
            Ok(false) => {
                report.push((job.name, None));
                continue;
            }
            Err(e) => {
                tracing::warn!(job = job.name, error = %e, "claiming the job failed");
                report.push((job.name, None));
                continue;
            }
        }
        let result = (job.run)(state.clone()).await;
        match result {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(job = job.name, changed = n, "scheduled job done");
                }
                finish(state, job.name, slot.clone(), n).await;
                report.push((job.name, Some(n)));
            }
            Err(e) => {
                tracing::warn!(job = job.name, error = %e, "scheduled job failed");
                report.push((job.name, None));
            }
        }
    }
    state.zone_cache.invalidate();
    report
}

type JobFuture = std::pin::Pin<Box<dyn std::future::Future<Output = AppResult<usize>> + Send>>;

struct Job {
    name: &'static str,
    run: fn(AppState) -> JobFuture,
}

const JOBS: &[Job] = &[
    Job { name: "offers.expire", run: |s| Box::pin(async move { crate::services::offers::expire_due(&s).await }) },
    Job {
        name: "zones.close_temporary",
        run: |s| Box::pin(async move { crate::services::zones::close_expired(&s).await }),
    },
    Job { name: "permits.expire", run: |s| Box::pin(async move { crate::services::permits::expire_due(&s).await }) },
    Job { name: "permits.remind", run: |s| Box::pin(async move { crate::services::permits::remind_due(&s).await }) },
    Job {
        name: "permits.attendance",
        run: |s| Box::pin(async move { crate::services::attendance::review_due(&s).await }),
    },
    Job { name: "points.lapse", run: |s| Box::pin(async move { crate::services::inspections::lapse_due(&s).await }) },
    Job { name: "offers.remind", run: |s| Box::pin(async move { crate::services::offers::remind_due(&s).await }) },
    Job {
        name: "audit.checkpoint",
        run: |s| {
            Box::pin(async move {
                let at = now();
                Ok(s.db.write(move |c| Ok(crate::models::audit::checkpoint(c, at)?)).await? as usize)
            })
        },
    },
    Job {
        name: "files.sweep",
        run: |s| {
            Box::pin(
                async move { crate::files::sweep(&s, chrono::Duration::hours(crate::files::SWEEP_GRACE_HOURS)).await },
            )
        },
    },
    Job { name: "retention.apply", run: |s| Box::pin(async move { crate::services::retention::apply_due(&s).await }) },
];
