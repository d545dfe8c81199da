//! Header-only proof: scanning a release whose single safetensors file claims
//! 100 GB (a sparse file: header written, the data region a hole made by
//! `set_len`) costs the same as scanning a 1 MB one. Run with
//! `cargo bench --bench scan`; the README quotes the figures.

use criterion::{Criterion, criterion_group, criterion_main};
use std::fs;
use std::hint::black_box;
use std::io::Write;
use std::path::Path;

/// Writes a release with one safetensors file of `tensors` F32 tensors of
/// `elements` each, data left as a hole.
fn sparse_release(dir: &Path, tensors: u64, elements: u64) -> u64 {
    let mut header = serde_json::Map::new();
    let bytes = elements * 4;
    for i in 0..tensors {
        header.insert(
            format!("model.layers.{i}.weight"),
            serde_json::json!({"dtype": "F32", "shape": [elements], "data_offsets": [i * bytes, (i + 1) * bytes]}),
        );
    }
    let mut text = serde_json::to_string(&header).unwrap();
    while !text.len().is_multiple_of(8) {
        text.push(' ');
    }
    let mut file = fs::File::create(dir.join("model.safetensors")).unwrap();
    file.write_all(&(text.len() as u64).to_le_bytes()).unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let total = 8 + text.len() as u64 + tensors * bytes;
    file.set_len(total).unwrap();
    fs::write(
        dir.join("config.json"),
        r#"{"architectures":["LlamaForCausalLM"],"model_type":"llama"}"#,
    )
    .unwrap();
    total
}

fn bench(c: &mut Criterion) {
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    // Same tensor count, so the header is the same size: only the data differs.
    let small_bytes = sparse_release(small.path(), 256, 1_000);
    let large_bytes = sparse_release(large.path(), 256, 100_000_000_000 / 4 / 256);
    eprintln!("small release: {small_bytes} bytes; sparse large release: {large_bytes} bytes");
    let options = openness::ScanOptions::default();
    let mut group = c.benchmark_group("scan");
    group.bench_function("safetensors 1 MB", |b| {
        b.iter(|| black_box(openness::scan(small.path(), "small", &options).unwrap()))
    });
    group.bench_function("safetensors 100 GB sparse", |b| {
        b.iter(|| black_box(openness::scan(large.path(), "large", &options).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
