//! Findings are the data a scan produces about a release: a stable kebab-case
//! code, a severity, the file it concerns and a message. They are never
//! errors: an `Err` from the library means the scan itself could not run.
//! Every code carries its one-line description and its `explain` text here,
//! so the README, `openness explain` and the renderers all read one table.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered so that `max()` gives the worst.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident, $desc:literal, $explain:literal; )*) => {
        /// Every finding code the tool can emit. Names are part of the contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// All codes, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The code's position in [`Code::ALL`] (its declaration order,
            /// which `ALL` repeats): the SARIF log's `ruleIndex`.
            pub fn index(self) -> usize {
                self as usize
            }

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// Severity when no policy overrides it.
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line: what the finding means.
            pub fn description(self) -> &'static str {
                match self { $( Code::$variant => $desc, )* }
            }

            /// Why it matters and how to fix it.
            pub fn explain(self) -> &'static str {
                match self { $( Code::$variant => $explain, )* }
            }

            /// Looks a code up by its kebab-case name.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    LfsPointer = "lfs-pointer", Error,
        "a file is a Git LFS pointer, its content was never fetched",
        "The file holds the three-line Git LFS pointer (version, oid, size) instead of its content: the repository was cloned without `git lfs pull`, or the upload never completed. Loaders fail or, worse, read the pointer as data. Fix: run `git lfs pull` (or download the file from the hub) and scan again.";
    MissingShard = "missing-shard", Error,
        "the index names a shard that is not in the directory",
        "A sharded checkpoint's index (`*.index.json`, or a GGUF split count) names a shard file that is not in the release. Loading will fail. Fix: download the missing shard, or regenerate the index if the shard was removed on purpose.";
    IndexMismatch = "index-mismatch", Error,
        "index and shards disagree (tensor in index not in shard, shard not in index, total_size wrong)",
        "The shard index maps tensors to files, and the files say something else: a tensor the index places in a shard is not there, a shard holds tensors the index does not know, or `metadata.total_size` differs from the sum of tensor bytes. Loaders may silently skip tensors. Fix: regenerate the index from the shards (for example with `huggingface_hub.split_torch_state_dict_into_shards`).";
    CorruptHeader = "corrupt-header", Error,
        "a weights header cannot be parsed or fails validation",
        "The header of a weights file is malformed: bad length prefix, invalid JSON, unknown dtype, overlapping or out-of-range offsets, duplicate tensor names, or bytes after the declared data (a polyglot risk). Other tools may read such a file differently, which is how malicious files hide. Fix: re-export the weights with the reference writer.";
    TruncatedFile = "truncated-file", Error,
        "a file is shorter than its header says",
        "The header declares more data than the file holds: the download was interrupted or the file was cut. Fix: download the file again and compare its SHA-256 with the published one.";
    PickleWeights = "pickle-weights", Warning,
        "weights stored as pickle; safetensors is the safe format",
        "Python pickle (PyTorch `.bin`/`.pt`/`.ckpt`, `.pkl`) can run arbitrary code when loaded. Even when this file is harmless, users must trust it. Fix: convert the weights to safetensors and ship those instead (or beside them).";
    UnsafePickle = "unsafe-pickle", Error,
        "a pickle imports a callable outside the safe set (code execution on load)",
        "The pickle stream (a PyTorch checkpoint, a .pkl/.joblib file, a NumPy object array) imports a callable that executes code or reaches something that can (os, subprocess, builtins eval/exec/getattr, runpy, nested pickle.loads, operator.attrgetter, functools.partial, ...), or a global whose name cannot be resolved statically. Loading the file with pickle, torch.load(weights_only=False) or joblib runs it. openness never unpickles: the imports were read from the opcodes. Fix: do not load the file; obtain the weights as safetensors from a trusted source.";
    PickleSuspiciousImport = "pickle-suspicious-import", Warning,
        "a pickle imports something outside PyTorch's weights_only allow-list",
        "The pickle imports globals that are neither known to execute code nor allowed by PyTorch's weights_only loader (custom classes, third-party modules). Loading it needs weights_only=False, which trusts whatever those imports do. Fix: review the listed imports; prefer safetensors.";
    ArchiveAnomaly = "archive-anomaly", Warning,
        "an archive is laid out in a way its usual writer never does",
        "A zip-based weights file (a PyTorch checkpoint, .npz, .keras, DDUF) has compressed entries where the writer stores them, entries that overlap, a central directory that disagrees with the entries, nested archives, names that escape the archive, or a deflate bomb; or part of an archive or compressed stream could not be read at all (an encrypted 7z, a 7z method without a decoder here, containers nested too deep, the release's decompression budget spent), which is reported even when the file turns out to hold no pickle. Such tricks make scanners and loaders see different files, which is how payloads hide. Fix: re-export the file with its reference writer, or unpack it and scan the content.";
    KerasLambda = "keras-lambda", Error,
        "a Keras model config holds a Lambda layer (code run on load)",
        "Keras stores a Lambda layer's function as serialized Python bytecode in the model config; loading the model (with safe_mode off, or with older Keras) runs it. Fix: replace Lambda layers with registered custom layers whose code ships as source, and save again.";
    ExternalDataOutside = "external-data-outside", Error,
        "an ONNX external_data location leads outside the scanned root",
        "An ONNX initializer stores its data in an external file whose location is absolute or climbs out of the model's folder (`../`). onnx.load would read that path on the user's machine (CVE-2026-34447 and similar). openness does not follow it. Fix: keep external data files beside the model and name them relatively.";
    RemoteCode = "remote-code", Warning,
        "config.json `auto_map` makes loaders run code from the release",
        "An `auto_map` entry tells transformers (with `trust_remote_code=True`) to import Python modules from the release, or from another repository (`org/repo--module.Class`). That code runs with the user's rights. Fix: upstream the architecture into a library, or review the named modules before loading.";
    MissingCodeFile = "missing-code-file", Error,
        "`auto_map` names a module that is not shipped",
        "An `auto_map` entry names a local module (`modeling_x.XModel` means `modeling_x.py`) that is not in the release, so loading with `trust_remote_code` fails, and the architecture code is not actually shipped. Fix: add the module file to the release.";
    LicenseMissing = "license-missing", Warning,
        "no licence declared nor licence file found",
        "Neither the model card's `license` field nor a LICENSE/COPYING file says under which terms the release may be used. Without a licence nothing may legally be reused. Fix: add a LICENSE file and a `license:` field in the card's YAML front matter.";
    LicenseMismatch = "license-mismatch", Warning,
        "the card's licence and the licence file disagree",
        "The model card declares one licence and the licence file holds the text of another. Users cannot know which applies. Fix: make the card's `license:` field and the LICENSE file agree (or, if components differ, say so per component).";
    LicenseNotOpen = "license-not-open", Info,
        "a part of the release's licence is not OSI-approved nor an open data/content licence, or an acceptable-use policy restricts the release",
        "The licence found is neither OSI-approved or FSF-libre nor an open data or content licence (CC-BY, CC-BY-SA, CC0, CDLA, ODbL, ...). Community licences (Llama, Gemma), RAIL licences and non-commercial terms restrict use, so the release is not open source whatever its name says.";
    LicenseWrongType = "license-wrong-type", Info,
        "the MOF's licence list types an open licence for another kind of content than the component's",
        "The Model Openness Framework asks for a type-appropriate open licence: an open-source licence for code, an open data licence (CDLA, CC-BY, ...) for data and parameters, an open content licence for documents. The Model Openness Tool still counts an open licence of the wrong type; this note is informational, the typing of its licence list rather than a defect of the release. Fix: license data and parameters under CDLA-Permissive-2.0 or CC-BY-4.0, documents under CC-BY-4.0 (or use OpenMDW-1.0 for all).";
    CardInvalid = "card-invalid", Warning,
        "the model card front matter cannot be parsed",
        "The README's YAML front matter (between the leading `---` lines) is not valid YAML or has fields of the wrong type, so hubs and tools cannot read the licence, datasets or base model it declares. Fix: validate the front matter (for example with `huggingface_hub.ModelCard.load`).";
    ConfigMismatch = "config-mismatch", Warning,
        "config.json disagrees with the weights (dtype, layer count, vocab size)",
        "config.json declares a dtype, layer count or vocabulary size that the weights do not have. Loaders may cast silently or fail at load time. Fix: correct config.json or re-export the weights.";
    ConfigInvalid = "config-invalid", Warning,
        "a configuration file (config.json and friends) cannot be parsed",
        "A JSON configuration file that loaders read (config.json, adapter_config.json, model_index.json, modules.json, generation_config.json, tokenizer_config.json or a shard index) is not valid JSON or has fields of the wrong type. Loaders will fail on it. Fix: correct the file.";
    DigestMismatch = "digest-mismatch", Error,
        "a file's SHA-256 differs from the digest the release declares for it",
        "With --hash, each file is compared with any digest the release itself carries: a Hugging Face cache blob name, `--local-dir` download metadata, or a model-signing bundle's resource list (model.sig; only its digests are checked, not its signature). A difference means the file changed after it was published or signed, or the download was corrupted. Fix: download the file again; if it still differs, do not use the release.";
    SymlinkOutside = "symlink-outside", Error,
        "a symlink leads outside the scanned root; not followed",
        "A symlink in the release points outside the scanned directory. Loaders would read whatever that path holds on the user's machine. openness never follows it. Fix: replace the link with the file itself.";
    DanglingSymlink = "dangling-symlink", Warning,
        "a symlink leads nowhere",
        "A symlink in the release points at a path that does not exist (or forms a loop). The file it stands for is not shipped. Fix: replace the link with the file, or remove it.";
    Unreadable = "unreadable", Error,
        "a file could not be read",
        "The file exists but could not be opened, memory-mapped or listed (permissions, I/O error). Its content was not inspected, so the report may miss something. Fix: check the file's permissions and storage.";
    EmptyRelease = "empty-release", Warning,
        "nothing recognisable in the directory",
        "The scanned path holds no weights, code, data, configuration or model card that openness recognises. Check that the path is the release directory itself.";
    KerasUnsafeObject = "keras-unsafe-object", Error,
        "a Keras config makes the loader import and call a function outside Keras (module injection)",
        "Each object of a Keras config names a `module` and a `class_name`; the loader imports the module and calls that attribute with the object's config. When the module is not Keras's and the name is a function (`os.system`, `builtins.exec`, `subprocess.run`, ...) loading runs it, safe mode or not (CVE-2025-1550). Found in `.keras` archives, legacy `.h5` files, Keras 2 `model.json` files and SavedModel `keras_metadata.pb`. Fix: do not load the model; re-export it with only Keras layers and registered custom classes.";
    OverlongText = "overlong-text", Warning,
        "a text the release supplies is longer than 64 KiB and is cut in the JSON report",
        "The report repeats text taken from the release's files (an architecture name, a model name, a licence line, a tensor name). One such string was longer than 64 KiB; the JSON and NDJSON outputs cut every string at 64 KiB with a marker saying how many bytes were left out (the human outputs cut at 512 characters), so the report stays small whatever the release holds. Names that long are no real model's: they are a mistake or an attempt to flood the tools that read the report. Fix: look at the file named in the JSON string that ends in the marker.";
    PolicyUnusedException = "policy-unused-exception", Warning,
        "a path exception of the policy (`[[findings.accept]]`) matched no finding",
        "Only `openness check` gives this notice. An entry of the policy's `[[findings.accept]]` accepts one finding code at the paths its globs name, and one of those globs matched no finding of that code in this release: the finding was fixed, the file moved or was renamed, or the glob has a typo. A stale exception would later accept a new finding at that path unseen. The notice has no path; its message gives the entry's line in the policy file. It never fails the check by itself, whatever `fail-on` says, because a policy shared by several releases (one `--policy` file with `--discover`) may name files only some of them hold; `[findings] deny = [\"policy-unused-exception\"]` (or `--deny policy-unused-exception`) makes it fail, `allow` silences it. Fix: remove the glob (or the whole entry) from the policy, or correct it.";
}

