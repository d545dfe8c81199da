//! The scan's I/O stage: it reads each inventoried file exactly as much as its
//! kind needs (a memory map for weights, whose header pages alone are touched;
//! bounded prefixes for configs, cards, licences and code), hands the bytes to
//! the format parsers, and collects plain [`Facts`]. It judges nothing: a file
//! that cannot be read or parsed is recorded as a [`Failure`] beside what was
//! learned, and the assessment decides what each fact means.

use crate::codeclass::{self, CodeRole};
use crate::formats::card::{self, FrontMatter, Link};
use crate::formats::config::{self, AdapterConfig, ModelConfig, ModelIndex, SentenceModule};
use crate::formats::pickle::{self, PickleScan};
use crate::formats::refs::{self, TextScan};
use crate::formats::safetensors::{self, Header};
use crate::formats::shard_index::{self, ShardIndex};
use crate::formats::sniff::{self, Sniffed, WeightsFormat};
use crate::formats::{
    FormatError, digests, gguf, keras, lfs, msgpack, numpy, onnx, packages, tfjs, torch,
};
use crate::hash;
use crate::inventory::{Entry, Inventory, WalkIssue};
use crate::license::{self, Identified};
use crate::report::{DigestSource, FileKind, FileWeights, LfsObject};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Caps on what is read of each non-weights file.
pub(crate) const MAX_CONFIG_BYTES: u64 = 16 << 20;
/// What the code and training-config cues look at; more would be read for nothing.
pub(crate) const MAX_CODE_HEAD: u64 = codeclass::HEAD_LIMIT as u64;
pub(crate) const MAX_LICENSE_BYTES: u64 = 256 << 10;
/// What is read of a document that is not a card, for its references.
pub(crate) const MAX_DOC_REFS_BYTES: u64 = 256 << 10;

/// Reads every inventoried file into facts; `hash` adds each file's SHA-256
/// (on `jobs` threads, 0 for every core), counting into `progress`.
pub fn read(
    inventory: Inventory,
    root_name: Option<String>,
    hashing: Option<(usize, Option<&hash::Progress>)>,
) -> Facts {
    let mut facts = Facts {
        root_name,
        walk_issues: inventory.issues,
        ..Facts::default()
    };
    let mut files: Vec<FileFacts> = inventory
        .entries
        .into_iter()
        .map(FileFacts::from_entry)
        .collect();
    // Files whose reading depends on no other file are read first, on
    // every core; what each yields is then taken in file order, between
    // the files read here in order, so the facts are the same as a single
    // pass in order would give.
    let mut ahead = read_ahead(&mut files);
    for (index, file) in files.iter_mut().enumerate() {
        match ahead.get_mut(index).and_then(Option::take) {
            Some(found) => facts.absorb(found),
            None => read_file(file, &mut facts),
        }
    }
    // Moved in whole: a second vector of every file, grown by doubling
    // beside the first, cost a code repository more than a megabyte.
    facts.files = files;
    if let Some((jobs, progress)) = hashing {
        hash_files(&mut facts, jobs, progress);
    }
    facts
}

/// Everything the scan learned, per file and per release. Plain data: the
/// assessment turns it into a report without touching the filesystem.
#[derive(Debug, Default)]
pub struct Facts {
    /// The root folder's own name, the release name of last resort.
    pub root_name: Option<String>,
    /// What the walk could not list or follow.
    pub walk_issues: Vec<WalkIssue>,
    pub files: Vec<FileFacts>,
    pub configs: Vec<(String, ModelConfig)>,
    pub adapters: Vec<(String, AdapterConfig)>,
    pub model_indexes: Vec<(String, ModelIndex)>,
    pub sentence_modules: Vec<(String, Vec<SentenceModule>)>,
    pub shard_indexes: Vec<(String, ShardIndex)>,
    /// ONNX external data: (model path, location as written).
    pub external_data: Vec<(String, String)>,
    /// GGUF files' own account of themselves.
    pub gguf: Vec<GgufFacts>,
    /// Digests the release itself declares: rel path → (sha256, source).
    pub expected_digests: BTreeMap<String, (String, DigestSource)>,
    pub cards: Vec<CardFacts>,
    /// What the whole release may still decompress and walk (SECURITY.md).
    pub budget: crate::formats::Budget,
    /// References found in the text of code, scripts, documents and YAML
    /// configs (URLs, cloud paths, loader calls, `download:` blocks), by
    /// file; only files where something was found.
    pub text_refs: Vec<(String, TextScan)>,
    /// TensorFlow.js models (`model.json` with a `weightsManifest`).
    pub tfjs: Vec<(String, tfjs::TfjsModel)>,
}

impl Facts {
    /// Appends what one file's reading found on its own (see
    /// [`read_ahead`]), as if it had been read into `self`. Every field is
    /// named, so a new one cannot be forgotten here.
    fn absorb(&mut self, found: Facts) {
        let Facts {
            root_name: _,
            walk_issues,
            files,
            configs,
            adapters,
            model_indexes,
            sentence_modules,
            shard_indexes,
            external_data,
            gguf,
            expected_digests,
            cards,
            // Only weights spend the release's budget, and they are read
            // in order, never ahead.
            budget: _,
            text_refs,
            tfjs,
        } = found;
        self.walk_issues.extend(walk_issues);
        self.files.extend(files);
        self.configs.extend(configs);
        self.adapters.extend(adapters);
        self.model_indexes.extend(model_indexes);
        self.sentence_modules.extend(sentence_modules);
        self.shard_indexes.extend(shard_indexes);
        self.external_data.extend(external_data);
        self.gguf.extend(gguf);
        // Later inserts win, as they would have in order.
        self.expected_digests.extend(expected_digests);
        self.cards.extend(cards);
        self.text_refs.extend(text_refs);
        self.tfjs.extend(tfjs);
    }
}

/// Below this many files that can be read ahead, threads cost more than
/// they save.
const READ_AHEAD_MIN_FILES: usize = 64;
/// Files a worker takes at a time.
const READ_AHEAD_CHUNK: usize = 16;
/// Workers at most (the reads are small; more threads only contend).
const READ_AHEAD_MAX_THREADS: usize = 4;
/// Stack of each worker: the main thread's on Linux.
const READ_AHEAD_STACK: usize = 8 << 20;

