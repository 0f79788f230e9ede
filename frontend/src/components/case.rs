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
    match action.strip_prefix("application.").unwrap_or(action) {
        "created" => ("创建申请", "Application started"),
        "document_added" => ("上传材料", "Document uploaded"),
        "document_removed" => ("删除材料", "Document removed"),
        "submitted" => ("提交申请", "Submitted"),
        "resubmitted" => ("补正后重新提交", "Resubmitted after correction"),
        "returned" => ("退回补正", "Returned for correction"),
        "eligible" => ("审核通过", "Found eligible"),
        "ineligible" => ("不符合条件", "Found not eligible"),
        "withdrawn" => ("撤回申请", "Withdrawn"),
        "in_round" => ("进入摇号名单", "Entered a draw"),
        "allocated" => ("摇中摊位（公示中）", "Drawn a stall (on notice)"),
        "waitlisted" => ("进入轮候名单", "Put on the waiting list"),
        "offered" => ("发出摊位确认", "Stall offered"),
        "accepted" => ("接受摊位", "Stall accepted"),
        "declined" => ("放弃摊位", "Stall declined"),
        "expired" => ("逾期未确认", "Offer expired"),
        "objection_lodged" => ("提出异议", "Objection lodged"),
        "objection_answered" => ("异议已答复", "Objection answered"),
        _ => ("其他", "Other"),
    }
}

fn by_text(by: &str) -> (&'static str, &'static str) {
    match by {
        "vendor" => ("申请人", "applicant"),
        "district_officer" => ("区城管", "district officer"),
        "city_admin" => ("市执法局", "city administrator"),
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
