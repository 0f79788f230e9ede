//! One zone: everything a vendor or resident wants to know, and its stall grid.

use common::dto::zones::{StallView, ZoneDetail};
use common::geo;
use common::zone::{StallState, ZoneKind, ZoneStatus};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::components::directions::{Directions, FreeByTrade};
use crate::i18n::{Lang, S, use_lang};

#[derive(Properties, PartialEq)]
pub struct ZonePageProps {
    pub id: i64,
}

fn state_class(s: StallState) -> &'static str {
    s.as_str()
}

fn status_badge(lang: Lang, s: ZoneStatus) -> Html {
    html! { <span class={classes!("badge", "status", s.as_str())}>{ lang.either(s.name_zh(), s.name_en()) }</span> }
}

/// A small outline sketch of the zone, drawn in metres around its centre (a city-scale map
/// would show it as a dot).
#[component]
fn OutlineSketch(p: &OutlineProps) -> Html {
    let Some(outer) = p.geometry.first().filter(|r| r.len() >= 3) else { return html! {} };
    let c = geo::ring_centroid(outer);
    let local: Vec<(f64, f64)> = outer
        .iter()
        .map(|q| {
            let dx = geo::haversine_m(c, [q[0], c[1]]) * (q[0] - c[0]).signum();
            let dy = geo::haversine_m(c, [c[0], q[1]]) * (q[1] - c[1]).signum();
            (dx, -dy)
        })
        .collect();
    let span = local.iter().fold(1.0f64, |m, (x, y)| m.max(x.abs()).max(y.abs()));
    let s = 95.0 / span;
    let pts: String =
        local.iter().map(|(x, y)| format!("{:.1},{:.1}", 200.0 + x * s, 110.0 + y * s)).collect::<Vec<_>>().join(" ");
    let bar_m = [5.0, 10.0, 20.0, 50.0, 100.0, 200.0].into_iter().find(|m| m * s >= 40.0).unwrap_or(200.0);
    html! {
        <svg class="outline-sketch" viewBox="0 0 400 220" role="img" aria-label={p.label.clone()}>
            <polygon points={pts} class="zone-outline" />
            <circle cx="200" cy="110" r="3" class="anchor" />
            <line x1="12" y1="205" x2={format!("{:.1}", 12.0 + bar_m * s)} y2="205" class="scale-bar" />
            <text x="12" y="198" class="scale">{ format!("{bar_m:.0} m") }</text>
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct OutlineProps {
    geometry: Vec<Vec<[f64; 2]>>,
    label: AttrValue,
}

#[component]
pub fn ZonePage(p: &ZonePageProps) -> Html {
    let lang = use_lang();
    let session = crate::hooks::use_session();
    let navigator = use_navigator().expect("inside router");
    let data = use_state(|| None::<Result<(ZoneDetail, Vec<StallView>), ApiError>>);
    {
        let data = data.clone();
        use_effect_with(p.id, move |id| {
            let id = *id;
            data.set(None);
            yew::platform::spawn_local(async move {
                let r = async {
                    let z = api::get::<ZoneDetail>(&format!("/api/v1/zones/{id}")).await?;
                    let s = api::get::<Vec<StallView>>(&format!("/api/v1/zones/{id}/stalls")).await?;
                    Ok((z, s))
                }
                .await;
                data.set(Some(r));
            });
        });
    }
    let (z, stalls) = match &*data {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(v)) => v.clone(),
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{} · {}", z.name, lang.t(S::AppName)));
    }
    let apply_here = {
        let (navigator, id) = (navigator.clone(), z.id);
        Callback::from(move |_| {
            let _ = navigator.push_with_query(&Route::Apply, &[("zone", id)]);
        })
    };
    let row = |label: S, value: Html| html! { <div class="kv"><dt>{ lang.t(label) }</dt><dd>{ value }</dd></div> };
    let hours = html! {
        <ul class="plain">
            { for z.hours.iter().map(|h| {
                let days = if lang.is_en() { en_days(&h.days) } else { h.describe_zh().split(' ').next().unwrap_or_default().to_string() };
                html! { <li>{ h.label.clone().map(|l| format!("{l} ")).unwrap_or_default() }{ days }{ " " }<strong>{ format!("{}–{}", h.start, h.end) }</strong></li> }
            }) }
        </ul>
    };
    let categories =
        z.categories.iter().map(|c| lang.either(c.name_zh(), c.name_en()).to_string()).collect::<Vec<_>>().join("、");
    let fee = if z.fee_yuan_month == 0 {
        lang.t(S::FeeFree).to_string()
    } else {
        format!("{} {}", z.fee_yuan_month, lang.t(S::PerMonth))
    };
    let legend = [
        (StallState::Free, S::FigFree, z.stalls.free),
        (StallState::Occupied, S::Occupied, z.stalls.occupied),
        (StallState::Reserved, S::Reserved, z.stalls.reserved),
        (StallState::OutOfUse, S::OutOfUse, z.stalls.out_of_use),
    ];

    html! {
        <section class="page zone-page">
            <p><Link<Route> to={Route::Home}>{ "← " }{ lang.t(S::BackToMap) }</Link<Route>></p>
            <h1>{ &z.name }{ " " }{ status_badge(lang, z.status) }</h1>
            <p class="muted">{ &z.code }{ " · " }{ lang.either(z.district.name_zh(), z.district.name_en()) }
                { " · " }{ lang.either(z.kind.name_zh(), z.kind.name_en()) }</p>
            if z.status == ZoneStatus::Active && session.me.as_ref().is_none_or(|m| m.role == common::Role::Vendor) {
                <p class="actions"><button type="button" class="button primary" id="apply-here" onclick={apply_here}>{ lang.t(S::ApplyHere) }</button>
                    <Link<Route, crate::pages::complaints::ReportQuery> to={Route::Report} query={Some(crate::pages::complaints::ReportQuery { permit: None, zone: Some(p.id) })} classes="button">{ lang.t(S::ReportProblem) }</Link<Route, crate::pages::complaints::ReportQuery>></p>
            }
            <div class="two-col">
                <div>
                    <dl class="card details">
                        { row(S::Address, html! { <>{ &z.address }<Directions at={[z.lon, z.lat]} name={z.name.clone()} /></> }) }
                        { row(if z.kind == ZoneKind::Temporary { S::MealSessions } else { S::Hours }, hours) }
                        { row(S::AllowedTrades, html! { categories }) }
                        if !z.banned.is_empty() { { row(S::BannedTrades, html! { z.banned.join("、") }) } }
                        { row(S::StallSize, html! { format!("{} m × {} m", z.stall_width_m, z.stall_depth_m) }) }
                        { row(S::Fee, html! { <>{ fee }if !z.fee_note.is_empty() { <span class="muted small">{ " （" }{ &z.fee_note }{ "）" }</span> }</> }) }
                        { row(S::ManagingUnit, html! { &z.managing_unit }) }
                        { row(S::Contact, html! { <a href={format!("tel:{}", z.contact_phone)}>{ &z.contact_phone }</a> }) }
                        if let Some(site) = &z.site_name { { row(S::Site, html! { site }) } }
                        if let Some(c) = &z.site_contractor { { row(S::Contractor, html! { c }) } }
                        if let Some(d) = z.valid_until { { row(S::ValidUntil, html! { d.to_string() }) } }
                    </dl>
                </div>
                <div class="card">
                    <h2>{ lang.t(S::Outline) }</h2>
                    <OutlineSketch geometry={z.geometry.clone()} label={format!("{} {}", z.name, lang.t(S::Outline))} />
                </div>
            </div>
            <section aria-labelledby="stall-grid-title">
                <h2 id="stall-grid-title">{ lang.t(S::StallGridLabel) }{ format!("（{}）", z.stalls.total()) }</h2>
                <ul class="legend-row">
                    { for legend.iter().map(|(s, label, n)| html! {
                        <li><span class={classes!("swatch", state_class(*s))}></span>{ lang.t(*label) }{ " " }<strong>{ n }</strong></li>
                    }) }
                </ul>
                <h3 id="free-by-trade-title">{ lang.t(S::FreeByTradeTitle) }</h3>
                <p class="muted small">{ lang.t(S::FreeByTradeNote) }</p>
                <FreeByTrade free={z.stalls.free_by_category.clone()} categories={z.categories.clone()} />
                <ul class="stall-grid" id="stall-grid">
                    { for stalls.iter().map(|s| html! {
                        <li class={classes!("stall", state_class(s.state))} data-state={s.state.as_str()}
                            title={format!("{} · {} · {}", s.number, lang.either(s.category.name_zh(), s.category.name_en()), lang.either(s.state.name_zh(), s.state.name_en()))}>
                            <span class="no">{ &s.number }</span>
                            <span class="cat">{ short_category(lang, s.category) }</span>
                            <span class="visually-hidden">{ lang.either(s.state.name_zh(), s.state.name_en()) }</span>
                        </li>
                    }) }
                </ul>
            </section>
        </section>
    }
}

fn short_category(lang: Lang, c: common::TradeCategory) -> String {
    if lang.is_en() {
        c.name_en().split_whitespace().next().unwrap_or_default().to_string()
    } else {
        c.name_zh().chars().take(2).collect()
    }
}

fn en_days(days: &[u8]) -> String {
    const N: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    if days.len() == 7 {
        return "Daily".into();
    }
    days.iter().filter_map(|d| N.get((*d as usize).wrapping_sub(1))).copied().collect::<Vec<_>>().join(", ")
}
