//! A holder's permits and one permit's page: status, points ledger with evidence and appeals,
//! renewal, surrender, transfer, the certificate, and its history. Officers and admins see the
//! same page with their actions (record an inspection, revoke).

use common::Role;
use common::dto::lifecycle::{PermitView, TransferRequest, ViolationView};
use gloo::net::http::Method;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::components::case::CaseHistory;
use crate::components::notices::CaseNotices;
use crate::hooks::use_session;
use crate::i18n::{Lang, S, use_lang};

pub fn permit_status(lang: Lang, s: &str) -> Html {
    let name = common::dto::lifecycle::permit_status_name(s);
    html! { <span class={classes!("badge", "permit-status", s.to_string())} data-status={s.to_string()}>{ lang.pick(&name) }</span> }
}

/// A family or work relation in words (transfers and helpers).
pub fn relation_name(lang: Lang, r: &str) -> &'static str {
    lang.t(match r {
        "spouse" => S::RelSpouse,
        "child" => S::RelChild,
        "parent" => S::RelParent,
        "sibling" => S::RelSibling,
        "employee" => S::RelEmployee,
        _ => S::Other,
    })
}

/// A certificate's title in the reader's language (the one printed on the PDF is Chinese).
pub fn permit_title(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "cross_store" => lang.t(S::CertCrossStore),
        "outdoor_promo" => lang.t(S::CertOutdoorPromo),
        _ => lang.t(S::CertStall),
    }
}

pub fn kind_title(lang: Lang, k: &str) -> &'static str {
    match k {
        "stall" => lang.either("摊位许可", "Stall permit"),
        "cross_store" => lang.either("跨店经营备案", "Cross-storefront filing"),
        _ => lang.either("外摆促销备案", "Outdoor promotion filing"),
    }
}

/// Points so far against the suspension line, as a bar people read at a glance.
fn points_meter(lang: Lang, p: &PermitView) -> Html {
    let line = p.suspend_at_points.max(1) as f64;
    let pct = (p.standing.points as f64 / line * 100.0).min(100.0);
    html! {
        <div class="points" id="points">
            <p><strong class="points-now">{ p.standing.points }</strong>{ lang.either(" 分 / 暂停线 ", " points / suspension at ") }{ p.suspend_at_points }
                if p.standing.to_suspension > 0 {
                    <span class="muted small">{ format!(" · {} ", lang.either("距暂停还有", "left before suspension:")) }{ p.standing.to_suspension }</span>
                }
            </p>
            <div class="meter" role="meter" aria-valuemin="0" aria-valuemax={p.suspend_at_points.to_string()} aria-valuenow={p.standing.points.to_string()}
                aria-label={lang.either("累计扣分", "Points")}>
                <span style={format!("width:{pct:.0}%")} class={classes!(p.standing.suspend.then_some("over"))}></span>
            </div>
        </div>
    }
}

#[component]
pub fn MyPermitsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let list = use_state(|| None::<Result<Vec<PermitView>, ApiError>>);
    let signed_in = session.me.is_some();
    {
        let list = list.clone();
        use_effect_with(signed_in, move |s| {
            if *s {
                yew::platform::spawn_local(async move { list.set(Some(api::get("/api/v1/me/permits").await)) });
            }
        });
    }
    if session.loaded && !signed_in {
        return html! { <section class="page narrow"><p class="alert error">{ lang.t(S::NotSignedIn) }</p></section> };
    }
    html! {
        <section class="page">
            <h1>{ lang.either("我的许可", "My permits") }</h1>
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(l)) if l.is_empty() => html! { <p class="muted">{ lang.either("还没有许可。摊位许可在接受摊位后发放；备案生效后发放备案凭证。", "No permits yet. A stall permit comes when you accept a stall; a certificate when a filing takes effect.") }</p> },
                Some(Ok(l)) => html! {
                    <ul class="plain permit-list">
                        { for l.iter().map(|p| html! {
                            <li class="card" data-id={p.id.to_string()}>
                                <Link<Route> to={Route::Permit { id: p.id }}>{ permit_title(lang, &p.kind) }{ " · " }{ &p.location }</Link<Route>>
                                { " " }{ permit_status(lang, &p.status) }
                                <p class="muted small">{ kind_title(lang, &p.kind) }{ " · " }{ lang.t(S::ValidPeriod) }{ format!(" {} – {}", p.valid_from, p.valid_until) }
                                    { " · " }{ p.standing.points }{ lang.either(" 分", " points") }</p>
                                if p.can_renew { <p class="notice">{ lang.either("即将到期，可在线续期。", "Ending soon: renew online.") }</p> }
                            </li>
                        }) }
                    </ul>
                },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PermitPageProps {
    pub id: i64,
}

