#![no_main]
//! `formats::packages::scan_dduf`: diffusers DDUF zip packages.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::packages::scan_dduf(data);
});
