#![no_main]
//! `policy::parse`: policy TOML files given to `openness check`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Lossy rather than strict UTF-8 so that no input is wasted.
    let text = String::from_utf8_lossy(data);
    let _ = openness::policy::parse(&text);
});
