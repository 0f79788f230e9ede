//! The officer's workbench: stall applications, shop filings and public reports of the officer's
//! district (all districts for the city) in one list, with 待办 / 已办 / 全部, search, filters and
//! paging.
//!
//! Each kind is read with its own visibility query (district scoping happens there, in SQL), as
//! small rows; the merge, search and paging happen here. A district holds thousands of cases,
//! not millions, so this stays in the low milliseconds; search across kinds would otherwise need
//! a shared index table.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use common::Text;
use common::application::ApplicationStatus;
use common::dto::cases::{CaseCounts, CaseFilter, CaseKind, CaseList, CaseRow, CaseTab};
use common::dto::filings::filing_status_name;
use common::dto::lifecycle::{complaint_service_name, complaint_status_name};
use common::policy::{Check, Evaluation, PolicyApplication};
use common::{District, Role};
use diesel::prelude::*;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::today;
use crate::db::DbConn;
use crate::db::schema::{
    complaints as cp, shop_filings as sf, stall_applications as apps, street_segments, users, zones,
};
use crate::error::AppResult;
use crate::models::application::visible_to;
use crate::models::calendar;
use crate::services::{complaints, filings, policy};

/// A case before its tab is decided: whether it waits for an officer or was decided by one.
struct Entry {
    row: CaseRow,
    todo: bool,
    done: bool,
    /// Lower-case text searched by `q` (number, names, address).
    haystack: String,
}

pub async fn list(app: &App, actor: &Actor, f: CaseFilter) -> AppResult<CaseList> {
    actor.require(&[Role::DistrictOfficer, Role::CityAdmin])?;
    let a = actor.clone();
    app.db
        .run(move |c| {
            let mut all = Vec::new();
            let wants = |k: CaseKind| f.kind.is_none_or(|x| x == k);
            if wants(CaseKind::Stall) {
                all.extend(stall_cases(c, &a)?);
            }
            if wants(CaseKind::CrossStore) || wants(CaseKind::OutdoorPromo) {
                all.extend(filing_cases(c, &a)?.into_iter().filter(|e| wants(e.row.kind)));
            }
            if wants(CaseKind::Complaint) {
                all.extend(complaint_cases(c, &a)?);
            }
            let counts = CaseCounts {
                todo: all.iter().filter(|e| e.todo).count() as i64,
                done: all.iter().filter(|e| e.done).count() as i64,
                all: all.len() as i64,
                overdue: all.iter().filter(|e| e.todo && e.row.overdue).count() as i64,
            };
            let q = f.q.as_deref().map(str::to_lowercase);
            let street = f.street.as_deref().map(str::to_lowercase);
            let mut rows: Vec<CaseRow> = all
                .into_iter()
                .filter(|e| match f.tab {
                    CaseTab::Todo => e.todo,
                    CaseTab::Done => e.done,
                    CaseTab::All => true,
                })
                .filter(|e| f.status.as_deref().is_none_or(|s| e.row.status == s))
                .filter(|e| !f.overdue || e.row.overdue)
                .filter(|e| q.as_deref().is_none_or(|q| e.haystack.contains(q)))
                .filter(|e| street.as_deref().is_none_or(|s| e.row.place.to_lowercase().contains(s)))
                .map(|e| e.row)
                .collect();
            match f.tab {
                // Soonest deadline first (overdue ones lead), undated last.
                CaseTab::Todo => rows.sort_by_key(|r| (r.deadline.is_none(), r.deadline, r.submitted_at, r.id)),
                _ => rows.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id))),
            }
            let total = rows.len() as i64;
            let start = ((f.page - 1) as usize).saturating_mul(f.per_page as usize);
            let items = rows.into_iter().skip(start).take(f.per_page as usize).collect();
            Ok(CaseList { items, total, page: f.page, per_page: f.per_page, counts })
        })
        .await
}

fn working_days(cal: &common::calendar::Calendar, deadline: Option<NaiveDate>, todo: bool) -> (Option<i64>, bool) {
    match deadline {
        Some(d) if todo => {
            let left = cal.working_days_between(today(), d);
            (Some(left), left < 0)
        }
        _ => (None, false),
    }
}

fn hay(parts: &[&str]) -> String {
    parts.join(" ").to_lowercase()
}

type StallRow = (i64, i64, String, String, Option<String>, Option<NaiveDateTime>, NaiveDateTime, Option<NaiveDate>);

fn stall_cases(c: &mut DbConn, actor: &Actor) -> AppResult<Vec<Entry>> {
    let rows: Vec<StallRow> = visible_to(actor)
        .filter(apps::status.ne(ApplicationStatus::Draft.as_str()))
        .select((
            apps::id,
            apps::applicant_id,
            apps::status,
            apps::preferences,
            apps::district_code,
            apps::submitted_at,
            apps::updated_at,
            apps::deadline,
        ))
        .load(c)?;
    let cal = calendar::load(c)?;
    let user_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::display_name))
        .load(c)?
        .into_iter()
        .collect();
    let first_zone =
        |prefs: &str| -> Option<i64> { serde_json::from_str::<Vec<i64>>(prefs).ok().and_then(|p| p.first().copied()) };
    let zone_ids: Vec<i64> = rows.iter().filter_map(|r| first_zone(&r.3)).collect();
    let zone_names: HashMap<i64, String> = zones::table
        .filter(zones::id.eq_any(&zone_ids))
        .select((zones::id, zones::name))
        .load(c)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, applicant, status, prefs, district, submitted_at, updated_at, deadline)| {
            let status = ApplicationStatus::parse(&status).unwrap_or(ApplicationStatus::Submitted);
            let todo = status == ApplicationStatus::Submitted;
            let (working_days_left, overdue) = working_days(&cal, deadline, todo);
            let who = names.get(&applicant).cloned().unwrap_or_default();
            let place = first_zone(&prefs).and_then(|z| zone_names.get(&z)).cloned().unwrap_or_default();
            let number = CaseKind::Stall.number(id);
            Entry {
                haystack: hay(&[&number, &id.to_string(), &who, &place]),
                todo,
                done: !todo && status != ApplicationStatus::Withdrawn,
                row: CaseRow {
                    kind: CaseKind::Stall,
                    id,
                    number,
                    who,
                    place,
                    district: district.as_deref().and_then(District::from_code),
                    status: status.as_str().into(),
                    status_name: Text::new(status.name_zh(), status.name_en()),
                    submitted_at,
                    updated_at,
                    deadline,
                    working_days_left,
                    overdue,
                    topic: None,
                    attention: Vec::new(),
                },
            }
        })
        .collect())
}

