use common::dto::stats::Overview;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::components::charts::DistrictBars;
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

#[component]
pub fn HomePage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let overview = use_state(|| None::<Result<Overview, ApiError>>);
    {
        let overview = overview.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                overview.set(Some(api::get::<Overview>("/api/v1/stats/overview").await))
            });
        });
    }

    let figures = match &*overview {
        None => html! { <p aria-busy="true" class="muted">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
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
                <>
                    if o.demo_data { <p class="notice">{ lang.t(S::DemoNotice) }</p> }
                    <div class="figures">
                        { tile("fig-zones", o.zones, S::FigZones) }
                        { tile("fig-stalls", o.stalls, S::FigStalls) }
                        { tile("fig-free", o.free_stalls, S::FigFree) }
                        { tile("fig-temporary", o.temporary_zones, S::FigTemporary) }
                    </div>
                    <section class="card" aria-labelledby="by-district">
                        <h2 id="by-district">{ lang.t(S::FigByDistrict) }</h2>
                        <p class="muted small">{ lang.t(S::FigByDistrictNote) }</p>
                        <DistrictBars districts={o.districts.clone()} />
                    </section>
                </>
            }
        }
    };

    html! {
        <section class="page">
            <div class="hero">
                <h1>{ lang.t(S::HomeTitle) }</h1>
                <p class="lead">{ lang.t(S::HomeLead) }</p>
                if session.loaded && session.me.is_none() {
                    <div class="actions">
                        <Link<Route> to={Route::Register} classes="button primary">{ lang.t(S::StartVendor) }</Link<Route>>
                        <Link<Route> to={Route::Register} classes="button secondary">{ lang.t(S::StartShop) }</Link<Route>>
                    </div>
                }
            </div>
            { figures }
        </section>
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
