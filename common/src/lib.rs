//! Types and rules shared by the browser app and the server.
//!
//! Everything here compiles for native and `wasm32-unknown-unknown`: the browser runs the
//! same validators the server runs, so a user sees the server's answer while still typing.

pub mod allocation;
pub mod application;
pub mod basemap;
pub mod calendar;
pub mod directions;
pub mod district;
pub mod dto;
pub mod geo;
pub mod mask;
pub mod notice;
pub mod open_data;
pub mod password;
pub mod policy;
pub mod problem;
pub mod qr;
pub mod role;
pub mod routes;
pub mod text;
pub mod tiles;
pub mod time;
pub mod trade;
pub mod validate;
pub mod zone;
pub mod zone_import;

pub use district::District;
pub use problem::{FieldError, Problem};
pub use role::Role;
pub use text::Text;
pub use trade::TradeCategory;