impl Code {
    /// Whether a finding of this code says something is wrong with the
    /// release. `license-wrong-type` does not: it is the MOF licence list's
    /// typing of an open licence (its `explain` says so), and the table
    /// folds such notes into one line.
    pub fn is_defect(self) -> bool {
        !matches!(self, Code::LicenseWrongType)
    }

    /// Why `name` is not a code, with the nearest codes as a hint:
    /// ``unknown finding code `pickel-weights`; did you mean
    /// `pickle-weights`?``. The one message for `explain`, `--deny` and
    /// policy files.
    pub fn unknown(name: &str) -> String {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        match did_you_mean(name, &names).as_str() {
            "" => {
                format!("unknown finding code `{name}` (`openness explain` lists the known codes)")
            }
            hint => format!("unknown finding code `{name}`{hint}"),
        }
    }
}

/// "; did you mean `x`?" for the candidate nearest a misspelt name, when one
/// is near enough to be a plausible typo (a Levenshtein distance of at most
/// a third of its length); else the candidates that hold the name as a word
/// (`pickle` → `pickle-weights`, `unsafe-pickle`, ...), when there are few
/// enough to read; else nothing. Every "did you mean" of the tool comes
/// from here: finding codes, policy keys, part names.
pub fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    let nearest = candidates
        .iter()
        .map(|c| (strsim::levenshtein(name, c), *c))
        .min()
        .filter(|(d, _)| *d <= (name.chars().count() / 3).max(1));
    let matches: Vec<&str> = match nearest {
        Some((_, c)) => vec![c],
        None => candidates
            .iter()
            .copied()
            .filter(|c| !name.is_empty() && c.split('-').any(|w| w == name))
            .collect(),
    };
    let shown: Vec<String> = matches.iter().map(|c| format!("`{c}`")).collect();
    match shown.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [first @ .., last] if first.len() < 4 => {
            format!("; did you mean {} or {last}?", first.join(", "))
        }
        _ => String::new(),
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let name = std::borrow::Cow::<str>::deserialize(d)?;
        Code::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {name:?}")))
    }
}

impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "description": "A stable kebab-case finding code (`openness explain CODE`).",
            "type": "string",
            "enum": names,
        })
    }
}

/// The anchor of a release with no file at all: the release folder itself.
pub const ROOT_ANCHOR: &str = ".";

/// Where a release-wide finding no file shows is anchored: the model card,
/// else the release's first file, else the release folder.
pub fn fallback_anchor<'a>(card: Option<&'a str>, files: impl Iterator<Item = &'a str>) -> &'a str {
    card.or_else(|| files.min()).unwrap_or(ROOT_ANCHOR)
}

/// One thing the scan noticed about the release.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Path relative to the scanned root, with `/`; `None` for the release as a whole.
    pub path: Option<String>,
    pub message: String,
    /// Extension: the file a code-scanning dashboard shows the finding at,
    /// relative to the scanned root: `path` when there is one; for a
    /// release-wide finding the file that shows it (the licence file, the
    /// model card), else the model card, else the release's first file;
    /// `.` (the release folder) when the release has no file. Never empty
    /// in a finished report.
    #[serde(default)]
    pub anchor: String,
}

/// The one order findings are reported in: by path (release-wide first),
/// code and message.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| (&a.path, a.code, &a.message).cmp(&(&b.path, b.code, &b.message)));
    findings.dedup();
}

