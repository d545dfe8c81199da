#![no_main]
//! `formats::packages::scan_dduf` (the archive's rules) and
//! `formats::dduf::parse` (safetensors members read in place,
//! `model_index.json`): diffusers DDUF zip packages.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::packages::scan_dduf(data);
    let _ = openness::formats::dduf::parse(data);
});
