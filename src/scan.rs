//! The scan's I/O layer: it reads each inventoried file exactly as much as its
//! kind needs (a memory map for weights, whose header pages alone are touched;
//! bounded prefixes for configs, cards, licences and code), hands the bytes to
//! the format parsers, and collects plain [`Facts`] for the assessment. Parse
//! failures become findings here; nothing stops the scan but an unreadable root.

use crate::assess;
use crate::codeclass::{self, CodeRole};
use crate::finding::{Code, Finding};
use crate::formats::card::{self, FrontMatter, Link};
use crate::formats::config::{self, AdapterConfig, ModelConfig, ModelIndex, SentenceModule};
use crate::formats::pickle::{self, PickleScan, Verdict};
use crate::formats::safetensors::{self, Header};
use crate::formats::shard_index::{self, ShardIndex};
use crate::formats::sniff::{self, Sniffed, WeightsFormat};
use crate::formats::{
    FormatError, digests, gguf, keras, lfs, msgpack, numpy, onnx, packages, torch,
};
use crate::hash;
use crate::inventory::{self, Entry, ScanError};
use crate::license::{self, Identified};
use crate::report::{FileKind, FileWeights, LfsObject, Report};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Caps on what is read of each non-weights file.
const MAX_CONFIG_BYTES: u64 = 16 << 20;
const MAX_CODE_HEAD: u64 = 64 << 10;
const MAX_LICENSE_BYTES: u64 = 256 << 10;

#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Add the SHA-256 of every readable file.
    pub hash: bool,
    /// Worker threads for hashing; 0 means every core.
    pub jobs: usize,
    /// Let components the release only references count towards the MOF
    /// class (by default only shipped ones do).
    pub count_referenced: bool,
    /// Bytes hashed so far, for a progress bar drawn by the caller.
    pub progress: Option<Arc<hash::Progress>>,
}

/// Scans one release. `display_root` is the PATH as the user gave it.
pub fn scan(root: &Path, display_root: &str, options: &ScanOptions) -> Result<Report, ScanError> {
    let inventory = inventory::walk(root)?;
    let root_name = std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let mut facts = Facts {
        root_name,
        findings: inventory.findings,
        ..Facts::default()
    };
    for entry in inventory.entries {
        let mut file = FileFacts::from_entry(entry);
        read_file(&mut file, &mut facts);
        facts.files.push(file);
    }
    if options.hash {
        hash_files(&mut facts, options);
    }
    Ok(assess::assess(
        display_root,
        facts,
        options.count_referenced,
    ))
}

/// Everything the scan learned, per file and per release. Plain data: the
/// assessment turns it into a report without touching the filesystem.
#[derive(Debug, Default)]
pub struct Facts {
    /// The root folder's own name, the release name of last resort.
    pub root_name: Option<String>,
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
    pub expected_digests: BTreeMap<String, (String, &'static str)>,
    pub cards: Vec<CardFacts>,
    pub findings: Vec<Finding>,
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
    /// What the file holds beyond counts ("TorchScript archive", "Lambda
    /// layers: x, y", "3 members"), for the evidence item.
    pub note: Option<String>,
    /// The weights header could not be parsed (the finding says why).
    pub broken: bool,
    pub code_role: Option<(CodeRole, &'static str)>,
    pub license: Option<Identified>,
    pub sha256: Option<String>,
}

impl FileFacts {
    fn from_entry(entry: Entry) -> FileFacts {
        FileFacts {
            entry,
            weights_format: None,
            other_format: None,
            lfs: None,
            safetensors: None,
            counts: None,
            note: None,
            broken: false,
            code_role: None,
            license: None,
            sha256: None,
        }
    }

    pub fn rel(&self) -> &str {
        &self.entry.rel
    }
}

#[derive(Debug)]
pub struct GgufFacts {
    pub path: String,
    pub architecture: Option<String>,
    pub provenance: gguf::Provenance,
    pub split: Option<gguf::Split>,
}

#[derive(Debug)]
pub struct CardFacts {
    pub path: String,
    pub front_matter: Option<FrontMatter>,
    pub links: Vec<Link>,
    pub license_section: Option<Identified>,
    /// Licences the card states for code, weights or data separately.
    pub part_licenses: Vec<(license::Part, Identified)>,
}

/// Fills `sha256` for every readable file, in parallel, largest first.
fn hash_files(facts: &mut Facts, options: &ScanOptions) {
    let targets: Vec<(usize, std::path::PathBuf, u64)> = facts
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f.entry.read_path.clone()?, f.entry.bytes)))
        .collect();
    let jobs = if options.jobs == 0 {
        hash::default_jobs()
    } else {
        options.jobs
    };
    let inputs: Vec<(std::path::PathBuf, u64)> =
        targets.iter().map(|(_, p, n)| (p.clone(), *n)).collect();
    let digests = hash::sha256_files(&inputs, jobs, options.progress.as_deref());
    for ((index, _, _), digest) in targets.into_iter().zip(digests) {
        match digest {
            Ok(hex) => facts.files[index].sha256 = Some(hex),
            Err(err) => facts.findings.push(Finding::new(
                Code::Unreadable,
                Some(facts.files[index].rel()),
                format!("cannot hash: {err}"),
            )),
        }
    }
}

