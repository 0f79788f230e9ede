//! The permit page's registered helpers (登记帮工): who may work the stall when the holder is
//! away, each with their photo and the district's decision; the holder registers and removes
//! them. Also the permit's subletting reviews, so the holder sees what the district is checking.

use common::dto::lifecycle::{HelperInput, HelperView, PermitView};
use gloo::net::http::Method;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::components::field::{TextField, errors_for};
use crate::components::photo::PhotoUpload;
use crate::i18n::{Lang, S, use_lang};
use crate::pages::permits::relation_name;

#[derive(Properties, PartialEq)]
pub struct HelpersProps {
    pub permit: PermitView,
    /// The reader holds the permit (may register and remove).
    pub holder: bool,
    pub on_change: Callback<PermitView>,
}

fn status_label(lang: Lang, s: &str) -> &'static str {
    lang.t(match s {
        "approved" => S::HelperApproved,
        "refused" => S::HelperRefused,
        "removed" => S::HelperRemoved,
        _ => S::HelperPending,
    })
}

#[component]
pub fn HelpersSection(p: &HelpersProps) -> Html {
    let lang = use_lang();
    let pv = &p.permit;
    let form = use_state(|| HelperInput {
        relation: pv.helper_relations.first().cloned().unwrap_or_default(),
        ..HelperInput::default()
    });
    let shown_errors = use_state(Vec::<common::FieldError>::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let today = common::time::xiamen_today();
    let set = |f: fn(&mut HelperInput, String)| {
        let form = form.clone();
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        })
    };
    let submit = {
        let (form, shown_errors, error, busy, done, id, relations) = (
            form.clone(),
            shown_errors.clone(),
            error.clone(),
            busy.clone(),
            p.on_change.clone(),
            pv.id,
            pv.helper_relations.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // The same check the server makes, before anything is sent.
            let problems = form.validate(&relations, today);
            shown_errors.set(problems.clone());
            if !problems.is_empty() {
                return;
            }
            let (body, form, error, busy, done, shown_errors) =
                ((*form).clone(), form.clone(), error.clone(), busy.clone(), done.clone(), shown_errors.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::post::<_, PermitView>(&format!("/api/v1/permits/{id}/helpers"), &body).await {
                    Ok(v) => {
                        error.set(None);
                        form.set(HelperInput { relation: body.relation.clone(), ..HelperInput::default() });
                        done.emit(v);
                    }
                    Err(e) => {
                        shown_errors.set(e.field_errors());
                        error.set(Some(e));
                    }
                }
                busy.set(false);
            });
        })
    };
    let remove = |h: &HelperView| {
        let (error, done, id) = (error.clone(), p.on_change.clone(), h.id);
        Callback::from(move |_| {
            let (error, done) = (error.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match api::request::<(), PermitView>(Method::DELETE, &format!("/api/v1/helpers/{id}"), None).await {
                    Ok(v) => done.emit(v),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let listed: Vec<&HelperView> = pv.helpers.iter().filter(|h| h.status != "removed").collect();
    let errs = |f: &str| errors_for(&shown_errors, f);
    html! {
        <section class="card helpers" id="helpers" aria-labelledby="helpers-title">
            <h2 id="helpers-title">{ lang.t(S::Helpers) }</h2>
            <p class="muted small">{ lang.t(S::HelpersIntro) }</p>
            if listed.is_empty() {
                <p class="muted" id="no-helpers">{ lang.t(S::NoHelpers) }</p>
            }
            <ul class="plain helper-list">
                { for listed.iter().map(|h| html! {
                    <li class="helper" data-helper={h.id.to_string()} data-status={h.status.clone()}>
                        <img class="helper-photo" src={format!("/api/v1/evidence/{}", h.photo_id)} alt={format!("{}{}", lang.t(S::HelperPhotoOf), h.name)} width="64" height="64" loading="lazy" />
                        <div>
                            <strong>{ &h.name }</strong>{ format!("（{}）", relation_name(lang, &h.relation)) }
                            <span class={classes!("badge", h.status.clone())}>{ status_label(lang, &h.status) }</span>
                            if !h.decision_note.is_empty() { <p class="small muted">{ &h.decision_note }</p> }
                        </div>
                        if p.holder && matches!(h.status.as_str(), "pending" | "approved") {
                            <button type="button" class="button small secondary" onclick={remove(h)}
                                aria-label={format!("{} {}", lang.t(S::RemoveHelper), h.name)}>{ lang.t(S::RemoveHelper) }</button>
                        }
                    </li>
                }) }
            </ul>
            if p.holder && pv.can_add_helper {
                <form class="form" id="helper-form" onsubmit={submit} novalidate=true>
                    <TextField id="helper-name" label={lang.t(S::HelperName)} value={form.name.clone()}
                        oninput={set(|f, v| f.name = v)} errors={errs("name")} autocomplete="off" />
                    <TextField id="helper-id-number" label={lang.t(S::HelperIdNumber)} value={form.id_number.clone()}
                        oninput={set(|f, v| f.id_number = v)} errors={errs("id_number")} autocomplete="off" />
                    <div class="field">
                        <label for="helper-relation">{ lang.t(S::HelperRelation) }</label>
                        <select id="helper-relation" onchange={{
                            let set = set(|f, v| f.relation = v);
                            Callback::from(move |e: Event| set.emit(e.target_unchecked_into::<HtmlSelectElement>().value()))
                        }}>
                            { for pv.helper_relations.iter().map(|r| html! {
                                <option value={r.clone()} selected={form.relation == *r}>{ relation_name(lang, r) }</option>
                            }) }
                        </select>
                    </div>
                    <PhotoUpload id="helper-photo" label={lang.t(S::HelperPhoto)} capture="user" count={usize::from(form.photo_id > 0)}
                        on_uploaded={{
                            let form = form.clone();
                            Callback::from(move |id: i64| {
                                let mut next = (*form).clone();
                                next.photo_id = id;
                                form.set(next);
                            })
                        }} />
                    if !errs("photo_id").is_empty() {
                        <ul class="field-errors" id="helper-photo-error">{ for errs("photo_id").iter().map(|f| html! { <li>{ lang.pick(&f.message) }</li> }) }</ul>
                    }
                    if !errs("relation").is_empty() {
                        <ul class="field-errors">{ for errs("relation").iter().map(|f| html! { <li>{ lang.pick(&f.message) }</li> }) }</ul>
                    }
                    <ErrorAlert error={(*error).clone().filter(|e| e.field_errors().is_empty())} />
                    <button type="submit" class="button primary" id="add-helper" disabled={*busy}>{ lang.t(S::AddHelper) }</button>
                </form>
            } else {
                <ErrorAlert error={(*error).clone()} />
            }
            if !pv.reviews.is_empty() {
                <h3>{ lang.t(S::SublettingReview) }</h3>
                <ul class="plain reviews" id="reviews">
                    { for pv.reviews.iter().map(|r| html! {
                        <li class={classes!("review", r.status.clone())} data-review={r.id.to_string()}>
                            <span class="badge">{ lang.t(if r.status == "open" { S::ReviewOpen } else { S::ReviewClosed }) }</span>
                            { " " }{ lang.pick(&r.reason) }
                            if !r.outcome_note.is_empty() { <p class="small">{ &r.outcome_note }</p> }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
