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
