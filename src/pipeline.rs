//! The one place the stages run in order: inventory (walk and classify) →
//! read (bounded I/O, format parsers, plain facts) → assess (every judgement,
//! every finding) → the [`Report`]. No stage calls a later one; the caller
//! picks a renderer for what this returns.

use crate::assess;
use crate::hash;
use crate::inventory::{self, ScanError};
use crate::read;
use crate::remote;
use crate::report::Report;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// The hub token's file (`--token-file`); else `HF_TOKEN` is used.
    pub token_file: Option<PathBuf>,
    /// Read the headers of a local clone's LFS pointers' objects from the
    /// repository's LFS server (`--lfs-remote`).
    pub lfs_remote: bool,
}

/// Scans one release. `display_root` is the PATH as the user gave it.
/// A PATH naming a hub repository (`hf://org/name@rev`, a hub URL) is
/// read over HTTP (see `remote`).
pub fn scan(root: &Path, display_root: &str, options: &ScanOptions) -> Result<Report, ScanError> {
    let remote = remote::Remote {
        jobs: options.jobs,
        token_file: options.token_file.as_deref(),
    };
    if let Some(target) = root.to_str().and_then(remote::hub_target) {
        if options.hash {
            return Err(ScanError::Root {
                path: display_root.to_owned(),
                source: std::io::Error::other(
                    "--hash reads every byte: not done over HTTP (scan a local copy)",
                ),
            });
        }
        return remote::scan_hub(&target, display_root, options.count_referenced, &remote);
    }
    if options.lfs_remote {
        return remote::lfs::scan(root, display_root, options.count_referenced, &remote);
    }
    let inventory = inventory::walk(root)?;
    let root_name = std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let hashing = options
        .hash
        .then_some((options.jobs, options.progress.as_deref()));
    let facts = read::read(inventory, root_name, hashing);
    let mut report = assess::assess(display_root, facts, options.count_referenced);
    crate::report::flag_overlong_text(&mut report);
    Ok(report)
}
