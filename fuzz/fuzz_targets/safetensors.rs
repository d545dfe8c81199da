#![no_main]
//! `formats::safetensors::parse`: the 8-byte length prefix and the JSON header.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::safetensors::parse(data);
});
