//! The policy behind `openness check`: what a release must ship, how open it
//! must be, and how bad each finding code counts. `openness scan` only
//! describes a release; a CI gate needs a yes/no answer plus, for every "no",
//! the rule that failed, the evidence and the fix. That is [`apply`].
//!
//! A policy comes from a TOML file (`openness.toml` at the release root, or
//! `--policy FILE`) with the command-line flags layered over it
//! ([`Policy::with_overrides`]). As in cargo-deny, the file is checked in two
//! phases: TOML syntax first (every syntax error, from the parser's recovery),
//! then the meaning of every key and value. Phase two reports *every* problem
//! with its line and column, unknown keys included, so one CI run shows all
//! that is wrong with a policy instead of one error per push. A policy that
//! does not parse is never half-applied: the caller gets the errors only.
//!
//! Besides a level per finding code, a policy may accept one code at some
//! paths only, with a reason, as cargo-deny's `[[bans.skip]]` and ruff's
//! per-file ignores do: `[[findings.accept]]`. The findings an exception
//! accepts are not dropped silently: [`evaluate`] lists them with the
//! reason, and gives a `policy-unused-exception` notice for each of an
//! exception's globs that matched nothing, so stale exceptions surface.

use crate::finding::{Code, Finding, Severity};
pub use crate::license::Part;
use crate::report::{Report, Status};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The commented template of the defaults (`openness check --init`). It must
/// parse to [`Policy::default`]; a test holds it to that.
pub const TEMPLATE: &str = include_str!("../policy.template.toml");

/// The policy file `check` reads from a release root when `--policy` is not
/// given.
pub const FILE_NAME: &str = "openness.toml";

/// For clap's `value_parser`: `--require code,weights`.
impl FromStr for Part {
    type Err = String;
    fn from_str(s: &str) -> Result<Part, String> {
        Part::from_name(s).ok_or_else(|| unknown_part(s))
    }
}

/// What a policy does with a finding code, as cargo-deny's lint levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The finding becomes severity `error`.
    Deny,
    /// The finding becomes severity `warning`.
    Warn,
    /// The finding is dropped from the report.
    Allow,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Deny, Level::Warn, Level::Allow];

    /// The key naming this level in `[findings]`, and the flag without `--`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Allow => "allow",
        }
    }

    /// The severity a finding gets at this level; `None` drops it.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Deny => Some(Severity::Error),
            Level::Warn => Some(Severity::Warning),
            Level::Allow => None,
        }
    }
}

/// Serialized as its key, `"allow"`, `"warn"` or `"deny"`.
impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A path exception, one `[[findings.accept]]` entry: the findings of one
/// code at the paths its globs match take its level instead of the code's,
/// for the reason it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept {
    pub code: Code,
    /// Globs over root-relative `/` paths (`*`, `?`, `**`; see `src/glob.rs`).
    pub paths: Vec<String>,
    /// `Allow` (the default) or `Warn`; a policy file cannot say `Deny`.
    pub level: Level,
    /// Why the findings are accepted; never empty in a parsed policy.
    pub reason: String,
    /// The entry's line in the policy file (0 when built in code), for
    /// the notice of a glob that matched nothing.
    pub line: usize,
}

/// What `openness check` requires of a release.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Components that must be `shipped`.
    pub require: BTreeSet<Part>,
    /// The least open MOF class accepted: 1 = Class I (most open), 3 =
    /// Class III. "At least Class II" holds for a class number <= 2.
    pub min_mof_class: Option<u8>,
    /// The release-wide licence must be open (`license.open`).
    pub require_open_license: bool,
    /// Per-code overrides of the default severity.
    pub levels: BTreeMap<Code, Level>,
    /// Path exceptions, in file order; the first whose code and glob match
    /// a finding decides its level, over `levels`.
    pub accept: Vec<Accept>,
    /// Findings at or above this severity (after `levels`) fail the check.
    pub fail_on: Severity,
}