/// Whether `file` can be read without the rest of the release: everything
/// but weights and unknown files, which may be sniffed as weights and
/// spend the release's shared decompression budget in file order.
fn reads_alone(file: &FileFacts) -> bool {
    matches!(
        file.entry.kind,
        FileKind::Code
            | FileKind::Docs
            | FileKind::Data
            | FileKind::License
            | FileKind::Config
            | FileKind::Tokenizer
    )
}

/// Reads every file that [`reads_alone`] on worker threads, each into its
/// own [`Facts`]; `None` for the others, and nothing at all (an empty
/// vector) when the release is too small or there is one core. A repository of code and
/// configs spends most of its scan here (code heads, licence headers,
/// references in thousands of lines), and none of it depends on order.
fn read_ahead(files: &mut [FileFacts]) -> Vec<Option<Facts>> {
    let alone = files.iter().filter(|f| reads_alone(f)).count();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(READ_AHEAD_MAX_THREADS)
        .min(alone / READ_AHEAD_CHUNK + 1);
    if threads < 2 || alone < READ_AHEAD_MIN_FILES {
        return Vec::new();
    }
    let mut found: Vec<Option<Facts>> = files.iter().map(|_| None).collect();
    let queue = Mutex::new(
        files
            .chunks_mut(READ_AHEAD_CHUNK)
            .zip(found.chunks_mut(READ_AHEAD_CHUNK)),
    );
    let work = || {
        loop {
            let next = queue.lock().ok().and_then(|mut q| q.next());
            let Some((chunk, slots)) = next else {
                break;
            };
            for (file, slot) in chunk.iter_mut().zip(slots) {
                if reads_alone(file) {
                    let mut facts = Facts::default();
                    read_file(file, &mut facts);
                    *slot = Some(facts);
                }
            }
        }
    };
    std::thread::scope(|scope| {
        // The calling thread is one of the readers: one thread fewer to
        // start, and the memory it allocates sits in the allocator's arena
        // that the report is later built in (glibc gives each thread its
        // own), so the report reuses it once the references are freed.
        for _ in 1..threads {
            // The main thread's stack size, so the parsers' depth limits
            // hold as they do in order; untouched stack costs no memory.
            let worker = std::thread::Builder::new()
                .stack_size(READ_AHEAD_STACK)
                .spawn_scoped(scope, work);
            if worker.is_err() {
                // Fewer threads: the calling thread reads what is left.
                break;
            }
        }
        work();
    });
    found
}

/// Why (part of) a file could not be read; the assessment picks the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Opening or reading failed (the I/O error's text).
    Read(String),
    /// Hashing failed (the I/O error's text).
    Hash(String),
    /// A weights file holds no byte at all.
    EmptyWeights,
    /// A mapped weights file shrank while it was parsed: what was parsed is
    /// discarded.
    Shrank,
    /// A weights header could not be parsed or failed validation.
    Weights(FormatError),
    /// A checkpoint's pickle stream stopped early (the walker's message).
    PickleStream(String),
    /// A configuration, shard index or signing bundle could not be parsed.
    Config(FormatError),
    /// A card's front matter could not be parsed.
    Card(FormatError),
    /// A small file that starts like a Git LFS pointer but is not a valid one.
    LfsPointer(FormatError),
}

#[derive(Debug)]
pub struct FileFacts {
    pub entry: Entry,
    pub weights_format: Option<WeightsFormat>,
    /// A format name for non-weights files the scan understood.
    pub other_format: Option<&'static str>,
    pub lfs: Option<LfsObject>,
    /// The safetensors header, kept whole: shard and config checks need the
    /// tensor names.
    pub safetensors: Option<Header>,
    /// Tensors, parameters, bytes and dtypes, from whichever format's header
    /// was read; `None` when the format was only detected.
    pub counts: Option<FileWeights>,
    /// What the file holds beyond counts ("TorchScript archive", "3
    /// members"), for the evidence item.
    pub note: Option<String>,
    pub failures: Vec<Failure>,
    /// Every pickle stream the file holds, with a label ("data.pkl",
    /// "object array"), as the static walker saw it.
    pub pickles: Vec<(String, PickleScan)>,
    /// The file is a TorchScript archive: its `__torch__` classes are its own.
    pub torchscript: bool,
    /// Container irregularities (duplicate or escaping member names, ...).
    pub anomalies: Vec<String>,
    /// Of the anomalies, those about content left unread (an encrypted
    /// 7z, the release's budget spent): kept when a sniffed file turns out
    /// to hold no pickle and goes back to being an ordinary file.
    pub unscanned: Vec<String>,
    /// A `.npy` whose dtype is `object` (a pickle follows the header).
    pub npy_object: bool,
    /// Members of an `.npz` that are object arrays.
    pub npz_object_members: Vec<String>,
    /// Keras Lambda layers, by name.
    pub keras_lambdas: Vec<String>,
    /// Keras objects naming a function outside Keras (module injection).
    pub keras_unsafe: Vec<String>,
    /// A file named like a config whose content is a training configuration.
    pub training_config: bool,
    /// For a text table (CSV, TSV, plain text): how many of its rows are
    /// URLs, when most are (see `refs::url_manifest_rows`).
    pub url_manifest_rows: Option<u32>,
    pub code_role: Option<(CodeRole, &'static str)>,
    /// What a licence file says (own licence, bundled ones, restrictions).
    pub license: license::FileLicences,
    /// The licence a source file's header states.
    pub header_license: Option<Identified>,
    pub sha256: Option<String>,
    /// The arrays of a `.npy` (named by its file stem) or `.npz`, from
    /// their headers: what decides whether they are trained parameters.
    pub arrays: Vec<ArrayInfo>,
    /// What the main pickle of a checkpoint returns (a dict, one bare
    /// tensor, ...).
    pub pickle_result: pickle::ResultShape,
    /// The pickles were found in a tar or 7z archive's members.
    pub pickle_archive: bool,
    /// Why a file shaped like weights holds no trained parameters (set by
    /// the assessment, from content; see `assess::content`).
    pub not_weights: Option<String>,
    /// The file holds nothing: no byte, or only whitespace (text files).
    pub blank: bool,
}

/// One array of a `.npy`/`.npz`, as its header describes it.
#[derive(Debug, Clone)]
pub struct ArrayInfo {
    pub name: String,
    /// The report's dtype word (`F32`, `U16`, `OBJECT`).
    pub dtype: String,
    pub ndim: usize,
    pub elements: u64,
}

impl ArrayInfo {
    fn of(name: &str, header: &numpy::NpyHeader) -> ArrayInfo {
        ArrayInfo {
            name: name.to_owned(),
            dtype: header.dtype_name(),
            ndim: header.shape.len(),
            elements: header.elements().unwrap_or(0),
        }
    }
}

impl FileFacts {
    fn from_entry(entry: Entry) -> FileFacts {
        let blank = entry.bytes == 0;
        FileFacts {
            entry,
            weights_format: None,
            other_format: None,
            lfs: None,
            safetensors: None,
            counts: None,
            note: None,
            failures: Vec::new(),
            pickles: Vec::new(),
            torchscript: false,
            anomalies: Vec::new(),
            unscanned: Vec::new(),
            npy_object: false,
            npz_object_members: Vec::new(),
            keras_lambdas: Vec::new(),
            keras_unsafe: Vec::new(),
            training_config: false,
            url_manifest_rows: None,
            code_role: None,
            license: license::FileLicences::default(),
            header_license: None,
            sha256: None,
            arrays: Vec::new(),
            pickle_result: pickle::ResultShape::Unknown,
            pickle_archive: false,
            not_weights: None,
            blank,
        }
    }

