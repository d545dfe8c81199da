#![no_main]
//! `formats::keras::scan_keras_zip` and `scan_h5` on the same bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::keras::scan_keras_zip(data);
    let _ = openness::formats::keras::scan_h5(data);
});
