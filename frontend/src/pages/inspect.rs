//! Officers on site, usually on a phone: the permit (opened from its page or a scanned code),
//! the pack's checklist, violations with what each would cost on this permit's ledger (the same
//! arithmetic as the server), photos and notes.

use common::dto::lifecycle::{
    ChecklistAnswer, HOLDER_PRESENT_ITEM, InspectionInput, InspectionResult, PermitView, Present,
};
use common::policy::PolicyPack;
use common::policy::supervision::LedgerEntry;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::photo::PhotoUpload;
use crate::components::qr::QrScanner;
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};
use crate::pages::permits::{InspectQuery, permit_status};

#[component]
pub fn InspectPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let location = use_location();
    let query = location.as_ref().and_then(|l| l.query::<InspectQuery>().ok()).unwrap_or_default();
    let pack = use_state(|| None::<Result<PolicyPack, ApiError>>);
    let permit = use_state(|| None::<Result<PermitView, ApiError>>);
    let code = use_state(|| query.code.clone().unwrap_or_default());
    // The permit found by the code typed or scanned (officers see only their district's).
    let lookup = use_state(|| None::<Result<PermitView, ApiError>>);
    let checklist = use_state(Vec::<ChecklistAnswer>::new);
    let chosen = use_state(Vec::<String>::new);
    let notes = use_state(String::new);
    let photos = use_state(Vec::<i64>::new);
    // Who was working a stall: the holder, a registered helper, or someone else (not asked yet).
    let present = use_state(|| None::<Present>);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<InspectionResult>);
    {
        let (pack, checklist) = (pack.clone(), checklist.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let r = api::get::<PolicyPack>("/api/v1/policy").await;
                if let Ok(p) = &r {
                    checklist.set(
                        p.supervision
                            .checklist
                            .iter()
                            .map(|c| ChecklistAnswer { id: c.id.clone(), ok: true })
                            .collect(),
                    );
                }
                pack.set(Some(r));
            });
        });
    }
    {
        let permit = permit.clone();
        use_effect_with(query.permit, move |id| {
            if let Some(id) = *id {
                yew::platform::spawn_local(async move {
                    permit.set(Some(api::get(&format!("/api/v1/permits/{id}")).await))
                });
            }
        });
    }
    let find = {
        let (code, lookup) = (code.clone(), lookup.clone());
        Callback::from(move |_: ()| {
            let c = code.trim().to_string();
            let lookup = lookup.clone();
            yew::platform::spawn_local(async move {
                lookup.set(Some(api::get::<PermitView>(&format!("/api/v1/review/permits/{}", urlencode(&c))).await));
            });
        })
    };
    // Opened from a scan or the public check with `?code=`: look the permit up at once.
    {
        let (find, has_code) = (find.clone(), query.code.is_some() && query.permit.is_none());
        use_effect_with(has_code, move |has| {
            if *has {
                find.emit(());
            }
        });
    }
    if session.loaded && !session.me.as_ref().is_some_and(|m| m.role.is_staff()) {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }
    let pack = match &*pack {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(p)) => p.clone(),
    };
    let sp = pack.supervision.clone();
    let current = match (&*permit, &*lookup) {
        (Some(Ok(p)), _) | (_, Some(Ok(p))) => Some(p.clone()),
        _ => None,
    };
    let lookup_error: Option<String> = match &*lookup {
        Some(Err(ApiError::NotFound(_))) => Some(lang.t(S::PermitCodeNotFound).to_string()),
        Some(Err(e @ ApiError::Validation(_))) => e.field_errors().first().map(|f| lang.pick(&f.message)),
        Some(Err(e)) => Some(e.message(lang.is_en())),
        _ => None,
    };
    // A recorded breach fails its checklist item: the box follows the violation.
    let failed: Vec<String> = sp.failed_items(&chosen).map(str::to_string).collect();
    // What each chosen violation would cost, charged one after another as the server does.
    let mut ledger: Vec<LedgerEntry> = current
        .as_ref()
        .map(|p| {
            p.ledger
                .iter()
                .map(|l| LedgerEntry { code: l.code.clone(), points: l.points, waived: l.waived, status: l.status })
                .collect()
        })
        .unwrap_or_default();
    let mut preview = Vec::new();
    for c in chosen.iter() {
        if let Some(ch) = sp.charge(c, &ledger) {
            ledger.push(LedgerEntry {
                code: c.clone(),
                points: ch.points,
                waived: ch.waived,
                status: common::policy::supervision::ViolationStatus::Active,
            });
            preview.push((c.clone(), ch));
        }
    }
    let after = sp.standing(&ledger);

    let is_stall = current.as_ref().is_some_and(|p| p.kind == "stall");
    let approved: Vec<common::dto::lifecycle::HelperView> = current
        .as_ref()
        .map(|p| p.helpers.iter().filter(|h| h.status == "approved").cloned().collect())
        .unwrap_or_default();
    let submit = {
        let failed_now = failed.clone();
        let who = if is_stall { *present } else { None };
        let permit_id = query.permit.or(current.as_ref().map(|p| p.id));
        let (code, checklist, chosen, notes, photos, error, done, permit_id) = (
            code.clone(),
            checklist.clone(),
            chosen.clone(),
            notes.clone(),
            photos.clone(),
            error.clone(),
            done.clone(),
            permit_id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = InspectionInput {
                permit_code: if permit_id.is_none() { Some(code.trim().to_string()) } else { None },
                permit_id,
                zone_id: None,
                // At a stall, "holder or helper present" is answered by who was found there.
                checklist: checklist
                    .iter()
                    .filter(|c| !(is_stall && c.id == HOLDER_PRESENT_ITEM && who.is_none()))
                    .map(|c| {
                        let ok = match who {
                            Some(w) if c.id == HOLDER_PRESENT_ITEM => w != Present::SomeoneElse,
                            _ => c.ok,
                        };
                        ChecklistAnswer { id: c.id.clone(), ok: ok && !failed_now.contains(&c.id) }
                    })
                    .collect(),
                present: who.map(Present::as_string),
                notes: (*notes).clone(),
                violations: (*chosen).clone(),
                evidence_ids: (*photos).clone(),
                location: None,
            };
            let (error, done) = (error.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, InspectionResult>("/api/v1/inspections", &input).await {
                    Ok(r) => {
                        error.set(None);
                        done.set(Some(r));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    if let Some(r) = &*done {
        return html! {
            <section class="page narrow">
                <h1>{ lang.either("检查已记录", "Inspection recorded") }</h1>
                if let Some(p) = &r.permit {
                    <Success>
                        <p id="inspection-result">{ crate::pages::permits::permit_title(lang, &p.kind) }{ " " }{ permit_status(lang, &p.status) }{ " · " }{ p.standing.points }{ lang.either(" 分", " points") }</p>
                    </Success>
                    <Link<Route> to={Route::Permit { id: p.id }} classes="button">{ lang.either("查看许可", "Open the permit") }</Link<Route>>
                }
            </section>
        };
    }
    let field_errors = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    html! {
        <section class="page narrow">
            <h1>{ lang.either("现场检查", "Inspection") }</h1>
            <form class="form" id="inspection-form" onsubmit={submit}>
                if query.permit.is_none() {
                    <div class={classes!("field", lookup_error.is_some().then_some("invalid"))}>
                        <label for="permit-code">{ lang.t(S::PermitCodeLabel) }</label>
                        <p class="hint" id="permit-code-hint">{ lang.t(S::PermitCodeHint) }</p>
                        if let Some(msg) = &lookup_error {
                            <ul class="field-errors" id="permit-code-error"><li>{ msg }</li></ul>
                        }
                        <div class="input-with-button">
                            <input id="permit-code" type="text" autocapitalize="characters" autocomplete="off" spellcheck="false" value={(*code).clone()}
                                aria-invalid={lookup_error.is_some().to_string()}
                                aria-describedby={if lookup_error.is_some() { "permit-code-hint permit-code-error" } else { "permit-code-hint" }}
                                oninput={{
                                    let (c, lookup, find) = (code.clone(), lookup.clone(), find.clone());
                                    Callback::from(move |e: InputEvent| {
                                        let v = e.target_unchecked_into::<HtmlInputElement>().value();
                                        let full = v.trim().len() == 20;
                                        c.set(v);
                                        lookup.set(None);
                                        if full { find.emit(()); }
                                    })
                                }}
                                onkeydown={{ let find = find.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { e.prevent_default(); find.emit(()); }) }} />
                            <button type="button" class="button secondary" id="find-permit" onclick={{ let find = find.clone(); Callback::from(move |_| find.emit(())) }}>{ lang.t(S::FindPermit) }</button>
                        </div>
                        <QrScanner on_code={{
                            let (c, lookup) = (code.clone(), lookup.clone());
                            Callback::from(move |scanned: String| {
                                let v = crate::components::qr::code_from_scan(&scanned);
                                c.set(v.clone());
                                let lookup = lookup.clone();
                                yew::platform::spawn_local(async move {
                                    lookup.set(Some(api::get::<PermitView>(&format!("/api/v1/review/permits/{}", urlencode(&v))).await));
                                });
                            })
                        }} />
                    </div>
                }
                if let Some(p) = &current {
                    <PermitCard permit={p.clone()} />
                }
                if is_stall {
                    <fieldset class="field present-choice" id="present-choice">
                        <legend>{ lang.t(S::WhoIsAtTheStall) }</legend>
                        <p class="hint">{ lang.t(S::WhoIsAtTheStallHint) }</p>
                        { for std::iter::once((Present::Holder, lang.t(S::PresentHolder).to_string(), None))
                            .chain(approved.iter().map(|h| (Present::Helper(h.id), format!("{}{}（{}）", lang.t(S::PresentHelper), h.name, crate::pages::permits::relation_name(lang, &h.relation)), Some(h.photo_id))))
                            .chain(std::iter::once((Present::SomeoneElse, lang.t(S::PresentSomeoneElse).to_string(), None)))
                            .map(|(who, label, photo)| {
                                let id = format!("present-{}", who.as_string().replace(':', "-"));
                                let pick = { let present = present.clone(); Callback::from(move |_| present.set(Some(who))) };
                                html! {
                                    <label class="check present-option" for={id.clone()}>
                                        <input type="radio" name="present" id={id} checked={*present == Some(who)} onchange={pick} />
                                        if let Some(ph) = photo {
                                            <img class="helper-photo" src={format!("/api/v1/evidence/{ph}")} alt={label.clone()} width="56" height="56" />
                                        }
                                        { label }
                                    </label>
                                }
                            }) }
                        if *present == Some(Present::SomeoneElse) {
                            <p class="alert warn" id="someone-else-note">{ lang.t(S::SomeoneElseNote).replace("{days}", &sp.sublet_window_days.to_string()).replace("{n}", &sp.sublet_review_after.to_string()) }</p>
                        }
                    </fieldset>
                }
                <fieldset class="field">
                    <legend>{ lang.either("检查项（勾选表示符合）", "Checklist (ticked = fine)") }</legend>
                    { for sp.checklist.iter().filter(|item| !(is_stall && item.id == HOLDER_PRESENT_ITEM)).map(|item| {
                        let broken = failed.contains(&item.id);
                        let ok = !broken && checklist.iter().find(|c| c.id == item.id).is_none_or(|c| c.ok);
                        let toggle = { let checklist = checklist.clone(); let id = item.id.clone(); Callback::from(move |_| {
                            let mut next = (*checklist).clone();
                            if let Some(c) = next.iter_mut().find(|c| c.id == id) { c.ok = !c.ok; }
                            checklist.set(next);
                        }) };
                        html! { <label class={classes!("check", broken.then_some("broken"))}><input type="checkbox" id={format!("check-{}", item.id)} checked={ok} disabled={broken} onchange={toggle} />
                            { lang.pick(&item.text) }
                            if broken { <span class="badge full">{ lang.t(S::ViolationRecorded) }</span> }
                        </label> }
                    }) }
                </fieldset>
                <fieldset class="field">
                    <legend>{ lang.either("发现的违规", "Violations found") }</legend>
                    { for sp.violations.iter().map(|v| {
                        let on = chosen.contains(&v.code);
                        let toggle = { let chosen = chosen.clone(); let code = v.code.clone(); Callback::from(move |_| {
                            let mut next = (*chosen).clone();
                            if let Some(i) = next.iter().position(|c| *c == code) { next.remove(i); } else { next.push(code.clone()); }
                            chosen.set(next);
                        }) };
                        let cost = preview.iter().find(|(c, _)| *c == v.code).map(|(_, ch)| if ch.waived { lang.either("首违免罚", "first minor: free").to_string() } else { format!("−{}", ch.points) });
                        html! {
                            <label class="check">
                                <input type="checkbox" id={format!("violation-{}", v.code)} checked={on} onchange={toggle} />
                                { lang.pick(&v.title) }<span class="muted small">{ format!(" ({} {})", v.points, lang.either("分", "pts")) }</span>
                                if let Some(c) = cost { <span class="badge">{ c }</span> }
                            </label>
                        }
                    }) }
                </fieldset>
                if !chosen.is_empty() {
                    <p class="notice" id="points-preview">{ lang.either("记录后累计 ", "After this: ") }{ after.points }{ lang.either(" 分", " points") }
                        if after.suspend { <strong>{ lang.either("，许可将暂停", "; the permit will be suspended") }</strong> }</p>
                }
                <PhotoUpload id="inspection-photo" count={photos.len()} on_uploaded={{ let photos = photos.clone(); Callback::from(move |id: i64| { let mut n = (*photos).clone(); n.push(id); photos.set(n); }) }} />
                <div class="field">
                    <label for="notes">{ lang.either("情况说明", "Notes") }</label>
                    <textarea id="notes" rows="3" value={(*notes).clone()}
                        oninput={{ let n = notes.clone(); Callback::from(move |e: InputEvent| n.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                </div>
                <ErrorAlert error={(*error).clone()} />
                if !field_errors.is_empty() {
                    <ul class="field-errors">{ for field_errors.iter().map(|f| html! { <li>{ lang.pick(&f.message) }</li> }) }</ul>
                }
                <button type="submit" class="button primary" id="submit-inspection">{ lang.either("提交检查记录", "Record the inspection") }</button>
            </form>
        </section>
    }
}

fn urlencode(s: &str) -> String {
    js_sys::encode_uri_component(s).as_string().unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct PermitCardProps {
    pub permit: PermitView,
}

/// What an officer needs on site about a permit: whose, where, for what, until when, how it stands.
#[component]
pub fn PermitCard(p: &PermitCardProps) -> Html {
    let lang = use_lang();
    let pv = &p.permit;
    let max = pv.suspend_at_points.max(1);
    let pct = (pv.standing.points.min(max) * 100 / max).min(100);
    html! {
        <section class="card permit-card" id="permit-card" aria-labelledby="permit-card-title">
            <h2 id="permit-card-title">{ crate::pages::permits::permit_title(lang, &pv.kind) }{ " " }{ permit_status(lang, &pv.status) }</h2>
            <dl class="details">
                <div class="kv"><dt>{ lang.t(S::Holder) }</dt><dd id="permit-holder">{ &pv.holder }</dd></div>
                <div class="kv"><dt>{ lang.t(S::Address) }</dt><dd>{ &pv.location }</dd></div>
                <div class="kv"><dt>{ lang.t(S::Trade) }</dt><dd>{ common::trade::trade_label(&pv.trade).map(|t| lang.pick(&t)).unwrap_or_else(|| pv.trade.clone()) }</dd></div>
                <div class="kv"><dt>{ lang.t(S::Hours) }</dt><dd>{ &pv.hours }</dd></div>
                <div class="kv"><dt>{ lang.t(S::ValidPeriod) }</dt><dd>{ format!("{} – {}", pv.valid_from, pv.valid_until) }</dd></div>
                <div class="kv"><dt>{ lang.t(S::PenaltyPoints) }</dt><dd>
                    <span id="permit-points">{ format!("{} / {}", pv.standing.points, pv.suspend_at_points) }</span>
                    <div class="meter" role="img" aria-label={format!("{} / {}", pv.standing.points, pv.suspend_at_points)}>
                        <span class={classes!(pv.standing.suspend.then_some("over"))} style={format!("width:{pct}%")}></span>
                    </div>
                </dd></div>
            </dl>
            if !pv.status_reason.is_empty() { <p class="muted small">{ &pv.status_reason }</p> }
            <Link<Route> to={Route::Permit { id: pv.id }}>{ lang.t(S::OpenPermit) }</Link<Route>>
        </section>
    }
}
