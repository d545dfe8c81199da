#![no_main]
//! `formats::msgpack::parse`: Flax `flax_model.msgpack` checkpoints.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::msgpack::parse(data);
});
