//! Services own the transactions: each public function is one unit of work that either fully
//! happens (with its audit records) or not at all.

pub mod account_admin;
pub mod accounts;
pub mod applications;
pub mod assisted;
pub mod attendance;
pub mod cases;
pub mod complaints;
pub mod dashboard;
pub mod filings;
pub mod helpers;
pub mod inspections;
pub mod notices;
pub mod offers;
pub mod open_data;
pub mod permits;
pub mod personal_data;
pub mod policy;
pub mod retention;
pub mod rounds;
pub mod sealing;
pub mod second_factor;
pub mod sms;
pub mod transfers;
pub mod zones;

static DISTRICTS: std::sync::LazyLock<Vec<common::basemap::DistrictShape>> = std::sync::LazyLock::new(|| {
    common::basemap::parse_basemap(
        &serde_json::from_str(include_str!("../../../assets/geo/xiamen-districts.geojson")).unwrap_or_default(),
    )
});

/// The district a point (WGS84 lon, lat) lies in, by the official outlines: where a report or an
/// outdoor promotion is decides who handles it, never what the client says.
pub fn district_at(p: [f64; 2]) -> Option<common::District> {
    common::basemap::district_at(p, &DISTRICTS)
}