/// Hand-written because `Severity` has no `Default`: the contract's default
/// is "fail on any finding of severity error" and nothing else.
impl Default for Policy {
    fn default() -> Policy {
        Policy {
            require: BTreeSet::new(),
            min_mof_class: None,
            require_open_license: false,
            levels: BTreeMap::new(),
            accept: Vec::new(),
            fail_on: Severity::Error,
        }
    }
}

impl Policy {
    /// Layers the command-line flags (`cli`) over a file policy (`self`).
    /// Flags only make the policy stricter, except for per-code levels, where
    /// the flag is the user's latest word: required parts are the union, the
    /// MOF bar is the more open class of the two, `require-open-license` holds
    /// if either says so, `fail-on` is the lower severity, and a code named by
    /// `--deny`/`--warn`/`--allow` takes the flag's level whatever the file says.
    /// Path exceptions (the flags have none) are the file's, then `cli`'s:
    /// being narrower than a code's level, they still win over the flags for
    /// the paths they name.
    pub fn with_overrides(mut self, cli: &Policy) -> Policy {
        self.require.extend(cli.require.iter().copied());
        self.min_mof_class = match (self.min_mof_class, cli.min_mof_class) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.require_open_license |= cli.require_open_license;
        self.fail_on = self.fail_on.min(cli.fail_on);
        self.levels
            .extend(cli.levels.iter().map(|(&code, &level)| (code, level)));
        self.accept.extend(cli.accept.iter().cloned());
        self
    }

    /// The policy the command-line flags describe, for
    /// [`with_overrides`](Policy::with_overrides). Fails, naming the code,
    /// when one code is given two different levels (`--deny x --allow x`):
    /// which one was meant cannot be guessed.
    pub fn from_flags(
        require: &[Part],
        min_mof_class: Option<u8>,
        require_open_license: bool,
        deny: &[Code],
        warn: &[Code],
        allow: &[Code],
    ) -> Result<Policy, String> {
        let mut levels = BTreeMap::new();
        let mut conflicts = Vec::new();
        for (level, codes) in [
            (Level::Deny, deny),
            (Level::Warn, warn),
            (Level::Allow, allow),
        ] {
            for &code in codes {
                match levels.insert(code, level) {
                    Some(previous) if previous != level => conflicts.push(format!(
                        "`{code}` is given both --{} and --{}",
                        previous.as_str(),
                        level.as_str()
                    )),
                    _ => {}
                }
            }
        }
        if !conflicts.is_empty() {
            return Err(conflicts.join("; "));
        }
        Ok(Policy {
            require: require.iter().copied().collect(),
            min_mof_class,
            require_open_license,
            levels,
            accept: Vec::new(),
            fail_on: Severity::Error,
        })
    }
}

/// For clap's `value_parser`: `--min-mof-class II` gives `2`.
pub fn parse_mof_class(s: &str) -> Result<u8, String> {
    mof_class_number(s).ok_or_else(|| format!("unknown MOF class `{s}`: expected {CLASSES}"))
}

/// For clap's `value_parser`: `--deny CODE`, with a "did you mean" hint.
pub fn parse_code(s: &str) -> Result<Code, String> {
    Code::from_name(s).ok_or_else(|| unknown_code(s))
}

fn mof_class_number(s: &str) -> Option<u8> {
    crate::mof::class_number(s)
}

fn mof_class_name(n: u8) -> &'static str {
    crate::mof::roman(n).unwrap_or("III")
}

/// One problem in a policy file, at the place it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for PolicyError {}

/// The keys of a policy file, for unknown-key hints.
const TOP_KEYS: [&str; 5] = [
    "require",
    "min-mof-class",
    "require-open-license",
    "fail-on",
    "findings",
];
const FINDINGS_KEYS: [&str; 4] = ["deny", "warn", "allow", "accept"];
const ACCEPT_KEYS: [&str; 4] = ["code", "paths", "level", "reason"];
const CLASSES: &str = "\"I\", \"II\" or \"III\"";
const SEVERITIES: &str = "\"error\", \"warning\" or \"info\"";

