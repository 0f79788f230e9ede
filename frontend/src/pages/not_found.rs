use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::i18n::{S, use_lang};

#[component]
pub fn NotFoundPage() -> Html {
    let lang = use_lang();
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::NotFoundTitle) }</h1>
            <p>{ lang.t(S::NotFoundBody) }</p>
            <Link<Route> to={Route::Home} classes="button">{ lang.t(S::BackHome) }</Link<Route>>
        </section>
    }
}
