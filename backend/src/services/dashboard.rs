//! The dashboard: occupancy, applications, time to decision, overdue work, violations and
//! complaints over time, for one district (officers) or the city (admins). Every figure is a
//! table so the page can chart it and the same rows export to CSV and XLSX. Rows are few
//! (6,145 stalls, tens of thousands of cases), so they are loaded narrow and summed here,
//! which keeps the SQL the same on both databases.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use common::dto::stats::{Cell, Dashboard, DataTable};
use common::{District, Role, Text};
use diesel::prelude::*;

use crate::app::App;
use crate::auth::Actor;
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{appeals, complaints, shop_filings, stall_applications as apps, stalls, violations, zones};
use crate::error::{AppError, AppResult};

fn t(zh: &str, en: &str) -> Text {
    Text::new(zh, en)
}

fn n(x: impl Into<f64>) -> Cell {
    Cell::Number(x.into())
}

fn s(x: impl Into<String>) -> Cell {
    Cell::Text(x.into())
}

/// A label in both languages.
fn l(zh: &str, en: &str) -> Cell {
    Cell::Label(Text::new(zh, en))
}

/// The district the actor's dashboard covers (officers cannot ask for another).
pub fn scope(actor: &Actor, asked: Option<District>) -> AppResult<Option<District>> {
    match actor.role {
        Role::CityAdmin => Ok(asked),
        Role::DistrictOfficer => match (actor.district, asked) {
            (Some(own), None) => Ok(Some(own)),
            (Some(own), Some(a)) if a == own => Ok(Some(own)),
            _ => Err(AppError::Forbidden),
        },
        _ => Err(AppError::Forbidden),
    }
}

/// Monday of the week `d` falls in.
fn week_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday().into())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn in_scope(code: &str, d: Option<District>) -> bool {
    d.is_none_or(|d| d.code() == code)
}

fn occupancy(c: &mut DbConn, d: Option<District>) -> AppResult<(DataTable, DataTable)> {
    let rows: Vec<(i64, String, String, String, String)> = stalls::table
        .inner_join(zones::table)
        .filter(zones::status.ne("closed"))
        .select((zones::id, zones::code, zones::name, zones::district_code, stalls::state))
        .load(c)?;
    let mut by_district: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    let mut by_zone: BTreeMap<(String, i64), (String, String, [i64; 4])> = BTreeMap::new();
    for (zid, code, name, dc, state) in rows {
        if !in_scope(&dc, d) {
            continue;
        }
        let k = match state.as_str() {
            "occupied" => 0,
            "reserved" => 1,
            "free" => 2,
            _ => 3,
        };
        by_district.entry(dc.clone()).or_default()[k] += 1;
        by_zone.entry((dc.clone(), zid)).or_insert_with(|| (code, name, [0; 4])).2[k] += 1;
    }
    let rate = |a: &[i64; 4]| {
        let total: i64 = a.iter().sum();
        if total == 0 { 0.0 } else { (a[0] as f64 * 1000.0 / total as f64).round() / 10.0 }
    };
    let districts = DataTable {
        id: "occupancy_by_district".into(),
        title: t("各区摊位使用情况", "Stall occupancy by district"),
        columns: vec![
            t("区", "District"),
            t("摊位", "Stalls"),
            t("在用", "In use"),
            t("已预留", "Reserved"),
            t("空闲", "Free"),
            t("停用", "Out of use"),
            t("使用率 %", "Occupancy %"),
        ],
        rows: by_district
            .iter()
            .map(|(dc, a)| {
                let name = match District::from_code(dc) {
                    Some(x) => l(x.name_zh(), x.name_en()),
                    None => s(dc.clone()),
                };
                vec![
                    name,
                    n(a.iter().sum::<i64>() as f64),
                    n(a[0] as f64),
                    n(a[1] as f64),
                    n(a[2] as f64),
                    n(a[3] as f64),
                    n(rate(a)),
                ]
            })
            .collect(),
    };
    let zones_t = DataTable {
        id: "occupancy_by_zone".into(),
        title: t("各摊规点摊位使用情况", "Stall occupancy by zone"),
        columns: vec![
            t("编号", "Code"),
            t("名称", "Name"),
            t("区", "District"),
            t("摊位", "Stalls"),
            t("在用", "In use"),
            t("空闲", "Free"),
            t("使用率 %", "Occupancy %"),
        ],
        rows: by_zone
            .iter()
            .map(|((dc, _), (code, name, a))| {
                let dn = match District::from_code(dc) {
                    Some(x) => l(x.name_zh(), x.name_en()),
                    None => s(dc.clone()),
                };
                vec![
                    s(code.clone()),
                    s(name.clone()),
                    dn,
                    n(a.iter().sum::<i64>() as f64),
                    n(a[0] as f64),
                    n(a[2] as f64),
                    n(rate(a)),
                ]
            })
            .collect(),
    };
    Ok((districts, zones_t))
}

