//! Some weights formats are folders, not files: a TensorFlow SavedModel is
//! `saved_model.pb` beside a `variables/` checkpoint, a Core ML package is a
//! `*.mlpackage` directory, an MLX export is a folder of arrays beside a
//! `config.json`. The per-file scan cannot name them, so this module looks at
//! the release's list of relative paths and groups the files each package
//! owns. DDUF, a single-file zip of a whole diffusers pipeline, is listed here
//! too, with a reader for its entry table (never extracting anything). The
//! module also holds the bounded zip opener the other archive readers share.

use super::FormatError;
use super::pieces::{Pieces, PiecesReader};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

/// Most entries an archive may declare before we refuse to open it.
pub const MAX_ZIP_ENTRIES: u64 = 100_000;

/// A directory-shaped (or archive-shaped) model format found in a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// "tf-savedmodel", "coreml-mlpackage", "coreml-mlmodelc", "mlx" or "dduf".
    pub format: &'static str,
    /// The package folder ("" for the release root), or the file for DDUF.
    pub root: String,
    /// Every listed path that belongs to the package, sorted.
    pub files: Vec<String>,
}

/// Groups `paths` (relative, `/`-separated, as the scan lists a release)
/// into packages. Sorted by root then format; a path can belong to at most
/// one package of each format.
///
/// MLX has no file-level marker of its own: mlx-lm writes ordinary
/// safetensors whose `__metadata__` holds `{"format": "mlx"}` (see
/// [`is_mlx_metadata`], which the caller applies to headers it has parsed),
/// and older mlx-examples exports are `weights.npz` beside `config.json`,
/// which is the only shape detected from names alone.
pub fn detect(paths: &[&str]) -> Vec<Package> {
    let paths: BTreeSet<&str> = paths
        .iter()
        .map(|p| p.strip_prefix("./").unwrap_or(p))
        .collect();
    let mut found: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();

    for &path in &paths {
        let (dir, name) = split_dir(path);
        match name {
            // TensorFlow writes saved_model.pb (or .pbtxt) at the package
            // root; variables/ is absent for graphs without variables, so it
            // is collected but not required.
            "saved_model.pb" | "saved_model.pbtxt" => {
                found.entry((dir.to_owned(), "tf-savedmodel")).or_default();
            }
            "weights.npz" if paths.contains(join(dir, "config.json").as_str()) => {
                found.entry((dir.to_owned(), "mlx")).or_default();
            }
            _ => {}
        }
        if path.to_ascii_lowercase().ends_with(".dduf") {
            found
                .entry((path.to_owned(), "dduf"))
                .or_default()
                .push(path.to_owned());
        }
        // Core ML: the package is a folder named *.mlpackage with a
        // Manifest.json at its top; a compiled *.mlmodelc is recognised by
        // its name alone (Xcode's output has no single required file).
        if let Some(root) = folder_with_suffix(path, ".mlpackage")
            && paths.contains(join(root, "Manifest.json").as_str())
        {
            found
                .entry((root.to_owned(), "coreml-mlpackage"))
                .or_default();
        }
        if let Some(root) = folder_with_suffix(path, ".mlmodelc") {
            found
                .entry((root.to_owned(), "coreml-mlmodelc"))
                .or_default();
        }
    }

    found
        .into_iter()
        .map(|((root, format), mut files)| {
            if format != "dduf" {
                files = owned_files(&paths, &root, format);
            }
            Package {
                format,
                root,
                files,
            }
        })
        .collect()
}

