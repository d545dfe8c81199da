#![no_main]
//! The licence matcher: `identify_text` (phrase rules, then the SPDX text
//! store, loaded once per process), `per_part` and `is_open` on text made
//! from the input. Input is capped: the matcher itself looks at 256 KiB at
//! most, and each full-store comparison is slow enough that longer inputs
//! only cost executions.

use libfuzzer_sys::fuzz_target;
use openness::license;

const MAX_INPUT: usize = 16 << 10;

fuzz_target!(|data: &[u8]| {
    let data = &data[..data.len().min(MAX_INPUT)];
    let text = String::from_utf8_lossy(data);
    let _ = license::identify_text(&text);
    let _ = license::per_part(&text);
    // An SPDX expression is one short line; feed the first one.
    let expr = text.lines().next().unwrap_or("");
    let _ = license::is_open(expr);
    let _ = license::is_osi_approved(expr);
});