fn read_file(file: &mut FileFacts, facts: &mut Facts) {
    let Some(path) = file.entry.read_path.clone() else {
        return;
    };
    let rel = file.entry.rel.clone();
    let unreadable = |facts: &mut Facts, err: std::io::Error| {
        facts.findings.push(Finding::new(
            Code::Unreadable,
            Some(&rel),
            format!("cannot read: {err}"),
        ));
    };
    // Any small file may be an LFS pointer standing in for its content.
    if file.entry.bytes < lfs::MAX_POINTER_BYTES as u64 {
        match read_prefix(&path, lfs::MAX_POINTER_BYTES as u64) {
            Ok(head) if lfs::looks_like_pointer(&head) => {
                return record_pointer(file, facts, &head);
            }
            Ok(_) => {}
            Err(err) => return unreadable(facts, err),
        }
    }
    if let Some(target) = file.entry.symlink.as_deref() {
        // A Hugging Face cache blob is named by the SHA-256 of LFS content.
        let blob = target.rsplit('/').next().unwrap_or(target);
        if digests::is_sha256(blob) {
            facts
                .expected_digests
                .insert(rel.clone(), (blob.to_ascii_lowercase(), "hf-cache-blob"));
        }
    }
    if let Some(described) = rel
        .strip_prefix(".cache/huggingface/download/")
        .and_then(|r| r.strip_suffix(".metadata"))
    {
        if let Ok(bytes) = read_prefix(&path, 4096)
            && let Some(sha) = digests::parse_download_metadata(&bytes)
        {
            facts
                .expected_digests
                .insert(described.to_owned(), (sha, "hf-download-metadata"));
        }
        return;
    }
    if file.entry.file_name() == "model.sig" {
        match read_prefix(&path, digests::MAX_BUNDLE_BYTES as u64 + 1)
            .map(|b| digests::parse_model_signing(&b))
        {
            Ok(Ok(resources)) => {
                file.other_format = Some("model-signing-bundle");
                let dir = crate::assess::dir_of(&rel).to_owned();
                for (name, sha) in resources {
                    facts
                        .expected_digests
                        .insert(format!("{dir}{name}"), (sha, "model-signing"));
                }
            }
            Ok(Err(err)) => facts.findings.push(config_invalid(&rel, &err)),
            Err(err) => unreadable(facts, err),
        }
        return;
    }
    let result = match file.entry.kind {
        FileKind::Weights => read_weights(file, facts, &path),
        FileKind::Config | FileKind::Tokenizer => read_config(file, facts, &path),
        FileKind::Docs | FileKind::Data => read_doc(file, facts, &path),
        FileKind::License => read_prefix(&path, MAX_LICENSE_BYTES).map(|bytes| {
            file.license = license::identify_text(&String::from_utf8_lossy(&bytes));
        }),
        FileKind::Code => read_prefix(&path, MAX_CODE_HEAD).map(|head| {
            file.code_role = Some(codeclass::classify(&rel, &head));
        }),
        FileKind::Other => Ok(()),
    };
    if let Err(err) = result {
        unreadable(facts, err);
    }
}

