//! The service counter (服务窗口): an officer files for people without a phone (代办, in
//! `components::assisted`), passes on their notices, and, with the person and their ID card in
//! front of them, moves the account that holds the person's ID number to the phone the person proves
//! there and then with a texted code. The old holder is signed out and told; both are notified.

use common::dto::auth::CodePurpose;
use common::dto::users::ReclaimRequest;
use yew::prelude::*;

use crate::components::alert::{ErrorAlert, ErrorSummary, Success, with_targets};
use crate::components::assisted::{AssistForm, AssistedList, CounterNotices};
use crate::components::field::{CheckField, TextField, errors_for};
use crate::components::phone_code::PhoneCode;
use crate::hooks::form::{submit_with, update, use_form_state};
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

#[component]
pub fn CounterPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let form = use_state(ReclaimRequest::default);
    let state = use_form_state();
    let generation = use_state(|| 0u32);

    if !session.loaded {
        return html! { <section class="page narrow"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    if !session.me.as_ref().is_some_and(|m| m.role.is_staff()) {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }

    let all = state.errors(form.validate(common::time::xiamen_today()));
    let set = |f: fn(&mut ReclaimRequest, String)| state.setter(&form, f);
    let on_checked = update(&form, |f, checked| f.id_card_checked = checked);
    // The next person starts from an empty form (and a code box that has sent nothing), and the
    // officer sees the confirmation at the top.
    let cleared = {
        let (form, generation) = (form.clone(), generation.clone());
        Callback::from(move |()| {
            form.set(ReclaimRequest::default());
            generation.set(*generation + 1);
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        })
    };
    let valid = |f: &ReclaimRequest| f.validate(common::time::xiamen_today()).is_empty();
    let onsubmit = submit_with("/api/v1/accounts/reclaim", &form, valid, &state, cleared);
    let officer = session.me.as_ref().is_some_and(|m| m.role == common::Role::DistrictOfficer);
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::CounterTitle) }</h1>
            if officer {
                // Work waiting first: notices to pass on, people to continue; then someone new.
                <CounterNotices />
                <AssistedList />
                <AssistForm />
            }
            <h2 id="reclaim-title">{ lang.t(S::CounterReclaimHeading) }</h2>
            <p class="lead">{ lang.t(S::CounterLead) }</p>
            <ol class="steps-list">
                <li>{ lang.t(S::CounterStep1) }</li>
                <li>{ lang.t(S::CounterStep2) }</li>
                <li>{ lang.t(S::CounterStep3) }</li>
            </ol>
            if *state.done { <Success><span id="reclaim-done">{ lang.t(S::CounterDone) }</span></Success> }
            <ErrorAlert error={state.general()} />
            if *state.submitted { <ErrorSummary errors={with_targets(&all, &[])} /> }
            <form class="form" id="reclaim-form" onsubmit={onsubmit} novalidate=true>
                <TextField id="id_number" label={lang.t(S::IdNumber)} hint={lang.t(S::CounterIdHint)} value={form.id_number.clone()}
                    autocomplete="off" oninput={set(|f, v| f.id_number = v)} errors={errors_for(&all, "id_number")} />
                <CheckField id="id_card_checked" label={lang.t(S::CounterIdChecked)} checked={form.id_card_checked}
                    onchange={on_checked} errors={errors_for(&all, "id_card_checked")} />
                <TextField id="phone" label={lang.t(S::CounterPhone)} value={form.phone.clone()} input_type="tel" inputmode="tel"
                    autocomplete="off" oninput={set(|f, v| f.phone = v)} errors={errors_for(&all, "phone")} />
                <PhoneCode key={generation.to_string()} phone={form.phone.clone()} purpose={CodePurpose::Reclaim} value={form.code.clone()}
                    oninput={set(|f, v| f.code = v)} errors={all.clone()} />
                <TextField id="note" label={lang.t(S::CounterNote)} hint={lang.t(S::CounterNoteHint)} value={form.note.clone()}
                    autocomplete="off" oninput={set(|f, v| f.note = v)} errors={errors_for(&all, "note")} />
                <button type="submit" class="button primary" disabled={*state.busy}>
                    { if *state.busy { lang.t(S::Saving) } else { lang.t(S::CounterSubmit) } }
                </button>
            </form>
        </section>
    }
}
