#![no_main]
//! `formats::lfs`: Git LFS pointer files.

use libfuzzer_sys::fuzz_target;
use openness::formats::lfs;

fuzz_target!(|data: &[u8]| {
    let _ = lfs::looks_like_pointer(data);
    let _ = lfs::parse(data);
});
