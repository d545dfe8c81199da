//! Regenerates `fixtures/` from `tests/support/generator.rs`:
//! `cargo run --example gen-fixtures`. Interop fixtures written by the Python
//! reference libraries (`fixtures/interop-*`) are made by
//! the `scripts/make-*-fixtures.py` scripts and `fixtures/mof/` is the Model
//! Openness Tool's own test data; `fixtures/benign-pickles/` is written by
//! `scripts/make-benign-corpus.py` with the real tools; all are left
//! untouched here.

#[path = "../tests/support/generator.rs"]
mod generator;

use std::path::Path;

fn main() -> std::io::Result<()> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with("interop-")
            && name != "mof"
            && name != "hostile"
            && name != "benign-pickles"
            && entry.path().is_dir()
        {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    std::fs::create_dir_all(&out)?;
    generator::generate(&out)?;
    eprintln!("fixtures written to {}", out.display());
    Ok(())
}
