//! The commands: each gathers reports through the library, renders them and
//! picks the exit code of SPEC section 1.

use super::args::{
    BadgeArgs, BadgeKindArg, CheckArgs, DIFF_FORMATS, DiffArgs, FormatArg, MofArgs, OutputArgs,
    RESULT_FORMATS, ScanArgs, ScanFlags, VerifyArgs, unsupported_format,
};
use super::progress::{ProgressBar, tree_bytes};
use super::{emit, emit_text, fail, warn, write_stdout};
use anyhow::Context;
use openness::policy::{self, Outcome, Policy};
use openness::render::{self, Format};
use openness::report::{Report, ScanFailure};
use openness::{
    ScanOptions, diff as rdiff, discover, hash, manifest, mof, parallel, scan as scan_release,
};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

/// What one PATH (or one release found below it) gave: its report, or why
/// it could not be scanned (an entry of its own in JSON and NDJSON).
type PathResult = Result<Scanned, ScanFailure>;

/// A release to scan, or a PATH that already failed (discovery could not
/// read it): both keep their place in the input order.
enum Target {
    Release { name: String, path: PathBuf },
    Failed(ScanFailure),
}

/// Scans every PATH (or every release below it, with --discover) and hands
/// each outcome to `sink` with its place in the input. With `stable`,
/// outcomes arrive in input order (one finished out of turn waits for the
/// ones before it); otherwise each arrives as soon as it is scanned, so
/// nothing but what `sink` keeps stays in memory. An error on a PATH goes
/// to stderr as well, and makes the result `false`; the rest is scanned.
/// An error from `sink` (a closed pipe) stops the scan and is returned.
/// With --discover or several PATHs, a count of the releases scanned is
/// drawn on stderr when it is a terminal (not with `quiet` or
/// --no-progress); with --hash, the hashing progress instead.
fn scan_each(
    paths: &[PathBuf],
    flags: &ScanFlags,
    stable: bool,
    quiet: bool,
    mut sink: impl FnMut(usize, PathResult) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    let mut targets: Vec<Target> = Vec::new();
    let mut ok = true;
    let listed = match &flags.from_file {
        Some(file) => read_path_list(file)?,
        None => Vec::new(),
    };
    for path in paths.iter().chain(&listed) {
        let shown = path.display().to_string();
        if flags.discover {
            match discover::discover_with(path, discover::Limits::default()) {
                Ok(found) => {
                    found.warnings.iter().for_each(|w| warn(w));
                    if found.found.is_empty() {
                        warn(&format!("{shown}: no release found"));
                    }
                    targets.extend(found.found.into_iter().map(|f| Target::Release {
                        name: f.name,
                        path: f.path,
                    }));
                }
                Err(err) => targets.push(Target::Failed(ScanFailure::new(
                    &shown,
                    err.code(),
                    &err.reason(),
                ))),
            }
        } else {
            targets.push(Target::Release {
                name: shown,
                path: path.clone(),
            });
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
    let show_progress = !flags.no_progress && !quiet;
    let done = Arc::new(AtomicUsize::new(0));
    let bar = if !show_progress {
        None
    } else if flags.hash {
        let total: u64 = targets
            .iter()
            .map(|t| match t {
                Target::Release { path, .. } => tree_bytes(path),
                Target::Failed(_) => 0,
            })
            .sum();
        ProgressBar::hashing(progress, total)
    } else if flags.discover || paths.len() > 1 {
        ProgressBar::releases(done.clone(), targets.len())
    } else {
        None
    };
    // Each scan already hashes in parallel, so with --hash the releases go
    // one at a time.
    let jobs = if flags.hash { 1 } else { flags.jobs };
    // --manifest-out keeps its lines (one per file) until the end.
    let mut manifest_text = flags.manifest_out.as_ref().map(|_| String::new());
    let stop = AtomicBool::new(false);
    let mut failed: Option<anyhow::Error> = None;
    let mut waiting: BTreeMap<usize, Result<Report, ScanFailure>> = BTreeMap::new();
    let mut next = 0;
    let mut deliver = |i: usize, result: Result<Report, ScanFailure>| {
        done.fetch_add(1, Ordering::Relaxed);
        if failed.is_some() {
            return;
        }
        let outcome = match result {
            Ok(report) => {
                if let Some(text) = &mut manifest_text {
                    text.push_str(&manifest::render(&report));
                }
                let Target::Release { name, path } = &targets[i] else {
                    return;
                };
                Ok(Scanned {
                    name: name.clone(),
                    root: path.clone(),
                    report,
                })
            }
            Err(failure) => {
                warn(&format!("{}: {}", failure.root, failure.error.message));
                ok = false;
                Err(failure)
            }
        };
        if let Err(err) = sink(i, outcome) {
            stop.store(true, Ordering::Relaxed);
            failed = Some(err);
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
            Some(match &targets[i] {
                Target::Release { path, .. } => {
                    let shown = path.display().to_string();
                    scan_release(path, &shown, &options)
                        .map_err(|err| ScanFailure::new(&shown, err.code(), &err.reason()))
                }
                Target::Failed(failure) => Err(failure.clone()),
            })
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

/// Every PATH's outcome (every release's, with --discover), in input order.
fn gather(
    paths: &[PathBuf],
    flags: &ScanFlags,
    quiet: bool,
) -> anyhow::Result<(Vec<PathResult>, bool)> {
    let mut results = Vec::new();
    let ok = scan_each(paths, flags, true, quiet, |_, r| {
        results.push(r);
        Ok(())
    })?;
    Ok((results, ok))
}

/// JSON lists one entry per PATH: an array for several PATHs and always
/// with --discover (a script cannot know how many releases it will find),
/// the one object for one PATH.
fn json_array(paths: &[PathBuf], flags: &ScanFlags) -> bool {
    paths.len() > 1 || flags.discover
}

/// A PATH's JSON entry: its report (as `value` makes it), or its failure.
fn entry(
    result: &PathResult,
    value: impl FnOnce(&Scanned) -> io::Result<serde_json::Value>,
) -> io::Result<serde_json::Value> {
    match result {
        Ok(s) => value(s),
        Err(failure) => render::json::value_of(failure),
    }
}

/// Renders the reports in a human format or SARIF: with --discover, the
/// table format is one summary row per release; every other format is the
/// reports themselves. PATHs that failed were reported on stderr.
fn render_reports(out: &OutputArgs, discovered: bool, scanned: &[&Scanned]) -> anyhow::Result<()> {
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

/// `scan --format ndjson`: each PATH's entry is one line, written (and
/// flushed) as soon as its release is scanned, in completion order unless
/// --stable-order. The file of `-o FILE` is created with the first line.
fn scan_ndjson(args: &ScanArgs) -> anyhow::Result<bool> {
    let mut out: Option<Box<dyn Write>> = None;
    scan_each(
        &args.paths,
        &args.scan,
        args.scan.stable_order || args.scan.manifest_out.is_some(),
        args.out.quiet,
        |_, result| {
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
            let value = entry(&result, |s| render::json::value_of(&s.report))?;
            render::json::render_entry_line(w, &value)?;
            w.flush()?;
            Ok(())
        },
    )
}

/// `scan --discover` as a table: only the summary rows are kept while the
/// releases are scanned, then shown in discovery order.
fn scan_summary(args: &ScanArgs) -> anyhow::Result<bool> {
    let mut rows: Vec<(usize, render::summary::Row)> = Vec::new();
    let ok = scan_each(&args.paths, &args.scan, false, args.out.quiet, |i, r| {
        if let Ok(s) = r {
            rows.push((i, render::summary::Row::new(&s.name, &s.report)));
        }
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
        let (results, ok) = gather(&args.paths, &args.scan, args.out.quiet)?;
        if format == Format::Json {
            let entries = results
                .iter()
                .map(|r| entry(r, |s| render::json::value_of(&s.report)))
                .collect::<io::Result<Vec<_>>>()?;
            if !entries.is_empty() || json_array(&args.paths, &args.scan) {
                let array = json_array(&args.paths, &args.scan);
                emit(args.out.output.as_deref(), args.out.color, |w, _| {
                    render::json::render_entries(w, &entries, array)
                })?;
            }
        } else {
            let scanned: Vec<&Scanned> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
            if !scanned.is_empty() {
                render_reports(&args.out, args.scan.discover, &scanned)?;
            }
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
    let (mut results, ok) = gather(&args.paths, &args.scan, args.out.quiet)?;
    let mut outcomes: Vec<(String, Outcome)> = Vec::new();
    for s in results.iter_mut().filter_map(|r| r.as_mut().ok()) {
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
    let scanned: Vec<&Scanned> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    github_annotations(&scanned, &outcomes);
    let format = format_of(args.out.format);
    match format {
        Format::Json | Format::Ndjson => {
            // Each report with its policy outcome, and each failed PATH,
            // in input order.
            let mut checked = outcomes.iter();
            let mut entries = Vec::new();
            for result in &results {
                entries.push(entry(result, |s| {
                    let outcome = checked
                        .next()
                        .map(|(_, o)| o)
                        .ok_or_else(|| io::Error::other("a report without its policy outcome"))?;
                    render::json::value_of(&policy::CheckedReport::new(&s.report, outcome))
                })?);
            }
            let array = json_array(&args.paths, &args.scan);
            if !entries.is_empty() || array || format == Format::Ndjson {
                emit(args.out.output.as_deref(), args.out.color, |w, _| {
                    if format == Format::Ndjson {
                        entries
                            .iter()
                            .try_for_each(|e| render::json::render_entry_line(w, e))
                    } else {
                        render::json::render_entries(w, &entries, array)
                    }
                })?;
            }
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
fn github_annotations(scanned: &[&Scanned], outcomes: &[(String, Outcome)]) {
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

/// One JSON object, pretty for `json`, on one line for `ndjson`.
fn json_object(
    buf: &mut Vec<u8>,
    value: &impl serde::Serialize,
    format: FormatArg,
) -> io::Result<()> {
    if format == FormatArg::Ndjson {
        serde_json::to_writer(&mut *buf, value)?;
    } else {
        serde_json::to_writer_pretty(&mut *buf, value)?;
    }
    buf.push(b'\n');
    Ok(())
}

pub fn diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    if let Some(why) = unsupported_format("diff", args.format, DIFF_FORMATS) {
        return Ok(fail(&why));
    }
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
        FormatArg::Json | FormatArg::Ndjson => json_object(&mut buf, &changes, args.format)?,
        FormatArg::Markdown => rdiff::render_markdown(&mut buf, &changes)?,
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
    let format = args.format.unwrap_or(FormatArg::Table);
    if args.evaluate.is_none() && args.format.is_some() {
        return Ok(fail(
            "mof PATH writes MOT YAML and takes no --format; --format is for --evaluate (table, json or ndjson)",
        ));
    }
    if let Some(why) = unsupported_format("mof --evaluate", format, RESULT_FORMATS) {
        return Ok(fail(&why));
    }
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
        match format {
            FormatArg::Json | FormatArg::Ndjson => {
                json_object(&mut buf, &render::mof::evaluation_json(&eval), format)?
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
    if let Some(why) = unsupported_format("verify", args.format, RESULT_FORMATS) {
        return Ok(fail(&why));
    }
    let text = match std::fs::read_to_string(&args.manifest) {
        Ok(text) => text,
        Err(err) => return Ok(fail(&format!("{}: {err}", args.manifest.display()))),
    };
    let manifest = match manifest::parse(&text) {
        Ok(m) => m,
        Err(err) => return Ok(fail(&format!("{}: {err}", args.manifest.display()))),
    };
    let progress = Arc::new(hash::Progress::default());
    let bar = if args.no_progress {
        None
    } else {
        ProgressBar::hashing(progress.clone(), tree_bytes(&args.path))
    };
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
        FormatArg::Json | FormatArg::Ndjson => json_object(&mut buf, &verification, args.format)?,
        _ => render::verify_text(&mut buf, &verification)?,
    }
    write_stdout(&buf)?;
    Ok(if verification.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
