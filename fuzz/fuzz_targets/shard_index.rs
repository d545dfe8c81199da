#![no_main]
//! `formats::shard_index::parse`: `model.safetensors.index.json` and friends.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::shard_index::parse(data);
});
