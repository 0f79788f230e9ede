//! City admins: the policy pack in force (every rule with its clause and source), the versions
//! decisions were made under, and a draft edited as JSON, checked by the server, then published.

use common::Role;
use common::dto::filings::{PolicyDraft, PolicyVersionSummary};
use common::policy::PolicyPack;
use gloo::net::http::Method;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::{ErrorAlert, Success};
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

#[derive(Clone, PartialEq)]
struct Loaded {
    pack: PolicyPack,
    versions: Vec<PolicyVersionSummary>,
    draft: Option<PolicyDraft>,
}

async fn load() -> Result<Loaded, ApiError> {
    let pack = api::get::<PolicyPack>("/api/v1/policy").await?;
    let versions = api::get::<Vec<PolicyVersionSummary>>("/api/v1/policy/versions").await?;
    let draft = api::get::<Option<PolicyDraft>>("/api/v1/policy/draft").await?;
    Ok(Loaded { pack, versions, draft })
}

/// The text the editor starts from: the saved draft, or the pack in force as the next version.
fn editor_text(l: &Loaded) -> (String, String) {
    match &l.draft {
        Some(d) => (serde_json::to_string_pretty(&d.pack).unwrap_or_default(), d.note.clone()),
        None => {
            let mut next = l.pack.clone();
            next.version += 1;
            (serde_json::to_string_pretty(&next).unwrap_or_default(), String::new())
        }
    }
}