    pub fn rel(&self) -> &str {
        &self.entry.rel
    }

    /// The weights header could not be read whole (a finding says why).
    pub fn broken(&self) -> bool {
        self.failures.iter().any(|f| {
            matches!(
                f,
                Failure::EmptyWeights | Failure::Shrank | Failure::Weights(_)
            )
        })
    }

    /// Forgets whatever parsing a weights file produced: its bytes mixed the
    /// file's content with zeros.
    fn forget_weights(&mut self) {
        self.safetensors = None;
        self.counts = None;
        self.note = None;
        self.lfs = None;
        self.failures.clear();
        self.pickles.clear();
        self.torchscript = false;
        self.anomalies.clear();
        self.npy_object = false;
        self.npz_object_members.clear();
        self.keras_lambdas.clear();
        self.keras_unsafe.clear();
        self.unscanned.clear();
        self.arrays.clear();
        self.pickle_result = pickle::ResultShape::Unknown;
        self.pickle_archive = false;
    }
}

#[derive(Debug)]
pub struct GgufFacts {
    pub path: String,
    pub architecture: Option<String>,
    pub provenance: gguf::Provenance,
}

#[derive(Debug)]
pub struct CardFacts {
    pub path: String,
    pub front_matter: Option<FrontMatter>,
    pub links: Vec<Link>,
    pub license_section: Option<Identified>,
    /// Licences the card states for code, weights or data separately.
    pub part_licenses: Vec<(license::Part, Identified)>,
    /// A licence text the card's prose holds.
    pub license_text: Option<license::FileLicences>,
    /// The template's `**License:** X` value.
    pub template_license: Option<String>,
}

/// Fills `sha256` for every readable file, in parallel, largest first.
fn hash_files(facts: &mut Facts, jobs: usize, progress: Option<&hash::Progress>) {
    let targets: Vec<(usize, std::path::PathBuf, u64)> = facts
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f.entry.read_path.clone()?, f.entry.bytes)))
        .collect();
    let jobs = if jobs == 0 {
        hash::default_jobs()
    } else {
        jobs
    };
    let inputs: Vec<(std::path::PathBuf, u64)> =
        targets.iter().map(|(_, p, n)| (p.clone(), *n)).collect();
    let digests = hash::sha256_files(&inputs, jobs, progress);
    for ((index, _, _), digest) in targets.into_iter().zip(digests) {
        if let Some(file) = facts.files.get_mut(index) {
            match digest {
                Ok(hex) => file.sha256 = Some(hex),
                Err(err) => file.failures.push(Failure::Hash(err.to_string())),
            }
        }
    }
}

fn read_file(file: &mut FileFacts, facts: &mut Facts) {
    let Some(path) = file.entry.read_path.clone() else {
        return;
    };
    let rel = file.entry.rel.clone();
    // Held while this file is read; dropped (and forgotten) on every return.
    let reading = ReadingFile::start(path.clone(), file.entry.bytes);
    // Any small file may be an LFS pointer standing in for its content.
    if file.entry.bytes < lfs::MAX_POINTER_BYTES as u64 {
        match read_prefix(&path, lfs::MAX_POINTER_BYTES as u64) {
            Ok(head) if lfs::looks_like_pointer(&head) => {
                return record_pointer(file, &head);
            }
            // Shorter than asked: that is the whole file, and whatever
            // reads it next for its kind gets it from here, not from a
            // second open and read (half the files of a code repository
            // are this small).
            Ok(head) if head.len() < lfs::MAX_POINTER_BYTES => reading.keep_whole(head),
            Ok(_) => {}
            Err(err) => return file.failures.push(Failure::Read(err.to_string())),
        }
    }
    if let Some(target) = file.entry.symlink.as_deref() {
        // A Hugging Face cache blob is named by the SHA-256 of LFS content.
        let blob = target.rsplit('/').next().unwrap_or(target);
        if digests::is_sha256(blob) {
            facts.expected_digests.insert(
                rel.clone(),
                (blob.to_ascii_lowercase(), DigestSource::HfCacheBlob),
            );
        }
    }
    if let Some(described) = rel
        .strip_prefix(".cache/huggingface/download/")
        .and_then(|r| r.strip_suffix(".metadata"))
    {
        if let Ok(bytes) = read_prefix(&path, 4096)
            && let Some(sha) = digests::parse_download_metadata(&bytes)
        {
            facts.expected_digests.insert(
                described.to_owned(),
                (sha, DigestSource::HfDownloadMetadata),
            );
        }
        return;
    }
    if file.entry.file_name() == "model.sig" {
        match read_prefix(&path, digests::MAX_BUNDLE_BYTES as u64 + 1)
            .map(|b| digests::parse_model_signing(&b))
        {
            Ok(Ok(resources)) => {
                file.other_format = Some("model-signing-bundle");
                let dir = crate::inventory::dir_of(&rel).to_owned();
                for (name, sha) in resources {
                    facts
                        .expected_digests
                        .insert(format!("{dir}{name}"), (sha, DigestSource::ModelSigning));
                }
            }
            Ok(Err(err)) => file.failures.push(Failure::Config(err)),
            Err(err) => file.failures.push(Failure::Read(err.to_string())),
        }
        return;
    }
    let result = match file.entry.kind {
        FileKind::Weights => read_weights(file, facts, &path),
        FileKind::Config | FileKind::Tokenizer => read_config(file, facts, &path),
        FileKind::Docs | FileKind::Data => read_doc(file, facts, &path),
        FileKind::License => read_prefix(&path, MAX_LICENSE_BYTES).map(|bytes| {
            let text = crate::formats::decode_lossy(&bytes);
            let lower_name = file.entry.file_name().to_ascii_lowercase();
            file.license = match license::role_by_name(&lower_name) {
                Some(license::FileRole::Attribution) => license::identify_notice(&text),
                Some(license::FileRole::UsePolicy) => license::identify_policy(&text),
                _ => license::identify_file(&text),
            };
        }),
        FileKind::Code => read_prefix(&path, MAX_CODE_HEAD).map(|head| {
            file.blank =
                head.len() as u64 == file.entry.bytes && head.iter().all(u8::is_ascii_whitespace);
            file.code_role = Some(codeclass::classify(&rel, &head));
            file.header_license = license::header_licence(&head);
            keep_refs(facts, &rel, refs::scan(&head, false, false));
        }),
        FileKind::Other => sniff_other(file, facts, &path),
    };
    if let Err(err) = result {
        file.failures.push(Failure::Read(err.to_string()));
    }
}

