#![no_main]
//! `formats::numpy::parse_npy` and `parse_npz` on the same bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::numpy::parse_npy(data);
    let _ = openness::formats::numpy::parse_npz(data);
});