fn record_pointer(file: &mut FileFacts, facts: &mut Facts, head: &[u8]) {
    let rel = file.entry.rel.as_str();
    match lfs::parse(head) {
        Ok(pointer) => {
            facts.findings.push(Finding::new(
                Code::LfsPointer,
                Some(rel),
                format!(
                    "Git LFS pointer to {} bytes (sha256 {}); the content was never fetched",
                    pointer.size, pointer.oid
                ),
            ));
            file.weights_format = sniff::weights_format_by_name(file.entry.file_name());
            file.lfs = Some(LfsObject {
                oid: pointer.oid,
                size: pointer.size,
            });
        }
        Err(err) => facts.findings.push(Finding::new(
            Code::LfsPointer,
            Some(rel),
            format!("malformed Git LFS pointer ({err}); the content was never fetched"),
        )),
    }
}

fn read_weights(file: &mut FileFacts, facts: &mut Facts, path: &Path) -> std::io::Result<()> {
    let rel = file.entry.rel.clone();
    let by_name =
        sniff::weights_format_by_name(file.entry.file_name()).unwrap_or(WeightsFormat::Other);
    let handle = File::open(path)?;
    if handle.metadata()?.len() == 0 {
        file.broken = true;
        file.weights_format = Some(by_name);
        facts.findings.push(Finding::new(
            Code::TruncatedFile,
            Some(&rel),
            "weights file is empty",
        ));
        return Ok(());
    }
    // SAFETY: the map is read-only and the scan never writes the release.
    // A file truncated by someone else while mapped would fault (SIGBUS) on
    // the next touch past its new end: `mapguard` turns such faults into
    // zero pages while the map is watched, and the result is thrown away.
    let map = unsafe { memmap2::Mmap::map(&handle)? };
    let Some(watch) = crate::mapguard::watch(&map) else {
        return Err(std::io::Error::other(
            "too many files mapped at once; not read",
        ));
    };
    let (findings, gguf, external) = (
        facts.findings.len(),
        facts.gguf.len(),
        facts.external_data.len(),
    );
    let result = parse_weights(file, facts, &map, by_name);
    if watch.faulted() {
        // Whatever was parsed mixed the file's bytes with zeros: drop it.
        facts.findings.truncate(findings);
        facts.gguf.truncate(gguf);
        facts.external_data.truncate(external);
        file.safetensors = None;
        file.counts = None;
        file.note = None;
        file.lfs = None;
        file.broken = true;
        return Err(std::io::Error::other(
            "the file shrank while it was being read",
        ));
    }
    result
}

