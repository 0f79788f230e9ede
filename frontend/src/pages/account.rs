use common::dto::auth::{ChangePasswordRequest, ChangePhoneRequest, CodePurpose, Me};
use common::mask;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::field::{TextField, errors_for};
use crate::components::password_meter::PasswordMeter;
use crate::components::phone_code::PhoneCode;
use crate::hooks::form::{submit_with, use_form_state};
use crate::hooks::{Session, use_session};
use crate::i18n::{S, use_lang};
use crate::pages::my_data::{CloseAccount, DataDownload, DocumentLooksList};

#[component]
pub fn AccountPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let closed = use_state(|| false);

    if *closed {
        return html! {
            <section class="page narrow">
                <Success><span id="account-closed">{ lang.t(S::AccountClosed) }</span></Success>
                <Link<Route> to={Route::Home} classes="button">{ lang.t(S::NavHome) }</Link<Route>>
            </section>
        };
    }
    if !session.loaded {
        return html! { <section class="page narrow"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    let Some(me) = session.me.clone() else {
        return html! {
            <section class="page narrow">
                <p>{ lang.t(S::NotSignedIn) }</p>
                <Link<Route> to={Route::Login} classes="button primary">{ lang.t(S::NavLogin) }</Link<Route>>
            </section>
        };
    };

    let row = |label: S, value: String| html! { <div class="kv"><dt>{ lang.t(label) }</dt><dd>{ value }</dd></div> };
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::AccountTitle) }</h1>
            <dl class="card details">
                { row(S::Role, lang.either(me.role.name_zh(), me.role.name_en()).to_string()) }
                { row(S::Name, me.display_name.clone()) }
                { row(S::Login, me.login.clone()) }
                if let Some(id) = &me.id_number { { row(S::IdNumber, mask::id_number(id)) } }
                if let Some(c) = &me.credit_code { { row(S::CreditCode, c.clone()) } }
                if let Some(c) = &me.contact_name { { row(S::ContactName, c.clone()) } }
                if let Some(d) = me.district { { row(S::District, lang.either(d.name_zh(), d.name_en()).to_string()) } }
                { row(S::RegisteredAt, common::time::to_xiamen(me.created_at).format("%Y-%m-%d %H:%M").to_string()) }
            </dl>
            // The page is long on a phone: its parts, one tap away.
            <nav class="page-links" aria-label={lang.t(S::OnThisPage)}>
                <a href="#change-password">{ lang.t(S::ChangePassword) }</a>
                if !me.role.is_staff() { <a href="#change-phone">{ lang.t(S::ChangePhone) }</a> }
                <a href="#my-data">{ lang.t(S::MyDataTitle) }</a>
            </nav>
            <PasswordForm />
            // Staff sign in by username; vendors and shops by the phone they proved.
            if !me.role.is_staff() { <PhoneForm /> }
            <h2 id="my-data">{ lang.t(S::MyDataTitle) }</h2>
            if !me.role.is_staff() { <DocumentLooksList /> }
            <DataDownload />
            // Staff accounts are disabled by an admin, who keeps the record of who did what.
            if !me.role.is_staff() {
                <CloseAccount closed={{ let closed = closed.clone(); Callback::from(move |()| closed.set(true)) }} />
            }
        </section>
    }
}

#[component]
fn PasswordForm() -> Html {
    let lang = use_lang();
    let session = use_session();
    let about: Vec<String> = session
        .me
        .as_ref()
        .map(|m| {
            [Some(m.display_name.clone()), Some(m.login.clone()), m.id_number.clone()].into_iter().flatten().collect()
        })
        .unwrap_or_default();
    let form = use_state(ChangePasswordRequest::default);
    let state = use_form_state();
    let all = state.errors(form.validate());
    let set = |f: fn(&mut ChangePasswordRequest, String)| state.setter(&form, f);
    let cleared = {
        let form = form.clone();
        Callback::from(move |()| form.set(ChangePasswordRequest::default()))
    };
    let onsubmit = submit_with("/api/v1/me/password", &form, |f| f.validate().is_empty(), &state, cleared);
    html! {
        <>
            <h2 id="change-password">{ lang.t(S::ChangePassword) }</h2>
            if *state.done { <Success>{ lang.t(S::PasswordChanged) }</Success> }
            <ErrorAlert error={state.general()} />
            <form class="form" onsubmit={onsubmit} novalidate=true>
                <TextField id="current_password" label={lang.t(S::CurrentPassword)} value={form.current_password.clone()}
                    input_type="password" autocomplete="current-password" oninput={set(|f, v| f.current_password = v)}
                    errors={errors_for(&all, "current_password")} />
                <TextField id="new_password" label={lang.t(S::NewPassword)} hint={lang.t(S::PasswordHint)} value={form.new_password.clone()}
                    input_type="password" autocomplete="new-password" oninput={set(|f, v| f.new_password = v)}
                    errors={errors_for(&all, "new_password")} />
                <PasswordMeter password={form.new_password.clone()} about={about} />
                <button type="submit" class="button primary" disabled={*state.busy}>{ lang.t(S::ChangePasswordSubmit) }</button>
            </form>
        </>
    }
}

/// Moving the account to a new phone: a code texted to the new phone, and the password.
#[component]
fn PhoneForm() -> Html {
    let lang = use_lang();
    let session = use_session();
    let form = use_state(ChangePhoneRequest::default);
    let state = use_form_state();
    let all = state.errors(form.validate());
    let set = |f: fn(&mut ChangePhoneRequest, String)| state.setter(&form, f);
    // The login is the phone: the header and details show the new one at once.
    let generation = use_state(|| 0u32);
    let moved = {
        let (form, session, generation) = (form.clone(), session.clone(), generation.clone());
        Callback::from(move |()| {
            form.set(ChangePhoneRequest::default());
            // A fresh code box: the last one's countdown belongs to the old change.
            generation.set(*generation + 1);
            let session = session.clone();
            yew::platform::spawn_local(async move {
                if let Ok(me) = api::get::<Me>("/api/v1/me").await {
                    session.set(Session { loaded: true, me: Some(me) });
                }
            });
        })
    };
    let onsubmit = submit_with("/api/v1/me/phone", &form, |f| f.validate().is_empty(), &state, moved);
    html! {
        <>
            <h2 id="change-phone">{ lang.t(S::ChangePhone) }</h2>
            <p class="hint">{ lang.t(S::ChangePhoneLead) }</p>
            if *state.done { <Success>{ lang.t(S::PhoneChanged) }</Success> }
            <ErrorAlert error={state.general()} />
            <form class="form" id="phone-form" onsubmit={onsubmit} novalidate=true>
                <TextField id="new_phone" label={lang.t(S::NewPhone)} value={form.phone.clone()} input_type="tel"
                    inputmode="tel" autocomplete="tel" oninput={set(|f, v| f.phone = v)}
                    errors={errors_for(&all, "phone")} />
                <PhoneCode key={generation.to_string()} phone={form.phone.clone()} purpose={CodePurpose::PhoneChange} value={form.code.clone()}
                    oninput={set(|f, v| f.code = v)} errors={all.clone()} />
                <TextField id="phone_current_password" label={lang.t(S::CurrentPassword)} value={form.current_password.clone()}
                    input_type="password" autocomplete="current-password" oninput={set(|f, v| f.current_password = v)}
                    errors={errors_for(&all, "current_password")} />
                <button type="submit" class="button primary" disabled={*state.busy}>{ lang.t(S::ChangePhoneSubmit) }</button>
            </form>
        </>
    }
}
