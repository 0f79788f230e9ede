use serde::{Deserialize, Serialize};

use crate::District;

/// Public headline figures: zones and stalls per district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub districts: Vec<DistrictFigures>,
    pub zones: i64,
    pub stalls: i64,
    pub free_stalls: i64,
    pub temporary_zones: i64,
    /// True when the zones come from the demo seed, so the UI can say they are illustrative.
    pub demo_data: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictFigures {
    pub district: District,
    pub name_zh: String,
    pub name_en: String,
    pub zones: i64,
    pub stalls: i64,
    pub free_stalls: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub database: String,
    pub version: String,
}
