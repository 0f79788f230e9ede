//! Reusable widgets.

pub mod alert;
pub mod case;
pub mod charts;
pub mod check_in;
pub mod decision;
pub mod draw_check;
pub mod field;
pub mod footer;
pub mod header;
pub mod helpers;
pub mod notices;
pub mod password_meter;
pub mod phone_code;
pub mod photo;
pub mod qr;
pub mod zone_map;
