//! The "text me a code" box: asks the server to text a one-time code to the phone typed above,
//! then counts down before another may be asked for. The answer is the same whether or not the
//! phone has an account, so the page says only that a code was sent.

use common::FieldError;
use common::dto::auth::{CodePurpose, CodeRequest, CodeSent};
use common::validate::check_mobile;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::components::field::{TextField, errors_for};
use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct PhoneCodeProps {
    pub phone: AttrValue,
    pub purpose: CodePurpose,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub errors: Vec<FieldError>,
}

#[component]
pub fn PhoneCode(p: &PhoneCodeProps) -> Html {
    let lang = use_lang();
    let wait = use_state(|| 0i64);
    let sent_to = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let need_phone = use_state(|| false);

    // One tick a second while counting down.
    {
        let wait = wait.clone();
        use_effect_with(*wait, move |w| {
            let timer = (*w > 0).then(|| {
                let wait = wait.clone();
                let left = *w;
                gloo::timers::callback::Timeout::new(1_000, move || wait.set(left - 1))
            });
            move || drop(timer)
        });
    }

    let onclick = {
        let (wait, sent_to, busy, error, need_phone) =
            (wait.clone(), sent_to.clone(), busy.clone(), error.clone(), need_phone.clone());
        let (phone, purpose) = (p.phone.to_string(), p.purpose);
        Callback::from(move |_| {
            let Some(mobile) = check_mobile(&phone) else {
                need_phone.set(true);
                return;
            };
            need_phone.set(false);
            if *busy || *wait > 0 {
                return;
            }
            let (wait, sent_to, busy, error) = (wait.clone(), sent_to.clone(), busy.clone(), error.clone());
            busy.set(true);
            let body = CodeRequest {
                phone: mobile.clone(),
                purpose,
                lang: Some(if lang.is_en() { "en" } else { "zh" }.into()),
            };
            yew::platform::spawn_local(async move {
                match api::post::<_, CodeSent>("/api/v1/auth/codes", &body).await {
                    Ok(r) => {
                        error.set(None);
                        sent_to.set(Some(common::mask::phone(&mobile)));
                        wait.set(r.resend_after_secs);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let label = match (*busy, *wait, sent_to.is_some()) {
        (true, _, _) => lang.t(S::SendingCode).to_string(),
        (_, w, _) if w > 0 => format!("{} ({w} s)", lang.t(S::SendCodeAgain)),
        (_, _, true) => lang.t(S::SendCodeAgain).to_string(),
        _ => lang.t(S::SendCode).to_string(),
    };
    html! {
        <div class="phone-code">
            <div class="send-code-row">
                <button type="button" id="send-code" class="button secondary" onclick={onclick} disabled={*busy || *wait > 0}>
                    { label }
                </button>
                <p class="hint" role="status" aria-live="polite">
                    if *need_phone { { lang.t(S::CodeNeedsPhone) } }
                    else if let Some(to) = &*sent_to { { format!("{} {to}", lang.t(S::CodeSentTo)) } }
                </p>
            </div>
            <ErrorAlert error={(*error).clone()} />
            <TextField id="code" label={lang.t(S::SmsCode)} hint={lang.t(S::SmsCodeHint)} value={p.value.clone()}
                input_type="text" inputmode="numeric" autocomplete="one-time-code" oninput={p.oninput.clone()}
                errors={errors_for(&p.errors, "code")} />
        </div>
    }
}
