//! Officers on site, usually on a phone: the permit (opened from its page or a scanned code),
//! the pack's checklist, violations with what each would cost on this permit's ledger (the same
//! arithmetic as the server), photos and notes.

use common::dto::lifecycle::{ChecklistAnswer, InspectionInput, InspectionResult, PermitView};
use common::policy::PolicyPack;
use common::policy::supervision::LedgerEntry;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::photo::PhotoUpload;
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
    let checklist = use_state(Vec::<ChecklistAnswer>::new);
    let chosen = use_state(Vec::<String>::new);
    let notes = use_state(String::new);
    let photos = use_state(Vec::<i64>::new);
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
    if session.loaded && !session.me.as_ref().is_some_and(|m| m.role.is_staff()) {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }
    let pack = match &*pack {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(p)) => p.clone(),
    };
    let sp = pack.supervision.clone();
    let current = match &*permit {
        Some(Ok(p)) => Some(p.clone()),
        _ => None,
    };
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

    let submit = {
        let (code, checklist, chosen, notes, photos, error, done, permit_id) = (
            code.clone(),
            checklist.clone(),
            chosen.clone(),
            notes.clone(),
            photos.clone(),
            error.clone(),
            done.clone(),
            query.permit,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = InspectionInput {
                permit_code: if permit_id.is_none() { Some(code.trim().to_string()) } else { None },
                permit_id,
                zone_id: None,
                checklist: (*checklist).clone(),
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
                        <p id="inspection-result">{ &p.title }{ " " }{ permit_status(lang, &p.status) }{ " · " }{ p.standing.points }{ lang.either(" 分", " points") }</p>
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
                if let Some(p) = &current {
                    <p class="card"><strong>{ &p.title }</strong>{ " " }{ permit_status(lang, &p.status) }<br />{ &p.location }<br />
                        <span class="muted small">{ &p.holder }{ " · " }{ p.standing.points }{ lang.either(" 分", " points") }</span></p>
                } else {
                    <div class="field">
                        <label for="permit-code">{ lang.either("许可核验码（扫码或输入）", "Permit code (scan or type)") }</label>
                        <input id="permit-code" type="text" autocapitalize="characters" value={(*code).clone()}
                            oninput={{ let c = code.clone(); Callback::from(move |e: InputEvent| c.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    </div>
                }
                <fieldset class="field">
                    <legend>{ lang.either("检查项（勾选表示符合）", "Checklist (ticked = fine)") }</legend>
                    { for sp.checklist.iter().map(|item| {
                        let ok = checklist.iter().find(|c| c.id == item.id).is_none_or(|c| c.ok);
                        let toggle = { let checklist = checklist.clone(); let id = item.id.clone(); Callback::from(move |_| {
                            let mut next = (*checklist).clone();
                            if let Some(c) = next.iter_mut().find(|c| c.id == id) { c.ok = !c.ok; }
                            checklist.set(next);
                        }) };
                        html! { <label class="check"><input type="checkbox" id={format!("check-{}", item.id)} checked={ok} onchange={toggle} />{ lang.pick(&item.text) }</label> }
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
