//! Regenerates `fixtures/hostile/` from `tests/support/hostile.rs`:
//! `cargo run --example gen-hostile`. The rest of `fixtures/` belongs to
//! `gen-fixtures`, which leaves this folder alone.

#[path = "../tests/support/generator.rs"]
mod generator;
#[path = "../tests/support/hostile.rs"]
mod hostile;

use std::path::Path;

fn main() -> std::io::Result<()> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile");
    if out.is_dir() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    hostile::generate(&out)?;
    eprintln!("hostile fixtures written to {}", out.display());
    Ok(())
}