/// The files a package at `root` owns.
fn owned_files(paths: &BTreeSet<&str>, root: &str, format: &str) -> Vec<String> {
    let in_root = |p: &str| root.is_empty() || p.starts_with(&format!("{root}/"));
    let rel = |p: &'_ str| -> String {
        if root.is_empty() {
            p.to_owned()
        } else {
            p.get(root.len() + 1..).unwrap_or_default().to_owned()
        }
    };
    paths
        .iter()
        .filter(|p| in_root(p))
        .filter(|p| {
            let r = rel(p);
            match format {
                "tf-savedmodel" => {
                    matches!(
                        r.as_str(),
                        "saved_model.pb" | "saved_model.pbtxt" | "fingerprint.pb"
                    ) || r.starts_with("variables/")
                        || r.starts_with("assets/")
                        || r.starts_with("assets.extra/")
                }
                "mlx" => r == "weights.npz" || r == "config.json",
                // Everything inside the package folder.
                _ => true,
            }
        })
        .map(|p| (*p).to_owned())
        .collect()
}

/// `true` for a safetensors `__metadata__` written by mlx-lm
/// (`mx.save_safetensors(..., metadata={"format": "mlx"})`).
pub fn is_mlx_metadata(metadata: &BTreeMap<String, String>) -> bool {
    metadata.get("format").is_some_and(|f| f == "mlx")
}

fn split_dir(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The leading part of `path` up to and including the first folder whose
/// name ends with `suffix` (case-insensitive), when `path` lies inside it.
fn folder_with_suffix<'a>(path: &'a str, suffix: &str) -> Option<&'a str> {
    let mut end = 0;
    for segment in path.split('/') {
        let seg_end = end + segment.len();
        if seg_end == path.len() {
            return None; // the last segment is the file itself
        }
        if segment.len() > suffix.len() && segment.to_ascii_lowercase().ends_with(suffix) {
            return path.get(..seg_end);
        }
        end = seg_end + 1;
    }
    None
}

/// What a DDUF archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DdufScan {
    /// Entry names in archive order (directories included, as written).
    pub entries: Vec<String>,
    /// Lower-case sentences: what breaks the DDUF rules or looks hostile.
    pub anomalies: Vec<String>,
}

/// Lists a DDUF file (the whole file, a memory map). DDUF is a zip whose
/// entries must be stored uncompressed (so they can be memory-mapped), with
/// `model_index.json` at the root (huggingface_hub `read_dduf_file`). Only
/// the central directory is read.
pub fn scan_dduf(file: &[u8]) -> Result<DdufScan, FormatError> {
    let archive = open_zip(file)?;
    let mut entries = Vec::with_capacity(archive.len());
    let mut anomalies = Vec::new();
    if archive.has_duplicate_names() {
        anomalies.push("archive has duplicate entry names; readers disagree on which wins".into());
    }
    let mut has_index = false;
    for (index, name) in archive.file_names().enumerate() {
        let name = match name {
            Ok(n) => super::truncate_at_char(&n, 1024).to_owned(),
            Err(e) => {
                anomalies.push(format!("entry #{index} has an unreadable name: {e}"));
                continue;
            }
        };
        has_index |= name == "model_index.json";
        if name_escapes(&name) {
            anomalies.push(format!(
                "entry {name:?} would land outside the archive's folder"
            ));
        }
        entries.push(name);
    }
    let mut archive = archive;
    for index in 0..archive.len() {
        // by_index_raw reads only the headers; nothing is decompressed.
        let Ok(entry) = archive.by_index_raw(index) else {
            anomalies.push(format!("entry #{index} cannot be opened"));
            continue;
        };
        if entry.compression() != zip::CompressionMethod::Stored {
            let name = String::from_utf8_lossy(entry.name_raw());
            let name = super::truncate_at_char(&name, 1024);
            anomalies.push(format!(
                "entry {name:?} is compressed ({}); dduf requires stored entries",
                entry.compression()
            ));
        }
    }
    if !has_index {
        anomalies.push("no model_index.json at the archive root".into());
    }
    Ok(DdufScan { entries, anomalies })
}

/// Absolute, drive-qualified, NUL-bearing, or climbing above the root.
fn name_escapes(name: &str) -> bool {
    super::onnx::location_escapes(name)
}