/// Parses a policy file and returns every problem with its line: syntax
/// errors, unknown keys at any level, wrong types, unknown finding codes or
/// part names (with a "did you mean" hint), a bad class, a code listed under
/// two levels, a path exception without a code, a glob or a reason, or with
/// a glob that can never match. An empty file is the default policy.
pub fn parse(text: &str) -> Result<Policy, Vec<PolicyError>> {
    let mut errors = Errors {
        text,
        list: Vec::new(),
    };
    // Phase one: syntax. A recovered tree is not validated: values the
    // parser skipped would show up as invented "missing" or "wrong type"
    // errors and bury the real one.
    let (root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        for e in syntax {
            let span = e.span().unwrap_or(0..0);
            // The parser does not say which key; the span holds it.
            let message = match (e.message(), text.get(span.clone())) {
                ("duplicate key", Some(key)) if !key.is_empty() => {
                    format!("duplicate key `{key}`")
                }
                (message, _) => message.to_owned(),
            };
            errors.push(span, message);
        }
        return Err(errors.finish());
    }

    // Phase two: meaning. Every key is looked at; none stops the others.
    let mut policy = Policy::default();
    for (key, value) in root.get_ref() {
        let name: &str = key.get_ref();
        match name {
            "require" => {
                if let Some(items) = errors.strings(key, value, "an array of part names") {
                    for (name, span) in items {
                        match Part::from_name(name) {
                            Some(part) => {
                                policy.require.insert(part);
                            }
                            None => errors.push(span, unknown_part(name)),
                        }
                    }
                }
            }
            "min-mof-class" => match value.get_ref() {
                DeValue::String(s) => match mof_class_number(s) {
                    Some(n) => policy.min_mof_class = Some(n),
                    None => errors.push(
                        value.span(),
                        format!("`min-mof-class` `{s}` is not a MOF class: expected {CLASSES}"),
                    ),
                },
                other => {
                    errors.wrong_type(key, value.span(), &format!("a string: {CLASSES}"), other)
                }
            },
            "require-open-license" => match value.get_ref() {
                DeValue::Boolean(b) => policy.require_open_license = *b,
                other => errors.wrong_type(key, value.span(), "a boolean (true or false)", other),
            },
            "fail-on" => match value.get_ref() {
                DeValue::String(s) => match severity_from_name(s) {
                    Some(sev) => policy.fail_on = sev,
                    None => errors.push(
                        value.span(),
                        format!("`fail-on` `{s}` is not a severity: expected {SEVERITIES}"),
                    ),
                },
                other => {
                    errors.wrong_type(key, value.span(), &format!("a string: {SEVERITIES}"), other)
                }
            },
            "findings" => match value.get_ref() {
                DeValue::Table(table) => {
                    (policy.levels, policy.accept) = findings_table(table, &mut errors)
                }
                other => errors.wrong_type(key, value.span(), "a table", other),
            },
            other => errors.unknown_key(key.span(), other, "", &TOP_KEYS),
        }
    }
    if errors.list.is_empty() {
        Ok(policy)
    } else {
        Err(errors.finish())
    }
}

