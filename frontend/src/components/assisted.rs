//! The service counter's assisted service (代办): the consent form, opening an account for the
//! person in front of the officer, the people this counter files for, the notices waiting to be
//! passed on to those without a phone, and the banner shown while acting for someone.

use common::dto::assisted::{
    AssistedAccount, AssistedAccountRequest, AssistedShop, CounterNotice, HandOverRequest, HandedHow,
};
use common::dto::auth::CodePurpose;
use gloo::net::http::Method;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::alert::{ErrorAlert, ErrorSummary, with_targets};
use crate::components::field::{CheckField, TextField, errors_for};
use crate::components::phone_code::PhoneCode;
use crate::components::photo::PhotoUpload;
use crate::hooks::form::{submit_with, update, use_form_state};
use crate::hooks::{reload_session as reload, use_session};
use crate::i18n::{S, use_lang};

/// Opens the account; the officer's session then acts for it and goes to the application.
#[component]
pub fn AssistForm() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let form = use_state(AssistedAccountRequest::default);
    let state = use_form_state();
    let all = state.errors(form.validate(common::time::xiamen_today()));
    let set = |f: fn(&mut AssistedAccountRequest, String)| state.setter(&form, f);
    let on_checked = update(&form, |f, checked| f.id_card_checked = checked);
    let on_photo = update(&form, |f, id| f.consent_photo = Some(id));
    // A shop (跨店经营、外摆) is filed for as the shop, the person being its contact.
    let on_shop = update(&form, |f, on: bool| f.shop = on.then(AssistedShop::default));
    let opened = {
        let (session, navigator, shop) = (session.clone(), navigator.clone(), form.shop.is_some());
        Callback::from(move |()| {
            let (session, navigator) = (session.clone(), navigator.clone());
            yew::platform::spawn_local(async move {
                reload(session).await;
                if let Some(n) = navigator {
                    n.push(if shop { &Route::MyFilings } else { &Route::Apply });
                }
            });
        })
    };
    let valid = |f: &AssistedAccountRequest| f.validate(common::time::xiamen_today()).is_empty();
    let onsubmit = submit_with("/api/v1/assisted/accounts", &form, valid, &state, opened);
    let consent_href = format!(
        "/api/v1/assisted/consent-form.pdf?name={}&counter={}",
        js_sys::encode_uri_component(form.real_name.trim()),
        js_sys::encode_uri_component(form.counter.trim())
    );
    html! {
        <section class="card" aria-labelledby="assist-title">
            <h2 id="assist-title">{ lang.t(S::AssistTitle) }</h2>
            <p class="lead">{ lang.t(S::AssistLead) }</p>
            <ol class="steps-list">
                <li>{ lang.t(S::AssistStep1) }</li>
                <li>{ lang.t(S::AssistStep2) }</li>
                <li>{ lang.t(S::AssistStep3) }</li>
            </ol>
            <ErrorAlert error={state.general()} />
            if *state.submitted { <ErrorSummary errors={with_targets(&all, &[])} /> }
            <form class="form" id="assist-form" onsubmit={onsubmit} novalidate=true>
                <TextField id="assist-name" label={lang.t(S::AssistName)} value={form.real_name.clone()} autocomplete="off"
                    oninput={set(|f, v| f.real_name = v)} errors={errors_for(&all, "real_name")} />
                <CheckField id="assist-shop" label={lang.t(S::AssistForShop)} checked={form.shop.is_some()} onchange={on_shop} errors={Vec::new()} />
                if let Some(shop) = &form.shop {
                    <TextField id="assist-shop-name" label={lang.t(S::ShopName)} value={shop.shop_name.clone()} autocomplete="off"
                        oninput={set(|f, v| f.shop.get_or_insert_with(Default::default).shop_name = v)} errors={errors_for(&all, "shop_name")} />
                    <TextField id="assist-credit-code" label={lang.t(S::CreditCode)} value={shop.credit_code.clone()} autocomplete="off"
                        oninput={set(|f, v| f.shop.get_or_insert_with(Default::default).credit_code = v)} errors={errors_for(&all, "credit_code")} />
                }
                <TextField id="assist-counter" label={lang.t(S::AssistCounter)} hint={lang.t(S::AssistCounterHint)} value={form.counter.clone()}
                    autocomplete="off" oninput={set(|f, v| f.counter = v)} errors={errors_for(&all, "counter")} />
                <p><a class="button secondary" id="consent-form-link" href={consent_href} target="_blank" rel="noopener">{ lang.t(S::AssistPrintConsent) }</a></p>
                <TextField id="assist-id" label={lang.t(S::IdNumber)} hint={lang.t(S::CounterIdHint)} value={form.id_number.clone()}
                    autocomplete="off" oninput={set(|f, v| f.id_number = v)} errors={errors_for(&all, "id_number")} />
                <CheckField id="assist-id-checked" label={lang.t(S::CounterIdChecked)} checked={form.id_card_checked}
                    onchange={on_checked} errors={errors_for(&all, "id_card_checked")} />
                <div class={classes!("field", (!errors_for(&all, "consent_photo").is_empty()).then_some("has-error"))} id="consent_photo">
                    <PhotoUpload id="assist-consent" label={lang.t(S::AssistConsentPhoto)} count={usize::from(form.consent_photo.is_some())}
                        on_uploaded={on_photo} />
                    { for errors_for(&all, "consent_photo").iter().map(|e| html! { <p class="error-message">{ lang.either(&e.message.zh, &e.message.en) }</p> }) }
                </div>
                <TextField id="assist-phone" label={lang.t(S::AssistPhone)} value={form.phone.clone()} input_type="tel" inputmode="tel"
                    autocomplete="off" oninput={set(|f, v| f.phone = v)} errors={errors_for(&all, "phone")} />
                if !form.phone.trim().is_empty() {
                    <PhoneCode phone={form.phone.clone()} purpose={CodePurpose::Consent} value={form.code.clone()}
                        oninput={set(|f, v| f.code = v)} errors={all.clone()} />
                }
                <button type="submit" class="button primary" id="assist-submit" disabled={*state.busy}>
                    { if *state.busy { lang.t(S::Saving) } else { lang.t(S::AssistSubmit) } }
                </button>
            </form>
        </section>
    }
}

