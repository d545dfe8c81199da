//! JSON and NDJSON: the contract of SPEC section 3, serialised as is. One
//! report prints as an object, several as an array; NDJSON prints one compact
//! object per line. A PATH that could not be scanned keeps its place in the
//! list as a [`crate::report::ScanFailure`] entry.
//!
//! Every string is cut at [`MAX_JSON_STRING`] bytes with a marker saying how
//! much was left out: the report repeats a release's own text (an
//! architecture name, a licence line) in several places, and a 2 MB name
//! made a 12 MB report. The human outputs cut at 512 characters; JSON keeps
//! far more, since scripts compare values, but not without bound.

use crate::report::Report;
use serde_json::Value;
use std::io::{self, Write};

/// Longest string written whole into a JSON report, in bytes (the report
/// carries an `overlong-text` finding when one is longer).
pub const MAX_JSON_STRING: usize = crate::report::MAX_REPORT_STRING;

pub fn render(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    match reports {
        [one] => serde_json::to_writer_pretty(&mut *out, &capped(one)?)?,
        many => {
            let values = many.iter().map(capped).collect::<io::Result<Vec<_>>>()?;
            serde_json::to_writer_pretty(&mut *out, &values)?
        }
    }
    out.write_all(b"\n")
}

pub fn render_ndjson(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        serde_json::to_writer(&mut *out, &capped(report)?)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The report as a JSON value with every string (and object key) cut to
/// [`MAX_JSON_STRING`] bytes.
fn capped(report: &Report) -> io::Result<Value> {
    value_of(report)
}

/// Anything serialisable (a report, a checked report, a [`crate::report::ScanFailure`]) as
/// a JSON value with every string cut to [`MAX_JSON_STRING`] bytes.
pub fn value_of(item: &impl serde::Serialize) -> io::Result<Value> {
    let mut value = serde_json::to_value(item)?;
    cap_strings(&mut value);
    Ok(value)
}

/// One entry per PATH, reports and [`crate::report::ScanFailure`]s alike, pretty-printed:
/// a JSON array when `array` (several PATHs, or `--discover`), else the one
/// entry as an object.
pub fn render_entries(out: &mut dyn Write, entries: &[Value], array: bool) -> io::Result<()> {
    match entries {
        [one] if !array => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    out.write_all(b"\n")
}

/// One entry as one NDJSON line.
pub fn render_entry_line(out: &mut dyn Write, entry: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, entry)?;
    out.write_all(b"\n")
}

fn cap_strings(value: &mut Value) {
    match value {
        Value::String(s) => cap(s),
        Value::Array(items) => items.iter_mut().for_each(cap_strings),
        Value::Object(map) => {
            if map.keys().any(|k| k.len() > MAX_JSON_STRING) {
                let entries = std::mem::take(map);
                for (mut k, v) in entries {
                    cap(&mut k);
                    map.insert(k, v);
                }
            }
            map.values_mut().for_each(cap_strings);
        }
        _ => {}
    }
}

/// Cuts `s` on a character boundary at most [`MAX_JSON_STRING`] bytes in,
/// then says how many bytes were left out.
fn cap(s: &mut String) {
    if s.len() <= MAX_JSON_STRING {
        return;
    }
    let mut end = MAX_JSON_STRING;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let dropped = s.len() - end;
    s.truncate(end);
    s.push_str(&format!("… [cut by openness: {dropped} more bytes]"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_and_keys_are_cut_with_a_marker() {
        let long = "é".repeat(MAX_JSON_STRING); // two bytes each
        let mut v = serde_json::json!({
            "a": [long.clone(), "short"],
            long.clone(): 1,
        });
        cap_strings(&mut v);
        let a = v["a"][0].as_str().unwrap_or_default();
        assert!(a.len() < MAX_JSON_STRING + 64, "{}", a.len());
        assert!(
            a.ends_with(&format!(
                "… [cut by openness: {} more bytes]",
                MAX_JSON_STRING
            )),
            "{}",
            &a[a.len() - 60..]
        );
        assert_eq!(v["a"][1], "short");
        let keys: Vec<&String> = v
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert!(keys.iter().all(|k| k.len() < MAX_JSON_STRING + 64));
        assert_eq!(keys.len(), 2);
    }
}
