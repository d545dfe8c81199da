#![no_main]
//! `manifest::parse`: `sha256sum`-style manifests given to `openness verify`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Lossy rather than strict UTF-8 so that no input is wasted.
    let text = String::from_utf8_lossy(data);
    let _ = openness::manifest::parse(&text);
});
