//! Routes and the application shell (header, main, footer, contexts).

use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::footer::Footer;
use crate::components::header::Header;
use crate::hooks::Session;
use crate::i18n::Lang;
use crate::pages;

#[derive(Routable, Clone, PartialEq, Debug)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/zones/:id")]
    Zone { id: i64 },
    #[at("/apply")]
    Apply,
    #[at("/review")]
    Review,
    #[at("/review/:id")]
    ReviewCase { id: i64 },
    #[at("/rounds")]
    Rounds,
    #[at("/rounds/new")]
    RoundNew,
    #[at("/rounds/:id")]
    Round { id: i64 },
    #[at("/self-check")]
    SelfCheck,
    #[at("/file/cross-store")]
    FileCrossStore,
    #[at("/file/outdoor-promo")]
    FileOutdoorPromo,
    #[at("/filings")]
    MyFilings,
    #[at("/filings/:id")]
    Filing { id: i64 },
    #[at("/verify/:code")]
    Verify { code: String },
    #[at("/admin/policy")]
    AdminPolicy,
    #[at("/admin/segments")]
    AdminSegments,
    #[at("/permits")]
    MyPermits,
    #[at("/permits/:id")]
    Permit { id: i64 },
    #[at("/inspect")]
    Inspect,
    #[at("/report")]
    Report,
    #[at("/complaints/:token")]
    ComplaintStatus { token: String },
    #[at("/review/complaints/:id")]
    StaffComplaint { id: i64 },
    #[at("/inbox")]
    Inbox,
    #[at("/dashboard")]
    Dashboard,
    #[at("/transparency")]
    Transparency,
    #[at("/data")]
    OpenData,
    #[at("/login")]
    Login,
    #[at("/register")]
    Register,
    #[at("/reset")]
    Reset,
    #[at("/takeover")]
    Takeover,
    #[at("/account")]
    Account,
    #[at("/counter")]
    Counter,
    #[at("/admin/users")]
    AdminUsers,
    #[at("/admin/outbox")]
    AdminOutbox,
    #[at("/admin/calendar")]
    AdminCalendar,
    #[at("/admin/zones")]
    AdminZones,
    #[at("/admin/zones/new")]
    AdminZoneNew,
    #[at("/admin/zones/import")]
    AdminZoneImport,
    #[at("/admin/zones/:id/edit")]
    AdminZoneEdit { id: i64 },
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::home::HomePage /> },
        Route::Zone { id } => html! { <pages::zone::ZonePage id={id} /> },
        Route::Verify { code } => html! { <pages::verify::VerifyPage code={code} /> },
        Route::NotFound => html! { <pages::not_found::NotFoundPage /> },
        other => public_page(other),
    }
}

/// The pages of the public app beyond the first visit's (forms, accounts, rounds, open data), in
/// the public and staff bundles (`--features public`).
#[cfg(feature = "public")]
fn public_page(route: Route) -> Html {
    match route {
        Route::Apply => html! { <pages::apply::ApplyPage /> },
        Route::Rounds => html! { <pages::rounds::RoundsPage /> },
        Route::Round { id } => html! { <pages::rounds::RoundPage id={id} /> },
        Route::SelfCheck => html! { <pages::selfcheck::SelfCheckPage /> },
        Route::FileCrossStore => html! { <pages::filing::CrossStorePage /> },
        Route::FileOutdoorPromo => html! { <pages::filing::OutdoorPromoPage /> },
        Route::MyFilings => html! { <pages::filing::MyFilingsPage /> },
        Route::Filing { id } => html! { <pages::filing::FilingPage id={id} /> },
        Route::MyPermits => html! { <pages::permits::MyPermitsPage /> },
        Route::Permit { id } => html! { <pages::permits::PermitPage id={id} /> },
        Route::Report => html! { <pages::complaints::ReportPage /> },
        Route::ComplaintStatus { token } => html! { <pages::complaints::ComplaintStatusPage token={token} /> },
        Route::Inbox => html! { <pages::inbox::InboxPage /> },
        Route::Transparency => html! { <pages::transparency::TransparencyPage /> },
        Route::OpenData => html! { <pages::open_data::OpenDataPage /> },
        Route::Login => html! { <pages::login::LoginPage /> },
        Route::Register => html! { <pages::register::RegisterPage /> },
        Route::Reset => html! { <pages::reset::ResetPage /> },
        Route::Takeover => html! { <pages::reset::TakeoverPage /> },
        Route::Account => html! { <pages::account::AccountPage /> },
        staff => staff_page(staff),
    }
}

