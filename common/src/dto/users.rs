use serde::{Deserialize, Serialize};

use crate::validate::{Errors, check_password, check_real_name, check_username};
use crate::{District, FieldError, Role};

/// An admin creates officer and admin accounts; officers are bound to one district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateStaffRequest {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub district: Option<District>,
    pub password: String,
}

impl CreateStaffRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        check_username("username", &self.username, &mut e);
        check_real_name("display_name", &self.display_name, &mut e);
        check_password("password", &self.password, &mut e);
        match (self.role, self.district) {
            (Role::DistrictOfficer, None) => {
                e.add("district", "required", "区城管账号必须选择所属区", "An officer must belong to a district")
            }
            (Role::CityAdmin, Some(_)) => {
                e.add("district", "not_allowed", "市级管理员不属于某个区", "A city admin has no district")
            }
            (Role::Vendor | Role::Merchant, _) => e.add(
                "role",
                "not_staff",
                "这里只能创建区城管或市级管理员账号",
                "Only officer or admin accounts can be created here",
            ),
            _ => {}
        }
        e.0
    }
}

/// An account as staff see it in lists: personal numbers masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: i64,
    pub role: Role,
    pub display_name: String,
    pub login: String,
    pub phone_masked: Option<String>,
    pub id_number_masked: Option<String>,
    pub credit_code: Option<String>,
    pub district: Option<District>,
    pub disabled: bool,
    /// Staff: whether an authenticator is set up.
    #[serde(default)]
    pub second_factor: bool,
    pub created_at: chrono::NaiveDateTime,
}

/// An officer at a service counter has seen the person's ID card and moves the account that
/// holds this ID number to the phone the person has just proven with a texted code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReclaimRequest {
    pub id_number: String,
    pub phone: String,
    pub code: String,
    /// The officer confirms the ID card was checked in person.
    pub id_card_checked: bool,
    /// Where and how (counter, document seen).
    pub note: String,
}

impl ReclaimRequest {
    pub fn validate(&self, today: chrono::NaiveDate) -> Vec<crate::FieldError> {
        let mut e = crate::validate::Errors::new();
        e.id_number("id_number", &self.id_number, today);
        e.mobile("phone", &self.phone);
        crate::dto::auth::check_code("code", &self.code, &mut e);
        if !self.id_card_checked {
            e.add("id_card_checked", "required", "请先核验身份证原件", "Check the ID card in person first");
        }
        e.text("note", "核验说明", "Note", &self.note, 200);
        e.0
    }
}

/// Disable or enable an account; disabling ends its sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetDisabledRequest {
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserList {
    pub users: Vec<UserSummary>,
    pub total: i64,
}
