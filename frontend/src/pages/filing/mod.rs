//! Shop filings: the cross-storefront form (segment and area on the map) and the outdoor
//! promotion form, both evaluated live by the same engine the server runs; the shop's list, each
//! filing, and the officers' queue.

mod case;
mod cross_store;
mod outdoor_promo;
mod view;

pub use case::FilingPage;
pub use cross_store::CrossStorePage;
pub use outdoor_promo::OutdoorPromoPage;
pub use view::MyFilingsPage;
use view::{filing_status, kind_name};

use std::rc::Rc;

use chrono::{NaiveDate, NaiveTime};
use common::District;
use common::dto::filings::{FilingView, filing_kind_name, filing_status_name};
use common::geo::{self, BBox};
use common::policy::{
    Check, CrossStoreFiling, EvalContext, Evaluation, OutdoorPromoFiling, PolicyApplication, PolicyPack, ShopTrade,
    TimeWindow, evaluate,
};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, ErrorSummary, with_targets};
use crate::components::case::CaseHistory;
use crate::components::zone_map::{DistrictShape, ZoneMap, parse_basemap};
use crate::hooks::use_session;
use crate::i18n::{Lang, S, use_lang};

pub use common::dto::filings::SegmentView;

/// The rule-by-rule result in plain words: what was checked and what was found. Officers also
/// get each rule's clause and source (and where a number is borrowed from another city) in a
/// disclosure; the rule id stays in a data attribute for tests, never on screen.
#[derive(Properties, PartialEq)]
pub struct EvaluationProps {
    pub evaluation: Evaluation,
    pub pack: Rc<PolicyPack>,
    #[prop_or_default]
    pub heading: Option<AttrValue>,
    #[prop_or_default]
    pub officer: bool,
}

#[component]
pub fn EvaluationPanel(p: &EvaluationProps) -> Html {
    let lang = use_lang();
    let e = &p.evaluation;
    html! {
        <section class={classes!("card", "evaluation", e.outcome.as_str())} id="evaluation" aria-live="polite" data-outcome={e.outcome.as_str()}>
            <h2>{ p.heading.clone().unwrap_or_else(|| lang.t(S::LiveCheck).into()) }{ "：" }<span class="outcome">{ lang.either(e.outcome.name_zh(), e.outcome.name_en()) }</span></h2>
            <ul class="rules">
                { for e.results.iter().map(|r| {
                    let rule = p.pack.rule(&r.rule_id);
                    let title = rule.map(|x| lang.pick(&x.title)).unwrap_or_default();
                    let (icon, cls, label) = match r.check {
                        Check::Pass => ("✓", "pass", S::CheckPass),
                        Check::Fail => ("✗", "fail", S::CheckFail),
                        Check::ForOfficer => ("?", "officer", S::CheckOfficer),
                    };
                    html! {
                        <li class={cls} data-rule={r.rule_id.clone()} data-check={cls}>
                            <span class="icon" aria-hidden="true">{ icon }</span>
                            <span>
                                <span class="visually-hidden">{ lang.t(label) }{ "：" }</span>
                                if !title.is_empty() { <strong>{ title }</strong>{ " · " } }
                                { lang.pick(&r.message) }
                                if p.officer && let Some(rule) = rule {
                                    <details class="rule-source small">
                                        <summary>{ lang.t(S::RuleBasis) }</summary>
                                        <p>{ lang.t(S::Clause) }{ "：" }{ &rule.clause }</p>
                                        <p>{ lang.t(S::Source) }{ "：" }{ &rule.source.document }</p>
                                        if let Some(b) = &rule.source.borrowed_from { <p>{ lang.t(S::BorrowedFrom) }{ "：" }{ b }</p> }
                                    </details>
                                }
                            </span>
                        </li>
                    }
                }) }
            </ul>
            <p class="muted small">{ lang.t(S::PolicyVersion) }{ format!(" {}", e.pack_version) }</p>
        </section>
    }
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok().or_else(|| NaiveTime::parse_from_str(s, "%H:%M:%S").ok())
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[hook]
fn use_pack() -> UseStateHandle<Option<Result<Rc<PolicyPack>, ApiError>>> {
    let pack = use_state(|| None::<Result<Rc<PolicyPack>, ApiError>>);
    {
        let pack = pack.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                pack.set(Some(api::get::<PolicyPack>("/api/v1/policy").await.map(Rc::new)))
            });
        });
    }
    pack
}

fn from_query(location: &Option<Location>) -> Option<i64> {
    location.as_ref().and_then(|l| {
        l.query_str()
            .trim_start_matches('?')
            .split('&')
            .find_map(|p| p.strip_prefix("from="))
            .and_then(|v| v.parse().ok())
    })
}

fn merchant_gate(lang: Lang, session: &crate::hooks::Session) -> Option<Html> {
    if !session.loaded {
        return Some(html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> });
    }
    match &session.me {
        None => Some(html! {
            <section class="page narrow">
                <p>{ lang.t(S::ShopsSignIn) }</p>
                <div class="actions">
                    <Link<Route> to={Route::Login} classes="button primary">{ lang.t(S::NavLogin) }</Link<Route>>
                    <Link<Route> to={Route::Register} classes="button secondary">{ lang.t(S::NavRegister) }</Link<Route>>
                </div>
            </section>
        }),
        Some(m) if m.role != common::Role::Merchant => Some(
            html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::ShopsOnly) }</p></section> },
        ),
        _ => None,
    }
}

/// Submits (or resubmits) and opens the result.
fn submit(
    app: PolicyApplication,
    resubmit: Option<i64>,
    error: UseStateHandle<Option<ApiError>>,
    navigator: Navigator,
) {
    yew::platform::spawn_local(async move {
        let r = match resubmit {
            Some(id) => {
                api::request::<_, FilingView>(
                    gloo::net::http::Method::PUT,
                    &format!("/api/v1/filings/{id}"),
                    Some(&app),
                )
                .await
            }
            None => api::post::<_, FilingView>("/api/v1/filings", &app).await,
        };
        match r {
            Ok(f) => navigator.push(&Route::Filing { id: f.id }),
            Err(e) => error.set(Some(e)),
        }
    });
}

#[derive(serde::Serialize, Clone, PartialEq)]
pub struct FromQuery {
    pub from: i64,
}