fn application_status_name(code: &str) -> Cell {
    match common::application::ApplicationStatus::parse(code) {
        Some(st) => l(st.name_zh(), st.name_en()),
        None => s(code.to_string()),
    }
}

type CaseRow = (String, Option<String>, Option<NaiveDateTime>, Option<NaiveDate>, Option<NaiveDateTime>);

fn cases(c: &mut DbConn, d: Option<District>) -> AppResult<Vec<DataTable>> {
    let app_rows: Vec<CaseRow> = apps::table
        .select((apps::status, apps::district_code, apps::submitted_at, apps::deadline, apps::decided_at))
        .load(c)?;
    let app_rows: Vec<CaseRow> =
        app_rows.into_iter().filter(|r| d.is_none() || r.1.as_deref().is_some_and(|x| in_scope(x, d))).collect();
    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    for r in &app_rows {
        *by_status.entry(r.0.clone()).or_default() += 1;
    }
    let status_table = DataTable {
        id: "applications_by_status".into(),
        title: t("摊位申请状态分布", "Stall applications by status"),
        columns: vec![t("状态", "Status"), t("数量", "Count")],
        rows: by_status.iter().map(|(k, v)| vec![application_status_name(k), n(*v as f64)]).collect(),
    };
    let filing_rows: Vec<(String, String, NaiveDateTime, Option<NaiveDate>, Option<NaiveDateTime>)> =
        shop_filings::table
            .select((
                shop_filings::status,
                shop_filings::district_code,
                shop_filings::submitted_at,
                shop_filings::deadline,
                shop_filings::decided_at,
            ))
            .load(c)?;
    let filing_rows: Vec<_> = filing_rows.into_iter().filter(|r| in_scope(&r.1, d)).collect();
    let days = |from: NaiveDateTime, to: NaiveDateTime| (to - from).num_minutes() as f64 / 1440.0;
    let mut app_days: Vec<f64> = app_rows.iter().filter_map(|r| Some(days(r.2?, r.4?))).filter(|x| *x >= 0.0).collect();
    let mut filing_days: Vec<f64> =
        filing_rows.iter().filter_map(|r| Some(days(r.2, r.4?))).filter(|x| *x >= 0.0).collect();
    app_days.sort_by(f64::total_cmp);
    filing_days.sort_by(f64::total_cmp);
    let round1 = |x: f64| (x * 10.0).round() / 10.0;
    let decision_table = DataTable {
        id: "time_to_decision".into(),
        title: t("办理时长（提交到决定，天）", "Time to decision (submission to decision, days)"),
        columns: vec![
            t("事项", "Kind"),
            t("已决定", "Decided"),
            t("中位数", "Median"),
            t("90% 在此之内", "90th percentile"),
        ],
        // Nothing decided yet is "—", not "0 days".
        rows: [
            (l("摊位申请", "Stall applications"), &app_days),
            (l("商户备案（需审核）", "Shop filings (reviewed)"), &filing_days),
        ]
        .into_iter()
        .map(|(kind, d)| {
            let q = |p: f64| if d.is_empty() { s("—") } else { n(round1(percentile(d, p))) };
            vec![kind, n(d.len() as f64), q(0.5), q(0.9)]
        })
        .collect(),
    };
    let today = today();
    let pending_apps = app_rows.iter().filter(|r| r.0 == "submitted");
    let (apps_pending, apps_overdue) =
        pending_apps.fold((0, 0), |(p, o), r| (p + 1, o + i64::from(r.3.is_some_and(|dl| dl < today))));
    let pending_filings = filing_rows.iter().filter(|r| r.0 == "pending_review");
    let (f_pending, f_overdue) =
        pending_filings.fold((0, 0), |(p, o), r| (p + 1, o + i64::from(r.3.is_some_and(|dl| dl < today))));
    let complaint_rows: Vec<(String, String, NaiveDateTime)> =
        complaints::table.select((complaints::status, complaints::district_code, complaints::created_at)).load(c)?;
    let week_ago = now() - Duration::days(7);
    let (c_open, c_old) = complaint_rows
        .iter()
        .filter(|r| in_scope(&r.1, d) && matches!(r.0.as_str(), "open" | "in_progress"))
        .fold((0, 0), |(p, o), r| (p + 1, o + i64::from(r.2 < week_ago)));
    let appeal_rows: Vec<(String, String, NaiveDateTime)> =
        appeals::table.select((appeals::status, appeals::district_code, appeals::created_at)).load(c)?;
    let (a_open, a_old) = appeal_rows
        .iter()
        .filter(|r| in_scope(&r.1, d) && r.0 == "pending")
        .fold((0, 0), |(p, o), r| (p + 1, o + i64::from(r.2 < week_ago)));
    let overdue_table = DataTable {
        id: "overdue".into(),
        title: t("待办与逾期", "Open work and overdue items"),
        columns: vec![t("事项", "Kind"), t("待办", "Open"), t("逾期", "Overdue"), t("逾期标准", "Overdue means")],
        rows: vec![
            vec![
                l("摊位申请审核", "Stall application reviews"),
                n(apps_pending as f64),
                n(apps_overdue as f64),
                l("超过承诺办结日", "Past the committed date"),
            ],
            vec![
                l("商户备案审核", "Shop filing reviews"),
                n(f_pending as f64),
                n(f_overdue as f64),
                l("超过承诺办结日", "Past the committed date"),
            ],
            vec![
                l("投诉处理", "Public reports"),
                n(c_open as f64),
                n(c_old as f64),
                l("超过 7 天未办结", "Open over 7 days"),
            ],
            vec![
                l("违规申诉", "Appeals"),
                n(a_open as f64),
                n(a_old as f64),
                l("超过 7 天未决定", "Undecided over 7 days"),
            ],
        ],
    };
    // The last 12 weeks, Monday to Sunday.
    let first = week_of(today) - Duration::weeks(11);
    let weeks: Vec<NaiveDate> = (0..12).map(|i| first + Duration::weeks(i)).collect();
    let violation_rows: Vec<(String, NaiveDateTime, i32)> =
        violations::table.select((violations::district_code, violations::created_at, violations::points)).load(c)?;
    let mut v_count: BTreeMap<NaiveDate, (i64, i64)> = weeks.iter().map(|w| (*w, (0, 0))).collect();
    for (dc, at, pts) in violation_rows {
        if let Some(e) = v_count.get_mut(&week_of(crate::clock::xiamen_date(at))).filter(|_| in_scope(&dc, d)) {
            e.0 += 1;
            e.1 += i64::from(pts);
        }
    }
    let violations_table = DataTable {
        id: "violations_by_week".into(),
        title: t("每周违规记录", "Violations per week"),
        columns: vec![t("周（周一）", "Week (Monday)"), t("违规数", "Violations"), t("扣分", "Points")],
        rows: v_count.iter().map(|(w, (a, b))| vec![s(w.to_string()), n(*a as f64), n(*b as f64)]).collect(),
    };
    let closed_rows: Vec<(String, String, Option<NaiveDateTime>)> = complaints::table
        .filter(complaints::closed_at.is_not_null())
        .select((complaints::status, complaints::district_code, complaints::closed_at))
        .load(c)?;
    let mut c_count: BTreeMap<NaiveDate, [i64; 3]> = weeks.iter().map(|w| (*w, [0; 3])).collect();
    for (_, dc, at) in &complaint_rows {
        if let Some(e) = c_count.get_mut(&week_of(crate::clock::xiamen_date(*at))).filter(|_| in_scope(dc, d)) {
            e[0] += 1;
        }
    }
    for (st, dc, at) in closed_rows {
        let Some(at) = at else { continue };
        if let Some(e) = c_count.get_mut(&week_of(crate::clock::xiamen_date(at))).filter(|_| in_scope(&dc, d)) {
            e[if st == "resolved" { 1 } else { 2 }] += 1;
        }
    }
    let complaints_table = DataTable {
        id: "complaints_by_week".into(),
        title: t("每周投诉", "Complaints per week"),
        columns: vec![
            t("周（周一）", "Week (Monday)"),
            t("新增", "New"),
            t("已解决", "Resolved"),
            t("不予处理", "Closed without action"),
        ],
        rows: c_count
            .iter()
            .map(|(w, a)| vec![s(w.to_string()), n(a[0] as f64), n(a[1] as f64), n(a[2] as f64)])
            .collect(),
    };
    Ok(vec![status_table, decision_table, overdue_table, violations_table, complaints_table])
}

