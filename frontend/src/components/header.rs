use common::Role;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::{Session, use_session, use_unread};
use crate::i18n::{Lang, S, use_lang};

/// Where each role starts after signing in: the work they came to do, not the public map.
pub fn landing(role: Role) -> Route {
    match role {
        Role::DistrictOfficer | Role::CityAdmin => Route::Review,
        Role::Vendor => Route::Apply,
        Role::Merchant => Route::MyFilings,
    }
}

/// The links each role sees. Only pages that exist are linked.
pub fn nav_links(role: Option<Role>) -> Vec<(Route, S)> {
    let mut links = vec![(Route::Home, S::NavHome)];
    match role {
        None => links.push((Route::SelfCheck, S::NavSelfCheck)),
        Some(Role::Merchant) => {
            links.push((Route::MyFilings, S::NavMyFilings));
            links.push((Route::MyPermits, S::NavPermits));
            links.push((Route::SelfCheck, S::NavSelfCheck));
        }
        Some(Role::Vendor) => {
            links.push((Route::Apply, S::NavApply));
            links.push((Route::MyPermits, S::NavPermits));
        }
        Some(Role::DistrictOfficer) => {
            links.push((Route::Review, S::NavReview));
            links.push((Route::Inspect, S::NavInspect));
            links.push((Route::Counter, S::NavCounter));
            links.push((Route::Dashboard, S::NavDashboard));
            links.push((Route::AdminOutbox, S::NavOutbox));
        }
        Some(Role::CityAdmin) => {
            links.push((Route::Review, S::NavReview));
            links.push((Route::Dashboard, S::NavDashboard));
            links.push((Route::AdminZones, S::NavZoneAdmin));
            links.push((Route::AdminPolicy, S::NavPolicy));
            links.push((Route::AdminSegments, S::NavSegments));
            links.push((Route::AdminCalendar, S::NavCalendar));
            links.push((Route::AdminUsers, S::NavUsers));
            links.push((Route::AdminOutbox, S::NavOutbox));
        }
    }
    links.push((Route::Rounds, S::NavRounds));
    if role.is_some() {
        links.push((Route::Inbox, S::NavInbox));
        links.push((Route::Account, S::NavAccount));
    }
    links
}

#[component]
pub fn Header() -> Html {
    let lang = use_lang();
    let lang_handle = use_context::<crate::hooks::LangHandle>().expect("lang context");
    let session = use_session();
    let navigator = use_navigator();
    let route = use_route::<Route>();
    let open = use_state(|| false);
    let unread = use_unread();

    // The unread count, asked again on every page change (one count, not the list).
    {
        let unread = unread.clone();
        let who = session.me.as_ref().map(|m| m.id);
        use_effect_with((route.clone(), who), move |(_, who)| {
            if who.is_some() {
                yew::platform::spawn_local(async move {
                    if let Ok(c) =
                        crate::api::get::<common::dto::lifecycle::UnreadCount>("/api/v1/me/notifications/unread").await
                    {
                        unread.0.set(c.unread);
                    }
                });
            } else {
                unread.0.set(0);
            }
        });
    }
    // Close the mobile menu after navigating.
    {
        let open = open.clone();
        use_effect_with(route.clone(), move |_| open.set(false));
    }

    let toggle_lang = {
        let lang_handle = lang_handle.clone();
        Callback::from(move |_| lang_handle.set(if lang_handle.is_en() { Lang::Zh } else { Lang::En }))
    };
    let senior = crate::hooks::use_senior();
    let toggle_senior = {
        let senior = senior.clone();
        Callback::from(move |_| senior.0.set(!*senior.0))
    };
    let toggle_menu = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let logout = {
        let session = session.clone();
        let navigator = navigator.clone();
        Callback::from(move |_| {
            let session = session.clone();
            let navigator = navigator.clone();
            yew::platform::spawn_local(async move {
                let _ =
                    crate::api::request_empty::<()>(gloo::net::http::Method::POST, "/api/v1/auth/logout", None).await;
                session.set(Session { loaded: true, me: None });
                if let Some(n) = navigator {
                    n.push(&Route::Home);
                }
            });
        })
    };

    let me = session.me.clone();
    let role = me.as_ref().map(|m| m.role);
    let count = *unread.0;
    let count_badge = |id: &'static str| {
        html! {
            if count > 0 {
                <span class="unread-count" id={id}>{ count.min(99) }<span class="visually-hidden">{ " " }{ lang.t(S::UnreadSuffix) }</span></span>
            }
        }
    };
    let links = nav_links(role).into_iter().map(|(r, s)| {
        let current = route.as_ref() == Some(&r);
        let badge = if r == Route::Inbox { count_badge("nav-unread") } else { Html::default() };
        html! {
            <li>
                <Link<Route> to={r} classes={classes!(current.then_some("current"))}>
                    <span aria-current={current.then_some("page")}>{ lang.t(s) }</span>{ badge }
                </Link<Route>>
            </li>
        }
    });

    html! {
        <header class="site-header">
            <a class="skip-link" href="#main">{ lang.t(S::SkipToContent) }</a>
            <div class="bar">
                <Link<Route> to={Route::Home} classes="brand">
                    <img src="/favicon.svg" alt="" width="28" height="28" />
                    <span>{ lang.t(S::AppName) }</span>
                </Link<Route>>
                if me.is_some() {
                    // On a phone the menu is folded: the inbox and its count stay in view.
                    <Link<Route> to={Route::Inbox} classes="inbox-link">
                        { lang.t(S::NavInbox) }{ count_badge("bar-unread") }
                    </Link<Route>>
                }
                // In the bar on every screen size: the people who need it cannot read the folded menu.
                <button class="senior-switch" id="senior-switch" aria-pressed={senior.0.to_string()} onclick={toggle_senior}
                    title={lang.t(S::SeniorModeHint)}>
                    // One label; the pressed state (and its style) says whether it is on.
                    { lang.t(S::SeniorMode) }
                </button>
                <button class="menu-toggle" aria-expanded={open.to_string()} aria-controls="site-nav" onclick={toggle_menu}>
                    { lang.t(S::NavMenu) }
                </button>
                <nav id="site-nav" class={classes!("site-nav", (*open).then_some("open"))} aria-label={lang.t(S::NavMenu)}>
                    <ul>
                        { for links }
                    </ul>
                    <div class="nav-actions">
                        if let Some(m) = &me {
                            <span class="who" data-role={m.role.as_str()}>
                                { lang.either(m.role.name_zh(), m.role.name_en()) }{ " · " }{ &m.display_name }
                            </span>
                            <button class="link-button" onclick={logout}>{ lang.t(S::NavLogout) }</button>
                        } else if session.loaded {
                            <Link<Route> to={Route::Login} classes="button small">{ lang.t(S::NavLogin) }</Link<Route>>
                            <Link<Route> to={Route::Register} classes="button small secondary">{ lang.t(S::NavRegister) }</Link<Route>>
                        }
                        <button class="lang-switch" lang={if lang.is_en() { "zh-CN" } else { "en" }}
                            title={lang.t(S::SwitchLanguageLabel)} onclick={toggle_lang}>
                            { lang.t(S::SwitchLanguage) }
                        </button>
                    </div>
                </nav>
            </div>
            <crate::components::assisted::ActingBanner />
        </header>
    }
}
