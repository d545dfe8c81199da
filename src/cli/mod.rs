//! The binary's own modules: argument definitions, the commands (each scans
//! through the library and renders), and the progress display. Nothing here
//! analyses a release.

pub mod args;
pub mod commands;
pub mod progress;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// One line on stderr, exit code 2 (usage, unreadable input, bad file).
pub fn fail(message: &str) -> ExitCode {
    let _ = writeln!(io::stderr().lock(), "openness: {message}");
    ExitCode::from(2)
}

/// A diagnostic on stderr that does not end the command.
pub fn warn(message: &str) {
    let _ = writeln!(io::stderr().lock(), "openness: {message}");
}

pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes what `render` produces to FILE, or to stdout; `render` is told
/// whether colour is wanted (into a file only with `--color always`).
pub fn emit(
    output: Option<&Path>,
    color: args::ColorArg,
    render: impl FnOnce(&mut dyn Write, bool) -> io::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    match output {
        Some(file) => {
            let mut buf = Vec::new();
            render(&mut buf, color == args::ColorArg::Always)?;
            std::fs::write(file, buf)
                .with_context(|| format!("cannot write {}", file.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let tty = stdout.is_terminal();
            let mut out = io::BufWriter::new(stdout.lock());
            render(&mut out, use_color(color, tty))?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Like [`emit`], for the human formats: `render` gets the colour, the
/// width and the view the flags of `out` ask for.
pub fn emit_text(
    out: &args::OutputArgs,
    render: impl FnOnce(&mut dyn Write, &openness::render::TextOptions) -> io::Result<()>,
) -> anyhow::Result<()> {
    let to_terminal = out.output.is_none() && io::stdout().is_terminal();
    let width = table_width(
        out.width,
        out.output.is_none(),
        std::env::var("COLUMNS").ok().as_deref(),
        to_terminal,
    );
    let view = openness::view::ViewOptions {
        verbose: out.verbose,
        quiet: out.quiet,
        min_severity: match out.min_severity {
            args::MinSeverityArg::Error => openness::finding::Severity::Error,
            args::MinSeverityArg::Warning => openness::finding::Severity::Warning,
            args::MinSeverityArg::Note => openness::finding::Severity::Info,
        },
    };
    emit(out.output.as_deref(), out.color, |w, color| {
        render(w, &openness::render::TextOptions { color, width, view })
    })
}

/// The table's width: `--width`; else, on stdout, a valid `COLUMNS` (as
/// `ls` and curses read it), else the terminal's width when stdout is one;
/// else [`openness::render::DEFAULT_WIDTH`] (a pipe, `-o FILE`).
pub fn table_width(flag: Option<u16>, stdout: bool, columns: Option<&str>, terminal: bool) -> u16 {
    if let Some(width) = flag {
        return width;
    }
    if stdout {
        if let Some(width) = columns
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w >= 20)
        {
            return width;
        }
        if terminal {
            // comfy-table asks the terminal stdout is (its `tty` feature).
            if let Some(width) = comfy_table::Table::new().width().filter(|w| *w >= 20) {
                return width;
            }
        }
    }
    openness::render::DEFAULT_WIDTH
}

/// Colour for the table on stdout: `always`/`never` win; `auto` decides as
/// anstream's auto mode does (and so as clap colours `--help`).
pub fn use_color(arg: args::ColorArg, terminal: bool) -> bool {
    match arg {
        args::ColorArg::Always => true,
        args::ColorArg::Never => false,
        args::ColorArg::Auto => auto_color(terminal),
    }
}

/// The conventions, in order: a non-empty `NO_COLOR` turns colour off
/// (no-color.org); a non-empty `CLICOLOR_FORCE` turns it on even into a
/// pipe, and `CLICOLOR=0` off (bixense.com/clicolors); otherwise a terminal
/// gets colour unless `TERM` is unset or `dumb` (with `CLICOLOR` set or
/// under CI, any terminal does).
fn auto_color(terminal: bool) -> bool {
    let clicolor = anstyle_query::clicolor();
    if anstyle_query::no_color() {
        false
    } else if anstyle_query::clicolor_force() {
        true
    } else if clicolor == Some(false) {
        false
    } else {
        terminal
            && (anstyle_query::term_supports_color()
                || clicolor == Some(true)
                || anstyle_query::is_ci())
    }
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::table_width;

    #[test]
    fn the_flag_then_columns_then_the_default() {
        assert_eq!(table_width(Some(64), true, Some("90"), false), 64);
        assert_eq!(table_width(None, true, Some("90"), false), 90);
        assert_eq!(table_width(None, true, Some(" 90\n"), false), 90);
        // A COLUMNS that is not a sane width is ignored.
        assert_eq!(table_width(None, true, Some("wide"), false), 100);
        assert_eq!(table_width(None, true, Some("3"), false), 100);
        // `-o FILE` is not a terminal: COLUMNS says nothing about it.
        assert_eq!(table_width(None, false, Some("90"), false), 100);
        assert_eq!(table_width(Some(64), false, None, false), 64);
        assert_eq!(table_width(None, true, None, false), 100);
    }
}
