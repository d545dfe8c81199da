//! Inventory: walk the release and classify every file by name, before any
//! content is read. It decides what may be read at all: `.git/` is never
//! entered, symlinks are followed only when they stay inside the root, and
//! FIFOs, sockets and devices are listed but never opened (opening a FIFO
//! blocks forever). Content-based refinement happens later, in the scan.

use crate::codeclass;
use crate::formats::sniff;
use crate::report::FileKind;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Why the scan could not start: the PATH itself is missing or unreadable.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{path}: {source}")]
    Root {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ScanError {
    /// A stable kebab-case word for why the PATH could not be read, for the
    /// error entry of a JSON report list: `not-found`, `permission-denied`,
    /// `not-a-directory` or `unreadable`.
    pub fn code(&self) -> &'static str {
        let ScanError::Root { source, .. } = self;
        match source.kind() {
            std::io::ErrorKind::NotFound => "not-found",
            std::io::ErrorKind::PermissionDenied => "permission-denied",
            std::io::ErrorKind::NotADirectory => "not-a-directory",
            _ => "unreadable",
        }
    }

    /// The reason alone, without the PATH (`No such file or directory (os
    /// error 2)`).
    pub fn reason(&self) -> String {
        let ScanError::Root { source, .. } = self;
        source.to_string()
    }
}

/// One file of the release.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Relative to the root, with `/`.
    pub rel: String,
    /// Where to read the content from; `None` when it must not be read
    /// (symlink outside the root, dangling link, special file, directory link).
    pub read_path: Option<PathBuf>,
    pub bytes: u64,
    pub kind: FileKind,
    /// The link target as written, when the entry is a symlink.
    pub symlink: Option<String>,
}

impl Entry {
    pub fn file_name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

#[derive(Debug, Default)]
pub struct Inventory {
    pub entries: Vec<Entry>,
    /// What the walk could not list or follow, for the assessment to judge.
    pub issues: Vec<WalkIssue>,
}

/// A path the walk could not list, or a link it would not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkIssue {
    /// A folder or file could not be listed (the error's text).
    Unlisted { rel: Option<String>, error: String },
    /// A symlink whose target does not exist.
    Dangling { rel: String, target: String },
    /// A symlink whose target is outside the scanned root.
    Outside { rel: String, target: String },
    /// A symlink whose target exists but could not be read.
    UnreadableTarget { rel: String, error: String },
}

/// Folder part of a relative path, with a trailing `/` ("" at the root).
pub fn dir_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..=i])
}

/// Walks `root` (a directory, or a single file scanned on its own).
pub fn walk(root: &Path) -> Result<Inventory, ScanError> {
    let root_err = |source| ScanError::Root {
        path: root.display().to_string(),
        source,
    };
    let meta = fs::metadata(root).map_err(root_err)?;
    let canonical_root = fs::canonicalize(root).map_err(root_err)?;
    let boundary = link_boundary(&canonical_root);
    let mut inv = Inventory::default();
    if meta.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| root.display().to_string());
        inv.entries.push(Entry {
            kind: kind_by_name(&name),
            rel: name,
            read_path: Some(canonical_root),
            bytes: meta.len(),
            symlink: None,
        });
        return Ok(inv);
    }
    // Listing the root itself must work, or the PATH is unreadable.
    fs::read_dir(root).map_err(root_err)?;

    let mut link_targets = BTreeSet::new();
    let mut to_size: Vec<usize> = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() > 0 && e.file_type().is_dir() && e.file_name() == ".git"));
    for item in walker {
        let dirent = match item {
            Ok(d) => d,
            Err(err) => {
                let rel = err
                    .path()
                    .map(|p| relative(root, p))
                    .filter(|r| !r.is_empty());
                inv.issues.push(WalkIssue::Unlisted {
                    rel,
                    error: io_message(&err),
                });
                continue;
            }
        };
        if dirent.depth() == 0 || dirent.file_type().is_dir() {
            continue;
        }
        let rel = relative(root, dirent.path());
        let file_type = dirent.file_type();
        if file_type.is_symlink() {
            inv.entries.push(symlink_entry(
                &boundary,
                dirent.path(),
                rel,
                &mut link_targets,
                &mut inv.issues,
            ));
        } else if file_type.is_file() {
            // Sized after the listing, all at once (see `size_files`).
            to_size.push(inv.entries.len());
            inv.entries.push(Entry {
                kind: kind_by_name(&rel),
                read_path: Some(dirent.path().to_path_buf()),
                rel,
                bytes: 0,
                symlink: None,
            });
        } else {
            // FIFO, socket or device: listed, never opened.
            inv.entries.push(Entry {
                rel,
                read_path: None,
                bytes: 0,
                kind: FileKind::Other,
                symlink: None,
            });
        }
    }
    size_files(&mut inv.entries, &to_size);
    // A Hugging Face cache holds each file once in `blobs/` and links to it
    // from `snapshots/`: the link carries the meaningful name, so a regular
    // file that an in-root link points at is represented by that link only.
    if !link_targets.is_empty() {
        inv.entries.retain(|e| {
            e.symlink.is_some()
                || e.read_path
                    .as_ref()
                    .and_then(|p| fs::canonicalize(p).ok())
                    .is_none_or(|p| !link_targets.contains(&p))
        });
    }
    inv.entries.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(inv)
}