#[derive(Properties, PartialEq)]
struct LedgerProps {
    line: ViolationView,
    on_change: Callback<PermitView>,
}

/// One ledger line with its evidence and, for the holder, the appeal form.
#[component]
fn LedgerLine(p: &LedgerProps) -> Html {
    let lang = use_lang();
    let v = &p.line;
    let open = use_state(|| false);
    let reason = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let submit = {
        let (reason, error, done, id) = (reason.clone(), error.clone(), p.on_change.clone(), v.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({ "reason": *reason });
            let (error, done) = (error.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, PermitView>(&format!("/api/v1/violations/{id}/appeal"), &body).await {
                    Ok(pv) => done.emit(pv),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <li class={classes!("ledger-line", v.status.as_str())} data-code={v.code.clone()} data-status={v.status.as_str()}>
            <div class="ledger-head">
                <strong>{ lang.pick(&v.title) }</strong>
                <span class="ledger-points">{ if v.waived { lang.either("首违免罚 0 分", "first minor: 0 points").to_string() } else { format!("−{}", v.points) } }</span>
            </div>
            <p class="muted small">{ v.recorded_on.to_string() }{ " · " }{ lang.either(v.status.name_zh(), v.status.name_en()) }
                { " · " }{ lang.either("清零日", "lapses on") }{ format!(" {}", v.lapses_on) }</p>
            if !v.notes.is_empty() { <p class="small">{ &v.notes }</p> }
            if !v.evidence_ids.is_empty() {
                <div class="evidence">
                    { for v.evidence_ids.iter().map(|e| html! {
                        <a href={format!("/api/v1/evidence/{e}")} target="_blank" rel="noopener">
                            <img src={format!("/api/v1/evidence/{e}")} alt={lang.either("检查照片", "Inspection photo")} loading="lazy" width="96" height="72" />
                        </a>
                    }) }
                </div>
            }
            if let Some(a) = &v.appeal {
                <p class="small appeal">{ lang.either("申诉：", "Appeal: ") }{ &a.reason }
                    if !a.decision_note.is_empty() { <br />{ lang.either("处理意见：", "Decision: ") }{ &a.decision_note } }</p>
            }
            if v.can_appeal {
                if *open {
                    <form class="form appeal-form" onsubmit={submit}>
                        <div class="field">
                            <label for={format!("appeal-{}", v.id)}>{ lang.either("申诉理由（可说明情况、附凭证说明）", "Why this is wrong") }</label>
                            <textarea id={format!("appeal-{}", v.id)} rows="3" value={(*reason).clone()}
                                oninput={{ let r = reason.clone(); Callback::from(move |e: InputEvent| r.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                        </div>
                        <ErrorAlert error={(*error).clone()} />
                        <button type="submit" class="button primary small">{ lang.either("提交申诉", "Submit appeal") }</button>
                    </form>
                } else {
                    <button type="button" class="button small appeal-open" onclick={{ let o = open.clone(); Callback::from(move |_| o.set(true)) }}>
                        { lang.either("申诉", "Appeal") }{ format!(" ({} {})", lang.either("截止", "until"), v.appeal_until) }
                    </button>
                }
            }
        </li>
    }
}

#[component]
pub fn PermitPage(p: &PermitPageProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let permit = use_state(|| None::<Result<PermitView, ApiError>>);
    let error = use_state(|| None::<ApiError>);
    let to_phone = use_state(String::new);
    let relation = use_state(|| "child".to_string());
    let reason = use_state(String::new);
    {
        let permit = permit.clone();
        use_effect_with(p.id, move |id| {
            let id = *id;
            yew::platform::spawn_local(
                async move { permit.set(Some(api::get(&format!("/api/v1/permits/{id}")).await)) },
            );
        });
    }
    let pv = match &*permit {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page narrow"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(v)) => v.clone(),
    };
    let role = session.me.as_ref().map(|m| m.role);
    let staff = role.is_some_and(|r| r.is_staff());
    let on_change = {
        let permit = permit.clone();
        Callback::from(move |v: PermitView| permit.set(Some(Ok(v))))
    };
    let act = |url: String, body: serde_json::Value| {
        let (error, on_change) = (error.clone(), on_change.clone());
        Callback::from(move |_| {
            let (url, body, error, on_change) = (url.clone(), body.clone(), error.clone(), on_change.clone());
            yew::platform::spawn_local(async move {
                match api::request::<_, PermitView>(Method::POST, &url, Some(&body)).await {
                    Ok(v) => {
                        error.set(None);
                        on_change.emit(v);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let transfer = {
        let (to_phone, relation, error, on_change, id) =
            (to_phone.clone(), relation.clone(), error.clone(), on_change.clone(), pv.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body =
                TransferRequest { to_phone: (*to_phone).clone(), relation: (*relation).clone(), note: String::new() };
            let (error, on_change) = (error.clone(), on_change.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, PermitView>(&format!("/api/v1/permits/{id}/transfer"), &body).await {
                    Ok(v) => {
                        error.set(None);
                        on_change.emit(v);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field_errors = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    html! {
        <section class="page">
            <h1>{ permit_title(lang, &pv.kind) }{ " " }{ permit_status(lang, &pv.status) }</h1>
            <p class="lead">{ &pv.location }</p>
            if pv.status == "suspended" {
                <p class="alert error" role="alert">{ lang.either("许可已暂停：累计扣分达到暂停线。可对违规记录申诉；申诉期间该项不计分。", "Suspended: points reached the line. You may appeal a violation; it does not count while the appeal is decided.") }</p>
            }
            if pv.revocation_proposed {
                <p class="alert warn" role="alert">{ lang.either("扣分已达建议撤销线，等待市执法局决定。", "Points reached the revocation line; the city will decide.") }</p>
            }
            <div class="two-col">
                <div>
                    <dl class="details card">
                        <div class="kv"><dt>{ lang.t(S::Holder) }</dt><dd>{ &pv.holder }</dd></div>
                        <div class="kv"><dt>{ lang.either("类型", "Kind") }</dt><dd>{ kind_title(lang, &pv.kind) }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Trade) }</dt><dd>{ common::trade::trade_label(&pv.trade).map(|t| lang.pick(&t)).unwrap_or_else(|| pv.trade.clone()) }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::Hours) }</dt><dd>{ &pv.hours }</dd></div>
                        <div class="kv"><dt>{ lang.t(S::ValidPeriod) }</dt><dd>{ format!("{} – {}", pv.valid_from, pv.valid_until) }</dd></div>
                        <div class="kv"><dt>{ lang.either("核验码", "Verify code") }</dt><dd><code>{ &pv.verify_code }</code></dd></div>
                    </dl>
                    if !pv.verify_qr_svg.is_empty() {
                        <figure class="permit-qr card" id="permit-qr">
                            <div class="qr-image" role="img" aria-label={lang.t(S::PermitQrLabel)}>
                                { Html::from_html_unchecked(AttrValue::from(pv.verify_qr_svg.clone())) }
                            </div>
                            <figcaption class="muted small">{ lang.t(S::PermitQrCaption) }</figcaption>
                        </figure>
                    }
                    <div class="actions">
                        <a class="button" id="download-certificate" href={format!("/api/v1/permits/{}/certificate.pdf", pv.id)} download={format!("tangui-{}.pdf", pv.verify_code)}>{ lang.t(S::DownloadCertificate) }</a>
                        <Link<Route> to={Route::Verify { code: pv.verify_code.clone() }} classes="button secondary">{ lang.t(S::VerifyTitle) }</Link<Route>>
                        if staff && matches!(pv.status.as_str(), "valid" | "suspended") {
                            <Link<Route, InspectQuery> to={Route::Inspect} query={Some(InspectQuery { permit: Some(pv.id), code: None })} classes="button primary">{ lang.either("记录检查", "Record an inspection") }</Link<Route, InspectQuery>>
                        }
                    </div>
                    <ErrorAlert error={(*error).clone().filter(|e| e.field_errors().is_empty())} />
                    if pv.kind == "stall" && !staff && matches!(pv.status.as_str(), "valid" | "suspended") {
                        <crate::components::check_in::CheckIn permit_id={pv.id} />
                    }
                    if staff && pv.kind == "stall" && pv.status == "valid" {
                        <crate::components::succession::SuccessionForm permit={pv.clone()} on_change={on_change.clone()} />
                    }
                    if pv.kind == "stall" {
                        <crate::components::helpers::HelpersSection permit={pv.clone()} on_change={on_change.clone()}
                            holder={!staff} />
                    }
                    if pv.can_renew {
                        <section class="card">
                            <h2>{ lang.either("续期", "Renew") }</h2>
                            <p>{ lang.either("许可即将到期。续期后有效期延长一年，条件不变。", "The permit ends soon. Renewing adds a year on the same terms.") }</p>
                            <button type="button" class="button primary" id="renew" onclick={act(format!("/api/v1/permits/{}/renew", pv.id), serde_json::json!({}))}>{ lang.either("续期一年", "Renew for a year") }</button>
                        </section>
                    }
                    if pv.can_transfer {
                        <section class="card">
                            <h2>{ lang.either("转让给家人", "Pass to a family member") }</h2>
                            <p class="muted small">{ lang.either("仅限配偶、子女或父母，对方须已注册摊贩账号；区城管审核通过后生效。", "Only to a spouse, child or parent with a vendor account; takes effect when the district approves.") }</p>
                            <form class="form" onsubmit={transfer}>
                                <div class="field">
                                    <label for="to-phone">{ lang.either("家人的注册手机号", "Their registered mobile number") }</label>
                                    <input id="to-phone" type="tel" value={(*to_phone).clone()}
                                        oninput={{ let t = to_phone.clone(); Callback::from(move |e: InputEvent| t.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                                </div>
                                <div class="field">
                                    <label for="relation">{ lang.either("关系", "Relation") }</label>
                                    <select id="relation" onchange={{ let r = relation.clone(); Callback::from(move |e: Event| r.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                                        <option value="child" selected={*relation == "child"}>{ lang.either("子女", "Child") }</option>
                                        <option value="spouse" selected={*relation == "spouse"}>{ lang.either("配偶", "Spouse") }</option>
                                        <option value="parent" selected={*relation == "parent"}>{ lang.either("父母", "Parent") }</option>
                                    </select>
                                </div>
                                if !field_errors.is_empty() {
                                    <ul class="field-errors">{ for field_errors.iter().map(|f| html! { <li>{ lang.pick(&f.message) }</li> }) }</ul>
                                }
                                <button type="submit" class="button">{ lang.either("提交转让申请", "Ask for the transfer") }</button>
                            </form>
                        </section>
                    }
                    if let Some(t) = &pv.transfer {
                        <p class="notice">{ lang.either("转让：", "Transfer: ") }{ &t.to }{ " · " }{ &t.status }</p>
                    }
                    if pv.can_surrender {
                        <details class="card">
                            <summary>{ lang.either("不再经营，注销许可", "Give the permit up") }</summary>
                            <p class="muted small">{ lang.either("注销后摊位将按轮候名单分配给下一位。", "The stall then goes to the next person on the waiting list.") }</p>
                            <div class="field">
                                <label for="surrender-reason">{ lang.either("原因（可不填）", "Reason (optional)") }</label>
                                <input id="surrender-reason" type="text" value={(*reason).clone()}
                                    oninput={{ let r = reason.clone(); Callback::from(move |e: InputEvent| r.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                            </div>
                            <button type="button" class="button danger" id="surrender" onclick={act(format!("/api/v1/permits/{}/surrender", pv.id), serde_json::json!({ "reason": *reason }))}>{ lang.either("确认注销", "Give it up") }</button>
                        </details>
                    }
                    if role == Some(Role::CityAdmin) && matches!(pv.status.as_str(), "valid" | "suspended") {
                        <details class="card" open={pv.revocation_proposed}>
                            <summary>{ lang.either("撤销许可", "Revoke") }</summary>
                            <div class="field">
                                <label for="revoke-reason">{ lang.either("撤销原因（持证人可见）", "Reason (shown to the holder)") }</label>
                                <input id="revoke-reason" type="text" value={(*reason).clone()}
                                    oninput={{ let r = reason.clone(); Callback::from(move |e: InputEvent| r.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                            </div>
                            <div class="actions">
                                <button type="button" class="button danger" id="revoke" onclick={act(format!("/api/v1/permits/{}/revoke", pv.id), serde_json::json!({ "reason": *reason }))}>{ lang.t(S::Revoke) }</button>
                                if pv.revocation_proposed {
                                    <button type="button" class="button" id="dismiss" onclick={act(format!("/api/v1/permits/{}/dismiss-proposal", pv.id), serde_json::json!({ "reason": *reason }))}>{ lang.either("不予撤销", "Keep the permit") }</button>
                                }
                            </div>
                        </details>
                    }
                </div>
                <div>
                    <section class="card">
                        <h2>{ lang.either("扣分记录", "Points ledger") }</h2>
                        { points_meter(lang, &pv) }
                        if pv.ledger.is_empty() {
                            <p class="muted" id="ledger-empty">{ lang.either("没有违规记录。", "No violations.") }</p>
                        } else {
                            <ul class="plain ledger" id="ledger">
                                { for pv.ledger.iter().map(|l| html! { <LedgerLine key={l.id} line={l.clone()} on_change={on_change.clone()} /> }) }
                            </ul>
                        }
                    </section>
                    <CaseNotices notices={pv.notices.clone()} />
                    <section>
                        <h2>{ lang.t(S::History) }</h2>
                        <CaseHistory events={pv.history.clone()} />
                    </section>
                </div>
            </div>
        </section>
    }
}

/// `?permit=12` or `?code=…` (from a scanned certificate) on the inspection page.
#[derive(serde::Serialize, serde::Deserialize, Clone, PartialEq, Default)]
pub struct InspectQuery {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub permit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
}
