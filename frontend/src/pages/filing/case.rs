//! One filing as its shop and its officers see it: who, where (the street and the drawn area on a
//! map), what was declared, the rule checks in plain words and the history; for officers the
//! decision (with the conditions an approval sets, confirmed before sending) and, apart from it,
//! revocation.

use common::application::ReturnItem;
use common::dto::filings::{ApprovalConditions, FilingDecision};
use common::policy::StreetClass;

use super::*;
use crate::components::alert::Success;
use crate::components::decision::{Choice, Decided, DecisionForm, REASON_ID, send};
use crate::components::notices::CaseNotices;
use crate::hooks::use_basemap;
use crate::pages::review::NextCase;

#[derive(Properties, PartialEq)]
pub struct FilingPageProps {
    pub id: i64,
}

/// The conditions form's values, as typed.
#[derive(Clone, PartialEq, Default)]
struct ConditionsDraft {
    frontage: String,
    depth: String,
    windows: Vec<TimeWindow>,
    note: String,
}

impl ConditionsDraft {
    fn from_filing(app: &PolicyApplication) -> ConditionsDraft {
        match app {
            PolicyApplication::CrossStore(f) => ConditionsDraft {
                frontage: f.frontage_m.to_string(),
                depth: f.depth_m.to_string(),
                windows: f.windows.clone(),
                note: String::new(),
            },
            PolicyApplication::OutdoorPromo(_) => ConditionsDraft::default(),
        }
    }

    /// What is sent: only what narrows the filing, nothing when the officer changed nothing.
    fn to_conditions(&self, app: &PolicyApplication) -> Option<ApprovalConditions> {
        let mut c = ApprovalConditions { note: self.note.trim().to_string(), ..Default::default() };
        if let PolicyApplication::CrossStore(f) = app {
            let num = |s: &str, filed: f64| -> Option<f64> {
                let v = s.trim().parse::<f64>().unwrap_or(f64::NAN);
                ((v - filed).abs() > 1e-9).then_some(v)
            };
            c.frontage_m = num(&self.frontage, f.frontage_m);
            c.depth_m = num(&self.depth, f.depth_m);
            if self.windows != f.windows {
                c.windows = Some(self.windows.clone());
            }
        }
        (c != ApprovalConditions::default()).then_some(c)
    }
}

fn decision_of(d: &Decided, conditions: Option<ApprovalConditions>) -> FilingDecision {
    match d.choice {
        "approve" => FilingDecision::Approve { conditions },
        "reject" => FilingDecision::Reject { reason: d.reason.clone() },
        _ => FilingDecision::Return {
            items: d
                .reason
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| ReturnItem { item: "filing".into(), message: l.to_string() })
                .collect(),
        },
    }
}

