//! Judgements about single files: what the walk could not follow, what could
//! not be read or parsed, Git LFS pointers, and the safety of what loading a
//! file would run (pickle imports, Keras Lambda layers, container tricks).
//! The read stage only records what it saw; the severity and wording of each
//! finding is decided here.

use crate::codeclass::CodeRole;
use crate::finding::{Code, Finding};
use crate::formats::FormatError;
use crate::formats::pickle::{self, PickleScan, Verdict};
use crate::formats::sniff::WeightsFormat;
use crate::inventory::WalkIssue;
use crate::read::{Facts, Failure, FileFacts};
use crate::report::FileKind;
use std::collections::BTreeSet;

/// At most this many imports (or anomalies) are named in one finding.
const NAMES_SHOWN: usize = 8;

/// Content decides a file's kind where its name could not: a YAML or JSON
/// file that holds a training configuration is training code.
/// A file shaped like weights whose content holds no trained parameters
/// (SPEC section 2: content decides, not place) keeps its format for the
/// safety scan but is no longer of the weights kind.
pub(crate) fn decide_kinds(facts: &mut Facts) {
    for file in facts.files.iter_mut().filter(|f| f.training_config) {
        file.entry.kind = FileKind::Code;
        file.code_role = Some((CodeRole::Training, "training configuration"));
    }
    // A shard an index names holds what the index places in it.
    let shards: BTreeSet<String> = facts
        .shard_indexes
        .iter()
        .flat_map(|(rel, index)| {
            let dir = crate::inventory::dir_of(rel).to_owned();
            index.shards().into_iter().map(move |s| format!("{dir}{s}"))
        })
        .collect();
    for file in facts.files.iter_mut() {
        if shards.contains(file.rel()) {
            continue;
        }
        if file.weights_format.is_some() || file.entry.kind == FileKind::Weights {
            file.not_weights = super::content::not_weights(file);
            if file.not_weights.is_some() {
                file.entry.kind = FileKind::Other;
            }
        }
    }
}

/// Every finding about the walk and about files taken one at a time.
pub(crate) fn findings(facts: &Facts) -> Vec<Finding> {
    let mut out: Vec<Finding> = facts.walk_issues.iter().map(walk_finding).collect();
    for file in &facts.files {
        file_findings(file, &mut out);
    }
    out
}

fn walk_finding(issue: &WalkIssue) -> Finding {
    match issue {
        WalkIssue::Unlisted { rel, error } => Finding::new(
            Code::Unreadable,
            rel.as_deref(),
            format!("cannot list: {error}"),
        ),
        WalkIssue::Dangling { rel, target } => Finding::new(
            Code::DanglingSymlink,
            Some(rel),
            format!("symlink to {target:?} leads nowhere"),
        ),
        WalkIssue::Outside { rel, target } => Finding::new(
            Code::SymlinkOutside,
            Some(rel),
            format!("symlink to {target:?} leads outside the scanned root; not followed"),
        ),
        WalkIssue::UnreadableTarget { rel, error } => Finding::new(
            Code::Unreadable,
            Some(rel),
            format!("cannot read symlink target: {error}"),
        ),
    }
}

fn file_findings(file: &FileFacts, out: &mut Vec<Finding>) {
    let rel = Some(file.rel());
    for failure in &file.failures {
        out.push(failure_finding(file.rel(), failure));
    }
    if let Some(pointer) = &file.lfs {
        out.push(Finding::new(
            Code::LfsPointer,
            rel,
            format!(
                "Git LFS pointer to {} bytes (sha256 {}); the content was never fetched",
                pointer.size, pointer.oid
            ),
        ));
    }
    if let Some(how) = pickled_weights(file) {
        out.push(Finding::new(
            Code::PickleWeights,
            rel,
            format!("weights stored as {how}: loading them unpickles, which can execute code"),
        ));
    }
    if file.npy_object {
        out.push(Finding::new(
            Code::PickleWeights,
            rel,
            "object array: loading it with allow_pickle=True unpickles, which can execute code",
        ));
    }
    for member in &file.npz_object_members {
        out.push(Finding::new(
            Code::PickleWeights,
            rel,
            format!(
                "member {member} is an object array: loading it with allow_pickle=True unpickles (its pickle was walked for imports)"
            ),
        ));
    }
    pickle_findings(file.rel(), &file.pickles, file.torchscript, out);
    if !file.anomalies.is_empty() {
        let shown: Vec<&str> = file
            .anomalies
            .iter()
            .map(String::as_str)
            .take(NAMES_SHOWN)
            .collect();
        out.push(Finding::new(Code::ArchiveAnomaly, rel, shown.join("; ")));
    }
    if !file.keras_lambdas.is_empty() {
        out.push(Finding::new(
            Code::KerasLambda,
            rel,
            format!(
                "Lambda layers store code that runs on load: {}",
                file.keras_lambdas.join(", ")
            ),
        ));
    }
    if !file.keras_unsafe.is_empty() {
        out.push(Finding::new(
            Code::KerasUnsafeObject,
            rel,
            format!(
                "loading imports and calls functions outside Keras: {}",
                file.keras_unsafe.join(", ")
            ),
        ));
    }
}

