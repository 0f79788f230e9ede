use common::FieldError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::use_lang;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    /// Errors for this field (already filtered by field name).
    #[prop_or_default]
    pub errors: Vec<FieldError>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or(AttrValue::from("text"))]
    pub input_type: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or(true)]
    pub required: bool,
    #[prop_or_default]
    pub onblur: Option<Callback<()>>,
}

/// A labelled input whose hint and errors are tied to it for screen readers.
#[component]
pub fn TextField(p: &TextFieldProps) -> Html {
    let lang = use_lang();
    let hint_id = format!("{}-hint", p.id);
    let err_id = format!("{}-error", p.id);
    let invalid = !p.errors.is_empty();
    let mut described = Vec::new();
    if p.hint.is_some() {
        described.push(hint_id.clone());
    }
    if invalid {
        described.push(err_id.clone());
    }
    let oninput = {
        let cb = p.oninput.clone();
        Callback::from(move |e: InputEvent| cb.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onblur = p.onblur.clone().map(|cb| Callback::from(move |_: FocusEvent| cb.emit(())));
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={p.id.clone()}>{ &p.label }</label>
            if let Some(h) = &p.hint {
                <p class="hint" id={hint_id}>{ h }</p>
            }
            <input id={p.id.clone()} name={p.id.clone()} type={p.input_type.clone()} value={p.value.clone()}
                oninput={oninput} onblur={onblur} required={p.required}
                autocomplete={p.autocomplete.clone()} inputmode={p.inputmode.clone()}
                aria-invalid={invalid.to_string()}
                aria-describedby={(!described.is_empty()).then(|| described.join(" "))} />
            if invalid {
                <ul class="field-errors" id={err_id}>
                    { for p.errors.iter().map(|e| html! { <li data-code={e.code.clone()}>{ lang.pick(&e.message) }</li> }) }
                </ul>
            }
        </div>
    }
}

/// Errors for one field out of a list.
pub fn errors_for(all: &[FieldError], field: &str) -> Vec<FieldError> {
    all.iter().filter(|e| e.field == field).cloned().collect()
}

#[derive(Properties, PartialEq)]
pub struct CheckFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub onchange: Callback<bool>,
    /// Errors for this box (already filtered by field name).
    #[prop_or_default]
    pub errors: Vec<FieldError>,
}

/// A labelled checkbox that must be ticked, with its errors under it.
#[component]
pub fn CheckField(p: &CheckFieldProps) -> Html {
    let lang = use_lang();
    let invalid = !p.errors.is_empty();
    let err_id = format!("{}-error", p.id);
    let onchange = {
        let cb = p.onchange.clone();
        Callback::from(move |e: Event| cb.emit(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label class="check">
                <input type="checkbox" id={p.id.clone()} checked={p.checked} onchange={onchange}
                    aria-invalid={invalid.to_string()} aria-describedby={invalid.then(|| err_id.clone())} />
                { &p.label }
            </label>
            if invalid {
                <ul class="field-errors" id={err_id}>
                    { for p.errors.iter().map(|e| html! { <li data-code={e.code.clone()}>{ lang.pick(&e.message) }</li> }) }
                </ul>
            }
        </div>
    }
}
