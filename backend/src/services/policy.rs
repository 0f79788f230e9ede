//! The policy pack in the database: the first version comes from `assets/policy/xiamen.toml`;
//! admins edit one draft at a time and publish it as the next version. Published versions are
//! never changed, so every decision can name the version it used.

use common::Role;
use common::dto::filings::{PolicyDraft, PolicyVersionSummary};
use common::policy::PolicyPack;
use diesel::prelude::*;
use serde_json::json;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::now;
use crate::db::DbConn;
use crate::db::schema::policy_versions as pv;
use crate::error::{AppError, AppResult};
use crate::models::audit;

pub const BUNDLED_PACK: &str = include_str!("../../../assets/policy/xiamen.toml");

pub fn bundled() -> anyhow::Result<PolicyPack> {
    toml::from_str(BUNDLED_PACK).map_err(|e| anyhow::anyhow!("assets/policy/xiamen.toml: {e}"))
}

/// On a new database, the bundled pack becomes the published version 1.
pub fn seed_if_empty(c: &mut DbConn) -> anyhow::Result<()> {
    let n: i64 = pv::table.count().get_result(c)?;
    if n > 0 {
        return Ok(());
    }
    let pack = bundled()?;
    let t = now();
    diesel::insert_into(pv::table)
        .values((
            pv::version.eq(pack.version as i32),
            pv::status.eq("published"),
            pv::pack.eq(serde_json::to_string(&pack)?),
            pv::note.eq("初始版本（随系统发布的厦门政策包）"),
            pv::created_at.eq(t),
            pv::published_at.eq(t),
        ))
        .execute(c)?;
    Ok(())
}

/// The pack in force.
pub fn current(c: &mut DbConn) -> AppResult<PolicyPack> {
    let text: String = pv::table
        .filter(pv::status.eq("published"))
        .order(pv::version.desc())
        .select(pv::pack)
        .first(c)
        .map_err(|_| AppError::Unavailable("no published policy pack".into()))?;
    serde_json::from_str(&text).map_err(|e| AppError::Internal(anyhow::anyhow!("stored policy pack: {e}")))
}

pub fn version(c: &mut DbConn, v: u32) -> AppResult<PolicyPack> {
    let text: String =
        pv::table.filter(pv::version.eq(v as i32).and(pv::status.ne("draft"))).select(pv::pack).first(c)?;
    serde_json::from_str(&text).map_err(|e| AppError::Internal(anyhow::anyhow!("stored policy pack: {e}")))
}

pub fn versions(c: &mut DbConn) -> AppResult<Vec<PolicyVersionSummary>> {
    let rows: Vec<(i32, String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = pv::table
        .order((pv::version.desc(), pv::id.desc()))
        .select((pv::version, pv::status, pv::note, pv::created_at, pv::published_at))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(version, status, note, created_at, published_at)| PolicyVersionSummary {
            version: version as u32,
            status,
            note,
            created_at,
            published_at,
        })
        .collect())
}

pub fn draft(c: &mut DbConn) -> AppResult<Option<PolicyDraft>> {
    let row: Option<(String, String)> =
        pv::table.filter(pv::status.eq("draft")).select((pv::pack, pv::note)).first(c).optional()?;
    Ok(match row {
        Some((pack, note)) => Some(PolicyDraft {
            pack: serde_json::from_str(&pack).map_err(|e| AppError::Internal(anyhow::anyhow!("stored draft: {e}")))?,
            note,
        }),
        None => None,
    })
}

/// Saves the draft (replacing any earlier one). Its version is the next one, whatever was sent.
pub async fn save_draft(app: &App, actor: &Actor, mut d: PolicyDraft) -> AppResult<PolicyDraft> {
    actor.require(&[Role::CityAdmin])?;
    AppError::check(d.pack.validate())?;
    let by = actor.user_id;
    app.db
        .write(move |c| {
            let latest = current(c)?;
            d.pack.version = latest.version + 1;
            let t = now();
            diesel::delete(pv::table.filter(pv::status.eq("draft"))).execute(c)?;
            diesel::insert_into(pv::table)
                .values((
                    pv::version.eq(d.pack.version as i32),
                    pv::status.eq("draft"),
                    pv::pack.eq(serde_json::to_string(&d.pack).unwrap_or_default()),
                    pv::note.eq(d.note.trim()),
                    pv::created_by.eq(by),
                    pv::created_at.eq(t),
                ))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(by),
                "policy.draft_saved",
                "policy",
                &d.pack.version.to_string(),
                json!({ "note": d.note }),
            )?;
            Ok(d)
        })
        .await
}

/// Publishes the draft as the new version; the previous one stays readable for old decisions.
pub async fn publish(app: &App, actor: &Actor) -> AppResult<PolicyVersionSummary> {
    actor.require(&[Role::CityAdmin])?;
    let by = actor.user_id;
    app.db
        .write(move |c| {
            let d = draft(c)?
                .ok_or_else(|| AppError::conflict("no-draft", "没有待发布的草稿", "There is no draft to publish"))?;
            AppError::check(d.pack.validate())?;
            let t = now();
            diesel::update(pv::table.filter(pv::status.eq("published"))).set(pv::status.eq("superseded")).execute(c)?;
            diesel::update(pv::table.filter(pv::status.eq("draft")))
                .set((pv::status.eq("published"), pv::published_at.eq(t)))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(by),
                "policy.published",
                "policy",
                &d.pack.version.to_string(),
                json!({ "note": d.note }),
            )?;
            Ok(PolicyVersionSummary {
                version: d.pack.version,
                status: "published".into(),
                note: d.note,
                created_at: t,
                published_at: Some(t),
            })
        })
        .await
}
