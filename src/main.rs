//! The `openness` binary: parses arguments, calls the library, picks a
//! renderer and maps the outcome to an exit code (SPEC section 1). All
//! analysis lives in the library; this file only does I/O.

use anyhow::Context;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use openness::finding::Code;
use openness::render::{self, Format};
use openness::{ScanOptions, hash, manifest, mof, scan};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Write the release as a Model Openness Tool YAML file, or evaluate one.
    Mof(MofArgs),
    /// Re-hash a release and compare it with a manifest written by `scan --hash --manifest-out`.
    Verify(VerifyArgs),
    /// Describe a finding code: what it means, why it matters, how to fix it.
    Explain {
        /// A finding code such as `lfs-pointer`.
        code: String,
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
    /// With --hash: also write the digests in `sha256sum` format to FILE.
    #[arg(long, value_name = "FILE", requires = "hash")]
    manifest_out: Option<PathBuf>,
    /// Files hashed in parallel (default: every core).
    #[arg(
        short,
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    jobs: usize,
    /// When to colour the table: auto (a terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Do not show progress on stderr.
    #[arg(long)]
    no_progress: bool,
    /// Let components the release only references (card links, library
    /// architectures) count towards the MOF class; by default only what is
    /// shipped counts.
    #[arg(long)]
    count_referenced: bool,
}

#[derive(clap::Args)]
struct MofArgs {
    /// The release to describe as MOT YAML.
    #[arg(required_unless_present = "evaluate", conflicts_with = "evaluate")]
    path: Option<PathBuf>,
    /// Evaluate this MOT YAML file's MOF class instead.
    #[arg(long, value_name = "FILE.yml")]
    evaluate: Option<PathBuf>,
    /// Output format for --evaluate (table or json).
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Let components the release only references count as included.
    #[arg(long)]
    count_referenced: bool,
}

#[derive(clap::Args)]
struct VerifyArgs {
    /// The release directory.
    path: PathBuf,
    /// A manifest in `sha256sum` format (paths relative to PATH).
    #[arg(long, value_name = "FILE")]
    manifest: PathBuf,
    /// Glob of paths expected to differ (`*`, `?`, `**`); repeatable.
    #[arg(long, value_name = "GLOB")]
    ignore: Vec<String>,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Files hashed in parallel (default: every core).
    #[arg(
        short,
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    jobs: usize,
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
        Command::Verify(args) => run_verify(args),
        Command::Mof(args) => run_mof(args),
        Command::Schema => {
            let mut out = io::stdout().lock();
            out.write_all(openness::report::json_schema().as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut out = io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "openness", &mut out);
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
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
    let progress = Arc::new(hash::Progress::default());
    let options = ScanOptions {
        hash: args.hash,
        jobs: args.jobs,
        count_referenced: args.count_referenced,
        progress: Some(progress.clone()),
    };
    let total: u64 = if args.hash {
        args.paths.iter().map(|p| tree_bytes(p)).sum()
    } else {
        0
    };
    let _bar = (args.hash && !args.no_progress).then(|| ProgressBar::start(progress, total));
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
    drop(_bar);
    if let Some(file) = &args.manifest_out {
        let text: String = reports.iter().map(manifest::render).collect();
        std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))?;
    }
    let format = render_format(args.format);
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

fn render_format(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Ndjson => Format::Ndjson,
    }
}

fn run_mof(args: MofArgs) -> anyhow::Result<ExitCode> {
    let text = if let Some(file) = &args.evaluate {
        let yaml = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(err) => return Ok(fail(&format!("{}: {err}", file.display()))),
        };
        let parsed = match mof::parse_mot_yaml(&yaml) {
            Ok(p) => p,
            Err(err) => return Ok(fail(&format!("{}: {err}", file.display()))),
        };
        let eval = parsed.evaluate();
        let mut buf = Vec::new();
        match args.format {
            FormatArg::Json | FormatArg::Ndjson => {
                serde_json::to_writer_pretty(&mut buf, &render::mof::evaluation_json(&eval))?;
                buf.push(b'\n');
            }
            FormatArg::Table => {
                render::mof::evaluation_text(&mut buf, &parsed.release_name, &eval)?
            }
        }
        buf
    } else {
        let path = args.path.as_deref().unwrap_or(std::path::Path::new("."));
        let options = ScanOptions {
            count_referenced: args.count_referenced,
            ..ScanOptions::default()
        };
        let report = match scan(path, &path.display().to_string(), &options) {
            Ok(r) => r,
            Err(err) => return Ok(fail(&err.to_string())),
        };
        mof::to_mot_yaml(&mof::mot_file(&report)).into_bytes()
    };
    match &args.output {
        Some(file) => std::fs::write(file, text)
            .with_context(|| format!("cannot write {}", file.display()))?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&text)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line on stderr, exit code 2.
fn fail(message: &str) -> ExitCode {
    let _ = writeln!(io::stderr().lock(), "openness: {message}");
    ExitCode::from(2)
}

fn run_verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let text = match std::fs::read_to_string(&args.manifest) {
        Ok(text) => text,
        Err(err) => {
            let _ = writeln!(
                io::stderr().lock(),
                "openness: {}: {err}",
                args.manifest.display()
            );
            return Ok(ExitCode::from(2));
        }
    };
    let manifest = match manifest::parse(&text) {
        Ok(m) => m,
        Err(err) => {
            let _ = writeln!(
                io::stderr().lock(),
                "openness: {}: {err}",
                args.manifest.display()
            );
            return Ok(ExitCode::from(2));
        }
    };
    let progress = Arc::new(hash::Progress::default());
    let bar =
        (!args.no_progress).then(|| ProgressBar::start(progress.clone(), tree_bytes(&args.path)));
    let display = args.path.display().to_string();
    let result = manifest::verify(
        &args.path,
        &display,
        &manifest,
        &args.ignore,
        args.jobs,
        Some(&progress),
    );
    drop(bar);
    let verification = match result {
        Ok(v) => v,
        Err(err) => {
            let _ = writeln!(io::stderr().lock(), "openness: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.format {
        FormatArg::Json | FormatArg::Ndjson => {
            serde_json::to_writer_pretty(&mut out, &verification)?;
            writeln!(out)?;
        }
        FormatArg::Table => render::verify_text(&mut out, &verification)?,
    }
    out.flush()?;
    Ok(if verification.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Sum of regular-file sizes below `path` (`.git/` excluded), for the
/// progress bar's total. Only metadata is read.
fn tree_bytes(path: &std::path::Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// A one-line progress display on stderr (bytes, rate, ETA), drawn only when
/// stderr is a terminal; cleared when dropped.
struct ProgressBar {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    fn start(progress: Arc<hash::Progress>, total: u64) -> Option<ProgressBar> {
        use std::sync::atomic::{AtomicBool, Ordering};
        if !io::stderr().is_terminal() || std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
            return None;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let done = progress.bytes.load(Ordering::Relaxed);
                let secs = started.elapsed().as_secs_f64().max(0.001);
                let rate = done as f64 / secs;
                let eta = if rate > 0.0 && total > done {
                    (total - done) as f64 / rate
                } else {
                    0.0
                };
                let _ = write!(
                    io::stderr().lock(),
                    "\r\x1b[2Khashing {} / {} · {}/s · ETA {:.0} s",
                    render::table::human_bytes(done),
                    render::table::human_bytes(total),
                    render::table::human_bytes(rate as u64),
                    eta
                );
            }
            let _ = write!(io::stderr().lock(), "\r\x1b[2K");
        });
        Some(ProgressBar {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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
