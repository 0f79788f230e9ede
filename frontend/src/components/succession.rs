//! Succession (顶替) at the counter: an officer records that the holder has died or can no longer
//! work and which family member takes over, photographing the documents; another officer decides
//! it from the work list.

use common::dto::lifecycle::{PermitView, SUCCESSION_CAUSES, SuccessionRequest};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::components::field::{TextField, errors_for};
use crate::components::photo::PhotoUpload;
use crate::i18n::{S, use_lang};
use crate::pages::permits::relation_name;

#[derive(Properties, PartialEq)]
pub struct SuccessionProps {
    pub permit: PermitView,
    pub on_change: Callback<PermitView>,
}

#[component]
pub fn SuccessionForm(p: &SuccessionProps) -> Html {
    let lang = use_lang();
    let pv = &p.permit;
    let form = use_state(|| SuccessionRequest {
        relation: pv.succession_relations.first().cloned().unwrap_or_default(),
        cause: SUCCESSION_CAUSES[0].0.to_string(),
        ..SuccessionRequest::default()
    });
    let shown = use_state(Vec::<common::FieldError>::new);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| false);
    let update = |f: fn(&mut SuccessionRequest, String)| {
        let form = form.clone();
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        })
    };
    let submit = {
        let (form, shown, error, done, on_change, id, relations) = (
            form.clone(),
            shown.clone(),
            error.clone(),
            done.clone(),
            p.on_change.clone(),
            pv.id,
            pv.succession_relations.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let problems = form.validate(&relations);
            shown.set(problems.clone());
            if !problems.is_empty() {
                return;
            }
            let (body, shown, error, done, on_change) =
                ((*form).clone(), shown.clone(), error.clone(), done.clone(), on_change.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, PermitView>(&format!("/api/v1/permits/{id}/succession"), &body).await {
                    Ok(v) => {
                        error.set(None);
                        done.set(true);
                        on_change.emit(v);
                    }
                    Err(e) => {
                        shown.set(e.field_errors());
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let errs = |f: &str| errors_for(&shown, f);
    let list = |f: &str| {
        let e = errs(f);
        html! { if !e.is_empty() { <ul class="field-errors">{ for e.iter().map(|x| html! { <li>{ lang.pick(&x.message) }</li> }) }</ul> } }
    };
    html! {
        <details class="card succession" id="succession">
            <summary>{ lang.t(S::SuccessionTitle) }</summary>
            <p class="muted small">{ lang.t(S::SuccessionIntro) }</p>
            if *done {
                <p class="alert success" role="status" id="succession-done">{ lang.t(S::SuccessionRecorded) }</p>
            } else {
                <form class="form" id="succession-form" onsubmit={submit} novalidate=true>
                    <div class="field">
                        <label for="succession-cause">{ lang.t(S::SuccessionCause) }</label>
                        <select id="succession-cause" onchange={{ let u = update(|f, v| f.cause = v); Callback::from(move |e: Event| u.emit(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                            { for SUCCESSION_CAUSES.iter().map(|(c, zh, en)| html! { <option value={*c} selected={form.cause == *c}>{ lang.either(zh, en) }</option> }) }
                        </select>
                        { list("cause") }
                    </div>
                    <TextField id="succession-phone" label={lang.t(S::SuccessionPhone)} input_type="tel" inputmode="numeric" value={form.to_phone.clone()}
                        oninput={update(|f, v| f.to_phone = v)} errors={errs("to_phone")} />
                    <div class="field">
                        <label for="succession-relation">{ lang.t(S::HelperRelation) }</label>
                        <select id="succession-relation" onchange={{ let u = update(|f, v| f.relation = v); Callback::from(move |e: Event| u.emit(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                            { for pv.succession_relations.iter().map(|r| html! { <option value={r.clone()} selected={form.relation == *r}>{ relation_name(lang, r) }</option> }) }
                        </select>
                        { list("relation") }
                    </div>
                    <PhotoUpload id="succession-documents" label={lang.t(S::SuccessionDocuments)} count={form.document_ids.len()}
                        on_uploaded={{ let form = form.clone(); Callback::from(move |id: i64| { let mut n = (*form).clone(); n.document_ids.push(id); form.set(n); }) }} />
                    { list("document_ids") }
                    <div class="field">
                        <label for="succession-note">{ lang.t(S::SuccessionNote) }</label>
                        <textarea id="succession-note" rows="3" value={form.note.clone()}
                            oninput={{ let u = update(|f, v| f.note = v); Callback::from(move |e: InputEvent| u.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                        { list("note") }
                    </div>
                    <ErrorAlert error={(*error).clone().filter(|e| e.field_errors().is_empty())} />
                    <button type="submit" class="button primary" id="submit-succession">{ lang.t(S::SuccessionSubmit) }</button>
                </form>
            }
        </details>
    }
}