/// In the first visit's bundle the other pages are loaded from the server, which answers them
/// with the public bundle (`common::routes::bundle_of`).
#[cfg(not(feature = "public"))]
fn public_page(_route: Route) -> Html {
    html! { <crate::components::handover::Handover /> }
}

/// The staff pages, in the staff bundle only (`--features staff`): the public bundle never
/// carries their code.
#[cfg(feature = "staff")]
fn staff_page(route: Route) -> Html {
    match route {
        Route::Review => html! { <pages::review::ReviewQueuePage /> },
        Route::ReviewCase { id } => html! { <pages::review::ReviewCasePage id={id} /> },
        Route::RoundNew => html! { <pages::rounds::NewRoundPage /> },
        Route::AdminPolicy => html! { <pages::policy::PolicyPage /> },
        Route::AdminSegments => html! { <pages::segments::SegmentsPage /> },
        Route::Inspect => html! { <pages::inspect::InspectPage /> },
        Route::StaffComplaint { id } => html! { <pages::complaints::StaffComplaintPage id={id} /> },
        Route::Dashboard => html! { <pages::dashboard::DashboardPage /> },
        Route::Counter => html! { <pages::counter::CounterPage /> },
        Route::AdminUsers => html! { <pages::users::UsersPage /> },
        Route::AdminOutbox => html! { <pages::outbox::OutboxPage /> },
        Route::AdminCalendar => html! { <pages::calendar::CalendarPage /> },
        Route::AdminZones => html! { <pages::admin_zones::AdminZonesPage /> },
        Route::AdminZoneNew => html! { <pages::zone_editor::ZoneEditorPage /> },
        Route::AdminZoneImport => html! { <pages::admin_zones::ImportPage /> },
        Route::AdminZoneEdit { id } => html! { <pages::zone_editor::ZoneEditorPage id={Some(id)} /> },
        _ => html! { <pages::not_found::NotFoundPage /> },
    }
}

/// In the public bundle a staff page is loaded from the server, which answers it with the staff
/// bundle (`common::routes::bundle_of`).
#[cfg(all(feature = "public", not(feature = "staff")))]
fn staff_page(_route: Route) -> Html {
    html! { <crate::components::handover::Handover /> }
}

const LANG_KEY: &str = "tangui.lang";
const SENIOR_KEY: &str = "tangui.senior";

#[component]
pub fn App() -> Html {
    let lang = use_state(|| match LocalStorage::get::<String>(LANG_KEY).as_deref() {
        Ok("en") => Lang::En,
        _ => Lang::Zh,
    });
    let session = use_state(Session::default);
    let unread = crate::hooks::Unread(use_state(|| 0i64));
    let senior = crate::hooks::Senior(use_state(|| LocalStorage::get::<bool>(SENIOR_KEY).unwrap_or(false)));
    // The whole page follows the switch: the style sheet keys on `data-senior` on <html>.
    {
        let on = *senior.0;
        use_effect_with(on, move |_| {
            let _ = LocalStorage::set(SENIOR_KEY, on);
            if let Some(root) = gloo::utils::document().document_element() {
                let _ = if on { root.set_attribute("data-senior", "1") } else { root.remove_attribute("data-senior") };
            }
        });
    }
    // The app has started: the placeholder page from index.html goes, and a hand-over to the
    // staff bundle that brought us here is complete.
    use_effect_with((), |_| {
        if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
            boot.remove();
        }
        if cfg!(feature = "public") {
            crate::components::handover::done();
        }
    });

    {
        let lang = *lang;
        use_effect_with(lang, move |_| {
            let _ = LocalStorage::set(LANG_KEY, if lang.is_en() { "en" } else { "zh" });
            if let Some(root) = gloo::utils::document().document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
        });
    }
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(crate::hooks::reload_session(session));
        });
    }

    html! {
        <ContextProvider<crate::hooks::LangHandle> context={lang}>
            <ContextProvider<crate::hooks::SessionHandle> context={session}>
                <ContextProvider<crate::hooks::Unread> context={unread}>
                    <ContextProvider<crate::hooks::Senior> context={senior}>
                        <BrowserRouter>
                            <Header />
                            <crate::components::offline::OfflineBanner />
                            <main id="main" tabindex="-1">
                                <Switch<Route> render={switch} />
                            </main>
                            <Footer />
                        </BrowserRouter>
                    </ContextProvider<crate::hooks::Senior>>
                </ContextProvider<crate::hooks::Unread>>
            </ContextProvider<crate::hooks::SessionHandle>>
        </ContextProvider<crate::hooks::LangHandle>>
    }
}
