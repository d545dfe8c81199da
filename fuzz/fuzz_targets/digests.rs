#![no_main]
//! `formats::digests`: model-signing bundles and HF download metadata.

use libfuzzer_sys::fuzz_target;
use openness::formats::digests;

fuzz_target!(|data: &[u8]| {
    let _ = digests::parse_model_signing(data);
    let _ = digests::parse_download_metadata(data);
});
