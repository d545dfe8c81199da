#![no_main]
//! `formats::pickle::scan`: the static opcode walker, with the limits the
//! scan uses.

use libfuzzer_sys::fuzz_target;
use openness::formats::pickle::{Limits, scan};

fuzz_target!(|data: &[u8]| {
    let (_scan, consumed) = scan(data, &Limits::default());
    assert!(consumed <= data.len());
});
