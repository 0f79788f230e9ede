//! Officers (their district) and admins (the city or one district): occupancy, applications,
//! time to decision, open and overdue work, violations and complaints over time. Figures people
//! would rather see than read are charts; every table downloads as CSV, all of them as XLSX.

use common::District;
use common::Role;
use common::dto::stats::{Dashboard, DataTable};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::hooks::use_session;
use crate::i18n::{Lang, S, use_lang};

/// Horizontal bars of one numeric column against a label column.
fn bars(lang: Lang, t: &DataTable, label: usize, value: usize, suffix: &str) -> Html {
    if t.rows.iter().all(|r| r.get(value).and_then(|c| c.as_f64()).unwrap_or(0.0) == 0.0) {
        return html! { <p class="muted empty-state">{ lang.t(S::NoDataYet) }</p> };
    }
    let max = t.rows.iter().filter_map(|r| r.get(value).and_then(|c| c.as_f64())).fold(0.0, f64::max).max(1.0);
    let (row_h, label_w, bar_w) = (28.0, if lang.is_en() { 200.0 } else { 110.0 }, 300.0);
    let h = row_h * t.rows.len() as f64 + 6.0;
    html! {
        <svg class="chart-svg" viewBox={format!("0 0 {} {h}", label_w + bar_w + 70.0)} role="img" aria-label={lang.pick(&t.title).to_string()}>
            { for t.rows.iter().enumerate().map(|(i, r)| {
                let y = 3.0 + i as f64 * row_h;
                let v = r.get(value).and_then(|c| c.as_f64()).unwrap_or(0.0);
                let w = v / max * bar_w;
                html! { <g>
                    <text x={(label_w - 6.0).to_string()} y={(y + 18.0).to_string()} text-anchor="end" class="axis">{ r.get(label).map(|c| c.text_in(lang.is_en())).unwrap_or_default() }</text>
                    <rect x={label_w.to_string()} y={(y + 5.0).to_string()} width={w.to_string()} height="16" class="bar used" />
                    <text x={(label_w + w + 5.0).to_string()} y={(y + 18.0).to_string()} class="value">{ format!("{}{suffix}", r[value].text_in(lang.is_en())) }</text>
                </g> }
            }) }
        </svg>
    }
}

/// Weekly columns: one series per numeric column after the first.
fn weekly(lang: Lang, t: &DataTable) -> Html {
    if t.rows.iter().all(|r| r.iter().skip(1).all(|c| c.as_f64().unwrap_or(0.0) == 0.0)) {
        return html! { <p class="muted empty-state">{ lang.t(S::NoDataYet) }</p> };
    }
    let series = t.columns.len().saturating_sub(1);
    let max = t.rows.iter().flat_map(|r| r.iter().skip(1).filter_map(|c| c.as_f64())).fold(0.0, f64::max).max(1.0);
    let (w, h, left, bottom) = (520.0, 180.0, 30.0, 24.0);
    let group = (w - left) / t.rows.len().max(1) as f64;
    let bar = (group - 6.0) / series.max(1) as f64;
    html! {
        <svg class="chart-svg" viewBox={format!("0 0 {w} {h}")} role="img" aria-label={lang.pick(&t.title).to_string()}>
            <line x1={left.to_string()} y1={(h - bottom).to_string()} x2={w.to_string()} y2={(h - bottom).to_string()} class="axis-line" />
            <text x="0" y="12" class="axis">{ format!("{max:.0}") }</text>
            { for t.rows.iter().enumerate().map(|(i, r)| {
                let x0 = left + i as f64 * group + 3.0;
                html! { <g>
                    { for (0..series).map(|s| {
                        let v = r.get(s + 1).and_then(|c| c.as_f64()).unwrap_or(0.0);
                        let bh = v / max * (h - bottom - 16.0);
                        html! { <rect x={(x0 + s as f64 * bar).to_string()} y={(h - bottom - bh).to_string()} width={bar.max(1.0).to_string()} height={bh.to_string()} class={format!("bar series-{s}")} /> }
                    }) }
                    if i % 2 == 1 { <text x={(x0 + group / 2.0).to_string()} y={(h - 6.0).to_string()} text-anchor="middle" class="axis small">{ r[0].text_in(lang.is_en()).get(5..).unwrap_or_default().to_string() }</text> }
                </g> }
            }) }
        </svg>
    }
}