fn failure_finding(rel: &str, failure: &Failure) -> Finding {
    let rel = Some(rel);
    match failure {
        Failure::Read(err) => Finding::new(Code::Unreadable, rel, format!("cannot read: {err}")),
        Failure::Hash(err) => Finding::new(Code::Unreadable, rel, format!("cannot hash: {err}")),
        Failure::EmptyWeights => Finding::new(Code::TruncatedFile, rel, "weights file is empty"),
        Failure::Shrank => Finding::new(
            Code::Unreadable,
            rel,
            "cannot read: the file shrank while it was being read",
        ),
        Failure::Weights(err) => Finding::new(weights_error_code(err), rel, err.to_string()),
        Failure::PickleStream(err) => {
            Finding::new(Code::CorruptHeader, rel, format!("pickle stream: {err}"))
        }
        Failure::Config(err) => Finding::new(Code::ConfigInvalid, rel, err.to_string()),
        Failure::Card(err) => Finding::new(Code::CardInvalid, rel, err.to_string()),
        Failure::LfsPointer(err) => Finding::new(
            Code::LfsPointer,
            rel,
            format!("malformed Git LFS pointer ({err}); the content was never fetched"),
        ),
    }
}

/// A weights file shorter than its header declares is truncated; any other
/// header error is corruption.
fn weights_error_code(err: &FormatError) -> Code {
    match err {
        FormatError::Truncated { .. } => Code::TruncatedFile,
        _ => Code::CorruptHeader,
    }
}

/// How a weights file read as such is pickled, if it is: LFS pointers and
/// files that could not be read hold no pickle to speak of.
fn pickled_weights(file: &FileFacts) -> Option<&'static str> {
    if file.not_weights.is_some() {
        return None; // its pickles are still judged below
    }
    let format = file.weights_format.filter(|f| f.is_pickle())?;
    let unread = file.lfs.is_some()
        || file
            .failures
            .iter()
            .any(|f| matches!(f, Failure::EmptyWeights | Failure::Shrank));
    (!unread).then_some(match format {
        WeightsFormat::TorchZip => "a PyTorch zip checkpoint (pickle inside)",
        WeightsFormat::Paddle => "PaddlePaddle parameters (a pickle)",
        _ => "a Python pickle",
    })
}

/// `unsafe-pickle` / `pickle-suspicious-import` for the imports of a file's
/// pickles. In a TorchScript archive the `__torch__.*` classes are the
/// archive's own TorchScript code, expected rather than suspicious.
fn pickle_findings(
    rel: &str,
    pickles: &[(String, PickleScan)],
    torchscript: bool,
    out: &mut Vec<Finding>,
) {
    let mut unsafe_imports = BTreeSet::new();
    let mut suspicious = BTreeSet::new();
    for (label, scan) in pickles {
        if scan.unresolved_stack_global {
            unsafe_imports.insert(format!("an unresolvable STACK_GLOBAL in {label}"));
        }
        for import in &scan.imports {
            if torchscript && import.module.starts_with("__torch__") {
                continue;
            }
            match pickle::verdict_in(import, scan.invoked.binary_search(import).is_ok()) {
                Verdict::Unsafe => {
                    unsafe_imports.insert(import.to_string());
                }
                Verdict::Suspicious => {
                    suspicious.insert(import.to_string());
                }
                Verdict::Safe => {}
            }
        }
    }
    let list = |set: &BTreeSet<String>| {
        let mut names: Vec<&str> = set.iter().map(String::as_str).take(NAMES_SHOWN).collect();
        if set.len() > NAMES_SHOWN {
            names.push("...");
        }
        names.join(", ")
    };
    if !unsafe_imports.is_empty() {
        out.push(Finding::new(
            Code::UnsafePickle,
            Some(rel),
            format!("loading runs code: imports {}", list(&unsafe_imports)),
        ));
    }
    if !suspicious.is_empty() {
        out.push(Finding::new(
            Code::PickleSuspiciousImport,
            Some(rel),
            format!(
                "imports outside the weights_only allow-list: {}",
                list(&suspicious)
            ),
        ));
    }
}
