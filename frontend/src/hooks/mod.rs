//! Shared state: the signed-in account and the UI language, provided as contexts by `app.rs`.

mod basemap;
mod session;

pub use basemap::use_basemap;
pub use session::{Session, SessionHandle, use_session};

use crate::i18n::Lang;

pub type LangHandle = yew::UseStateHandle<Lang>;