/// The people this counter files for, to act for one again when they come back.
#[component]
pub fn AssistedList() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let list = use_state(|| None::<Result<Vec<AssistedAccount>, api::ApiError>>);
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { list.set(Some(api::get("/api/v1/assisted/accounts").await)) });
        });
    }
    let act = |id: i64| {
        let (session, navigator) = (session.clone(), navigator.clone());
        Callback::from(move |_| {
            let (session, navigator) = (session.clone(), navigator.clone());
            yew::platform::spawn_local(async move {
                let url = format!("/api/v1/assisted/accounts/{id}/act");
                if api::request::<(), AssistedAccount>(Method::POST, &url, None).await.is_ok() {
                    reload(session).await;
                    if let Some(n) = navigator {
                        n.push(&Route::Apply);
                    }
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="assisted-list-title">
            <h2 id="assisted-list-title">{ lang.t(S::AssistAccounts) }</h2>
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(v)) if v.is_empty() => html! { <p class="muted">{ lang.t(S::AssistNoAccounts) }</p> },
                Some(Ok(v)) => html! {
                    <ul class="plain" id="assisted-list">
                        { for v.iter().map(|a| html! {
                            <li class="row-between">
                                <span>
                                    <strong>{ &a.display_name }</strong>
                                    <span class="muted">{ " · " }{ lang.t(if a.phone_proven { S::AssistPhoneProven } else { S::AssistNoPhone }) }
                                        { " · " }{ &a.counter }</span>
                                </span>
                                <button class="button small" onclick={act(a.user_id)}>{ lang.t(S::AssistContinue) }</button>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </section>
    }
}

/// Notices for people without a phone, to print or call out, then mark.
#[component]
pub fn CounterNotices() -> Html {
    let lang = use_lang();
    let list = use_state(|| None::<Result<Vec<CounterNotice>, api::ApiError>>);
    let generation = use_state(|| 0u32);
    {
        let list = list.clone();
        use_effect_with(*generation, move |_| {
            yew::platform::spawn_local(async move { list.set(Some(api::get("/api/v1/assisted/notices").await)) });
        });
    }
    let mark = |id: i64, how: HandedHow| {
        let generation = generation.clone();
        Callback::from(move |_| {
            let generation = generation.clone();
            yew::platform::spawn_local(async move {
                let url = format!("/api/v1/assisted/notices/{id}/handed");
                let _ = api::request_empty(Method::POST, &url, Some(&HandOverRequest { how })).await;
                generation.set(*generation + 1);
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="counter-notices-title">
            <h2 id="counter-notices-title">{ lang.t(S::AssistNotices) }</h2>
            <p class="muted">{ lang.t(S::AssistNoticesLead) }</p>
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(v)) if v.is_empty() => html! { <p class="muted" id="counter-notices-empty">{ lang.t(S::AssistNoNotices) }</p> },
                Some(Ok(v)) => html! {
                    <ul class="plain" id="counter-notices">
                        { for v.iter().map(|n| html! {
                            <li class="counter-notice" data-kind={n.kind.clone()}>
                                <p><strong>{ &n.person }</strong>{ " · " }{ lang.either(&n.title_zh, &n.title_en) }
                                    <span class="muted">{ " · " }{ common::time::to_xiamen(n.created_at).format("%m-%d %H:%M").to_string() }</span></p>
                                <p>{ lang.either(&n.body_zh, &n.body_en) }</p>
                                <div class="actions">
                                    <button class="button small secondary" onclick={mark(n.id, HandedHow::Printed)}>{ lang.t(S::AssistPrinted) }</button>
                                    <button class="button small secondary" onclick={mark(n.id, HandedHow::Called)}>{ lang.t(S::AssistCalled) }</button>
                                </div>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </section>
    }
}

/// Shown on every page while an officer files for someone: who, where, and the way back.
#[component]
pub fn ActingBanner() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let Some((name, acting)) =
        session.me.as_ref().and_then(|m| m.acting_for.clone().map(|a| (m.display_name.clone(), a)))
    else {
        return Html::default();
    };
    let end = {
        let (session, navigator) = (session.clone(), navigator.clone());
        Callback::from(move |_| {
            let (session, navigator) = (session.clone(), navigator.clone());
            yew::platform::spawn_local(async move {
                let _ = api::request_empty::<()>(Method::DELETE, "/api/v1/assisted/acting", None).await;
                reload(session).await;
                if let Some(n) = navigator {
                    n.push(&Route::Counter);
                }
            });
        })
    };
    let shop = session.me.as_ref().is_some_and(|m| m.role == common::Role::Merchant);
    html! {
        <div class="acting-banner" id="acting-banner" role="status">
            <span>{ lang.t(S::ActingBanner) }<strong>{ name }</strong>{ " · " }{ acting.counter }{ " · " }{ acting.officer }</span>
            // A shop's filings have no one-case receipt: the counter prints one for the visit.
            if shop {
                <a class="button small" id="shop-receipt" href="/api/v1/assisted/receipt.pdf" target="_blank" rel="noopener">{ lang.t(S::ShopReceipt) }</a>
            }
            <button class="button small" id="acting-end" onclick={end}>{ lang.t(S::ActingEnd) }</button>
        </div>
    }
}
