//! The in-app inbox: every notice sent to the account, newest first, each with what became of
//! its text message.

use common::dto::lifecycle::Inbox;
use gloo::net::http::Method;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::ErrorAlert;
use crate::components::notices::SmsBadge;
use crate::hooks::{use_session, use_unread};
use crate::i18n::{S, use_lang};

#[component]
pub fn InboxPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let unread = use_unread();
    let navigator = use_navigator();
    let inbox = use_state(|| None::<Result<Inbox, ApiError>>);
    let reload = use_state(|| 0u32);
    let signed_in = session.me.is_some();
    {
        let inbox = inbox.clone();
        let unread = unread.clone();
        use_effect_with((signed_in, *reload), move |(s, _)| {
            if *s {
                yew::platform::spawn_local(async move {
                    let got = api::get::<Inbox>("/api/v1/me/notifications").await;
                    if let Ok(i) = &got {
                        unread.0.set(i.unread);
                    }
                    inbox.set(Some(got));
                });
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
    // Opening a notice marks it read (the header's count drops at once) and then goes to its page
    // inside the app: the page change asks the server for the count again, so the mark must have
    // landed first or the old count comes back.
    let open = |id: i64, read: bool, link: String| {
        let unread = unread.clone();
        let navigator = navigator.clone();
        Callback::from(move |e: MouseEvent| {
            let route = navigator.clone().zip(Route::recognize(&link));
            if route.is_some() {
                e.prevent_default();
            }
            if !read {
                unread.0.set((*unread.0 - 1).max(0));
            }
            yew::platform::spawn_local(async move {
                if !read {
                    let _ =
                        api::request_empty::<()>(Method::POST, &format!("/api/v1/me/notifications/{id}/read"), None)
                            .await;
                }
                if let Some((n, route)) = route {
                    n.push(&route);
                }
            });
        })
    };
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::NavInbox) }</h1>
            { match &*inbox {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(i)) if i.items.is_empty() => html! { <p class="muted">{ lang.t(S::InboxEmpty) }</p> },
                Some(Ok(i)) => html! {
                    <>
                        <p>{ lang.t(S::InboxUnread) }{ " " }<strong id="unread">{ i.unread }</strong>
                            if i.unread > 0 { { " " }<button type="button" class="link-button" onclick={read_all}>{ lang.t(S::InboxMarkAllRead) }</button> }</p>
                        <ul class="plain inbox" id="inbox">
                            { for i.items.iter().map(|n| html! {
                                <li class={classes!("card", (!n.read).then_some("unread"))} data-kind={n.kind.clone()}>
                                    <a href={n.link.clone()} onclick={open(n.id, n.read, n.link.clone())}><strong>{ lang.pick(&n.title) }</strong></a>
                                    <p>{ lang.pick(&n.body) }</p>
                                    <p class="meta muted small">
                                        <time>{ common::time::to_xiamen(n.created_at).format("%Y-%m-%d %H:%M").to_string() }</time>
                                        <SmsBadge status={n.sms_status.clone()} />
                                    </p>
                                </li>
                            }) }
                        </ul>
                    </>
                },
            } }
        </section>
    }
}