/// `[findings]`: each code at most once across `deny`, `warn` and `allow`;
/// the path exceptions of `accept`.
fn findings_table(
    table: &DeTable<'_>,
    errors: &mut Errors<'_>,
) -> (BTreeMap<Code, Level>, Vec<Accept>) {
    // Where each code was first listed, to name both places on a repeat.
    let mut seen: BTreeMap<Code, (Level, usize)> = BTreeMap::new();
    let mut entries: Vec<(Level, &str, Range<usize>)> = Vec::new();
    let mut accept = Vec::new();
    for (key, value) in table {
        let name: &str = key.get_ref();
        if name == "accept" {
            accept = accept_entries(key, value, errors);
            continue;
        }
        let Some(level) = Level::ALL.into_iter().find(|l| l.as_str() == name) else {
            errors.unknown_key(key.span(), name, "findings.", &FINDINGS_KEYS);
            continue;
        };
        if let Some(items) = errors.strings(key, value, "an array of finding codes") {
            entries.extend(items.into_iter().map(|(n, span)| (level, n, span)));
        }
    }
    // The table iterates in key order; walk the entries in file order so
    // that "first" and "again" read the way the user wrote them.
    entries.sort_by_key(|(_, _, span)| span.start);

    let mut levels = BTreeMap::new();
    for (level, name, span) in entries {
        let Some(code) = Code::from_name(name) else {
            errors.push(span, unknown_code(name));
            continue;
        };
        let line = errors.line_of(span.start);
        let here = level.as_str();
        match seen.get(&code) {
            Some(&(first, first_line)) if first == level => errors.push(
                span,
                format!("`{code}` is listed twice in `{here}` (lines {first_line} and {line})"),
            ),
            Some(&(first, first_line)) => {
                let there = first.as_str();
                errors.push(
                    span,
                    format!(
                        "`{code}` is listed in both `{there}` (line {first_line}) \
                         and `{here}` (line {line}); keep one"
                    ),
                )
            }
            None => {
                seen.insert(code, (level, line));
                levels.insert(code, level);
            }
        }
    }
    (levels, accept)
}

