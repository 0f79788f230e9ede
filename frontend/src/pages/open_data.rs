//! Open data (开放数据): a public dashboard of zones, free stalls, applications and permits by
//! district over the last twelve months, and every dataset to download with its licence and data
//! dictionary (`common::open_data`, the same table the server publishes).

use common::District;
use common::dto::stats::Overview;
use common::open_data::{DATASETS, LICENCE_EN, LICENCE_URL, LICENCE_ZH, MonthlyRow};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::components::charts::DistrictBars;
use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
struct MonthlyChartProps {
    id: AttrValue,
    title: AttrValue,
    rows: std::rc::Rc<Vec<MonthlyRow>>,
    /// Which figure: `applications` or `permits_valid`.
    figure: &'static str,
}

fn figure(r: &MonthlyRow, which: &str) -> i64 {
    if which == "applications" { r.applications } else { r.permits_valid }
}

/// Stacked bars, one per month, one colour per district; a table for screen readers.
#[component]
fn MonthlyChart(p: &MonthlyChartProps) -> Html {
    let lang = use_lang();
    let mut months: Vec<String> = p.rows.iter().map(|r| r.month.clone()).collect();
    months.dedup();
    let total = |m: &str| p.rows.iter().filter(|r| r.month == m).map(|r| figure(r, p.figure)).sum::<i64>();
    let max = months.iter().map(|m| total(m)).max().unwrap_or(0).max(1) as f64;
    let (w, h, left, bottom) = (640.0, 240.0, 44.0, 28.0);
    let bar_w = (w - left) / months.len().max(1) as f64;
    let plot_h = h - bottom - 8.0;
    let bars = months.iter().enumerate().map(|(i, m)| {
        let x = left + i as f64 * bar_w + bar_w * 0.15;
        let mut y = h - bottom;
        let parts = District::ALL.into_iter().map(|d| {
            let v = p.rows.iter().find(|r| r.month == *m && r.district == d).map(|r| figure(r, p.figure)).unwrap_or(0);
            let bh = v as f64 / max * plot_h;
            y -= bh;
            html! { <rect x={x.to_string()} y={y.to_string()} width={(bar_w * 0.7).to_string()} height={bh.to_string()} class={classes!("bar", format!("d{}", d.code()))}><title>{ format!("{m} {} {v}", lang.either(d.name_zh(), d.name_en())) }</title></rect> }
        }).collect::<Html>();
        html! {
            <g class="month" data-month={m.clone()} data-total={total(m).to_string()}>
                { parts }
                <text x={(x + bar_w * 0.35).to_string()} y={(h - 10.0).to_string()} text-anchor="middle" class="axis">{ &m[5..] }</text>
            </g>
        }
    });
    html! {
        <figure class="chart monthly-chart" id={p.id.clone()}>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={p.title.clone()}>
                <text x="0" y="14" class="axis">{ max as i64 }</text>
                <line x1={left.to_string()} y1={(h - bottom).to_string()} x2={w.to_string()} y2={(h - bottom).to_string()} class="baseline" />
                { for bars }
            </svg>
            <ul class="chart-legend">
                { for District::ALL.into_iter().map(|d| html! { <li><span class={classes!("swatch", format!("d{}", d.code()))}></span>{ lang.either(d.name_zh(), d.name_en()) }</li> }) }
            </ul>
            <div class="visually-hidden"><table>
                <caption>{ p.title.clone() }</caption>
                <thead><tr><th scope="col">{ lang.t(S::DataMonth) }</th>
                    { for District::ALL.into_iter().map(|d| html! { <th scope="col">{ lang.either(d.name_zh(), d.name_en()) }</th> }) }</tr></thead>
                <tbody>
                    { for months.iter().map(|m| html! {
                        <tr><th scope="row">{ m }</th>
                            { for District::ALL.into_iter().map(|d| html! { <td>{ p.rows.iter().find(|r| r.month == *m && r.district == d).map(|r| figure(r, p.figure)).unwrap_or(0) }</td> }) }</tr>
                    }) }
                </tbody>
            </table></div>
        </figure>
    }
}

