//! Zone administration for city admins: the list of all zones, and GeoJSON import/export.

use common::District;
use common::dto::zones::{ImportReport, ZoneSummary};
use common::zone::ZoneStatus;
use common::zone_import::{ImportProblem, parse_zone_collection};
use gloo::net::http::Method;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

/// Renders `children` only for city admins.
#[derive(Properties, PartialEq)]
pub struct AdminOnlyProps {
    pub children: Html,
}

#[component]
pub fn AdminOnly(p: &AdminOnlyProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    if !session.loaded {
        return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    if !session.me.as_ref().is_some_and(|m| m.role == common::Role::CityAdmin) {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }
    p.children.clone()
}

#[component]
pub fn AdminZonesPage() -> Html {
    html! { <AdminOnly><AdminZoneList /></AdminOnly> }
}

#[derive(Clone, Copy, PartialEq)]
enum SortBy {
    Code,
    Name,
    Free,
    Occupancy,
}

#[component]
fn AdminZoneList() -> Html {
    let lang = use_lang();
    let list = use_state(|| None::<Result<Vec<ZoneSummary>, ApiError>>);
    let q = use_state(String::new);
    let district = use_state(|| None::<District>);
    let status = use_state(|| None::<ZoneStatus>);
    let sort = use_state(|| (SortBy::Code, false));
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { list.set(Some(api::all_zones("status=all").await)) });
        });
    }
    let sort_button = |by: SortBy, label: S| {
        let sort = sort.clone();
        let (current, desc) = *sort;
        let aria = if current == by { if desc { "descending" } else { "ascending" } } else { "none" };
        let onclick = Callback::from(move |_| {
            let (c, d) = *sort;
            sort.set((by, c == by && !d));
        });
        html! {
            <th scope="col" aria-sort={aria}>
                <button type="button" class="sort-button" {onclick}>{ lang.t(label) }
                    <span aria-hidden="true">{ match aria { "ascending" => " ▲", "descending" => " ▼", _ => "" } }</span>
                </button>
            </th>
        }
    };
    let body = match &*list {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(all)) => {
            let needle = q.trim().to_lowercase();
            let mut shown: Vec<&ZoneSummary> = all
                .iter()
                .filter(|z| district.is_none_or(|d| z.district == d))
                .filter(|z| status.is_none_or(|s| z.status == s))
                .filter(|z| {
                    needle.is_empty()
                        || z.name.to_lowercase().contains(&needle)
                        || z.code.to_lowercase().contains(&needle)
                        || z.address.to_lowercase().contains(&needle)
                })
                .collect();
            let occupancy = |z: &ZoneSummary| {
                if z.stalls_total == 0 { 0.0 } else { 1.0 - z.stalls_free as f64 / z.stalls_total as f64 }
            };
            let (by, desc) = *sort;
            shown.sort_by(|a, b| {
                let o = match by {
                    SortBy::Code => common::text::natural_cmp(&a.code, &b.code),
                    SortBy::Name => common::text::natural_cmp(&a.name, &b.name),
                    SortBy::Free => a.stalls_free.cmp(&b.stalls_free),
                    SortBy::Occupancy => occupancy(a).total_cmp(&occupancy(b)),
                };
                if desc { o.reverse() } else { o }
            });
            html! {
                <>
                    <p class="result-count" role="status">{ lang.t(S::ZonesShown) }{ " " }<strong>{ shown.len() }</strong>{ format!(" / {}", all.len()) }</p>
                    <div class="table-wrap" tabindex="0" role="region" aria-label={lang.t(S::ZoneAdminTitle)}>
                        <table class="data" id="admin-zones">
                            <thead><tr>
                                { sort_button(SortBy::Code, S::Code) }{ sort_button(SortBy::Name, S::Name) }
                                <th scope="col">{ lang.t(S::District) }</th><th scope="col">{ lang.t(S::Kind) }</th>
                                <th scope="col">{ lang.t(S::Status) }</th>{ sort_button(SortBy::Free, S::FigFree) }
                                { sort_button(SortBy::Occupancy, S::Occupancy) }<th scope="col"><span class="visually-hidden">{ lang.t(S::Edit) }</span></th>
                            </tr></thead>
                            <tbody>
                                { for shown.iter().map(|z| html! {
                                    <tr data-code={z.code.clone()}>
                                        <td>{ &z.code }</td>
                                        <td class="wrap"><Link<Route> to={Route::Zone { id: z.id }}>{ &z.name }</Link<Route>></td>
                                        <td>{ lang.either(z.district.name_zh(), z.district.name_en()) }</td>
                                        <td>{ lang.either(z.kind.name_zh(), z.kind.name_en()) }</td>
                                        <td><span class={classes!("badge", "status", z.status.as_str())}>{ lang.either(z.status.name_zh(), z.status.name_en()) }</span></td>
                                        <td>{ z.stalls_free }{ " / " }{ z.stalls_total }</td>
                                        <td>{ format!("{:.0}%", occupancy(z) * 100.0) }</td>
                                        <td><Link<Route> to={Route::AdminZoneEdit { id: z.id }}>{ lang.t(S::Edit) }</Link<Route>></td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                </>
            }
        }
    };
    html! {
        <section class="page">
            <h1>{ lang.t(S::ZoneAdminTitle) }</h1>
            <div class="actions">
                <Link<Route> to={Route::AdminZoneNew} classes="button primary">{ lang.t(S::NewZone) }</Link<Route>>
                <Link<Route> to={Route::AdminZoneImport} classes="button secondary">{ lang.t(S::ImportZones) }</Link<Route>>
                <a class="button" href="/api/v1/zones/export.geojson" download="tangui-zones.geojson">{ lang.t(S::ExportZones) }</a>
            </div>
            <form class="filters" role="search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <div class="field grow">
                    <label for="az-q">{ lang.t(S::Search) }</label>
                    <input id="az-q" type="search" value={(*q).clone()} placeholder={lang.t(S::SearchHint)}
                        oninput={{ let q = q.clone(); Callback::from(move |e: InputEvent| q.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </div>
                <div class="field">
                    <label for="az-district">{ lang.t(S::District) }</label>
                    <select id="az-district" onchange={{ let d = district.clone(); Callback::from(move |e: Event| d.set(District::from_code(&e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))) }}>
                        <option value="" selected={district.is_none()}>{ lang.t(S::AllDistricts) }</option>
                        { for District::ALL.into_iter().map(|d| html! { <option value={d.code()} selected={*district == Some(d)}>{ lang.either(d.name_zh(), d.name_en()) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="az-status">{ lang.t(S::Status) }</label>
                    <select id="az-status" onchange={{ let st = status.clone(); Callback::from(move |e: Event| {
                        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                        st.set([ZoneStatus::Active, ZoneStatus::Suspended, ZoneStatus::Closed].into_iter().find(|s| s.as_str() == v));
                    }) }}>
                        <option value="" selected={status.is_none()}>{ lang.t(S::AllStatuses) }</option>
                        { for [ZoneStatus::Active, ZoneStatus::Suspended, ZoneStatus::Closed].into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={*status == Some(s)}>{ lang.either(s.name_zh(), s.name_en()) }</option>
                        }) }
                    </select>
                </div>
            </form>
            { body }
        </section>
    }
}

/// Reads the chosen file as text.
pub(crate) fn read_file(input: &HtmlInputElement, done: Callback<String>) -> Option<gloo::file::callbacks::FileReader> {
    let file = input.files()?.get(0)?;
    let file = gloo::file::File::from(file);
    Some(gloo::file::callbacks::read_as_text(&file, move |r| done.emit(r.unwrap_or_default())))
}

pub(crate) fn problem_table(lang: crate::i18n::Lang, problems: &[ImportProblem]) -> Html {
    html! {
        <div class="table-wrap" tabindex="0">
            <table class="data" id="import-problems">
                <thead><tr>
                    <th scope="col">{ lang.t(S::Feature) }</th><th scope="col">{ lang.t(S::Code) }</th>
                    <th scope="col">{ lang.t(S::Field) }</th><th scope="col">{ lang.t(S::Problem) }</th>
                </tr></thead>
                <tbody>
                    { for problems.iter().map(|p| html! {
                        <tr data-problem={p.code.clone()}>
                            <td>{ p.feature.map(|f| (f + 1).to_string()).unwrap_or_else(|| "—".into()) }</td>
                            <td>{ p.zone_code.clone().unwrap_or_default() }</td>
                            <td><code>{ &p.field }</code></td>
                            <td>{ lang.pick(&p.message) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ImportPage() -> Html {
    html! { <AdminOnly><ImportForms /></AdminOnly> }
}

#[component]
fn ImportForms() -> Html {
    let lang = use_lang();
    let text = use_state(|| None::<String>);
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let report = use_state(|| None::<Result<ImportReport, ApiError>>);
    let imported = use_state(|| None::<usize>);
    let busy = use_state(|| false);
    let sites_reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let sites_result = use_state(|| None::<Result<usize, ApiError>>);

    let on_file = {
        let (text, reader, report, imported) = (text.clone(), reader.clone(), report.clone(), imported.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let text = text.clone();
            report.set(None);
            imported.set(None);
            *reader.borrow_mut() = read_file(&input, Callback::from(move |t: String| text.set(Some(t))));
        })
    };
    let send = |dry_run: bool| {
        let (text, report, imported, busy) = (text.clone(), report.clone(), imported.clone(), busy.clone());
        Callback::from(move |_| {
            let Some(t) = (*text).clone() else { return };
            let (report, imported, busy) = (report.clone(), imported.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                let r = post_text(&format!("/api/v1/zones/import?dry_run={dry_run}"), t).await;
                if let Ok(rep) = &r
                    && !rep.dry_run
                {
                    imported.set(Some(rep.imported));
                }
                report.set(Some(r));
                busy.set(false);
            });
        })
    };
    let on_sites = {
        let (sites_reader, sites_result) = (sites_reader.clone(), sites_result.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let sites_result = sites_result.clone();
            *sites_reader.borrow_mut() = read_file(
                &input,
                Callback::from(move |t: String| {
                    let sites_result = sites_result.clone();
                    yew::platform::spawn_local(async move {
                        let r = api::request_text::<serde_json::Value>(Method::POST, "/api/v1/sensitive-sites", t)
                            .await
                            .map(|v| v["imported"].as_u64().unwrap_or(0) as usize);
                        sites_result.set(Some(r));
                    });
                }),
            );
        })
    };

    // The same checker the server runs, for an instant first look.
    let local = (*text).as_ref().map(|t| parse_zone_collection(t));
    let server_clean = matches!(&*report, Some(Ok(r)) if r.dry_run && r.problems.is_empty());
    let sites_view = match &*sites_result {
        Some(Ok(n)) => html! { <Success>{ lang.t(S::Imported) }{ " " }{ n }</Success> },
        Some(Err(e)) => html! {
            <>
                <ErrorAlert error={Some(e.clone())} />
                <ul class="field-errors">{ for e.field_errors().iter().map(|fe| html! { <li>{ &fe.field }{ "：" }{ lang.pick(&fe.message) }</li> }) }</ul>
            </>
        },
        None => html! {},
    };
    let server_report = match &*report {
        Some(Ok(r)) => html! {
            <div id="server-report">
                if let Some(n) = *imported {
                    <Success>{ lang.t(S::Imported) }{ " " }{ n }</Success>
                } else if r.problems.is_empty() {
                    <Success>{ lang.t(S::DryRunClean) }{ " " }{ r.valid }</Success>
                } else {
                    <p class="alert error" role="alert">{ lang.t(S::NothingImported) }</p>
                    { problem_table(lang, &r.problems) }
                }
                if !r.warnings.is_empty() {
                    <h3>{ lang.t(S::SitingWarnings) }</h3>
                    <ul>{ for r.warnings.iter().map(|w| html! {
                        <li>{ &w.zone_code }{ "：" }{ if lang.is_en() { w.warning.message_en() } else { w.warning.message_zh() } }</li>
                    }) }</ul>
                }
            </div>
        },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        None => html! {},
    };
    html! {
        <section class="page">
            <p><Link<Route> to={Route::AdminZones}>{ "← " }{ lang.t(S::ZoneAdminTitle) }</Link<Route>></p>
            <h1>{ lang.t(S::ImportZones) }</h1>
            <p class="lead">{ lang.t(S::ImportLead) }</p>
            <div class="field">
                <label for="import-file">{ lang.t(S::ChooseFile) }</label>
                <input id="import-file" type="file" accept=".geojson,.json,application/geo+json,application/json" onchange={on_file} />
            </div>
            if let Some(p) = &local {
                <p id="local-check" role="status">
                    { format!("{} {} · {} {} · {} {}", lang.t(S::Features), p.features, lang.t(S::Valid), p.zones.len(), lang.t(S::Problems), p.problems.len()) }
                </p>
                if !p.problems.is_empty() { { problem_table(lang, &p.problems) } }
                <div class="actions">
                    <button type="button" class="button" id="dry-run" disabled={*busy} onclick={send(true)}>{ lang.t(S::DryRun) }</button>
                    <button type="button" class="button primary" id="do-import" disabled={*busy || !server_clean} onclick={send(false)}>{ lang.t(S::ImportNow) }</button>
                </div>
            }
            { server_report }
            <section class="card">
                <h2>{ lang.t(S::SensitiveSites) }</h2>
                <p class="muted">{ lang.t(S::SensitiveSitesLead) }</p>
                <div class="field">
                    <label for="sites-file">{ lang.t(S::ChooseFile) }</label>
                    <input id="sites-file" type="file" accept=".geojson,.json" onchange={on_sites} />
                </div>
                { sites_view }
            </section>
        </section>
    }
}

/// The import answers 422 with a full report (not a problem) when the file has problems.
pub(crate) async fn post_text(url: &str, body: String) -> Result<ImportReport, ApiError> {
    api::request_text_any::<ImportReport>(Method::POST, url, body).await
}
