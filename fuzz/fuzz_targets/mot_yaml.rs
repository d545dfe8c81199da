#![no_main]
//! `mof::parse_mot_yaml`: the Model Openness Tool's per-model YAML.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Lossy rather than strict UTF-8 so that no input is wasted.
    let text = String::from_utf8_lossy(data);
    let _ = openness::mof::parse_mot_yaml(&text);
});
