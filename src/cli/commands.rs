//! The commands: each gathers reports through the library, renders them and
//! picks the exit code of SPEC section 1.

use super::args::{
    BadgeArgs, BadgeKindArg, CheckArgs, DiffArgs, FormatArg, MofArgs, OutputArgs, ScanArgs,
    ScanFlags, VerifyArgs,
};
use super::progress::{ProgressBar, tree_bytes};
use super::{emit, emit_text, fail, warn, write_stdout};
use anyhow::Context;
use openness::policy::{self, Outcome, Policy};
use openness::render::{self, Format};
use openness::report::Report;
use openness::{
    ScanOptions, diff as rdiff, discover, hash, manifest, mof, parallel, scan as scan_release,
};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A scanned release: the name it is shown under and its report.
struct Scanned {
    name: String,
    root: PathBuf,
    report: Report,
}

fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Ndjson => Format::Ndjson,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Sarif => Format::Sarif,
    }
}

/// Scans every PATH (or every release below it, with --discover) and hands
/// each scanned release to `sink` with its place in the input. With `stable`,
/// releases arrive in input order (one finished out of turn waits for the
/// ones before it); otherwise each arrives as soon as it is scanned, so
/// nothing but what `sink` keeps stays in memory. Errors on a PATH go to
/// stderr and make the result `false`; the rest is scanned. An error from
/// `sink` (a closed pipe) stops the scan and is returned.
fn scan_each(
    paths: &[PathBuf],
    flags: &ScanFlags,
    stable: bool,
    mut sink: impl FnMut(usize, Scanned) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    let mut targets: Vec<(String, PathBuf)> = Vec::new();
    let mut ok = true;
    let listed = match &flags.from_file {
        Some(file) => read_path_list(file)?,
        None => Vec::new(),
    };
    for path in paths.iter().chain(&listed) {
        if flags.discover {
            match discover::discover_with(path, discover::Limits::default()) {
                Ok(found) => {
                    found.warnings.iter().for_each(|w| warn(w));
                    if found.found.is_empty() {
                        warn(&format!("{}: no release found", path.display()));
                    }
                    targets.extend(found.found.into_iter().map(|f| (f.name, f.path)));
                }
                Err(err) => {
                    warn(&err.to_string());
                    ok = false;
                }
            }
        } else {
            targets.push((path.display().to_string(), path.clone()));
        }
    }
    let progress = Arc::new(hash::Progress::default());
    let options = ScanOptions {
        hash: flags.hash,
        jobs: flags.jobs,
        count_referenced: flags.count_referenced,
        progress: Some(progress.clone()),
        token_file: flags.token_file.clone(),
        lfs_remote: flags.lfs_remote,
    };
    let total: u64 = if flags.hash {
        targets.iter().map(|(_, p)| tree_bytes(p)).sum()
    } else {
        0
    };
    let bar = (flags.hash && !flags.no_progress).then(|| ProgressBar::start(progress, total));
    // Each scan already hashes in parallel, so with --hash the releases go
    // one at a time.
    let jobs = if flags.hash { 1 } else { flags.jobs };
    // --manifest-out keeps its lines (one per file) until the end.
    let mut manifest_text = flags.manifest_out.as_ref().map(|_| String::new());
    let stop = AtomicBool::new(false);
    let mut failed: Option<anyhow::Error> = None;
    let mut waiting: BTreeMap<usize, Result<Report, openness::ScanError>> = BTreeMap::new();
    let mut next = 0;
    let mut deliver = |i: usize, result: Result<Report, openness::ScanError>| {
        if failed.is_some() {
            return;
        }
        match result {
            Ok(report) => {
                if let Some(text) = &mut manifest_text {
                    text.push_str(&manifest::render(&report));
                }
                let (name, root) = targets[i].clone();
                if let Err(err) = sink(i, Scanned { name, root, report }) {
                    stop.store(true, Ordering::Relaxed);
                    failed = Some(err);
                }
            }
            Err(err) => {
                warn(&err.to_string());
                ok = false;
            }
        }
    };
    let order: Vec<usize> = (0..targets.len()).collect();
    parallel::for_each_ready(
        &order,
        jobs,
        |i| {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let path = &targets[i].1;
            Some(scan_release(path, &path.display().to_string(), &options))
        },
        |i, result| {
            let Some(result) = result else { return };
            if !stable {
                return deliver(i, result);
            }
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&next) {
                deliver(next, result);
                next += 1;
            }
        },
    );
    drop(bar);
    if let Some(err) = failed {
        return Err(err);
    }
    if let (Some(file), Some(text)) = (&flags.manifest_out, manifest_text) {
        std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))?;
    }
    Ok(ok)
}

