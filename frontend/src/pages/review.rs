//! Officers: the review queue of their district (overdue first) and the decision on one case.

use common::application::{ApplicationStatus, Decision, ReturnItem, item_label};
use common::dto::applications::ApplicationView;
use common::dto::cases::{CaseKind, CaseList, CaseQuery, CaseRow, CaseTab};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::case::{CaseHistory, StatusBadge};
use crate::components::decision::{Choice, Decided, DecisionForm, send};
use crate::components::notices::CaseNotices;
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

fn staff(session: &crate::hooks::Session) -> bool {
    session.me.as_ref().is_some_and(|m| m.role.is_staff())
}

/// The page of one case.
pub fn case_route(kind: CaseKind, id: i64) -> Route {
    match kind {
        CaseKind::Stall => Route::ReviewCase { id },
        CaseKind::CrossStore | CaseKind::OutdoorPromo => Route::Filing { id },
        CaseKind::Complaint => Route::StaffComplaint { id },
    }
}

fn deadline_cell(lang: crate::i18n::Lang, c: &CaseRow) -> Html {
    html! {
        <span class="deadline">
            { c.deadline.map(|d| d.to_string()).unwrap_or_else(|| "—".into()) }
            { match c.working_days_left {
                Some(n) if n < 0 => html! { <span class="badge overdue-badge">{ lang.t(S::Overdue) }{ format!(" {} ", -n) }{ lang.t(S::WorkingDays) }</span> },
                Some(n) => html! { <span class="muted small">{ format!(" · {n} ") }{ lang.t(S::WorkingDaysLeft) }</span> },
                None => html! {},
            } }
        </span>
    }
}

