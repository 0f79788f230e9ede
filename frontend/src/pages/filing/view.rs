//! A shop's filings, one filing with its certificate, and officers' decisions.

use super::*;

pub(super) fn filing_status(lang: Lang, s: &str) -> Html {
    html! { <span class={classes!("badge", "filing-status", s.to_string())} data-status={s.to_string()}>{ lang.pick(&filing_status_name(s)) }</span> }
}

pub(super) fn kind_name(lang: Lang, k: &str) -> String {
    lang.pick(&filing_kind_name(k))
}

#[component]
pub fn MyFilingsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let list = use_state(|| None::<Result<Vec<FilingView>, ApiError>>);
    let signed_in = session.me.is_some();
    {
        let list = list.clone();
        use_effect_with(signed_in, move |s| {
            if *s {
                yew::platform::spawn_local(async move { list.set(Some(api::get("/api/v1/me/filings").await)) });
            }
        });
    }
    if let Some(gate) = merchant_gate(lang, &session) {
        return gate;
    }
    html! {
        <section class="page">
            <h1>{ lang.t(S::MyFilings) }</h1>
            <div class="actions">
                <Link<Route> to={Route::SelfCheck} classes="button secondary">{ lang.t(S::SelfCheckTitle) }</Link<Route>>
                <Link<Route> to={Route::FileCrossStore} classes="button primary">{ lang.t(S::StartCrossStore) }</Link<Route>>
                <Link<Route> to={Route::FileOutdoorPromo} classes="button primary">{ lang.t(S::StartOutdoorPromo) }</Link<Route>>
            </div>
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(l)) if l.is_empty() => html! { <p class="muted">{ lang.t(S::NoFilings) }</p> },
                Some(Ok(l)) => html! {
                    <ul class="plain filing-list">
                        { for l.iter().map(|f| html! {
                            <li class="card">
                                <Link<Route> to={Route::Filing { id: f.id }}>{ format!("#{} ", f.id) }{ kind_name(lang, &f.kind) }</Link<Route>>
                                { " " }{ filing_status(lang, &f.status) }
                                <span class="muted small">{ " · " }{ common::time::to_xiamen(f.submitted_at).format("%Y-%m-%d").to_string() }</span>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </section>
    }
}