/// `[[findings.accept]]` (or `accept = [{...}]`): every entry is checked
/// whole, so one parse names every missing and wrong key of every entry.
fn accept_entries(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    errors: &mut Errors<'_>,
) -> Vec<Accept> {
    const EXPECTED: &str = "an array of tables (`[[findings.accept]]`)";
    let DeValue::Array(array) = value.get_ref() else {
        errors.wrong_type(key, value.span(), EXPECTED, value.get_ref());
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in array.iter() {
        match item.get_ref() {
            DeValue::Table(table) => out.extend(accept_entry(item.span(), table, errors)),
            other => errors.push(
                item.span(),
                format!(
                    "`accept` must be {EXPECTED}; found an element of type {}",
                    other.type_str()
                ),
            ),
        }
    }
    out
}

/// One path exception; `None` when anything in it is wrong (the problems
/// are in `errors`). `span` starts at its `[[findings.accept]]` header (or
/// its inline table), where a missing key is reported.
fn accept_entry(
    span: Range<usize>,
    table: &DeTable<'_>,
    errors: &mut Errors<'_>,
) -> Option<Accept> {
    let problems_before = errors.list.len();
    let mut code = None;
    let mut paths = None;
    let mut level = Level::Allow;
    let mut reason = None;
    // Keys present, valid or not: a wrong value is not also "missing".
    let mut present: BTreeSet<&str> = BTreeSet::new();
    for (key, value) in table {
        let name: &str = key.get_ref();
        if let Some(known) = ACCEPT_KEYS.iter().find(|k| **k == name) {
            present.insert(known);
        }
        match name {
            "code" => match value.get_ref() {
                DeValue::String(s) => match Code::from_name(s) {
                    Some(Code::PolicyUnusedException) => errors.push(
                        value.span(),
                        "`policy-unused-exception` has no path to accept; \
                         `[findings] allow` silences it"
                            .to_owned(),
                    ),
                    Some(c) => code = Some(c),
                    None => errors.push(value.span(), unknown_code(s)),
                },
                other => errors.wrong_type(key, value.span(), "a finding code (a string)", other),
            },
            "paths" => {
                if let Some(items) = errors.strings(key, value, "an array of path globs") {
                    let mut globs = Vec::new();
                    for (glob, span) in items {
                        match crate::glob::problem(glob) {
                            Some(why) => errors.push(span, format!("path glob `{glob}`: {why}")),
                            None => globs.push(glob.to_owned()),
                        }
                    }
                    if matches!(value.get_ref(), DeValue::Array(a) if a.is_empty()) {
                        errors.push(
                            value.span(),
                            "`paths` is empty: name at least one path glob \
                             (`[findings] allow` accepts a code everywhere)"
                                .to_owned(),
                        );
                    }
                    paths = Some(globs);
                }
            }
            "level" => match value.get_ref() {
                DeValue::String(s) => match s.as_ref() {
                    "allow" => level = Level::Allow,
                    "warn" => level = Level::Warn,
                    "deny" => errors.push(
                        value.span(),
                        "`level` `deny` is no exception: an exception accepts findings \
                         (\"allow\" or \"warn\"); `[findings] deny` makes a code an error"
                            .to_owned(),
                    ),
                    other => errors.push(
                        value.span(),
                        format!(
                            "`level` `{other}` is not a level: expected \"allow\" or \"warn\"{}",
                            hint(other, &["allow", "warn"])
                        ),
                    ),
                },
                other => {
                    errors.wrong_type(key, value.span(), "a string: \"allow\" or \"warn\"", other)
                }
            },
            "reason" => match value.get_ref() {
                DeValue::String(s) if s.trim().is_empty() => errors.push(
                    value.span(),
                    "`reason` is empty: say why these findings are accepted \
                     (`check` shows it with each of them)"
                        .to_owned(),
                ),
                DeValue::String(s) => reason = Some(s.trim().to_owned()),
                other => errors.wrong_type(
                    key,
                    value.span(),
                    "a string saying why the findings are accepted",
                    other,
                ),
            },
            other => errors.unknown_key(key.span(), other, "findings.accept.", &ACCEPT_KEYS),
        }
    }
    for (key, why) in [
        ("code", "the finding code it accepts"),
        (
            "paths",
            "the path globs it accepts the code at (`[findings] allow` accepts a code everywhere)",
        ),
        ("reason", "why the findings are accepted"),
    ] {
        if !present.contains(key) {
            errors.push(
                span.clone(),
                format!("`[[findings.accept]]` lacks `{key}`: {why}"),
            );
        }
    }
    if errors.list.len() > problems_before {
        return None;
    }
    Some(Accept {
        code: code?,
        paths: paths?,
        level,
        reason: reason?,
        line: errors.line_of(span.start),
    })
}

fn severity_from_name(s: &str) -> Option<Severity> {
    [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .find(|sev| sev.as_str() == s)
}

fn unknown_part(name: &str) -> String {
    let names: Vec<&str> = Part::ALL.iter().map(|p| p.as_str()).collect();
    format!(
        "unknown part `{name}`: expected \"code\", \"weights\" or \"data\"{}",
        hint(name, &names)
    )
}

fn unknown_code(name: &str) -> String {
    Code::unknown(name)
}

fn hint(name: &str, candidates: &[&str]) -> String {
    crate::finding::did_you_mean(name, candidates)
}

/// Collects problems with their byte spans and turns them into lines and
/// columns at the end.
struct Errors<'t> {
    text: &'t str,
    list: Vec<(usize, String)>,
}

impl Errors<'_> {
    fn push(&mut self, span: Range<usize>, message: String) {
        self.list.push((span.start, message));
    }

    fn wrong_type(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        span: Range<usize>,
        expected: &str,
        found: &DeValue<'_>,
    ) {
        self.push(
            span,
            format!(
                "`{}` must be {expected}, found {}",
                key.get_ref(),
                found.type_str()
            ),
        );
    }

    fn unknown_key(&mut self, span: Range<usize>, name: &str, prefix: &str, known: &[&str]) {
        let expected: Vec<String> = known.iter().map(|k| format!("`{prefix}{k}`")).collect();
        self.push(
            span,
            format!(
                "unknown key `{prefix}{name}`: expected one of {}{}",
                expected.join(", "),
                hint(name, known)
            ),
        );
    }

    /// An array of strings, with each string's span; reports a non-array or
    /// a non-string element and returns what is usable.
    fn strings<'v>(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &'v Spanned<DeValue<'_>>,
        expected: &str,
    ) -> Option<Vec<(&'v str, Range<usize>)>> {
        let DeValue::Array(array) = value.get_ref() else {
            self.wrong_type(key, value.span(), expected, value.get_ref());
            return None;
        };
        let mut items = Vec::new();
        for item in array.iter() {
            match item.get_ref() {
                DeValue::String(s) => items.push((s.as_ref(), item.span())),
                other => self.push(
                    item.span(),
                    format!(
                        "`{}` must be {expected}; found an element of type {}",
                        key.get_ref(),
                        other.type_str()
                    ),
                ),
            }
        }
        Some(items)
    }

    fn line_of(&self, offset: usize) -> usize {
        self.position(offset).0
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // A span may in theory end inside a character; step back to a boundary.
        let offset = (0..=offset)
            .rev()
            .find(|&o| self.text.is_char_boundary(o))
            .unwrap_or(0);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    fn finish(self) -> Vec<PolicyError> {
        let mut out: Vec<PolicyError> = self
            .list
            .iter()
            .map(|(offset, message)| {
                let (line, column) = self.position(*offset);
                PolicyError {
                    line,
                    column,
                    message: message.clone(),
                }
            })
            .collect();
        out.sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
        out
    }
}

