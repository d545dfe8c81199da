//! One module per file format a release can hold. Each exposes a pure
//! `parse(&[u8]) -> Result<_, FormatError>`: no I/O, checked arithmetic, caps
//! on every length a file declares, and no judgement: the read stage feeds
//! them bytes (a memory map or a bounded prefix) and the assessment turns
//! their results and errors into findings.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod card;
pub mod compressed;
pub mod config;
mod cursor;
pub mod dduf;
pub mod digests;
pub mod gguf;
pub mod keras;
pub mod lfs;
pub mod msgpack;
pub mod numpy;
pub mod onnx;
pub mod packages;
pub mod pairs;
pub mod pickle;
pub mod pieces;
pub mod refs;
pub mod safetensors;
pub mod sevenz;
pub mod shard_index;
pub mod sniff;
pub mod tfjs;
pub mod torch;

use std::borrow::Cow;
use std::fmt;

/// `bytes` as text, invalid sequences replaced as `String::from_utf8_lossy`
/// does. Valid UTF-8, the usual case, is borrowed after a check that runs
/// a word at a time over ASCII; the lossy decoder walks byte by byte and
/// cost a code-heavy release a twentieth of its scan.
pub fn decode_lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(valid) => Cow::Borrowed(valid),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Why a file could not be read as its format. Messages are lower-case
/// sentences fit to follow "path: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The file ends before what its header declares.
    Truncated { expected: u64, actual: u64 },
    /// A declared length exceeds what this reader accepts.
    TooLarge {
        what: &'static str,
        claimed: u64,
        limit: u64,
    },
    /// Structurally invalid content (bad JSON, bad YAML, failed validation).
    Invalid(String),
}

impl FormatError {
    pub fn invalid(msg: impl Into<String>) -> FormatError {
        FormatError::Invalid(msg.into())
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Truncated { expected, actual } => write!(
                f,
                "file is {actual} bytes but its header declares {expected}"
            ),
            FormatError::TooLarge {
                what,
                claimed,
                limit,
            } => write!(f, "{what} of {claimed} bytes exceeds the limit of {limit}"),
            FormatError::Invalid(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for FormatError {}

/// What one whole release may cost the parsers, shared by every file of
/// it: the per-file caps bound one file, but a release of many small
/// bombs multiplied them (eight 130 KB zip bombs took 11.6 s and 415 MiB).
/// The read stage keeps one per release and hands it to each parser that
/// decompresses or walks pickles; once spent, later content is reported as
/// not scanned instead of being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// Bytes any decoder (deflate, gzip, bzip2, xz, lzma) may still output.
    pub inflate_left: u64,
    /// Pickle bytes the opcode walker may still read.
    pub walk_left: u64,
}

/// Decompressed bytes per release: [`Budget::inflate_left`]'s start.
pub const RELEASE_INFLATE_BYTES: u64 = 96 << 20;
/// Pickle bytes walked per release: [`Budget::walk_left`]'s start.
pub const RELEASE_WALK_BYTES: u64 = 2 << 30;
/// Decompressed bytes kept from one stream or compressed zip member; what
/// a decoder holds in memory at once.
pub const MAX_INFLATE_STREAM: u64 = 32 << 20;

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            inflate_left: RELEASE_INFLATE_BYTES,
            walk_left: RELEASE_WALK_BYTES,
        }
    }
}

impl Budget {
    /// How many bytes one decoder may output now.
    pub fn inflate_cap(&self) -> u64 {
        self.inflate_left.min(MAX_INFLATE_STREAM)
    }

    pub fn spend_inflate(&mut self, n: u64) {
        self.inflate_left = self.inflate_left.saturating_sub(n);
    }

    pub fn spend_walk(&mut self, n: u64) {
        self.walk_left = self.walk_left.saturating_sub(n);
    }
}

/// For the readers' tests: the message of an `Invalid` error, checked to be
/// the lower-case sentence findings need (it follows "path: ").
#[cfg(test)]
#[track_caller]
pub(crate) fn invalid_message<T: fmt::Debug>(got: Result<T, FormatError>) -> String {
    match got {
        Err(FormatError::Invalid(msg)) => {
            assert!(
                !msg.starts_with(char::is_uppercase),
                "{msg:?} is not lower-case"
            );
            msg
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// For the readers' tests: `got` is an `Invalid` error whose message
/// contains `needle`.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_invalid_containing<T: fmt::Debug>(got: Result<T, FormatError>, needle: &str) {
    let msg = invalid_message(got);
    assert!(msg.contains(needle), "{msg:?} does not contain {needle:?}");
}

/// The number of elements of a tensor of these dimensions; `None` when the
/// product overflows (a hostile header must not wrap or panic).
pub(crate) fn element_count(dims: &[u64]) -> Option<u64> {
    dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character
/// boundary: caps on text taken from a file must never split a character.
pub(crate) fn truncate_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
