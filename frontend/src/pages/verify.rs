//! The public permit check a QR code leads to: valid or not, for whom (masked), what and where,
//! until when — readable on a phone in the street.

use common::dto::filings::PermitPublic;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::i18n::{S, use_lang};
use crate::pages::complaints::ReportQuery;
use crate::pages::permits::InspectQuery;

#[derive(Properties, PartialEq)]
pub struct VerifyProps {
    pub code: String,
}

#[component]
pub fn VerifyPage(p: &VerifyProps) -> Html {
    let lang = use_lang();
    let session = crate::hooks::use_session();
    let staff = session.me.as_ref().is_some_and(|m| m.role.is_staff());
    let result = use_state(|| None::<Result<PermitPublic, ApiError>>);
    {
        let result = result.clone();
        use_effect_with(p.code.clone(), move |code| {
            let code = code.clone();
            yew::platform::spawn_local(async move {
                result.set(Some(api::get(&format!("/api/v1/public/permits/{code}")).await))
            });
        });
    }
    let body = match &*result {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(ApiError::NotFound(_))) => html! {
            <div class="verify-card invalid" id="verify-result" data-status="unknown">
                <p class="verify-status">{ lang.t(S::VerifyNotFound) }</p>
                <p>{ lang.t(S::VerifyNotFoundHint) }</p>
            </div>
        },
        Some(Err(e)) => html! { <crate::components::alert::ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(v)) => {
            let status = common::dto::lifecycle::permit_status_name(&v.status);
            html! {
                <div class={classes!("verify-card", if v.status == "valid" { "valid" } else { "invalid" })} id="verify-result" data-status={v.status.clone()}>
                    <p class="verify-status">{ if v.status == "valid" { "✔ " } else { "✖ " } }{ lang.pick(&status) }</p>
                    <h1>{ crate::pages::permits::permit_title(lang, &v.kind) }</h1>
                    <dl class="details">
                        <div class="kv"><dt>{ lang.t(S::Holder) }</dt><dd>{ &v.holder }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Address) }</dt><dd>{ &v.location }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Trade) }</dt><dd>{ common::trade::trade_label(&v.trade).map(|t| lang.pick(&t)).unwrap_or_else(|| v.trade.clone()) }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Hours) }</dt><dd>{ &v.hours }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::ValidPeriod) }</dt><dd>{ format!("{} – {}", v.valid_from, v.valid_until) }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::District) }</dt><dd>{ lang.either(v.district.name_zh(), v.district.name_en()) }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Code) }</dt><dd><code>{ &v.code }</code></dd></div>
                    </dl>
                    if !v.helpers.is_empty() {
                        <h2 class="small-heading">{ lang.t(S::PublicHelpers) }</h2>
                        <ul class="plain helper-list" id="verify-helpers">
                            { for v.helpers.iter().map(|h| html! {
                                <li class="helper">
                                    <img class="helper-photo" src={h.photo_url.clone()} alt={format!("{}{}", lang.t(S::HelperPhotoOf), h.name)} width="64" height="64" loading="lazy" />
                                    <span><strong>{ &h.name }</strong>{ format!("（{}）", crate::pages::permits::relation_name(lang, &h.relation)) }</span>
                                </li>
                            }) }
                        </ul>
                    }
                    <div class="actions">
                        if let Some(z) = v.zone_id {
                            <Link<Route> to={Route::Zone { id: z }} classes="button secondary">{ lang.t(S::ViewZone) }</Link<Route>>
                        }
                        <Link<Route, ReportQuery> to={Route::Report} query={Some(ReportQuery { permit: Some(v.code.clone()), zone: None })} classes="button" >{ lang.t(S::ReportProblem) }</Link<Route, ReportQuery>>
                        if staff {
                            <Link<Route, InspectQuery> to={Route::Inspect} query={Some(InspectQuery { permit: None, code: Some(v.code.clone()) })} classes="button primary">{ lang.either("记录检查", "Record an inspection") }</Link<Route, InspectQuery>>
                        }
                    </div>
                </div>
            }
        }
    };
    html! {
        <section class="page narrow">
            <p class="muted">{ lang.t(S::VerifyTitle) }</p>
            { body }
        </section>
    }
}