impl Finding {
    /// A finding at the code's default severity. A release-wide one (no
    /// `path`) is anchored later: by [`Finding::shown_at`] where it is made,
    /// else by the assessment's fallback.
    pub fn new(code: Code, path: Option<&str>, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.default_severity(),
            path: path.map(str::to_owned),
            message: message.into(),
            anchor: path.unwrap_or_default().to_owned(),
        }
    }

    /// Anchors a release-wide finding at `file`, the file that shows it; a
    /// finding about a file stays at that file, and `None` leaves the
    /// anchor to the fallback.
    pub fn shown_at(mut self, file: Option<&str>) -> Finding {
        if self.path.is_none()
            && let Some(file) = file
        {
            self.anchor = file.to_owned();
        }
        self
    }

    /// A stable identity for dashboards that track findings across runs
    /// (SARIF `partialFingerprints`): the SHA-256, in hex, of whether the
    /// finding is about a file, its code, its anchor and its message. The
    /// severity is left out, so a policy that raises or lowers it keeps the
    /// identity; a different message is a different finding.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let scope: &[u8] = if self.path.is_some() {
            b"file"
        } else {
            b"release"
        };
        let mut hasher = Sha256::new();
        // NUL separates the fields: no code, path or scope holds one, so
        // the fields cannot run into each other.
        for field in [
            scope,
            self.code.as_str().as_bytes(),
            self.anchor.as_bytes(),
            self.message.as_bytes(),
        ] {
            hasher.update(field);
            hasher.update([0u8]);
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name} is not kebab-case"
            );
            assert_eq!(Code::from_name(name), Some(code));
            assert!(!code.description().is_empty() && !code.explain().is_empty());
        }
        assert_eq!(Code::from_name("no-such-code"), None);
    }

    #[test]
    fn a_codes_index_is_its_place_in_all() {
        for (i, &code) in Code::ALL.iter().enumerate() {
            assert_eq!(code.index(), i, "{code}");
        }
        assert_eq!(Code::LfsPointer.index(), 0);
    }

    #[test]
    fn release_wide_findings_take_the_anchor_they_are_shown_at() {
        let file = Finding::new(Code::PickleWeights, Some("model.bin"), "pickled");
        assert_eq!(file.anchor, "model.bin");
        assert_eq!(file.clone().shown_at(Some("LICENSE")).anchor, "model.bin");
        let release = Finding::new(Code::LicenseNotOpen, None, "not open");
        assert_eq!(release.anchor, "");
        assert_eq!(release.clone().shown_at(None).anchor, "");
        let shown = release.shown_at(Some("LICENSE"));
        assert_eq!(shown.anchor, "LICENSE");
        assert_eq!(shown.path, None);
    }

    #[test]
    fn fingerprints_are_stable_and_tell_findings_apart() {
        let a = Finding::new(Code::PickleWeights, Some("model.bin"), "pickled");
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
        assert!(a.fingerprint().bytes().all(|b| b.is_ascii_hexdigit()));
        // The same text pinned here: a change of the recipe moves every
        // alert on every dashboard, so it must be deliberate.
        assert_eq!(
            Finding::new(Code::LicenseMissing, None, "m")
                .shown_at(Some("README.md"))
                .fingerprint(),
            {
                use sha2::{Digest, Sha256};
                Sha256::digest(b"release\0license-missing\0README.md\0m\0")
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            }
        );
        let mut raised = a.clone();
        raised.severity = Severity::Error;
        assert_eq!(
            raised.fingerprint(),
            a.fingerprint(),
            "severity is not identity"
        );
        let other_file = Finding::new(Code::PickleWeights, Some("other.bin"), "pickled");
        let other_code = Finding::new(Code::UnsafePickle, Some("model.bin"), "pickled");
        let other_text = Finding::new(Code::PickleWeights, Some("model.bin"), "pickled twice");
        let release_wide =
            Finding::new(Code::PickleWeights, None, "pickled").shown_at(Some("model.bin"));
        for other in [other_file, other_code, other_text, release_wide] {
            assert_ne!(other.fingerprint(), a.fingerprint(), "{other:?}");
        }
    }

    #[test]
    fn contract_severities_hold() {
        assert_eq!(Code::LfsPointer.default_severity(), Severity::Error);
        assert_eq!(Code::PickleWeights.default_severity(), Severity::Warning);
        assert_eq!(Code::LicenseNotOpen.default_severity(), Severity::Info);
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    }
}
