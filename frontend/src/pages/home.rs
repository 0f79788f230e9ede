//! Home: the map of vending zones with filters (mirrored in the URL), the list that stays in sync
//! with it, and the headline figures.

use std::rc::Rc;

use common::dto::stats::Overview;
use common::dto::zones::ZoneSummary;
use common::zone::{ZoneFilter, ZoneKind};
use common::{District, Role, TradeCategory};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::components::charts::DistrictBars;
use crate::components::directions::{Directions, FreeByTrade};
use crate::components::zone_map::{DistrictShape, ZoneMap, free_class, parse_basemap};
use crate::hooks::use_session;
use crate::i18n::{Lang, S, use_lang};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Map,
    List,
}

/// Short "hours" text for a zone in the current language.
pub fn hours_text(lang: Lang, z: &ZoneSummary) -> String {
    z.hours.iter().map(|h| format!("{}–{}", h.start, h.end)).collect::<Vec<_>>().join(if lang.is_en() {
        ", "
    } else {
        "、"
    })
}

#[component]
pub fn HomePage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let location = use_location();
    let navigator = use_navigator().expect("inside router");
    let overview = use_state(|| None::<Result<Overview, ApiError>>);
    let zones = use_state(|| None::<Result<Rc<Vec<ZoneSummary>>, ApiError>>);
    let basemap = use_state(|| Rc::new(Vec::<DistrictShape>::new()));
    let selected = use_state(|| None::<i64>);
    // Where the person is, once they tap "near me": None before, Some(None) when it failed.
    let here = use_state(|| None::<Option<[f64; 2]>>);
    let locating = use_state(|| false);
    let query = location.as_ref().map(|l| l.query_str().to_string()).unwrap_or_default();
    let filter = ZoneFilter::from_query(&query);
    // Map or list is one state on every screen, kept in the URL (`view=list`) like the filters,
    // so a shared link or a rotated phone shows the same thing.
    let mode = if query.trim_start_matches('?').split('&').any(|p| p == "view=list") { Mode::List } else { Mode::Map };

    {
        let (overview, zones, basemap) = (overview.clone(), zones.clone(), basemap.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                overview.set(Some(api::get::<Overview>("/api/v1/stats/overview").await));
            });
            yew::platform::spawn_local(async move {
                let r = api::zones_from_geojson().await.map(Rc::new);
                zones.set(Some(r));
            });
            yew::platform::spawn_local(async move {
                if let Ok(v) = api::get::<serde_json::Value>("/api/v1/public/districts.geojson").await {
                    basemap.set(Rc::new(parse_basemap(&v)));
                }
            });
        });
    }

    let set_view = {
        let navigator = navigator.clone();
        move |f: &ZoneFilter, m: Mode| {
            let mut pairs: Vec<(String, String)> = f.to_pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            if m == Mode::List {
                pairs.push(("view".into(), "list".into()));
            }
            let _ = navigator.replace_with_query(&Route::Home, &pairs);
        }
    };
    let set_filter = {
        let set_view = set_view.clone();
        move |f: ZoneFilter| set_view(&f, mode)
    };
    let on_district = {
        let (f, set) = (filter.clone(), set_filter.clone());
        Callback::from(move |e: Event| {
            let mut f = f.clone();
            f.district = District::from_code(&e.target_unchecked_into::<HtmlSelectElement>().value());
            set(f);
        })
    };
    let on_category = {
        let (f, set) = (filter.clone(), set_filter.clone());
        Callback::from(move |e: Event| {
            let mut f = f.clone();
            f.category = TradeCategory::parse(&e.target_unchecked_into::<HtmlSelectElement>().value());
            set(f);
        })
    };
    let on_kind = {
        let (f, set) = (filter.clone(), set_filter.clone());
        Callback::from(move |e: Event| {
            let mut f = f.clone();
            f.kind = ZoneKind::parse(&e.target_unchecked_into::<HtmlSelectElement>().value());
            set(f);
        })
    };
    let on_open = {
        let (f, set) = (filter.clone(), set_filter.clone());
        Callback::from(move |e: Event| {
            let mut f = f.clone();
            f.open_now = e.target_unchecked_into::<HtmlInputElement>().checked();
            set(f);
        })
    };
    let on_free = {
        let (f, set) = (filter.clone(), set_filter.clone());
        Callback::from(move |e: Event| {
            let mut f = f.clone();
            f.has_free = e.target_unchecked_into::<HtmlInputElement>().checked();
            set(f);
        })
    };
    let on_search = {
        let (f, set) = (filter.clone(), set_filter.clone());
        Callback::from(move |e: InputEvent| {
            let mut f = f.clone();
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            f.q = Some(v).filter(|s| !s.trim().is_empty());
            set(f);
        })
    };
    let clear = {
        let set = set_filter.clone();
        Callback::from(move |_| set(ZoneFilter::default()))
    };
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |id: i64| selected.set(Some(id)))
    };
    let near_me = {
        let (here, locating) = (here.clone(), locating.clone());
        Callback::from(move |_| {
            locating.set(true);
            let (here, locating) = (here.clone(), locating.clone());
            crate::hooks::geolocation::locate(move |p| {
                locating.set(false);
                here.set(Some(p));
            });
        })
    };
    let set_mode = |m: Mode| {
        let (set_view, f) = (set_view.clone(), filter.clone());
        Callback::from(move |_| set_view(&f, m))
    };

    let figures = match &*overview {
        Some(Ok(o)) => {
            let tile = |id: &str, n: i64, label: S| {
                html! {
                    <div class="figure" id={id.to_string()}>
                        <span class="number">{ format_thousands(n) }</span>
                        <span class="label">{ lang.t(label) }</span>
                    </div>
                }
            };
            html! {
                <div class="figures">
                    { tile("fig-zones", o.zones, S::FigZones) }
                    { tile("fig-stalls", o.stalls, S::FigStalls) }
                    { tile("fig-free", o.free_stalls, S::FigFree) }
                    { tile("fig-temporary", o.temporary_zones, S::FigTemporary) }
                </div>
            }
        }
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        // The tiles' places are kept while the figures load, so nothing below jumps when they come.
        None => html! {
            <div class="figures" aria-busy="true">
                { for [S::FigZones, S::FigStalls, S::FigFree, S::FigTemporary].into_iter().map(|label| html! {
                    <div class="figure"><span class="number muted">{ "…" }</span><span class="label">{ lang.t(label) }</span></div>
                }) }
            </div>
        },
    };
    // Under the map, where its arrival moves nothing already on screen.
    let demo_notice = matches!(&*overview, Some(Ok(o)) if o.demo_data);

    let explorer = match &*zones {
        None => html! { <p aria-busy="true" class="muted">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(all)) => {
            let now = common::time::xiamen_now();
            let shown: Rc<Vec<ZoneSummary>> = Rc::new(all.iter().filter(|z| filter.matches(z, now)).cloned().collect());
            let sel = (*selected).and_then(|id| shown.iter().find(|z| z.id == id).cloned());
            let list = html! {
                <ol class="zone-list" id="zone-list" aria-label={lang.t(S::ZoneListLabel)}>
                    { for shown.iter().map(|z| {
                        let on_focus = { let s = selected.clone(); let id = z.id; Callback::from(move |_: FocusEvent| s.set(Some(id))) };
                        let is_sel = (*selected) == Some(z.id);
                        html! {
                            <li class={classes!("zone-item", is_sel.then_some("selected"))} data-zone-id={z.id.to_string()}
                                data-district={z.district.code()} onfocusin={on_focus}>
                                <Link<Route> to={Route::Zone { id: z.id }}>
                                    <span class="zone-name">{ &z.name }</span>
                                </Link<Route>>
                                <span class="zone-meta">
                                    { free_badge(lang, z, filter.category) }
                                    if z.kind == ZoneKind::Temporary { <span class="badge temporary">{ lang.either(ZoneKind::Temporary.name_zh(), ZoneKind::Temporary.name_en()) }</span> }
                                    <span class="muted">{ lang.either(z.district.name_zh(), z.district.name_en()) }{ " · " }{ hours_text(lang, z) }</span>
                                </span>
                            </li>
                        }
                    }) }
                </ol>
            };
            let card = sel.map(|z| html! {
                <div class="selected-card card" aria-live="polite">
                    <h3>{ &z.name }</h3>
                    <p class="muted">{ &z.code }{ " · " }{ &z.address }</p>
                    <p>{ lang.t(S::Hours) }{ "：" }{ hours_text(lang, &z) }</p>
                    <p>{ lang.t(S::FigFree) }{ "：" }<strong>{ z.stalls_free }</strong>{ " / " }{ z.stalls_total }</p>
                    <FreeByTrade free={z.stalls_free_by_category.clone()} categories={z.categories.clone()} highlight={filter.category} />
                    <Link<Route> to={Route::Zone { id: z.id }} classes="button small primary">{ lang.t(S::ViewZone) }</Link<Route>>
                    <Directions at={[z.lon, z.lat]} name={z.name.clone()} />
                </div>
            });
            let near = match *here {
                Some(Some(at)) => {
                    let nearest = common::directions::nearest_with_free(&shown, at, filter.category, 3);
                    html! {
                        <section class="card near-me" id="near-me-list" aria-labelledby="near-me-title">
                            <h3 id="near-me-title">{ lang.t(S::NearMeTitle) }
                                if let Some(c) = filter.category { { format!(" · {}", lang.either(c.name_zh(), c.name_en())) } }</h3>
                            <p class="muted small">{ lang.t(S::NearMeHint) }</p>
                            if nearest.is_empty() { <p>{ lang.t(S::NearMeNone) }</p> }
                            <ol class="near-list">
                                { for nearest.iter().map(|n| html! {
                                    <li data-code={n.zone.code.clone()}>
                                        <Link<Route> to={Route::Zone { id: n.zone.id }}><strong>{ &n.zone.name }</strong></Link<Route>>
                                        <span class="muted">{ " · " }{ common::directions::distance_text(n.distance_m, lang.is_en()) }
                                            { " · " }{ lang.t(S::FreeOfTrade) }{ " " }{ n.free }</span>
                                        <Directions at={[n.zone.lon, n.zone.lat]} name={n.zone.name.clone()} />
                                    </li>
                                }) }
                            </ol>
                        </section>
                    }
                }
                Some(None) => {
                    html! { <p class="alert warn" id="near-me-list" role="status">{ lang.t(S::NearMeNoPosition) }</p> }
                }
                None => html! {},
            };
            html! {
                <>
                    { near }
                    <p class="result-count" id="result-count" role="status">{ lang.t(S::ZonesShown) }{ " " }<strong>{ shown.len() }</strong></p>
                    <div class={classes!("explorer", if mode == Mode::List { "mode-list" } else { "mode-map" })}>
                        <div class="map-pane">
                            <ZoneMap basemap={(*basemap).clone()} zones={shown.clone()} selected={*selected} on_select={on_select} trade={filter.category} />
                            { card.unwrap_or_default() }
                        </div>
                        <div class="list-pane">{ list }</div>
                    </div>
                </>
            }
        }
    };

    html! {
        <section class="page home">
            <div class="hero">
                <h1>{ lang.t(S::HomeTitle) }</h1>
                <p class="lead">{ lang.t(S::HomeLead) }</p>
                // Each person's next two steps (two buttons for everyone, so the page does not move
                // when we learn who is signed in).
                <div class="actions">
                    { match session.me.as_ref().map(|m| m.role) {
                        Some(Role::Vendor) => html! { <>
                            <Link<Route> to={Route::Apply} classes="button primary">{ lang.t(S::NavApply) }</Link<Route>>
                            <Link<Route> to={Route::MyPermits} classes="button secondary">{ lang.t(S::NavPermits) }</Link<Route>>
                        </> },
                        Some(Role::Merchant) => html! { <>
                            <Link<Route> to={Route::MyFilings} classes="button primary">{ lang.t(S::NavMyFilings) }</Link<Route>>
                            <Link<Route> to={Route::SelfCheck} classes="button secondary">{ lang.t(S::NavSelfCheck) }</Link<Route>>
                        </> },
                        Some(_) => html! { <>
                            <Link<Route> to={Route::Review} classes="button primary">{ lang.t(S::NavReview) }</Link<Route>>
                            <Link<Route> to={Route::Dashboard} classes="button secondary">{ lang.t(S::NavDashboard) }</Link<Route>>
                        </> },
                        None => html! { <>
                            <Link<Route> to={Route::Register} classes="button primary">{ lang.t(S::StartVendor) }</Link<Route>>
                            <Link<Route> to={Route::Register} classes="button secondary">{ lang.t(S::StartShop) }</Link<Route>>
                        </> },
                    } }
                </div>
            </div>
            { figures }
            <section aria-labelledby="map-title" class="map-section">
                <h2 id="map-title">{ lang.t(S::MapTitle) }</h2>
                <form class="filters" role="search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <div class="field">
                        <label for="f-district">{ lang.t(S::District) }</label>
                        <select id="f-district" onchange={on_district}>
                            <option value="" selected={filter.district.is_none()}>{ lang.t(S::AllDistricts) }</option>
                            { for District::ALL.into_iter().map(|d| html! {
                                <option value={d.code()} selected={filter.district == Some(d)}>{ lang.either(d.name_zh(), d.name_en()) }</option>
                            }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-category">{ lang.t(S::Category) }</label>
                        <select id="f-category" onchange={on_category}>
                            <option value="" selected={filter.category.is_none()}>{ lang.t(S::AllCategories) }</option>
                            { for TradeCategory::ALL.into_iter().map(|c| html! {
                                <option value={c.as_str()} selected={filter.category == Some(c)}>{ lang.either(c.name_zh(), c.name_en()) }</option>
                            }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-kind">{ lang.t(S::Kind) }</label>
                        <select id="f-kind" onchange={on_kind}>
                            <option value="" selected={filter.kind.is_none()}>{ lang.t(S::AllKinds) }</option>
                            { for [ZoneKind::Permanent, ZoneKind::Temporary].into_iter().map(|k| html! {
                                <option value={k.as_str()} selected={filter.kind == Some(k)}>{ lang.either(k.name_zh(), k.name_en()) }</option>
                            }) }
                        </select>
                    </div>
                    <div class="field grow">
                        <label for="f-q">{ lang.t(S::Search) }</label>
                        <input id="f-q" type="search" value={filter.q.clone().unwrap_or_default()} oninput={on_search}
                            placeholder={lang.t(S::SearchHint)} />
                    </div>
                    <label class="check"><input id="f-open" type="checkbox" checked={filter.open_now} onchange={on_open} />{ lang.t(S::OpenNow) }</label>
                    <label class="check"><input id="f-free" type="checkbox" checked={filter.has_free} onchange={on_free} />{ lang.t(S::HasFree) }</label>
                    if filter != ZoneFilter::default() {
                        <button type="button" class="link-button" onclick={clear}>{ lang.t(S::ClearFilters) }</button>
                    }
                </form>
                <button type="button" class="button secondary near-me-button" id="near-me" onclick={near_me} disabled={*locating}>
                    { lang.t(if *locating { S::NearMeLocating } else { S::NearMe }) }
                </button>
                <div class="segmented view-toggle" role="radiogroup" aria-label={lang.t(S::ViewAs)}>
                    <button type="button" role="radio" id="view-map" aria-checked={(mode == Mode::Map).to_string()} onclick={set_mode(Mode::Map)}>{ lang.t(S::ViewMap) }</button>
                    <button type="button" role="radio" id="view-list" aria-checked={(mode == Mode::List).to_string()} onclick={set_mode(Mode::List)}>{ lang.t(S::ViewList) }</button>
                </div>
                <div class="legend muted small" aria-hidden="true">
                    <span class="dot many"></span>{ lang.t(S::LegendMany) }
                    <span class="dot few"></span>{ lang.t(S::LegendFew) }
                    <span class="dot full"></span>{ lang.t(S::LegendFull) }
                    <span class="diamond"></span>{ lang.t(S::FigTemporary) }
                </div>
                { explorer }
                if demo_notice { <p class="notice">{ lang.t(S::DemoNotice) }</p> }
            </section>
            if let Some(Ok(o)) = &*overview {
                <section class="card" aria-labelledby="by-district">
                    <h2 id="by-district">{ lang.t(S::FigByDistrict) }</h2>
                    <p class="muted small">{ lang.t(S::FigByDistrictNote) }</p>
                    <DistrictBars districts={o.districts.clone()} />
                </section>
            }
        </section>
    }
}

/// Free stalls for the list: the chosen trade's, else all of them out of the zone's total.
fn free_badge(lang: Lang, z: &ZoneSummary, trade: Option<TradeCategory>) -> Html {
    let class = classes!("badge", "free", free_class(z, trade));
    match trade {
        Some(c) => html! {
            <span class={class} data-free={z.free_for(trade).to_string()}>
                { lang.either(c.name_zh(), c.name_en()) }{ if lang.is_en() { " " } else { "" } }{ lang.t(S::FreeOfTrade) }{ " " }{ z.free_for(trade) }
            </span>
        },
        None => {
            html! { <span class={class} data-free={z.stalls_free.to_string()}>{ lang.t(S::FigFree) }{ " " }{ z.stalls_free }{ "/" }{ z.stalls_total }</span> }
        }
    }
}

/// 6145 → "6,145".
pub fn format_thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}