#[component]
pub fn FilingPage(p: &FilingPageProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let filing = use_state(|| None::<Result<FilingView, ApiError>>);
    let pack = use_pack();
    let reload = use_state(|| 0u32);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let done = use_state(|| None::<&'static str>);
    let draft = use_state(ConditionsDraft::default);
    {
        let (filing, draft) = (filing.clone(), draft.clone());
        use_effect_with((p.id, *reload), move |(id, _)| {
            let id = *id;
            yew::platform::spawn_local(async move {
                let r = api::get::<FilingView>(&format!("/api/v1/filings/{id}")).await;
                if let Ok(f) = &r {
                    draft.set(ConditionsDraft::from_filing(&f.application));
                }
                filing.set(Some(r));
            });
        });
    }
    let f = match &*filing {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(f)) => f.clone(),
    };
    let staff = session.me.as_ref().is_some_and(|m| m.role.is_staff());
    let number = common::dto::cases::CaseKind::CrossStore.number(f.id);
    let post = |path: &'static str, message: &'static str| {
        let (error, reload, busy, done, id) = (error.clone(), reload.clone(), busy.clone(), done.clone(), p.id);
        Callback::from(move |body: serde_json::Value| {
            let (done, reload) = (done.clone(), reload.clone());
            let after = Callback::from(move |_| {
                done.set(Some(message));
                reload.set(*reload + 1);
            });
            send(format!("/api/v1/filings/{id}/{path}"), body, error.clone(), busy.clone(), after)
        })
    };
    let send_decision = post("decision", "decided");
    let send_revoke = post("revoke", "revoked");

    let decision = (staff && f.status == "pending_review").then(|| {
        let application = f.application.clone();
        let validate = {
            let (draft, application) = (draft.clone(), application.clone());
            Callback::from(move |d: Decided| {
                let conditions = draft.to_conditions(&application);
                let mut problems = decision_of(&d, conditions.clone()).validate();
                if let (true, Some(c)) = (d.choice == "approve", &conditions) {
                    problems.extend(c.validate(&application));
                }
                problems
            })
        };
        let on_decide = {
            let (draft, application, send) = (draft.clone(), application.clone(), send_decision.clone());
            Callback::from(move |d: Decided| {
                let body = decision_of(&d, draft.to_conditions(&application));
                send.emit(serde_json::to_value(&body).unwrap_or_default());
            })
        };
        let choices = vec![
            Choice::new("approve", lang.t(S::Approve), lang.t(S::ApproveConsequence)),
            Choice::new("return", lang.t(S::ReturnForCorrection), lang.t(S::ReturnConsequence)).with_reason(lang.t(S::ReturnItemsOnePerLine), Some(lang.t(S::ReturnItemsHint))),
            Choice::new("reject", lang.t(S::Reject), lang.t(S::RejectConsequence)).with_reason(lang.t(S::RejectReason), Some(lang.t(S::RejectReasonHint))),
        ];
        let extra = matches!(application, PolicyApplication::CrossStore(_))
            .then(|| ("approve", conditions_fields(lang, &draft, &application, &error)));
        let summary = draft
            .to_conditions(&application)
            .map(|c| conditions_summary(lang, &c))
            .unwrap_or_else(|| vec![lang.t(S::AsFiled).to_string()]);
        html! {
            <DecisionForm choices={choices} validate={validate} on_decide={on_decide} error={(*error).clone()} busy={*busy}
                extra={extra} extra_summary={summary} field_targets={vec![("items", REASON_ID), ("conditions", "conditions")]} />
        }
    });

    let revoke = (staff && (f.status == "filed" || f.status == "approved")).then(|| {
        let on_decide = {
            let send = send_revoke.clone();
            Callback::from(move |d: Decided| send.emit(serde_json::json!({ "reason": d.reason })))
        };
        let validate = Callback::from(|d: Decided| {
            let mut e = common::validate::Errors::new();
            e.text("reason", "撤销原因", "Reason", &d.reason, 500);
            e.0
        });
        let choices = vec![Choice::new("revoke", lang.t(S::RevokeFiling), lang.t(S::RevokeConsequence)).with_reason(lang.t(S::RevokeReason), Some(lang.t(S::RevokeReasonHint)))];
        html! {
            <details class="card danger-zone" id="revoke-section">
                <summary>{ lang.t(S::RevokeAfterInspection) }</summary>
                <p class="muted">{ lang.t(S::RevokeExplain) }</p>
                <DecisionForm choices={choices} validate={validate} on_decide={on_decide} error={(*error).clone()} busy={*busy} prefix="revoke" />
            </details>
        }
    });

    let edit_route = if f.kind == "cross_store" { Route::FileCrossStore } else { Route::FileOutdoorPromo };
    html! {
        <section class="page case-page">
            <p class="back-link">
                if staff {
                    <Link<Route> to={Route::Review}>{ "← " }{ lang.t(S::BackToWorkbench) }</Link<Route>>
                } else {
                    <Link<Route> to={Route::MyFilings}>{ "← " }{ lang.t(S::MyFilings) }</Link<Route>>
                }
            </p>
            <h1><span class="case-number">{ number }</span>{ " " }{ kind_name(lang, &f.kind) }{ " " }{ filing_status(lang, &f.status) }</h1>
            if let Some(what) = *done {
                <Success>
                    <p id="decision-done">{ if what == "revoked" { lang.t(S::FilingRevokedDone) } else { lang.t(S::DecisionSaved) } }</p>
                    if staff { <NextCase current={f.id} /> }
                </Success>
            }
            if let Some(pm) = &f.permit {
                <div class="card permit" id="permit">
                    <h2>{ crate::pages::permits::permit_title(lang, &pm.kind) }</h2>
                    <p>{ lang.t(S::Code) }{ "：" }<code>{ &pm.verify_code }</code>{ " · " }{ format!("{} – {}", pm.valid_from, pm.valid_until) }</p>
                    <div class="actions">
                        <a class="button primary" id="download-certificate" href={format!("/api/v1/permits/{}/certificate.pdf", pm.id)} download={format!("tangui-{}.pdf", pm.verify_code)}>{ lang.t(S::DownloadCertificate) }</a>
                        <Link<Route> to={Route::Verify { code: pm.verify_code.clone() }} classes="button secondary">{ lang.t(S::VerifyTitle) }</Link<Route>>
                    </div>
                </div>
            }
            if f.status == "pending_review" {
                <p class="notice">{ lang.t(S::AwaitingReview) }{ f.deadline.map(|d| format!(" · {} {}", lang.t(S::Deadline), d)).unwrap_or_default() }</p>
            }
            if f.status == "returned" && !staff {
                <div class="alert warn" role="alert">
                    <p>{ lang.t(S::FilingReturned) }</p>
                    <ul>{ for f.return_items.iter().map(|i| html! { <li>{ &i.message }</li> }) }</ul>
                    <Link<Route, FromQuery> to={edit_route} query={Some(FromQuery { from: f.id })} classes="button primary">{ lang.t(S::CorrectAndResubmit) }</Link<Route, FromQuery>>
                </div>
            }
            if !f.decision_reason.is_empty() { <p id="decision-reason-shown"><strong>{ lang.t(S::Reason) }{ "：" }</strong>{ &f.decision_reason }</p> }
            <div class="case-layout">
                <FilingSummary filing={f.clone()} />
                <div class="case-side">
                    { decision.unwrap_or_default() }
                    if let Some(Ok(pack)) = &*pack {
                        <EvaluationPanel evaluation={f.evaluation.clone()} pack={pack.clone()} officer={staff}
                            heading={AttrValue::from(lang.t(S::ServerEvaluation))} />
                    }
                </div>
            </div>
            <CaseNotices notices={f.notices.clone()} />
            <h2>{ lang.t(S::History) }</h2>
            <CaseHistory events={f.history.clone()} />
            { revoke.unwrap_or_default() }
        </section>
    }
}

