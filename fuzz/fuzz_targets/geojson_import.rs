//! Any text as a zone import file and as a street-segment import file: no panic, every feature is
//! either accepted or reported with its problems.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = common::zone_import::parse_zone_collection(text);
    let _ = common::policy::segments::parse_segment_collection(text);
});
