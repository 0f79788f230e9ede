use serde::{Deserialize, Serialize};

/// Xiamen's six districts, identified by their administrative division code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum District {
    #[serde(rename = "350203")]
    Siming,
    #[serde(rename = "350205")]
    Haicang,
    #[serde(rename = "350206")]
    Huli,
    #[serde(rename = "350211")]
    Jimei,
    #[serde(rename = "350212")]
    Tongan,
    #[serde(rename = "350213")]
    Xiangan,
}

impl District {
    pub const ALL: [District; 6] =
        [District::Siming, District::Haicang, District::Huli, District::Jimei, District::Tongan, District::Xiangan];

    /// Administrative division code, e.g. `350203`.
    pub fn code(self) -> &'static str {
        match self {
            District::Siming => "350203",
            District::Haicang => "350205",
            District::Huli => "350206",
            District::Jimei => "350211",
            District::Tongan => "350212",
            District::Xiangan => "350213",
        }
    }

    /// Two-letter abbreviation used in zone codes, e.g. `SM`.
    pub fn abbr(self) -> &'static str {
        match self {
            District::Siming => "SM",
            District::Haicang => "HC",
            District::Huli => "HL",
            District::Jimei => "JM",
            District::Tongan => "TA",
            District::Xiangan => "XA",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            District::Siming => "思明区",
            District::Haicang => "海沧区",
            District::Huli => "湖里区",
            District::Jimei => "集美区",
            District::Tongan => "同安区",
            District::Xiangan => "翔安区",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            District::Siming => "Siming",
            District::Haicang => "Haicang",
            District::Huli => "Huli",
            District::Jimei => "Jimei",
            District::Tongan => "Tong'an",
            District::Xiangan => "Xiang'an",
        }
    }

    pub fn from_code(code: &str) -> Option<District> {
        District::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn from_abbr(abbr: &str) -> Option<District> {
        District::ALL.into_iter().find(|d| d.abbr().eq_ignore_ascii_case(abbr))
    }

    /// Accepts a code, an abbreviation or the Chinese name (with or without 区).
    pub fn parse_any(s: &str) -> Option<District> {
        let s = s.trim();
        District::from_code(s)
            .or_else(|| District::from_abbr(s))
            .or_else(|| District::ALL.into_iter().find(|d| d.name_zh() == s || d.name_zh().trim_end_matches('区') == s))
    }
}

impl std::fmt::Display for District {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn codes_round_trip_and_serialise_as_codes() {
        for d in District::ALL {
            assert_eq!(District::from_code(d.code()), Some(d));
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{}\"", d.code()));
        }
        assert_eq!(District::parse_any("思明"), Some(District::Siming));
        assert_eq!(District::parse_any("hl"), Some(District::Huli));
        assert_eq!(District::parse_any("350299"), None);
    }
}
