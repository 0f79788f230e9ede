//! Database models and the queries that belong to them. Queries that staff run take the
//! [`Actor`](crate::auth::Actor) and filter by role and district themselves.

pub mod application;
pub mod audit;
pub mod calendar;
pub mod permit;
pub mod segment;
pub mod session;
pub mod setting;
pub mod stats;
pub mod user;
pub mod zone;
