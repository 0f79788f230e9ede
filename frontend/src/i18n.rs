//! Every string of the UI, in zh-CN (default) and English, in one table.

use yew::prelude::*;

mod table;

pub use table::S;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn t(self, s: S) -> &'static str {
        match self {
            Lang::Zh => s.zh(),
            Lang::En => s.en(),
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks from a server-sent [`common::Text`].
    pub fn pick(self, text: &common::Text) -> String {
        match self {
            Lang::Zh => text.zh.clone(),
            Lang::En => text.en.clone(),
        }
    }

    /// Picks between two strings computed elsewhere (names from `common`).
    pub fn either<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The current language, from the context set up in `app.rs`.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<crate::hooks::LangHandle>().map(|h| *h).unwrap_or(Lang::Zh)
}
