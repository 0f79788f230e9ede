//! Handing a page over to the bundle that has it. The first visit's bundle has no forms and the
//! public bundle no staff pages; when someone follows a link to one, the page is loaded from the
//! server, which answers every path with the bundle that has its page (`common::routes`). A flag in
//! session storage stops a loop when the server could not (a development server, or a build
//! without that bundle).

use gloo::storage::{SessionStorage, Storage};
use yew::prelude::*;

use crate::i18n::{S, use_lang};

const FLAG: &str = "tangui.handover";

/// Called by a bundle that can be handed over to, once it runs: the hand-over worked.
pub fn done() {
    SessionStorage::delete(FLAG);
}

#[component]
pub fn Handover() -> Html {
    let lang = use_lang();
    let location = gloo::utils::window().location();
    let here = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    // Decided once, when the page mounts: we were sent here by the hand-over itself.
    let looped = *use_state({
        let here = here.clone();
        move || SessionStorage::get::<String>(FLAG).is_ok_and(|p| p == here)
    });
    use_effect_with((), move |_| {
        if looped {
            SessionStorage::delete(FLAG);
        } else {
            let _ = SessionStorage::set(FLAG, here);
            let _ = gloo::utils::window().location().reload();
        }
    });
    if looped {
        return html! {
            <section class="page">
                <p class="alert error" role="alert">{ lang.t(S::BundleMissing) }</p>
            </section>
        };
    }
    html! { <section class="page" id="handover"><p aria-busy="true" class="muted">{ lang.t(S::PageLoading) }</p></section> }
}
