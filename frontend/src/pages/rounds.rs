//! Allocation rounds: the public list and round page (commitment, fingerprint, seed, results,
//! the published record), the admin's actions with draw progress, objections, and creating a round.

use common::dto::rounds::{DrawProgress, ListLine, ObjectionView, RoundInput, RoundStatus, RoundView};
use common::dto::zones::ZoneSummary;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::draw_check::DrawCheck;
use crate::hooks::use_session;
use crate::i18n::{Lang, S, use_lang};

fn status_badge(lang: Lang, s: RoundStatus) -> Html {
    html! { <span class={classes!("badge", "round-status", s.as_str())} data-status={s.as_str()}>{ lang.either(s.name_zh(), s.name_en()) }</span> }
}

#[component]
pub fn RoundsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let list = use_state(|| None::<Result<Vec<RoundView>, ApiError>>);
    // The list comes a page at a time, newest first; `more` is the cursor of the next page.
    let more = use_state(|| None::<i64>);
    {
        let (list, more) = (list.clone(), more.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let page: Result<Vec<RoundView>, ApiError> = api::get(&format!("/api/v1/rounds?limit={PAGE}")).await;
                more.set(page.as_ref().ok().filter(|p| p.len() == PAGE).and_then(|p| p.last()).map(|r| r.id));
                list.set(Some(page));
            });
        });
    }
    let load_more = {
        let (list, more) = (list.clone(), more.clone());
        Callback::from(move |_| {
            let (list, more) = (list.clone(), more.clone());
            let Some(before) = *more else { return };
            yew::platform::spawn_local(async move {
                if let Ok(page) =
                    api::get::<Vec<RoundView>>(&format!("/api/v1/rounds?limit={PAGE}&before={before}")).await
                {
                    more.set((page.len() == PAGE).then(|| page.last().map(|r| r.id)).flatten());
                    let mut all = list.as_ref().and_then(|l| l.as_ref().ok()).cloned().unwrap_or_default();
                    all.extend(page);
                    list.set(Some(Ok(all)));
                }
            });
        })
    };
    let is_admin = session.me.as_ref().is_some_and(|m| m.role == common::Role::CityAdmin);
    let body = match &*list {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(l)) if l.is_empty() => html! { <p class="muted">{ lang.t(S::NoRounds) }</p> },
        Some(Ok(l)) => html! {
            <ul class="round-list" id="round-list">
                { for l.iter().map(|r| html! {
                    <li class="card">
                        <h2><Link<Route> to={Route::Round { id: r.id }}>{ &r.name }</Link<Route>>{ " " }{ status_badge(lang, r.status) }</h2>
                        <p class="muted">{ format!("{} – {}", r.opens_at.format("%Y-%m-%d"), r.closes_at.format("%Y-%m-%d")) }
                            { " · " }{ r.zones.len() }{ " " }{ lang.t(S::FigZones) }
                            if let Some(n) = r.applicants { { " · " }{ n }{ " " }{ lang.t(S::Applicants) } }</p>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <section class="page">
            <h1>{ lang.t(S::RoundsTitle) }</h1>
            <p class="lead">{ lang.t(S::RoundsLead) }</p>
            if is_admin { <p><Link<Route> to={Route::RoundNew} classes="button primary">{ lang.t(S::NewRound) }</Link<Route>></p> }
            { body }
            if more.is_some() { <p><button type="button" class="button secondary" id="more-rounds" onclick={load_more}>{ lang.t(S::LoadMore) }</button></p> }
        </section>
    }
}

/// A v1 round's applicant as its results name them: the application number (`S000123`, `123`)
/// without its prefix.
fn application_number(typed: &str) -> Option<String> {
    typed.trim().trim_start_matches(['S', 's', '#']).parse::<i64>().ok().map(|n| n.to_string())
}

/// The answer when a number is not in a round looked up on the page itself.
fn not_in_round() -> ApiError {
    ApiError::NotFound(common::Problem {
        type_uri: "about:blank".into(),
        title: "Not in this round".into(),
        title_zh: "不在本批次中".into(),
        status: 404,
        detail: None,
        detail_zh: None,
        errors: Vec::new(),
        request_id: None,
    })
}

/// Rounds per page of the list.
const PAGE: usize = 20;

/// Result lines shown at first, and added by each "show more".
const RESULTS_PAGE: usize = 100;

#[derive(Properties, PartialEq)]
pub struct RoundPageProps {
    pub id: i64,
}

#[component]
pub fn RoundPage(p: &RoundPageProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let round = use_state(|| None::<Result<RoundView, ApiError>>);
    let reload = use_state(|| 0u32);
    let error = use_state(|| None::<ApiError>);
    let progress = use_state(|| None::<DrawProgress>);
    let objection = use_state(String::new);
    let objection_sent = use_state(|| false);
    let objections = use_state(Vec::<ObjectionView>::new);
    let outside_value = use_state(String::new);
    // A city round lists 20,000 lines: the table grows a page at a time.
    let shown = use_state(|| RESULTS_PAGE);
    let is_admin = session.me.as_ref().is_some_and(|m| m.role == common::Role::CityAdmin);
    let is_vendor = session.me.as_ref().is_some_and(|m| m.role == common::Role::Vendor);
    {
        let (round, objections) = (round.clone(), objections.clone());
        use_effect_with((p.id, *reload, is_admin), move |(id, _, admin)| {
            let (id, admin) = (*id, *admin);
            yew::platform::spawn_local(async move {
                round.set(Some(api::get(&format!("/api/v1/rounds/{id}")).await));
                if admin && let Ok(o) = api::get::<Vec<ObjectionView>>(&format!("/api/v1/rounds/{id}/objections")).await
                {
                    objections.set(o);
                }
            });
        });
    }
    let r = match &*round {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(r)) => r.clone(),
    };
    let action = |step: &'static str| {
        let (error, reload, progress, id) = (error.clone(), reload.clone(), progress.clone(), p.id);
        let body = serde_json::json!({ "outside_value": *outside_value });
        Callback::from(move |_| {
            let body = body.clone();
            let (error, reload, progress) = (error.clone(), reload.clone(), progress.clone());
            // While a draw runs, poll its progress.
            if step == "draw" {
                let progress = progress.clone();
                yew::platform::spawn_local(async move {
                    for _ in 0..600 {
                        gloo::timers::future::TimeoutFuture::new(100).await;
                        match api::get::<DrawProgress>(&format!("/api/v1/rounds/{id}/progress")).await {
                            Ok(pr) => {
                                let finished = pr.stage == "done" || pr.stage == "failed";
                                progress.set(Some(pr));
                                if finished {
                                    break;
                                }
                            }
                            Err(_) => continue,
                        }
                    }
                });
            }
            yew::platform::spawn_local(async move {
                match api::post::<_, RoundView>(&format!("/api/v1/rounds/{id}/{step}"), &body).await {
                    Ok(_) => {
                        error.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => {
                        error.set(Some(e));
                        progress.set(None);
                    }
                }
            });
        })
    };
    let lodge = {
        let (objection, sent, error, id) = (objection.clone(), objection_sent.clone(), error.clone(), p.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (objection, sent, error) = (objection.clone(), sent.clone(), error.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, ObjectionView>(
                    &format!("/api/v1/rounds/{id}/objections"),
                    &serde_json::json!({ "text": *objection }),
                )
                .await
                {
                    Ok(_) => sent.set(true),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let answer = |oid: i64| {
        let (error, reload) = (error.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let form: web_sys::HtmlFormElement = e.target_unchecked_into();
            let text = form
                .query_selector("input")
                .ok()
                .flatten()
                .and_then(|i| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(i).ok())
                .map(|i| i.value())
                .unwrap_or_default();
            let (error, reload) = (error.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, ObjectionView>(
                    &format!("/api/v1/objections/{oid}/answer"),
                    &serde_json::json!({ "answer": text }),
                )
                .await
                {
                    Ok(_) => reload.set(*reload + 1),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field_error = |f: &str| -> Option<String> {
        error.as_ref().and_then(|e| e.field_errors().into_iter().find(|x| x.field == f)).map(|x| lang.pick(&x.message))
    };
    let code = |label: S, value: Option<String>, id: &str| {
        html! {
            <div class="kv"><dt>{ lang.t(label) }</dt><dd><code id={id.to_string()} class="hash">{ value.unwrap_or_else(|| "—".into()) }</code></dd></div>
        }
    };
    let outcome_text = |l: &common::dto::rounds::ResultLine| -> String {
        match (&l.zone_name, &l.stall_number, l.waitlist_position) {
            (Some(z), Some(s), _) => format!("{z} · {s}"),
            (_, _, Some(w)) => format!("{} {w}", lang.t(S::WaitlistNo)),
            _ => String::new(),
        }
    };
    html! {
        <section class="page round-page">
            <p class="back-link"><Link<Route> to={Route::Rounds}>{ "← " }{ lang.t(S::RoundsTitle) }</Link<Route>></p>
            <h1>{ &r.name }{ " " }{ status_badge(lang, r.status) }</h1>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            <dl class="card details">
                <div class="kv"><dt>{ lang.t(S::Window) }</dt><dd>{ format!("{} – {}", r.opens_at.format("%Y-%m-%d %H:%M"), r.closes_at.format("%Y-%m-%d %H:%M")) }</dd></div>
                <div class="kv"><dt>{ lang.t(S::FigZones) }</dt><dd>{ r.zones.iter().map(|z| z.name.clone()).collect::<Vec<_>>().join(if lang.is_en() { ", " } else { "、" }) }</dd></div>
                <div class="kv"><dt>{ lang.t(S::ReservedShare) }</dt><dd>{ format!("{}%", r.reserved_percent) }</dd></div>
                if let Some(n) = r.applicants { <div class="kv"><dt>{ lang.t(S::Applicants) }</dt><dd>{ n }{ " · " }{ lang.t(S::FigStalls) }{ " " }{ r.stalls.unwrap_or(0) }</dd></div> }
                if let Some(d) = r.notice_until { <div class="kv"><dt>{ lang.t(S::NoticeUntil) }</dt><dd>{ d.to_string() }</dd></div> }
                if let Some(src) = &r.outside_source { <div class="kv"><dt>{ lang.t(S::OutsideSource) }</dt><dd id="outside-source">{ src }</dd></div> }
                if let Some(v) = &r.outside_value { <div class="kv"><dt>{ lang.t(S::OutsideValue) }</dt><dd><code id="outside-value-drawn">{ v }</code></dd></div> }
            </dl>
            if r.applicants.is_some() {
                <MyLine round={r.clone()} />
            }
            if is_admin {
                <section class="card admin-actions" id="round-actions">
                    <h2>{ lang.t(S::RoundActions) }</h2>
                    { match r.status {
                        RoundStatus::Planned => html! { <button class="button primary" id="open-round" onclick={action("open")}>{ lang.t(S::OpenRound) }</button> },
                        RoundStatus::Open => html! { <button class="button primary" id="close-round" onclick={action("close")}>{ lang.t(S::CloseRound) }</button> },
                        RoundStatus::Closed => html! {
                            <div class="form">
                                <div class={classes!("field", field_error("outside_value").is_some().then_some("invalid"))}>
                                    <label for="outside-value">{ lang.t(S::OutsideValue) }</label>
                                    <p class="hint" id="outside-value-hint">{ r.outside_source.clone().unwrap_or_default() }{ " " }{ lang.t(S::OutsideValueHint) }</p>
                                    if let Some(m) = field_error("outside_value") { <ul class="field-errors" id="outside-value-error"><li>{ m }</li></ul> }
                                    <input id="outside-value" type="text" autocomplete="off" value={(*outside_value).clone()}
                                        aria-describedby="outside-value-hint" aria-invalid={field_error("outside_value").is_some().to_string()}
                                        oninput={{ let o = outside_value.clone(); Callback::from(move |e: InputEvent| o.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                                </div>
                                <button class="button primary" id="draw-round" onclick={action("draw")}>{ lang.t(S::DrawRound) }</button>
                            </div>
                        },
                        RoundStatus::Drawn => html! { <button class="button primary" id="confirm-round" onclick={action("confirm")}>{ lang.t(S::ConfirmRound) }</button> },
                        RoundStatus::Confirmed => html! { <p>{ lang.t(S::RoundConfirmed) }</p> },
                    } }
                    if let Some(pr) = &*progress {
                        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax={pr.total.to_string()} aria-valuenow={pr.done.to_string()} id="draw-progress">
                            <div class="bar" style={format!("width: {}%", (pr.done * 100).checked_div(pr.total).unwrap_or(100))}></div>
                            <span>{ format!("{} {}/{}", pr.stage, pr.done, pr.total) }</span>
                        </div>
                    }
                    if !objections.is_empty() {
                        <h3>{ lang.t(S::Objections) }</h3>
                        <ul class="plain">
                            { for objections.iter().map(|o| html! {
                                <li class="objection">
                                    <p>{ format!("{} · ", common::dto::cases::CaseKind::Stall.number(o.application_id)) }{ &o.text }</p>
                                    if o.status == "open" {
                                        <form class="form inline" onsubmit={answer(o.id)}>
                                            <label>{ lang.t(S::Answer) }<input type="text" /></label>
                                            <button class="button small">{ lang.t(S::Apply) }</button>
                                        </form>
                                    } else { <p class="muted">{ lang.t(S::Answer) }{ "：" }{ &o.answer }</p> }
                                </li>
                            }) }
                        </ul>
                    }
                </section>
            }
            if is_vendor && r.status == RoundStatus::Drawn {
                <section class="card">
                    <h2>{ lang.t(S::LodgeObjection) }</h2>
                    if *objection_sent { <Success>{ lang.t(S::ObjectionSent) }</Success> } else {
                        <form class="form" onsubmit={lodge}>
                            <label for="objection">{ lang.t(S::ObjectionText) }</label>
                            <input id="objection" type="text" oninput={{ let o = objection.clone(); Callback::from(move |e: InputEvent| o.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                            <button class="button">{ lang.t(S::Submit) }</button>
                        </form>
                    }
                </section>
            }
            if !r.results.is_empty() {
                <h2>{ lang.t(S::Results) }</h2>
                <div class="table-wrap results-wrap" tabindex="0" role="region" aria-label={lang.t(S::Results)}>
                    <table class="data stack-on-phone" id="round-results">
                        <thead><tr>
                            <th scope="col">{ lang.t(S::Position) }</th><th scope="col">{ lang.t(S::Outcome) }</th>
                            <th scope="col">{ lang.t(S::DrawNumber) }</th><th scope="col">{ lang.t(S::Category) }</th>
                        </tr></thead>
                        <tbody>
                            { for r.results.iter().take(*shown).map(|l| html! {
                                <tr data-number={l.draw_number.clone()}>
                                    <td data-label={lang.t(S::Position)}>{ l.position }</td>
                                    <td data-label={lang.t(S::Outcome)}><strong>{ outcome_text(l) }</strong></td>
                                    <td data-label={lang.t(S::DrawNumber)}>{ &l.draw_number }
                                        if l.priority { <span class="muted">{ " · " }{ lang.t(S::PriorityTier) }</span> }</td>
                                    <td data-label={lang.t(S::Category)}>{ lang.either(l.category.name_zh(), l.category.name_en()) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <p class="muted small" id="results-shown">{ lang.t(S::ResultsShown).replace("{shown}", &r.results.len().min(*shown).to_string()).replace("{total}", &r.results.len().to_string()) }
                    if r.results.len() > *shown {
                        { " " }<button type="button" class="button secondary small" id="more-results"
                            onclick={{ let shown = shown.clone(); Callback::from(move |_| shown.set(*shown + RESULTS_PAGE)) }}>{ lang.t(S::LoadMore) }</button>
                    }</p>
            }
            if r.seed.is_some() {
                <DrawCheck round={r.clone()} />
            }
            <details class="card verification" id="verification">
                <summary>{ lang.t(S::VerificationMaterial) }</summary>
                <p>{ lang.t(S::HowDrawWorksText) }</p>
                <dl class="details">
                    { code(S::SeedCommitment, r.seed_commitment.clone(), "seed-commitment") }
                    { code(S::Fingerprint, r.fingerprint.clone(), "fingerprint") }
                    { code(S::Seed, r.seed.clone(), "seed") }
                    <div class="kv"><dt>{ lang.t(S::Algorithm) }</dt><dd>{ r.algorithm.clone().unwrap_or_else(|| common::allocation::ALGORITHM_VERSION.into()) }</dd></div>
                </dl>
                <p><a id="specification" href={format!("/api/v1/rounds/specification{}", if lang.is_en() { "?lang=en" } else { "" })}>{ lang.t(S::Specification) }</a></p>
                if r.applicants.is_some() && r.outside_source.is_some() {
                    <p><a id="list-json" href={format!("/api/v1/rounds/{}/list.json", r.id)} download={format!("round-{}-list.json", r.id)}>{ lang.t(S::DownloadList) }</a>
                        { " · " }<a id="list-csv" href={format!("/api/v1/rounds/{}/list.csv{}", r.id, if lang.is_en() { "?lang=en" } else { "" })}>{ lang.t(S::DownloadListCsv) }</a></p>
                }
                if r.seed.is_some() {
                    <p><a href={format!("/api/v1/rounds/{}/record.json", r.id)} download={format!("round-{}.json", r.id)}>{ lang.t(S::DownloadRecord) }</a></p>
                    <p class="muted small">{ lang.t(S::VerifyCommandIntro) }<code class="hash">{ format!("tangui verify-round --file round-{}.json", r.id) }</code></p>
                }
            </details>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MyLineProps {
    round: RoundView,
}

#[derive(serde::Deserialize, Default)]
struct RoundQuery {
    /// A draw number to look up at once (the link on the applicant's case page).
    n: Option<String>,
}

/// "核对名单 / 查我的结果": the reader's own line of the list frozen at closing, by their draw
/// number, and their result once drawn — without reading through the whole list. A signed-in
/// vendor's own number is filled in for them.
#[component]
fn MyLine(p: &MyLineProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let location = use_location();
    let from_link = location.as_ref().and_then(|l| l.query::<RoundQuery>().ok()).unwrap_or_default().n;
    let typed = use_state(|| from_link.clone().unwrap_or_default());
    let asked = use_state(|| from_link.clone());
    let answer = use_state(|| None::<Result<ListLine, ApiError>>);
    let round = p.round.id;
    {
        let (typed, asked) = (typed.clone(), asked.clone());
        let vendor = session.me.as_ref().is_some_and(|m| m.role == common::Role::Vendor);
        use_effect_with(vendor, move |v| {
            if *v && asked.is_none() {
                yew::platform::spawn_local(async move {
                    if let Ok(apps) =
                        api::get::<Vec<common::dto::applications::ApplicationView>>("/api/v1/me/applications").await
                        && let Some(n) =
                            apps.iter().find(|a| a.round_id == Some(round)).and_then(|a| a.draw_number.clone())
                    {
                        typed.set(n.clone());
                        asked.set(Some(n));
                    }
                });
            }
        });
    }
    // Rounds drawn with tangui-rsd-v1 name applications by their number (S000123 or 123) and
    // have no published list: their line is looked up in the results on this page.
    let v1 = p.round.algorithm.as_deref() == Some(common::allocation::Algorithm::V1.as_str());
    let valid = |s: &str| {
        if v1 { application_number(s).is_some() } else { common::allocation::parse_draw_number(round, s).is_some() }
    };
    // Only the answer to the latest question is shown, whichever reply comes back last.
    let latest = use_mut_ref(|| 0u32);
    {
        let (answer, latest, results) = (answer.clone(), latest.clone(), p.round.results.clone());
        use_effect_with(((*asked).clone(), p.round.status), move |(asked, _)| {
            *latest.borrow_mut() += 1;
            let ticket = *latest.borrow();
            match asked.clone() {
                Some(a) if v1 => {
                    let line =
                        application_number(&a).and_then(|n| results.iter().find(|l| l.draw_number == n).cloned());
                    let found = match line {
                        Some(l) => Ok(ListLine {
                            draw_number: l.draw_number.clone(),
                            category: l.category,
                            priority: l.priority,
                            preferences: Vec::new(),
                            fingerprint: String::new(),
                            result: Some(l),
                        }),
                        None => Err(not_in_round()),
                    };
                    answer.set(Some(found));
                }
                Some(n) if common::allocation::parse_draw_number(round, &n).is_some() => {
                    yew::platform::spawn_local(async move {
                        let got = api::get(&format!("/api/v1/rounds/{round}/list/{}", n.trim())).await;
                        if *latest.borrow() == ticket {
                            answer.set(Some(got));
                        }
                    });
                }
                _ => answer.set(None),
            }
        });
    }
    let onsubmit = {
        let (typed, asked) = (typed.clone(), asked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            asked.set(Some((*typed).clone()));
        })
    };
    let invalid = asked.as_deref().is_some_and(|a| !valid(a));
    let drawn = !p.round.results.is_empty();
    let outcome = |l: &common::dto::rounds::ResultLine| match (&l.zone_name, &l.stall_number, l.waitlist_position) {
        (Some(z), Some(s), _) => html! {
            <>
                <p class="answer-outcome">{ lang.t(S::ResultPlaced) }</p>
                <p>{ z }{ " · " }{ lang.t(S::StallNo) }{ " " }<strong>{ s }</strong>
                    { l.preference_rank.map(|r| format!(" · {} {r}", lang.t(S::PreferenceRank))).unwrap_or_default() }</p>
                <p class="muted">{ lang.t(S::ResultPlacedNext) }</p>
            </>
        },
        (_, _, Some(w)) => html! {
            <>
                <p class="answer-outcome">{ lang.t(S::ResultWaitlist) }{ format!(" {w}") }</p>
                <p class="muted">{ lang.t(S::ResultWaitlistNext) }</p>
            </>
        },
        _ => html! {},
    };
    html! {
        <section class="card my-result my-line" id="my-result" aria-labelledby="my-result-title">
            <h2 id="my-result-title">{ lang.t(if drawn { S::MyResultTitle } else { S::MyLineTitle }) }</h2>
            <form class="form inline" onsubmit={onsubmit} role="search">
                <div class={classes!("field", "grow", invalid.then_some("invalid"))}>
                    <label for="my-number">{ lang.t(S::DrawNumber) }</label>
                    <p class="hint" id="my-number-hint">{ lang.t(S::DrawNumberHint) }</p>
                    if invalid { <ul class="field-errors" id="my-number-error"><li>{ lang.t(S::DrawNumberInvalid) }</li></ul> }
                    <input id="my-number" type="text" autocapitalize="characters" value={(*typed).clone()} aria-invalid={invalid.to_string()}
                        aria-describedby={if invalid { "my-number-hint my-number-error" } else { "my-number-hint" }}
                        oninput={{ let t = typed.clone(); Callback::from(move |e: InputEvent| t.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </div>
                <button type="submit" class="button primary" id="find-my-result">{ lang.t(if drawn { S::FindMyResult } else { S::CheckMyLine }) }</button>
            </form>
            { match &*answer {
                Some(Ok(l)) => html! {
                    <div class="result-answer" id="my-result-answer" role="status"
                        data-outcome={match &l.result { Some(x) if x.stall_number.is_some() => "placed", Some(_) => "waitlist", None => "listed" }}>
                        if let Some(res) = &l.result { { outcome(res) } }
                        <dl class="details" id="my-line">
                            <div class="kv"><dt>{ lang.t(S::DrawNumber) }</dt><dd><strong>{ &l.draw_number }</strong>{ " · " }{ lang.t(S::OnTheList) }</dd></div>
                            <div class="kv"><dt>{ lang.t(S::Category) }</dt><dd>{ lang.either(l.category.name_zh(), l.category.name_en()) }
                                { " · " }{ lang.t(if l.priority { S::PriorityTier } else { S::NotPriority }) }</dd></div>
                            if !l.preferences.is_empty() {
                                <div class="kv"><dt>{ lang.t(S::PreferredZones) }</dt><dd>
                                    <ol class="inline-list">{ for l.preferences.iter().map(|z| html! { <li>{ &z.name }</li> }) }</ol></dd></div>
                            }
                        </dl>
                    </div>
                },
                Some(Err(ApiError::NotFound(_))) => html! {
                    <p class="notice" id="my-result-answer" role="status">{ lang.t(S::ResultNotInRound) }</p>
                },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                None => html! {},
            } }
        </section>
    }
}

#[component]
pub fn NewRoundPage() -> Html {
    html! { <crate::pages::admin_zones::AdminOnly><NewRoundForm /></crate::pages::admin_zones::AdminOnly> }
}

#[component]
fn NewRoundForm() -> Html {
    let lang = use_lang();
    let navigator = use_navigator().expect("inside router");
    let zones = use_state(Vec::<ZoneSummary>::new);
    let chosen = use_state(Vec::<i64>::new);
    let name = use_state(String::new);
    let opens = use_state(|| common::time::xiamen_today().format("%Y-%m-%dT09:00").to_string());
    let closes =
        use_state(|| (common::time::xiamen_today() + chrono::Duration::days(14)).format("%Y-%m-%dT17:00").to_string());
    let reserved = use_state(|| 20u8);
    let notice = use_state(|| 5u8);
    let offer_days = use_state(|| 5u8);
    let outside_source = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let filter = use_state(String::new);
    {
        let zones = zones.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                if let Ok(l) = api::all_zones("").await {
                    zones.set(l);
                }
            });
        });
    }
    let parse = |s: &str| chrono::NaiveDateTime::parse_from_str(&format!("{s}:00"), "%Y-%m-%dT%H:%M:%S").ok();
    let input = RoundInput {
        name: (*name).clone(),
        zone_ids: (*chosen).clone(),
        opens_at: parse(&opens).unwrap_or_default(),
        closes_at: parse(&closes).unwrap_or_default(),
        reserved_percent: *reserved,
        notice_days: *notice,
        offer_days: *offer_days,
        outside_source: (*outside_source).clone(),
    };
    let local = input.validate();
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let all: Vec<common::FieldError> = local.iter().cloned().chain(server).collect();
    let submit = {
        let (input, error, navigator) = (input.clone(), error.clone(), navigator.clone());
        let ok = local.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !ok {
                return;
            }
            let (input, error, navigator) = (input.clone(), error.clone(), navigator.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, RoundView>("/api/v1/rounds", &input).await {
                    Ok(r) => navigator.push(&Route::Round { id: r.id }),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let text = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let num = |h: UseStateHandle<u8>| {
        Callback::from(move |e: InputEvent| {
            h.set(e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(255))
        })
    };
    let toggle = |id: i64| {
        let chosen = chosen.clone();
        Callback::from(move |_| {
            let mut next = (*chosen).clone();
            if let Some(i) = next.iter().position(|x| *x == id) {
                next.remove(i);
            } else {
                next.push(id);
            }
            chosen.set(next);
        })
    };
    let errs = |f: &str| html! { <ul class="field-errors">{ for all.iter().filter(|e| e.field == f).map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul> };
    let q = (*filter).to_lowercase();
    html! {
        <section class="page">
            <h1>{ lang.t(S::NewRound) }</h1>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            <form class="form" onsubmit={submit} novalidate=true>
                <div class="field"><label for="round-name">{ lang.t(S::Name) }</label><input id="round-name" type="text" value={(*name).clone()} oninput={text(name.clone())} />{ errs("name") }</div>
                <div class="field">
                    <label for="outside-source">{ lang.t(S::OutsideSource) }</label>
                    <p class="hint" id="outside-source-hint">{ lang.t(S::OutsideSourceHint) }</p>
                    <textarea id="outside-source" rows="2" aria-describedby="outside-source-hint" value={(*outside_source).clone()}
                        oninput={{ let o = outside_source.clone(); Callback::from(move |e: InputEvent| o.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())) }} />
                    { errs("outside_source") }
                </div>
                <div class="inline-fields">
                    <div class="field"><label for="opens">{ lang.t(S::OpensAt) }</label><input id="opens" type="datetime-local" value={(*opens).clone()} oninput={text(opens.clone())} /></div>
                    <div class="field"><label for="closes">{ lang.t(S::ClosesAt) }</label><input id="closes" type="datetime-local" value={(*closes).clone()} oninput={text(closes.clone())} />{ errs("closes_at") }</div>
                    <div class="field"><label for="reserved">{ lang.t(S::ReservedShare) }{ " (%)" }</label><input id="reserved" type="number" min="0" max="50" value={reserved.to_string()} oninput={num(reserved.clone())} />{ errs("reserved_percent") }</div>
                    <div class="field"><label for="notice">{ lang.t(S::NoticeDays) }</label><input id="notice" type="number" min="0" max="30" value={notice.to_string()} oninput={num(notice.clone())} />{ errs("notice_days") }</div>
                    <div class="field"><label for="offer-days">{ lang.t(S::OfferDays) }</label><input id="offer-days" type="number" min="1" max="30" value={offer_days.to_string()} oninput={num(offer_days.clone())} />{ errs("offer_days") }</div>
                </div>
                <fieldset class="field">
                    <legend>{ lang.t(S::FigZones) }{ format!("（{}）", chosen.len()) }</legend>
                    <input type="search" aria-label={lang.t(S::Search)} placeholder={lang.t(S::SearchHint)} oninput={text(filter.clone())} />
                    <div class="zone-checklist">
                        { for zones.iter().filter(|z| q.is_empty() || z.name.to_lowercase().contains(&q) || z.code.to_lowercase().contains(&q)).map(|z| html! {
                            <label class="check"><input type="checkbox" data-code={z.code.clone()} checked={chosen.contains(&z.id)} onchange={toggle(z.id)} />
                                { &z.code }{ " " }{ &z.name }{ format!(" ({}/{})", z.stalls_free, z.stalls_total) }</label>
                        }) }
                    </div>
                    { errs("zone_ids") }
                </fieldset>
                <button type="submit" class="button primary" id="create-round">{ lang.t(S::CreateRound) }</button>
            </form>
        </section>
    }
}
