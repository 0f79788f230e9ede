//! One module per route.

pub mod account;
pub mod admin_zones;
pub mod apply;
pub mod calendar;
pub mod complaints;
pub mod dashboard;
pub mod filing;
pub mod home;
pub mod inbox;
pub mod inspect;
pub mod login;
pub mod not_found;
pub mod outbox;
pub mod permits;
pub mod policy;
pub mod register;
pub mod review;
pub mod rounds;
pub mod segments;
pub mod selfcheck;
pub mod supervision;
pub mod users;
pub mod verify;
pub mod zone;
pub mod zone_editor;
