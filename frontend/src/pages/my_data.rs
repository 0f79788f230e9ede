//! The account page's part on personal data: who looked at my documents, the download of
//! everything kept about me, and closing the account.

use common::dto::personal_data::{CloseAccountRequest, DocumentLooks};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::components::field::{CheckField, TextField, errors_for};
use crate::hooks::form::{submit_with, use_form_state};
use crate::hooks::{Session, use_session};
use crate::i18n::{S, use_lang};

/// Every look by staff at the person's documents, newest first.
#[component]
pub fn DocumentLooksList() -> Html {
    let lang = use_lang();
    let looks = use_state(|| None::<Result<DocumentLooks, ApiError>>);
    {
        let looks = looks.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { looks.set(Some(api::get("/api/v1/me/document-looks").await)) });
        });
    }
    let body = match &*looks {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(l)) if l.looks.is_empty() => html! { <p class="hint" id="looks-none">{ lang.t(S::LooksNone) }</p> },
        Some(Ok(l)) => html! {
            <ul class="looks" id="document-looks">
                { for l.looks.iter().map(|x| html! {
                    <li class="card" data-document={x.document.as_str()}>
                        <strong>{ lang.either(x.document.name_zh(), x.document.name_en()) }</strong>
                        <span>{ &x.officer }{ " · " }{ lang.either(&x.unit_zh, &x.unit_en) }</span>
                        <time>{ common::time::to_xiamen(x.at).format("%Y-%m-%d %H:%M").to_string() }</time>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <section aria-labelledby="looks-title">
            <h3 id="looks-title">{ lang.t(S::LooksTitle) }</h3>
            <p class="hint">{ lang.t(S::LooksLead) }</p>
            { body }
        </section>
    }
}

/// The download of everything kept about the person: a plain link, so the browser saves it.
#[component]
pub fn DataDownload() -> Html {
    let lang = use_lang();
    html! {
        <section aria-labelledby="export-title">
            <h3 id="export-title">{ lang.t(S::ExportTitle) }</h3>
            <p class="hint">{ lang.t(S::ExportLead) }</p>
            <a class="button" id="export-link" href="/api/v1/me/export" download="">{ lang.t(S::ExportButton) }</a>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CloseProps {
    /// Told once the account is closed (the page then says so).
    pub closed: Callback<()>,
}

/// Closing the account, with the password and a clear yes.
#[component]
pub fn CloseAccount(p: &CloseProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let form = use_state(CloseAccountRequest::default);
    let state = use_form_state();
    let all = state.errors(form.validate());
    let on_password = state.setter(&form, |f, v| f.password = v);
    let on_understood = {
        let form = form.clone();
        Callback::from(move |checked: bool| {
            let mut next = (*form).clone();
            next.understood = checked;
            form.set(next);
        })
    };
    let after = {
        let (session, closed) = (session.clone(), p.closed.clone());
        Callback::from(move |()| {
            session.set(Session { loaded: true, me: None });
            closed.emit(());
        })
    };
    let onsubmit = submit_with("/api/v1/me/close", &form, |f| f.validate().is_empty(), &state, after);
    html! {
        <section aria-labelledby="close-title">
            <h3 id="close-title">{ lang.t(S::CloseTitle) }</h3>
            <p class="hint">{ lang.t(S::CloseLead) }</p>
            <ErrorAlert error={state.general()} />
            <form class="form" id="close-form" onsubmit={onsubmit} novalidate=true>
                <TextField id="close_password" label={lang.t(S::Password)} value={form.password.clone()} input_type="password"
                    autocomplete="current-password" oninput={on_password} errors={errors_for(&all, "password")} />
                <CheckField id="close_understood" label={lang.t(S::CloseUnderstood)} checked={form.understood}
                    onchange={on_understood} errors={errors_for(&all, "understood")} />
                <button type="submit" class="button danger" disabled={*state.busy}>{ lang.t(S::CloseButton) }</button>
            </form>
        </section>
    }
}
