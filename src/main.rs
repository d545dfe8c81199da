//! The `openness` binary: parses arguments, calls the library, picks a
//! renderer and maps the outcome to an exit code (SPEC section 1). All
//! analysis lives in the library; the `cli` modules only do I/O.

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use cli::args::{BadgeArgs, CheckArgs, DiffArgs, MofArgs, ScanArgs, VerifyArgs};
use openness::finding::Code;
use std::io::{self, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "openness",
    version,
    about = "How open is this model release, really? Inspects code, weights and data from the files alone.",
    long_about = "How open is this model release, really? openness reads a released machine-learning model's files (headers, configs, cards, licences; never executing anything) and reports which of code, weights and data it ships or only references, under which licences, and how it rates on the Model Openness Framework and the OSI Open Source AI Definition."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect each release directory (or single file) and print a report.
    Scan(ScanArgs),
    /// Scan, then apply a policy: exit 1 when it is violated (for CI).
    Check(CheckArgs),
    /// What changed between two releases or two scans: exit 1 with --fail-on-regression when openness went down.
    Diff(DiffArgs),
    /// Re-hash a release and compare it with a manifest written by `scan --hash --manifest-out`.
    Verify(VerifyArgs),
    /// Write the release as a Model Openness Tool YAML file, or evaluate one.
    Mof(MofArgs),
    /// Write a shields-style SVG badge for a release's README.
    Badge(BadgeArgs),
    /// Describe a finding code: what it means, why it matters, how to fix it;
    /// without CODE, list every code with its one-line description.
    Explain {
        /// A finding code such as `lfs-pointer`.
        code: Option<String>,
    },
    /// Print the JSON Schema of the report.
    Schema,
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) generated from these definitions.
    #[command(hide = true)]
    Man,
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
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr().lock(), "openness: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => cli::commands::scan(args),
        Command::Check(args) => cli::commands::check(args),
        Command::Diff(args) => cli::commands::diff(args),
        Command::Verify(args) => cli::commands::verify(args),
        Command::Mof(args) => cli::commands::mof(args),
        Command::Badge(args) => cli::commands::badge(args),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Schema => cli::write_stdout(openness::report::json_schema().as_bytes()),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "openness", &mut buf);
            cli::write_stdout(&buf)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
            cli::write_stdout(&buf)
        }
    }
}

fn explain(name: Option<&str>) -> anyhow::Result<ExitCode> {
    let Some(name) = name else {
        return cli::write_stdout(code_list().as_bytes());
    };
    let Some(code) = Code::from_name(name) else {
        return Ok(cli::fail(&Code::unknown(name)));
    };
    let text = format!(
        "{} ({} by default)\n\n{}\n\n{}\n",
        code.as_str(),
        code.default_severity(),
        code.description(),
        code.explain()
    );
    cli::write_stdout(text.as_bytes())
}

/// Every finding code, its default severity and its one-line description,
/// one code a line, in the order of the code table.
fn code_list() -> String {
    let width = Code::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for code in Code::ALL {
        text.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            code.as_str(),
            code.default_severity().to_string(),
            code.description()
        ));
    }
    text.push_str(
        "\n`openness explain CODE` tells what a code means, why it matters and how to fix it.\n",
    );
    text
}