/// One way a release fails its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The rule that failed: `require code`, `min-mof-class`,
    /// `require-open-license`, `finding lfs-pointer`.
    pub rule: String,
    /// The file concerned, relative to the release root, when there is one.
    pub path: Option<String>,
    /// What the report shows.
    pub evidence: String,
    /// What would make the rule hold.
    pub fix: String,
}

/// A finding a path exception accepted: shown with the exception's reason,
/// never dropped unseen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    pub code: Code,
    /// The finding's file, relative to the release root.
    pub path: String,
    /// The exception's level: `allow` (the finding left `findings`) or
    /// `warn` (it stays there as a warning).
    pub level: Level,
    /// The exception's reason.
    pub reason: String,
    /// The exception's glob that matched `path`.
    pub glob: String,
    /// The finding's message.
    pub message: String,
}

/// What a policy makes of one release.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Every way the release fails the policy; empty when it holds.
    pub violations: Vec<Violation>,
    /// The findings path exceptions accepted, by code, path and message.
    pub accepted: Vec<Accepted>,
    /// The policy's own notices (`policy-unused-exception`), in file order,
    /// at the severity the policy gives the code.
    pub notices: Vec<Finding>,
}

/// What `check --format json` prints for one release: the report's keys,
/// then the policy's `violations`, the findings it `accepted` and its
/// `notices` (additions to the report for `check`).
#[derive(Debug, Clone, Serialize)]
pub struct CheckedReport<'a> {
    #[serde(flatten)]
    pub report: &'a Report,
    pub violations: &'a [Violation],
    pub accepted: &'a [Accepted],
    pub notices: &'a [Finding],
}

impl<'a> CheckedReport<'a> {
    pub fn new(report: &'a Report, outcome: &'a Outcome) -> CheckedReport<'a> {
        CheckedReport {
            report,
            violations: &outcome.violations,
            accepted: &outcome.accepted,
            notices: &outcome.notices,
        }
    }
}

/// The violations of [`evaluate`], for callers that need nothing else.
pub fn apply(policy: &Policy, report: &mut Report) -> Vec<Violation> {
    evaluate(policy, report).violations
}

