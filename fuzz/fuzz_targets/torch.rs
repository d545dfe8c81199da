#![no_main]
//! `formats::torch::scan`: torch zip checkpoints and legacy multi-pickle files.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::torch::scan(data);
});
