//! Assisted service at a district service counter (服务窗口代办): an officer opens an account for
//! a person without a phone (or who cannot use one), with their signed consent, and files for
//! them; the person later takes the account over with a phone of their own.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::validate::{Errors, check_real_name};

/// How long a takeover code printed on a case summary works.
pub const TAKEOVER_CODE_DAYS: i64 = 180;

/// An officer opens an account for the person in front of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistedAccountRequest {
    pub real_name: String,
    pub id_number: String,
    /// The person's own phone, when they have one (empty when not); it is proven by `code`.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub code: String,
    /// Where: the counter's name (e.g. 思明区行政服务中心 3 号窗口).
    pub counter: String,
    /// The officer has checked the ID card in person.
    pub id_card_checked: bool,
    /// The photo of the signed consent form (an uploaded evidence id).
    pub consent_photo: Option<i64>,
    /// For a shop (跨店经营、外摆 filings): its name and credit code; the person is its contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop: Option<AssistedShop>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistedShop {
    pub shop_name: String,
    pub credit_code: String,
}

impl AssistedAccountRequest {
    pub fn validate(&self, today: chrono::NaiveDate) -> Vec<FieldError> {
        let mut e = Errors::new();
        check_real_name("real_name", &self.real_name, &mut e);
        e.id_number("id_number", &self.id_number, today);
        if !self.phone.trim().is_empty() {
            e.mobile("phone", &self.phone);
            crate::dto::auth::check_code("code", &self.code, &mut e);
        }
        e.text("counter", "办理窗口", "Counter", &self.counter, 60);
        if let Some(shop) = &self.shop {
            e.text("shop_name", "店铺或企业名称", "Shop or company name", &shop.shop_name, 60);
            e.credit_code("credit_code", &shop.credit_code);
        }
        if !self.id_card_checked {
            e.add("id_card_checked", "required", "请先核验身份证原件", "Check the ID card in person first");
        }
        if self.consent_photo.is_none() {
            e.add(
                "consent_photo",
                "required",
                "请拍下本人签字的代办同意书",
                "Take a photo of the consent form the person has signed",
            );
        }
        e.0
    }
}

/// An account opened at a counter, as the counter sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistedAccount {
    pub user_id: i64,
    pub display_name: String,
    /// The person proved a phone of their own with a texted code.
    pub phone_proven: bool,
    pub counter: String,
    pub created_at: NaiveDateTime,
}

/// What a signed-in view shows while an officer files for someone at a counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActingFor {
    /// The officer's name.
    pub officer: String,
    pub counter: String,
}

/// The person takes their account over: the ID number, the takeover code printed on the case
/// summary they were handed, and a phone of their own proven by a texted code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TakeoverRequest {
    /// The person's ID number; for a shop, leave it empty and give `credit_code`.
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub credit_code: String,
    pub takeover_code: String,
    pub phone: String,
    pub code: String,
    pub password: String,
}

/// Takeover codes are printed in groups (`ABCD-EFGH`): eight letters and digits without the
/// ones that are read wrongly (0/O, 1/I/L).
pub const TAKEOVER_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The code as typed, without dashes and spaces, upper case.
pub fn normalise_takeover_code(raw: &str) -> String {
    raw.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

impl TakeoverRequest {
    pub fn validate(&self, today: chrono::NaiveDate) -> Vec<FieldError> {
        let mut e = Errors::new();
        if self.credit_code.trim().is_empty() {
            e.id_number("id_number", &self.id_number, today);
        } else {
            e.credit_code("credit_code", &self.credit_code);
        }
        let code = normalise_takeover_code(&self.takeover_code);
        if code.is_empty() {
            e.add("takeover_code", "required", "请填写回执上的接管码", "Enter the takeover code on your receipt");
        } else if code.len() != 8 || !code.bytes().all(|b| TAKEOVER_ALPHABET.contains(&b)) {
            e.add(
                "takeover_code",
                "format",
                "接管码是 8 位字母和数字，印在办理回执上",
                "The takeover code is 8 letters and digits, printed on your receipt",
            );
        }
        e.mobile("phone", &self.phone);
        crate::dto::auth::check_code("code", &self.code, &mut e);
        crate::validate::check_password("password", &self.password, &mut e);
        e.0
    }
}

/// A notice for someone without a phone, waiting at their counter to be printed or called out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterNotice {
    pub id: i64,
    pub user_id: i64,
    /// The person's name, for the officer who calls them.
    pub person: String,
    pub counter: String,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    pub body_zh: String,
    pub body_en: String,
    pub created_at: NaiveDateTime,
}

/// How a counter notice reached the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandedHow {
    /// Printed and posted or handed over.
    Printed,
    /// Read to them by telephone (a landline or a relative's phone) or in person.
    Called,
}

impl HandedHow {
    pub fn as_str(self) -> &'static str {
        match self {
            HandedHow::Printed => "printed",
            HandedHow::Called => "called",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandOverRequest {
    pub how: HandedHow,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takeover_codes_are_read_forgivingly_and_checked() {
        assert_eq!(normalise_takeover_code(" abcd-efgh "), "ABCDEFGH");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let ok = TakeoverRequest {
            id_number: "11010519491231002X".into(),
            takeover_code: "abcd-efgh".into(),
            phone: "13800000009".into(),
            code: "123456".into(),
            password: "tea-stall-2026-xm".into(),
            ..Default::default()
        };
        assert!(ok.validate(today).is_empty(), "{:?}", ok.validate(today));
        let bad = TakeoverRequest { takeover_code: "ABCD-EFG0".into(), ..ok };
        assert!(bad.validate(today).iter().any(|e| e.field == "takeover_code"));
    }

    #[test]
    fn a_phone_needs_its_code_and_consent_needs_its_photo() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let req = AssistedAccountRequest {
            real_name: "陈阿婆".into(),
            id_number: "11010519491231002X".into(),
            counter: "思明区服务窗口".into(),
            id_card_checked: true,
            consent_photo: Some(1),
            ..Default::default()
        };
        assert!(req.validate(today).is_empty(), "{:?}", req.validate(today));
        let with_phone = AssistedAccountRequest { phone: "13800000009".into(), ..req.clone() };
        assert!(with_phone.validate(today).iter().any(|e| e.field == "code"));
        let no_photo = AssistedAccountRequest { consent_photo: None, ..req };
        assert!(no_photo.validate(today).iter().any(|e| e.field == "consent_photo"));
    }
}
