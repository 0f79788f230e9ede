//! Officers' and admins' supervision work on the review page: appeals to decide, transfers and
//! registered helpers to approve, subletting reviews to close, and (admins) revocation proposals.

use common::dto::lifecycle::{AppealDecision, HelperDecision, ReviewClosing, SupervisionQueue, TransferDecision};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::components::decision::{Choice, Decided, DecisionForm, send};
use crate::i18n::{S, use_lang};
use crate::pages::permits::relation_name as relation;

#[component]
pub fn SupervisionQueuePanel() -> Html {
    let lang = use_lang();
    let q = use_state(|| None::<Result<SupervisionQueue, ApiError>>);
    let reload = use_state(|| 0u32);
    {
        let q = q.clone();
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move { q.set(Some(api::get("/api/v1/review/supervision").await)) });
        });
    }
    let Some(Ok(queue)) = &*q else {
        return match &*q {
            Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
            _ => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        };
    };
    let done = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let empty = queue.appeals.is_empty()
        && queue.transfers.is_empty()
        && queue.revocation_proposals.is_empty()
        && queue.helpers.is_empty()
        && queue.reviews.is_empty();
    html! {
        <section class="supervision-section" id="supervision">
            <h2>{ lang.t(S::SupervisionWork) }</h2>
            if empty { <p class="muted">{ lang.t(S::NothingWaiting) }</p> }
            <ul class="plain case-cards-always">
                { for queue.appeals.iter().map(|a| html! {
                    <li class="card" data-appeal={a.id.to_string()}>
                        <h3>{ lang.t(S::AppealOf) }{ lang.pick(&a.violation) }{ format!(" (−{})", a.points) }</h3>
                        <p><strong>{ &a.holder }</strong>{ "：" }{ &a.reason }</p>
                        if let Some(by) = a.decide_by {
                            <p class={classes!("muted", (by < common::time::xiamen_today()).then_some("overdue-text"))}>
                                { lang.t(S::DecideBy) }{ by.to_string() }
                            </p>
                        }
                        <p><Link<Route> to={Route::Permit { id: a.permit_id }}>{ lang.t(S::PermitAndEvidence) }</Link<Route>></p>
                        if a.recorded_by_you {
                            <p class="alert warn" data-recorded-by-you="1">{ lang.t(S::AppealRecordedByYou) }</p>
                        } else {
                            <SupervisionDecision prefix={format!("appeal-{}", a.id)} url={format!("/api/v1/appeals/{}/decision", a.id)}
                                kind={ItemKind::Appeal} on_done={done.clone()} />
                        }
                    </li>
                }) }
                { for queue.reviews.iter().map(|r| html! {
                    <li class="card" data-review={r.id.to_string()}>
                        <h3>{ lang.t(S::SublettingReview) }</h3>
                        <p>{ lang.pick(&r.reason) }</p>
                        <p><Link<Route> to={Route::Permit { id: r.permit_id }}>{ lang.t(S::OpenPermit) }</Link<Route>></p>
                        <SupervisionDecision prefix={format!("review-{}", r.id)} url={format!("/api/v1/permit-reviews/{}/close", r.id)}
                            kind={ItemKind::Review} on_done={done.clone()} />
                    </li>
                }) }
                { for queue.helpers.iter().map(|h| html! {
                    <li class="card helper-card" data-helper={h.id.to_string()}>
                        <h3>{ lang.t(S::HelperToApprove) }{ &h.name }{ format!("（{}）", relation(lang, &h.relation)) }</h3>
                        <img class="helper-photo large" src={format!("/api/v1/evidence/{}", h.photo_id)} alt={format!("{}{}", lang.t(S::HelperPhotoOf), h.name)} width="120" height="120" />
                        <p>{ lang.t(S::Holder) }{ "：" }{ &h.holder }{ " · " }<Link<Route> to={Route::Permit { id: h.permit_id }}>{ lang.t(S::OpenPermit) }</Link<Route>></p>
                        <SupervisionDecision prefix={format!("helper-{}", h.id)} url={format!("/api/v1/helpers/{}/decision", h.id)}
                            kind={ItemKind::Helper} on_done={done.clone()} />
                    </li>
                }) }
                { for queue.transfers.iter().map(|t| html! {
                    <li class="card" data-transfer={t.id.to_string()} data-kind={t.kind.clone()}>
                        <h3>{ lang.t(if t.kind == "succession" { S::SuccessionOf } else { S::TransferOf }) }{ &t.from }{ " → " }{ &t.to }{ format!(" ({})", relation(lang, &t.relation)) }</h3>
                        if let Some((_, zh, en)) = common::dto::lifecycle::SUCCESSION_CAUSES.iter().find(|c| c.0 == t.cause) {
                            <p>{ lang.either(zh, en) }</p>
                        }
                        if !t.document_ids.is_empty() {
                            <div class="evidence">
                                { for t.document_ids.iter().map(|d| html! {
                                    <a href={format!("/api/v1/evidence/{d}")} target="_blank" rel="noopener">
                                        <img src={format!("/api/v1/evidence/{d}")} alt={lang.t(S::SuccessionDocuments)} loading="lazy" width="96" height="72" />
                                    </a>
                                }) }
                            </div>
                        }
                        <p><Link<Route> to={Route::Permit { id: t.permit_id }}>{ lang.t(S::OpenPermit) }</Link<Route>></p>
                        if t.recorded_by_you {
                            <p class="alert warn" data-recorded-by-you="1">{ lang.t(S::SuccessionRecordedByYou) }</p>
                        } else {
                            <SupervisionDecision prefix={format!("transfer-{}", t.id)} url={format!("/api/v1/transfers/{}/decision", t.id)}
                                kind={ItemKind::Transfer} on_done={done.clone()} />
                        }
                    </li>
                }) }
                { for queue.revocation_proposals.iter().map(|p| html! {
                    <li class="card" data-proposal={p.id.to_string()}>
                        <strong>{ lang.t(S::RevocationProposed) }</strong>
                        <Link<Route> to={Route::Permit { id: p.id }}>{ crate::pages::permits::permit_title(lang, &p.kind) }{ " · " }{ &p.location }</Link<Route>>
                        { format!(" · {} {}", p.points, lang.t(S::PointsUnit)) }
                    </li>
                }) }
            </ul>
        </section>
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum ItemKind {
    Appeal,
    Transfer,
    Helper,
    Review,
}

#[derive(Properties, PartialEq)]
pub struct SupervisionDecisionProps {
    pub prefix: AttrValue,
    pub url: AttrValue,
    pub kind: ItemKind,
    pub on_done: Callback<()>,
}

/// Deciding one appeal or transfer: choose, give the note the holder will read, confirm.
#[component]
fn SupervisionDecision(p: &SupervisionDecisionProps) -> Html {
    let lang = use_lang();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let kind = p.kind;
    let body = move |d: &Decided| -> serde_json::Value {
        match kind {
            ItemKind::Appeal => {
                serde_json::to_value(AppealDecision { overturn: d.choice == "overturn", note: d.reason.clone() })
            }
            ItemKind::Transfer => {
                serde_json::to_value(TransferDecision { approve: d.choice == "approve", note: d.reason.clone() })
            }
            ItemKind::Helper => {
                serde_json::to_value(HelperDecision { approve: d.choice == "approve", note: d.reason.clone() })
            }
            ItemKind::Review => serde_json::to_value(ReviewClosing { note: d.reason.clone() }),
        }
        .unwrap_or_default()
    };
    let validate = Callback::from(move |d: Decided| match kind {
        ItemKind::Appeal => AppealDecision { overturn: d.choice == "overturn", note: d.reason }.validate(),
        ItemKind::Transfer => TransferDecision { approve: d.choice == "approve", note: d.reason }.validate(),
        ItemKind::Helper => HelperDecision { approve: d.choice == "approve", note: d.reason }.validate(),
        ItemKind::Review if d.reason.trim().is_empty() => {
            vec![common::FieldError::new("note", "required", "请填写核查结论", "Write down what the review found")]
        }
        ItemKind::Review => Vec::new(),
    });
    let on_decide = {
        let (error, busy, url, done) = (error.clone(), busy.clone(), p.url.clone(), p.on_done.clone());
        Callback::from(move |d: Decided| send(url.to_string(), body(&d), error.clone(), busy.clone(), done.clone()))
    };
    let (note, hint) = (lang.t(S::AppealNote), Some(lang.t(S::AppealNoteHint)));
    let choices = match kind {
        ItemKind::Appeal => vec![
            Choice::new("overturn", lang.t(S::SetAside), lang.t(S::SetAsideConsequence)).with_reason(note, hint),
            Choice::new("uphold", lang.t(S::LetItStand), lang.t(S::LetItStandConsequence)).with_reason(note, hint),
        ],
        ItemKind::Transfer => vec![
            Choice::new("approve", lang.t(S::Approve), lang.t(S::TransferApproveConsequence))
                .with_reason(lang.t(S::OptionalNote), None),
            Choice::new("refuse", lang.t(S::Reject), lang.t(S::TransferRefuseConsequence))
                .with_reason(lang.t(S::RejectReason), None),
        ],
        ItemKind::Helper => vec![
            Choice::new("approve", lang.t(S::Approve), lang.t(S::HelperApproveConsequence))
                .with_reason(lang.t(S::OptionalNote), None),
            Choice::new("refuse", lang.t(S::Reject), lang.t(S::HelperRefuseConsequence))
                .with_reason(lang.t(S::RejectReason), None),
        ],
        ItemKind::Review => vec![
            Choice::new("close", lang.t(S::CloseReview), lang.t(S::CloseReviewConsequence))
                .with_reason(lang.t(S::ReviewFinding), Some(lang.t(S::ReviewFindingHint))),
        ],
    };
    html! {
        <details class="inline-decision">
            <summary>{ lang.t(S::Decide) }</summary>
            <DecisionForm choices={choices} validate={validate} on_decide={on_decide} error={(*error).clone()} busy={*busy}
                prefix={p.prefix.clone()} field_targets={vec![("note", crate::components::decision::REASON_ID)]} />
        </details>
    }
}
