//! A shop's filings, one filing with its certificate, and officers' decisions.

use super::*;

fn filing_status(lang: Lang, s: &str) -> Html {
    let (zh, en) = match s {
        "filed" => ("已备案（生效）", "Filed, in effect"),
        "pending_review" => ("待审核", "Awaiting review"),
        "approved" => ("已批准", "Approved"),
        "returned" => ("退回补正", "Returned for correction"),
        "rejected" => ("不予办理", "Not allowed"),
        "revoked" => ("已撤销", "Revoked"),
        _ => ("其他", "Other"),
    };
    html! { <span class={classes!("badge", "filing-status", s.to_string())} data-status={s.to_string()}>{ lang.either(zh, en) }</span> }
}

fn kind_name(lang: Lang, k: &str) -> &'static str {
    match k {
        "cross_store" => lang.either("跨店经营", "Cross-storefront"),
        _ => lang.either("外摆促销", "Outdoor promotion"),
    }
}

#[component]
pub fn MyFilingsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let list = use_state(|| None::<Result<Vec<FilingView>, ApiError>>);
    let signed_in = session.me.is_some();
    {
        let list = list.clone();
        use_effect_with(signed_in, move |s| {
            if *s {
                yew::platform::spawn_local(async move { list.set(Some(api::get("/api/v1/me/filings").await)) });
            }
        });
    }
    if let Some(gate) = merchant_gate(lang, &session) {
        return gate;
    }
    html! {
        <section class="page">
            <h1>{ lang.t(S::MyFilings) }</h1>
            <div class="actions">
                <Link<Route> to={Route::SelfCheck} classes="button secondary">{ lang.t(S::SelfCheckTitle) }</Link<Route>>
                <Link<Route> to={Route::FileCrossStore} classes="button primary">{ lang.t(S::StartCrossStore) }</Link<Route>>
                <Link<Route> to={Route::FileOutdoorPromo} classes="button primary">{ lang.t(S::StartOutdoorPromo) }</Link<Route>>
            </div>
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(l)) if l.is_empty() => html! { <p class="muted">{ lang.t(S::NoFilings) }</p> },
                Some(Ok(l)) => html! {
                    <ul class="plain filing-list">
                        { for l.iter().map(|f| html! {
                            <li class="card">
                                <Link<Route> to={Route::Filing { id: f.id }}>{ format!("#{} ", f.id) }{ kind_name(lang, &f.kind) }</Link<Route>>
                                { " " }{ filing_status(lang, &f.status) }
                                <span class="muted small">{ " · " }{ common::time::to_xiamen(f.submitted_at).format("%Y-%m-%d").to_string() }</span>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct FilingPageProps {
    pub id: i64,
}

/// One filing: its status and rule results, the certificate when in effect; for officers, the
/// decision and revocation.
#[component]
pub fn FilingPage(p: &FilingPageProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let filing = use_state(|| None::<Result<FilingView, ApiError>>);
    let pack = use_pack();
    let reload = use_state(|| 0u32);
    let error = use_state(|| None::<ApiError>);
    let reason = use_state(String::new);
    let items = use_state(String::new);
    {
        let filing = filing.clone();
        use_effect_with((p.id, *reload), move |(id, _)| {
            let id = *id;
            yew::platform::spawn_local(
                async move { filing.set(Some(api::get(&format!("/api/v1/filings/{id}")).await)) },
            );
        });
    }
    let f = match &*filing {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(f)) => f.clone(),
    };
    let staff = session.me.as_ref().is_some_and(|m| m.role.is_staff());
    let act = |path: &'static str, body: Box<dyn Fn() -> serde_json::Value>| {
        let (error, reload, id) = (error.clone(), reload.clone(), p.id);
        Callback::from(move |_| {
            let (error, reload, b) = (error.clone(), reload.clone(), body());
            yew::platform::spawn_local(async move {
                match api::post::<_, FilingView>(&format!("/api/v1/filings/{id}/{path}"), &b).await {
                    Ok(_) => {
                        error.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let approve = act("decision", Box::new(|| serde_json::json!({ "decision": "approve" })));
    let reject = {
        let r = reason.clone();
        act("decision", Box::new(move || serde_json::json!({ "decision": "reject", "reason": *r })))
    };
    let return_it = {
        let i = items.clone();
        act(
            "decision",
            Box::new(move || {
                let list: Vec<serde_json::Value> = i
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| serde_json::json!({ "item": "filing", "message": l.trim() }))
                    .collect();
                serde_json::json!({ "decision": "return", "items": list })
            }),
        )
    };
    let revoke = {
        let r = reason.clone();
        act("revoke", Box::new(move || serde_json::json!({ "reason": *r })))
    };
    let edit_route = if f.kind == "cross_store" { Route::FileCrossStore } else { Route::FileOutdoorPromo };
    html! {
        <section class="page">
            <p><Link<Route> to={if staff { Route::Review } else { Route::MyFilings }}>{ "← " }{ if staff { lang.t(S::ReviewTitle) } else { lang.t(S::MyFilings) } }</Link<Route>></p>
            <h1>{ format!("#{} ", f.id) }{ kind_name(lang, &f.kind) }{ " " }{ filing_status(lang, &f.status) }</h1>
            <ErrorAlert error={(*error).clone()} />
            if let Some(pm) = &f.permit {
                <div class="card permit" id="permit">
                    <h2>{ &pm.title }</h2>
                    <p>{ lang.t(S::Code) }{ "：" }<code>{ &pm.verify_code }</code>{ " · " }{ format!("{} – {}", pm.valid_from, pm.valid_until) }</p>
                    <div class="actions">
                        <a class="button primary" id="download-certificate" href={format!("/api/v1/permits/{}/certificate.pdf", pm.id)} download={format!("tangui-{}.pdf", pm.verify_code)}>{ lang.t(S::DownloadCertificate) }</a>
                        <Link<Route> to={Route::Verify { code: pm.verify_code.clone() }} classes="button secondary">{ lang.t(S::VerifyTitle) }</Link<Route>>
                    </div>
                </div>
            }
            if f.status == "pending_review" {
                <p class="notice">{ lang.t(S::AwaitingReview) }{ f.deadline.map(|d| format!(" {}", d)).unwrap_or_default() }</p>
            }
            if f.status == "returned" && !staff {
                <div class="alert warn" role="alert">
                    <p>{ lang.t(S::FilingReturned) }</p>
                    <ul>{ for f.return_items.iter().map(|i| html! { <li>{ &i.message }</li> }) }</ul>
                    <Link<Route, FromQuery> to={edit_route} query={Some(FromQuery { from: f.id })} classes="button primary">{ lang.t(S::CorrectAndResubmit) }</Link<Route, FromQuery>>
                </div>
            }
            if !f.decision_reason.is_empty() { <p>{ lang.t(S::Reason) }{ "：" }{ &f.decision_reason }</p> }
            if let Some(Ok(pack)) = &*pack {
                <EvaluationPanel evaluation={f.evaluation.clone()} pack={pack.clone()} heading={AttrValue::from(lang.t(S::ServerEvaluation))} />
            }
            if staff && f.status == "pending_review" {
                <section class="card decision" id="filing-decision">
                    <h2>{ lang.t(S::Decision) }</h2>
                    <button type="button" class="button primary" id="approve-filing" onclick={approve}>{ lang.t(S::Approve) }</button>
                    <div class="field"><label for="return-items">{ lang.t(S::ReturnItemsOnePerLine) }</label>
                        <textarea id="return-items" rows="3" value={(*items).clone()} oninput={{ let i = items.clone(); Callback::from(move |e: InputEvent| i.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} /></div>
                    <button type="button" class="button" id="return-filing" onclick={return_it}>{ lang.t(S::ReturnForCorrection) }</button>
                    <div class="field"><label for="filing-reason">{ lang.t(S::Reason) }</label>
                        <input id="filing-reason" type="text" oninput={{ let r = reason.clone(); Callback::from(move |e: InputEvent| r.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} /></div>
                    <button type="button" class="button danger" id="reject-filing" onclick={reject}>{ lang.t(S::Reject) }</button>
                </section>
            }
            if staff && (f.status == "filed" || f.status == "approved") {
                <section class="card">
                    <h2>{ lang.t(S::RevokeAfterInspection) }</h2>
                    <div class="field"><label for="filing-reason">{ lang.t(S::Reason) }</label>
                        <input id="filing-reason" type="text" oninput={{ let r = reason.clone(); Callback::from(move |e: InputEvent| r.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} /></div>
                    <button type="button" class="button danger" id="revoke-filing" onclick={revoke}>{ lang.t(S::Revoke) }</button>
                </section>
            }
            <h2>{ lang.t(S::History) }</h2>
            <CaseHistory events={f.history.clone()} />
        </section>
    }
}

/// Officers: filings of their district that need a decision, overdue first, with the rules
/// the engine left to a person.
#[component]
pub fn FilingQueue() -> Html {
    let lang = use_lang();
    let list = use_state(|| None::<Result<Vec<FilingQueueItem>, ApiError>>);
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { list.set(Some(api::get("/api/v1/review/filings").await)) });
        });
    }
    let body = match &*list {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(l)) if l.is_empty() => html! { <p class="muted" id="filing-queue-empty">{ lang.t(S::QueueEmpty) }</p> },
        Some(Ok(l)) => html! {
            <div class="table-wrap" tabindex="0">
                <table class="data" id="filing-queue">
                    <thead><tr>
                        <th scope="col">{ lang.t(S::ShopName) }</th>
                        <th scope="col">{ lang.either("类型", "Kind") }</th>
                        <th scope="col">{ lang.t(S::Address) }</th>
                        <th scope="col">{ lang.t(S::Deadline) }</th>
                        <th scope="col">{ lang.either("需人工核对", "For the officer") }</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        { for l.iter().map(|i| html! {
                            <tr class={classes!(i.overdue.then_some("overdue"))} data-id={i.id.to_string()}>
                                <td>{ &i.merchant }</td>
                                <td>{ kind_name(lang, &i.kind) }</td>
                                <td>{ &i.place }</td>
                                <td>
                                    { i.deadline.map(|d| d.to_string()).unwrap_or_default() }
                                    { match i.working_days_left {
                                        Some(n) if n < 0 => html! { <span class="badge overdue-badge">{ lang.t(S::Overdue) }{ format!(" {}", -n) }</span> },
                                        Some(n) => html! { <span class="muted small">{ format!(" · {n} ") }{ lang.t(S::WorkingDaysLeft) }</span> },
                                        None => html! {},
                                    } }
                                </td>
                                <td>{ for i.for_officer.iter().map(|r| html! { <code class="rule-id">{ r }</code> }) }</td>
                                <td><Link<Route> to={Route::Filing { id: i.id }}>{ lang.t(S::Review) }</Link<Route>></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };
    html! {
        <section class="filing-queue-section">
            <h2>{ lang.t(S::NavFilingQueue) }</h2>
            { body }
        </section>
    }
}