/// Applies `policy` to a freshly scanned report. Rewrites finding
/// severities: a finding that a path exception matches (the first, in file
/// order, whose code is the finding's and one of whose globs matches its
/// path) takes the exception's level and is listed in `accepted`; any other
/// takes `policy.levels`' level for its code. An allowed finding is removed,
/// so renderers show the report the policy sees. Each glob of an exception
/// that matched no finding gives a `policy-unused-exception` notice.
///
/// The violations come in a fixed order: required parts (code, weights,
/// data), the MOF class, the licence, then findings by code and path. A
/// notice is a violation only when the policy makes its code an error
/// (`deny`), whatever `fail-on` says: a policy shared by releases may name
/// files only some of them hold.
pub fn evaluate(policy: &Policy, report: &mut Report) -> Outcome {
    // For each exception, whether each of its globs matched a finding.
    let mut used: Vec<Vec<bool>> = policy
        .accept
        .iter()
        .map(|a| vec![false; a.paths.len()])
        .collect();
    let mut accepted = Vec::new();
    report.findings.retain_mut(|f| {
        let level = match exception_for(policy, f) {
            Some((i, j)) => {
                used[i][j] = true;
                let exception = &policy.accept[i];
                accepted.push(Accepted {
                    code: f.code,
                    path: f.path.clone().unwrap_or_default(),
                    level: exception.level,
                    reason: exception.reason.clone(),
                    glob: exception.paths[j].clone(),
                    message: f.message.clone(),
                });
                exception.level
            }
            None => match policy.levels.get(&f.code) {
                Some(&level) => level,
                None => return true,
            },
        };
        match level.severity() {
            Some(severity) => {
                f.severity = severity;
                true
            }
            None => false,
        }
    });
    accepted.sort_by(|a, b| (a.code, &a.path, &a.message).cmp(&(b.code, &b.path, &b.message)));

    let notice = Code::PolicyUnusedException;
    let notice_severity = match policy.levels.get(&notice) {
        Some(level) => level.severity(),
        None => Some(notice.default_severity()),
    };
    let mut notices = Vec::new();
    if let Some(severity) = notice_severity {
        for (exception, used) in policy.accept.iter().zip(&used) {
            for (glob, _) in exception.paths.iter().zip(used).filter(|(_, u)| !**u) {
                notices.push(Finding {
                    severity,
                    ..Finding::new(
                        notice,
                        None,
                        format!(
                            "`[[findings.accept]]` at line {}: `{glob}` matched no `{}` finding",
                            exception.line, exception.code
                        ),
                    )
                });
            }
        }
    }

    let violations = violations(policy, report, &notices);
    Outcome {
        violations,
        accepted,
        notices,
    }
}

/// The first exception, and its glob, that accepts `finding`.
fn exception_for(policy: &Policy, finding: &Finding) -> Option<(usize, usize)> {
    let path = finding.path.as_deref()?;
    policy.accept.iter().enumerate().find_map(|(i, a)| {
        if a.code != finding.code {
            return None;
        }
        let j = a
            .paths
            .iter()
            .position(|glob| crate::glob::matches(glob, path))?;
        Some((i, j))
    })
}