/// Extensions that are never a model archive: not even opened.
const NEVER_WEIGHTS: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "webp",
    "ico",
    "bmp",
    "tif",
    "tiff",
    "mp3",
    "mp4",
    "wav",
    "flac",
    "ogg",
    "avi",
    "mov",
    "webm",
    "ttf",
    "otf",
    "woff",
    "woff2",
    "css",
    "scss",
    "lock",
    "gitignore",
    "gitattributes",
    "gitmodules",
    "dockerignore",
    "editorconfig",
    "mat",
    "xml",
    "proto",
    "prototxt",
    "param",
    "index",
];

/// A file whose name says nothing (`model.sav`, `weights.dat`, no
/// extension, `.pkl.gz`, `encoder.jit`) is read as weights when its first
/// bytes are a pickle, a compressed stream or an archive and a pickle is
/// found in it, or when it is a zip that the torch reader recognises as a
/// TorchScript or `torch.save` archive (TorchScript by content, whatever
/// the extension); otherwise it stays what its name made it.
fn sniff_other(file: &mut FileFacts, facts: &mut Facts, path: &Path) -> std::io::Result<()> {
    if file.entry.bytes < 2 {
        return Ok(());
    }
    if file.entry.file_name() == "keras_metadata.pb" {
        // A SavedModel's Keras config, as JSON strings in a protobuf.
        let bytes = read_prefix(path, keras::MAX_CONFIG_BYTES)?;
        if let Some(k) = keras::scan_json(&bytes) {
            file.other_format = Some("keras-metadata");
            file.keras_lambdas = k.lambda_layers;
            file.keras_unsafe = k.unsafe_objects;
        }
        return Ok(());
    }
    let name = file.entry.file_name().to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if NEVER_WEIGHTS.contains(&ext) {
        return Ok(());
    }
    let head = read_prefix(path, sniff::SNIFF_BYTES as u64)?;
    let zip = head.starts_with(b"PK\x03\x04");
    if !zip && !sniff::holds_pickle_or_archive(&head) {
        return Ok(());
    }
    file.entry.kind = FileKind::Weights;
    let read = read_weights(file, facts, path);
    let torch = file.weights_format == Some(WeightsFormat::TorchZip)
        && file.failures.is_empty()
        && (file.torchscript || file.counts.is_some());
    if read.is_err() || (!torch && file.pickles.is_empty()) {
        // Not a model after all (a compressed log, a tar of images, a zip
        // of documents), unless part of it could not be read (an encrypted
        // 7z, the release's budget spent): that stays reported.
        let unscanned = std::mem::take(&mut file.unscanned);
        file.entry.kind = FileKind::Other;
        file.forget_weights();
        file.weights_format = None;
        file.anomalies = unscanned;
    }
    Ok(())
}

fn record_pointer(file: &mut FileFacts, head: &[u8]) {
    match lfs::parse(head) {
        Ok(pointer) => {
            file.weights_format = sniff::weights_format_by_name(file.entry.file_name());
            file.lfs = Some(LfsObject {
                oid: pointer.oid,
                size: pointer.size,
            });
        }
        Err(err) => file.failures.push(Failure::LfsPointer(err)),
    }
}

fn read_weights(file: &mut FileFacts, facts: &mut Facts, path: &Path) -> std::io::Result<()> {
    if crate::source::is_remote(path) {
        return read_remote_weights(file, facts, path);
    }
    let by_name =
        sniff::weights_format_by_name(file.entry.file_name()).unwrap_or(WeightsFormat::Other);
    let handle = File::open(path)?;
    let len = handle.metadata()?.len();
    if len == 0 {
        file.weights_format = Some(by_name);
        file.failures.push(Failure::EmptyWeights);
        return Ok(());
    }
    // safetensors needs its prefix and header only: read them rather than
    // map the whole file, so a huge file costs no address space.
    let head = read_prefix(path, sniff::SNIFF_BYTES as u64)?;
    if sniff::sniff(&head, by_name) == Sniffed::Format(WeightsFormat::Safetensors) {
        return read_safetensors_prefix(file, path, &head, len);
    }
    // SAFETY: the map is read-only and the scan never writes the release.
    // A file truncated by someone else while mapped would fault (SIGBUS) on
    // the next touch past its new end: `mapguard` turns such faults into
    // zero pages while the map is watched, and the result is thrown away.
    // GGUF keeps its header and tensor infos at the front: map a window,
    // so a huge file costs no more address space than its header could.
    let window = match sniff::sniff(&head, by_name) {
        Sniffed::Format(WeightsFormat::Gguf) => len.min(gguf::MAX_HEADER_WINDOW),
        _ => len,
    };
    #[allow(unsafe_code)]
    let map = unsafe {
        memmap2::MmapOptions::new()
            .len(usize::try_from(window).unwrap_or(usize::MAX))
            .map(&handle)?
    };
    let Some(watch) = crate::mapguard::watch(&map) else {
        return Err(std::io::Error::other(
            "too many files mapped at once; not read",
        ));
    };
    let (gguf, external) = (facts.gguf.len(), facts.external_data.len());
    parse_weights(file, facts, &map, len, by_name);
    if watch.faulted() {
        facts.gguf.truncate(gguf);
        facts.external_data.truncate(external);
        file.forget_weights();
        file.failures.push(Failure::Shrank);
    }
    Ok(())
}

