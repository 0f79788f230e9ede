//! Complaints: anyone reports a problem (from a permit's check page, a zone page, or a point on
//! the map); the reporter follows it by a private link and can say "not fixed"; officers of the
//! district handle it.

use std::rc::Rc;

use common::dto::lifecycle::{COMPLAINT_SERVICES, ComplaintInput, ComplaintReceipt, ComplaintUpdate, ComplaintView};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, ErrorSummary, Success, with_targets};
use crate::components::case::CaseHistory;
use crate::components::decision::{Choice, Decided, DecisionForm, REASON_ID, send};
use crate::components::photo::PhotoUpload;
use crate::components::zone_map::{DistrictShape, ZoneMap, parse_basemap};
use crate::i18n::{Lang, S, use_lang};

/// `?permit=CODE` or `?zone=ID` on the report page.
#[derive(serde::Serialize, serde::Deserialize, Clone, PartialEq, Default)]
pub struct ReportQuery {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub permit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub zone: Option<i64>,
}

pub fn complaint_status(lang: Lang, s: &str) -> Html {
    let (zh, en) = match s {
        "open" => ("待处理", "Open"),
        "in_progress" => ("处理中", "Being handled"),
        "resolved" => ("已解决", "Resolved"),
        "closed_no_action" => ("不予处理", "Closed without action"),
        _ => ("其他", "Other"),
    };
    html! { <span class={classes!("badge", "complaint-status", s.to_string())} data-status={s.to_string()}>{ lang.either(zh, en) }</span> }
}

fn service_name(lang: Lang, code: &str) -> String {
    COMPLAINT_SERVICES.iter().find(|s| s.0 == code).map(|s| lang.either(s.1, s.2).to_string()).unwrap_or_default()
}

