//! Services own the transactions: each public function is one unit of work that either fully
//! happens (with its audit records) or not at all.

pub mod account_admin;
pub mod accounts;
pub mod applications;
pub mod cases;
pub mod complaints;
pub mod dashboard;
pub mod filings;
pub mod inspections;
pub mod notices;
pub mod offers;
pub mod permits;
pub mod policy;
pub mod rounds;
pub mod second_factor;
pub mod sms;
pub mod zones;