/// Sniffs and parses a mapped weights file. Runs under a [`crate::mapguard`]
/// watch: only [`read_weights`] calls it.
fn parse_weights(
    file: &mut FileFacts,
    facts: &mut Facts,
    map: &[u8],
    by_name: WeightsFormat,
) -> std::io::Result<()> {
    let rel = file.entry.rel.clone();
    let head = &map[..map.len().min(sniff::SNIFF_BYTES)];
    let format = match sniff::sniff(head, by_name) {
        Sniffed::LfsPointer => {
            record_pointer(file, facts, head);
            return Ok(());
        }
        Sniffed::Format(format) => format,
        Sniffed::Unknown => {
            file.weights_format = None;
            return Ok(());
        }
    };
    file.weights_format = Some(format);
    if format.is_pickle() {
        facts.findings.push(Finding::new(
            Code::PickleWeights,
            Some(&rel),
            format!(
                "weights stored as {}: loading them unpickles, which can execute code",
                match format {
                    WeightsFormat::TorchZip => "a PyTorch zip checkpoint (pickle inside)",
                    WeightsFormat::Paddle => "PaddlePaddle parameters (a pickle)",
                    _ => "a Python pickle",
                }
            ),
        ));
    }
    let parsed = match format {
        WeightsFormat::Safetensors => safetensors::parse(map).map(|header| {
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
        }),
        WeightsFormat::Gguf => gguf::parse(map).map(|model| {
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
                split: model.split(),
            });
        }),
        WeightsFormat::TorchZip | WeightsFormat::Pickle | WeightsFormat::Paddle => {
            torch::scan(map).map(|checkpoint| record_checkpoint(file, facts, &checkpoint))
        }
        WeightsFormat::Numpy => numpy::parse_npy(map).map(|header| {
            if header.object {
                // Object arrays are a pickle after the header.
                let data = usize::try_from(header.data_offset)
                    .ok()
                    .and_then(|at| map.get(at..))
                    .unwrap_or(&[]);
                let (scan, _) = pickle::scan(data, &pickle::Limits::default());
                report_pickles(&rel, facts, &[("object array".to_owned(), scan)], false);
                facts.findings.push(Finding::new(
                    Code::PickleWeights,
                    Some(&rel),
                    "object array: loading it with allow_pickle=True unpickles, which can execute code",
                ));
            }
            file.counts = Some(npy_counts(&header));
        }),
        WeightsFormat::NumpyZip => numpy::parse_npz(map).map(|npz| {
            let mut counts = FileWeights::default();
            for member in &npz.members {
                if let Ok(header) = &member.header {
                    if header.object {
                        facts.findings.push(Finding::new(
                            Code::PickleWeights,
                            Some(&rel),
                            format!(
                                "member {} is an object array: loading it with allow_pickle=True unpickles (not scanned inside the archive)",
                                member.name
                            ),
                        ));
                    }
                    let c = npy_counts(header);
                    counts.tensors += 1;
                    counts.parameters = counts.parameters.saturating_add(c.parameters);
                    counts.bytes = counts.bytes.saturating_add(c.bytes);
                    for (d, n) in c.dtypes {
                        *counts.dtypes.entry(d).or_default() += n;
                    }
                }
            }
            anomalies(&rel, facts, &npz.anomalies);
            file.note = Some(format!("{} arrays", npz.members.len()));
            file.counts = Some(counts);
        }),
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
                keras::scan_keras_zip(map)
            } else {
                keras::scan_h5(map)
            };
            scanned.map(|k| {
                if !k.lambda_layers.is_empty() {
                    facts.findings.push(Finding::new(
                        Code::KerasLambda,
                        Some(&rel),
                        format!(
                            "Lambda layers store code that runs on load: {}",
                            k.lambda_layers.join(", ")
                        ),
                    ));
                }
                if !k.custom_objects.is_empty() {
                    file.note = Some(format!(
                        "custom objects the loader must import: {}",
                        k.custom_objects.join(", ")
                    ));
                }
            })
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
            anomalies(&rel, facts, &dduf.anomalies);
            file.note = Some(format!("{} entries (a diffusers folder)", dduf.entries.len()));
        }),
        _ => Ok(()),
    };
    if let Err(err) = parsed {
        file.broken = true;
        facts.findings.push(Finding::new(
            err.weights_code(),
            Some(&rel),
            err.to_string(),
        ));
    }
    Ok(())
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

/// Counts, findings and notes for a pickle-based checkpoint.
fn record_checkpoint(file: &mut FileFacts, facts: &mut Facts, checkpoint: &torch::CheckpointScan) {
    let rel = file.entry.rel.clone();
    let torchscript = checkpoint.container == torch::Container::TorchScript;
    report_pickles(&rel, facts, &checkpoint.pickles, torchscript);
    anomalies(&rel, facts, &checkpoint.anomalies);
    if let Some(err) = &checkpoint.error {
        facts.findings.push(Finding::new(
            Code::CorruptHeader,
            Some(&rel),
            format!("pickle stream: {err}"),
        ));
    }
    file.note = Some(format!(
        "{}{}",
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
            dtypes: checkpoint.dtypes.clone(),
        });
    }
}

/// At most this many imports are named in one finding.
const IMPORTS_NAMED: usize = 8;

