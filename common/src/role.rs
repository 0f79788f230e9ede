use serde::{Deserialize, Serialize};

/// Who an account is. Officers are additionally bound to one district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Vendor,
    Merchant,
    DistrictOfficer,
    CityAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Vendor, Role::Merchant, Role::DistrictOfficer, Role::CityAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Vendor => "vendor",
            Role::Merchant => "merchant",
            Role::DistrictOfficer => "district_officer",
            Role::CityAdmin => "city_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::DistrictOfficer | Role::CityAdmin)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Vendor => "摊贩",
            Role::Merchant => "沿街商户",
            Role::DistrictOfficer => "区城管",
            Role::CityAdmin => "市执法局",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::Vendor => "Vendor",
            Role::Merchant => "Shop / firm",
            Role::DistrictOfficer => "District officer",
            Role::CityAdmin => "City administrator",
        }
    }
}