fn window_text(w: &TimeWindow) -> String {
    format!("{}–{}", w.start.format("%H:%M"), w.end.format("%H:%M"))
}

/// The conditions an approval may set on a cross-storefront filing: narrower size, fewer
/// windows, conditions in words.
fn conditions_fields(
    lang: Lang,
    draft: &UseStateHandle<ConditionsDraft>,
    app: &PolicyApplication,
    error: &UseStateHandle<Option<ApiError>>,
) -> Html {
    let PolicyApplication::CrossStore(filed) = app else { return html! {} };
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let errs = |field: &str| -> Html {
        let list: Vec<_> = server.iter().filter(|e| e.field == field).collect();
        html! { <ul class="field-errors">{ for list.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul> }
    };
    let set = |f: fn(&mut ConditionsDraft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*draft).clone();
            let v = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| e.target_dyn_into::<HtmlTextAreaElement>().map(|t| t.value()))
                .unwrap_or_default();
            f(&mut next, v);
            draft.set(next);
        })
    };
    let toggle = |w: TimeWindow| {
        let draft = draft.clone();
        Callback::from(move |_| {
            let mut next = (*draft).clone();
            if let Some(i) = next.windows.iter().position(|x| x.start == w.start && x.end == w.end) {
                next.windows.remove(i);
            } else {
                next.windows.push(w.clone());
                next.windows.sort_by_key(|x| x.start);
            }
            draft.set(next);
        })
    };
    html! {
        <fieldset class="field conditions" id="conditions">
            <legend>{ lang.t(S::ApprovalConditions) }</legend>
            <p class="hint">{ lang.t(S::ApprovalConditionsHint) }</p>
            <div class="inline-fields">
                <div class="field">
                    <label for="cond-frontage">{ lang.t(S::Frontage) }</label>
                    <input id="cond-frontage" type="number" step="0.1" min="0" max={filed.frontage_m.to_string()} value={draft.frontage.clone()} oninput={set(|d, v| d.frontage = v)} />
                    { errs("conditions.frontage_m") }
                </div>
                <div class="field">
                    <label for="cond-depth">{ lang.t(S::Depth) }</label>
                    <input id="cond-depth" type="number" step="0.1" min="0" max={filed.depth_m.to_string()} value={draft.depth.clone()} oninput={set(|d, v| d.depth = v)} />
                    { errs("conditions.depth_m") }
                </div>
            </div>
            <div class="field">
                <span class="label">{ lang.t(S::TimeWindows) }</span>
                { for filed.windows.iter().map(|w| {
                    let id = format!("cond-window-{}", w.start.format("%H%M"));
                    let checked = draft.windows.iter().any(|x| x.start == w.start && x.end == w.end);
                    html! { <label class="check"><input type="checkbox" id={id} checked={checked} onchange={toggle(w.clone())} />{ window_text(w) }</label> }
                }) }
                { errs("conditions.windows") }
            </div>
            <div class="field">
                <label for="cond-note">{ lang.t(S::OtherConditions) }</label>
                <textarea id="cond-note" rows="2" value={draft.note.clone()} oninput={set(|d, v| d.note = v)} />
                { errs("conditions.note") }
            </div>
        </fieldset>
    }
}

