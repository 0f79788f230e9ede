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
}

impl VendorRegistration {
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Errors::new();
        check_real_name("real_name", &self.real_name, &mut e);
        e.id_number("id_number", &self.id_number, today);
        e.mobile("phone", &self.phone);
        check_password("password", &self.password, &mut e);
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
        if self.current_password.is_empty() {
            e.add("current_password", "required", "请填写当前密码", "Enter your current password");
        }
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub user: Me,
    /// Echo this in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
}
