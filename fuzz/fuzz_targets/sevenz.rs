#![no_main]
//! `formats::sevenz`: the 7z header walk and every folder's decoder chain,
//! with a small output cap so a long run explores headers, not inflation.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((archive, _)) = openness::formats::sevenz::parse(data, 1 << 16) {
        for folder in &archive.folders {
            let _ = openness::formats::sevenz::unpack(data, folder, 1 << 16);
        }
    }
});