fn violations(policy: &Policy, report: &Report, notices: &[Finding]) -> Vec<Violation> {
    let mut violations = Vec::new();
    for &part in &policy.require {
        let component = match part {
            Part::Code => &report.components.code,
            Part::Weights => &report.components.weights.component,
            Part::Data => &report.components.data.component,
        };
        if component.status == Status::Shipped {
            continue;
        }
        let shown: Vec<String> = component
            .items
            .iter()
            .take(3)
            .map(|i| match &i.path {
                Some(path) => format!("{} ({})", path, i.detail),
                None => i.detail.clone(),
            })
            .collect();
        let more = component.items.len().saturating_sub(shown.len());
        let mut evidence = format!("{part} is {}", component.status.as_str());
        if !shown.is_empty() {
            evidence.push_str(": ");
            evidence.push_str(&shown.join("; "));
            if more > 0 {
                evidence.push_str(&format!("; and {more} more"));
            }
        }
        violations.push(Violation {
            rule: format!("require {part}"),
            path: None,
            evidence,
            fix: part_fix(part, component.status).to_owned(),
        });
    }

    if let Some(min) = policy.min_mof_class {
        let mof = &report.frameworks.mof;
        let class = mof.class.as_deref().and_then(mof_class_number);
        if class.is_none_or(|c| c > min) {
            // Missing for the required class: by the MOT's rule, every
            // required component of that class and of every less open one.
            // `next_class` only names the next step up, which may fall short
            // of the bar.
            let missing: Vec<&str> = mof
                .components
                .iter()
                .filter(|c| c.required && !c.counts)
                .filter(|c| mof_class_number(&c.class).is_some_and(|n| n >= min))
                .map(|c| c.name.as_ref())
                .collect();
            let missing = if missing.is_empty() {
                mof.next_class
                    .as_ref()
                    .map(|n| n.missing.iter().map(String::as_str).collect())
                    .unwrap_or_default()
            } else {
                missing
            };
            let now = match &mof.class {
                Some(c) => format!("MOF Class {c}"),
                None => "MOF unclassified".to_owned(),
            };
            let mut evidence = format!(
                "{now}; the policy requires Class {} or better",
                mof_class_name(min)
            );
            if !missing.is_empty() {
                evidence.push_str(&format!(
                    "; missing for Class {}: {}",
                    mof_class_name(min),
                    missing.join(", ")
                ));
            }
            violations.push(Violation {
                rule: "min-mof-class".to_owned(),
                path: None,
                evidence,
                fix: "ship each missing component under an open licence; \
                      `openness mof` shows each component's status"
                    .to_owned(),
            });
        }
    }

    if policy.require_open_license && !report.license.open {
        let license = &report.license;
        let evidence = match (&license.spdx, &license.declared) {
            (None, None) => "no licence declared nor licence file found".to_owned(),
            (Some(spdx), Some(declared)) if !spdx.eq_ignore_ascii_case(declared) => {
                format!("the licence {spdx} (declared `{declared}`) is not open")
            }
            (Some(id), _) | (None, Some(id)) => format!("the licence {id} is not open"),
        };
        violations.push(Violation {
            rule: "require-open-license".to_owned(),
            path: None,
            evidence,
            fix: "release under an OSI-approved licence (Apache-2.0, MIT, ...) or an open \
                  data licence (CDLA-Permissive-2.0, CC-BY-4.0), in a LICENSE file and the \
                  card's `license:` field; see `openness explain license-not-open`"
                .to_owned(),
        });
    }

    let mut failing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity >= policy.fail_on)
        .chain(notices.iter().filter(|n| n.severity == Severity::Error))
        .collect();
    failing.sort_by(|a, b| (a.code, &a.path, &a.message).cmp(&(b.code, &b.path, &b.message)));
    for f in failing {
        violations.push(Violation {
            rule: format!("finding {}", f.code),
            path: f.path.clone(),
            evidence: format!("{}: {}", f.severity, f.message),
            fix: finding_fix(f.code),
        });
    }
    violations
}

fn part_fix(part: Part, status: Status) -> &'static str {
    match (part, status) {
        (_, Status::Incomplete) => {
            "add the missing or broken files the findings name, so the component is whole"
        }
        (Part::Code, Status::Referenced) => {
            "ship the model's source code (architecture, training, inference) in the release \
             instead of pointing to it"
        }
        (Part::Code, _) => {
            "add the model's source code (architecture, training, inference) to the release"
        }
        (Part::Weights, Status::Referenced) => {
            "ship the weights files in the release (run `git lfs pull` if they are LFS pointers)"
        }
        (Part::Weights, _) => "add the trained weights to the release, as safetensors",
        (Part::Data, Status::Referenced) => {
            "ship the datasets, or at least their dataset cards (DATASHEET.md), in the release"
        }
        (Part::Data, _) => "add the training data, or at least a dataset card (DATASHEET.md)",
    }
}

/// The `Fix:` sentence of the code's explain text, and where to read more.
fn finding_fix(code: Code) -> String {
    let more = format!("see `openness explain {code}`");
    let explain = code.explain();
    let Some(start) = explain.find("Fix: ") else {
        return more;
    };
    let fix = &explain[start + "Fix: ".len()..];
    let end = fix.find(". ").unwrap_or(fix.len());
    let fix = fix[..end].trim_end_matches('.');
    format!("{fix}; {more}")
}
