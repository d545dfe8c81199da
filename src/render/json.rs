//! JSON and NDJSON: the contract of SPEC section 3, serialised as is. One
//! report prints as an object, several as an array; NDJSON prints one compact
//! object per line.

use crate::report::Report;
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    match reports {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    out.write_all(b"\n")
}

pub fn render_ndjson(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        serde_json::to_writer(&mut *out, report)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
