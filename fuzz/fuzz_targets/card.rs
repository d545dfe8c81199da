#![no_main]
//! Model cards: `parse_front_matter`, `links` and `license_section` on the
//! same bytes, as the scan calls them on one `README.md`.

use libfuzzer_sys::fuzz_target;
use openness::formats::card;

fuzz_target!(|data: &[u8]| {
    let _ = card::parse_front_matter(data);
    let _ = card::links(data);
    let _ = card::license_section(data);
});