fn table(lang: Lang, t: &DataTable, query: &str) -> Html {
    html! {
        // The download sits beside the summary, not in it: a link inside a summary is a control
        // inside a control, which screen readers cannot reach.
        <>
        <p class="table-links">
            <a href={format!("/api/v1/dashboard/csv/{}{query}", t.id)} download={format!("{}.csv", t.id)}>
                { lang.t(S::DownloadCsv) }<span class="visually-hidden">{ "：" }{ lang.pick(&t.title) }</span>
            </a>
        </p>
        <details class="table-details">
            <summary>{ lang.t(S::ShowTable) }</summary>
            <div class="table-wrap" tabindex="0">
                <table class="data" id={format!("table-{}", t.id)}>
                    <caption class="visually-hidden">{ lang.pick(&t.title) }</caption>
                    <thead><tr>{ for t.columns.iter().map(|c| html! { <th scope="col">{ lang.pick(c) }</th> }) }</tr></thead>
                    <tbody>{ for t.rows.iter().map(|r| html! { <tr>{ for r.iter().map(|c| html! { <td>{ c.text_in(lang.is_en()) }</td> }) }</tr> }) }</tbody>
                </table>
            </div>
        </details>
        </>
    }
}

#[component]
pub fn DashboardPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let district = use_state(|| None::<District>);
    let data = use_state(|| None::<Result<Dashboard, ApiError>>);
    let role = session.me.as_ref().map(|m| m.role);
    {
        let data = data.clone();
        use_effect_with((*district, role), move |(d, role)| {
            if role.is_some_and(|r| r.is_staff()) {
                let q = d.map(|d| format!("?district={}", d.code())).unwrap_or_default();
                yew::platform::spawn_local(
                    async move { data.set(Some(api::get(&format!("/api/v1/dashboard{q}")).await)) },
                );
            }
        });
    }
    if session.loaded && !role.is_some_and(|r| r.is_staff()) {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }
    let d = match &*data {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(d)) => d.clone(),
    };
    let query = match (*district, lang.is_en()) {
        (Some(x), en) => format!("?district={}{}", x.code(), if en { "&lang=en" } else { "" }),
        (None, true) => "?lang=en".into(),
        (None, false) => String::new(),
    };
    let card = |id: &str, chart: &dyn Fn(&DataTable) -> Html| -> Html {
        match d.table(id) {
            Some(t) => html! {
                <section class="card dash-card" id={format!("dash-{id}")}>
                    <h2>{ lang.pick(&t.title) }</h2>
                    { chart(t) }
                    { table(lang, t, &query) }
                </section>
            },
            None => html! {},
        }
    };
    let on_district = {
        let district = district.clone();
        Callback::from(move |e: Event| {
            district.set(District::from_code(&e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    html! {
        <section class="page">
            <h1>{ lang.t(S::NavDashboard) }</h1>
            if role == Some(Role::CityAdmin) { <CalendarCheck /> }
            <p class="lead">{ match d.district { Some(x) => lang.either(x.name_zh(), x.name_en()).to_string(), None => lang.t(S::WholeCity).to_string() } }
                { " · " }{ common::time::to_xiamen(d.generated_at).format("%Y-%m-%d %H:%M").to_string() }</p>
            <div class="actions">
                if role == Some(Role::CityAdmin) {
                    <label for="dash-district" class="visually-hidden">{ lang.t(S::District) }</label>
                    <select id="dash-district" onchange={on_district}>
                        <option value="" selected={district.is_none()}>{ lang.t(S::WholeCity) }</option>
                        { for District::ALL.into_iter().map(|x| html! { <option value={x.code()} selected={*district == Some(x)}>{ lang.either(x.name_zh(), x.name_en()) }</option> }) }
                    </select>
                }
                <a class="button" id="export-xlsx" href={format!("/api/v1/dashboard/export.xlsx{query}")} download="tangui-dashboard.xlsx">{ lang.t(S::ExportXlsx) }</a>
            </div>
            <div class="dash-grid">
                { card("occupancy_by_district", &|t| bars(lang, t, 0, 6, "%")) }
                { card("overdue", &|t| bars(lang, t, 0, 1, "")) }
                { card("applications_by_status", &|t| bars(lang, t, 0, 1, "")) }
                { card("time_to_decision", &|t| bars(lang, t, 0, 2, lang.either(" 天", " d"))) }
                { card("violations_by_week", &|t| weekly(lang, t)) }
                { card("complaints_by_week", &|t| weekly(lang, t)) }
                { card("occupancy_by_zone", &|_| html! {}) }
            </div>
        </section>
    }
}

/// From November, a warning when next year's holidays are not entered (deadlines would be wrong).
#[component]
fn CalendarCheck() -> Html {
    let days = use_state(Vec::<common::calendar::CalendarDay>::new);
    {
        let days = days.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                if let Ok(d) = api::get("/api/v1/calendar").await {
                    days.set(d);
                }
            });
        });
    }
    if days.is_empty() {
        return html! {};
    }
    html! { <crate::pages::calendar::MissingYearWarning days={(*days).clone()} /> }
}