/// Files from which [`size_files`] asks their sizes on every core.
const SIZE_IN_PARALLEL_FROM: usize = 512;
/// Files per job of that parallel work.
const SIZE_CHUNK: usize = 128;

/// Fills in the size of each listed regular file (`at` indexes `entries`),
/// 0 when it cannot be asked, as the listing's own metadata would. One
/// `stat` per file was half the walk of a repository of a thousand files;
/// the calls are independent, so a large release asks them on every core.
fn size_files(entries: &mut [Entry], at: &[usize]) {
    let size_of = |i: &usize| {
        entries
            .get(*i)
            .and_then(|e| e.read_path.as_deref())
            .and_then(|p| fs::symlink_metadata(p).ok())
            .map_or(0, |m| m.len())
    };
    let sizes = crate::parallel::map_chunked(at, SIZE_CHUNK, SIZE_IN_PARALLEL_FROM, size_of);
    for (i, bytes) in at.iter().zip(sizes.into_iter().flatten()) {
        if let Some(entry) = entries.get_mut(*i) {
            entry.bytes = bytes;
        }
    }
}

/// Where symlinks may lead. Normally the root itself; but a Hugging Face cache
/// snapshot (`models--org--name/snapshots/<rev>/`) is made of links into the
/// repo folder's `blobs/`, so scanning a snapshot lets links reach that folder.
fn link_boundary(canonical_root: &Path) -> PathBuf {
    let parent = canonical_root.parent();
    let repo = parent.and_then(Path::parent);
    match (parent.and_then(Path::file_name), repo) {
        (Some(snapshots), Some(repo)) if snapshots == "snapshots" => {
            let name = repo.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| {
                ["models--", "datasets--", "spaces--"]
                    .iter()
                    .any(|p| n.starts_with(p))
            }) {
                return repo.to_path_buf();
            }
            canonical_root.to_path_buf()
        }
        _ => canonical_root.to_path_buf(),
    }
}