#[component]
pub fn OpenDataPage() -> Html {
    let lang = use_lang();
    let overview = use_state(|| None::<Result<Overview, ApiError>>);
    let monthly = use_state(|| None::<Result<std::rc::Rc<Vec<MonthlyRow>>, ApiError>>);
    {
        let (overview, monthly) = (overview.clone(), monthly.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                overview.set(Some(api::get::<Overview>("/api/v1/stats/overview").await));
                monthly.set(Some(
                    api::get::<Vec<MonthlyRow>>("/api/v1/open-data/monthly.json").await.map(std::rc::Rc::new),
                ));
            });
        });
    }
    let dashboard = match (&*overview, &*monthly) {
        (Some(Ok(o)), Some(Ok(m))) => html! {
            <>
                <section class="card" aria-labelledby="data-by-district">
                    <h2 id="data-by-district">{ lang.t(S::FigByDistrict) }</h2>
                    <DistrictBars districts={o.districts.clone()} />
                </section>
                <section class="card" aria-labelledby="data-permits">
                    <h2 id="data-permits">{ lang.t(S::DataPermitsByMonth) }</h2>
                    <MonthlyChart id="chart-permits" title={lang.t(S::DataPermitsByMonth)} rows={m.clone()} figure="permits_valid" />
                </section>
                <section class="card" aria-labelledby="data-applications">
                    <h2 id="data-applications">{ lang.t(S::DataApplicationsByMonth) }</h2>
                    <MonthlyChart id="chart-applications" title={lang.t(S::DataApplicationsByMonth)} rows={m.clone()} figure="applications" />
                </section>
            </>
        },
        (Some(Err(e)), _) | (_, Some(Err(e))) => html! { <ErrorAlert error={Some(e.clone())} /> },
        _ => html! { <p aria-busy="true" class="muted">{ lang.t(S::Loading) }</p> },
    };
    html! {
        <section class="page open-data">
            <h1>{ lang.t(S::DataTitle) }</h1>
            <p class="lead">{ lang.t(S::DataLead) }</p>
            <p class="licence" id="licence">{ lang.either(LICENCE_ZH, LICENCE_EN) }{ " " }<a href={LICENCE_URL} rel="license">{ "CC BY 4.0" }</a></p>
            { dashboard }
            <h2>{ lang.t(S::DataDownloads) }</h2>
            { for DATASETS.iter().map(|d| html! {
                <section class="card dataset" id={format!("dataset-{}", d.id)} aria-labelledby={format!("ds-{}", d.id)}>
                    <h3 id={format!("ds-{}", d.id)}>{ lang.either(d.title_zh, d.title_en) }</h3>
                    <p>{ lang.either(d.about_zh, d.about_en) }</p>
                    <p class="actions">
                        { for d.files.iter().map(|(fmt, url)| html! { <a class="button small" href={*url} download="">{ lang.t(S::DataDownload) }{ " " }{ *fmt }</a> }) }
                    </p>
                    <p class="muted small">{ lang.t(S::DataLicenceShort) }</p>
                    <details>
                        <summary>{ lang.t(S::DataDictionary) }</summary>
                        <table class="dictionary">
                            <thead><tr><th scope="col">{ lang.t(S::DataField) }</th><th scope="col">{ lang.t(S::DataType) }</th><th scope="col">{ lang.t(S::DataMeaning) }</th></tr></thead>
                            <tbody>
                                { for d.fields.iter().map(|f| html! { <tr><td><code>{ f.name }</code></td><td>{ f.kind }</td><td>{ lang.either(f.zh, f.en) }</td></tr> }) }
                            </tbody>
                        </table>
                    </details>
                </section>
            }) }
        </section>
    }
}
