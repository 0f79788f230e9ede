//! "Do I need a permit?" — a few questions over 五豁免、十允许, ending in a plain answer with the
//! clause it rests on, and a button to start the right filing when one is needed.

use common::policy::{Outcome, PolicyPack, SelfCheckAnswer, SelfCheckResult, self_check};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::i18n::{S, use_lang};

#[component]
pub fn SelfCheckPage() -> Html {
    let lang = use_lang();
    let pack = use_state(|| None::<Result<PolicyPack, ApiError>>);
    let answers = use_state(Vec::<SelfCheckAnswer>::new);
    {
        let pack = pack.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { pack.set(Some(api::get("/api/v1/policy").await)) });
        });
    }
    let pack = match &*pack {
        None => return html! { <section class="page narrow"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(p)) => p.clone(),
    };
    // The same function the server runs at /api/v1/policy/self-check.
    let step = self_check(&pack, &answers);
    let back = {
        let answers = answers.clone();
        Callback::from(move |_| {
            let mut next = (*answers).clone();
            next.pop();
            answers.set(next);
        })
    };
    let restart = {
        let answers = answers.clone();
        Callback::from(move |_| answers.set(Vec::new()))
    };
    let body = match step {
        SelfCheckResult::Ask { question, .. } => {
            let qid = question.id.clone();
            html! {
                <fieldset class="card self-check-question" id="self-check-question" data-question={question.id.clone()}>
                    <legend><h2>{ lang.pick(&question.text) }</h2></legend>
                    <div class="choices">
                        { for question.options.iter().map(|o| {
                            let (answers, qid, value) = (answers.clone(), qid.clone(), o.value.clone());
                            let onclick = Callback::from(move |_| {
                                let mut next = (*answers).clone();
                                next.push(SelfCheckAnswer { question: qid.clone(), value: value.clone() });
                                answers.set(next);
                            });
                            html! { <button type="button" class="button choice" data-value={o.value.clone()} onclick={onclick}>{ lang.pick(&o.text) }</button> }
                        }) }
                    </div>
                </fieldset>
            }
        }
        SelfCheckResult::Answer { outcome, rule_id, clause, message, start_filing } => {
            let rule = pack.rule(&rule_id).cloned();
            html! {
                <div class={classes!("card", "self-check-answer", outcome.as_str())} id="self-check-answer" data-outcome={outcome.as_str()}>
                    <p class="answer-outcome">{ lang.t(match outcome {
                        // What to do next, not the filing's status: a cross-storefront filing on a
                        // restricted street will still need review.
                        Outcome::Exempt => S::SelfCheckExempt,
                        Outcome::Filed => S::SelfCheckFile,
                        Outcome::NeedsReview => S::SelfCheckReview,
                        Outcome::Rejected => S::SelfCheckRejected,
                    }) }</p>
                    <p class="lead">{ lang.pick(&message) }</p>
                    <p class="muted">{ lang.t(S::Clause) }{ "：" }{ &clause }</p>
                    if let Some(r) = rule {
                        <details>
                            <summary>{ lang.pick(&r.title) }</summary>
                            <p>{ lang.pick(&r.text) }</p>
                            <p class="muted small">{ lang.t(S::Source) }{ "：" }{ &r.source.document }
                                if let Some(b) = &r.source.borrowed_from { { " · " }{ lang.t(S::BorrowedFrom) }{ b } }</p>
                        </details>
                    }
                    { match start_filing.as_deref() {
                        Some("cross_store") => html! { <Link<Route> to={Route::FileCrossStore} classes="button primary" >{ lang.t(S::StartCrossStore) }</Link<Route>> },
                        Some("outdoor_promo") => html! { <Link<Route> to={Route::FileOutdoorPromo} classes="button primary">{ lang.t(S::StartOutdoorPromo) }</Link<Route>> },
                        _ => html! {},
                    } }
                    if outcome == Outcome::Exempt { <p class="muted small">{ lang.t(S::ExemptNote) }</p> }
                </div>
            }
        }
    };
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::SelfCheckTitle) }</h1>
            <p class="lead">{ lang.t(S::SelfCheckLead) }</p>
            { body }
            <div class="actions">
                if !answers.is_empty() {
                    <button type="button" class="button small" onclick={back}>{ lang.t(S::Back) }</button>
                    <button type="button" class="link-button" onclick={restart}>{ lang.t(S::StartOver) }</button>
                }
            </div>
            <p class="muted small">{ lang.t(S::PolicyVersion) }{ format!(" {} · ", pack.version) }{ lang.pick(&pack.name) }</p>
        </section>
    }
}
