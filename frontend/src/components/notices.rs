//! What became of the notices about a case: the same words on the vendor's, the shop's and the
//! officer's pages, so "短信已送达" means one thing everywhere.

use common::dto::lifecycle::{NoticeDelivery, sms_status_name};
use yew::prelude::*;

use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct SmsBadgeProps {
    /// The outbox state; none when the account has no phone.
    pub status: Option<String>,
}

/// The text message's state as a badge: delivered, on its way, or not delivered.
#[component]
pub fn SmsBadge(p: &SmsBadgeProps) -> Html {
    let lang = use_lang();
    match p.status.as_deref() {
        None => html! { <span class="badge sms none">{ lang.t(S::InAppOnly) }</span> },
        Some(s) => {
            let tone = match s {
                "delivered" => "ok",
                "failed" | "dead" => "bad",
                "logged" => "none",
                _ => "wait",
            };
            html! { <span class={classes!("badge", "sms", tone)} data-sms={s.to_string()}>{ lang.pick(&sms_status_name(s)) }</span> }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct CaseNoticesProps {
    pub notices: Vec<NoticeDelivery>,
}

/// The notices sent about a case, newest first, each with its text message's state.
#[component]
pub fn CaseNotices(p: &CaseNoticesProps) -> Html {
    let lang = use_lang();
    html! {
        <section class="case-notices" aria-labelledby="case-notices-h">
            <h2 id="case-notices-h">{ lang.t(S::CaseNotices) }</h2>
            if p.notices.is_empty() {
                <p class="muted">{ lang.t(S::CaseNoticesNone) }</p>
            } else {
                <p class="muted small">{ lang.t(S::CaseNoticesLead) }</p>
                <ul class="plain notice-list" id="case-notices">
                    { for p.notices.iter().rev().map(|n| html! {
                        <li data-kind={n.kind.clone()}>
                            <div>
                                <strong>{ lang.pick(&n.title) }</strong>
                                <time class="muted small">{ common::time::to_xiamen(n.created_at).format("%Y-%m-%d %H:%M").to_string() }</time>
                            </div>
                            <SmsBadge status={n.sms_status.clone()} />
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
