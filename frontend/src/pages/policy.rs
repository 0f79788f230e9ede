//! City admins: the policy pack in force (each rule in words, with its clause and source), the
//! versions decisions were made under, and a draft whose parameters are edited in a form, checked
//! by the same code the server runs, then saved and published. Texts and sources can still be
//! edited whole in an advanced disclosure.

use chrono::NaiveTime;
use common::dto::filings::{PolicyDraft, PolicyVersionSummary};
use common::policy::{PolicyPack, ShopTrade};
use common::{FieldError, Role};
use gloo::net::http::Method;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::{ErrorAlert, ErrorSummary, Success};
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

#[derive(Clone, PartialEq)]
struct Loaded {
    pack: PolicyPack,
    versions: Vec<PolicyVersionSummary>,
    draft: Option<PolicyDraft>,
}

async fn load() -> Result<Loaded, ApiError> {
    let pack = api::get::<PolicyPack>("/api/v1/policy").await?;
    let versions = api::get::<Vec<PolicyVersionSummary>>("/api/v1/policy/versions").await?;
    let draft = api::get::<Option<PolicyDraft>>("/api/v1/policy/draft").await?;
    Ok(Loaded { pack, versions, draft })
}

/// The pack the editor starts from: the saved draft, or the pack in force as the next version.
fn starting_draft(l: &Loaded) -> (PolicyPack, String) {
    match &l.draft {
        Some(d) => (d.pack.clone(), d.note.clone()),
        None => {
            let mut next = l.pack.clone();
            next.version += 1;
            (next, String::new())
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A decimal number (metres, square metres).
    Number,
    /// A whole number (days, points, people).
    Whole,
    /// A fraction shown as a percentage.
    Percent,
}

/// One parameter of the form: where it lives in the pack (also its error field), its label, and
/// how to read and write it.
struct Param {
    path: &'static str,
    label: S,
    kind: Kind,
    get: fn(&PolicyPack) -> f64,
    set: fn(&mut PolicyPack, f64),
}

/// A time parameter.
struct TimeParam {
    path: &'static str,
    label: S,
    get: fn(&PolicyPack) -> NaiveTime,
    set: fn(&mut PolicyPack, NaiveTime),
}

macro_rules! num {
    ($path:literal, $label:ident, $kind:ident, $($field:ident).+) => {
        Param {
            path: $path,
            label: S::$label,
            kind: Kind::$kind,
            get: |p| p.$($field).+ as f64,
            set: |p, v| p.$($field).+ = v as _,
        }
    };
}

macro_rules! time {
    ($path:literal, $label:ident, $($field:ident).+) => {
        TimeParam { path: $path, label: S::$label, get: |p| p.$($field).+, set: |p, v| p.$($field).+ = v }
    };
}

/// The parameters, grouped as the form shows them.
fn groups() -> Vec<(S, Vec<Param>, Vec<TimeParam>)> {
    vec![
        (
            S::ParamsDeadlines,
            vec![
                num!("review_working_days", PReviewDays, Whole, review_working_days),
                num!("stall_review_working_days", PStallReviewDays, Whole, stall_review_working_days),
            ],
            vec![],
        ),
        (
            S::ParamsCrossStore,
            vec![
                num!("cross_store.suitable.max_depth_m", PSuitableDepth, Number, cross_store.suitable.max_depth_m),
                num!(
                    "cross_store.suitable.min_clearance_m",
                    PSuitableClear,
                    Number,
                    cross_store.suitable.min_clearance_m
                ),
                num!(
                    "cross_store.restricted.max_depth_m",
                    PRestrictedDepth,
                    Number,
                    cross_store.restricted.max_depth_m
                ),
                num!(
                    "cross_store.restricted.min_clearance_m",
                    PRestrictedClear,
                    Number,
                    cross_store.restricted.min_clearance_m
                ),
                num!("cross_store.max_frontage_m", PMaxFrontage, Number, cross_store.max_frontage_m),
                num!("cross_store.max_days", PMaxDays, Whole, cross_store.max_days),
                num!("cross_store.area_tolerance", PAreaTolerance, Percent, cross_store.area_tolerance),
            ],
            vec![time!("cross_store.near_homes_latest_end", PNearHomesEnd, cross_store.near_homes_latest_end)],
        ),
        (
            S::ParamsOutdoorPromo,
            vec![
                num!("outdoor_promo.lead_days", PLeadDays, Whole, outdoor_promo.lead_days),
                num!("outdoor_promo.max_event_days", PMaxEventDays, Whole, outdoor_promo.max_event_days),
                num!(
                    "outdoor_promo.max_event_days_with_weekend",
                    PMaxEventDaysWeekend,
                    Whole,
                    outdoor_promo.max_event_days_with_weekend
                ),
                num!("outdoor_promo.max_days_per_month", PMaxDaysMonth, Whole, outdoor_promo.max_days_per_month),
                num!("outdoor_promo.min_area_m2", PMinArea, Number, outdoor_promo.min_area_m2),
                num!(
                    "outdoor_promo.review_above_visitors",
                    PReviewVisitors,
                    Whole,
                    outdoor_promo.review_above_visitors
                ),
                num!("outdoor_promo.ads_removal_days", PAdsDays, Whole, outdoor_promo.ads_removal_days),
            ],
            vec![
                time!("outdoor_promo.hours.weekday_start", PWeekdayFrom, outdoor_promo.weekday_hours.start),
                time!("outdoor_promo.hours.weekday_end", PWeekdayTo, outdoor_promo.weekday_hours.end),
                time!("outdoor_promo.hours.other_start", POtherDayFrom, outdoor_promo.other_day_hours.start),
                time!("outdoor_promo.hours.other_end", POtherDayTo, outdoor_promo.other_day_hours.end),
            ],
        ),
        (
            S::ParamsSupervision,
            vec![
                num!("supervision.suspend_at_points", PSuspendAt, Whole, supervision.suspend_at_points),
                num!(
                    "supervision.propose_revocation_at_points",
                    PRevokeAt,
                    Whole,
                    supervision.propose_revocation_at_points
                ),
                num!("supervision.clean_days", PCleanDays, Whole, supervision.clean_days),
                num!("supervision.appeal_days", PAppealDays, Whole, supervision.appeal_days),
                num!("supervision.appeal_decision_days", PAppealDecisionDays, Whole, supervision.appeal_decision_days),
                num!("supervision.renewal_reminder_days", PReminderDays, Whole, supervision.renewal_reminder_days),
                num!("supervision.renewal_months", PRenewalMonths, Whole, supervision.renewal_months),
            ],
            vec![],
        ),
    ]
}

fn input_id(path: &str) -> String {
    format!("p-{}", path.replace(['.', '[', ']'], "-"))
}

fn shown(kind: Kind, v: f64) -> String {
    match kind {
        Kind::Percent => format!("{}", (v * 1000.0).round() / 10.0),
        Kind::Whole => format!("{v:.0}"),
        _ => format!("{v}"),
    }
}

/// The typed values, read into the draft; what cannot be read is a field error.
fn apply(base: &PolicyPack, raw: &std::collections::HashMap<String, String>) -> (PolicyPack, Vec<FieldError>) {
    let mut pack = base.clone();
    let mut errors = Vec::new();
    for (_, params, times) in groups() {
        for p in params {
            let Some(text) = raw.get(p.path) else { continue };
            let parsed = text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            match (parsed, p.kind) {
                (Some(v), Kind::Whole) if v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 => (p.set)(&mut pack, v),
                (Some(v), Kind::Percent) => (p.set)(&mut pack, v / 100.0),
                (Some(v), Kind::Number) => (p.set)(&mut pack, v),
                _ => errors.push(FieldError::new(
                    p.path,
                    "number",
                    if p.kind == Kind::Whole { "请填写 0 或更大的整数" } else { "请填写数字" },
                    if p.kind == Kind::Whole { "Enter a whole number, 0 or more" } else { "Enter a number" },
                )),
            }
        }
        for t in times {
            let Some(text) = raw.get(t.path) else { continue };
            match NaiveTime::parse_from_str(text, "%H:%M").or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S")) {
                Ok(v) => (t.set)(&mut pack, v),
                Err(_) => {
                    errors.push(FieldError::new(t.path, "time", "请填写时间，如 18:00", "Enter a time, e.g. 18:00"))
                }
            }
        }
    }
    (pack, errors)
}

/// The element a server or local error belongs to: the longest parameter path it starts with.
fn target_of(field: &str) -> String {
    let mut best: Option<&'static str> = None;
    for (_, params, times) in groups() {
        for path in params.iter().map(|p| p.path).chain(times.iter().map(|t| t.path)) {
            let hit = path.starts_with(field) || field.starts_with(path);
            if hit && best.is_none_or(|b| path.len() > b.len()) {
                best = Some(path);
            }
        }
    }
    match field {
        "cross_store.windows" => "p-windows".into(),
        "cross_store.allowed_trades" => "p-trades".into(),
        f if f.starts_with("rules") => "draft-json".into(),
        _ => best.map(input_id).unwrap_or_default(),
    }
}

#[component]
pub fn PolicyPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_state(|| None::<Result<Loaded, ApiError>>);
    let draft = use_state(|| None::<PolicyPack>);
    let raw = use_state(std::collections::HashMap::<String, String>::new);
    let note = use_state(String::new);
    let json = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let local = use_state(Vec::<FieldError>::new);
    let saved = use_state(|| None::<S>);
    let reload = use_state(|| 0u32);
    let is_admin = session.me.as_ref().map(|m| m.role) == Some(Role::CityAdmin);

    {
        let (loaded, draft, raw, note, json) = (loaded.clone(), draft.clone(), raw.clone(), note.clone(), json.clone());
        use_effect_with((*reload, is_admin), move |(_, admin)| {
            if *admin {
                yew::platform::spawn_local(async move {
                    let r = load().await;
                    if let Ok(l) = &r {
                        let (pack, n) = starting_draft(l);
                        let mut values = std::collections::HashMap::new();
                        for (_, params, times) in groups() {
                            for p in params {
                                values.insert(p.path.to_string(), shown(p.kind, (p.get)(&pack)));
                            }
                            for t in times {
                                values.insert(t.path.to_string(), (t.get)(&pack).format("%H:%M").to_string());
                            }
                        }
                        json.set(serde_json::to_string_pretty(&pack).unwrap_or_default());
                        raw.set(values);
                        draft.set(Some(pack));
                        note.set(n);
                    }
                    loaded.set(Some(r));
                });
            }
        });
    }

    if !session.loaded {
        return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    if !is_admin {
        return html! { <section class="page narrow"><p class="alert error">{ lang.t(S::Forbidden) }</p></section> };
    }
    let (l, base) = match (&*loaded, &*draft) {
        (Some(Err(e)), _) => return html! { <section class="page"><ErrorAlert error={Some(e.clone())} /></section> },
        (Some(Ok(l)), Some(d)) => (l.clone(), d.clone()),
        _ => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
    };

    let set_raw = |path: &'static str| {
        let raw = raw.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*raw).clone();
            next.insert(path.to_string(), e.target_unchecked_into::<HtmlInputElement>().value());
            raw.set(next);
        })
    };
    let toggle_trade = |t: ShopTrade| {
        let draft = draft.clone();
        Callback::from(move |_| {
            if let Some(mut p) = (*draft).clone() {
                let list = &mut p.cross_store.allowed_trades;
                if let Some(i) = list.iter().position(|x| *x == t) {
                    list.remove(i);
                } else {
                    list.push(t);
                }
                draft.set(Some(p));
            }
        })
    };
    let set_window = |i: usize, end: bool| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let (Some(mut p), Ok(t)) = ((*draft).clone(), NaiveTime::parse_from_str(&v, "%H:%M"))
                && let Some(w) = p.cross_store.windows.get_mut(i)
            {
                if end {
                    w.end = t
                } else {
                    w.start = t
                }
                draft.set(Some(p));
            }
        })
    };
    let set_points = |i: usize| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let (Some(mut p), Ok(n)) = ((*draft).clone(), v.trim().parse::<u32>())
                && let Some(x) = p.supervision.violations.get_mut(i)
            {
                x.points = n;
                draft.set(Some(p));
            }
        })
    };

    let save = {
        let (draft, raw, note, error, local, saved, reload) =
            (draft.clone(), raw.clone(), note.clone(), error.clone(), local.clone(), saved.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            saved.set(None);
            error.set(None);
            let Some(base) = (*draft).clone() else { return };
            let (pack, mut problems) = apply(&base, &raw);
            problems.extend(pack.validate());
            local.set(problems.clone());
            if !problems.is_empty() {
                return;
            }
            let body = PolicyDraft { pack, note: (*note).clone() };
            let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::request::<_, PolicyDraft>(Method::PUT, "/api/v1/policy/draft", Some(&body)).await {
                    Ok(_) => {
                        saved.set(Some(S::DraftSaved));
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let save_json = {
        let (json, note, error, local, saved, reload) =
            (json.clone(), note.clone(), error.clone(), local.clone(), saved.clone(), reload.clone());
        Callback::from(move |_| {
            saved.set(None);
            let pack = match serde_json::from_str::<PolicyPack>(&json) {
                Ok(p) => p,
                Err(e) => {
                    local.set(vec![FieldError::new(
                        "rules",
                        "json",
                        format!("JSON 无法解析：{e}"),
                        format!("Not valid JSON for a pack: {e}"),
                    )]);
                    return;
                }
            };
            let problems = pack.validate();
            local.set(problems.clone());
            if !problems.is_empty() {
                return;
            }
            let body = PolicyDraft { pack, note: (*note).clone() };
            let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::request::<_, PolicyDraft>(Method::PUT, "/api/v1/policy/draft", Some(&body)).await {
                    Ok(_) => {
                        saved.set(Some(S::DraftSaved));
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let publish = {
        let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
        Callback::from(move |_| {
            if !gloo::utils::window()
                .confirm_with_message("发布后成为现行版本 / Publish as the version in force?")
                .unwrap_or(false)
            {
                return;
            }
            let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::request::<(), PolicyVersionSummary>(Method::POST, "/api/v1/policy/draft/publish", None).await
                {
                    Ok(_) => {
                        saved.set(Some(S::DraftPublished));
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let errors: Vec<FieldError> =
        if local.is_empty() { error.as_ref().map(|e| e.field_errors()).unwrap_or_default() } else { (*local).clone() };
    let summary: Vec<(String, FieldError)> = errors.iter().map(|e| (target_of(&e.field), e.clone())).collect();
    let errs_at = |id: &str| -> Html {
        let list: Vec<&FieldError> = errors.iter().filter(|e| target_of(&e.field) == id).collect();
        html! { if !list.is_empty() { <ul class="field-errors">{ for list.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul> } }
    };

    let rules = l.pack.rules.iter().map(|r| {
        html! {
            <li class="card rule-card" data-rule={r.id.clone()}>
                <h3>{ lang.pick(&r.title) }</h3>
                <p>{ lang.pick(&r.text) }</p>
                <details class="rule-source small">
                    <summary>{ lang.t(S::RuleBasis) }</summary>
                    <p>{ lang.t(S::Clause) }{ "：" }{ &r.clause }</p>
                    <p>{ lang.t(S::Source) }{ "：" }{ &r.source.document }</p>
                    if let Some(b) = &r.source.borrowed_from { <p>{ lang.t(S::BorrowedFrom) }{ "：" }{ b }</p> }
                    if let Some(n) = &r.source.note { <p class="muted">{ n }</p> }
                </details>
            </li>
        }
    });
    let versions = l.versions.iter().map(|v| {
        html! {
            <tr>
                <td>{ v.version }</td>
                <td>{ status_text(lang, &v.status) }</td>
                <td class="wrap">{ &v.note }</td>
                <td>{ v.published_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default() }</td>
            </tr>
        }
    });
    let form_groups = groups().into_iter().map(|(title, params, times)| {
        html! {
            <fieldset class="param-group">
                <legend>{ lang.t(title) }</legend>
                <div class="inline-fields">
                    { for params.iter().map(|p| {
                        let id = input_id(p.path);
                        let invalid = errors.iter().any(|e| target_of(&e.field) == id);
                        html! {
                            <div class={classes!("field", invalid.then_some("invalid"))}>
                                <label for={id.clone()}>{ lang.t(p.label) }</label>
                                { errs_at(&id) }
                                <input id={id.clone()} type="number" inputmode="decimal" step={if p.kind == Kind::Number { "0.1" } else { "1" }}
                                    value={raw.get(p.path).cloned().unwrap_or_default()} oninput={set_raw(p.path)} aria-invalid={invalid.to_string()} />
                            </div>
                        }
                    }) }
                    { for times.iter().map(|t| {
                        let id = input_id(t.path);
                        html! {
                            <div class="field">
                                <label for={id.clone()}>{ lang.t(t.label) }</label>
                                { errs_at(&id) }
                                <input id={id.clone()} type="time" value={raw.get(t.path).cloned().unwrap_or_default()} oninput={set_raw(t.path)} />
                            </div>
                        }
                    }) }
                </div>
            </fieldset>
        }
    });

    html! {
        <section class="page policy-page">
            <h1>{ lang.t(S::NavPolicy) }</h1>
            <p class="lead">{ lang.pick(&l.pack.name) }{ " · " }{ lang.t(S::PolicyVersion) }{ " " }{ l.pack.version }
                { " · " }{ l.pack.effective_from.to_string() }</p>
            <p class="muted">{ lang.pick(&l.pack.notes) }</p>

            <form class="card form" id="policy-form" onsubmit={save} novalidate=true aria-labelledby="draft-title">
                <h2 id="draft-title">{ lang.t(S::EditDraft) }{ format!(" · {} {}", lang.t(S::PolicyVersion), base.version) }</h2>
                <p class="hint">{ lang.t(S::EditDraftHint) }</p>
                <ErrorSummary errors={summary} />
                <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
                if let Some(s) = *saved { <Success><p id="policy-saved">{ lang.t(s) }</p></Success> }
                { for form_groups }
                <fieldset class="param-group" id="p-windows">
                    <legend>{ lang.t(S::TimeWindows) }</legend>
                    { errs_at("p-windows") }
                    { for base.cross_store.windows.iter().enumerate().map(|(i, w)| html! {
                        <div class="inline-fields">
                            <div class="field"><label for={format!("p-window-{i}-start")}>{ lang.t(S::FromTime) }</label>
                                <input id={format!("p-window-{i}-start")} type="time" value={w.start.format("%H:%M").to_string()} oninput={set_window(i, false)} /></div>
                            <div class="field"><label for={format!("p-window-{i}-end")}>{ lang.t(S::ToTime) }</label>
                                <input id={format!("p-window-{i}-end")} type="time" value={w.end.format("%H:%M").to_string()} oninput={set_window(i, true)} /></div>
                        </div>
                    }) }
                </fieldset>
                <fieldset class="param-group" id="p-trades">
                    <legend>{ lang.t(S::AllowedTrades) }</legend>
                    { errs_at("p-trades") }
                    { for ShopTrade::ALL.into_iter().map(|t| html! {
                        <label class="check"><input type="checkbox" id={format!("p-trade-{}", t.as_str())}
                            checked={base.cross_store.allowed_trades.contains(&t)} onchange={toggle_trade(t)} />{ lang.either(t.name_zh(), t.name_en()) }</label>
                    }) }
                </fieldset>
                <fieldset class="param-group">
                    <legend>{ lang.t(S::ViolationPoints) }</legend>
                    <div class="inline-fields">
                        { for base.supervision.violations.iter().enumerate().map(|(i, v)| html! {
                            <div class="field"><label for={format!("p-violation-{i}")}>{ lang.pick(&v.title) }</label>
                                <input id={format!("p-violation-{i}")} type="number" min="0" step="1" value={v.points.to_string()} oninput={set_points(i)} /></div>
                        }) }
                    </div>
                </fieldset>
                <div class="field">
                    <label for="draft-note">{ lang.t(S::WhatChanged) }</label>
                    <input id="draft-note" type="text" value={(*note).clone()}
                        oninput={{ let n = note.clone(); Callback::from(move |e: InputEvent| n.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </div>
                <div class="actions">
                    <button type="submit" class="button" id="save-draft">{ lang.t(S::SaveDraft) }</button>
                    if l.draft.is_some() {
                        <button type="button" class="button primary" id="publish-draft" onclick={publish}>{ lang.t(S::Publish) }</button>
                    }
                </div>
            </form>

            <details class="card">
                <summary>{ lang.t(S::EditWholePack) }</summary>
                <p class="hint">{ lang.t(S::EditWholePackHint) }</p>
                <div class="field">
                    <label for="draft-json">{ lang.t(S::WholePack) }</label>
                    <textarea id="draft-json" class="code" rows="20" spellcheck="false" value={(*json).clone()}
                        oninput={{ let j = json.clone(); Callback::from(move |e: InputEvent| j.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                </div>
                <button type="button" class="button" id="save-json" onclick={save_json}>{ lang.t(S::SaveDraft) }</button>
            </details>

            <h2>{ lang.t(S::RulesInForce) }</h2>
            <ul class="plain rule-cards" id="policy-rules">{ for rules }</ul>

            <h2>{ lang.t(S::Versions) }</h2>
            <p class="muted small">{ lang.t(S::VersionsHint) }</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label={lang.t(S::Versions)}>
                <table class="data" id="policy-versions">
                    <thead><tr>
                        <th scope="col">{ lang.t(S::PolicyVersion) }</th>
                        <th scope="col">{ lang.t(S::Status) }</th>
                        <th scope="col">{ lang.t(S::WhatChanged) }</th>
                        <th scope="col">{ lang.t(S::PublishedAt) }</th>
                    </tr></thead>
                    <tbody>{ for versions }</tbody>
                </table>
            </div>
        </section>
    }
}

fn status_text(lang: crate::i18n::Lang, status: &str) -> &'static str {
    match status {
        "published" => lang.t(S::VersionPublished),
        "draft" => lang.t(S::VersionDraft),
        "superseded" => lang.t(S::VersionSuperseded),
        _ => lang.t(S::Other),
    }
}
