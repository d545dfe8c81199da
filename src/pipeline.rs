//! The one place the stages run in order: inventory (walk and classify) →
//! read (bounded I/O, format parsers, plain facts) → assess (every judgement,
//! every finding) → the [`Report`]. No stage calls a later one; the caller
//! picks a renderer for what this returns.

use crate::assess;
use crate::hash;
use crate::inventory::{self, ScanError};
use crate::read;
use crate::report::Report;
use std::path::Path;
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
}

/// Scans one release. `display_root` is the PATH as the user gave it.
pub fn scan(root: &Path, display_root: &str, options: &ScanOptions) -> Result<Report, ScanError> {
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