#[component]
pub fn PolicyPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_state(|| None::<Result<Loaded, ApiError>>);
    let text = use_state(String::new);
    let note = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let parse_error = use_state(|| None::<String>);
    let saved = use_state(|| None::<&'static str>);
    let reload = use_state(|| 0u32);
    let is_admin = session.me.as_ref().map(|m| m.role) == Some(Role::CityAdmin);

    {
        let (loaded, text, note) = (loaded.clone(), text.clone(), note.clone());
        use_effect_with((*reload, is_admin), move |(_, admin)| {
            if *admin {
                yew::platform::spawn_local(async move {
                    let r = load().await;
                    if let Ok(l) = &r {
                        let (t, n) = editor_text(l);
                        text.set(t);
                        note.set(n);
                    }
                    loaded.set(Some(r));
                });
            }
        });
    }

    if !session.loaded {
        return html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> };
    }
    if !is_admin {
        return html! { <section class="page narrow"><p class="alert error">{ lang.t(S::Forbidden) }</p></section> };
    }
    let l = match &*loaded {
        None => return html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => return html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(l)) => l.clone(),
    };

    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_note = {
        let note = note.clone();
        Callback::from(move |e: InputEvent| note.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let save = {
        let (text, note, error, parse_error, saved, reload) =
            (text.clone(), note.clone(), error.clone(), parse_error.clone(), saved.clone(), reload.clone());
        Callback::from(move |_| {
            saved.set(None);
            error.set(None);
            // The JSON must at least parse into a pack; everything else the server checks.
            let pack = match serde_json::from_str::<PolicyPack>(&text) {
                Ok(p) => p,
                Err(e) => {
                    parse_error.set(Some(e.to_string()));
                    return;
                }
            };
            parse_error.set(None);
            let draft = PolicyDraft { pack, note: (*note).clone() };
            let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::request::<_, PolicyDraft>(Method::PUT, "/api/v1/policy/draft", Some(&draft)).await {
                    Ok(_) => {
                        saved.set(Some("draft"));
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let publish = {
        let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
        Callback::from(move |_| {
            let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::request::<(), PolicyVersionSummary>(Method::POST, "/api/v1/policy/draft/publish", None).await
                {
                    Ok(_) => {
                        saved.set(Some("published"));
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let en = lang.is_en();
    let rules = l.pack.rules.iter().map(|r| {
        html! {
            <tr>
                <td><code>{ &r.id }</code></td>
                <td>{ &r.clause }</td>
                <td>{ lang.either(&r.title.zh, &r.title.en) }<br /><span class="muted small">{ lang.either(&r.text.zh, &r.text.en) }</span></td>
                <td class="small">
                    { &r.source.document }
                    if let Some(b) = &r.source.borrowed_from {
                        <br /><span class="badge warn">{ lang.t(S::BorrowedFrom) }{ "：" }{ b }</span>
                    }
                </td>
            </tr>
        }
    });
    let versions = l.versions.iter().map(|v| {
        html! {
            <tr>
                <td>{ v.version }</td>
                <td>{ status_text(&v.status, en) }</td>
                <td>{ &v.note }</td>
                <td>{ v.published_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default() }</td>
            </tr>
        }
    });
    let field_errors = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();

    html! {
        <section class="page">
            <h1>{ lang.t(S::NavPolicy) }</h1>
            <p class="lead">{ lang.either(&l.pack.name.zh, &l.pack.name.en) }
                { " · " }{ lang.t(S::PolicyVersion) }{ " " }{ l.pack.version }
                { " · " }{ l.pack.effective_from.to_string() }</p>
            <p class="muted">{ lang.either(&l.pack.notes.zh, &l.pack.notes.en) }</p>

            <h2>{ if en { "Rules in force" } else { "现行规则" } }</h2>
            <div class="table-wrap" tabindex="0">
                <table class="data" id="policy-rules">
                    <thead><tr>
                        <th scope="col">{ "ID" }</th>
                        <th scope="col">{ lang.t(S::Clause) }</th>
                        <th scope="col">{ if en { "Rule" } else { "规则" } }</th>
                        <th scope="col">{ lang.t(S::Source) }</th>
                    </tr></thead>
                    <tbody>{ for rules }</tbody>
                </table>
            </div>

            <h2>{ if en { "Versions" } else { "版本记录" } }</h2>
            <p class="muted small">{ if en {
                "Every decision keeps the version it was made under; publishing changes only new checks."
            } else {
                "每个决定都记录所依据的版本；发布新版本只影响之后的核对。"
            } }</p>
            <div class="table-wrap" tabindex="0">
                <table class="data" id="policy-versions">
                    <thead><tr>
                        <th scope="col">{ lang.t(S::PolicyVersion) }</th>
                        <th scope="col">{ if en { "Status" } else { "状态" } }</th>
                        <th scope="col">{ if en { "Note" } else { "说明" } }</th>
                        <th scope="col">{ if en { "Published" } else { "发布时间" } }</th>
                    </tr></thead>
                    <tbody>{ for versions }</tbody>
                </table>
            </div>

            <h2>{ if en { "Edit a draft" } else { "编辑草稿" } }</h2>
            <p class="muted small">{ if en {
                "Change numbers, texts or sources in the JSON below. The server checks the draft before saving; publish makes it the version in force."
            } else {
                "在下方 JSON 中修改数值、文字或依据。保存时服务器会逐项检查；发布后成为现行版本。"
            } }</p>
            <div class="field">
                <label for="draft-note">{ if en { "What changed" } else { "修改说明" } }</label>
                <input id="draft-note" type="text" value={(*note).clone()} oninput={on_note} />
            </div>
            <div class="field">
                <label for="draft-json">{ if en { "Draft pack (JSON)" } else { "草稿规则包（JSON）" } }</label>
                <textarea id="draft-json" class="code" rows="24" spellcheck="false" value={(*text).clone()} oninput={on_text} />
            </div>
            if let Some(pe) = &*parse_error {
                <div class="alert error" role="alert"><p>{ if en { "Not valid JSON for a pack: " } else { "JSON 无法解析为规则包：" } }<code>{ pe }</code></p></div>
            }
            <ErrorAlert error={(*error).clone()} />
            if !field_errors.is_empty() {
                <ul class="field-errors" id="draft-errors">
                    { for field_errors.iter().map(|f| html! {
                        <li><code>{ &f.field }</code>{ " " }{ lang.either(&f.message.zh, &f.message.en) }</li>
                    }) }
                </ul>
            }
            if let Some(what) = *saved {
                <Success>{ match (what, en) {
                    ("draft", false) => "草稿已保存。",
                    ("draft", true) => "Draft saved.",
                    (_, false) => "已发布为现行版本。",
                    (_, true) => "Published as the version in force.",
                } }</Success>
            }
            <div class="actions">
                <button type="button" class="button" id="save-draft" onclick={save}>{ if en { "Save draft" } else { "保存草稿" } }</button>
                if l.draft.is_some() {
                    <button type="button" class="button primary" id="publish-draft" onclick={publish}>{ if en { "Publish" } else { "发布" } }</button>
                }
            </div>
        </section>
    }
}

fn status_text(status: &str, en: bool) -> &'static str {
    match (status, en) {
        ("published", false) => "已发布",
        ("published", true) => "Published",
        ("draft", false) => "草稿",
        ("draft", true) => "Draft",
        ("superseded", false) => "已被取代",
        ("superseded", true) => "Superseded",
        (_, false) => "其他",
        (_, true) => "Other",
    }
}
