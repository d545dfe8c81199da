//! The `openness` binary: parses arguments, calls the library, picks a
//! renderer and maps the outcome to an exit code (SPEC section 1). All
//! analysis lives in the library; this file only does I/O.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use openness::finding::Code;
use openness::render::{self, Format};
use openness::{ScanOptions, scan};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "openness",
    version,
    about = "How open is this model release, really? Inspects code, weights and data from the files alone."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect each release directory (or single file) and print a report.
    Scan(ScanArgs),
    /// Describe a finding code: what it means, why it matters, how to fix it.
    Explain {
        /// A finding code such as `lfs-pointer`.
        code: String,
    },
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Release directories or single files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Add the SHA-256 of every file (reads every byte).
    #[arg(long)]
    hash: bool,
    /// When to colour the table: auto (a terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Do not show progress on stderr.
    #[arg(long)]
    no_progress: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Ndjson,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr().lock(), "openness: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Explain { code } => {
            let Some(code) = Code::from_name(&code) else {
                let _ = writeln!(
                    io::stderr().lock(),
                    "openness: unknown finding code {code:?}; known codes: {}",
                    Code::ALL
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                return Ok(ExitCode::from(2));
            };
            let mut out = io::stdout().lock();
            writeln!(
                out,
                "{} ({} by default)\n\n{}\n\n{}",
                code.as_str(),
                code.default_severity(),
                code.description(),
                code.explain()
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let options = ScanOptions { hash: args.hash };
    let mut reports = Vec::new();
    let mut failed = false;
    for path in &args.paths {
        match scan(path, &path.display().to_string(), &options) {
            Ok(report) => reports.push(report),
            Err(err) => {
                failed = true;
                let _ = writeln!(io::stderr().lock(), "openness: {err}");
            }
        }
    }
    let format = match args.format {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Ndjson => Format::Ndjson,
    };
    if !reports.is_empty() {
        match &args.output {
            Some(file) => {
                let mut buf = Vec::new();
                render::render(&mut buf, &reports, format, color(args.color, false))?;
                std::fs::write(file, buf)
                    .with_context(|| format!("cannot write {}", file.display()))?;
            }
            None => {
                let stdout = io::stdout();
                let tty = stdout.is_terminal();
                let mut out = io::BufWriter::new(stdout.lock());
                render::render(&mut out, &reports, format, color(args.color, tty))?;
                out.flush()?;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Colour for the table: `always`/`never` win; `auto` needs a terminal and
/// no `NO_COLOR` (any non-empty value), as no-color.org asks.
fn color(arg: ColorArg, terminal: bool) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
