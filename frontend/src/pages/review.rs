//! Officers: the review queue of their district (overdue first) and the decision on one case.

use common::application::{ApplicationStatus, Decision, ReturnItem};
use common::dto::applications::{ApplicationView, QueueList};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::case::{CaseHistory, StatusBadge};
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

fn staff(session: &crate::hooks::Session) -> bool {
    session.me.as_ref().is_some_and(|m| m.role.is_staff())
}

#[component]
pub fn ReviewQueuePage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let list = use_state(|| None::<Result<QueueList, ApiError>>);
    let is_staff = staff(&session);
    {
        let list = list.clone();
        use_effect_with(is_staff, move |s| {
            if *s {
                yew::platform::spawn_local(
                    async move { list.set(Some(api::get("/api/v1/review/applications").await)) },
                );
            }
        });
    }
    if !session.loaded {
        return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    if !is_staff {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }
    let district = session.me.as_ref().and_then(|m| m.district);
    let body = match &*list {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(l)) if l.items.is_empty() => html! { <p class="muted" id="queue-empty">{ lang.t(S::QueueEmpty) }</p> },
        Some(Ok(l)) => html! {
            <div class="table-wrap" tabindex="0">
                <table class="data" id="review-queue">
                    <thead><tr>
                        <th scope="col">{ lang.t(S::Applicant) }</th><th scope="col">{ lang.t(S::Category) }</th>
                        <th scope="col">{ lang.t(S::FirstChoice) }</th><th scope="col">{ lang.t(S::Deadline) }</th>
                        <th scope="col">{ lang.t(S::Documents) }</th><th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        { for l.items.iter().map(|i| html! {
                            <tr class={classes!(i.overdue.then_some("overdue"))} data-id={i.id.to_string()}>
                                <td>{ &i.applicant }</td>
                                <td>{ i.category.map(|c| lang.either(c.name_zh(), c.name_en()).to_string()).unwrap_or_default() }</td>
                                <td>{ &i.first_zone }</td>
                                <td>
                                    { i.deadline.map(|d| d.to_string()).unwrap_or_default() }
                                    { match i.working_days_left {
                                        Some(n) if n < 0 => html! { <span class="badge overdue-badge">{ lang.t(S::Overdue) }{ format!(" {}", -n) }</span> },
                                        Some(n) => html! { <span class="muted small">{ format!(" · {n} ") }{ lang.t(S::WorkingDaysLeft) }</span> },
                                        None => html! {},
                                    } }
                                </td>
                                <td>{ i.documents }</td>
                                <td><Link<Route> to={Route::ReviewCase { id: i.id }}>{ lang.t(S::Review) }</Link<Route>></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };
    html! {
        <section class="page">
            <h1>{ lang.t(S::ReviewTitle) }</h1>
            if let Some(d) = district { <p class="lead">{ lang.either(d.name_zh(), d.name_en()) }{ " · " }{ lang.t(S::ReviewLead) }</p> }
            { body }
            <crate::pages::filing::FilingQueue />
            <crate::pages::supervision::SupervisionQueuePanel />
            <crate::pages::complaints::ComplaintQueue />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReviewCaseProps {
    pub id: i64,
}

#[component]
pub fn ReviewCasePage(p: &ReviewCaseProps) -> Html {
    let lang = use_lang();
    let case = use_state(|| None::<Result<ApplicationView, ApiError>>);
    let reload = use_state(|| 0u32);
    let reason = use_state(String::new);
    // Return items: one message per document kind or field, plus free ones.
    let items = use_state(Vec::<ReturnItem>::new);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| false);
    {
        let case = case.clone();
        use_effect_with((p.id, *reload), move |(id, _)| {
            let id = *id;
            yew::platform::spawn_local(
                async move { case.set(Some(api::get(&format!("/api/v1/applications/{id}")).await)) },
            );
        });
    }
    let a = match &*case {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(a)) => a.clone(),
    };
    let decide = |d: Box<dyn Fn() -> Decision>| {
        let (error, reload, done, id) = (error.clone(), reload.clone(), done.clone(), p.id);
        Callback::from(move |_| {
            let decision = d();
            let (error, reload, done) = (error.clone(), reload.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, ApplicationView>(&format!("/api/v1/applications/{id}/decision"), &decision).await {
                    Ok(_) => {
                        error.set(None);
                        done.set(true);
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let eligible = decide(Box::new(|| Decision::Eligible));
    let ineligible = {
        let reason = reason.clone();
        decide(Box::new(move || Decision::Ineligible { reason: (*reason).clone() }))
    };
    let return_it = {
        let items = items.clone();
        decide(Box::new(move || Decision::Return {
            items: items.iter().filter(|i| !i.message.trim().is_empty()).cloned().collect(),
        }))
    };
    let item_input = |item: String| {
        let items = items.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next: Vec<ReturnItem> = items.iter().filter(|i| i.item != item).cloned().collect();
            if !v.trim().is_empty() {
                next.push(ReturnItem { item: item.clone(), message: v });
            }
            items.set(next);
        })
    };
    let errors = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let check_items: Vec<(String, String, String)> = a
        .required_documents
        .iter()
        .map(|k| (k.as_str().to_string(), k.name_zh().to_string(), k.name_en().to_string()))
        .chain([
            ("category".into(), "经营品类".into(), "Trade".into()),
            ("preferences".into(), "意向摊规点".into(), "Zone preferences".into()),
        ])
        .collect();
    html! {
        <section class="page">
            <p><Link<Route> to={Route::Review}>{ "← " }{ lang.t(S::ReviewTitle) }</Link<Route>></p>
            <h1>{ lang.t(S::Application) }{ format!(" #{} ", a.id) }<StatusBadge status={a.status} /></h1>
            if *done { <Success>{ lang.t(S::DecisionSaved) }</Success> }
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            <div class="two-col">
                <dl class="card details">
                    <div class="kv"><dt>{ lang.t(S::Applicant) }</dt><dd>{ &a.applicant.name }</dd></div>
                    <div class="kv"><dt>{ lang.t(S::IdNumber) }</dt><dd>{ a.applicant.id_number.clone().unwrap_or_default() }</dd></div>
                    <div class="kv"><dt>{ lang.t(S::Phone) }</dt><dd>{ a.applicant.phone.clone().unwrap_or_default() }</dd></div>
                    <div class="kv"><dt>{ lang.t(S::Category) }</dt><dd>{ a.category.map(|c| lang.either(c.name_zh(), c.name_en()).to_string()).unwrap_or_default() }</dd></div>
                    <div class="kv"><dt>{ lang.t(S::PriorityGroups) }</dt><dd>{ a.priority_groups.iter().map(|g| lang.either(g.name_zh(), g.name_en()).to_string()).collect::<Vec<_>>().join("、") }</dd></div>
                    <div class="kv"><dt>{ lang.t(S::Preferences) }</dt><dd><ol>{ for a.preferences.iter().map(|p| html! { <li>{ &p.name }</li> }) }</ol></dd></div>
                    <div class="kv"><dt>{ lang.t(S::Deadline) }</dt><dd>{ a.deadline.map(|d| d.to_string()).unwrap_or_default() }</dd></div>
                </dl>
                <div class="card">
                    <h2>{ lang.t(S::Documents) }</h2>
                    <ul id="case-documents">
                        { for a.documents.iter().map(|d| html! {
                            <li><a href={format!("/api/v1/applications/{}/documents/{}", a.id, d.id)} target="_blank" rel="noopener">
                                { lang.either(d.kind.name_zh(), d.kind.name_en()) }{ " · " }{ &d.filename }</a></li>
                        }) }
                    </ul>
                </div>
            </div>
            if a.status == ApplicationStatus::Submitted {
                <section class="card decision" id="decision">
                    <h2>{ lang.t(S::Decision) }</h2>
                    <button type="button" class="button primary" id="mark-eligible" onclick={eligible}>{ lang.t(S::MarkEligible) }</button>
                    <h3>{ lang.t(S::ReturnForCorrection) }</h3>
                    <p class="hint">{ lang.t(S::ReturnHint) }</p>
                    { for check_items.iter().map(|(item, zh, en)| html! {
                        <div class="field">
                            <label for={format!("return-{item}")}>{ lang.either(zh, en) }</label>
                            <input type="text" id={format!("return-{item}")} oninput={item_input(item.clone())} />
                        </div>
                    }) }
                    <ul class="field-errors">{ for errors.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul>
                    <button type="button" class="button" id="return-application" onclick={return_it}>{ lang.t(S::ReturnForCorrection) }</button>
                    <h3>{ lang.t(S::MarkIneligible) }</h3>
                    <div class="field">
                        <label for="ineligible-reason">{ lang.t(S::Reason) }</label>
                        <input type="text" id="ineligible-reason" oninput={{ let reason = reason.clone(); Callback::from(move |e: InputEvent| reason.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    </div>
                    <button type="button" class="button danger" id="mark-ineligible" onclick={ineligible}>{ lang.t(S::MarkIneligible) }</button>
                </section>
            }
            <h2>{ lang.t(S::History) }</h2>
            <CaseHistory events={a.history.clone()} />
        </section>
    }
}
