//! One decision form for every kind of case: choose, give the reason where the rules ask for
//! one, set conditions, then confirm on a second step before anything is sent. Errors (checked
//! by the same code the server runs, passed in as `validate`) show at the field and in a summary
//! at the top that links to it.

use common::FieldError;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::alert::{ErrorAlert, ErrorSummary};
use crate::i18n::{S, use_lang};

#[derive(Clone, PartialEq)]
pub struct Choice {
    /// Sent back in [`Decided::choice`].
    pub key: &'static str,
    pub label: AttrValue,
    /// What the reason box is called for this choice; `None` hides the box.
    pub reason_label: Option<AttrValue>,
    pub reason_hint: Option<AttrValue>,
    /// Shown in the confirmation ("The shop will be told …").
    pub consequence: AttrValue,
}

impl Choice {
    pub fn new(key: &'static str, label: &'static str, consequence: &'static str) -> Choice {
        Choice { key, label: label.into(), reason_label: None, reason_hint: None, consequence: consequence.into() }
    }

    /// Asks for a reason (or note) with this label.
    pub fn with_reason(self, label: &'static str, hint: Option<&'static str>) -> Choice {
        Choice { reason_label: Some(label.into()), reason_hint: hint.map(AttrValue::from), ..self }
    }
}

/// What the officer chose, after confirming.
#[derive(Clone, PartialEq, Debug)]
pub struct Decided {
    pub choice: &'static str,
    pub reason: String,
}

#[derive(Properties, PartialEq)]
pub struct DecisionFormProps {
    pub choices: Vec<Choice>,
    /// Checks a choice and reason as the server will; field names as the server's.
    pub validate: Callback<Decided, Vec<FieldError>>,
    pub on_decide: Callback<Decided>,
    /// The server's answer to the last attempt (field errors are shown at the fields).
    #[prop_or_default]
    pub error: Option<ApiError>,
    #[prop_or_default]
    pub busy: bool,
    /// Extra fields for one choice (e.g. the conditions an approval sets), keyed by choice.
    #[prop_or_default]
    pub extra: Option<(&'static str, Html)>,
    /// Lines summarising the extra fields, for the confirmation step.
    #[prop_or_default]
    pub extra_summary: Vec<String>,
    /// Where errors whose field is not `reason` belong, as (field prefix, element id); the id
    /// `reason` puts them at the reason box.
    #[prop_or_default]
    pub field_targets: Vec<(&'static str, &'static str)>,
    /// Prefix of every element id, so several forms can share a page.
    #[prop_or(AttrValue::Static("decision"))]
    pub prefix: AttrValue,
}

/// Use as a field target to put errors at the reason box.
pub const REASON_ID: &str = "reason";

/// Sends a confirmed decision: `busy` while it goes, the server's refusal into `error` (its field
/// errors then show at the fields), `done` once it is accepted.
pub fn send<B: serde::Serialize + 'static>(
    url: String,
    body: B,
    error: UseStateHandle<Option<ApiError>>,
    busy: UseStateHandle<bool>,
    done: Callback<()>,
) {
    busy.set(true);
    yew::platform::spawn_local(async move {
        match crate::api::post::<_, serde_json::Value>(&url, &body).await {
            Ok(_) => {
                error.set(None);
                done.emit(());
            }
            Err(e) => error.set(Some(e)),
        }
        busy.set(false);
    });
}