/// Sniffs and parses a mapped weights file. Runs under a [`crate::mapguard`]
/// watch: only [`read_weights`] calls it.
fn parse_weights(
    file: &mut FileFacts,
    facts: &mut Facts,
    map: &[u8],
    file_len: u64,
    by_name: WeightsFormat,
) {
    let head = map.get(..sniff::SNIFF_BYTES).unwrap_or(map);
    let format = match sniff::sniff(head, by_name) {
        Sniffed::LfsPointer => return record_pointer(file, head),
        Sniffed::Format(format) => format,
        // A zip found from its end (data before its first entry).
        Sniffed::Unknown if by_name.is_pickle() && torch::ends_like_zip(map) => {
            WeightsFormat::TorchZip
        }
        Sniffed::Unknown => {
            file.weights_format = None;
            return;
        }
    };
    file.weights_format = Some(format);
    let rel = file.entry.rel.clone();
    let parsed = match format {
        WeightsFormat::Safetensors => {
            safetensors::parse(map).map(|header| read_safetensors(file, header))
        }
        WeightsFormat::Gguf => gguf::parse_prefix(map, file_len).map(|model| {
            file.counts = Some(FileWeights {
                tensors: model.tensors.len() as u64,
                parameters: model.parameters(),
                bytes: model.tensor_bytes(),
                dtypes: model.dtypes(),
            });
            facts.gguf.push(GgufFacts {
                path: rel.clone(),
                architecture: model.architecture().map(str::to_owned),
                provenance: model.provenance(),
            });
        }),
        WeightsFormat::TorchZip | WeightsFormat::Pickle | WeightsFormat::Paddle => {
            torch::scan_within(map, &mut facts.budget)
                .map(|checkpoint| record_checkpoint(file, checkpoint))
        }
        WeightsFormat::Numpy => numpy::parse_npy(map).map(|header| {
            if header.object {
                // Object arrays are a pickle after the header.
                let data = usize::try_from(header.data_offset)
                    .ok()
                    .and_then(|at| map.get(at..))
                    .unwrap_or(&[]);
                let (scan, _) = pickle::scan(data, &pickle::Limits::default());
                file.pickles.push(("object array".to_owned(), scan));
                file.npy_object = true;
            }
            file.counts = Some(npy_counts(&header));
            let name = file.entry.file_name();
            let stem = name.rsplit_once('.').map_or(name, |(s, _)| s).to_owned();
            file.arrays.push(ArrayInfo::of(&stem, &header));
        }),
        WeightsFormat::NumpyZip => {
            numpy::parse_npz_within(map, &mut facts.budget).map(|npz| read_npz(file, npz))
        }
        WeightsFormat::Onnx => onnx::parse(map).map(|model| {
            for location in model.external_locations() {
                facts.external_data.push((rel.clone(), location));
            }
            file.note = model
                .producer_name
                .as_ref()
                .map(|p| format!("produced by {p}"));
            file.counts = Some(FileWeights {
                tensors: model.initializers.len() as u64,
                parameters: model.parameters(),
                bytes: 0,
                dtypes: model.dtypes(),
            });
        }),
        WeightsFormat::Keras | WeightsFormat::Hdf5 => {
            let scanned = if format == WeightsFormat::Keras {
                keras::scan_keras_zip_within(map, &mut facts.budget)
            } else {
                keras::scan_h5(map)
            };
            scanned.map(|k| record_keras(file, k))
        }
        WeightsFormat::FlaxMsgpack => msgpack::parse(map).map(|flax| {
            file.counts = Some(FileWeights {
                tensors: flax.tensors,
                parameters: flax.parameters,
                bytes: 0,
                dtypes: flax.dtypes,
            });
        }),
        WeightsFormat::Dduf => packages::scan_dduf(map).map(|dduf| {
            file.anomalies.extend(dduf.anomalies);
            file.note = Some(format!(
                "{} entries (a diffusers folder)",
                dduf.entries.len()
            ));
            // Inside: each safetensors member's header where it lies, and
            // the pipeline's classes.
            if let Ok(inside) = crate::formats::dduf::parse(map) {
                if inside.safetensors_members > 0 {
                    file.counts = Some(FileWeights {
                        tensors: inside.tensors,
                        parameters: inside.parameters,
                        bytes: inside.bytes,
                        dtypes: inside.dtypes,
                    });
                    file.note = Some(format!(
                        "{} entries (a diffusers folder), {} safetensors members read",
                        dduf.entries.len(),
                        inside.safetensors_members
                    ));
                }
                if let Some(index) = inside.model_index {
                    facts.model_indexes.push((rel.clone(), index));
                }
            }
        }),
        _ => Ok(()),
    };
    if let Err(err) = parsed {
        file.failures.push(Failure::Weights(err));
    }
}

fn record_keras(file: &mut FileFacts, k: keras::KerasScan) {
    file.anomalies.extend(k.anomalies);
    file.keras_unsafe = k.unsafe_objects;
    file.keras_lambdas = k.lambda_layers;
    if !k.custom_objects.is_empty() {
        file.note = Some(format!(
            "custom objects the loader must import: {}",
            k.custom_objects.join(", ")
        ));
    }
}

fn read_safetensors(file: &mut FileFacts, header: Header) {
    if packages::is_mlx_metadata(&header.metadata) {
        file.note = Some("written by MLX".to_owned());
    }
    file.counts = Some(FileWeights {
        tensors: header.tensors.len() as u64,
        parameters: header.parameters(),
        bytes: header.data_bytes(),
        dtypes: header.dtypes(),
    });
    file.safetensors = Some(header);
}

fn read_npz(file: &mut FileFacts, npz: numpy::NpzScan) {
    let mut counts = FileWeights::default();
    for member in &npz.members {
        if let Ok(header) = &member.header {
            if header.object {
                file.npz_object_members.push(member.name.clone());
            }
            if let Some(scan) = &member.pickle {
                file.pickles
                    .push((format!("{} (object array)", member.name), scan.clone()));
            }
            let name = member.name.strip_suffix(".npy").unwrap_or(&member.name);
            file.arrays.push(ArrayInfo::of(name, header));
            let c = npy_counts(header);
            counts.tensors += 1;
            counts.parameters = counts.parameters.saturating_add(c.parameters);
            counts.bytes = counts.bytes.saturating_add(c.bytes);
            for (d, n) in c.dtypes {
                *counts.dtypes.entry(d).or_default() += n;
            }
        }
    }
    file.anomalies.extend(npz.anomalies);
    file.note = Some(format!("{} arrays", npz.members.len()));
    file.counts = Some(counts);
}

