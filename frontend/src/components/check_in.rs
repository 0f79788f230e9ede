//! "I am at my stall": the holder checks in with the phone's position (asked only on tap). The
//! server applies the shared rule (inside the zone's outline, during its hours) and counts the
//! month's days against the pack's minimum.

use common::dto::lifecycle::{CheckInInput, CheckInReceipt};
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
            busy.set(true);
            no_position.set(false);
            let (busy, receipt, error, no_position) =
                (busy.clone(), receipt.clone(), error.clone(), no_position.clone());
            crate::hooks::geolocation::locate(move |at| {
                let Some(location) = at else {
                    busy.set(false);
                    return no_position.set(true);
                };
                let input = CheckInInput { location };
                yew::platform::spawn_local(async move {
                    match api::post::<_, CheckInReceipt>(&format!("/api/v1/permits/{id}/check-in"), &input).await {
                        Ok(r) => {
                            error.set(None);
                            receipt.set(Some(r));
                        }
                        Err(e) => error.set(Some(e)),
                    }
                    busy.set(false);
                });
            });
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
