//! Shared state: the signed-in account and the UI language, provided as contexts by `app.rs`.

mod session;

pub use session::{Session, SessionHandle, use_session};

use crate::i18n::Lang;

pub type LangHandle = yew::UseStateHandle<Lang>;