/// Opens a zip over `file` after checking the entry count its end-of-central-
/// directory record declares: the zip crate reads the whole central directory
/// into memory on open and has no limits of its own, so a hostile count is
/// refused before it is parsed.
pub(crate) fn open_zip(file: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, FormatError> {
    open_zip_with(&Pieces::whole(file), Cursor::new(file))
}

/// [`open_zip`] of a file of which only parts were read (its end, and so
/// its end-of-central-directory record, among them).
pub(crate) fn open_zip_pieces<'p, 'a>(
    file: &'p Pieces<'a>,
) -> Result<zip::ZipArchive<PiecesReader<'p, 'a>>, FormatError> {
    open_zip_with(file, file.reader())
}

fn open_zip_with<R: std::io::Read + std::io::Seek>(
    file: &Pieces<'_>,
    reader: R,
) -> Result<zip::ZipArchive<R>, FormatError> {
    if let Some(count) = declared_entries(file)
        && count > MAX_ZIP_ENTRIES
    {
        return Err(FormatError::invalid(format!(
            "archive declares {count} entries, more than the limit of {MAX_ZIP_ENTRIES}"
        )));
    }
    let archive = zip::ZipArchive::new(reader)
        .map_err(|e| FormatError::invalid(format!("not a readable zip archive: {e}")))?;
    if archive.len() as u64 > MAX_ZIP_ENTRIES {
        return Err(FormatError::invalid(format!(
            "archive holds {} entries, more than the limit of {MAX_ZIP_ENTRIES}",
            archive.len()
        )));
    }
    Ok(archive)
}

/// The entry count of the last end-of-central-directory record (zip64 when
/// the classic field is saturated); `None` when no record is found, in which
/// case the zip crate reports the error.
pub(crate) fn declared_entries(file: &Pieces<'_>) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const EOCD64: &[u8] = b"PK\x06\x06";
    // The record is 22 bytes plus a comment of at most 65 535.
    let (from, tail) = file.suffix(22 + 65_535);
    let at = from + tail.windows(4).rposition(|w| w == EOCD)?;
    let le = |pos: usize, n: usize| -> Option<u64> {
        let bytes = file.get(pos..pos.checked_add(n)?)?;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
        )
    };
    let classic = le(at + 10, 2)?;
    if classic != 0xFFFF {
        return Some(classic);
    }
    let loc = at.checked_sub(20)?;
    if file.get(loc..loc + 4)? != LOCATOR {
        return Some(classic);
    }
    let rec = usize::try_from(le(loc + 8, 8)?).ok()?;
    if file.get(rec..rec.checked_add(4)?)? != EOCD64 {
        return Some(classic);
    }
    le(rec + 32, 8)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::io::Write;

    const DDUF: &[u8] = include_bytes!("../../fixtures/interop-formats/pipeline.dduf");

    fn zip_of(entries: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, data, method) in entries {
            let opts = zip::write::SimpleFileOptions::default().compression_method(*method);
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn reads_the_dduf_fixture() {
        let scan = scan_dduf(DDUF).unwrap();
        assert_eq!(scan.entries, ["model_index.json", "unet/config.json"]);
        assert_eq!(scan.anomalies, Vec::<String>::new());
    }

    #[test]
    fn dduf_anomalies() {
        use zip::CompressionMethod::{Deflated, Stored};
        let bytes = zip_of(&[
            ("unet/config.json", b"{}", Deflated),
            ("../evil.json", b"{}", Stored),
            ("/abs.json", b"{}", Stored),
        ]);
        let scan = scan_dduf(&bytes).unwrap();
        assert_eq!(
            scan.anomalies,
            [
                "entry \"../evil.json\" would land outside the archive's folder",
                "entry \"/abs.json\" would land outside the archive's folder",
                "entry \"unet/config.json\" is compressed (Deflated); dduf requires stored entries",
                "no model_index.json at the archive root",
            ]
        );
        assert!(matches!(
            scan_dduf(b"PK\x03\x04 nope"),
            Err(FormatError::Invalid(_))
        ));
    }

    #[test]
    fn hostile_entry_counts_are_refused_before_parsing() {
        // An end-of-central-directory record alone, declaring 0xFFFE entries.
        let mut eocd = b"PK\x05\x06\0\0\0\0".to_vec();
        eocd.extend_from_slice(&0xFFFEu16.to_le_bytes());
        eocd.extend_from_slice(&0xFFFEu16.to_le_bytes());
        eocd.extend_from_slice(&[0; 10]);
        assert_eq!(declared_entries(&Pieces::whole(&eocd)), Some(0xFFFE));
        assert!(open_zip(&eocd).is_err());
        // Zip64: the classic field saturated, the real count in the record.
        let mut z = b"PK\x06\x06".to_vec();
        z.extend_from_slice(&[0; 28]);
        z.extend_from_slice(&(1u64 << 40).to_le_bytes());
        z.extend_from_slice(&[0; 16]);
        let rec = 0u64;
        z.extend_from_slice(b"PK\x06\x07\0\0\0\0");
        z.extend_from_slice(&rec.to_le_bytes());
        z.extend_from_slice(&1u32.to_le_bytes());
        z.extend_from_slice(b"PK\x05\x06\0\0\0\0\xff\xff\xff\xff");
        z.extend_from_slice(&[0xff; 8]);
        z.extend_from_slice(&[0, 0]);
        assert_eq!(declared_entries(&Pieces::whole(&z)), Some(1 << 40));
        match open_zip(&z) {
            Err(FormatError::Invalid(msg)) => assert!(msg.contains("1099511627776 entries")),
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("opened"),
        }
    }

    #[test]
    fn detects_the_savedmodel_fixture_and_friends() {
        let paths = [
            "README.md",
            "saved/saved_model.pb",
            "saved/variables/variables.index",
            "saved/variables/variables.data-00000-of-00001",
            "saved/other.txt",
            "Model.mlpackage/Manifest.json",
            "Model.mlpackage/Data/com.apple.CoreML/model.mlmodel",
            "Model.mlpackage/Data/com.apple.CoreML/weights/weight.bin",
            "NoManifest.mlpackage/Data/x",
            "compiled/Model.mlmodelc/model.mil",
            "mlx/weights.npz",
            "mlx/config.json",
            "lonely/weights.npz",
            "pipeline.dduf",
        ];
        let got = detect(&paths);
        let summary: Vec<_> = got
            .iter()
            .map(|p| (p.format, p.root.as_str(), p.files.len()))
            .collect();
        assert_eq!(
            summary,
            [
                ("coreml-mlpackage", "Model.mlpackage", 3),
                ("coreml-mlmodelc", "compiled/Model.mlmodelc", 1),
                ("mlx", "mlx", 2),
                ("dduf", "pipeline.dduf", 1),
                ("tf-savedmodel", "saved", 3),
            ]
        );
        assert_eq!(
            got[4].files,
            [
                "saved/saved_model.pb",
                "saved/variables/variables.data-00000-of-00001",
                "saved/variables/variables.index",
            ]
        );
        // A SavedModel at the release root.
        let root = detect(&["./saved_model.pb", "variables/variables.index", "x.txt"]);
        assert_eq!(root[0].root, "");
        assert_eq!(
            root[0].files,
            ["saved_model.pb", "variables/variables.index"]
        );
        assert!(detect(&[]).is_empty());
    }

    #[test]
    fn mlx_metadata_marker() {
        let mut m = BTreeMap::new();
        assert!(!is_mlx_metadata(&m));
        m.insert("format".to_owned(), "pt".to_owned());
        assert!(!is_mlx_metadata(&m));
        m.insert("format".to_owned(), "mlx".to_owned());
        assert!(is_mlx_metadata(&m));
    }

    #[test]
    fn no_panic_on_any_truncation() {
        for end in 0..DDUF.len() {
            let _ = scan_dduf(&DDUF[..end]);
        }
    }
}
