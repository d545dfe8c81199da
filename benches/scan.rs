//! Benchmarks for the contract's budgets (SPEC section 5):
//! - header-only: a release whose safetensors data is a 100 GB hole scans as
//!   fast as a 1 MB one, and a 1,000-shard sparse model (1 TB) scans in
//!   milliseconds;
//! - header parsing per format, on the interop fixtures;
//! - hashing throughput (SHA-256, one file and several in parallel).
//!
//! Run with `cargo bench --bench scan`; BENCHMARKS.md quotes the figures.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::fs;
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a safetensors file of `tensors` F32 tensors of `elements` each,
/// named from `first`, its data left as a hole; returns the tensor names.
fn sparse_safetensors(path: &Path, first: u64, tensors: u64, elements: u64) -> Vec<String> {
    let mut header = serde_json::Map::new();
    let bytes = elements * 4;
    let mut names = Vec::new();
    for i in 0..tensors {
        let name = format!("model.layers.{}.weight", first + i);
        header.insert(
            name.clone(),
            serde_json::json!({"dtype": "F32", "shape": [elements], "data_offsets": [i * bytes, (i + 1) * bytes]}),
        );
        names.push(name);
    }
    let mut text = serde_json::to_string(&header).unwrap();
    while !text.len().is_multiple_of(8) {
        text.push(' ');
    }
    let mut file = fs::File::create(path).unwrap();
    file.write_all(&(text.len() as u64).to_le_bytes()).unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file.set_len(8 + text.len() as u64 + tensors * bytes)
        .unwrap();
    names
}

fn config(dir: &Path) {
    fs::write(
        dir.join("config.json"),
        r#"{"architectures":["LlamaForCausalLM"],"model_type":"llama"}"#,
    )
    .unwrap();
}

/// A release sharded into `shards` files of `per_shard` bytes of (sparse) data.
fn sharded_release(dir: &Path, shards: u64, per_shard: u64) {
    let mut weight_map = serde_json::Map::new();
    let tensors_per_shard = 4;
    for s in 1..=shards {
        let name = format!("model-{s:05}-of-{shards:05}.safetensors");
        let elements = per_shard / 4 / tensors_per_shard;
        for t in sparse_safetensors(
            &dir.join(&name),
            s * tensors_per_shard,
            tensors_per_shard,
            elements,
        ) {
            weight_map.insert(t, serde_json::json!(name));
        }
    }
    let index = serde_json::json!({"metadata": {"total_size": shards * per_shard}, "weight_map": weight_map});
    fs::write(dir.join("model.safetensors.index.json"), index.to_string()).unwrap();
    config(dir);
}

fn header_only(c: &mut Criterion) {
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    // Same tensor count, so the header is the same size: only the data differs.
    sparse_safetensors(&small.path().join("model.safetensors"), 0, 256, 1_000);
    sparse_safetensors(
        &large.path().join("model.safetensors"),
        0,
        256,
        100_000_000_000 / 4 / 256,
    );
    config(small.path());
    config(large.path());
    let options = openness::ScanOptions::default();
    let mut group = c.benchmark_group("scan");
    group.bench_function("safetensors 1 MB", |b| {
        b.iter(|| black_box(openness::scan(small.path(), "small", &options).unwrap()))
    });
    group.bench_function("safetensors 100 GB sparse", |b| {
        b.iter(|| black_box(openness::scan(large.path(), "large", &options).unwrap()))
    });
    let shards = tempfile::tempdir().unwrap();
    sharded_release(shards.path(), 1_000, 1 << 30);
    group.sample_size(20);
    group.bench_function("1,000 shards, 1 TB sparse", |b| {
        b.iter(|| black_box(openness::scan(shards.path(), "shards", &options).unwrap()))
    });
    group.finish();
}

fn fixture(rel: &str) -> Vec<u8> {
    fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(rel),
    )
    .unwrap()
}

fn parsers(c: &mut Criterion) {
    use openness::formats::{gguf, numpy, onnx, safetensors, torch};
    let mut group = c.benchmark_group("parse");
    let st = fixture("hf-complete/model.safetensors");
    group.bench_function("safetensors", |b| {
        b.iter(|| black_box(safetensors::parse(&st).unwrap()))
    });
    let gg = fixture("interop-gguf/llama-q8/model.gguf");
    group.bench_function("gguf", |b| b.iter(|| black_box(gguf::parse(&gg).unwrap())));
    let pt = fixture("interop-pickle/benign-state-dict.pt");
    group.bench_function("torch zip", |b| {
        b.iter(|| black_box(torch::scan(&pt).unwrap()))
    });
    let legacy = fixture("interop-pickle/benign-legacy.pt");
    group.bench_function("torch legacy", |b| {
        b.iter(|| black_box(torch::scan(&legacy).unwrap()))
    });
    let npy = fixture("interop-formats/weights.npy");
    group.bench_function("npy", |b| {
        b.iter(|| black_box(numpy::parse_npy(&npy).unwrap()))
    });
    let ox = fixture("interop-formats/model.onnx");
    group.bench_function("onnx", |b| b.iter(|| black_box(onnx::parse(&ox).unwrap())));
    group.finish();
}

fn hashing(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let size: usize = 256 << 20;
    let mut files: Vec<(PathBuf, u64)> = Vec::new();
    for i in 0..2 {
        let path = dir.path().join(format!("blob{i}"));
        // Non-zero, varying content: nothing to gain from sparse reads.
        let block: Vec<u8> = (0..1 << 20)
            .map(|j: u32| (j.wrapping_mul(2_654_435_761) >> 24) as u8 ^ i)
            .collect();
        let mut f = fs::File::create(&path).unwrap();
        for _ in 0..size >> 20 {
            f.write_all(&block).unwrap();
        }
        files.push((path, size as u64));
    }
    let mut group = c.benchmark_group("sha256");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(size as u64));
    group.bench_function(BenchmarkId::new("one file", "256 MiB"), |b| {
        b.iter(|| black_box(openness::hash::sha256_file(&files[0].0, None).unwrap()))
    });
    group.throughput(Throughput::Bytes(2 * size as u64));
    for jobs in [1, 2] {
        group.bench_function(BenchmarkId::new("two files", format!("{jobs} jobs")), |b| {
            b.iter(|| black_box(openness::hash::sha256_files(&files, jobs, None)))
        });
    }
    group.finish();
}

criterion_group!(benches, header_only, parsers, hashing);
criterion_main!(benches);