#[component]
pub fn DecisionForm(p: &DecisionFormProps) -> Html {
    let lang = use_lang();
    let choice = use_state(|| None::<&'static str>);
    let reason = use_state(String::new);
    let confirming = use_state(|| false);
    let local = use_state(Vec::<FieldError>::new);

    // A new answer from the server takes the officer back to the form to fix it.
    {
        let confirming = confirming.clone();
        use_effect_with(p.error.clone(), move |e| {
            if e.is_some() {
                confirming.set(false);
            }
        });
    }
    let current = choice.and_then(|k| p.choices.iter().find(|c| c.key == k).cloned());
    let pre = p.prefix.to_string();
    let reason_id = format!("{pre}-reason");
    let server = p.error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let errors: Vec<FieldError> = if local.is_empty() { server } else { (*local).clone() };
    let target = |field: &str| -> String {
        if field == "choice" {
            return format!("{pre}-{}", p.choices.first().map(|c| c.key).unwrap_or("choice"));
        }
        if field == "reason" {
            return reason_id.clone();
        }
        match p.field_targets.iter().find(|(prefix, _)| field.starts_with(prefix)) {
            Some((_, id)) if *id == REASON_ID => reason_id.clone(),
            Some((_, id)) => id.to_string(),
            None => String::new(),
        }
    };
    let reason_errors: Vec<&FieldError> = errors.iter().filter(|e| target(&e.field) == reason_id).collect();
    let choice_errors: Vec<&FieldError> = errors.iter().filter(|e| e.field == "choice").collect();
    let summary: Vec<(String, FieldError)> = errors.iter().map(|e| (target(&e.field), e.clone())).collect();

    let pick = |key: &'static str| {
        let (choice, local, confirming) = (choice.clone(), local.clone(), confirming.clone());
        Callback::from(move |_| {
            choice.set(Some(key));
            local.set(Vec::new());
            confirming.set(false);
        })
    };
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |e: InputEvent| reason.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_continue = {
        let (choice, reason, local, confirming, validate) =
            (choice.clone(), reason.clone(), local.clone(), confirming.clone(), p.validate.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(key) = *choice else {
                local.set(vec![FieldError::new("choice", "required", "请选择处理结果", "Choose a decision")]);
                return;
            };
            let problems = validate.emit(Decided { choice: key, reason: (*reason).clone() });
            if problems.is_empty() {
                local.set(Vec::new());
                confirming.set(true);
            } else {
                local.set(problems);
            }
        })
    };
    let on_confirm = {
        let (choice, reason, on_decide) = (choice.clone(), reason.clone(), p.on_decide.clone());
        Callback::from(move |_| {
            if let Some(key) = *choice {
                on_decide.emit(Decided { choice: key, reason: (*reason).clone() });
            }
        })
    };
    let on_back = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(false))
    };

    if *confirming && let Some(c) = &current {
        return html! {
            <section class="card decision confirm" id={format!("{pre}-confirm")} aria-labelledby={format!("{pre}-confirm-title")}>
                <h2 id={format!("{pre}-confirm-title")}>{ lang.t(S::ConfirmDecision) }</h2>
                <dl class="details">
                    <div class="kv"><dt>{ lang.t(S::Decision) }</dt><dd id={format!("{pre}-confirm-choice")}><strong>{ c.label.clone() }</strong></dd></div>
                    if c.reason_label.is_some() {
                        <div class="kv"><dt>{ c.reason_label.clone().unwrap_or_default() }</dt><dd id={format!("{pre}-confirm-reason")} class="pre">{ (*reason).clone() }</dd></div>
                    }
                    { for p.extra_summary.iter().filter(|_| p.extra.as_ref().is_some_and(|(k, _)| *k == c.key)).map(|l| html! {
                        <div class="kv"><dt>{ lang.t(S::Conditions) }</dt><dd>{ l }</dd></div>
                    }) }
                </dl>
                <p class="muted">{ c.consequence.clone() }</p>
                <ErrorAlert error={p.error.clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
                <div class="actions">
                    <button type="button" class="button primary" id={format!("confirm-{pre}")} onclick={on_confirm} disabled={p.busy}>
                        { if p.busy { lang.t(S::Saving) } else { lang.t(S::ConfirmAndSend) } }
                    </button>
                    <button type="button" class="button secondary" id={format!("back-to-{pre}")} onclick={on_back} disabled={p.busy}>{ lang.t(S::BackToEdit) }</button>
                </div>
            </section>
        };
    }

    html! {
        <form class="card decision" id={pre.clone()} onsubmit={on_continue} novalidate=true aria-labelledby={format!("{pre}-title")}>
            <h2 id={format!("{pre}-title")}>{ lang.t(S::Decision) }</h2>
            <ErrorSummary errors={summary} />
            <ErrorAlert error={p.error.clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            <fieldset class={classes!("field", (!choice_errors.is_empty()).then_some("invalid"))}>
                <legend>{ lang.t(S::ChooseDecision) }</legend>
                if !choice_errors.is_empty() {
                    <ul class="field-errors">{ for choice_errors.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul>
                }
                <div class="choices-row">
                    { for p.choices.iter().map(|c| html! {
                        <label class="radio">
                            <input type="radio" name={pre.clone()} id={format!("{pre}-{}", c.key)} value={c.key}
                                checked={*choice == Some(c.key)} onchange={pick(c.key)} />
                            { c.label.clone() }
                        </label>
                    }) }
                </div>
            </fieldset>
            if let Some(c) = &current {
                if let Some(label) = &c.reason_label {
                    <div class={classes!("field", (!reason_errors.is_empty()).then_some("invalid"))}>
                        <label for={reason_id.clone()}>{ label.clone() }</label>
                        if let Some(h) = &c.reason_hint { <p class="hint" id={format!("{reason_id}-hint")}>{ h.clone() }</p> }
                        if !reason_errors.is_empty() {
                            <ul class="field-errors" id={format!("{reason_id}-error")}>{ for reason_errors.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul>
                        }
                        <textarea id={reason_id.clone()} rows="4" value={(*reason).clone()} oninput={on_reason}
                            aria-invalid={(!reason_errors.is_empty()).to_string()}
                            aria-describedby={(!reason_errors.is_empty()).then(|| format!("{reason_id}-error"))} />
                    </div>
                }
                if let Some((key, html)) = &p.extra && *key == c.key {
                    { html.clone() }
                }
            }
            <button type="submit" class="button primary" id={format!("{pre}-continue")}>{ lang.t(S::Continue) }</button>
        </form>
    }
}