/// `unsafe-pickle` / `pickle-suspicious-import` for the imports of a file's
/// pickles. In a TorchScript archive the `__torch__.*` classes are the
/// archive's own TorchScript code, expected rather than suspicious.
fn report_pickles(
    rel: &str,
    facts: &mut Facts,
    pickles: &[(String, PickleScan)],
    torchscript: bool,
) {
    let mut unsafe_imports = std::collections::BTreeSet::new();
    let mut suspicious = std::collections::BTreeSet::new();
    for (label, scan) in pickles {
        if scan.unresolved_stack_global {
            unsafe_imports.insert(format!("an unresolvable STACK_GLOBAL in {label}"));
        }
        for import in &scan.imports {
            if torchscript && import.module.starts_with("__torch__") {
                continue;
            }
            match pickle::verdict(import) {
                Verdict::Unsafe => {
                    unsafe_imports.insert(import.to_string());
                }
                Verdict::Suspicious => {
                    suspicious.insert(import.to_string());
                }
                Verdict::Safe => {}
            }
        }
    }
    let list = |set: &std::collections::BTreeSet<String>| {
        let mut names: Vec<&str> = set.iter().map(String::as_str).take(IMPORTS_NAMED).collect();
        if set.len() > IMPORTS_NAMED {
            names.push("...");
        }
        names.join(", ")
    };
    if !unsafe_imports.is_empty() {
        facts.findings.push(Finding::new(
            Code::UnsafePickle,
            Some(rel),
            format!("loading runs code: imports {}", list(&unsafe_imports)),
        ));
    }
    if !suspicious.is_empty() {
        facts.findings.push(Finding::new(
            Code::PickleSuspiciousImport,
            Some(rel),
            format!(
                "imports outside the weights_only allow-list: {}",
                list(&suspicious)
            ),
        ));
    }
}

fn anomalies(rel: &str, facts: &mut Facts, found: &[String]) {
    if !found.is_empty() {
        let shown: Vec<&str> = found
            .iter()
            .map(String::as_str)
            .take(IMPORTS_NAMED)
            .collect();
        facts.findings.push(Finding::new(
            Code::ArchiveAnomaly,
            Some(rel),
            shown.join("; "),
        ));
    }
}

fn read_config(file: &mut FileFacts, facts: &mut Facts, path: &Path) -> std::io::Result<()> {
    let rel = file.entry.rel.clone();
    let name = file.entry.file_name().to_ascii_lowercase();
    let is_json = name.ends_with(".json");
    let bytes = read_prefix(path, MAX_CONFIG_BYTES)?;
    if is_json && file.entry.bytes > MAX_CONFIG_BYTES {
        facts.findings.push(config_invalid(
            &rel,
            &FormatError::TooLarge {
                what: "configuration file",
                claimed: file.entry.bytes,
                limit: MAX_CONFIG_BYTES,
            },
        ));
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
        _ => {
            if file.entry.kind == FileKind::Config && codeclass::is_training_config(&rel, &bytes) {
                file.entry.kind = FileKind::Code;
                file.code_role = Some((CodeRole::Training, "training configuration"));
            }
            Ok(())
        }
    };
    if let Err(err) = parsed {
        facts.findings.push(config_invalid(&rel, &err));
    }
    Ok(())
}

fn config_invalid(rel: &str, err: &FormatError) -> Finding {
    Finding::new(Code::ConfigInvalid, Some(rel), err.to_string())
}

fn read_doc(file: &mut FileFacts, facts: &mut Facts, path: &Path) -> std::io::Result<()> {
    let name = file.entry.file_name().to_ascii_lowercase();
    let is_card = name == "readme.md" || inventory::is_datasheet_name(&name);
    if !is_card || !(name.ends_with(".md") || name.ends_with(".markdown")) {
        return Ok(());
    }
    let rel = file.entry.rel.clone();
    let bytes = read_prefix(path, card::MAX_CARD_BYTES as u64)?;
    let front_matter = match card::parse_front_matter(&bytes) {
        Ok(fm) => fm,
        Err(err) => {
            facts
                .findings
                .push(Finding::new(Code::CardInvalid, Some(&rel), err.to_string()));
            None
        }
    };
    let is_dataset_card = front_matter.as_ref().is_some_and(|fm| fm.dataset_card)
        || file.entry.kind == FileKind::Data;
    file.other_format = Some(if is_dataset_card {
        "dataset-card"
    } else {
        "model-card"
    });
    let license_section = card::license_section(&bytes).and_then(|s| license::identify_text(&s));
    let part_licenses = license::per_part(&String::from_utf8_lossy(&bytes));
    facts.cards.push(CardFacts {
        path: rel,
        front_matter,
        links: card::links(&bytes),
        license_section,
        part_licenses,
    });
    Ok(())
}

/// Reads at most `cap` bytes; never more, whatever the file's size.
fn read_prefix(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}
