//! A message in both UI languages. zh-CN is the primary language; en is the switch.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text { zh: zh.into(), en: en.into() }
    }

    /// Picks the string for a language tag (`"en"` or anything else → Chinese).
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("en") { &self.en } else { &self.zh }
    }
}