pub async fn build(app: &App, actor: &Actor, asked: Option<District>) -> AppResult<Dashboard> {
    let district = scope(actor, asked)?;
    app.db
        .run(move |c| {
            let (a, b) = occupancy(c, district)?;
            let mut tables = vec![a, b];
            tables.extend(cases(c, district)?);
            Ok(Dashboard { district, generated_at: now(), tables })
        })
        .await
}

/// Every table as one sheet of a workbook, header row bold, numbers as numbers.
pub fn to_xlsx(d: &Dashboard, en: bool) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for table in &d.tables {
        let ws = wb.add_worksheet();
        // Sheet names: at most 31 characters.
        ws.set_name(table.id.chars().take(31).collect::<String>()).map_err(err)?;
        for (col, h) in table.columns.iter().enumerate() {
            ws.write_string_with_format(0, col as u16, if en { &h.en } else { &h.zh }, &bold).map_err(err)?;
            ws.set_column_width(col as u16, 14).map_err(err)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (col, cell) in row.iter().enumerate() {
                let (r, col) = (r as u32 + 1, col as u16);
                match cell {
                    Cell::Number(x) => ws.write_number(r, col, *x).map_err(err)?,
                    Cell::Text(x) => ws.write_string(r, col, x).map_err(err)?,
                    Cell::Label(x) => ws.write_string(r, col, if en { &x.en } else { &x.zh }).map_err(err)?,
                };
            }
        }
    }
    wb.save_to_buffer().map_err(err)
}