/// The PATHs of `--from-file FILE` (`-`: standard input), one a line.
fn read_path_list(file: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let text = if file == Path::new("-") {
        io::read_to_string(io::stdin().lock()).context("cannot read the list on stdin")?
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(PathBuf::from)
        .collect())
}

/// Every scanned release, in input order.
fn gather(paths: &[PathBuf], flags: &ScanFlags) -> anyhow::Result<(Vec<Scanned>, bool)> {
    let mut scanned = Vec::new();
    let ok = scan_each(paths, flags, true, |_, s| {
        scanned.push(s);
        Ok(())
    })?;
    Ok((scanned, ok))
}

/// Renders reports: with --discover, the table format is one summary row per
/// release; every other format is the reports themselves.
fn render_reports(out: &OutputArgs, discovered: bool, scanned: &[Scanned]) -> anyhow::Result<()> {
    let reports: Vec<Report> = scanned.iter().map(|s| s.report.clone()).collect();
    let format = format_of(out.format);
    emit_text(out, |w, text| {
        if discovered && format == Format::Table {
            let rows: Vec<(String, &Report)> = scanned
                .iter()
                .map(|s| (s.name.clone(), &s.report))
                .collect();
            render::summary::render_with(w, &rows, text)
        } else {
            render::render_with(w, &reports, format, text)
        }
    })
}

/// `scan --format ndjson`: each report is one line, written (and flushed) as
/// soon as its release is scanned, in completion order unless
/// --stable-order. The file of `-o FILE` is created with the first line.
fn scan_ndjson(args: &ScanArgs) -> anyhow::Result<bool> {
    let mut out: Option<Box<dyn Write>> = None;
    scan_each(
        &args.paths,
        &args.scan,
        args.scan.stable_order || args.scan.manifest_out.is_some(),
        |_, s| {
            let w = match &mut out {
                Some(w) => w,
                None => out.insert(match &args.out.output {
                    Some(file) => Box::new(io::BufWriter::new(
                        std::fs::File::create(file)
                            .with_context(|| format!("cannot write {}", file.display()))?,
                    )),
                    None => Box::new(io::BufWriter::new(io::stdout().lock())),
                }),
            };
            render::render(w, std::slice::from_ref(&s.report), Format::Ndjson, false)?;
            w.flush()?;
            Ok(())
        },
    )
}

/// `scan --discover` as a table: only the summary rows are kept while the
/// releases are scanned, then shown in discovery order.
fn scan_summary(args: &ScanArgs) -> anyhow::Result<bool> {
    let mut rows: Vec<(usize, render::summary::Row)> = Vec::new();
    let ok = scan_each(&args.paths, &args.scan, false, |i, s| {
        rows.push((i, render::summary::Row::new(&s.name, &s.report)));
        Ok(())
    })?;
    if !rows.is_empty() {
        rows.sort_by_key(|(i, _)| *i);
        let rows: Vec<render::summary::Row> = rows.into_iter().map(|(_, r)| r).collect();
        emit_text(&args.out, |w, text| {
            render::summary::render_rows_with(w, &rows, text)
        })?;
    }
    Ok(ok)
}

