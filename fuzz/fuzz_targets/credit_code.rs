//! Any text as a unified social credit code: no panic, and whatever is accepted is 18 characters
//! whose last is the check character of the first 17.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(code) = common::validate::check_credit_code(text) {
        assert_eq!(code.chars().count(), 18);
        let check = common::validate::credit_check_char(&code[..17]);
        assert_eq!(check, code.chars().last());
        assert_eq!(common::validate::check_credit_code(&code).as_deref(), Ok(code.as_str()));
    }
});
