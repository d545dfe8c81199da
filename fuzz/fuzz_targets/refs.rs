#![no_main]
//! `formats::refs::scan`: references in code, documents and YAML, in every
//! mode the scan uses; and `formats::pairs::detect` on the lines as paths.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::refs::scan(data, false, false);
    let _ = openness::formats::refs::scan(data, true, false);
    let _ = openness::formats::refs::scan(data, false, true);
    let text = String::from_utf8_lossy(data);
    let paths: Vec<&str> = text.lines().take(1000).collect();
    let _ = openness::formats::pairs::detect(&paths);
});
