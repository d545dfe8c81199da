#![no_main]
//! The four JSON config readers on the same bytes: `config.json`,
//! `adapter_config.json`, `model_index.json` and `modules.json`.

use libfuzzer_sys::fuzz_target;
use openness::formats::config;

fuzz_target!(|data: &[u8]| {
    let _ = config::parse_model_config(data);
    let _ = config::parse_adapter_config(data);
    let _ = config::parse_model_index(data);
    let _ = config::parse_modules(data);
});
