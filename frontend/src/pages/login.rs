use common::dto::auth::{LoginRequest, SecondFactorNeeded, SessionResponse};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::components::field::{TextField, errors_for};
use crate::hooks::{Session, use_session};
use crate::i18n::{S, use_lang};
use crate::pages::second_factor::SecondFactorStep;

#[component]
pub fn LoginPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator().expect("inside router");
    let form = use_state(LoginRequest::default);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let need = use_state(|| None::<SecondFactorNeeded>);
    let done = {
        let (session, navigator) = (session.clone(), navigator.clone());
        Callback::from(move |r: SessionResponse| {
            let to = crate::components::header::landing(r.user.role);
            session.set(Session { loaded: true, me: Some(r.user) });
            navigator.push(&to);
        })
    };

    let errors = if *submitted { form.validate() } else { Vec::new() };
    let server_errors = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let all: Vec<_> = errors.iter().chain(server_errors.iter()).cloned().collect();

    let set = |f: fn(&mut LoginRequest, String)| {
        let form = form.clone();
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        })
    };
    let onsubmit = {
        let (form, submitted, busy, error, need, done) =
            (form.clone(), submitted.clone(), busy.clone(), error.clone(), need.clone(), done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            if !form.validate().is_empty() || *busy {
                return;
            }
            let (form, busy, error, need, done) =
                (form.clone(), busy.clone(), error.clone(), need.clone(), done.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                // Texts reach the person in the language they use the portal in.
                let body =
                    LoginRequest { lang: Some(if lang.is_en() { "en" } else { "zh" }.into()), ..(*form).clone() };
                match api::post::<_, SessionResponse>("/api/v1/auth/login", &body).await {
                    // Officers and admins: the session opens nothing until the second step.
                    Ok(r) if r.second_factor.is_some() => need.set(r.second_factor),
                    Ok(r) => done.emit(r),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };

    if let Some(n) = *need {
        return html! { <SecondFactorStep need={n} ondone={done} /> };
    }
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::LoginTitle) }</h1>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            <form class="form" onsubmit={onsubmit} novalidate=true>
                <TextField id="login" label={lang.t(S::LoginField)} value={form.login.clone()} autocomplete="username"
                    oninput={set(|f, v| f.login = v)} errors={errors_for(&all, "login")} />
                <TextField id="password" label={lang.t(S::Password)} value={form.password.clone()} input_type="password"
                    autocomplete="current-password" oninput={set(|f, v| f.password = v)} errors={errors_for(&all, "password")} />
                <button type="submit" class="button primary" disabled={*busy}>
                    { if *busy { lang.t(S::Saving) } else { lang.t(S::LoginSubmit) } }
                </button>
            </form>
            <p><Link<Route> to={Route::Reset}>{ lang.t(S::ForgotPassword) }</Link<Route>></p>
            <p><Link<Route> to={Route::Takeover}>{ lang.t(S::TakeoverLink) }</Link<Route>></p>
            <p>{ lang.t(S::NoAccount) }{ " " }<Link<Route> to={Route::Register}>{ lang.t(S::NavRegister) }</Link<Route>></p>
        </section>
    }
}
