//! Argument definitions. Flags shared by `scan` and `check` are defined once
//! and flattened into both.

use clap::ValueEnum;
use openness::finding::Code;
use openness::policy::{self, Part};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Ndjson,
    Markdown,
    Sarif,
}

impl FormatArg {
    /// The word `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            FormatArg::Table => "table",
            FormatArg::Json => "json",
            FormatArg::Ndjson => "ndjson",
            FormatArg::Markdown => "markdown",
            FormatArg::Sarif => "sarif",
        }
    }
}

/// `None` when `command` renders `format`; else the one-line reason to
/// refuse it with (exit 2): `diff has no sarif output; use table, json,
/// ndjson or markdown`.
pub fn unsupported_format(
    command: &str,
    format: FormatArg,
    supported: &[FormatArg],
) -> Option<String> {
    if supported.contains(&format) {
        return None;
    }
    let names: Vec<&str> = supported.iter().map(|f| f.name()).collect();
    let list = match names.as_slice() {
        [] => "none".to_owned(),
        [one] => (*one).to_owned(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    };
    Some(format!(
        "{command} has no {} output; use {list}",
        format.name()
    ))
}

/// The formats of `diff`: the list of changes as text, Markdown, or one
/// JSON object (NDJSON: the same object on one line).
pub const DIFF_FORMATS: &[FormatArg] = &[
    FormatArg::Table,
    FormatArg::Json,
    FormatArg::Ndjson,
    FormatArg::Markdown,
];

/// The formats of `verify` and `mof --evaluate`: a text summary, or one
/// JSON object (NDJSON: on one line). Neither is a report of findings, so
/// SARIF does not apply, and neither has a Markdown form.
pub const RESULT_FORMATS: &[FormatArg] = &[FormatArg::Table, FormatArg::Json, FormatArg::Ndjson];

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// `--min-severity`: `note` is a finding of severity `info`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverityArg {
    Error,
    Warning,
    #[value(alias = "info")]
    Note,
}

/// How a report is written.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to colour the table: auto (a terminal with a TERM other than
    /// dumb, or CLICOLOR_FORCE set; never with NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Table: list every finding on its own row (notes that are no defect
    /// included), what the next MOF class and OSAID lack, and evidence
    /// lines whole.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Table: one summary line per release, then its error findings only.
    #[arg(short, long)]
    pub quiet: bool,
    /// Table and Markdown: list only findings of this severity or worse
    /// (note = info); the summary line still counts them all, and JSON,
    /// NDJSON and SARIF stay complete.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = MinSeverityArg::Note)]
    pub min_severity: MinSeverityArg,
    /// Table: the columns to fit (default: COLUMNS if set, else the
    /// terminal's width when stdout is one, else 100).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,
}

