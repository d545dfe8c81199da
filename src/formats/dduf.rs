//! Inside a DDUF file: a diffusers pipeline stored as one uncompressed zip of
//! `model_index.json`, the components' configs and their safetensors files.
//! Each safetensors member is read where it lies in the archive, header only
//! (the member's bytes are a slice of the memory map, nothing is copied or
//! decompressed), and `model_index.json` names the pipeline's classes.
//! [`super::packages::scan_dduf`] checks the archive's rules; this module
//! counts what it holds.

use super::FormatError;
use super::config::{self, ModelIndex};
use super::packages::open_zip;
use super::safetensors;
use std::collections::BTreeMap;

/// Largest `model_index.json` read.
const MAX_INDEX_BYTES: u64 = 1 << 20;

/// What the members of a DDUF file hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DdufContents {
    /// Safetensors members whose header was read.
    pub safetensors_members: u64,
    /// Safetensors members whose header could not be read (compressed,
    /// out of the file's bounds, or invalid), by name.
    pub unreadable: Vec<String>,
    pub tensors: u64,
    pub parameters: u64,
    pub bytes: u64,
    pub dtypes: BTreeMap<String, u64>,
    /// The pipeline, from the root `model_index.json`.
    pub model_index: Option<ModelIndex>,
}

/// Reads the members of a DDUF file (the whole file, a memory map).
pub fn parse(file: &[u8]) -> Result<DdufContents, FormatError> {
    let mut archive = open_zip(file)?;
    let mut out = DdufContents::default();
    for index in 0..archive.len() {
        // by_index_raw reads the headers only; nothing is decompressed.
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let stored = entry.compression() == zip::CompressionMethod::Stored;
        let size = entry.compressed_size();
        let slice = entry.data_start().filter(|_| stored).and_then(|start| {
            let end = start.checked_add(size)?;
            file.get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
        });
        if name.to_ascii_lowercase().ends_with(".safetensors") {
            match slice.map(safetensors::parse) {
                Some(Ok(header)) => {
                    out.safetensors_members = out.safetensors_members.saturating_add(1);
                    out.tensors = out.tensors.saturating_add(header.tensors.len() as u64);
                    out.parameters = out.parameters.saturating_add(header.parameters());
                    out.bytes = out.bytes.saturating_add(header.data_bytes());
                    for (dtype, n) in header.dtypes() {
                        let slot = out.dtypes.entry(dtype).or_default();
                        *slot = slot.saturating_add(n);
                    }
                }
                _ => out
                    .unreadable
                    .push(super::truncate_at_char(&name, 256).to_owned()),
            }
        } else if name == "model_index.json"
            && size <= MAX_INDEX_BYTES
            && let Some(bytes) = slice
            && let Ok(index) = config::parse_model_index(bytes)
        {
            out.model_index = Some(index);
        }
    }
    out.unreadable.sort();
    Ok(out)
}
