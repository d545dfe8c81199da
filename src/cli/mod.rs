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
/// whether colour is wanted (never into a file).
pub fn emit(
    output: Option<&Path>,
    color: args::ColorArg,
    render: impl FnOnce(&mut dyn Write, bool) -> io::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    match output {
        Some(file) => {
            let mut buf = Vec::new();
            render(&mut buf, use_color(color, false))?;
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

/// Colour for the table: `always`/`never` win; `auto` needs a terminal and
/// no `NO_COLOR` (any non-empty value), as no-color.org asks.
pub fn use_color(arg: args::ColorArg, terminal: bool) -> bool {
    match arg {
        args::ColorArg::Always => true,
        args::ColorArg::Never => false,
        args::ColorArg::Auto => {
            terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
