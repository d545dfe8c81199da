//! `openness mof --evaluate`: a MOT file's class, progress and components,
//! as text for people and as the contract's JSON
//! (`{"class", "progress": {"I", "II", "III"}, "components": [..]}`).

use super::sanitize;
use crate::mof::Evaluation;
use serde_json::{Value, json};
use std::io::{self, Write};

pub fn evaluation_json(eval: &Evaluation) -> Value {
    json!({
        "class": eval.class_label(),
        "label": eval.class_name(),
        "progress": {"I": eval.progress[0], "II": eval.progress[1], "III": eval.progress[2]},
        "components": eval.components,
    })
}

pub fn evaluation_text(out: &mut dyn Write, name: &str, eval: &Evaluation) -> io::Result<()> {
    writeln!(out, "{}: {}", sanitize(name), eval.class_name())?;
    writeln!(
        out,
        "progress: Class I {}% · Class II {}% · Class III {}%",
        eval.progress[0], eval.progress[1], eval.progress[2]
    )?;
    for c in &eval.components {
        let mark = if c.counts {
            "counts"
        } else if c.included {
            "included, does not count"
        } else {
            "not included"
        };
        let licence = c.license.as_deref().map_or("-".to_owned(), sanitize);
        write!(
            out,
            "  [{}] {} ({}; licence {})",
            class_label(c.class),
            c.name,
            mark,
            licence
        )?;
        match &c.warning {
            Some(w) if c.required => writeln!(out, ": {}", sanitize(w))?,
            _ => writeln!(out)?,
        }
    }
    Ok(())
}

fn class_label(class: u8) -> &'static str {
    crate::mof::roman(class).unwrap_or("III")
}
