//! The in-app inbox: every notice sent to the account, newest first.

use common::dto::lifecycle::Inbox;
use gloo::net::http::Method;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

#[component]
pub fn InboxPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let inbox = use_state(|| None::<Result<Inbox, ApiError>>);
    let reload = use_state(|| 0u32);
    let signed_in = session.me.is_some();
    {
        let inbox = inbox.clone();
        use_effect_with((signed_in, *reload), move |(s, _)| {
            if *s {
                yew::platform::spawn_local(async move { inbox.set(Some(api::get("/api/v1/me/notifications").await)) });
            }
        });
    }
    if session.loaded && !signed_in {
        return html! { <section class="page narrow"><p class="alert error">{ lang.t(S::NotSignedIn) }</p></section> };
    }
    let read_all = {
        let reload = reload.clone();
        Callback::from(move |_| {
            let reload = reload.clone();
            yew::platform::spawn_local(async move {
                let _ = api::request_empty::<()>(Method::POST, "/api/v1/me/notifications/read-all", None).await;
                reload.set(*reload + 1);
            });
        })
    };
    let open = |id: i64, read: bool| {
        Callback::from(move |_| {
            if !read {
                yew::platform::spawn_local(async move {
                    let _ =
                        api::request_empty::<()>(Method::POST, &format!("/api/v1/me/notifications/{id}/read"), None)
                            .await;
                });
            }
        })
    };
    html! {
        <section class="page narrow">
            <h1>{ lang.either("消息", "Messages") }</h1>
            { match &*inbox {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(i)) if i.items.is_empty() => html! { <p class="muted">{ lang.either("还没有消息。", "No messages yet.") }</p> },
                Some(Ok(i)) => html! {
                    <>
                        <p>{ lang.either("未读 ", "Unread: ") }<strong id="unread">{ i.unread }</strong>
                            if i.unread > 0 { { " " }<button type="button" class="link-button" onclick={read_all}>{ lang.either("全部标为已读", "Mark all read") }</button> }</p>
                        <ul class="plain inbox" id="inbox">
                            { for i.items.iter().map(|n| html! {
                                <li class={classes!("card", (!n.read).then_some("unread"))} data-kind={n.kind.clone()}>
                                    <a href={n.link.clone()} onclick={open(n.id, n.read)}><strong>{ lang.pick(&n.title) }</strong></a>
                                    <p>{ lang.pick(&n.body) }</p>
                                    <p class="muted small">{ common::time::to_xiamen(n.created_at).format("%Y-%m-%d %H:%M").to_string() }</p>
                                </li>
                            }) }
                        </ul>
                    </>
                },
            } }
        </section>
    }
}
