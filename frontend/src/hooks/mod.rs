//! Shared state: the signed-in account and the UI language, provided as contexts by `app.rs`.

mod basemap;
pub mod form;
pub mod geolocation;
mod session;

pub use basemap::{use_basemap, use_tile_source};
pub use session::{Session, SessionHandle, reload as reload_session, use_session};

use crate::i18n::Lang;

pub type LangHandle = yew::UseStateHandle<Lang>;

/// Senior mode (长辈模式): large text, high contrast, big buttons; remembered on the device.
#[derive(Debug, Clone, PartialEq)]
pub struct Senior(pub yew::UseStateHandle<bool>);

#[yew::hook]
pub fn use_senior() -> Senior {
    yew::use_context::<Senior>().expect("Senior context is provided by App")
}

/// How many notices the signed-in account has not read: the header shows it, the inbox lowers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread(pub yew::UseStateHandle<i64>);

#[yew::hook]
pub fn use_unread() -> Unread {
    yew::use_context::<Unread>().expect("Unread context is provided by App")
}
