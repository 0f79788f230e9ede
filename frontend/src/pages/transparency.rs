//! The audit log's published heads: copied by anyone, they later prove the log was not rewritten.

use common::dto::transparency::AuditHead;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::ErrorAlert;
use crate::i18n::{S, use_lang};

const HEADS: &str = "/api/v1/transparency/audit-heads";

#[component]
pub fn TransparencyPage() -> Html {
    let lang = use_lang();
    let heads = use_state(|| None::<Result<Vec<AuditHead>, ApiError>>);
    {
        let heads = heads.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { heads.set(Some(api::get(HEADS).await)) });
        });
    }
    let list = match &*heads {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(h)) if h.is_empty() => html! { <p class="hint" id="heads-none">{ lang.t(S::HeadsNone) }</p> },
        Some(Ok(h)) => html! {
            <ul class="heads" id="audit-heads">
                { for h.iter().map(|x| html! {
                    <li class="card">
                        <strong>{ x.day.format("%Y-%m-%d").to_string() }</strong>
                        <span>{ lang.t(S::HeadsRecords) }{ " " }{ x.records }</span>
                        <code class="hash">{ &x.head }</code>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::TransparencyTitle) }</h1>
            <p class="lead">{ lang.t(S::TransparencyLead) }</p>
            <p>{ lang.t(S::TransparencyHow) }</p>
            <pre class="command"><code>{ "tangui verify-audit --heads audit-heads.json" }</code></pre>
            <p><a class="button" href={HEADS} download="audit-heads.json" id="heads-download">{ lang.t(S::HeadsDownload) }</a></p>
            <h2>{ lang.t(S::HeadsTitle) }</h2>
            { list }
        </section>
    }
}
