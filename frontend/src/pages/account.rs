use common::dto::auth::ChangePasswordRequest;
use common::mask;
use gloo::net::http::Method;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::field::{TextField, errors_for};
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

#[component]
pub fn AccountPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let form = use_state(ChangePasswordRequest::default);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let done = use_state(|| false);
    let error = use_state(|| None::<ApiError>);

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

    let local = if *submitted { form.validate() } else { Vec::new() };
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let all: Vec<_> = local.into_iter().chain(server).collect();
    let set = |f: fn(&mut ChangePasswordRequest, String)| {
        let (form, done) = (form.clone(), done.clone());
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
            done.set(false);
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
            let (form, busy, error, done, submitted) =
                (form.clone(), busy.clone(), error.clone(), done.clone(), submitted.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::request_empty(Method::POST, "/api/v1/me/password", Some(&*form)).await {
                    Ok(()) => {
                        error.set(None);
                        done.set(true);
                        submitted.set(false);
                        form.set(ChangePasswordRequest::default());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
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
            <h2>{ lang.t(S::ChangePassword) }</h2>
            if *done { <Success>{ lang.t(S::PasswordChanged) }</Success> }
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            <form class="form" onsubmit={onsubmit} novalidate=true>
                <TextField id="current_password" label={lang.t(S::CurrentPassword)} value={form.current_password.clone()}
                    input_type="password" autocomplete="current-password" oninput={set(|f, v| f.current_password = v)}
                    errors={errors_for(&all, "current_password")} />
                <TextField id="new_password" label={lang.t(S::NewPassword)} hint={lang.t(S::PasswordHint)} value={form.new_password.clone()}
                    input_type="password" autocomplete="new-password" oninput={set(|f, v| f.new_password = v)}
                    errors={errors_for(&all, "new_password")} />
                <button type="submit" class="button primary" disabled={*busy}>{ lang.t(S::ChangePasswordSubmit) }</button>
            </form>
        </section>
    }
}
