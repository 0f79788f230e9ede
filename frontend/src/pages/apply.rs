//! The vendor's stall application: the form (draft, save, uploads, submit, all checked as they
//! type by the same rules the server runs), and once submitted its status, history and offer.

use std::collections::HashSet;

use common::application::{ApplicationStatus, DocKind, PriorityGroup, StallApplicationInput, check_upload, item_label};
use common::dto::applications::{ApplicationView, DocumentView, SaveApplication};
use common::dto::zones::ZoneSummary;
use common::{FieldError, TradeCategory};
use gloo::net::http::Method;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, ErrorSummary, Success};
use crate::components::case::{CaseHistory, StatusBadge};
use crate::components::notices::CaseNotices;
use crate::hooks::use_session;
use crate::i18n::{Lang, S, use_lang};

/// The draw number to look up at once on the round page (`/rounds/3?n=R3-00012`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct LineQuery {
    n: String,
}

#[component]
pub fn ApplyPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let location = use_location();
    let preselect: Option<i64> = location.as_ref().and_then(|l| {
        l.query_str()
            .trim_start_matches('?')
            .split('&')
            .find_map(|p| p.strip_prefix("zone="))
            .and_then(|z| z.parse().ok())
    });
    let apps = use_state(|| None::<Result<Vec<ApplicationView>, ApiError>>);
    let zones = use_state(Vec::<ZoneSummary>::new);
    let reload = use_state(|| 0u32);
    {
        let (apps, zones) = (apps.clone(), zones.clone());
        let signed_in = session.me.is_some();
        use_effect_with((*reload, signed_in), move |(_, signed_in)| {
            if *signed_in {
                yew::platform::spawn_local(async move {
                    apps.set(Some(api::get::<Vec<ApplicationView>>("/api/v1/me/applications").await));
                    if let Ok(l) = api::all_zones("").await {
                        zones.set(l);
                    }
                });
            }
        });
    }
    if !session.loaded {
        return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    match &session.me {
        None => {
            return html! {
                <section class="page narrow">
                    <h1>{ lang.t(S::ApplyTitle) }</h1>
                    <p>{ lang.t(S::ApplySignIn) }</p>
                    <div class="actions">
                        <Link<Route> to={Route::Login} classes="button primary">{ lang.t(S::NavLogin) }</Link<Route>>
                        <Link<Route> to={Route::Register} classes="button secondary">{ lang.t(S::NavRegister) }</Link<Route>>
                    </div>
                </section>
            };
        }
        Some(m) if m.role != common::Role::Vendor => {
            return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::VendorsOnly) }</p></section> };
        }
        _ => {}
    }
    let on_changed = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let body = match &*apps {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(list)) => {
            // The open application, or else the one whose stall the vendor now holds.
            let open = list
                .iter()
                .find(|a| ApplicationStatus::OPEN.contains(&a.status))
                .or_else(|| list.iter().find(|a| a.status == ApplicationStatus::Accepted))
                .cloned();
            let current = open.as_ref().map(|a| a.id);
            let past: Vec<ApplicationView> = list.iter().filter(|a| Some(a.id) != current).cloned().collect();
            html! {
                <>
                    { match open {
                        Some(a) if a.status.is_editable() => html! {
                            <>
                                <ApplicationForm existing={Some(a.clone())} zones={(*zones).clone()} preselect={None::<i64>} on_changed={on_changed.clone()} />
                                // A returned application: what was sent about it stays in view while correcting.
                                if !a.notices.is_empty() { <CaseNotices notices={a.notices.clone()} /> }
                            </>
                        },
                        Some(a) => html! { <ApplicationStatusView application={a} on_changed={on_changed.clone()} /> },
                        None => html! { <ApplicationForm existing={None::<ApplicationView>} zones={(*zones).clone()} preselect={preselect} on_changed={on_changed.clone()} /> },
                    } }
                    if !past.is_empty() {
                        <section class="card">
                            <h2>{ lang.t(S::PastApplications) }</h2>
                            <ul class="plain">
                                { for past.iter().map(|a| html! {
                                    <li>{ format!("#{} · ", a.id) }<StatusBadge status={a.status} />{ " · " }{ a.created_at.date().to_string() }</li>
                                }) }
                            </ul>
                        </section>
                    }
                </>
            }
        }
    };
    html! {
        <section class="page">
            <h1>{ lang.t(S::ApplyTitle) }</h1>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    existing: Option<ApplicationView>,
    zones: Vec<ZoneSummary>,
    preselect: Option<i64>,
    on_changed: Callback<()>,
}