fn npy_counts(header: &numpy::NpyHeader) -> FileWeights {
    let elements = header.elements().unwrap_or(0);
    FileWeights {
        tensors: 1,
        parameters: elements,
        bytes: elements.saturating_mul(header.item_size().unwrap_or(0)),
        dtypes: [(header.dtype_name(), elements)].into_iter().collect(),
    }
}

/// Counts, pickles and notes of a pickle-based checkpoint.
fn record_checkpoint(file: &mut FileFacts, checkpoint: torch::CheckpointScan) {
    let torchscript = checkpoint.container == torch::Container::TorchScript;
    file.torchscript = torchscript;
    file.pickle_result = checkpoint.main_result.clone();
    file.pickle_archive = matches!(
        checkpoint.container,
        torch::Container::Tar | torch::Container::TarArchive | torch::Container::SevenZip
    );
    let compressed: String = checkpoint
        .compression
        .iter()
        .map(|c| format!("{c}-compressed "))
        .collect();
    file.note = Some(format!(
        "{compressed}{}{}",
        checkpoint.container.as_str(),
        if torchscript {
            " (loading runs the archive's TorchScript code)"
        } else {
            ""
        }
    ));
    if checkpoint.tensors > 0 {
        file.counts = Some(FileWeights {
            tensors: checkpoint.tensors,
            parameters: checkpoint.parameters,
            bytes: checkpoint
                .dtypes
                .iter()
                .map(|(d, n)| n.saturating_mul(pickle::dtype_size(d).unwrap_or(0)))
                .fold(0, u64::saturating_add),
            dtypes: checkpoint.dtypes,
        });
    }
    if let Some(err) = checkpoint.error {
        file.failures.push(Failure::PickleStream(err));
    }
    file.pickles = checkpoint.pickles;
    file.anomalies.extend(checkpoint.anomalies);
    file.unscanned = checkpoint.unscanned;
}

/// Whether a config (by its lower-cased file name) is parsed whole, so read
/// whole; any other is asked only whether it is a training configuration,
/// which its head answers.
pub(crate) fn config_read_whole(lower_name: &str) -> bool {
    matches!(
        lower_name,
        "config.json"
            | "tokenizer_config.json"
            | "generation_config.json"
            | "adapter_config.json"
            | "model_index.json"
            | "modules.json"
    ) || lower_name.ends_with(".index.json")
}

fn read_config(file: &mut FileFacts, facts: &mut Facts, path: &Path) -> std::io::Result<()> {
    let rel = file.entry.rel.clone();
    let name = file.entry.file_name().to_ascii_lowercase();
    let is_json = name.ends_with(".json");
    // Only the configs parsed whole are read whole; any other config or
    // results file is only asked whether it is a training configuration,
    // which its head answers (a results folder of thousands of JSON files
    // was read in full before).
    let cap = if config_read_whole(&name) {
        MAX_CONFIG_BYTES
    } else {
        MAX_CODE_HEAD
    };
    let bytes = read_prefix(path, cap)?;
    if is_json && file.entry.bytes > MAX_CONFIG_BYTES {
        file.failures.push(Failure::Config(FormatError::TooLarge {
            what: "configuration file",
            claimed: file.entry.bytes,
            limit: MAX_CONFIG_BYTES,
        }));
        return Ok(());
    }
    let parsed: Result<(), FormatError> = match name.as_str() {
        "config.json" | "tokenizer_config.json" | "generation_config.json" => {
            config::parse_model_config(&bytes).map(|c| {
                file.other_format = Some("hf-config");
                facts.configs.push((rel.clone(), c));
            })
        }
        "adapter_config.json" => config::parse_adapter_config(&bytes).map(|c| {
            file.other_format = Some("peft-adapter-config");
            facts.adapters.push((rel.clone(), c));
        }),
        "model_index.json" => config::parse_model_index(&bytes).map(|c| {
            file.other_format = Some("diffusers-model-index");
            facts.model_indexes.push((rel.clone(), c));
        }),
        "modules.json" => config::parse_modules(&bytes).map(|c| {
            file.other_format = Some("sentence-transformers-modules");
            facts.sentence_modules.push((rel.clone(), c));
        }),
        n if n.ends_with(".index.json") => shard_index::parse(&bytes).map(|c| {
            file.other_format = Some("shard-index");
            facts.shard_indexes.push((rel.clone(), c));
        }),
        _ if is_json && tfjs::looks_like(&bytes) => {
            // A TF.js model: its manifest usually follows the topology, so
            // the whole file is read (within the config cap checked above).
            let whole = if file.entry.bytes > bytes.len() as u64 {
                read_prefix(path, MAX_CONFIG_BYTES)?
            } else {
                bytes.clone()
            };
            tfjs::parse(&whole).map(|model| {
                if let Some(model) = model {
                    file.other_format = Some("tfjs-model");
                    file.counts = Some(FileWeights {
                        tensors: model.tensors,
                        parameters: model.parameters,
                        bytes: model.bytes,
                        dtypes: model.dtypes.clone(),
                    });
                    facts.tfjs.push((rel.clone(), model));
                }
            })
        }
        _ if is_json && memchr::memmem::find(&bytes, b"\"class_name\"").is_some() => {
            // A Keras 2 `model.to_json()` file (model.json): read whole.
            let whole = read_prefix(path, keras::MAX_CONFIG_BYTES)?;
            if let Some(k) = keras::scan_json(&whole) {
                file.other_format = Some("keras-json");
                file.keras_lambdas = k.lambda_layers;
                file.keras_unsafe = k.unsafe_objects;
            }
            file.training_config =
                file.entry.kind == FileKind::Config && codeclass::is_training_config(&rel, &bytes);
            Ok(())
        }
        _ => {
            file.training_config =
                file.entry.kind == FileKind::Config && codeclass::is_training_config(&rel, &bytes);
            if name.ends_with(".yaml") || name.ends_with(".yml") {
                keep_refs(facts, &rel, refs::scan(&bytes, false, true));
            }
            Ok(())
        }
    };
    if let Err(err) = parsed {
        file.failures.push(Failure::Config(err));
    }
    Ok(())
}

