//! "Take me there": links that open Amap, Baidu or Tencent maps at a zone, each in the datum the
//! app expects (conversions in `common::directions`), and the free stalls a zone has per trade.

use std::collections::BTreeMap;

use common::TradeCategory;
use common::directions::MapApp;
use yew::prelude::*;

use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct DirectionsProps {
    /// [lon, lat], WGS84.
    pub at: [f64; 2],
    pub name: AttrValue,
}

#[component]
pub fn Directions(p: &DirectionsProps) -> Html {
    let lang = use_lang();
    html! {
        <div class="directions" role="group" aria-label={lang.t(S::Directions)}>
            <span class="muted small">{ lang.t(S::Directions) }</span>
            { for MapApp::ALL.into_iter().map(|app| html! {
                <a class={classes!("button", "small", "map-app", app.as_str())} href={app.link(p.at, &p.name)}
                    target="_blank" rel="noopener noreferrer" data-app={app.as_str()}>
                    { lang.either(app.name_zh(), app.name_en()) }
                </a>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FreeByTradeProps {
    pub free: BTreeMap<TradeCategory, i64>,
    /// The trades the zone allows (each is listed, with 0 when none of its stalls is free).
    pub categories: Vec<TradeCategory>,
    #[prop_or_default]
    pub highlight: Option<TradeCategory>,
}

/// Free stalls of each trade: what an applicant of that trade can actually get.
#[component]
pub fn FreeByTrade(p: &FreeByTradeProps) -> Html {
    let lang = use_lang();
    html! {
        <ul class="free-by-trade" id="free-by-trade">
            { for p.categories.iter().map(|c| {
                let n = p.free.get(c).copied().unwrap_or(0);
                html! {
                    <li class={classes!((p.highlight == Some(*c)).then_some("chosen"), (n == 0).then_some("none"))} data-category={c.as_str()} data-free={n.to_string()}>
                        <span>{ lang.either(c.name_zh(), c.name_en()) }</span>
                        <strong>{ n }</strong>
                    </li>
                }
            }) }
        </ul>
    }
}
