//! One module per file format a release can hold. Each exposes a pure
//! `parse(&[u8]) -> Result<_, FormatError>`: no I/O, checked arithmetic, caps
//! on every length a file declares, and no judgement: the read stage feeds
//! them bytes (a memory map or a bounded prefix) and the assessment turns
//! their results and errors into findings.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod card;
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
pub mod refs;
pub mod safetensors;
pub mod shard_index;
pub mod sniff;
pub mod torch;

use std::fmt;

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