/// The head of a text table weighed for a list of URLs: enough rows to
/// tell, never the whole table.
pub(crate) const MAX_TABLE_HEAD_BYTES: u64 = 16 * 1024;

fn read_doc(file: &mut FileFacts, facts: &mut Facts, path: &Path) -> std::io::Result<()> {
    let name = file.entry.file_name().to_ascii_lowercase();
    let is_card = name == "readme.md" || crate::inventory::is_datasheet_name(&name);
    let markdown = name.ends_with(".md") || name.ends_with(".markdown");
    if file.entry.kind == FileKind::Data
        && [".csv", ".tsv", ".txt"].iter().any(|e| name.ends_with(e))
    {
        let bytes = read_prefix(path, MAX_TABLE_HEAD_BYTES)?;
        file.url_manifest_rows = refs::url_manifest_rows(&bytes);
        return Ok(());
    }
    if !is_card || !markdown {
        // Other documents are read only for the references they hold.
        if markdown || name.ends_with(".rst") {
            let bytes = read_prefix(path, MAX_DOC_REFS_BYTES)?;
            keep_refs(facts, &file.entry.rel, refs::scan(&bytes, true, false));
        }
        return Ok(());
    }
    let rel = file.entry.rel.clone();
    let bytes = read_prefix(path, card::MAX_CARD_BYTES as u64)?;
    keep_refs(facts, &rel, refs::scan(&bytes, true, false));
    let front_matter = card::parse_front_matter(&bytes).unwrap_or_else(|err| {
        file.failures.push(Failure::Card(err));
        None
    });
    let is_dataset_card = front_matter.as_ref().is_some_and(|fm| fm.dataset_card)
        || file.entry.kind == FileKind::Data;
    file.other_format = Some(if is_dataset_card {
        "dataset-card"
    } else {
        "model-card"
    });
    let license_section = card::license_section(&bytes).and_then(|s| license::identify_section(&s));
    let part_licenses = license::per_part(&crate::formats::decode_lossy(&bytes));
    let prose = card::prose(&bytes);
    facts.cards.push(CardFacts {
        path: rel,
        front_matter,
        links: card::links(&bytes),
        license_section,
        part_licenses,
        license_text: license::card_licence_text(&prose),
        template_license: card::template_license(&prose),
    });
    Ok(())
}

/// Keeps a text's references when it has any.
fn keep_refs(facts: &mut Facts, rel: &str, mut scan: TextScan) {
    // Kept until the assessment: the slack of a vector grown by doubling
    // was a fifth of a code repository's peak memory.
    scan.refs.shrink_to_fit();
    if !scan.refs.is_empty()
        || !scan.paths.is_empty()
        || scan.yaml_download
        || (scan.fetches && scan.names_weights)
    {
        facts.text_refs.push((rel.to_owned(), scan));
    }
}

thread_local! {
    /// The file this thread is reading, for [`read_prefix`].
    static READING: RefCell<Option<Reading>> = const { RefCell::new(None) };
}

struct Reading {
    path: PathBuf,
    /// Its size as the walk found it; 0 when unknown (or empty).
    bytes: u64,
    /// Its whole content, when it is small enough to have been read whole.
    whole: Option<Vec<u8>>,
}

/// Marks the file this thread reads while it lives: [`read_prefix`] then
/// takes a small file's content from memory instead of opening it again
/// (half the files of a code repository are this small), and sizes its
/// reads of a larger one from the walk instead of asking the file system
/// again (a `statx` and an end-of-file read saved per file).
struct ReadingFile;

impl ReadingFile {
    fn start(path: PathBuf, bytes: u64) -> ReadingFile {
        READING.with_borrow_mut(|r| {
            *r = Some(Reading {
                path,
                bytes,
                whole: None,
            })
        });
        ReadingFile
    }

    fn keep_whole(&self, content: Vec<u8>) {
        READING.with_borrow_mut(|r| {
            if let Some(r) = r {
                r.whole = Some(content);
            }
        });
    }
}

impl Drop for ReadingFile {
    fn drop(&mut self) {
        READING.with_borrow_mut(|r| *r = None);
    }
}