fn conditions_summary(lang: Lang, c: &ApprovalConditions) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = c.frontage_m {
        out.push(format!("{} {v}", lang.t(S::Frontage)));
    }
    if let Some(v) = c.depth_m {
        out.push(format!("{} {v}", lang.t(S::Depth)));
    }
    if let Some(ws) = &c.windows {
        out.push(format!(
            "{}：{}",
            lang.t(S::TimeWindows),
            ws.iter().map(window_text).collect::<Vec<_>>().join(if lang.is_en() { ", " } else { "、" })
        ));
    }
    if !c.note.is_empty() {
        out.push(c.note.clone());
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct FilingSummaryProps {
    pub filing: FilingView,
}

/// Who filed, where, and what they declared, with the street and the drawn area on a map.
#[component]
pub fn FilingSummary(p: &FilingSummaryProps) -> Html {
    let lang = use_lang();
    let basemap = use_basemap();
    let f = &p.filing;
    let kv = |label: S, value: Html| html! { <div class="kv"><dt>{ lang.t(label) }</dt><dd>{ value }</dd></div> };
    let text = |s: String| html! { { s } };
    let yes_no = |b: bool| if b { lang.t(S::Yes) } else { lang.t(S::No) };
    let contact = f.contact.clone();
    let who = html! {
        <>
            { kv(S::Merchant, text(f.merchant.clone())) }
            if let Some(c) = &contact {
                if let Some(n) = &c.name { { kv(S::ContactName, text(n.clone())) } }
                if let Some(ph) = &c.phone { { kv(S::Phone, html! { <a href={format!("tel:{ph}")}>{ ph }</a> }) } }
                if let Some(cc) = &c.credit_code { { kv(S::CreditCode, text(cc.clone())) } }
            }
            { kv(S::SubmittedAt, text(common::time::to_xiamen(f.submitted_at).format("%Y-%m-%d %H:%M").to_string())) }
        </>
    };
    let (what, shapes, focus): (Html, Vec<(Vec<[f64; 2]>, &'static str)>, Option<BBox>) = match &f.application {
        PolicyApplication::CrossStore(c) => {
            let seg = f.segment.clone();
            let declared = c.frontage_m * c.depth_m;
            let drawn = c.area.as_ref().map(|a| geo::ring_area_m2(a));
            let mut shapes = Vec::new();
            if let Some(s) = &seg {
                shapes.push((s.line.clone(), s.class.as_str()));
            }
            if let Some(a) = &c.area {
                shapes.push((a.clone(), "area"));
            }
            let focus = c
                .area
                .as_ref()
                .and_then(|a| BBox::of_points(a))
                .or_else(|| seg.as_ref().and_then(|s| BBox::of_points(&s.line)))
                .map(|b| b.grown(1.0, 0.00012));
            let what = html! {
                <>
                    { kv(S::ShopName, text(c.shop_name.clone())) }
                    { kv(S::Address, text(c.address.clone())) }
                    if let Some(s) = &seg {
                        { kv(S::Segment, html! { <>{ &s.name }{ " · " }<span class={classes!("segment-class", s.class.as_str())}>{ class_name(lang, s.class) }</span>
                            { format!(" · {} {:.1} m", lang.t(S::Sidewalk), s.sidewalk_m) }</> }) }
                    }
                    { kv(S::Trade, text(lang.either(c.trade.name_zh(), c.trade.name_en()).to_string())) }
                    { kv(S::DeclaredSize, text(format!("{} m × {} m = {:.1} m²", c.frontage_m, c.depth_m, declared))) }
                    { kv(S::DrawnArea, text(match drawn { Some(m2) => format!("≈ {m2:.1} m²"), None => lang.t(S::NotDrawn).to_string() })) }
                    { kv(S::TimeWindows, text(c.windows.iter().map(window_text).collect::<Vec<_>>().join(if lang.is_en() { ", " } else { "、" }))) }
                    { kv(S::ValidPeriod, text(format!("{} – {}", c.starts_on, c.ends_on))) }
                    { kv(S::FrontageDutiesShort, text(yes_no(c.frontage_duties).to_string())) }
                </>
            };
            (what, shapes, focus)
        }
        PolicyApplication::OutdoorPromo(o) => {
            let what = html! {
                <>
                    { kv(S::Venue, text(o.venue_name.clone())) }
                    { kv(S::Address, text(o.address.clone())) }
                    { kv(S::EventDescription, text(o.description.clone())) }
                    { kv(S::ValidPeriod, text(format!("{} – {}", o.starts_on, o.ends_on))) }
                    { kv(S::DailyHours, text(format!("{}–{}", o.daily_start.format("%H:%M"), o.daily_end.format("%H:%M")))) }
                    { kv(S::AreaM2, text(format!("{}", o.area_m2))) }
                    { kv(S::Visitors, text(o.expected_visitors.to_string())) }
                    { kv(S::NoLoudspeakers, text(yes_no(o.no_loudspeakers).to_string())) }
                    { kv(S::FireLanesClear, text(yes_no(o.fire_lanes_clear).to_string())) }
                    { kv(S::NoCooking, text(yes_no(o.no_cooking).to_string())) }
                    if o.temporary_ads > 0 {
                        { kv(S::TemporaryAds, text(format!("{}{}", o.temporary_ads, o.ads_removed_by.map(|d| format!(" · {} {d}", lang.t(S::AdsRemovedBy))).unwrap_or_default()))) }
                    }
                </>
            };
            (what, vec![(vec![o.location], "point")], Some(BBox::of_point(o.location).grown(0.0, 0.0008)))
        }
    };
    let overlay = {
        let shapes = shapes.clone();
        Callback::from(move |(vp, unit): (geo::Viewport, f64)| {
            html! {
                <g class="segments-overlay case-overlay">
                    { for shapes.iter().map(|(pts, class)| {
                        let d: String = pts.iter().enumerate().map(|(i, q)| { let (x, y) = vp.project(*q); format!("{}{x:.3} {y:.3}", if i == 0 { "M" } else { " L" }) }).collect();
                        match *class {
                            "area" => html! { <path class="draft-outline drawn-area" d={d + " Z"} stroke-width={(2.0 * unit).to_string()} /> },
                            "point" => { let (x, y) = vp.project(pts[0]); html! { <circle class="event-point" cx={x.to_string()} cy={y.to_string()} r={(7.0 * unit).to_string()} /> } },
                            c => html! { <path class={classes!("segment", c.to_string())} d={d} stroke-width={(6.0 * unit).to_string()} /> },
                        }
                    }) }
                </g>
            }
        })
    };
    html! {
        <section class="card case-summary" id="case-summary" aria-labelledby="case-summary-title">
            <h2 id="case-summary-title">{ lang.t(S::CaseSummary) }</h2>
            <dl class="details">{ who }{ what }</dl>
            <div class="case-map" id="case-map">
                <ZoneMap basemap={basemap} zones={Rc::new(Vec::new())} on_select={Callback::noop()} overlay={overlay} focus={focus}
                    label={lang.t(S::CaseMapLabel)} />
            </div>
        </section>
    }
}

fn class_name(lang: Lang, c: StreetClass) -> &'static str {
    lang.either(c.name_zh(), c.name_en())
}
