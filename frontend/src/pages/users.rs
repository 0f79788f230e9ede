use common::dto::users::{CreateStaffRequest, UserList, UserSummary};
use common::{District, Role};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::{ErrorAlert, Success};
use crate::components::field::{TextField, errors_for};
use crate::hooks::use_session;
use crate::i18n::{S, use_lang};

fn empty_request() -> CreateStaffRequest {
    CreateStaffRequest {
        username: String::new(),
        display_name: String::new(),
        role: Role::DistrictOfficer,
        district: None,
        password: String::new(),
    }
}

/// City admins: list accounts and create officer / admin accounts.
#[component]
pub fn UsersPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let list = use_state(|| None::<Result<UserList, ApiError>>);
    let reload = use_state(|| 0u32);
    let form = use_state(empty_request);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let created = use_state(|| None::<UserSummary>);
    let acted = use_state(|| None::<&'static str>);
    let is_admin = session.me.as_ref().is_some_and(|m| m.role == Role::CityAdmin);

    {
        let list = list.clone();
        use_effect_with((*reload, is_admin), move |(_, admin)| {
            if *admin {
                yew::platform::spawn_local(async move {
                    list.set(Some(api::get::<UserList>("/api/v1/users?per_page=100").await))
                });
            }
        });
    }
    if !session.loaded {
        return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }
    if !is_admin {
        return html! { <section class="page narrow"><p class="alert error" role="alert">{ lang.t(S::Forbidden) }</p></section> };
    }

    let local = if *submitted { form.validate() } else { Vec::new() };
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let all: Vec<_> = local.into_iter().chain(server).collect();
    let set = |f: fn(&mut CreateStaffRequest, String)| {
        let form = form.clone();
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        })
    };
    let on_role = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = (*form).clone();
            next.role = Role::parse(&v).unwrap_or(Role::DistrictOfficer);
            if next.role == Role::CityAdmin {
                next.district = None;
            }
            form.set(next);
        })
    };
    let on_district = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = (*form).clone();
            next.district = District::from_code(&v);
            form.set(next);
        })
    };
    let onsubmit = {
        let (form, submitted, busy, error, created, reload) =
            (form.clone(), submitted.clone(), busy.clone(), error.clone(), created.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            if !form.validate().is_empty() || *busy {
                return;
            }
            let (form, busy, error, created, reload, submitted) =
                (form.clone(), busy.clone(), error.clone(), created.clone(), reload.clone(), submitted.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::post::<_, UserSummary>("/api/v1/users", &*form).await {
                    Ok(u) => {
                        created.set(Some(u));
                        error.set(None);
                        form.set(empty_request());
                        submitted.set(false);
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let district_errors = errors_for(&all, "district");
    let me_id = session.me.as_ref().map(|m| m.id);
    // One account action (disable / enable, end sessions, reset the authenticator), confirmed
    // first: each ends somebody's sign-ins.
    let act = {
        let (reload, error, done) = (reload.clone(), error.clone(), acted.clone());
        move |u: &UserSummary, what: &'static str| {
            let (reload, error, done) = (reload.clone(), error.clone(), done.clone());
            let (id, disabled, name) = (u.id, u.disabled, u.display_name.clone());
            Callback::from(move |_| {
                let ask = match what {
                    "disable" if !disabled => lang.t(S::ConfirmDisable),
                    "disable" => lang.t(S::ConfirmEnable),
                    "sessions" => lang.t(S::ConfirmEndSessions),
                    _ => lang.t(S::ConfirmResetTotp),
                };
                let ok = web_sys::window()
                    .and_then(|w| w.confirm_with_message(&format!("{ask}（{name}）")).ok())
                    .unwrap_or(false);
                if !ok {
                    return;
                }
                let (reload, error, done) = (reload.clone(), error.clone(), done.clone());
                yew::platform::spawn_local(async move {
                    let r = match what {
                        "disable" => api::post::<_, UserSummary>(
                            &format!("/api/v1/users/{id}/disabled"),
                            &serde_json::json!({ "disabled": !disabled }),
                        )
                        .await
                        .map(|_| ()),
                        "sessions" => {
                            api::request_empty::<()>(
                                gloo::net::http::Method::DELETE,
                                &format!("/api/v1/users/{id}/sessions"),
                                None,
                            )
                            .await
                        }
                        _ => {
                            api::request_empty::<()>(
                                gloo::net::http::Method::DELETE,
                                &format!("/api/v1/users/{id}/second-factor"),
                                None,
                            )
                            .await
                        }
                    };
                    match r {
                        Ok(()) => {
                            error.set(None);
                            done.set(Some(what));
                            reload.set(*reload + 1);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            })
        }
    };

    let table = match &*list {
        None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
        Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
        Some(Ok(l)) => html! {
            <>
                if acted.is_some() { <Success>{ lang.t(S::AccountActionDone) }</Success> }
                <p class="muted">{ lang.t(S::Total) }{ " " }{ l.total }</p>
                <div class="table-wrap" tabindex="0">
                    <table class="data" id="users-table">
                        <thead><tr>
                            <th scope="col">{ lang.t(S::DisplayName) }</th>
                            <th scope="col">{ lang.t(S::Login) }</th>
                            <th scope="col">{ lang.t(S::Role) }</th>
                            <th scope="col">{ lang.t(S::District) }</th>
                            <th scope="col">{ lang.t(S::IdNumber) }</th>
                            <th scope="col">{ lang.t(S::SecondFactorTitle) }</th>
                            <th scope="col">{ lang.t(S::AccountActions) }</th>
                        </tr></thead>
                        <tbody>
                            { for l.users.iter().map(|u| html! {
                                <tr>
                                    <td>{ &u.display_name }{ if u.disabled { format!(" ({})", lang.t(S::Disabled)) } else { String::new() } }</td>
                                    <td>{ &u.login }</td>
                                    <td>{ lang.either(u.role.name_zh(), u.role.name_en()) }</td>
                                    <td>{ u.district.map(|d| lang.either(d.name_zh(), d.name_en()).to_string()).unwrap_or_else(|| "—".into()) }</td>
                                    <td>{ u.id_number_masked.clone().unwrap_or_else(|| "—".into()) }</td>
                                    <td>{ if !u.role.is_staff() { "—" } else if u.second_factor { lang.t(S::TotpSet) } else { lang.t(S::TotpNotSet) } }</td>
                                    <td><div class="row-actions" data-user={u.id.to_string()}>
                                        if Some(u.id) != me_id {
                                            <button type="button" class="link-button" data-action="disable" onclick={act(u, "disable")}>
                                                { if u.disabled { lang.t(S::EnableAccount) } else { lang.t(S::DisableAccount) } }
                                            </button>
                                            <button type="button" class="link-button" data-action="sessions" onclick={act(u, "sessions")}>{ lang.t(S::EndSessions) }</button>
                                            if u.role.is_staff() && u.second_factor {
                                                <button type="button" class="link-button" data-action="totp" onclick={act(u, "totp")}>{ lang.t(S::ResetTotp) }</button>
                                            }
                                        }
                                    </div></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </>
        },
    };

    html! {
        <section class="page">
            <h1>{ lang.t(S::UsersTitle) }</h1>
            <p class="lead">{ lang.t(S::UsersLead) }</p>
            <div class="two-col">
                <div class="card">
                    <h2>{ lang.t(S::NewStaff) }</h2>
                    if let Some(u) = &*created { <Success>{ lang.t(S::StaffCreated) }{ "：" }{ &u.login }</Success> }
                    <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
                    <form class="form" onsubmit={onsubmit} novalidate=true>
                        <TextField id="username" label={lang.t(S::Username)} value={form.username.clone()} autocomplete="off"
                            oninput={set(|f, v| f.username = v)} errors={errors_for(&all, "username")} />
                        <TextField id="display_name" label={lang.t(S::DisplayName)} value={form.display_name.clone()}
                            oninput={set(|f, v| f.display_name = v)} errors={errors_for(&all, "display_name")} />
                        <div class="field">
                            <label for="role">{ lang.t(S::Role) }</label>
                            <select id="role" onchange={on_role}>
                                { for [Role::DistrictOfficer, Role::CityAdmin].into_iter().map(|r| html! {
                                    <option value={r.as_str()} selected={form.role == r}>{ lang.either(r.name_zh(), r.name_en()) }</option>
                                }) }
                            </select>
                        </div>
                        if form.role == Role::DistrictOfficer {
                            <div class={classes!("field", (!district_errors.is_empty()).then_some("invalid"))}>
                                <label for="district">{ lang.t(S::District) }</label>
                                <select id="district" onchange={on_district} aria-invalid={(!district_errors.is_empty()).to_string()}>
                                    <option value="" selected={form.district.is_none()}>{ lang.t(S::Select) }</option>
                                    { for District::ALL.into_iter().map(|d| html! {
                                        <option value={d.code()} selected={form.district == Some(d)}>{ lang.either(d.name_zh(), d.name_en()) }</option>
                                    }) }
                                </select>
                                if !district_errors.is_empty() {
                                    <ul class="field-errors">{ for district_errors.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul>
                                }
                            </div>
                        }
                        <TextField id="staff_password" label={lang.t(S::Password)} hint={lang.t(S::PasswordHint)} value={form.password.clone()}
                            input_type="password" autocomplete="new-password" oninput={set(|f, v| f.password = v)}
                            errors={errors_for(&all, "password")} />
                        <button type="submit" class="button primary" disabled={*busy}>{ lang.t(S::CreateStaff) }</button>
                    </form>
                </div>
                <div>{ table }</div>
            </div>
        </section>
    }
}
