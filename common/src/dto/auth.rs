use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::{Errors, check_password, check_real_name};
use crate::{District, FieldError, Role};

/// Self-registration; staff accounts are created by an admin instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RegisterRequest {
    Vendor(VendorRegistration),
    Merchant(MerchantRegistration),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorRegistration {
    pub real_name: String,
    pub id_number: String,
    pub phone: String,
    pub password: String,
    /// The six-digit code texted to the phone (see `POST /api/v1/auth/codes`).
    #[serde(default)]
    pub code: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantRegistration {
    /// Shop or company name as on the business licence.
    pub shop_name: String,
    pub credit_code: String,
    pub contact_name: String,
    pub phone: String,
    pub password: String,
    /// The six-digit code texted to the phone.
    #[serde(default)]
    pub code: String,
}

impl VendorRegistration {
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Errors::new();
        check_real_name("real_name", &self.real_name, &mut e);
        e.id_number("id_number", &self.id_number, today);
        e.mobile("phone", &self.phone);
        check_password("password", &self.password, &mut e);
        check_code("code", &self.code, &mut e);
        e.0
    }
}

impl MerchantRegistration {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.text("shop_name", "店铺或企业名称", "Shop or company name", &self.shop_name, 60);
        e.credit_code("credit_code", &self.credit_code);
        check_real_name("contact_name", &self.contact_name, &mut e);
        e.mobile("phone", &self.phone);
        check_password("password", &self.password, &mut e);
        check_code("code", &self.code, &mut e);
        e.0
    }
}

impl RegisterRequest {
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        match self {
            RegisterRequest::Vendor(v) => v.validate(today),
            RegisterRequest::Merchant(m) => m.validate(),
        }
    }

    pub fn phone(&self) -> &str {
        match self {
            RegisterRequest::Vendor(v) => &v.phone,
            RegisterRequest::Merchant(m) => &m.phone,
        }
    }

    pub fn code(&self) -> &str {
        match self {
            RegisterRequest::Vendor(v) => &v.code,
            RegisterRequest::Merchant(m) => &m.code,
        }
    }

    pub fn password(&self) -> &str {
        match self {
            RegisterRequest::Vendor(v) => &v.password,
            RegisterRequest::Merchant(m) => &m.password,
        }
    }
}

/// A one-time code typed from a text message: six digits.
pub fn check_code(field: &str, code: &str, e: &mut Errors) {
    let code = code.trim();
    if code.is_empty() {
        e.add(field, "required", "请填写短信验证码", "Enter the code we texted you");
    } else if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        e.add(field, "code_format", "验证码是 6 位数字", "The code is six digits");
    }
}

fn check_current_password(password: &str, e: &mut Errors) {
    if password.is_empty() {
        e.add("current_password", "required", "请填写当前密码", "Enter your current password");
    }
}

/// What a texted code proves the phone for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodePurpose {
    Register,
    Reset,
    /// An officer at a service counter moves an account to this phone.
    Reclaim,
    /// A signed-in vendor or shop moves their account to a new phone.
    PhoneChange,
    /// At a service counter, a person with a phone agrees to be filed for.
    Consent,
    /// A person filed for at a counter takes the account over with this phone.
    Takeover,
}

/// Ask for a code by text. The answer is the same whether or not the phone has an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    pub phone: String,
    pub purpose: CodePurpose,
    /// `zh` or `en`: the language of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl CodeRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.mobile("phone", &self.phone);
        e.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// The code is good this long.
    pub expires_in_secs: i64,
    /// Ask again no sooner than this.
    pub resend_after_secs: i64,
}

/// A forgotten password: a new one, with the code texted to the account's phone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    pub phone: String,
    pub code: String,
    pub new_password: String,
}

impl ResetPasswordRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.mobile("phone", &self.phone);
        check_code("code", &self.code, &mut e);
        check_password("new_password", &self.new_password, &mut e);
        e.0
    }
}

/// Move one's account to a new phone: the code texted to the new phone, and the password.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePhoneRequest {
    pub phone: String,
    pub code: String,
    pub current_password: String,
}

impl ChangePhoneRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.mobile("phone", &self.phone);
        check_code("code", &self.code, &mut e);
        check_current_password(&self.current_password, &mut e);
        e.0
    }
}

/// The staff second factor: a code from the authenticator app, or a recovery code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorRequest {
    pub code: String,
}

impl SecondFactorRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        let code = self.code.trim();
        if code.is_empty() {
            e.add("code", "required", "请填写验证器上的 6 位数字", "Enter the six digits your authenticator shows");
        } else if code.len() > 16 {
            e.add("code", "code_format", "验证码格式不对", "That is not a code");
        }
        e.0
    }
}

/// What a staff sign-in still needs after the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecondFactorNeeded {
    /// No authenticator yet: set one up now.
    Enrol,
    /// Type the authenticator's code (or a recovery code).
    Verify,
}

/// A new authenticator to set up: scan the QR code or type the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// Base32 key, for typing into the app by hand.
    pub secret: String,
    pub otpauth_url: String,
    /// The same address as a QR code (SVG).
    pub qr_svg: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Mobile number (vendors and shops) or username (staff).
    pub login: String,
    pub password: String,
    /// The language the person uses the portal in (`zh` or `en`), for their text messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl LoginRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        if self.login.trim().is_empty() {
            e.add("login", "required", "请填写手机号或用户名", "Enter your mobile number or username");
        }
        if self.password.is_empty() {
            e.add("password", "required", "请填写密码", "Enter your password");
        }
        if self.login.len() > 64 || self.password.len() > 256 {
            e.add("login", "too_long", "输入过长", "Input too long");
        }
        e.0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl ChangePasswordRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        check_current_password(&self.current_password, &mut e);
        check_password("new_password", &self.new_password, &mut e);
        if !self.new_password.is_empty() && self.new_password == self.current_password {
            e.add(
                "new_password",
                "unchanged",
                "新密码不能与当前密码相同",
                "The new password must differ from the current one",
            );
        }
        e.0
    }
}

/// The signed-in account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub role: Role,
    /// Real name, shop name, or staff name.
    pub display_name: String,
    pub login: String,
    pub phone: Option<String>,
    /// Shown in full only to its owner.
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub contact_name: Option<String>,
    pub district: Option<District>,
    pub created_at: chrono::NaiveDateTime,
    /// Set while an officer at a service counter files for this person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_for: Option<crate::dto::assisted::ActingFor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub user: Me,
    /// Echo this in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
    /// Officers and admins: the sign-in is not finished until the second factor is given;
    /// until then the session reaches nothing else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor: Option<SecondFactorNeeded>,
    /// One-time recovery codes, given once: when an authenticator has just been set up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_codes: Option<Vec<String>>,
}
