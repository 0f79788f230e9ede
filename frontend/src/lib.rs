//! 摊规通 single-page app. Every rule it checks comes from the `common` crate, the same code the
//! server runs; every figure it shows comes from the API.

pub mod api;
pub mod app;
pub mod components;
pub mod hooks;
pub mod i18n;
pub mod pages;