#[component]
pub fn ReportPage() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let location = use_location();
    let q = location.as_ref().and_then(|l| l.query::<ReportQuery>().ok()).unwrap_or_default();
    let service = use_state(|| "blocking".to_string());
    let description = use_state(String::new);
    let address = use_state(String::new);
    let contact = use_state(String::new);
    let point = use_state(|| None::<[f64; 2]>);
    let photo = use_state(|| None::<i64>);
    // Not signed in: the photo waits here and goes with the report's token once it is filed.
    let held = use_state(|| None::<std::rc::Rc<Vec<u8>>>);
    let signed_in = crate::hooks::use_session().me.is_some();
    let error = use_state(|| None::<ApiError>);
    let tried = use_state(|| false);
    let basemap = use_state(|| Rc::new(Vec::<DistrictShape>::new()));
    let anchored = q.permit.is_some() || q.zone.is_some();
    // Without a zone or permit in the link, the reporter can pick the zone (or mark the map).
    let zones = use_state(Vec::<common::dto::zones::ZoneSummary>::new);
    let picked_zone = use_state(|| None::<i64>);
    {
        let zones = zones.clone();
        use_effect_with(anchored, move |a| {
            if !*a {
                yew::platform::spawn_local(async move {
                    if let Ok(mut list) = api::all_zones("").await {
                        list.sort_by(|a, b| {
                            a.district
                                .code()
                                .cmp(b.district.code())
                                .then_with(|| common::text::natural_cmp(&a.name, &b.name))
                        });
                        zones.set(list);
                    }
                });
            }
        });
    }
    {
        let basemap = basemap.clone();
        use_effect_with(anchored, move |a| {
            if !*a {
                yew::platform::spawn_local(async move {
                    if let Ok(v) = api::get::<serde_json::Value>("/api/v1/public/districts.geojson").await {
                        basemap.set(Rc::new(parse_basemap(&v)));
                    }
                });
            }
        });
    }
    let input = ComplaintInput {
        service_code: (*service).clone(),
        description: (*description).clone(),
        zone_id: q.zone.or(*picked_zone),
        permit_code: q.permit.clone(),
        location: *point,
        address: (*address).clone(),
        contact: (*contact).clone(),
        evidence_id: *photo,
    };
    // The same checks the server runs.
    let problems = input.validate();
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let field_errors = |f: &str| -> Html {
        let list: Vec<_> = problems.iter().filter(|_| *tried).chain(server.iter()).filter(|e| e.field == f).collect();
        html! { <ul class="field-errors">{ for list.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul> }
    };
    let submit = {
        let (input, error, tried, navigator, ok, held) =
            (input.clone(), error.clone(), tried.clone(), navigator.clone(), problems.is_empty(), held.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            if !ok {
                return;
            }
            let (input, error, navigator, held) = (input.clone(), error.clone(), navigator.clone(), (*held).clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, ComplaintReceipt>("/api/v1/complaints", &input).await {
                    Ok(r) => {
                        if let Some(bytes) = held {
                            let path = format!("/api/v1/public/complaints/{}/photo", r.token);
                            let sent = api::request_bytes::<common::dto::lifecycle::EvidenceReceipt>(
                                gloo::net::http::Method::POST,
                                &path,
                                (*bytes).clone(),
                            )
                            .await;
                            // The report is filed; a photo that did not go is said here, not lost in silence.
                            if let Err(e) = sent {
                                error.set(Some(e));
                                return;
                            }
                        }
                        if let Some(n) = navigator {
                            n.push(&Route::ComplaintStatus { token: r.token });
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_map_click = {
        let point = point.clone();
        Callback::from(move |p: [f64; 2]| point.set(Some(p)))
    };
    let overlay = {
        let p = *point;
        Callback::from(move |(vp, unit): (common::geo::Viewport, f64)| match p {
            Some(p) => {
                let (x, y) = vp.project(p);
                html! { <circle class="event-point" cx={x.to_string()} cy={y.to_string()} r={(7.0 * unit).to_string()} /> }
            }
            None => html! {},
        })
    };
    let text = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    html! {
        <section class="page narrow">
            <h1>{ lang.either("反映问题", "Report a problem") }</h1>
            <p class="lead">{ lang.either("问题会直接转到所在区城管。提交后您会得到一个查询链接，可随时查看处理进度。", "It goes straight to the district's officers. You get a private link to follow it.") }</p>
            if let Some(code) = &q.permit { <p class="notice">{ lang.either("关于许可 ", "About permit ") }<code>{ code }</code></p> }
            <form class="form" id="report-form" onsubmit={submit} novalidate=true>
                <div class="field">
                    <label for="service">{ lang.either("问题类型", "What kind of problem") }</label>
                    <select id="service" onchange={{ let s = service.clone(); Callback::from(move |e: Event| s.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                        { for COMPLAINT_SERVICES.iter().map(|(c, zh, en)| html! { <option value={*c} selected={*service == *c}>{ lang.either(zh, en) }</option> }) }
                    </select>
                    { field_errors("service_code") }
                </div>
                <div class="field">
                    <label for="description">{ lang.either("具体情况", "What happened") }</label>
                    <textarea id="description" rows="4" value={(*description).clone()}
                        oninput={{ let d = description.clone(); Callback::from(move |e: InputEvent| d.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                    { field_errors("description") }
                </div>
                if !anchored {
                    <div class="field">
                        <label for="report-zone">{ lang.t(S::ReportZone) }</label>
                        <p class="hint">{ lang.t(S::ReportZoneHint) }</p>
                        <select id="report-zone" onchange={{ let z = picked_zone.clone(); Callback::from(move |e: Event| z.set(e.target_unchecked_into::<HtmlSelectElement>().value().parse().ok())) }}>
                            <option value="" selected={picked_zone.is_none()}>{ lang.t(S::NotAtAZone) }</option>
                            { for common::District::ALL.into_iter().map(|d| html! {
                                <optgroup label={lang.either(d.name_zh(), d.name_en()).to_string()}>
                                    { for zones.iter().filter(|z| z.district == d).map(|z| html! {
                                        <option value={z.id.to_string()} selected={*picked_zone == Some(z.id)}>{ format!("{} · {}", z.name, z.code) }</option>
                                    }) }
                                </optgroup>
                            }) }
                        </select>
                    </div>
                }
                if !anchored && picked_zone.is_none() {
                    <div class="field">
                        <p class="label">{ lang.either("在地图上点出位置", "Click where it is on the map") }</p>
                        <ZoneMap basemap={(*basemap).clone()} zones={Rc::new(Vec::new())} on_select={Callback::noop()} on_map_click={on_map_click}
                            overlay={overlay} label={lang.either("点击地图标出位置", "Click the map to mark the place")} />
                        if let Some(p) = *point { <p class="muted small" id="picked-point">{ format!("{:.5}, {:.5}", p[1], p[0]) }</p> }
                        { field_errors("location") }
                    </div>
                }
                <div class="field"><label for="address">{ lang.either("地址或地标（可不填）", "Address or landmark (optional)") }</label>
                    <input id="address" type="text" value={(*address).clone()} oninput={text(address.clone())} />{ field_errors("address") }</div>
                <PhotoUpload id="complaint-photo" count={usize::from(photo.is_some() || held.is_some())}
                    on_uploaded={{ let p = photo.clone(); Callback::from(move |id: i64| p.set(Some(id))) }}
                    hold={(!signed_in).then(|| { let h = held.clone(); Callback::from(move |b: Vec<u8>| h.set(Some(std::rc::Rc::new(b)))) })} />
                <div class="field"><label for="contact">{ lang.either("联系电话（可不填，仅工作人员可见）", "Phone (optional, staff only)") }</label>
                    <input id="contact" type="tel" value={(*contact).clone()} oninput={text(contact.clone())} />{ field_errors("contact") }</div>
                <ErrorAlert error={(*error).clone().filter(|e| e.field_errors().is_empty())} />
                if *tried || !server.is_empty() {
                    <ErrorSummary errors={with_targets(&problems.iter().chain(server.iter()).cloned().collect::<Vec<_>>(), &[
                        ("service_code", "service"), ("location", "report-zone"),
                    ])} />
                }
                <button type="submit" class="button primary" id="submit-report">{ lang.either("提交", "Send") }</button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TokenProps {
    pub token: String,
}

/// The reporter's private page.
#[component]
pub fn ComplaintStatusPage(p: &TokenProps) -> Html {
    let lang = use_lang();
    let c = use_state(|| None::<Result<ComplaintView, ApiError>>);
    let note = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    {
        let c = c.clone();
        use_effect_with(p.token.clone(), move |t| {
            let t = t.clone();
            yew::platform::spawn_local(async move {
                c.set(Some(api::get(&format!("/api/v1/public/complaints/{t}")).await))
            });
        });
    }
    let v = match &*c {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(v)) => v.clone(),
    };
    let reopen = {
        let (note, error, c, token) = (note.clone(), error.clone(), c.clone(), p.token.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({ "note": *note });
            let (error, c, token) = (error.clone(), c.clone(), token.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, ComplaintView>(&format!("/api/v1/complaints/by-token/{token}/reopen"), &body).await
                {
                    Ok(v) => c.set(Some(Ok(v))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let closed = matches!(v.status.as_str(), "resolved" | "closed_no_action");
    html! {
        <section class="page narrow">
            <h1>{ lang.either("问题处理进度", "Your report") }{ " " }{ complaint_status(lang, &v.status) }</h1>
            <Success><p>{ lang.either("请保存本页链接，以便随时查看。", "Keep this page's link to come back to it.") }</p></Success>
            <dl class="details card">
                <div class="kv"><dt>{ lang.either("类型", "Kind") }</dt><dd>{ service_name(lang, &v.service_code) }</dd></div>
                <div class="kv"><dt>{ lang.either("情况", "What") }</dt><dd>{ &v.description }</dd></div>
                <div class="kv"><dt>{ lang.t(S::District) }</dt><dd id="complaint-district">{ lang.either(v.district.name_zh(), v.district.name_en()) }</dd></div>
                if !v.status_note.is_empty() { <div class="kv"><dt>{ lang.either("处理说明", "Officer's note") }</dt><dd>{ &v.status_note }</dd></div> }
            </dl>
            if closed {
                <form class="form card" onsubmit={reopen}>
                    <div class="field">
                        <label for="reopen-note">{ lang.either("问题没有解决？说明情况后重新提交", "Not fixed? Say what is still wrong") }</label>
                        <textarea id="reopen-note" rows="3" value={(*note).clone()}
                            oninput={{ let n = note.clone(); Callback::from(move |e: InputEvent| n.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                    </div>
                    <ErrorAlert error={(*error).clone()} />
                    <button type="submit" class="button" id="reopen">{ lang.either("仍未解决", "Not fixed") }</button>
                </form>
            }
            <h2>{ lang.either("处理记录", "History") }</h2>
            <CaseHistory events={v.history.clone()} />
        </section>
    }
}

/// Officers: the district's open complaints (part of the review page).
#[component]
pub fn ComplaintQueue() -> Html {
    let lang = use_lang();
    let list = use_state(|| None::<Result<Vec<ComplaintView>, ApiError>>);
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { list.set(Some(api::get("/api/v1/review/complaints").await)) });
        });
    }
    html! {
        <section class="complaint-queue-section">
            <h2>{ lang.either("投诉处理", "Complaints") }</h2>
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(l)) if l.is_empty() => html! { <p class="muted" id="complaint-queue-empty">{ lang.either("没有待处理的投诉。", "No open complaints.") }</p> },
                Some(Ok(l)) => html! {
                    <ul class="plain" id="complaint-queue">
                        { for l.iter().map(|c| html! {
                            <li class="card" data-id={c.id.to_string()}>
                                <Link<Route> to={Route::StaffComplaint { id: c.id }}>{ service_name(lang, &c.service_code) }{ " · " }{ c.description.chars().take(40).collect::<String>() }</Link<Route>>
                                { " " }{ complaint_status(lang, &c.status) }
                                if c.reopened > 0 { <span class="badge overdue-badge">{ lang.either("被反映未解决", "Reopened") }{ format!(" ×{}", c.reopened) }</span> }
                                <p class="muted small">{ common::time::to_xiamen(c.created_at).format("%Y-%m-%d %H:%M").to_string() }{ " · " }{ &c.address }</p>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct IdProps {
    pub id: i64,
}

/// Officers: one complaint and its handling.
#[component]
pub fn StaffComplaintPage(p: &IdProps) -> Html {
    let lang = use_lang();
    let c = use_state(|| None::<Result<ComplaintView, ApiError>>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let reload = use_state(|| 0u32);
    let done = use_state(|| false);
    let basemap = crate::hooks::use_basemap();
    {
        let c = c.clone();
        use_effect_with((p.id, *reload), move |(id, _)| {
            let id = *id;
            yew::platform::spawn_local(async move { c.set(Some(api::get(&format!("/api/v1/complaints/{id}")).await)) });
        });
    }
    let v = match &*c {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(v)) => v.clone(),
    };
    let update = |d: &Decided| ComplaintUpdate { status: d.choice.to_string(), note: d.reason.clone() };
    let validate = Callback::from(move |d: Decided| update(&d).validate());
    let on_decide = {
        let (error, busy, done, reload, id) = (error.clone(), busy.clone(), done.clone(), reload.clone(), p.id);
        Callback::from(move |d: Decided| {
            let (done, reload) = (done.clone(), reload.clone());
            let after = Callback::from(move |_| {
                done.set(true);
                reload.set(*reload + 1);
            });
            send(format!("/api/v1/complaints/{id}/status"), update(&d), error.clone(), busy.clone(), after)
        })
    };
    let note = lang.t(S::ComplaintNote);
    let choices = vec![
        Choice::new("resolved", lang.t(S::ComplaintResolved), lang.t(S::ComplaintResolvedConsequence))
            .with_reason(note, None),
        Choice::new("in_progress", lang.t(S::ComplaintInProgress), lang.t(S::ComplaintInProgressConsequence))
            .with_reason(note, None),
        Choice::new("closed_no_action", lang.t(S::ComplaintNoAction), lang.t(S::ComplaintNoActionConsequence))
            .with_reason(lang.t(S::ComplaintNoActionReason), None),
    ];
    let open = matches!(v.status.as_str(), "open" | "in_progress");
    let point = v.location;
    let overlay = Callback::from(move |(vp, unit): (common::geo::Viewport, f64)| match point {
        Some(p) => {
            let (x, y) = vp.project(p);
            html! { <circle class="event-point" cx={x.to_string()} cy={y.to_string()} r={(7.0 * unit).to_string()} /> }
        }
        None => html! {},
    });
    html! {
        <section class="page case-page">
            <p class="back-link"><Link<Route> to={Route::Review}>{ "← " }{ lang.t(S::BackToWorkbench) }</Link<Route>></p>
            <h1><span class="case-number">{ common::dto::cases::CaseKind::Complaint.number(v.id) }</span>{ " " }{ service_name(lang, &v.service_code) }{ " " }{ complaint_status(lang, &v.status) }</h1>
            if *done {
                <Success>
                    <p id="decision-done">{ lang.t(S::DecisionSaved) }</p>
                    <crate::pages::review::NextCase current={v.id} />
                </Success>
            }
            <div class="case-layout">
                <section class="card case-summary" id="case-summary">
                    <dl class="details">
                        <div class="kv"><dt>{ lang.t(S::ComplaintWhat) }</dt><dd>{ &v.description }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::ComplaintWhere) }</dt><dd>{ &v.address }</dd></div>
                        if let Some(code) = &v.permit_code { <div class="kv"><dt>{ lang.t(S::PermitLabel) }</dt><dd><Link<Route> to={Route::Verify { code: code.clone() }}>{ code }</Link<Route>></dd></div> }
                        if let Some(ct) = v.contact.as_ref().filter(|c| !c.is_empty()) { <div class="kv"><dt>{ lang.t(S::Phone) }</dt><dd><a href={format!("tel:{ct}")}>{ ct }</a></dd></div> }
                        <div class="kv"><dt>{ lang.t(S::ReceivedAt) }</dt><dd>{ common::time::to_xiamen(v.created_at).format("%Y-%m-%d %H:%M").to_string() }</dd></div>
                        if v.reopened > 0 { <div class="kv"><dt>{ lang.t(S::TimesReopened) }</dt><dd>{ v.reopened }</dd></div> }
                    </dl>
                    if let Some(e) = v.evidence_id { <img class="evidence-photo" src={format!("/api/v1/evidence/{e}")} alt={lang.t(S::ComplaintPhoto)} /> }
                    if let Some(p) = v.location {
                        <div class="case-map">
                            <ZoneMap basemap={basemap} zones={Rc::new(Vec::new())} on_select={Callback::noop()} overlay={overlay}
                                focus={Some(common::geo::BBox::of_point(p).grown(0.0, 0.0015))} label={lang.t(S::CaseMapLabel)} />
                        </div>
                    }
                </section>
                <div class="case-side">
                    if open {
                        <DecisionForm choices={choices} validate={validate} on_decide={on_decide} error={(*error).clone()} busy={*busy}
                            field_targets={vec![("note", REASON_ID)]} />
                    } else if !v.status_note.is_empty() {
                        <p class="card"><strong>{ lang.t(S::Reason) }{ "：" }</strong>{ &v.status_note }</p>
                    }
                </div>
            </div>
            <h2>{ lang.t(S::History) }</h2>
            <CaseHistory events={v.history.clone()} />
        </section>
    }
}
