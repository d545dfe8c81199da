//! `openness` inspects a released machine-learning model from its files alone:
//! which of the three open-source components (code, weights, data) it ships,
//! which it only points to, and under which licences. The library never prints;
//! the binary picks a renderer for the [`report::Report`] it returns.
//!
//! The stages run one way, in `pipeline`: `inventory` walks and classifies,
//! `read` maps and reads bounded prefixes and hands bytes to the pure parsers
//! of [`formats`], `assess` makes every judgement and every finding, and the
//! [`report::Report`] it builds goes to a renderer of [`render`]. No module
//! imports a later stage (`tests/architecture.rs` checks it).
//!
//! The stable API is [`scan()`], [`ScanOptions`], [`report`] and [`render`].
//! The other public modules serve the binary, the fuzz targets and the
//! benchmarks; they are unstable and may change in any release.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub(crate) mod assess;
pub(crate) mod codeclass;
pub mod diff;
pub mod discover;
pub mod finding;
pub(crate) mod fnv;
pub mod formats;
pub(crate) mod glob;
pub mod hash;
pub(crate) mod inventory;
pub mod license;
pub mod manifest;
pub(crate) mod mapguard;
pub mod mof;
pub mod parallel;
pub(crate) mod pipeline;
pub mod policy;
pub(crate) mod read;
pub(crate) mod remote;
pub mod render;
pub mod report;
pub(crate) mod source;
pub mod view;

pub use inventory::ScanError;
pub use pipeline::{ScanOptions, scan};