fn symlink_entry(
    canonical_root: &Path,
    path: &Path,
    rel: String,
    link_targets: &mut BTreeSet<PathBuf>,
    issues: &mut Vec<WalkIssue>,
) -> Entry {
    let written = fs::read_link(path)
        .map(|t| t.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let mut entry = Entry {
        kind: kind_by_name(&rel),
        rel,
        read_path: None,
        bytes: 0,
        symlink: Some(written.clone()),
    };
    match fs::canonicalize(path) {
        Err(_) => issues.push(WalkIssue::Dangling {
            rel: entry.rel.clone(),
            target: written,
        }),
        Ok(target) if !target.starts_with(canonical_root) => issues.push(WalkIssue::Outside {
            rel: entry.rel.clone(),
            target: written,
        }),
        Ok(target) => match fs::metadata(&target) {
            Ok(meta) if meta.is_file() => {
                entry.bytes = meta.len();
                link_targets.insert(target.clone());
                entry.read_path = Some(target);
            }
            // A link to a directory inside the root: its files are listed
            // under their real paths already.
            Ok(_) => entry.kind = FileKind::Other,
            Err(err) => issues.push(WalkIssue::UnreadableTarget {
                rel: entry.rel.clone(),
                error: err.to_string(),
            }),
        },
    }
    entry
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel.components().map(|c| name_text(c.as_os_str())).collect();
    parts.join("/")
}

/// A path component as text. Bytes that are not UTF-8 are written as
/// `\xNN`, not replaced by U+FFFD: a lossy conversion made `w\xff.bin` and
/// `w\xfe.bin` the same `rel`, so one file shadowed the other wherever
/// files are matched by name (shard indexes, digests, the table), and the
/// report could not name the file a user has to look at.
fn name_text(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

fn io_message(err: &walkdir::Error) -> String {
    err.io_error()
        .map(|e| e.to_string())
        .unwrap_or_else(|| err.to_string())
}

const TOKENIZER_FILES: &[&str] = &[
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "vocab.txt",
    "merges.txt",
    "tokenizer.model",
    "spiece.model",
    "sentencepiece.bpe.model",
    "chat_template.jinja",
    "chat_template.json",
];

const DATA_EXTENSIONS: &[&str] = &[
    "parquet", "jsonl", "ndjson", "arrow", "feather", "csv", "tsv", "tfrecord", "avro", "orc",
];

const DOC_EXTENSIONS: &[&str] = &["md", "markdown", "rst", "txt", "pdf", "html", "htm", "tex"];

/// The kind a file's name implies. The scan may refine it from content
/// (a YAML training config is code, a `.bin` may be an LFS pointer).
pub fn kind_by_name(rel: &str) -> FileKind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if TOKENIZER_FILES.contains(&lower.as_str()) {
        return FileKind::Tokenizer;
    }
    if sniff::weights_format_by_name(&lower).is_some() {
        return FileKind::Weights;
    }
    // Evaluation results are documents: not configs, code or training data.
    if codeclass::is_results_name(&lower) {
        return FileKind::Docs;
    }
    if is_datasheet_name(&lower) || DATA_EXTENSIONS.contains(&ext) {
        return FileKind::Data;
    }
    // A compressed data file (`train.jsonl.gz`, `shard.parquet.zst`).
    if let Some((stem, "gz" | "zst" | "bz2" | "xz")) = lower.rsplit_once('.')
        && stem
            .rsplit_once('.')
            .is_some_and(|(_, e)| DATA_EXTENSIONS.contains(&e) || e == "json")
    {
        return FileKind::Data;
    }
    if codeclass::is_source_path(rel) {
        return FileKind::Code;
    }
    if is_license_name(&lower) {
        return FileKind::License;
    }
    if matches!(ext, "json" | "yaml" | "yml" | "toml" | "cfg" | "ini") {
        return FileKind::Config;
    }
    if DOC_EXTENSIONS.contains(&ext) {
        return FileKind::Docs;
    }
    FileKind::Other
}

/// Licence files by every name releases use (`LICENSE`, `MODEL_LICENSE`,
/// `LICENSE-CODE`, `DATA_LICENSE`, `COPYING`), with the attribution files
/// (`NOTICE`, `THIRD_PARTY_NOTICES`) and acceptable-use policies beside
/// them; [`crate::license::role_by_name`] says which is which.
pub fn is_license_name(lower_name: &str) -> bool {
    crate::license::role_by_name(lower_name).is_some()
}

/// Datasheets and dataset cards shipped beside the model card.
pub fn is_datasheet_name(lower_name: &str) -> bool {
    let stem = lower_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(lower_name);
    matches!(
        stem,
        "datasheet" | "data_card" | "datacard" | "dataset_card" | "data-card" | "dataset-card"
    ) || stem.starts_with("datasheet")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_classify() {
        assert_eq!(kind_by_name("model.safetensors"), FileKind::Weights);
        assert_eq!(kind_by_name("LICENSE"), FileKind::License);
        assert_eq!(kind_by_name("LICENSE.md"), FileKind::License);
        assert_eq!(kind_by_name("tokenizer_config.json"), FileKind::Tokenizer);
        assert_eq!(kind_by_name("config.json"), FileKind::Config);
        assert_eq!(kind_by_name("data/train.parquet"), FileKind::Data);
        assert_eq!(kind_by_name("data/train.jsonl.gz"), FileKind::Data);
        assert_eq!(kind_by_name("DATASHEET.md"), FileKind::Data);
        assert_eq!(kind_by_name("README.md"), FileKind::Docs);
        assert_eq!(kind_by_name("paper.pdf"), FileKind::Docs);
        assert_eq!(kind_by_name(".gitattributes"), FileKind::Other);
        assert_eq!(kind_by_name("modeling_x.py"), FileKind::Code);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_escaped_not_merged() {
        use std::os::unix::ffi::OsStrExt;
        let a = name_text(std::ffi::OsStr::from_bytes(b"w\xff.bin"));
        let b = name_text(std::ffi::OsStr::from_bytes(b"w\xfe.bin"));
        assert_eq!(a, "w\\xff.bin");
        assert_eq!(b, "w\\xfe.bin");
        assert_eq!(name_text(std::ffi::OsStr::new("modèle.bin")), "modèle.bin");
    }
}