/// Reads at most `cap` bytes; never more, whatever the file's size. For
/// the file a [`ReadingFile`] marks, at most the size the walk found: a
/// file grown since is read as it was listed.
fn read_prefix(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let mut listed = 0;
    let kept = READING.with_borrow(|r| {
        let r = r
            .as_ref()
            .filter(|r| r.path.as_os_str() == path.as_os_str())?;
        listed = r.bytes;
        r.whole.as_ref().map(|bytes| {
            let n = usize::try_from(cap).unwrap_or(usize::MAX).min(bytes.len());
            bytes.get(..n).unwrap_or(bytes).to_vec()
        })
    });
    if let Some(bytes) = kept {
        return Ok(bytes);
    }
    if let Some(remote) = crate::source::prefix(path, cap) {
        return remote;
    }
    let file = File::open(path)?;
    // Sized from the file's length (never past the cap), the buffer takes
    // the content in one read; grown from empty it took a dozen reads for
    // a 32 KiB file. Stopping at the listed length also spares the read
    // that would only see the end.
    let (limit, expected) = if listed > 0 {
        (listed.min(cap), listed.min(cap))
    } else {
        (cap, file.metadata().map_or(0, |m| m.len()).min(cap))
    };
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A safetensors file: its length prefix (in `head`), then a second prefix
/// through the header; the tensor data is never read.
fn read_safetensors_prefix(
    file: &mut FileFacts,
    path: &Path,
    head: &[u8],
    len: u64,
) -> std::io::Result<()> {
    file.weights_format = Some(WeightsFormat::Safetensors);
    let header_end = head
        .first_chunk::<8>()
        .map(|p| u64::from_le_bytes(*p))
        .filter(|&n| n <= safetensors::MAX_HEADER_LEN)
        .map_or(8, |n| n + 8);
    let bytes = read_prefix(path, header_end)?;
    if let Err(err) =
        safetensors::parse_prefix(&bytes, len).map(|header| read_safetensors(file, header))
    {
        file.failures.push(Failure::Weights(err));
    }
    Ok(())
}

/// [`read_weights`] for a file of a remote source (`crate::source`): the
/// length is the listing's, a safetensors header is read by two prefixes as
/// locally, and any other format gets the view its source can give (the
/// file when small, a GGUF header window) in place of a memory map.
fn read_remote_weights(
    file: &mut FileFacts,
    facts: &mut Facts,
    path: &Path,
) -> std::io::Result<()> {
    let by_name =
        sniff::weights_format_by_name(file.entry.file_name()).unwrap_or(WeightsFormat::Other);
    let len = file.entry.bytes;
    if len == 0 {
        file.weights_format = Some(by_name);
        file.failures.push(Failure::EmptyWeights);
        return Ok(());
    }
    let head = read_prefix(path, sniff::SNIFF_BYTES as u64)?;
    let sniffed = sniff::sniff(&head, by_name);
    if sniffed == Sniffed::Format(WeightsFormat::Safetensors) {
        return read_safetensors_prefix(file, path, &head, len);
    }
    if len > crate::source::MAX_VIEW_BYTES {
        let zip = match sniffed {
            Sniffed::Format(
                f @ (WeightsFormat::TorchZip | WeightsFormat::NumpyZip | WeightsFormat::Keras),
            ) => Some(f),
            // A zip found from its end (data before its first entry).
            Sniffed::Unknown if by_name.is_pickle() => Some(WeightsFormat::TorchZip),
            _ => None,
        };
        if let Some(format) = zip
            && read_remote_zip(file, facts, path, len, format)?
        {
            return Ok(());
        }
    }
    let window = match sniffed {
        Sniffed::Format(WeightsFormat::Gguf) => len.min(gguf::MAX_HEADER_WINDOW),
        _ => len,
    };
    let view = crate::source::view(path, len, window)
        .unwrap_or_else(|| Err(std::io::Error::other("not a remote file")))?;
    parse_weights(file, facts, &view, len, by_name);
    Ok(())
}

/// One range of a remote file.
fn read_range(path: &Path, start: u64, len: u64) -> std::io::Result<Vec<u8>> {
    crate::source::read_at(path, start, len)
        .unwrap_or_else(|| Err(std::io::Error::other("not a remote file")))
}

/// A remote zip too large to read whole (a torch checkpoint, an `.npz`, a
/// `.keras`), read by range: its first bytes (already read to sniff it)
/// and its last [`crate::source::ZIP_TAIL`], then, in at most
/// [`crate::source::ZIP_ROUNDS`] rounds, what [`torch::zip_reads`] says its
/// scan needs (the directory if the end does not hold it, then the members
/// the scan reads: pickles and small members of a checkpoint, never its
/// storage records; each array's header of an `.npz`; `config.json` and
/// `metadata.json` of a `.keras`), members side by side in one range, all
/// within [`crate::source::MAX_VIEW_BYTES`]. Then the same scan as a local
/// file's, over what was read. `Ok(false)` when a file recognised only by
/// its name does not end like a zip after all.
fn read_remote_zip(
    file: &mut FileFacts,
    facts: &mut Facts,
    path: &Path,
    len: u64,
    format: WeightsFormat,
) -> std::io::Result<bool> {
    use crate::formats::pieces::Fetched;
    use crate::source::{
        FIRST_WEIGHTS_RANGE, MAX_VIEW_BYTES, ZIP_COALESCE_GAP, ZIP_MAX_RANGES, ZIP_ROUNDS, ZIP_TAIL,
    };
    let (wants, max_members): (&torch::MemberReads, usize) = match format {
        WeightsFormat::NumpyZip => (&numpy::member_reads, numpy::MAX_REMOTE_NPZ_MEMBERS),
        WeightsFormat::Keras => (&keras::member_reads, usize::MAX),
        _ => (&torch::member_reads, usize::MAX),
    };
    let mut got = Fetched::new(len);
    got.add(0, read_prefix(path, FIRST_WEIGHTS_RANGE.min(len))?);
    let tail = ZIP_TAIL.min(len);
    got.add(len - tail, read_range(path, len - tail, tail)?);
    if !torch::opens_or_ends_like_zip(&got.view()) {
        return Ok(false);
    }
    let mut requests = 0usize;
    torch::fetch_zip_reads(
        &mut got,
        wants,
        max_members,
        ZIP_ROUNDS,
        ZIP_COALESCE_GAP,
        |r, held| {
            let left = MAX_VIEW_BYTES.saturating_sub(held);
            requests += 1;
            if left == 0 || requests > ZIP_MAX_RANGES {
                // The scan says which members went unread.
                return Ok(None);
            }
            let want = (r.end - r.start).min(left);
            read_range(path, r.start, want).map(Some)
        },
    )?;
    let pieces = got.view();
    file.weights_format = Some(format);
    let parsed = match format {
        WeightsFormat::NumpyZip => numpy::parse_npz_pieces(&pieces, &mut facts.budget, max_members)
            .map(|npz| read_npz(file, npz)),
        WeightsFormat::Keras => {
            keras::scan_keras_zip_pieces(&pieces, &mut facts.budget).map(|k| record_keras(file, k))
        }
        _ => torch::scan_zip_pieces(&pieces, &mut facts.budget)
            .map(|checkpoint| record_checkpoint(file, checkpoint)),
    };
    if let Err(err) = parsed {
        file.failures.push(Failure::Weights(err));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_being_read_is_read_as_the_walk_listed_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, vec![b'a'; 5000]).unwrap();
        // Listed at 3,000 bytes (it grew since): read as listed.
        {
            let _reading = ReadingFile::start(path.clone(), 3000);
            assert_eq!(read_prefix(&path, 4096).unwrap().len(), 3000);
            assert_eq!(read_prefix(&path, 100).unwrap().len(), 100);
        }
        // Not marked, or of unknown size: up to the cap, whatever the walk saw.
        assert_eq!(read_prefix(&path, 4096).unwrap().len(), 4096);
        let _reading = ReadingFile::start(path.clone(), 0);
        assert_eq!(read_prefix(&path, 8192).unwrap().len(), 5000);
    }

    #[test]
    fn a_small_file_kept_whole_is_served_from_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.json");
        std::fs::write(&path, b"{\"a\": 1}").unwrap();
        let reading = ReadingFile::start(path.clone(), 8);
        reading.keep_whole(b"{\"b\": 2}".to_vec());
        // The kept content, cut at the cap, not the file's.
        assert_eq!(read_prefix(&path, 4).unwrap(), b"{\"b\"");
        drop(reading);
        assert_eq!(read_prefix(&path, 64).unwrap(), b"{\"a\": 1}");
    }
}
