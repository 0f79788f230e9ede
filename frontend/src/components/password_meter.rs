//! A live strength meter under a new-password field. The estimate comes from the server, which
//! runs the same rule it enforces (`common::password`; the estimator's dictionaries are too
//! large to ship to every phone), a moment after the person stops typing.

use std::cell::Cell;
use std::rc::Rc;

use common::password::{MIN_SCORE, PasswordStrength, StrengthRequest};
use yew::prelude::*;

use crate::api;
use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct PasswordMeterProps {
    pub password: AttrValue,
    /// What the form knows of the person (name, phone, ID number…): not good password material.
    #[prop_or_default]
    pub about: Vec<String>,
}

#[component]
pub fn PasswordMeter(p: &PasswordMeterProps) -> Html {
    let lang = use_lang();
    let estimate = use_state(|| None::<PasswordStrength>);
    // Answers can overtake each other; only the latest question's answer is shown.
    let asked = use_memo((), |_| Rc::new(Cell::new(0u32)));
    {
        let (estimate, asked) = (estimate.clone(), (*asked).clone());
        use_effect_with((p.password.clone(), p.about.clone()), move |(password, about)| {
            let n = asked.get().wrapping_add(1);
            asked.set(n);
            // The cheap rules (length, letters and digits) speak first, beside the field.
            let timer = (password.chars().count() >= 8).then(|| {
                let estimate = estimate.clone();
                let body = StrengthRequest { password: password.to_string(), user_inputs: about.clone() };
                gloo::timers::callback::Timeout::new(350, move || {
                    yew::platform::spawn_local(async move {
                        if let Ok(s) = api::post::<_, PasswordStrength>("/api/v1/auth/password-strength", &body).await
                            && asked.get() == n
                        {
                            estimate.set(Some(s));
                        }
                    });
                })
            });
            if timer.is_none() {
                estimate.set(None);
            }
            move || drop(timer)
        });
    }
    let Some(s) = &*estimate else {
        return html! { <div class="password-meter" aria-live="polite"></div> };
    };
    let label = match s.score {
        0 | 1 => S::StrengthVeryWeak,
        2 => S::StrengthWeak,
        3 => S::StrengthGood,
        _ => S::StrengthStrong,
    };
    html! {
        <div class={classes!("password-meter", if s.acceptable { "ok" } else { "weak" })} data-score={s.score.to_string()} aria-live="polite">
            <div class="meter-bar" aria-hidden="true">
                { for (1..=4u8).map(|i| html! { <span class={classes!("seg", (s.score >= i).then_some("on"))}></span> }) }
            </div>
            <p class="meter-label"><strong>{ lang.t(S::StrengthLabel) }{ lang.t(label) }</strong>
                if !s.acceptable { { " · " }{ lang.t(S::StrengthNeeded) }{ format!(" {MIN_SCORE}/4") } }
            </p>
            if let Some(w) = &s.warning { <p class="meter-warning">{ lang.pick(w) }</p> }
            if !s.suggestions.is_empty() {
                <ul class="meter-tips">{ for s.suggestions.iter().map(|t| html! { <li>{ lang.pick(t) }</li> }) }</ul>
            }
        </div>
    }
}
