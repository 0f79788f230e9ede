//! Any text as an ID card number: no panic, and whatever is accepted is 18 characters whose last
//! is the check character of the first 17, born no later than today.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    if let Ok(id) = common::validate::check_id_number(text, today) {
        let n = id.normalized.as_bytes();
        assert_eq!(n.len(), 18);
        assert_eq!(common::validate::id_check_char(&n[..17]), n[17] as char);
        assert!(id.birth_date <= today);
        // Normalising is idempotent.
        assert_eq!(common::validate::check_id_number(&id.normalized, today).unwrap().normalized, id.normalized);
    }
});
