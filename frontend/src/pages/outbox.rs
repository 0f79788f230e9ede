//! Officers: the text messages about their cases (a city admin: all of them), by state, with the
//! gateway's answer; a message whose tries ran out can be sent again.

use common::dto::lifecycle::{OutboxPage as Outbox, OutboxRow, SMS_STATES, sms_status_short};
use common::{Role, Text};
use gloo::net::http::Method;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::{ErrorAlert, Success};
use crate::components::notices::SmsBadge;
use crate::hooks::use_session;
use crate::i18n::{Lang, S, use_lang};

const PER_PAGE: i64 = 50;

fn when(t: chrono::NaiveDateTime) -> String {
    common::time::to_xiamen(t).format("%m-%d %H:%M:%S").to_string()
}

/// The kind's title from the notice table (the code itself if the table no longer has it).
fn kind_title(lang: Lang, code: &str) -> String {
    common::notice::kind(code)
        .map(|k| lang.pick(&Text::new(k.title_zh, k.title_en)))
        .unwrap_or_else(|| code.to_string())
}

#[component]
pub fn OutboxPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let filter = use_state(|| None::<&'static str>);
    let page = use_state(|| 1i64);
    let reload = use_state(|| 0u32);
    let list = use_state(|| None::<Result<Outbox, ApiError>>);
    let action_error = use_state(|| None::<ApiError>);
    let retried = use_state(|| None::<i64>);
    let role = session.me.as_ref().map(|m| m.role);
    let is_staff = matches!(role, Some(Role::CityAdmin | Role::DistrictOfficer));
    {
        let list = list.clone();
        use_effect_with((is_staff, *filter, *page, *reload), move |(staff, f, p, _)| {
            if *staff {
                let url = match f {
                    Some(s) => format!("/api/v1/admin/outbox?status={s}&page={p}"),
                    None => format!("/api/v1/admin/outbox?page={p}"),
                };
                yew::platform::spawn_local(async move { list.set(Some(api::get::<Outbox>(&url).await)) });
            }
        });
    }
    if !session.loaded {
        return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    if !is_staff {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }
    let choose = |f: Option<&'static str>| {
        let filter = filter.clone();
        let page = page.clone();
        Callback::from(move |_| {
            filter.set(f);
            page.set(1);
        })
    };
    let retry = |id: i64| {
        let reload = reload.clone();
        let action_error = action_error.clone();
        let retried = retried.clone();
        Callback::from(move |_| {
            let (reload, action_error, retried) = (reload.clone(), action_error.clone(), retried.clone());
            yew::platform::spawn_local(async move {
                match api::request_empty::<()>(Method::POST, &format!("/api/v1/admin/outbox/{id}/retry"), None).await {
                    Ok(()) => {
                        action_error.set(None);
                        retried.set(Some(id));
                        reload.set(*reload + 1);
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        })
    };
    let go = |to: i64| {
        let page = page.clone();
        Callback::from(move |_| page.set(to))
    };
    let row = |r: &OutboxRow| {
        html! {
            <li class="card" data-status={r.status.clone()} data-id={r.id.to_string()}>
                <div class="meta">
                    <strong>{ kind_title(lang, &r.kind) }</strong>
                    <SmsBadge status={Some(r.status.clone())} />
                </div>
                // Quoted as sent, in the recipient's language, and marked so for screen readers.
                <p class="body" lang={if r.body.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) { "zh-CN" } else { "en" }}>{ &r.body }</p>
                <dl>
                    <dt>{ lang.t(S::OutboxRecipient) }</dt><dd>{ &r.recipient }</dd>
                    <dt>{ lang.t(S::OutboxQueuedAt) }</dt><dd>{ when(r.created_at) }</dd>
                    <dt>{ lang.t(S::OutboxTries) }</dt><dd>{ r.attempts }</dd>
                    if let Some(t) = r.delivered_at { <dt>{ lang.t(S::OutboxDeliveredAt) }</dt><dd>{ when(t) }</dd> }
                    if let Some(t) = r.next_attempt_at.filter(|_| r.status == "failed" || r.status == "queued") {
                        <dt>{ lang.t(S::OutboxNextTry) }</dt><dd>{ when(t) }</dd>
                    }
                    if !r.last_answer.is_empty() { <dt>{ lang.t(S::OutboxAnswer) }</dt><dd><code>{ &r.last_answer }</code></dd> }
                    if !r.last_error.is_empty() { <dt>{ lang.t(S::OutboxError) }</dt><dd><code>{ &r.last_error }</code></dd> }
                </dl>
                if r.status == "dead" || r.status == "failed" {
                    <p><button type="button" class="button small" onclick={retry(r.id)}>{ lang.t(S::OutboxRetry) }</button></p>
                }
            </li>
        }
    };
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::OutboxTitle) }</h1>
            <p class="lead">{ lang.t(S::OutboxLead) }</p>
            if role == Some(Role::DistrictOfficer) { <p class="muted">{ lang.t(S::OutboxDistrict) }</p> }
            <ErrorAlert error={(*action_error).clone()} />
            if retried.is_some() { <Success>{ lang.t(S::OutboxRetried) }</Success> }
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(o)) => {
                    let count = |s: &str| o.counts.iter().find(|(k, _)| k == s).map(|(_, n)| *n).unwrap_or(0);
                    let all: i64 = o.counts.iter().map(|(_, n)| n).sum();
                    let chip = |f: Option<&'static str>, label: String, n: i64| {
                        let current = *filter == f;
                        html! {
                            <li><button type="button" class={classes!("chip", current.then_some("current"))} aria-pressed={current.to_string()}
                                data-filter={f.unwrap_or("all")} onclick={choose(f)}>{ label }{ " " }<span class="muted">{ n }</span></button></li>
                        }
                    };
                    let pages = (o.total + PER_PAGE - 1) / PER_PAGE;
                    html! {
                        <>
                            if !o.gateway { <p class="alert warn" role="status">{ lang.t(S::OutboxNoGateway) }</p> }
                            <nav aria-label={lang.t(S::OutboxFilter)}>
                                <ul class="outbox-filter" id="outbox-filter">
                                    { chip(None, lang.t(S::OutboxAll).to_string(), all) }
                                    // States with messages in them, and the one chosen.
                                    { for SMS_STATES.iter().filter(|s| count(s) > 0 || *filter == Some(**s)).map(|s| chip(Some(*s), lang.pick(&sms_status_short(s)), count(s))) }
                                </ul>
                            </nav>
                            if o.items.is_empty() {
                                <p class="muted">{ lang.t(S::OutboxEmpty) }</p>
                            } else {
                                <p class="muted small">{ o.total }{ " " }{ lang.t(S::OutboxTotal) }</p>
                                <ul class="plain outbox" id="outbox">{ for o.items.iter().map(row) }</ul>
                            }
                            if pages > 1 {
                                <p class="pager">
                                    if *page > 1 { <button type="button" class="button small secondary" onclick={go(*page - 1)}>{ lang.t(S::PrevPage) }</button> }
                                    <span>{ format!(" {} / {} ", *page, pages) }</span>
                                    if *page < pages { <button type="button" class="button small secondary" onclick={go(*page + 1)}>{ lang.t(S::NextPage) }</button> }
                                </p>
                            }
                        </>
                    }
                }
            } }
        </section>
    }
}
