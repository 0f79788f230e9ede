//! Request and response bodies of the HTTP API, one module per resource.

pub mod applications;
pub mod assisted;
pub mod auth;
pub mod cases;
pub mod filings;
pub mod lifecycle;
pub mod personal_data;
pub mod rounds;
pub mod stats;
pub mod transparency;
pub mod users;
pub mod zones;
