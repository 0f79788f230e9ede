use yew::prelude::*;

use crate::api::ApiError;
use crate::i18n::use_lang;

#[derive(Properties, PartialEq)]
pub struct ErrorAlertProps {
    pub error: Option<ApiError>,
}

/// The server's answer to a failed request, in the user's language, announced to screen readers.
#[component]
pub fn ErrorAlert(props: &ErrorAlertProps) -> Html {
    let lang = use_lang();
    let Some(err) = &props.error else { return html! {} };
    let id = err.problem().and_then(|p| p.request_id.clone());
    html! {
        <div class="alert error" role="alert">
            <p>{ err.message(lang.is_en()) }</p>
            if let Some(id) = id {
                <p class="muted small">{ if lang.is_en() { "Reference: " } else { "编号：" } }<code>{ id }</code></p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub children: Html,
}

#[component]
pub fn Success(props: &NoticeProps) -> Html {
    html! { <div class="alert success" role="status">{ props.children.clone() }</div> }
}
