//! Case status and history, shared by the vendor's and the officer's views.

use common::application::{ApplicationStatus, item_label};
use common::dto::applications::CaseEvent;
use yew::prelude::*;

use crate::i18n::use_lang;

#[derive(Properties, PartialEq)]
pub struct StatusBadgeProps {
    pub status: ApplicationStatus,
}

#[component]
pub fn StatusBadge(p: &StatusBadgeProps) -> Html {
    let lang = use_lang();
    html! { <span class={classes!("badge", "app-status", p.status.as_str())} data-status={p.status.as_str()}>{ lang.either(p.status.name_zh(), p.status.name_en()) }</span> }
}

fn action_text(action: &str) -> (&'static str, &'static str) {
    let (kind, what) = action.split_once('.').unwrap_or(("", action));
    match (kind, what) {
        ("application", "created") => ("创建申请", "Application started"),
        ("application", "document_added") => ("上传材料", "Document uploaded"),
        ("application", "document_removed") => ("删除材料", "Document removed"),
        ("application", "submitted") => ("提交申请", "Submitted"),
        ("application", "resubmitted") => ("补正后重新提交", "Resubmitted after correction"),
        ("application", "returned") => ("退回补正", "Returned for correction"),
        ("application", "eligible") => ("审核通过", "Found eligible"),
        ("application", "ineligible") => ("不符合条件", "Found not eligible"),
        ("application", "withdrawn") => ("撤回申请", "Withdrawn"),
        ("application", "in_round") => ("进入摇号名单", "Entered a draw"),
        ("application", "allocated") => ("摇中摊位（公示中）", "Drawn a stall (on notice)"),
        ("application", "waitlisted") => ("进入轮候名单", "Put on the waiting list"),
        ("application", "offered") => ("发出摊位确认", "Stall offered"),
        ("application", "accepted") => ("接受摊位", "Stall accepted"),
        ("application", "declined") => ("放弃摊位", "Stall declined"),
        ("application", "expired") => ("逾期未确认", "Offer expired"),
        ("application", "objection_lodged") => ("提出异议", "Objection lodged"),
        ("application", "objection_answered") => ("异议已答复", "Objection answered"),
        ("filing", "submitted") => ("提交备案", "Filed"),
        ("filing", "resubmitted") => ("补正后重新提交", "Resubmitted after correction"),
        ("filing", "filed") => ("备案生效，发放凭证", "In effect; certificate issued"),
        ("filing", "approved") => ("审核同意", "Approved"),
        ("filing", "rejected") => ("不予办理", "Not allowed"),
        ("filing", "returned") => ("退回补正", "Returned for correction"),
        ("filing", "revoked") => ("撤销", "Revoked"),
        ("permit", "inspected") => ("现场检查", "Inspected"),
        ("permit", "violation_recorded") => ("记录违规", "Violation recorded"),
        ("permit", "suspended") => ("许可暂停", "Suspended"),
        ("permit", "reinstated") => ("许可恢复", "Reinstated"),
        ("permit", "appealed") => ("提出申诉", "Appealed"),
        ("permit", "appeal_upheld") => ("申诉未获支持", "Appeal not upheld"),
        ("permit", "appeal_overturned") => ("申诉成立，违规撤销", "Appeal upheld; violation set aside"),
        ("permit", "points_lapsed") => ("扣分清零", "Points lapsed"),
        ("permit", "revocation_proposed") => ("建议撤销", "Revocation proposed"),
        ("permit", "revocation_dismissed") => ("不予撤销", "Revocation not pursued"),
        ("permit", "revocation_proposal_lapsed") => ("撤销建议失效", "Revocation proposal lapsed"),
        ("permit", "revoked") => ("许可撤销", "Revoked"),
        ("permit", "renewed") => ("续期", "Renewed"),
        ("permit", "surrendered") => ("主动注销", "Surrendered"),
        ("permit", "expired") => ("到期", "Expired"),
        ("permit", "ended") => ("摊规点关闭，许可终止", "Zone closed; permit ended"),
        ("permit", "transfer_requested") => ("申请转让", "Transfer requested"),
        ("permit", "transfer_approved") => ("转让获批", "Transfer approved"),
        ("permit", "transfer_rejected") => ("转让未获批准", "Transfer refused"),
        ("complaint", "filed") => ("提交投诉", "Reported"),
        ("complaint", "in_progress") => ("正在处理", "Being handled"),
        ("complaint", "resolved") => ("已解决", "Resolved"),
        ("complaint", "closed_no_action") => ("不予处理", "Closed without action"),
        ("complaint", "reopened") => ("反映未解决，重新打开", "Reopened: not fixed"),
        _ => ("其他", "Other"),
    }
}

fn by_text(by: &str) -> (&'static str, &'static str) {
    match by {
        "vendor" => ("摊贩", "vendor"),
        "merchant" => ("商户", "shop"),
        "district_officer" => ("区城管", "district officer"),
        "city_admin" => ("市执法局", "city administrator"),
        "counter" => ("服务窗口代办", "filed at a service counter"),
        _ => ("系统", "system"),
    }
}

#[derive(Properties, PartialEq)]
pub struct CaseHistoryProps {
    pub events: Vec<CaseEvent>,
}

/// The case's history, newest first.
#[component]
pub fn CaseHistory(p: &CaseHistoryProps) -> Html {
    let lang = use_lang();
    html! {
        <ol class="timeline" id="case-history">
            { for p.events.iter().rev().map(|e| {
                let (zh, en) = action_text(&e.action);
                let (bzh, ben) = by_text(&e.by);
                html! {
                    <li data-action={e.action.clone()}>
                        <time>{ common::time::to_xiamen(e.at).format("%Y-%m-%d %H:%M").to_string() }</time>
                        <strong>{ lang.either(zh, en) }</strong>
                        <span class="muted">{ " · " }{ lang.either(bzh, ben) }</span>
                        if let Some(r) = &e.reason { <p>{ r }</p> }
                        if !e.items.is_empty() {
                            <ul>{ for e.items.iter().map(|it| html! { <li>{ lang.pick(&item_label(&it.item)) }{ "：" }{ &it.message }</li> }) }</ul>
                        }
                    </li>
                }
            }) }
        </ol>
    }
}
