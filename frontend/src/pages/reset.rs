//! A forgotten password: a code texted to the account's phone, and a new password. Every other
//! sign-in of the account ends. Also the takeover of an account a service counter opened: the
//! same shape, with the ID number and the code printed on the receipt.

use common::dto::assisted::TakeoverRequest;
use common::dto::auth::{CodePurpose, ResetPasswordRequest};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, ErrorSummary, with_targets};
use crate::components::field::{CheckField, TextField, errors_for};
use crate::components::password_meter::PasswordMeter;
use crate::components::phone_code::PhoneCode;
use crate::i18n::{S, use_lang};

#[component]
pub fn ResetPage() -> Html {
    let lang = use_lang();
    let form = use_state(ResetPasswordRequest::default);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| false);

    let local = if *submitted { form.validate() } else { Vec::new() };
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let all: Vec<_> = local.into_iter().chain(server).collect();
    let set = |f: fn(&mut ResetPasswordRequest, String)| {
        let (form, error) = (form.clone(), error.clone());
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
            error.set(None);
        })
    };
    let onsubmit = {
        let (form, submitted, busy, error, done) =
            (form.clone(), submitted.clone(), busy.clone(), error.clone(), done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            if !form.validate().is_empty() || *busy {
                return;
            }
            let (body, busy, error, done) = ((*form).clone(), busy.clone(), error.clone(), done.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::request_empty(gloo::net::http::Method::POST, "/api/v1/auth/reset", Some(&body)).await {
                    Ok(()) => done.set(true),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };

    if *done {
        return html! {
            <section class="page narrow">
                <h1>{ lang.t(S::ResetTitle) }</h1>
                <p class="notice success" id="reset-done" role="status">{ lang.t(S::ResetDone) }</p>
                <Link<Route> to={Route::Login} classes="button primary">{ lang.t(S::NavLogin) }</Link<Route>>
            </section>
        };
    }
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::ResetTitle) }</h1>
            <p>{ lang.t(S::ResetIntro) }</p>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            if *submitted { <ErrorSummary errors={with_targets(&all, &[])} /> }
            <form class="form" onsubmit={onsubmit} novalidate=true>
                <TextField id="phone" label={lang.t(S::Phone)} value={form.phone.clone()} input_type="tel" inputmode="tel"
                    autocomplete="tel" oninput={set(|f, v| f.phone = v)} errors={errors_for(&all, "phone")} />
                <PhoneCode phone={form.phone.clone()} purpose={CodePurpose::Reset} value={form.code.clone()}
                    oninput={set(|f, v| f.code = v)} errors={all.clone()} />
                <TextField id="new_password" label={lang.t(S::NewPassword)} hint={lang.t(S::PasswordHint)} value={form.new_password.clone()}
                    input_type="password" autocomplete="new-password" oninput={set(|f, v| f.new_password = v)}
                    errors={errors_for(&all, "new_password")} />
                <PasswordMeter password={form.new_password.clone()} about={vec![form.phone.clone()]} />
                <button type="submit" class="button primary" disabled={*busy}>
                    { if *busy { lang.t(S::Saving) } else { lang.t(S::ResetSubmit) } }
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn TakeoverPage() -> Html {
    let lang = use_lang();
    let form = use_state(TakeoverRequest::default);
    let state = crate::hooks::form::use_form_state();
    let today = common::time::xiamen_today();
    let all = state.errors(form.validate(today));
    let set = |f: fn(&mut TakeoverRequest, String)| state.setter(&form, f);
    let valid = |f: &TakeoverRequest| f.validate(common::time::xiamen_today()).is_empty();
    // A shop takes over by its credit code; a person by their ID number (only one is sent).
    let as_shop = use_state(|| false);
    let on_shop = {
        let (as_shop, form) = (as_shop.clone(), form.clone());
        Callback::from(move |on: bool| {
            as_shop.set(on);
            let mut next = (*form).clone();
            next.id_number.clear();
            next.credit_code.clear();
            form.set(next);
        })
    };
    let onsubmit =
        crate::hooks::form::submit_with("/api/v1/assisted/takeover", &form, valid, &state, Callback::from(|()| ()));
    if *state.done {
        return html! {
            <section class="page narrow">
                <h1>{ lang.t(S::TakeoverTitle) }</h1>
                <p class="notice success" id="takeover-done" role="status">{ lang.t(S::TakeoverDone) }</p>
                <Link<Route> to={Route::Login} classes="button primary">{ lang.t(S::NavLogin) }</Link<Route>>
            </section>
        };
    }
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::TakeoverTitle) }</h1>
            <p>{ lang.t(S::TakeoverLead) }</p>
            <ErrorAlert error={state.general()} />
            if *state.submitted { <ErrorSummary errors={with_targets(&all, &[])} /> }
            <form class="form" id="takeover-form" onsubmit={onsubmit} novalidate=true>
                <CheckField id="takeover-shop" label={lang.t(S::TakeoverAsShop)} checked={*as_shop} onchange={on_shop} errors={Vec::new()} />
                if *as_shop {
                    <TextField id="credit_code" label={lang.t(S::CreditCode)} value={form.credit_code.clone()} autocomplete="off"
                        oninput={set(|f, v| f.credit_code = v)} errors={errors_for(&all, "credit_code")} />
                } else {
                    <TextField id="id_number" label={lang.t(S::IdNumber)} value={form.id_number.clone()} autocomplete="off"
                        oninput={set(|f, v| f.id_number = v)} errors={errors_for(&all, "id_number")} />
                }
                <TextField id="takeover_code" label={lang.t(S::TakeoverCode)} hint={lang.t(S::TakeoverCodeHint)} value={form.takeover_code.clone()}
                    autocomplete="off" oninput={set(|f, v| f.takeover_code = v)} errors={errors_for(&all, "takeover_code")} />
                <TextField id="phone" label={lang.t(S::Phone)} value={form.phone.clone()} input_type="tel" inputmode="tel"
                    autocomplete="tel" oninput={set(|f, v| f.phone = v)} errors={errors_for(&all, "phone")} />
                <PhoneCode phone={form.phone.clone()} purpose={CodePurpose::Takeover} value={form.code.clone()}
                    oninput={set(|f, v| f.code = v)} errors={all.clone()} />
                <TextField id="password" label={lang.t(S::NewPassword)} hint={lang.t(S::PasswordHint)} value={form.password.clone()}
                    input_type="password" autocomplete="new-password" oninput={set(|f, v| f.password = v)}
                    errors={errors_for(&all, "password")} />
                <PasswordMeter password={form.password.clone()} about={vec![form.phone.clone(), form.id_number.clone()]} />
                <button type="submit" class="button primary" disabled={*state.busy}>
                    { if *state.busy { lang.t(S::Saving) } else { lang.t(S::TakeoverSubmit) } }
                </button>
            </form>
        </section>
    }
}
