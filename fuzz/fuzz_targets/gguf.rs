#![no_main]
//! `formats::gguf::parse`: header, metadata key/values, tensor infos.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::gguf::parse(data);
});
