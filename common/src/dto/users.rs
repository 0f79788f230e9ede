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
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserList {
    pub users: Vec<UserSummary>,
    pub total: i64,
}
