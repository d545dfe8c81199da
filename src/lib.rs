//! `openness` inspects a released machine-learning model from its files alone:
//! which of the three open-source components (code, weights, data) it ships,
//! which it only points to, and under which licences. The library never prints;
//! the binary picks a renderer for the [`report::Report`] it returns.

pub mod assess;
pub mod codeclass;
pub mod diff;
pub mod discover;
pub mod finding;
pub mod formats;
pub mod hash;
pub mod inventory;
pub mod license;
pub mod manifest;
pub mod mapguard;
pub mod mof;
pub mod parallel;
pub mod policy;
pub mod render;
pub mod report;
pub mod scan;

pub use inventory::ScanError;
pub use scan::{ScanOptions, scan};
