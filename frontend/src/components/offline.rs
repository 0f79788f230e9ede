//! The "data from" banner. When the network is gone or too slow, the service worker (sw.js)
//! answers data requests from the copy it saved, marked with `x-tangui-saved-at`; every answer
//! passes through [`note`], and the banner under the header says how old the shown data is.

use std::cell::Cell;

use gloo::events::EventListener;
use yew::prelude::*;

use crate::i18n::{S, use_lang};

const EVENT: &str = "tangui-saved-data";

thread_local! {
    /// The oldest saved answer shown since the last fresh one (milliseconds since 1970).
    static SAVED_AT: Cell<Option<f64>> = const { Cell::new(None) };
}

/// Looks at a GET answer: saved (offline) or fresh.
pub fn note(resp: &gloo::net::http::Response) {
    let saved = resp.headers().get("x-tangui-saved-at").and_then(|v| v.parse::<f64>().ok());
    let before = SAVED_AT.get();
    let now = match (saved, before) {
        (Some(s), Some(b)) => Some(s.min(b)),
        (Some(s), None) => Some(s),
        (None, _) => None,
    };
    if now != before {
        SAVED_AT.set(now);
        if let Ok(e) = web_sys::Event::new(EVENT) {
            let _ = gloo::utils::window().dispatch_event(&e);
        }
    }
}

/// "2026-12-02 09:30" in the phone's own time zone.
fn local_time(ms: f64) -> String {
    let d = js_sys::Date::new(&ms.into());
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

#[component]
pub fn OfflineBanner() -> Html {
    let lang = use_lang();
    let saved = use_state(|| SAVED_AT.get());
    {
        let saved = saved.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), EVENT, move |_| saved.set(SAVED_AT.get()));
            move || drop(listener)
        });
    }
    match *saved {
        Some(ms) => html! {
            <p class="offline-banner" id="offline-banner" role="status">
                { lang.t(S::OfflineData) }{ " " }<time>{ local_time(ms) }</time>
            </p>
        },
        None => Html::default(),
    }
}
