//! Handing a staff page over to the staff bundle. The public bundle has no staff pages; when a
//! signed-in officer follows a link to one, the page is loaded from the server, which answers
//! staff paths with the staff bundle. A flag in session storage stops a loop when the server
//! could not (a development server, or a build without the staff bundle).

use gloo::storage::{SessionStorage, Storage};
use yew::prelude::*;

use crate::i18n::{S, use_lang};

const FLAG: &str = "tangui.handover";

/// Called by the staff bundle once it runs: the hand-over worked.
pub fn done() {
    SessionStorage::delete(FLAG);
}

#[component]
pub fn StaffHandover() -> Html {
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
                <p class="alert error" role="alert">{ lang.t(S::StaffBundleMissing) }</p>
            </section>
        };
    }
    html! { <section class="page" id="handover"><p aria-busy="true" class="muted">{ lang.t(S::StaffLoading) }</p></section> }
}