/// A zone as the picker shows it: with the applicant's trade chosen, only that trade's free stalls
/// count (a free stall of another trade cannot be theirs).
fn zone_label(lang: Lang, z: &ZoneSummary, trade: Option<TradeCategory>) -> String {
    let district = lang.either(z.district.name_zh(), z.district.name_en());
    match trade {
        Some(c) => format!(
            "{} · {} · {}{}{} {}",
            z.name,
            district,
            lang.either(c.name_zh(), c.name_en()),
            if lang.is_en() { " " } else { "" },
            lang.t(S::FreeOfTrade),
            z.free_for(Some(c))
        ),
        None => format!("{} · {} · {} {}/{}", z.name, district, lang.t(S::FigFree), z.stalls_free, z.stalls_total),
    }
}

#[component]
fn ApplicationForm(p: &FormProps) -> Html {
    let lang = use_lang();
    let input = use_state(|| {
        p.existing.as_ref().map(|a| a.input.clone()).unwrap_or_else(|| StallApplicationInput {
            preferences: p.preselect.into_iter().collect(),
            ..Default::default()
        })
    });
    let id = use_state(|| p.existing.as_ref().map(|a| a.id));
    let version = use_state(|| p.existing.as_ref().map(|a| a.version));
    let documents = use_state(|| p.existing.as_ref().map(|a| a.documents.clone()).unwrap_or_default());
    let error = use_state(|| None::<ApiError>);
    let upload_errors = use_state(Vec::<FieldError>::new);
    let tried_submit = use_state(|| false);
    let saved = use_state(|| false);
    let busy = use_state(|| false);
    let readers = use_mut_ref(Vec::<gloo::file::callbacks::FileReader>::new);

    // Senior mode (长辈模式): one question per screen, in plain words, with big next/back buttons.
    let senior = *crate::hooks::use_senior().0;
    let step = use_state(|| 0usize);
    let step_tried = use_state(|| false);

    let uploaded: Vec<DocKind> = documents.iter().map(|d| d.kind).collect();
    let mut live = input.validate_draft();
    if *tried_submit {
        live = input.validate_submit(&uploaded);
    } else if senior && *step_tried {
        live = input.validate_submit(&uploaded).into_iter().filter(|e| on_step(&e.field, *step)).collect();
    }
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let mut all: Vec<FieldError> = live.into_iter().chain(server).chain(upload_errors.iter().cloned()).collect();
    if senior && *step < LAST_STEP {
        // Only this screen's question is in view, so only its problems are listed.
        all.retain(|e| on_step(&e.field, *step));
    }
    let show = |k: usize| !senior || *step == k;
    let jump = |k: usize| {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| step.set(k))
    };
    let go = |delta: isize| {
        let (step, step_tried, input, documents) = (step.clone(), step_tried.clone(), input.clone(), documents.clone());
        Callback::from(move |_: MouseEvent| {
            let here = *step;
            if delta > 0 {
                let uploaded: Vec<DocKind> = documents.iter().map(|d| d.kind).collect();
                if input.validate_submit(&uploaded).iter().any(|e| on_step(&e.field, here)) {
                    step_tried.set(true);
                    return;
                }
            }
            step_tried.set(false);
            step.set(here.saturating_add_signed(delta).min(LAST_STEP));
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        })
    };
    let errs = |prefix: &str| -> Html {
        let list: Vec<&FieldError> =
            all.iter().filter(|e| e.field == prefix || e.field.starts_with(&format!("{prefix}["))).collect();
        if list.is_empty() {
            return html! {};
        }
        html! { <ul class="field-errors">{ for list.iter().map(|e| html! { <li data-code={e.code.clone()}>{ lang.pick(&e.message) }</li> }) }</ul> }
    };

    // Saves the draft; creates it on first save. Returns the id.
    let save = {
        let (input, id, version, error, saved, documents) =
            (input.clone(), id.clone(), version.clone(), error.clone(), saved.clone(), documents.clone());
        move || {
            let (input, id, version, error, saved, documents) =
                (input.clone(), id.clone(), version.clone(), error.clone(), saved.clone(), documents.clone());
            async move {
                let body = SaveApplication { version: *version, input: (*input).clone() };
                let r = match *id {
                    None => api::post::<_, ApplicationView>("/api/v1/applications", &body).await,
                    Some(i) => {
                        api::request::<_, ApplicationView>(
                            Method::PUT,
                            &format!("/api/v1/applications/{i}"),
                            Some(&body),
                        )
                        .await
                    }
                };
                match r {
                    Ok(a) => {
                        id.set(Some(a.id));
                        version.set(Some(a.version));
                        documents.set(a.documents.clone());
                        error.set(None);
                        saved.set(true);
                        Some(a.id)
                    }
                    Err(e) => {
                        error.set(Some(e));
                        None
                    }
                }
            }
        }
    };
    let on_save = {
        let (save, busy) = (save.clone(), busy.clone());
        Callback::from(move |_| {
            let (save, busy) = (save.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                save().await;
                busy.set(false);
            });
        })
    };
    let on_submit = {
        let (save, busy, tried, input, documents, error, on_changed) = (
            save.clone(),
            busy.clone(),
            tried_submit.clone(),
            input.clone(),
            documents.clone(),
            error.clone(),
            p.on_changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            let kinds: Vec<DocKind> = documents.iter().map(|d| d.kind).collect();
            if !input.validate_submit(&kinds).is_empty() {
                return;
            }
            let (save, busy, error, on_changed) = (save.clone(), busy.clone(), error.clone(), on_changed.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                if let Some(id) = save().await {
                    match api::post::<_, ApplicationView>(
                        &format!("/api/v1/applications/{id}/submit"),
                        &serde_json::json!({}),
                    )
                    .await
                    {
                        Ok(_) => on_changed.emit(()),
                        Err(e) => error.set(Some(e)),
                    }
                }
                busy.set(false);
            });
        })
    };
    let on_file = |kind: DocKind| {
        let (save, id, documents, upload_errors, readers, busy) =
            (save.clone(), id.clone(), documents.clone(), upload_errors.clone(), readers.clone(), busy.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let file = gloo::file::File::from(file);
            let name = file.name();
            let field = format!("documents.{}", kind.as_str());
            let (save, id, documents, upload_errors, busy) =
                (save.clone(), id.clone(), documents.clone(), upload_errors.clone(), busy.clone());
            let reader = gloo::file::callbacks::read_as_bytes(&file, move |bytes| {
                let Ok(bytes) = bytes else { return };
                busy.set(true);
                yew::platform::spawn_local(async move {
                    // A photo is scaled down and stripped on the phone first.
                    let bytes = crate::components::photo::prepare(bytes).await;
                    // The same check the server runs: refuse before sending.
                    if let Err(fe) = check_upload(&field, &bytes[..bytes.len().min(16)], bytes.len() as u64) {
                        upload_errors.set(vec![fe]);
                        busy.set(false);
                        return;
                    }
                    upload_errors.set(Vec::new());
                    let app_id = match *id {
                        Some(i) => Some(i),
                        None => save().await,
                    };
                    if let Some(app_id) = app_id {
                        let url = format!(
                            "/api/v1/applications/{app_id}/documents?kind={}&filename={}",
                            kind.as_str(),
                            js_sys::encode_uri_component(&name)
                        );
                        match api::request_bytes::<DocumentView>(Method::POST, &url, bytes).await {
                            Ok(d) => {
                                let mut next = (*documents).clone();
                                next.push(d);
                                documents.set(next);
                            }
                            Err(e) => upload_errors.set(
                                e.field_errors()
                                    .into_iter()
                                    .map(|mut fe| {
                                        fe.field = format!("documents.{}", kind.as_str());
                                        fe
                                    })
                                    .collect(),
                            ),
                        }
                    }
                    busy.set(false);
                });
            });
            readers.borrow_mut().push(reader);
        })
    };
    let remove_doc = |doc_id: i64| {
        let (id, documents, error) = (id.clone(), documents.clone(), error.clone());
        Callback::from(move |_| {
            let Some(app_id) = *id else { return };
            let (documents, error) = (documents.clone(), error.clone());
            yew::platform::spawn_local(async move {
                match api::request_empty::<()>(
                    Method::DELETE,
                    &format!("/api/v1/applications/{app_id}/documents/{doc_id}"),
                    None,
                )
                .await
                {
                    Ok(()) => documents.set(documents.iter().filter(|d| d.id != doc_id).cloned().collect()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let category = input.category;
    let chosen: HashSet<i64> = input.preferences.iter().copied().collect();
    let candidates: Vec<&ZoneSummary> = p
        .zones
        .iter()
        .filter(|z| !chosen.contains(&z.id) && category.is_none_or(|c| z.categories.contains(&c)))
        .collect();
    let zone_by_id = |zid: i64| p.zones.iter().find(|z| z.id == zid);
    let on_category = {
        let input = input.clone();
        Callback::from(move |e: Event| {
            let mut next = (*input).clone();
            next.category = TradeCategory::parse(&e.target_unchecked_into::<HtmlSelectElement>().value());
            input.set(next);
        })
    };
    let on_add = {
        let input = input.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(z) = sel.value().parse::<i64>() {
                let mut next = (*input).clone();
                if next.preferences.len() < common::application::MAX_PREFERENCES {
                    next.preferences.push(z);
                }
                input.set(next);
            }
            sel.set_value("");
        })
    };
    let move_pref = |i: usize, up: bool| {
        let input = input.clone();
        Callback::from(move |_| {
            let mut next = (*input).clone();
            let j = if up { i.wrapping_sub(1) } else { i + 1 };
            if j < next.preferences.len() {
                next.preferences.swap(i, j);
                input.set(next);
            }
        })
    };
    let remove_pref = |i: usize| {
        let input = input.clone();
        Callback::from(move |_| {
            let mut next = (*input).clone();
            next.preferences.remove(i);
            input.set(next);
        })
    };
    let toggle_group = |g: PriorityGroup| {
        let input = input.clone();
        Callback::from(move |_| {
            let mut next = (*input).clone();
            if let Some(i) = next.priority_groups.iter().position(|x| *x == g) {
                next.priority_groups.remove(i);
            } else {
                next.priority_groups.push(g);
            }
            input.set(next);
        })
    };

    html! {
        <form class="form apply-form" onsubmit={on_submit} novalidate=true>
            if let Some(a) = &p.existing {
                if a.status == ApplicationStatus::Returned {
                    <div class="alert warn" role="alert" id="return-items">
                        <p><strong>{ lang.t(S::ReturnedTitle) }</strong></p>
                        <ul>{ for a.return_items.iter().map(|it| html! { <li>{ lang.pick(&item_label(&it.item)) }{ "：" }{ &it.message }</li> }) }</ul>
                    </div>
                }
            }
            if *saved { <Success>{ lang.t(S::DraftSaved) }</Success> }
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            if senior {
                <p class="senior-step" id="senior-step" aria-live="polite">
                    { lang.t(S::SeniorStepOf).replace("{n}", &(*step + 1).to_string()).replace("{total}", &(LAST_STEP + 1).to_string()) }
                </p>
                <h2 class="senior-question" id="senior-question">{ lang.t(STEP_QUESTIONS[*step]) }</h2>
            }
            if *tried_submit || (senior && *step_tried) || error.as_ref().is_some_and(|e| matches!(e, ApiError::Validation(_))) {
                <ErrorSummary errors={all.iter().map(|e| {
                    let target = match e.field.strip_prefix("documents.") {
                        Some(kind) => format!("file-{kind}"),
                        None if e.field.starts_with("preferences") => "add-zone".to_string(),
                        None => e.field.split(['[', '.']).next().unwrap_or_default().to_string(),
                    };
                    (target, e.clone())
                }).collect::<Vec<_>>()} />
            }
            if show(0) {
            <div class="field">
                <label for="category">{ lang.t(S::Category) }</label>
                <select id="category" onchange={on_category}>
                    <option value="" selected={category.is_none()}>{ lang.t(S::Select) }</option>
                    { for TradeCategory::ALL.into_iter().map(|c| html! { <option value={c.as_str()} selected={category == Some(c)}>{ lang.either(c.name_zh(), c.name_en()) }</option> }) }
                </select>
                { errs("category") }
            </div>
            }
            if show(1) {
            <fieldset class="field">
                <legend>{ lang.t(S::Preferences) }</legend>
                <p class="hint">{ lang.t(S::PreferencesHint) }</p>
                <ol class="preferences" id="preferences">
                    { for input.preferences.iter().enumerate().map(|(i, zid)| html! {
                        <li data-zone-id={zid.to_string()}>
                            <span>{ zone_by_id(*zid).map(|z| zone_label(lang, z, category)).unwrap_or_else(|| format!("#{zid}")) }
                                if zone_by_id(*zid).is_some_and(|z| category.is_some() && z.free_for(category) == 0) {
                                    <span class="no-free-of-trade small" role="note">{ lang.t(S::NoFreeOfTrade) }</span>
                                }
                            </span>
                            <span class="pref-actions">
                                <button type="button" class="link-button" aria-label={lang.t(S::MoveUp)} disabled={i == 0} onclick={move_pref(i, true)}>{ "↑" }</button>
                                <button type="button" class="link-button" aria-label={lang.t(S::MoveDown)} disabled={i + 1 == input.preferences.len()} onclick={move_pref(i, false)}>{ "↓" }</button>
                                <button type="button" class="link-button" onclick={remove_pref(i)}>{ lang.t(S::Remove) }</button>
                            </span>
                        </li>
                    }) }
                </ol>
                if input.preferences.len() < common::application::MAX_PREFERENCES {
                    <label for="add-zone" class="visually-hidden">{ lang.t(S::AddZone) }</label>
                    <select id="add-zone" onchange={on_add}>
                        <option value="" selected=true>{ lang.t(S::AddZone) }</option>
                        { for candidates.iter().map(|z| html! { <option value={z.id.to_string()}>{ zone_label(lang, z, category) }</option> }) }
                    </select>
                }
                { errs("preferences") }
            </fieldset>
            }
            if show(2) {
            <fieldset class="field">
                <legend>{ lang.t(S::PriorityGroups) }</legend>
                <p class="hint">{ lang.t(S::PriorityHint) }</p>
                { for PriorityGroup::ALL.into_iter().map(|g| html! {
                    <label class="check"><input type="checkbox" id={format!("group-{}", serde_json::to_value(g).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())}
                        checked={input.priority_groups.contains(&g)} onchange={toggle_group(g)} />{ lang.either(g.name_zh(), g.name_en()) }</label>
                }) }
            </fieldset>
            }
            if show(3) {
            <fieldset class="field documents">
                <legend>{ lang.t(S::Documents) }</legend>
                <p class="hint">{ lang.t(S::UploadHint) }</p>
                { for input.required_documents().into_iter().chain(std::iter::once(DocKind::Other)).map(|kind| {
                    let have: Vec<&DocumentView> = documents.iter().filter(|d| d.kind == kind).collect();
                    let field = format!("documents.{}", kind.as_str());
                    html! {
                        <div class={classes!("doc-row", all.iter().any(|e| e.field == field).then_some("invalid"))} data-kind={kind.as_str()}>
                            <label for={format!("file-{}", kind.as_str())}>{ lang.either(kind.name_zh(), kind.name_en()) }
                                if kind != DocKind::Other { <span class="muted small">{ " · " }{ lang.t(S::Required) }</span> }
                            </label>
                            <ul class="plain">
                                { for have.iter().map(|d| html! {
                                    <li class="doc">{ "✓ " }{ &d.filename }{ format!(" ({:.0} KB) ", d.size_bytes as f64 / 1024.0) }
                                        <button type="button" class="link-button" onclick={remove_doc(d.id)}>{ lang.t(S::Remove) }</button></li>
                                }) }
                            </ul>
                            <input type="file" id={format!("file-{}", kind.as_str())} accept=".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf" onchange={on_file(kind)} />
                            { errs(&field) }
                        </div>
                    }
                }) }
            </fieldset>
            }
            if senior && *step == LAST_STEP {
                // Check your answers before sending, each with the way back to its question.
                <dl class="check-answers" id="check-answers">
                    <div>
                        <dt>{ lang.t(S::Category) }</dt>
                        <dd>{ category.map(|c| lang.either(c.name_zh(), c.name_en()).to_string()).unwrap_or_default() }</dd>
                        <dd><button type="button" class="link-button" onclick={jump(0)}>{ lang.t(S::SeniorChange) }</button></dd>
                    </div>
                    <div>
                        <dt>{ lang.t(S::Preferences) }</dt>
                        <dd>{ for input.preferences.iter().map(|zid| html! {
                            <span class="answer-line">{ zone_by_id(*zid).map(|z| zone_label(lang, z, category)).unwrap_or_else(|| format!("#{zid}")) }</span>
                        }) }</dd>
                        <dd><button type="button" class="link-button" onclick={jump(1)}>{ lang.t(S::SeniorChange) }</button></dd>
                    </div>
                    <div>
                        <dt>{ lang.t(S::PriorityGroups) }</dt>
                        <dd>{ if input.priority_groups.is_empty() { lang.t(S::SeniorNone).to_string() } else {
                            input.priority_groups.iter().map(|g| lang.either(g.name_zh(), g.name_en())).collect::<Vec<_>>().join("、")
                        } }</dd>
                        <dd><button type="button" class="link-button" onclick={jump(2)}>{ lang.t(S::SeniorChange) }</button></dd>
                    </div>
                    <div>
                        <dt>{ lang.t(S::Documents) }</dt>
                        <dd>{ for documents.iter().map(|d| html! {
                            <span class="answer-line">{ lang.either(d.kind.name_zh(), d.kind.name_en()) }{ "：" }{ &d.filename }</span>
                        }) }</dd>
                        <dd><button type="button" class="link-button" onclick={jump(3)}>{ lang.t(S::SeniorChange) }</button></dd>
                    </div>
                </dl>
            }
            if show(LAST_STEP) {
            <div class="field">
                <label for="note">{ lang.t(S::Note) }</label>
                <input id="note" type="text" value={input.note.clone()} oninput={{ let input = input.clone(); Callback::from(move |e: InputEvent| {
                    let mut next = (*input).clone();
                    next.note = e.target_unchecked_into::<HtmlInputElement>().value();
                    input.set(next);
                }) }} />
                { errs("note") }
            </div>
            }
            if senior && *step < LAST_STEP {
                <div class="actions senior-nav">
                    <button type="button" class="button primary" id="senior-next" onclick={go(1)}>{ lang.t(S::SeniorNext) }</button>
                    if *step > 0 {
                        <button type="button" class="button" id="senior-back" onclick={go(-1)}>{ lang.t(S::SeniorBack) }</button>
                    }
                </div>
            } else {
                <div class="actions">
                    if senior {
                        <button type="button" class="button" id="senior-back" onclick={go(-1)}>{ lang.t(S::SeniorBack) }</button>
                    }
                    <button type="button" class="button" id="save-draft" disabled={*busy} onclick={on_save}>{ lang.t(S::SaveDraft) }</button>
                    <button type="submit" class="button primary" id="submit-application" disabled={*busy}>{ lang.t(S::SubmitApplication) }</button>
                </div>
            }
        </form>
    }
}

/// The screens of the senior-mode application: trade, zones, priority groups, documents, then a
/// last look with the note and the submit button.
const LAST_STEP: usize = 4;
const STEP_QUESTIONS: [S; LAST_STEP + 1] =
    [S::SeniorAskTrade, S::SeniorAskZones, S::SeniorAskGroups, S::SeniorAskDocuments, S::SeniorAskSubmit];

/// Whether a field's problem belongs to a screen of the senior-mode application.
fn on_step(field: &str, step: usize) -> bool {
    match step {
        0 => field == "category",
        1 => field.starts_with("preferences"),
        2 => field.starts_with("priority_groups"),
        3 => field.starts_with("documents"),
        _ => true,
    }
}

#[derive(Properties, PartialEq)]
struct StatusProps {
    application: ApplicationView,
    on_changed: Callback<()>,
}

#[component]
fn ApplicationStatusView(p: &StatusProps) -> Html {
    let lang = use_lang();
    let error = use_state(|| None::<ApiError>);
    let a = &p.application;
    let act = |path: String| {
        let (error, on_changed) = (error.clone(), p.on_changed.clone());
        Callback::from(move |_| {
            let (error, on_changed, path) = (error.clone(), on_changed.clone(), path.clone());
            yew::platform::spawn_local(async move {
                match api::request_empty(Method::POST, &path, Some(&serde_json::json!({}))).await {
                    Ok(()) => on_changed.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let withdraw = {
        let (error, on_changed, id) = (error.clone(), p.on_changed.clone(), a.id);
        Callback::from(move |_| {
            let (error, on_changed) = (error.clone(), on_changed.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, ApplicationView>(
                    &format!("/api/v1/applications/{id}/withdraw"),
                    &serde_json::json!({}),
                )
                .await
                {
                    Ok(_) => on_changed.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <div id="application-status">
            <p class="status-line">{ lang.t(S::ApplicationNumber) }{ "：" }<strong id="application-number">{ common::dto::cases::CaseKind::Stall.number(a.id) }</strong>
                { " · " }{ lang.t(S::Status) }{ "：" }<StatusBadge status={a.status} /></p>
            if let (Some(n), Some(round)) = (&a.draw_number, a.round_id) {
                <p class="status-line" id="draw-number-line">{ lang.t(S::DrawNumber) }{ "：" }<strong id="draw-number">{ n }</strong>{ " · " }
                    <Link<Route, LineQuery> to={Route::Round { id: round }} query={Some(LineQuery { n: n.clone() })}>{ lang.t(S::CheckMyLine) }</Link<Route, LineQuery>></p>
            }
            <ErrorAlert error={(*error).clone()} />
            if let Some(o) = a.offer.as_ref().filter(|o| o.status == "pending") {
                <div class="card offer" id="offer">
                    <h2>{ lang.t(S::OfferTitle) }</h2>
                    <p>{ &o.zone_name }{ " · " }{ lang.t(S::StallNo) }{ " " }<strong>{ &o.stall_number }</strong></p>
                    <p class="muted">{ lang.t(S::ReplyBy) }{ " " }{ common::time::to_xiamen(o.respond_by).format("%Y-%m-%d %H:%M").to_string() }</p>
                    // The same answer works from any phone by text (the one on the account).
                    <p class="small" id="offer-by-text">{ lang.t(S::OfferByText) }<strong>{ format!("{} 1", o.id) }</strong>{ lang.t(S::OfferByTextAccept) }
                        <strong>{ format!("{} 2", o.id) }</strong>{ lang.t(S::OfferByTextDecline) }</p>
                    <div class="actions">
                        <button type="button" class="button primary" id="accept-offer" onclick={act(format!("/api/v1/offers/{}/accept", o.id))}>{ lang.t(S::AcceptOffer) }</button>
                        <button type="button" class="button danger" id="decline-offer" onclick={act(format!("/api/v1/offers/{}/decline", o.id))}>{ lang.t(S::DeclineOffer) }</button>
                    </div>
                </div>
            }
            if let Some(o) = a.offer.as_ref().filter(|o| o.status == "accepted") {
                <div class="card" id="your-stall">
                    <h2>{ lang.t(S::YourStall) }</h2>
                    <p><Link<Route> to={Route::Zone { id: o.zone_id }}>{ &o.zone_name }</Link<Route>>{ " · " }{ lang.t(S::StallNo) }{ " " }<strong>{ &o.stall_number }</strong></p>
                </div>
            }
            if let Some(d) = a.deadline.filter(|_| a.status == ApplicationStatus::Submitted) {
                <p class="muted">{ lang.t(S::ReviewBy) }{ " " }{ d.to_string() }</p>
            }
            if let Some(r) = a.round_id {
                <p><Link<Route> to={Route::Round { id: r }}>{ lang.t(S::SeeRound) }</Link<Route>></p>
            }
            if !a.decision_reason.is_empty() { <p>{ lang.t(S::Reason) }{ "：" }{ &a.decision_reason }</p> }
            <p><a class="button secondary small" id="print-receipt" href={format!("/api/v1/applications/{}/summary.pdf", a.id)}
                target="_blank" rel="noopener" title={lang.t(S::PrintReceiptHint)}>{ lang.t(S::PrintReceipt) }</a></p>
            <h2>{ lang.t(S::Preferences) }</h2>
            <ol>{ for a.preferences.iter().map(|p| html! { <li>{ &p.name }{ " (" }{ &p.code }{ ")" }</li> }) }</ol>
            if matches!(a.status, ApplicationStatus::Submitted | ApplicationStatus::Eligible | ApplicationStatus::Waitlisted) {
                <button type="button" class="button danger small" onclick={withdraw}>{ lang.t(S::Withdraw) }</button>
            }
            <CaseNotices notices={a.notices.clone()} />
            <h2>{ lang.t(S::History) }</h2>
            <CaseHistory events={a.history.clone()} />
        </div>
    }
}