pub fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let format = format_of(args.out.format);
    let ok = if format == Format::Ndjson {
        scan_ndjson(&args)?
    } else if args.scan.discover && format == Format::Table {
        scan_summary(&args)?
    } else {
        let (scanned, ok) = gather(&args.paths, &args.scan)?;
        if !scanned.is_empty() {
            render_reports(&args.out, args.scan.discover, &scanned)?;
        }
        ok
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    if args.init {
        return write_stdout(policy::TEMPLATE.as_bytes());
    }
    let cli_policy = match Policy::from_flags(
        &args.require,
        args.min_mof_class,
        args.require_open_license,
        &args.deny,
        &args.warn,
        &args.allow,
    ) {
        Ok(p) => p,
        Err(err) => return Ok(fail(&err)),
    };
    // A --policy file is read before scanning, so a bad one fails fast.
    let file_policy = match &args.policy {
        Some(file) => match read_policy(file) {
            Ok(p) => Some(p),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    let (mut scanned, ok) = gather(&args.paths, &args.scan)?;
    let mut outcomes: Vec<(String, Outcome)> = Vec::new();
    for s in &mut scanned {
        let base = match &file_policy {
            Some(p) => p.clone(),
            None => {
                let default_file = s.root.join(policy::FILE_NAME);
                if default_file.is_file() {
                    match read_policy(&default_file) {
                        Ok(p) => p,
                        Err(code) => return Ok(code),
                    }
                } else {
                    Policy::default()
                }
            }
        };
        let outcome = policy::evaluate(&base.with_overrides(&cli_policy), &mut s.report);
        outcomes.push((s.name.clone(), outcome));
    }
    github_annotations(&scanned, &outcomes);
    let format = format_of(args.out.format);
    match format {
        Format::Json | Format::Ndjson => {
            let values: Vec<policy::CheckedReport> = scanned
                .iter()
                .zip(&outcomes)
                .map(|(s, (_, outcome))| policy::CheckedReport::new(&s.report, outcome))
                .collect();
            emit(args.out.output.as_deref(), args.out.color, |w, _| {
                if format == Format::Ndjson {
                    for v in &values {
                        serde_json::to_writer(&mut *w, v)?;
                        w.write_all(b"\n")?;
                    }
                    Ok(())
                } else {
                    match values.as_slice() {
                        [one] => serde_json::to_writer_pretty(&mut *w, one)?,
                        many => serde_json::to_writer_pretty(&mut *w, many)?,
                    }
                    w.write_all(b"\n")
                }
            })?;
        }
        Format::Sarif => render_reports(&args.out, false, &scanned)?,
        Format::Table | Format::Markdown => {
            let reports: Vec<Report> = scanned.iter().map(|s| s.report.clone()).collect();
            emit_text(&args.out, |w, text| {
                if args.scan.discover && format == Format::Table {
                    let rows: Vec<(String, &Report)> = scanned
                        .iter()
                        .map(|s| (s.name.clone(), &s.report))
                        .collect();
                    render::summary::render_with(w, &rows, text)?;
                } else {
                    render::render_with(w, &reports, format, text)?;
                }
                render::outcomes(w, &outcomes, format == Format::Markdown)
            })?;
        }
    }
    let violated = outcomes.iter().any(|(_, o)| !o.violations.is_empty());
    Ok(if !ok {
        ExitCode::from(2)
    } else if violated {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads and validates a policy file; every problem is printed with its line.
fn read_policy(file: &Path) -> Result<Policy, ExitCode> {
    let text =
        std::fs::read_to_string(file).map_err(|err| fail(&format!("{}: {err}", file.display())))?;
    policy::parse(&text).map_err(|errors| {
        for e in &errors {
            warn(&format!("{}: {e}", file.display()));
        }
        fail(&format!(
            "{}: invalid policy ({} problem{})",
            file.display(),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ))
    })
}

/// In GitHub Actions, each violation also becomes an `::error` annotation on
/// stderr, pointing at the file when there is one, and each policy notice
/// that is not a violation a `::warning`.
fn github_annotations(scanned: &[Scanned], outcomes: &[(String, Outcome)]) {
    if std::env::var_os("GITHUB_ACTIONS").is_none_or(|v| v != "true") {
        return;
    }
    let mut err = io::stderr().lock();
    for (s, (_, outcome)) in scanned.iter().zip(outcomes) {
        for n in outcome
            .notices
            .iter()
            .filter(|n| n.severity != openness::finding::Severity::Error)
        {
            let _ = writeln!(
                err,
                "::warning title={}::{}",
                escape_property(n.code.as_str()),
                escape_data(&n.message)
            );
        }
        for v in &outcome.violations {
            let file = v
                .path
                .as_ref()
                .map(|p| {
                    format!(
                        "file={},",
                        escape_property(&s.root.join(p).display().to_string())
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                err,
                "::error {file}title={}::{}",
                escape_property(&v.rule),
                escape_data(&format!("{} ({})", v.evidence, v.fix))
            );
        }
    }
}

/// Workflow-command escaping (GitHub's toolkit `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command property escaping (`escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let load = |path: &Path| -> Result<Report, ExitCode> {
        // A folder or a hub target (`hf://org/name`) is scanned; a file is
        // a report.
        if !path.is_file() {
            return scan_release(path, &path.display().to_string(), &ScanOptions::default())
                .map_err(|err| fail(&err.to_string()));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|err| fail(&format!("{}: {err}", path.display())))?;
        rdiff::parse_report(&text).map_err(|err| fail(&format!("{}: {err}", path.display())))
    };
    let old = match load(&args.old) {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let new = match load(&args.new) {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let changes = rdiff::diff(&old, &new);
    let mut buf = Vec::new();
    match args.format {
        FormatArg::Json | FormatArg::Ndjson => {
            serde_json::to_writer_pretty(&mut buf, &changes)?;
            buf.push(b'\n');
        }
        _ => rdiff::render_text(&mut buf, &changes)?,
    }
    write_stdout(&buf)?;
    Ok(if args.fail_on_regression && changes.regression {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn badge(args: BadgeArgs) -> anyhow::Result<ExitCode> {
    let report = match scan_release(
        &args.path,
        &args.path.display().to_string(),
        &ScanOptions::default(),
    ) {
        Ok(r) => r,
        Err(err) => return Ok(fail(&err.to_string())),
    };
    let kind = match args.kind {
        BadgeKindArg::Components => render::badge::BadgeKind::Components,
        BadgeKindArg::Mof => render::badge::BadgeKind::Mof,
    };
    let svg = render::badge::svg(&report, kind);
    match &args.output {
        Some(file) => {
            std::fs::write(file, svg).with_context(|| format!("cannot write {}", file.display()))?
        }
        None => {
            write_stdout(svg.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn mof(args: MofArgs) -> anyhow::Result<ExitCode> {
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
            _ => render::mof::evaluation_text(&mut buf, &parsed.release_name, &eval)?,
        }
        buf
    } else {
        let path = args.path.as_deref().unwrap_or(Path::new("."));
        let options = ScanOptions {
            count_referenced: args.count_referenced,
            ..ScanOptions::default()
        };
        let report = match scan_release(path, &path.display().to_string(), &options) {
            Ok(r) => r,
            Err(err) => return Ok(fail(&err.to_string())),
        };
        mof::to_mot_yaml(&mof::mot_file(&report)).into_bytes()
    };
    match &args.output {
        Some(file) => std::fs::write(file, text)
            .with_context(|| format!("cannot write {}", file.display()))?,
        None => {
            write_stdout(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let text = match std::fs::read_to_string(&args.manifest) {
        Ok(text) => text,
        Err(err) => return Ok(fail(&format!("{}: {err}", args.manifest.display()))),
    };
    let manifest = match manifest::parse(&text) {
        Ok(m) => m,
        Err(err) => return Ok(fail(&format!("{}: {err}", args.manifest.display()))),
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
        Err(err) => return Ok(fail(&err.to_string())),
    };
    let mut buf = Vec::new();
    match args.format {
        FormatArg::Json | FormatArg::Ndjson => {
            serde_json::to_writer_pretty(&mut buf, &verification)?;
            buf.push(b'\n');
        }
        _ => render::verify_text(&mut buf, &verification)?,
    }
    write_stdout(&buf)?;
    Ok(if verification.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
