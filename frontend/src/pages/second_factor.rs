//! The second step of a staff sign-in: set up an authenticator (first time: QR code, key, first
//! code, then recovery codes shown once), or type its code (or a recovery code).

use common::dto::auth::{Enrolment, SecondFactorNeeded, SecondFactorRequest, SessionResponse};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::components::field::{TextField, errors_for};
use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct SecondFactorProps {
    pub need: SecondFactorNeeded,
    /// The sign-in is complete (after the recovery codes were acknowledged, on first set-up).
    pub ondone: Callback<SessionResponse>,
}

#[component]
pub fn SecondFactorStep(p: &SecondFactorProps) -> Html {
    let lang = use_lang();
    let enrolment = use_state(|| None::<Enrolment>);
    let code = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let passed = use_state(|| None::<SessionResponse>);

    let start = {
        let (enrolment, busy, error) = (enrolment.clone(), busy.clone(), error.clone());
        Callback::from(move |_| {
            let (enrolment, busy, error) = (enrolment.clone(), busy.clone(), error.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::post::<_, Enrolment>("/api/v1/auth/second-factor/enrol", &serde_json::json!({})).await {
                    Ok(e) => enrolment.set(Some(e)),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let onsubmit = {
        let (code, busy, error, passed, ondone) =
            (code.clone(), busy.clone(), error.clone(), passed.clone(), p.ondone.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let body = SecondFactorRequest { code: (*code).clone() };
            let (busy, error, passed, ondone) = (busy.clone(), error.clone(), passed.clone(), ondone.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::post::<_, SessionResponse>("/api/v1/auth/second-factor", &body).await {
                    Ok(r) if r.recovery_codes.is_some() => passed.set(Some(r)),
                    Ok(r) => ondone.emit(r),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let field_errors = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let alert = (*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)));

    if let Some(done) = &*passed {
        let codes = done.recovery_codes.clone().unwrap_or_default();
        let onclick = {
            let (ondone, done) = (p.ondone.clone(), done.clone());
            Callback::from(move |_| ondone.emit(done.clone()))
        };
        return html! {
            <section class="page narrow">
                <h1>{ lang.t(S::RecoveryTitle) }</h1>
                <p>{ lang.t(S::RecoveryIntro) }</p>
                <ol id="recovery-codes" class="recovery-codes">
                    { for codes.iter().map(|c| html! { <li><code>{ c }</code></li> }) }
                </ol>
                <button type="button" id="recovery-continue" class="button primary" onclick={onclick}>{ lang.t(S::RecoveryContinue) }</button>
            </section>
        };
    }

    let code_form = html! {
        <form class="form" onsubmit={onsubmit} novalidate=true>
            <TextField id="totp-code" label={lang.t(S::TotpCode)} value={(*code).clone()} inputmode="numeric"
                autocomplete="one-time-code" hint={(p.need == SecondFactorNeeded::Verify).then(|| AttrValue::from(lang.t(S::TotpCodeHint)))}
                oninput={{ let code = code.clone(); Callback::from(move |v: String| code.set(v)) }}
                errors={errors_for(&field_errors, "code")} />
            <button type="submit" class="button primary" disabled={*busy}>
                { if *busy { lang.t(S::Saving) } else { lang.t(S::TotpSubmit) } }
            </button>
        </form>
    };
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::SecondFactorTitle) }</h1>
            <p>{ lang.t(S::SecondFactorIntro) }</p>
            <ErrorAlert error={alert} />
            {
                match (p.need, &*enrolment) {
                    (SecondFactorNeeded::Verify, _) => code_form,
                    (SecondFactorNeeded::Enrol, None) => html! {
                        <button type="button" id="enrol-start" class="button primary" onclick={start} disabled={*busy}>
                            { lang.t(S::EnrolStart) }
                        </button>
                    },
                    (SecondFactorNeeded::Enrol, Some(e)) => html! {
                        <>
                            <p>{ lang.t(S::EnrolSteps) }</p>
                            <div class="totp-qr" role="img" aria-label={lang.t(S::EnrolStart)}>
                                { Html::from_html_unchecked(AttrValue::from(e.qr_svg.clone())) }
                            </div>
                            <p>{ lang.t(S::TotpKey) }{ "：" }<code id="totp-secret" class="totp-secret">{ &e.secret }</code></p>
                            { code_form }
                        </>
                    },
                }
            }
        </section>
    }
}