type FilingRow =
    (i64, i64, String, String, String, Option<i64>, String, String, NaiveDateTime, NaiveDateTime, Option<NaiveDate>);

fn filing_cases(c: &mut DbConn, actor: &Actor) -> AppResult<Vec<Entry>> {
    let rows: Vec<FilingRow> = filings::visible(actor)
        .select((
            sf::id,
            sf::merchant_id,
            sf::kind,
            sf::status,
            sf::district_code,
            sf::segment_id,
            sf::payload,
            sf::evaluation,
            sf::submitted_at,
            sf::updated_at,
            sf::deadline,
        ))
        .load(c)?;
    let cal = calendar::load(c)?;
    let pack = policy::current(c)?;
    let user_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::display_name))
        .load(c)?
        .into_iter()
        .collect();
    let seg_ids: Vec<i64> = rows.iter().filter_map(|r| r.5).collect();
    let segments: HashMap<i64, String> = street_segments::table
        .filter(street_segments::id.eq_any(&seg_ids))
        .select((street_segments::id, street_segments::name))
        .load(c)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                merchant,
                kind,
                status,
                district,
                segment,
                payload,
                evaluation,
                submitted_at,
                updated_at,
                deadline,
            )| {
                let todo = status == "pending_review";
                let (working_days_left, overdue) = working_days(&cal, deadline, todo);
                let (shop, address) = match serde_json::from_str::<PolicyApplication>(&payload) {
                    Ok(PolicyApplication::CrossStore(x)) => (x.shop_name, x.address),
                    Ok(PolicyApplication::OutdoorPromo(x)) => (x.venue_name, x.address),
                    Err(_) => (String::new(), String::new()),
                };
                let street = segment.and_then(|s| segments.get(&s)).cloned().unwrap_or_default();
                let place = if street.is_empty() { address.clone() } else { format!("{address}（{street}）") };
                let merchant = names.get(&merchant).cloned().unwrap_or_default();
                let who = if shop.is_empty() || shop == merchant {
                    merchant.clone()
                } else {
                    format!("{shop} · {merchant}")
                };
                // The rules the engine left to a person, by their titles in the pack.
                let attention = serde_json::from_str::<Evaluation>(&evaluation)
                    .map(|e| {
                        e.results
                            .iter()
                            .filter(|r| r.check == Check::ForOfficer)
                            .map(|r| {
                                pack.rule(&r.rule_id).map(|x| x.title.clone()).unwrap_or_else(|| r.message.clone())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let kind = if kind == "cross_store" { CaseKind::CrossStore } else { CaseKind::OutdoorPromo };
                let number = kind.number(id);
                Entry {
                    haystack: hay(&[&number, &id.to_string(), &who, &place]),
                    todo,
                    done: matches!(status.as_str(), "approved" | "rejected" | "returned" | "revoked"),
                    row: CaseRow {
                        kind,
                        id,
                        number,
                        who,
                        place,
                        district: District::from_code(&district),
                        status_name: filing_status_name(&status),
                        status,
                        submitted_at: Some(submitted_at),
                        updated_at,
                        deadline,
                        working_days_left,
                        overdue,
                        topic: None,
                        attention: if todo { attention } else { Vec::new() },
                    },
                }
            },
        )
        .collect())
}

type ComplaintRow = (i64, String, String, String, String, NaiveDateTime, NaiveDateTime, i32);

fn complaint_cases(c: &mut DbConn, actor: &Actor) -> AppResult<Vec<Entry>> {
    let rows: Vec<ComplaintRow> = complaints::staff_visible(actor)?
        .select((
            cp::id,
            cp::service_code,
            cp::address,
            cp::district_code,
            cp::status,
            cp::created_at,
            cp::updated_at,
            cp::reopened,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, service, address, district, status, created_at, updated_at, reopened)| {
            let todo = matches!(status.as_str(), "open" | "in_progress");
            let topic = complaint_service_name(&service);
            let number = CaseKind::Complaint.number(id);
            let mut attention = Vec::new();
            if reopened > 0 && todo {
                attention.push(Text::new(
                    format!("反映人表示未解决，已重新打开 {reopened} 次"),
                    format!("Reopened {reopened} time(s): the reporter says it is not fixed"),
                ));
            }
            Entry {
                haystack: hay(&[&number, &id.to_string(), &topic.zh, &topic.en, &address]),
                todo,
                done: !todo,
                row: CaseRow {
                    kind: CaseKind::Complaint,
                    id,
                    number,
                    who: String::new(),
                    place: address,
                    district: District::from_code(&district),
                    status_name: complaint_status_name(&status),
                    status,
                    submitted_at: Some(created_at),
                    updated_at,
                    deadline: None,
                    working_days_left: None,
                    overdue: false,
                    topic: Some(topic),
                    attention,
                },
            }
        })
        .collect())
}
