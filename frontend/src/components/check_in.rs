//! "I am at my stall": the holder checks in with the phone's position (asked only on tap). The
//! server applies the shared rule (inside the zone's outline, during its hours) and counts the
//! month's days against the pack's minimum.

use common::dto::lifecycle::{CheckInInput, CheckInReceipt};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct CheckInProps {
    pub permit_id: i64,
}

#[component]
pub fn CheckIn(p: &CheckInProps) -> Html {
    let lang = use_lang();
    let busy = use_state(|| false);
    let receipt = use_state(|| None::<CheckInReceipt>);
    let error = use_state(|| None::<ApiError>);
    let no_position = use_state(|| false);
    let onclick = {
        let (busy, receipt, error, no_position, id) =
            (busy.clone(), receipt.clone(), error.clone(), no_position.clone(), p.permit_id);
        Callback::from(move |_| {
            let Some(geo) = gloo::utils::window().navigator().geolocation().ok() else {
                no_position.set(true);
                return;
            };
            busy.set(true);
            no_position.set(false);
            let (busy2, receipt, error, no_position_ok) =
                (busy.clone(), receipt.clone(), error.clone(), no_position.clone());
            // Read by name: web-sys types the position only behind its unstable-API flag.
            let ok = Closure::once_into_js(move |pos: wasm_bindgen::JsValue| {
                let coord = |name: &str| {
                    js_sys::Reflect::get(&pos, &"coords".into())
                        .and_then(|c| js_sys::Reflect::get(&c, &name.into()))
                        .ok()
                        .and_then(|v| v.as_f64())
                        .unwrap_or(f64::NAN)
                };
                let input = CheckInInput { location: [coord("longitude"), coord("latitude")] };
                if input.location.iter().any(|v| !v.is_finite()) {
                    busy2.set(false);
                    return no_position_ok.set(true);
                }
                yew::platform::spawn_local(async move {
                    match api::post::<_, CheckInReceipt>(&format!("/api/v1/permits/{id}/check-in"), &input).await {
                        Ok(r) => {
                            error.set(None);
                            receipt.set(Some(r));
                        }
                        Err(e) => error.set(Some(e)),
                    }
                    busy2.set(false);
                });
            });
            let (busy3, no_position2) = (busy.clone(), no_position.clone());
            let failed = Closure::once_into_js(move |_: wasm_bindgen::JsValue| {
                busy3.set(false);
                no_position2.set(true);
            });
            if geo.get_current_position_with_error_callback(ok.unchecked_ref(), Some(failed.unchecked_ref())).is_err() {
                busy.set(false);
                no_position.set(true);
            }
        })
    };
    html! {
        <section class="card check-in" id="check-in" aria-labelledby="check-in-title">
            <h2 id="check-in-title">{ lang.t(S::CheckInTitle) }</h2>
            <p class="muted small">{ lang.t(S::CheckInIntro) }</p>
            <button type="button" class="button primary" id="check-in-button" onclick={onclick} disabled={*busy}>
                { lang.t(if *busy { S::CheckInLocating } else { S::CheckInButton }) }
            </button>
            <div role="status">
                if let Some(r) = &*receipt {
                    <p class="alert success" id="check-in-done">
                        { lang.t(if r.already { S::CheckInAlready } else { S::CheckInDone }) }
                        { lang.t(S::CheckInDays).replace("{n}", &r.days_this_month.to_string()).replace("{min}", &r.min_attendance_days.to_string()) }
                    </p>
                }
                if *no_position { <p class="alert warn">{ lang.t(S::CheckInNoPosition) }</p> }
            </div>
            if let Some(e) = &*error {
                if e.field_errors().is_empty() {
                    <ErrorAlert error={Some(e.clone())} />
                } else {
                    <ul class="field-errors" id="check-in-error">{ for e.field_errors().iter().map(|f| html! { <li>{ lang.pick(&f.message) }</li> }) }</ul>
                }
            }
        </section>
    }
}