/// The officer's workbench: every kind of case in one queue, 待办 / 已办 / 全部, searchable and
/// filterable, as cards on a phone and a table on a desk. The filters live in the URL so "back"
/// from a case returns to the same list.
#[component]
pub fn ReviewQueuePage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let location = use_location();
    let navigator = use_navigator().expect("inside router");
    let query: CaseQuery = location.as_ref().and_then(|l| l.query::<CaseQuery>().ok()).unwrap_or_default();
    let list = use_state(|| None::<Result<CaseList, ApiError>>);
    let search = use_state(|| query.q.clone().unwrap_or_default());
    let street = use_state(|| query.street.clone().unwrap_or_default());
    let is_staff = staff(&session);
    {
        let list = list.clone();
        let qs = serde_urlencoded::to_string(&query).unwrap_or_default();
        use_effect_with((is_staff, qs), move |(s, qs)| {
            if *s {
                let url = format!("/api/v1/review/cases?{qs}");
                yew::platform::spawn_local(async move { list.set(Some(api::get(&url).await)) });
            }
        });
    }
    if !session.loaded {
        return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    if !is_staff {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }
    let go = {
        let navigator = navigator.clone();
        move |q: CaseQuery| {
            let _ = navigator.push_with_query(&Route::Review, &q);
        }
    };
    let tab = query.tab.as_deref().and_then(CaseTab::parse).unwrap_or_default();
    let set_tab = |t: CaseTab| {
        let (go, q) = (go.clone(), query.clone());
        Callback::from(move |_| go(CaseQuery { tab: Some(t.as_str().into()), page: None, ..q.clone() }))
    };
    let on_kind = {
        let (go, q) = (go.clone(), query.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            go(CaseQuery { kind: Some(v).filter(|v| !v.is_empty()), status: None, page: None, ..q.clone() })
        })
    };
    let on_status = {
        let (go, q) = (go.clone(), query.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            go(CaseQuery { status: Some(v).filter(|v| !v.is_empty()), page: None, ..q.clone() })
        })
    };
    let on_overdue = {
        let (go, q) = (go.clone(), query.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            go(CaseQuery { overdue: on.then_some(true), page: None, ..q.clone() })
        })
    };
    let on_search = {
        let (go, q, search, street) = (go.clone(), query.clone(), search.clone(), street.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            go(CaseQuery {
                q: Some((*search).clone()).filter(|s| !s.trim().is_empty()),
                street: Some((*street).clone()).filter(|s| !s.trim().is_empty()),
                page: None,
                ..q.clone()
            })
        })
    };
    let on_clear = {
        let (go, search, tab) = (go.clone(), search.clone(), query.tab.clone());
        Callback::from(move |_| {
            search.set(String::new());
            go(CaseQuery { tab: tab.clone(), ..Default::default() })
        })
    };
    let page_to = |page: u32| {
        let (go, q) = (go.clone(), query.clone());
        Callback::from(move |_| go(CaseQuery { page: Some(page), ..q.clone() }))
    };
    let district = session.me.as_ref().and_then(|m| m.district);
    let counts = match &*list {
        Some(Ok(l)) => Some(l.counts.clone()),
        _ => None,
    };
    let filtered = query.q.is_some()
        || query.kind.is_some()
        || query.overdue == Some(true)
        || query.status.is_some()
        || query.street.is_some();
    // The statuses of the chosen kind, for the status filter.
    let kind = query.kind.as_deref().and_then(CaseKind::parse);
    let statuses: Vec<(String, common::Text)> = match kind {
        Some(CaseKind::Stall) => ApplicationStatus::ALL
            .into_iter()
            .filter(|s| *s != ApplicationStatus::Draft)
            .map(|s| (s.as_str().to_string(), common::Text::new(s.name_zh(), s.name_en())))
            .collect(),
        Some(CaseKind::CrossStore | CaseKind::OutdoorPromo) => {
            ["pending_review", "filed", "approved", "returned", "rejected", "revoked"]
                .into_iter()
                .map(|s| (s.to_string(), common::dto::filings::filing_status_name(s)))
                .collect()
        }
        Some(CaseKind::Complaint) => ["open", "in_progress", "resolved", "closed_no_action"]
            .into_iter()
            .map(|s| (s.to_string(), common::dto::lifecycle::complaint_status_name(s)))
            .collect(),
        None => Vec::new(),
    };

    let body = match &*list {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(l)) if l.items.is_empty() => html! {
            <p class="muted empty-state" id="queue-empty">{ if filtered { lang.t(S::NoCasesMatch) } else if tab == CaseTab::Todo { lang.t(S::QueueEmpty) } else { lang.t(S::NoCases) } }</p>
        },
        Some(Ok(l)) => {
            let pages = ((l.total as u32).div_ceil(l.per_page)).max(1);
            html! {
                <>
                    <p class="result-count" role="status" id="case-count">{ lang.t(S::CasesFound) }{ " " }<strong>{ l.total }</strong></p>
                    <ul class="case-cards plain" id="case-cards">
                        { for l.items.iter().map(|c| html! {
                            <li class={classes!("case-card", "card", c.overdue.then_some("overdue"))} data-kind={c.kind.as_str()} data-id={c.id.to_string()}>
                                <div class="case-card-head">
                                    <Link<Route> to={case_route(c.kind, c.id)} classes="case-link">
                                        <span class="case-number">{ &c.number }</span>{ " " }{ lang.pick(&c.kind.name()) }
                                    </Link<Route>>
                                    <span class="badge case-status" data-status={c.status.clone()}>{ lang.pick(&c.status_name) }</span>
                                </div>
                                <p class="case-who">
                                    if !c.who.is_empty() { <strong>{ &c.who }</strong> }
                                    if let Some(t) = &c.topic { <strong>{ lang.pick(t) }</strong> }
                                </p>
                                if !c.place.is_empty() { <p class="muted small">{ &c.place }</p> }
                                if c.deadline.is_some() {
                                    <p class="small">{ lang.t(S::Deadline) }{ "：" }{ deadline_cell(lang, c) }</p>
                                } else {
                                    <p class="small muted">{ lang.t(S::ReceivedAt) }{ "：" }{ c.submitted_at.map(|t| common::time::to_xiamen(t).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default() }</p>
                                }
                                if !c.attention.is_empty() {
                                    <ul class="attention small">{ for c.attention.iter().map(|a| html! { <li>{ lang.pick(a) }</li> }) }</ul>
                                }
                            </li>
                        }) }
                    </ul>
                    <div class="table-wrap case-table" tabindex="0" role="region" aria-label={lang.t(S::ReviewTitle)}>
                        <table class="data" id="review-queue">
                            <thead><tr>
                                <th scope="col">{ lang.t(S::CaseNumber) }</th>
                                <th scope="col">{ lang.t(S::CaseKindLabel) }</th>
                                <th scope="col">{ lang.t(S::Applicant) }</th>
                                <th scope="col">{ lang.t(S::Address) }</th>
                                <th scope="col">{ lang.t(S::Status) }</th>
                                <th scope="col">{ lang.t(S::Deadline) }</th>
                                <th scope="col">{ lang.t(S::NeedsALook) }</th>
                            </tr></thead>
                            <tbody>
                                { for l.items.iter().map(|c| html! {
                                    <tr class={classes!(c.overdue.then_some("overdue"))} data-kind={c.kind.as_str()} data-id={c.id.to_string()}>
                                        <td><Link<Route> to={case_route(c.kind, c.id)}>{ &c.number }</Link<Route>></td>
                                        <td>{ lang.pick(&c.kind.name()) }</td>
                                        <td class="wrap">{ &c.who }{ c.topic.as_ref().map(|t| lang.pick(t)).unwrap_or_default() }</td>
                                        <td class="wrap">{ &c.place }</td>
                                        <td>{ lang.pick(&c.status_name) }</td>
                                        <td>{ deadline_cell(lang, c) }</td>
                                        <td class="wrap">{ c.attention.iter().map(|a| lang.pick(a)).collect::<Vec<_>>().join(if lang.is_en() { "; " } else { "；" }) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    if pages > 1 {
                        <nav class="pager" aria-label={lang.t(S::Pages)}>
                            <button type="button" class="button small secondary" disabled={l.page <= 1} onclick={page_to(l.page.saturating_sub(1).max(1))}>{ lang.t(S::PrevPage) }</button>
                            <span>{ format!("{} / {}", l.page, pages) }</span>
                            <button type="button" class="button small secondary" disabled={l.page >= pages} onclick={page_to(l.page + 1)}>{ lang.t(S::NextPage) }</button>
                        </nav>
                    }
                </>
            }
        }
    };
    let tab_button = |t: CaseTab, label: S, n: Option<i64>| {
        let current = t == tab;
        html! {
            <button type="button" role="tab" id={format!("tab-{}", t.as_str())} aria-selected={current.to_string()} onclick={set_tab(t)}
                class={classes!(current.then_some("current"))}>
                { lang.t(label) }
                if let Some(n) = n { <span class="count">{ n }</span> }
            </button>
        }
    };
    html! {
        <section class="page workbench">
            <h1>{ lang.t(S::ReviewTitle) }</h1>
            <p class="lead">
                if let Some(d) = district { { lang.either(d.name_zh(), d.name_en()) }{ " · " } }
                if let Some(c) = &counts {
                    { lang.t(S::TodoCount) }{ format!(" {} ", c.todo) }
                    if c.overdue > 0 { { " · " }<strong class="overdue-text">{ lang.t(S::Overdue) }{ format!(" {}", c.overdue) }</strong> }
                }
            </p>
            <div class="tabs" role="tablist" aria-label={lang.t(S::ReviewTitle)}>
                { tab_button(CaseTab::Todo, S::TabTodo, counts.as_ref().map(|c| c.todo)) }
                { tab_button(CaseTab::Done, S::TabDone, counts.as_ref().map(|c| c.done)) }
                { tab_button(CaseTab::All, S::TabAll, counts.as_ref().map(|c| c.all)) }
            </div>
            <form class="filters" role="search" onsubmit={on_search}>
                <div class="field grow">
                    <label for="case-q">{ lang.t(S::Search) }</label>
                    <input id="case-q" type="search" value={(*search).clone()} placeholder={lang.t(S::CaseSearchHint)}
                        oninput={{ let s = search.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </div>
                <div class="field">
                    <label for="case-kind">{ lang.t(S::CaseKindLabel) }</label>
                    <select id="case-kind" onchange={on_kind}>
                        <option value="" selected={query.kind.is_none()}>{ lang.t(S::AllKinds) }</option>
                        { for CaseKind::ALL.into_iter().map(|k| html! {
                            <option value={k.as_str()} selected={query.kind.as_deref() == Some(k.as_str())}>{ lang.pick(&k.name()) }</option>
                        }) }
                    </select>
                </div>
                if !statuses.is_empty() {
                    <div class="field">
                        <label for="case-status">{ lang.t(S::Status) }</label>
                        <select id="case-status" onchange={on_status}>
                            <option value="" selected={query.status.is_none()}>{ lang.t(S::AllStatuses) }</option>
                            { for statuses.iter().map(|(code, name)| html! {
                                <option value={code.clone()} selected={query.status.as_deref() == Some(code.as_str())}>{ lang.pick(name) }</option>
                            }) }
                        </select>
                    </div>
                }
                <div class="field">
                    <label for="case-street">{ lang.t(S::StreetOrPlace) }</label>
                    <input id="case-street" type="search" value={(*street).clone()}
                        oninput={{ let s = street.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </div>
                <label class="check"><input id="case-overdue" type="checkbox" checked={query.overdue == Some(true)} onchange={on_overdue} />{ lang.t(S::OnlyOverdue) }</label>
                <button type="submit" class="button small primary">{ lang.t(S::Search) }</button>
                if filtered {
                    <button type="button" class="link-button" onclick={on_clear}>{ lang.t(S::ClearFilters) }</button>
                }
            </form>
            { body }
            <crate::pages::supervision::SupervisionQueuePanel />
            <p class="workbench-more">
                <Link<Route> to={Route::Counter} classes="counter-link">{ lang.t(S::ReviewCounterLink) }</Link<Route>>
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct NextCaseProps {
    pub current: i64,
}

/// After a decision: the next case waiting, so the officer moves on without going back to the list.
#[component]
pub fn NextCase(p: &NextCaseProps) -> Html {
    let lang = use_lang();
    let next = use_state(|| None::<Option<CaseRow>>);
    {
        let (next, current) = (next.clone(), p.current);
        use_effect_with(current, move |_| {
            yew::platform::spawn_local(async move {
                let r = api::get::<CaseList>("/api/v1/review/cases?tab=todo&per_page=5").await;
                next.set(Some(r.ok().and_then(|l| l.items.into_iter().find(|c| c.id != current))));
            });
        });
    }
    match &*next {
        None => html! {},
        Some(None) => {
            html! { <p id="next-case" class="small">{ lang.t(S::QueueDone) }{ " " }<Link<Route> to={Route::Review}>{ lang.t(S::BackToWorkbench) }</Link<Route>></p> }
        }
        Some(Some(c)) => html! {
            <p id="next-case">
                <Link<Route> to={case_route(c.kind, c.id)} classes="button small primary">
                    { lang.t(S::NextCaseLabel) }{ format!(" {} ", c.number) }{ &c.who }{ c.topic.as_ref().map(|t| lang.pick(t)).unwrap_or_default() }
                </Link<Route>>
            </p>
        },
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
    // Return items: one message per document kind or field.
    let items = use_state(Vec::<ReturnItem>::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
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
    let decision_of = {
        let items = items.clone();
        move |d: &Decided| -> Decision {
            match d.choice {
                "eligible" => Decision::Eligible,
                "ineligible" => Decision::Ineligible { reason: d.reason.clone() },
                _ => {
                    Decision::Return { items: items.iter().filter(|i| !i.message.trim().is_empty()).cloned().collect() }
                }
            }
        }
    };
    let validate = {
        let decision_of = decision_of.clone();
        Callback::from(move |d: Decided| decision_of(&d).validate())
    };
    let on_decide = {
        let (error, reload, done, busy, id) = (error.clone(), reload.clone(), done.clone(), busy.clone(), p.id);
        Callback::from(move |d: Decided| {
            let (done, reload) = (done.clone(), reload.clone());
            let after = Callback::from(move |_| {
                done.set(true);
                reload.set(*reload + 1);
            });
            send(format!("/api/v1/applications/{id}/decision"), decision_of(&d), error.clone(), busy.clone(), after)
        })
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
    let check_items: Vec<(String, common::Text)> = a
        .required_documents
        .iter()
        .map(|k| k.as_str().to_string())
        .chain(["category".to_string(), "preferences".to_string()])
        .map(|k| {
            let label = item_label(&k);
            (k, label)
        })
        .collect();
    let return_fields = html! {
        <fieldset class="field" id="return-items">
            <legend>{ lang.t(S::ReturnForCorrection) }</legend>
            <p class="hint">{ lang.t(S::ReturnHint) }</p>
            { for check_items.iter().map(|(item, label)| html! {
                <div class="field">
                    <label for={format!("return-{item}")}>{ lang.pick(label) }</label>
                    <input type="text" id={format!("return-{item}")} oninput={item_input(item.clone())}
                        value={items.iter().find(|i| &i.item == item).map(|i| i.message.clone()).unwrap_or_default()} />
                </div>
            }) }
        </fieldset>
    };
    let summary: Vec<String> =
        items.iter().map(|i| format!("{}：{}", lang.pick(&item_label(&i.item)), i.message)).collect();
    let choices = vec![
        Choice::new("eligible", lang.t(S::MarkEligible), lang.t(S::EligibleConsequence)),
        Choice::new("return", lang.t(S::ReturnForCorrection), lang.t(S::ReturnConsequence)),
        Choice::new("ineligible", lang.t(S::MarkIneligible), lang.t(S::IneligibleConsequence))
            .with_reason(lang.t(S::IneligibleReason), Some(lang.t(S::IneligibleReasonHint))),
    ];
    html! {
        <section class="page case-page">
            <p class="back-link"><Link<Route> to={Route::Review}>{ "← " }{ lang.t(S::BackToWorkbench) }</Link<Route>></p>
            <h1><span class="case-number">{ CaseKind::Stall.number(a.id) }</span>{ " " }{ lang.t(S::Application) }{ " " }<StatusBadge status={a.status} /></h1>
            if *done {
                <Success>
                    <p id="decision-done">{ lang.t(S::DecisionSaved) }</p>
                    <NextCase current={a.id} />
                </Success>
            }
            <div class="case-layout">
                <div>
                    <dl class="card details case-summary" id="case-summary">
                        <div class="kv"><dt>{ lang.t(S::Applicant) }</dt><dd>{ &a.applicant.name }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::IdNumber) }</dt><dd>{ a.applicant.id_number.clone().unwrap_or_default() }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Phone) }</dt><dd>{ a.applicant.phone.clone().unwrap_or_default() }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Category) }</dt><dd>{ a.category.map(|c| lang.either(c.name_zh(), c.name_en()).to_string()).unwrap_or_default() }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::PriorityGroups) }</dt><dd>{ a.priority_groups.iter().map(|g| lang.either(g.name_zh(), g.name_en()).to_string()).collect::<Vec<_>>().join(if lang.is_en() { ", " } else { "、" }) }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Preferences) }</dt><dd><ol class="preferences-shown">{ for a.preferences.iter().map(|p| html! {
                            <li><Link<Route> to={Route::Zone { id: p.zone_id }}>{ &p.name }</Link<Route>>{ format!(" · {} {}", lang.t(S::FigFree), p.free_stalls) }</li>
                        }) }</ol></dd></div>
                        <div class="kv"><dt>{ lang.t(S::SubmittedAt) }</dt><dd>{ a.submitted_at.map(|t| common::time::to_xiamen(t).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default() }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Deadline) }</dt><dd>{ a.deadline.map(|d| d.to_string()).unwrap_or_default() }</dd></div>
                    </dl>
                    <section class="card" aria-labelledby="docs-title">
                        <h2 id="docs-title">{ lang.t(S::Documents) }</h2>
                        if a.documents.is_empty() { <p class="muted">{ lang.t(S::NoDocuments) }</p> }
                        <ul id="case-documents" class="plain documents">
                            { for a.documents.iter().map(|d| {
                                let href = format!("/api/v1/applications/{}/documents/{}", a.id, d.id);
                                html! {
                                    <li>
                                        <a href={href.clone()} target="_blank" rel="noopener">
                                            if d.content_type.starts_with("image/") {
                                                <img src={href.clone()} alt={lang.either(d.kind.name_zh(), d.kind.name_en()).to_string()} loading="lazy" width="160" height="110" class="doc-thumb" />
                                            }
                                            <span>{ lang.either(d.kind.name_zh(), d.kind.name_en()) }{ " · " }{ &d.filename }</span>
                                        </a>
                                    </li>
                                }
                            }) }
                        </ul>
                    </section>
                </div>
                <div class="case-side">
                    if a.status == ApplicationStatus::Submitted {
                        <DecisionForm choices={choices} validate={validate} on_decide={on_decide} error={(*error).clone()} busy={*busy}
                            extra={Some(("return", return_fields))} extra_summary={summary} field_targets={vec![("items", "return-items")]} />
                    } else if !a.decision_reason.is_empty() {
                        <p class="card"><strong>{ lang.t(S::Reason) }{ "：" }</strong>{ &a.decision_reason }</p>
                    }
                </div>
            </div>
            <CaseNotices notices={a.notices.clone()} />
            <h2>{ lang.t(S::History) }</h2>
            <CaseHistory events={a.history.clone()} />
        </section>
    }
}
