#![no_main]
//! `formats::onnx::parse`: the protobuf walker over `ModelProto`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openness::formats::onnx::parse(data);
});
