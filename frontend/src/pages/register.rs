use std::collections::HashSet;

use common::FieldError;
use common::dto::auth::{CodePurpose, MerchantRegistration, RegisterRequest, SessionResponse, VendorRegistration};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, ErrorSummary, with_targets};
use crate::components::field::{TextField, errors_for};
use crate::components::password_meter::PasswordMeter;
use crate::components::phone_code::PhoneCode;
use crate::hooks::{Session, use_session};
use crate::i18n::{S, use_lang};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Vendor,
    Merchant,
}

/// Registration. The same validators as the server run on every keystroke; a field shows its
/// errors once the user has left it (or tried to submit), then live while they fix it.
#[component]
pub fn RegisterPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator().expect("inside router");
    let kind = use_state(|| Kind::Vendor);
    let vendor = use_state(VendorRegistration::default);
    let merchant = use_state(MerchantRegistration::default);
    let touched = use_state(HashSet::<String>::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let submitted = use_state(|| false);

    let request = match *kind {
        Kind::Vendor => RegisterRequest::Vendor((*vendor).clone()),
        Kind::Merchant => RegisterRequest::Merchant((*merchant).clone()),
    };
    let local: Vec<FieldError> =
        request.validate(common::time::xiamen_today()).into_iter().filter(|e| touched.contains(&e.field)).collect();
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let all: Vec<FieldError> = local.into_iter().chain(server).collect();

    let touch = |field: &'static str| {
        let touched = touched.clone();
        Callback::from(move |()| {
            if !touched.contains(field) {
                let mut t = (*touched).clone();
                t.insert(field.to_string());
                touched.set(t);
            }
        })
    };
    // Editing a field clears the server's verdict on it.
    let clear_server = {
        let error = error.clone();
        move || {
            if error.is_some() {
                error.set(None);
            }
        }
    };
    let set_v = |f: fn(&mut VendorRegistration, String)| {
        let (state, clear) = (vendor.clone(), clear_server.clone());
        Callback::from(move |v: String| {
            let mut next = (*state).clone();
            f(&mut next, v);
            state.set(next);
            clear();
        })
    };
    let set_m = |f: fn(&mut MerchantRegistration, String)| {
        let (state, clear) = (merchant.clone(), clear_server.clone());
        Callback::from(move |v: String| {
            let mut next = (*state).clone();
            f(&mut next, v);
            state.set(next);
            clear();
        })
    };
    let choose = |k: Kind| {
        let (kind, touched, error) = (kind.clone(), touched.clone(), error.clone());
        Callback::from(move |_| {
            kind.set(k);
            touched.set(HashSet::new());
            error.set(None);
        })
    };

    let onsubmit = {
        let (touched, busy, error, session, submitted) =
            (touched.clone(), busy.clone(), error.clone(), session.clone(), submitted.clone());
        let request = request.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            let fields: HashSet<String> =
                request.validate(common::time::xiamen_today()).into_iter().map(|e| e.field).collect();
            let mut t = (*touched).clone();
            t.extend(
                ["real_name", "id_number", "phone", "password", "shop_name", "credit_code", "contact_name", "code"]
                    .map(String::from),
            );
            touched.set(t);
            if !fields.is_empty() || *busy {
                return;
            }
            let (busy, error, session, navigator, request) =
                (busy.clone(), error.clone(), session.clone(), navigator.clone(), request.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::post::<_, SessionResponse>("/api/v1/auth/register", &request).await {
                    Ok(r) => {
                        session.set(Session { loaded: true, me: Some(r.user) });
                        navigator.push(&Route::Account);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };

    let fields = match *kind {
        Kind::Vendor => html! {
            <>
                <TextField id="real_name" label={lang.t(S::RealName)} value={vendor.real_name.clone()} autocomplete="name"
                    oninput={set_v(|f, v| f.real_name = v)} onblur={touch("real_name")} errors={errors_for(&all, "real_name")} />
                <TextField id="id_number" label={lang.t(S::IdNumber)} hint={lang.t(S::IdNumberHint)} value={vendor.id_number.clone()}
                    autocomplete="off" oninput={set_v(|f, v| f.id_number = v)} onblur={touch("id_number")} errors={errors_for(&all, "id_number")} />
                <TextField id="phone" label={lang.t(S::Phone)} hint={lang.t(S::PhoneHint)} value={vendor.phone.clone()} input_type="tel"
                    inputmode="tel" autocomplete="tel" oninput={set_v(|f, v| f.phone = v)} onblur={touch("phone")} errors={errors_for(&all, "phone")} />
                <PhoneCode phone={vendor.phone.clone()} purpose={CodePurpose::Register} value={vendor.code.clone()}
                    oninput={set_v(|f, v| f.code = v)} errors={all.clone()} />
                <TextField id="password" label={lang.t(S::Password)} hint={lang.t(S::PasswordHint)} value={vendor.password.clone()}
                    input_type="password" autocomplete="new-password" oninput={set_v(|f, v| f.password = v)} onblur={touch("password")}
                    errors={errors_for(&all, "password")} />
                <PasswordMeter password={vendor.password.clone()}
                    about={vec![vendor.real_name.clone(), vendor.phone.clone(), vendor.id_number.clone()]} />
            </>
        },
        Kind::Merchant => html! {
            <>
                <TextField id="shop_name" label={lang.t(S::ShopName)} value={merchant.shop_name.clone()} autocomplete="organization"
                    oninput={set_m(|f, v| f.shop_name = v)} onblur={touch("shop_name")} errors={errors_for(&all, "shop_name")} />
                <TextField id="credit_code" label={lang.t(S::CreditCode)} hint={lang.t(S::CreditCodeHint)} value={merchant.credit_code.clone()}
                    autocomplete="off" oninput={set_m(|f, v| f.credit_code = v)} onblur={touch("credit_code")} errors={errors_for(&all, "credit_code")} />
                <TextField id="contact_name" label={lang.t(S::ContactName)} value={merchant.contact_name.clone()} autocomplete="name"
                    oninput={set_m(|f, v| f.contact_name = v)} onblur={touch("contact_name")} errors={errors_for(&all, "contact_name")} />
                <TextField id="phone" label={lang.t(S::Phone)} hint={lang.t(S::PhoneHint)} value={merchant.phone.clone()} input_type="tel"
                    inputmode="tel" autocomplete="tel" oninput={set_m(|f, v| f.phone = v)} onblur={touch("phone")} errors={errors_for(&all, "phone")} />
                <PhoneCode phone={merchant.phone.clone()} purpose={CodePurpose::Register} value={merchant.code.clone()}
                    oninput={set_m(|f, v| f.code = v)} errors={all.clone()} />
                <TextField id="password" label={lang.t(S::Password)} hint={lang.t(S::PasswordHint)} value={merchant.password.clone()}
                    input_type="password" autocomplete="new-password" oninput={set_m(|f, v| f.password = v)} onblur={touch("password")}
                    errors={errors_for(&all, "password")} />
                <PasswordMeter password={merchant.password.clone()}
                    about={vec![merchant.shop_name.clone(), merchant.contact_name.clone(), merchant.phone.clone(), merchant.credit_code.clone()]} />
            </>
        },
    };

    html! {
        <section class="page narrow">
            <h1>{ lang.t(S::RegisterTitle) }</h1>
            <div class="segmented" role="radiogroup" aria-label={lang.t(S::RegisterTitle)}>
                <button type="button" role="radio" aria-checked={(*kind == Kind::Vendor).to_string()} id="kind-vendor"
                    onclick={choose(Kind::Vendor)}>{ lang.t(S::RegisterAsVendor) }</button>
                <button type="button" role="radio" aria-checked={(*kind == Kind::Merchant).to_string()} id="kind-merchant"
                    onclick={choose(Kind::Merchant)}>{ lang.t(S::RegisterAsShop) }</button>
            </div>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            if *submitted { <ErrorSummary errors={with_targets(&all, &[])} /> }
            <form class="form" onsubmit={onsubmit} novalidate=true>
                { fields }
                <button type="submit" class="button primary" disabled={*busy}>
                    { if *busy { lang.t(S::Saving) } else { lang.t(S::RegisterSubmit) } }
                </button>
            </form>
            <p>{ lang.t(S::HaveAccount) }{ " " }<Link<Route> to={Route::Login}>{ lang.t(S::NavLogin) }</Link<Route>></p>
        </section>
    }
}
