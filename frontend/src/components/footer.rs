use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

use crate::i18n::{S, use_lang};

#[component]
pub fn Footer() -> Html {
    let lang = use_lang();
    html! {
        <footer class="site-footer">
            <p>{ lang.t(S::FooterText) }</p>
            <p>
                <a href="/api/v1/openapi.json">{ lang.t(S::FooterApi) }{ " (OpenAPI)" }</a>
                { " · " }
                <Link<Route> to={Route::Transparency}>{ lang.t(S::TransparencyTitle) }</Link<Route>>
                { " · " }
                <Link<Route> to={Route::OpenData}>{ lang.t(S::DataTitle) }</Link<Route>>
            </p>
        </footer>
    }
}