/// What a scan reads and counts.
#[derive(clap::Args)]
pub struct ScanFlags {
    /// Add the SHA-256 of every file (reads every byte).
    #[arg(long)]
    pub hash: bool,
    /// With --hash: also write the digests in `sha256sum` format to FILE.
    #[arg(long, value_name = "FILE", requires = "hash")]
    pub manifest_out: Option<PathBuf>,
    /// Files hashed (and releases scanned, with --discover) in parallel;
    /// default every core.
    #[arg(
        short,
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub jobs: usize,
    /// Do not show progress on stderr.
    #[arg(long)]
    pub no_progress: bool,
    /// Let components the release only references (card links, library
    /// architectures) count towards the MOF class; by default only what is
    /// shipped counts.
    #[arg(long)]
    pub count_referenced: bool,
    /// Treat each PATH as a folder of releases: find every release below it
    /// (Hugging Face cache layouts included) and report each.
    #[arg(long)]
    pub discover: bool,
    /// With `scan --format ndjson`: write the reports in PATH and discovery
    /// order; by default each is written as soon as it is ready.
    #[arg(long)]
    pub stable_order: bool,
    /// Hub targets (`hf://org/name`): read the token for gated or private
    /// repositories from FILE instead of HF_TOKEN. Sent only to the hub's
    /// own host, never printed.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Read the headers of Git LFS pointers' objects from the repository's
    /// LFS server (by range) instead of reporting them unfetched.
    #[arg(long)]
    pub lfs_remote: bool,
    /// Also scan every PATH listed in FILE, one a line (folders or hub
    /// targets such as `hf://org/name`; blank lines and `#` comments
    /// skipped); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Release directories or single files, or hub repositories
    /// (`hf://org/name[@rev]`, `hf://datasets/org/name`, hub URLs).
    #[arg(required_unless_present = "from_file")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub scan: ScanFlags,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Release directories or single files, or hub repositories
    /// (`hf://org/name[@rev]`, `hf://datasets/org/name`, hub URLs).
    #[arg(required_unless_present_any = ["init", "from_file"])]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub scan: ScanFlags,
    /// Components that must be shipped (comma-separated: code,weights,data).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "PARTS",
        help_heading = "Policy"
    )]
    pub require: Vec<Part>,
    /// The least open MOF class accepted (I is the most open).
    #[arg(long, value_name = "I|II|III", value_parser = policy::parse_mof_class, help_heading = "Policy")]
    pub min_mof_class: Option<u8>,
    /// Fail unless the release licence is open.
    #[arg(long, help_heading = "Policy")]
    pub require_open_license: bool,
    /// Treat findings of CODE as errors (repeatable).
    #[arg(long, value_name = "CODE", value_parser = policy::parse_code, help_heading = "Policy")]
    pub deny: Vec<Code>,
    /// Treat findings of CODE as warnings (repeatable).
    #[arg(long, value_name = "CODE", value_parser = policy::parse_code, help_heading = "Policy")]
    pub warn: Vec<Code>,
    /// Drop findings of CODE (repeatable).
    #[arg(long, value_name = "CODE", value_parser = policy::parse_code, help_heading = "Policy")]
    pub allow: Vec<Code>,
    /// A TOML policy file (default: openness.toml at the release root, if any).
    #[arg(long, value_name = "FILE", help_heading = "Policy")]
    pub policy: Option<PathBuf>,
    /// Print a commented policy template with every default, and exit.
    #[arg(long, help_heading = "Policy")]
    pub init: bool,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The old release: a folder or hub target (`hf://org/name`) to scan, or
    /// a JSON report (`scan --format json`).
    pub old: PathBuf,
    /// The new release, likewise.
    pub new: PathBuf,
    /// Output format: table, json, ndjson (the JSON object on one line) or
    /// markdown; sarif is refused.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Exit 1 when openness went down (a component vanished, a licence closed,
    /// the MOF class dropped, a new error finding).
    #[arg(long)]
    pub fail_on_regression: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BadgeKindArg {
    /// "openness | weights · code · data", coloured by status.
    Components,
    /// "MOF | Class II".
    Mof,
}

#[derive(clap::Args)]
pub struct BadgeArgs {
    /// The release.
    pub path: PathBuf,
    /// Write the SVG to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Which badge.
    #[arg(long, value_enum, default_value_t = BadgeKindArg::Components)]
    pub kind: BadgeKindArg,
}

#[derive(clap::Args)]
pub struct MofArgs {
    /// The release to describe as MOT YAML.
    #[arg(required_unless_present = "evaluate", conflicts_with = "evaluate")]
    pub path: Option<PathBuf>,
    /// Evaluate this MOT YAML file's MOF class instead.
    #[arg(long, value_name = "FILE.yml")]
    pub evaluate: Option<PathBuf>,
    /// Output format of --evaluate: table, json or ndjson (markdown and
    /// sarif are refused). Writing MOT YAML takes no --format.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Let components the release only references count as included.
    #[arg(long)]
    pub count_referenced: bool,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The release directory.
    pub path: PathBuf,
    /// A manifest in `sha256sum` format (paths relative to PATH).
    #[arg(long, value_name = "FILE")]
    pub manifest: PathBuf,
    /// Glob of paths expected to differ (`*`, `?`, `**`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// Output format: table, json or ndjson (the JSON object on one line);
    /// markdown and sarif are refused.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Files hashed in parallel (default: every core).
    #[arg(
        short,
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub jobs: usize,
    /// Do not show progress on stderr.
    #[arg(long)]
    pub no_progress: bool,
}
