//! Messages at the top of a page: a failed request, a list of what to fix (linked to the fields,
//! as the GOV.UK error summary does), and success.

use common::FieldError;
use yew::prelude::*;

use crate::api::ApiError;
use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct ErrorAlertProps {
    pub error: Option<ApiError>,
}

/// The server's answer to a failed request, in the user's language, announced to screen readers.
/// The request id is kept out of the sentence, in a details line for support.
#[component]
pub fn ErrorAlert(props: &ErrorAlertProps) -> Html {
    let lang = use_lang();
    let Some(err) = &props.error else { return html! {} };
    let id = err.problem().and_then(|p| p.request_id.clone());
    html! {
        <div class="alert error" role="alert">
            <p>{ err.message(lang.is_en()) }</p>
            if let Some(id) = id {
                <details class="support-ref small">
                    <summary>{ lang.t(S::SupportDetails) }</summary>
                    <p>{ lang.t(S::SupportReference) }<code>{ id }</code></p>
                </details>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorSummaryProps {
    /// Each error with the id of the element to jump to (empty when it has no field on the page).
    pub errors: Vec<(String, FieldError)>,
}

/// "There is a problem": every error of the form, each a link to its field. Takes focus when it
/// appears so a screen reader reads it and the keyboard is at the first link. Show it after a
/// submit attempt, not while someone is still typing.
#[component]
pub fn ErrorSummary(p: &ErrorSummaryProps) -> Html {
    let lang = use_lang();
    let node = use_node_ref();
    // Focus when it appears, not again while the person fixes the fields one by one.
    {
        let node = node.clone();
        let shown = !p.errors.is_empty();
        use_effect_with(shown, move |shown| {
            if *shown && let Some(el) = node.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    if p.errors.is_empty() {
        return html! {};
    }
    html! {
        <div class="error-summary" role="alert" tabindex="-1" ref={node} id="error-summary">
            <h2>{ lang.t(S::ThereIsAProblem) }</h2>
            <ul>
                { for p.errors.iter().map(|(target, e)| {
                    let msg = lang.pick(&e.message);
                    if target.is_empty() {
                        html! { <li data-field={e.field.clone()}>{ msg }</li> }
                    } else {
                        let t = target.clone();
                        // Moves focus to the field itself, not just the scroll position.
                        let onclick = Callback::from(move |ev: MouseEvent| {
                            if let Some(el) = gloo::utils::document().get_element_by_id(&t)
                                && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
                            {
                                ev.prevent_default();
                                el.scroll_into_view();
                                let _ = el.focus();
                            }
                        });
                        html! { <li data-field={e.field.clone()}><a href={format!("#{target}")} onclick={onclick}>{ msg }</a></li> }
                    }
                }) }
            </ul>
        </div>
    }
}

/// Pairs each error with the element to jump to: the page's own id for the field (`map`, by
/// field name or its first path part), else an element whose id is the field name, else none.
pub fn with_targets(errors: &[FieldError], map: &[(&str, &str)]) -> Vec<(String, FieldError)> {
    let doc = gloo::utils::document();
    errors
        .iter()
        .map(|e| {
            let head = e.field.split(['[', '.']).next().unwrap_or_default();
            let target = map
                .iter()
                .find(|(f, _)| *f == e.field || *f == head)
                .map(|(_, id)| id.to_string())
                .or_else(|| doc.get_element_by_id(&e.field).map(|_| e.field.clone()))
                .unwrap_or_default();
            (target, e.clone())
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub children: Html,
}

#[component]
pub fn Success(props: &NoticeProps) -> Html {
    html! { <div class="alert success" role="status">{ props.children.clone() }</div> }
}
