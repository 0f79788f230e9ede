//! Officers' and admins' supervision work on the review page: appeals to decide, transfers to
//! approve, and (admins) revocation proposals.

use common::dto::lifecycle::{AppealDecision, PermitView, SupervisionQueue, TransferDecision};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::i18n::{S, use_lang};

fn relation(lang: crate::i18n::Lang, r: &str) -> &'static str {
    match r {
        "spouse" => lang.either("配偶", "spouse"),
        "child" => lang.either("子女", "child"),
        "parent" => lang.either("父母", "parent"),
        _ => lang.either("其他", "other"),
    }
}

#[component]
pub fn SupervisionQueuePanel() -> Html {
    let lang = use_lang();
    let q = use_state(|| None::<Result<SupervisionQueue, ApiError>>);
    let reload = use_state(|| 0u32);
    let note = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    {
        let q = q.clone();
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move { q.set(Some(api::get("/api/v1/review/supervision").await)) });
        });
    }
    let decide = |url: String, body: serde_json::Value| {
        let (error, reload) = (error.clone(), reload.clone());
        Callback::from(move |_| {
            let (url, body, error, reload) = (url.clone(), body.clone(), error.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, PermitView>(&url, &body).await {
                    Ok(_) => {
                        error.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let Some(Ok(queue)) = &*q else {
        return match &*q {
            Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
            _ => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        };
    };
    let empty = queue.appeals.is_empty() && queue.transfers.is_empty() && queue.revocation_proposals.is_empty();
    html! {
        <section class="supervision-section" id="supervision">
            <h2>{ lang.either("申诉、转让与撤销建议", "Appeals, transfers and revocation proposals") }</h2>
            if empty { <p class="muted">{ lang.either("没有待办。", "Nothing waiting.") }</p> }
            if !empty {
                <div class="field">
                    <label for="decision-note">{ lang.either("处理意见（持证人可见）", "Decision note (the holder sees it)") }</label>
                    <input id="decision-note" type="text" value={(*note).clone()}
                        oninput={{ let n = note.clone(); Callback::from(move |e: InputEvent| n.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </div>
            }
            <ErrorAlert error={(*error).clone()} />
            <ul class="plain">
                { for queue.appeals.iter().map(|a| html! {
                    <li class="card" data-appeal={a.id.to_string()}>
                        <strong>{ lang.either("申诉：", "Appeal: ") }{ lang.pick(&a.violation) }</strong>{ format!(" (−{})", a.points) }
                        <p>{ &a.holder }{ "：" }{ &a.reason }</p>
                        <div class="actions">
                            <Link<Route> to={Route::Permit { id: a.permit_id }}>{ lang.either("查看许可与证据", "Permit and evidence") }</Link<Route>>
                            <button type="button" class="button small" onclick={decide(format!("/api/v1/appeals/{}/decision", a.id), serde_json::to_value(AppealDecision { overturn: true, note: (*note).clone() }).unwrap_or_default())}>{ lang.either("申诉成立", "Set aside") }</button>
                            <button type="button" class="button small" onclick={decide(format!("/api/v1/appeals/{}/decision", a.id), serde_json::to_value(AppealDecision { overturn: false, note: (*note).clone() }).unwrap_or_default())}>{ lang.either("维持", "Let it stand") }</button>
                        </div>
                    </li>
                }) }
                { for queue.transfers.iter().map(|t| html! {
                    <li class="card" data-transfer={t.id.to_string()}>
                        <strong>{ lang.either("转让：", "Transfer: ") }</strong>{ &t.from }{ " → " }{ &t.to }{ format!(" ({})", relation(lang, &t.relation)) }
                        <div class="actions">
                            <Link<Route> to={Route::Permit { id: t.permit_id }}>{ lang.either("查看许可", "Permit") }</Link<Route>>
                            <button type="button" class="button small primary" onclick={decide(format!("/api/v1/transfers/{}/decision", t.id), serde_json::to_value(TransferDecision { approve: true, note: (*note).clone() }).unwrap_or_default())}>{ lang.t(S::Approve) }</button>
                            <button type="button" class="button small" onclick={decide(format!("/api/v1/transfers/{}/decision", t.id), serde_json::to_value(TransferDecision { approve: false, note: (*note).clone() }).unwrap_or_default())}>{ lang.t(S::Reject) }</button>
                        </div>
                    </li>
                }) }
                { for queue.revocation_proposals.iter().map(|p| html! {
                    <li class="card" data-proposal={p.id.to_string()}>
                        <strong>{ lang.either("建议撤销：", "Revocation proposed: ") }</strong>
                        <Link<Route> to={Route::Permit { id: p.id }}>{ crate::pages::permits::permit_title(lang, &p.kind) }{ " · " }{ &p.location }</Link<Route>>
                        { format!(" · {} {}", p.points, lang.either("分", "points")) }
                    </li>
                }) }
            </ul>
        </section>
    }
}
