//! The report: plain serde structs that are the JSON contract of
//! `../shared/SPEC.md` section 3. Renderers read these and compute nothing;
//! collections are sorted by the assessment so output is deterministic.

use crate::finding::Finding;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// Bumped only on a breaking change of the JSON.
pub const SCHEMA_VERSION: u32 = 1;

/// Longest string a JSON report carries whole, in bytes: the JSON renderer
/// cuts longer ones, and [`flag_overlong_text`] says so in the report.
pub const MAX_REPORT_STRING: usize = 64 << 10;

/// Adds an `overlong-text` finding when some string of `report` is longer
/// than [`MAX_REPORT_STRING`]. The report is serialised once into a sink
/// that only measures string tokens, so every field is covered (the report
/// repeats release text in many places) without a list of them to keep.
pub fn flag_overlong_text(report: &mut Report) {
    let mut sink = StringLengths::default();
    if serde_json::to_writer(&mut sink, &*report).is_err() || sink.over == 0 {
        return;
    }
    let paths = || report.files.iter().map(|f| f.path.as_str());
    let card = paths().find(|p| p.eq_ignore_ascii_case("README.md"));
    let anchor = crate::finding::fallback_anchor(card, paths()).to_owned();
    let finding = Finding::new(
        crate::finding::Code::OverlongText,
        None,
        format!(
            "{} string(s) of this report are longer than {} KiB (the longest {} bytes as JSON); the JSON output cuts them",
            sink.over,
            MAX_REPORT_STRING >> 10,
            sink.longest
        ),
    )
    .shown_at(Some(&anchor));
    report.findings.push(finding);
    crate::finding::sort(&mut report.findings);
}

/// Counts the JSON string tokens longer than [`MAX_REPORT_STRING`] in the
/// bytes written to it (lengths as escaped JSON, a close upper bound).
#[derive(Default)]
struct StringLengths {
    in_string: bool,
    escaped: bool,
    len: usize,
    longest: usize,
    over: usize,
}

impl std::io::Write for StringLengths {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            if !self.in_string {
                if b == b'"' {
                    self.in_string = true;
                    self.len = 0;
                }
                continue;
            }
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                self.longest = self.longest.max(self.len);
                if self.len > MAX_REPORT_STRING {
                    self.over = self.over.saturating_add(1);
                }
                continue;
            }
            self.len = self.len.saturating_add(1);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The JSON Schema of [`Report`], generated from these types; the checked-in
/// `schema/report.schema.json` is this text (a test keeps them equal).
/// What `--format json` and `ndjson` write in place of a report for a PATH
/// that could not be scanned (missing, unreadable): `{"root": PATH,
/// "error": {"code": "not-found", "message": "..."}}`. An extension of the
/// contract: the list of reports keeps one entry per PATH, in order, and the
/// exit code is still 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanFailure {
    /// The PATH as given.
    pub root: String,
    pub error: FailureReason,
}

/// Why a PATH could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureReason {
    /// `not-found`, `permission-denied`, `not-a-directory` or `unreadable`.
    pub code: String,
    pub message: String,
}

impl ScanFailure {
    pub fn new(root: &str, code: &str, message: &str) -> ScanFailure {
        ScanFailure {
            root: root.to_owned(),
            error: FailureReason {
                code: code.to_owned(),
                message: message.to_owned(),
            },
        }
    }
}

pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Report).to_value();
    require_every_property(&mut schema);
    // The one exception: `source` is there only for a report read over
    // HTTP, so that a local scan's report stays what it was.
    if let Some(serde_json::Value::Array(required)) = schema.get_mut("required") {
        required.retain(|k| k != "source");
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Every key of the report is always present (`null` or empty when unknown),
/// so every property of every object is required, optional ones included.
fn require_every_property(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                let keys: Vec<serde_json::Value> = props
                    .keys()
                    .cloned()
                    .map(serde_json::Value::String)
                    .collect();
                map.insert("required".to_owned(), serde_json::Value::Array(keys));
            }
            map.values_mut().for_each(require_every_property);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(require_every_property),
        _ => {}
    }
}

/// A word of the JSON contract that has a fixed set of spellings, as a Rust
/// enum: compared and matched as a type, written and read as its word. It
/// sorts by its word, so collections sorted before the typing keep their
/// order, and the schema still says "string" (the contract lists the words
/// in prose, and tools written against it must keep working).
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every word, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word,)+ }
            }

            /// The variant spelled `word`, if any.
            pub fn from_word(word: &str) -> Option<$name> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &$name) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &$name) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let word = Cow::<str>::deserialize(d)?;
                $name::from_word(&word).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} {word:?}",
                        stringify!($name)
                    ))
                })
            }
        }
    };
}

words! {
    /// What a piece of evidence is. Code: the role of a source file. Weights:
    /// the format of a file or package, or what points to weights. Data: a
    /// dataset card, a data file or a named dataset.
    ItemKind {
        Architecture = "architecture",
        Training = "training",
        Inference = "inference",
        Evaluation = "evaluation",
        DataProcessing = "data-processing",
        Other = "other",
        Safetensors = "safetensors",
        Gguf = "gguf",
        PytorchZip = "pytorch-zip",
        Pickle = "pickle",
        Numpy = "numpy",
        NumpyNpz = "numpy-npz",
        Onnx = "onnx",
        OnnxExternalData = "onnx-external-data",
        Hdf5 = "hdf5",
        Keras = "keras",
        TfSavedModel = "tf-savedmodel",
        TfLite = "tflite",
        FlaxMsgpack = "flax-msgpack",
        Paddle = "paddle",
        CoreMl = "coreml",
        CoreMlPackage = "coreml-mlpackage",
        CoreMlCompiled = "coreml-mlmodelc",
        Mlx = "mlx",
        Dduf = "dduf",
        Unknown = "unknown",
        Checkpoint = "checkpoint",
        LfsPointer = "lfs-pointer",
        ShardIndex = "shard-index",
        Adapter = "adapter",
        BaseModel = "base-model",
        Reference = "reference",
        DatasetCard = "dataset-card",
        DataFile = "data-file",
        Dataset = "dataset",
        // Added with issue 13: formats known by their file pairs, files
        // judged not to be weights, and data that is not training data.
        Caffe = "caffe",
        Mnn = "mnn",
        Ncnn = "ncnn",
        OpenVino = "openvino",
        TfCheckpoint = "tf-checkpoint",
        NotWeights = "not-weights",
        // Issue 23: TensorFlow.js models (model.json and its shards).
        Tfjs = "tfjs",
        EvaluationData = "evaluation-data",
        EvaluationResults = "evaluation-results",
        SampleData = "sample-data",
        // Added with issue 23: a data file or folder the release says is
        // training data (a script or config reads it, its path marks a
        // train split, a card links it); a `data-file` is one whose role
        // nothing states, which makes no data shipped.
        TrainingData = "training-data",
    }
}

words! {
    /// Where a piece of evidence came from.
    ItemSource {
        File = "file",
        Config = "config",
        Card = "card",
        Index = "index",
        Gguf = "gguf",
        /// The text of a code file, script, document or YAML config.
        Text = "text",
        /// A Git LFS object read from the repository's LFS server in place
        /// of its pointer (`--lfs-remote`).
        LfsRemote = "lfs-remote",
    }
}

words! {
    /// Which components counted towards the MOF class.
    MofMode {
        /// Only components shipped in the folder (the default).
        ShippedOnly = "shipped-only",
        /// Referenced components count too (`--count-referenced`).
        CountReferenced = "count-referenced",
    }
}

words! {
    /// Who declared a file's expected digest.
    DigestSource {
        HfCacheBlob = "hf-cache-blob",
        HfDownloadMetadata = "hf-download-metadata",
        /// A model-signing bundle (digests only: its signature is not verified).
        ModelSigning = "model-signing",
    }
}

words! {
    /// Whether `--hash` confirmed a declared digest.
    IntegrityStatus {
        Verified = "verified",
        Mismatched = "mismatched",
        /// No `--hash`: the digest was not computed.
        NotChecked = "not-checked",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// The PATH as the user gave it.
    pub root: String,
    pub release: Release,
    pub components: Components,
    pub license: License,
    pub frameworks: Frameworks,
    pub files: Vec<FileEntry>,
    pub findings: Vec<Finding>,
    /// Where the bytes came from, for a release read over HTTP (a hub
    /// repository, or LFS objects fetched with `--lfs-remote`); absent from
    /// the report of a local scan, which stays byte-for-byte what it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// How a release read over HTTP was read: where from, at which commit, and
/// what it cost. `seconds` is wall time, so a remote report is not
/// deterministic in this block (and only in it).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Source {
    /// `hub` (a repository read through the hub API) or `lfs-remote` (a
    /// local clone whose LFS objects were read from its LFS server).
    pub kind: String,
    /// The hub endpoint or LFS server, without credentials.
    pub endpoint: String,
    /// `org/name` (`datasets/org/name` for a dataset), when known.
    pub repo: Option<String>,
    /// The revision asked for (a branch, tag or commit).
    pub revision: Option<String>,
    /// The commit the revision resolved to.
    pub commit: Option<String>,
    /// HTTP requests sent, redirects and retries included.
    pub requests: u64,
    /// Bytes of response bodies read.
    pub bytes_read: u64,
    /// Bytes the listed files declare, for the share that was read.
    pub bytes_declared: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: Cow<'static, str>,
    pub version: Cow<'static, str>,
}

impl Default for Tool {
    fn default() -> Tool {
        Tool {
            name: Cow::Borrowed("openness"),
            version: Cow::Borrowed(env!("CARGO_PKG_VERSION")),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Release {
    pub name: Option<String>,
    pub architectures: Vec<String>,
    pub model_type: Option<String>,
    pub base_models: Vec<String>,
    pub library: Option<String>,
    pub pipeline_tag: Option<String>,
}

/// The status words of SPEC section 2.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Shipped,
    Incomplete,
    Referenced,
    Absent,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Shipped => "shipped",
            Status::Incomplete => "incomplete",
            Status::Referenced => "referenced",
            Status::Absent => "absent",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence for a component.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Item {
    /// Code: architecture, training, inference, evaluation, data-processing,
    /// other. Weights: the format or `reference`. Data: `dataset-card`,
    /// `data-file`, `dataset`.
    #[schemars(with = "String")]
    pub kind: ItemKind,
    pub path: Option<String>,
    /// Where the evidence came from: file, config, card, index, gguf, ...
    #[schemars(with = "String")]
    pub source: ItemSource,
    pub detail: String,
    /// Extension: the line of `path` a reference was read at (source
    /// `text`; `detail` still begins `line N: `), else null.
    #[serde(default)]
    pub line: Option<u32>,
}

impl Item {
    /// A reference read in the text of `rel`: `detail` is `line N: <value>
    /// (rule <rule>)` (without `line N: ` when the line is unknown), and
    /// [`Item::what`] gives `value` back.
    pub fn text_reference(
        kind: ItemKind,
        rel: &str,
        line: Option<u32>,
        value: &str,
        rule: &str,
    ) -> Item {
        let at = line.map_or(String::new(), |l| format!("line {l}: "));
        Item {
            kind,
            path: Some(rel.to_owned()),
            source: ItemSource::Text,
            detail: format!("{at}{value} (rule {rule})"),
            line,
        }
    }

    /// Where the evidence is, for people: `path:line` when the line is
    /// known (`README.md:47`), else the path.
    pub fn location(&self) -> Option<String> {
        let path = self.path.as_deref()?;
        Some(match self.line {
            Some(line) => format!("{path}:{line}"),
            None => path.to_owned(),
        })
    }

    /// What the evidence names, for people: `detail` without the `line N: `
    /// prefix and the ` (rule R)` suffix of a text reference (the place is
    /// [`Item::location`]; the rule stays in `detail`).
    pub fn what(&self) -> &str {
        if self.source != ItemSource::Text {
            return &self.detail;
        }
        let mut what = self.detail.as_str();
        if let Some(line) = self.line
            && let Some(rest) = what
                .strip_prefix("line ")
                .and_then(|r| r.strip_prefix(line.to_string().as_str()))
                .and_then(|r| r.strip_prefix(": "))
        {
            what = rest;
        }
        if let Some(at) = what.rfind(" (rule ")
            && what.ends_with(')')
        {
            what = &what[..at];
        }
        what
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Component {
    pub status: Status,
    pub license: Option<String>,
    /// Extension: where `license` comes from ("LICENSE file in data/",
    /// "card statement", "GGUF general.license", "release licence").
    pub license_source: Option<String>,
    pub items: Vec<Item>,
}

impl Default for Component {
    fn default() -> Component {
        Component {
            status: Status::Absent,
            license: None,
            license_source: None,
            items: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct WeightsComponent {
    #[serde(flatten)]
    pub component: Component,
    pub formats: Vec<String>,
    /// Weights files in the release (LFS pointers included).
    pub files: u64,
    /// Totals over the files whose headers were read; null when none was.
    pub tensors: Option<u64>,
    pub parameters: Option<u64>,
    pub bytes: u64,
    /// Parameters per dtype.
    pub dtypes: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct DataComponent {
    #[serde(flatten)]
    pub component: Component,
    /// Dataset names the release declares.
    pub datasets: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Components {
    pub code: Component,
    pub weights: WeightsComponent,
    pub data: DataComponent,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct License {
    /// What the card declares, verbatim (`apache-2.0`, `other`, ...).
    pub declared: Option<String>,
    /// The release-wide licence as an SPDX expression; non-SPDX model
    /// licences use `LicenseRef-<family>` ids.
    pub spdx: Option<String>,
    /// Extension: a human name for `spdx` ("Llama 3.1 Community License").
    pub name: Option<String>,
    pub open: bool,
    pub files: Vec<LicenseFile>,
    /// Extension: what each part of `spdx` covers, release's parts first
    /// (code, weights, data), then sub-folders and bundled code.
    #[serde(default)]
    pub parts: Vec<LicensePart>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LicenseFile {
    pub path: String,
    pub spdx: Option<String>,
    pub confidence: f32,
    /// Extension: `license`, `use-policy` (an acceptable-use policy, a
    /// restriction) or `attribution` (`NOTICE`, third-party notices: never
    /// the release's licence).
    #[serde(default)]
    pub role: String,
    /// Extension: the part the file covers, from its name (`MODEL_LICENSE`,
    /// `LICENSE-CODE`, `DATA_LICENSE`) or its licence's kind (a model
    /// licence covers weights, a database licence data); `null`: the release.
    #[serde(default)]
    pub scope: Option<String>,
    /// Extension: the sub-folder a licence file below the root covers.
    #[serde(default)]
    pub covers: Option<String>,
    /// Extension: `text` (the licence's text or notice), `pointer` (a
    /// short statement naming it), `title` or `file-name` (a licence no
    /// rule identifies, named `LicenseRef-` of its title or file name);
    /// `null` for a blank file.
    #[serde(default)]
    pub identified_by: Option<String>,
    /// Extension: licences appended after the file's own, for bundled code.
    #[serde(default)]
    pub bundled: Vec<String>,
    /// Extension: use restrictions the text imposes (`field-of-use`,
    /// `user-cap`, `acceptable-use-policy`, `non-commercial`,
    /// `research-only`, `naming-duty`, `use-ban`).
    #[serde(default)]
    pub restrictions: Vec<String>,
}

/// One term of the release's licence expression and what it covers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LicensePart {
    /// `code`, `weights`, `data`, `release` (every part without a licence
    /// of its own), `folder` (a sub-folder's licence file) or `bundled`
    /// (third-party code whose licence is appended to a licence file).
    pub covers: String,
    /// The sub-folder, for `folder`.
    pub path: Option<String>,
    pub spdx: String,
    pub open: bool,
    /// Where the licence was found ("LICENSE-MODEL", "card statement").
    pub source: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Frameworks {
    pub mof: Mof,
    pub osaid: Osaid,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Mof {
    /// "I", "II", "III", or null (unclassified).
    pub class: Option<String>,
    /// Extension: the MOT's label ("Class II - Open Tooling Model").
    pub label: String,
    pub progress: BTreeMap<String, u32>,
    /// Extension: `shipped-only` (default) or `count-referenced`: which
    /// components counted as included.
    #[schemars(with = "String")]
    pub mode: MofMode,
    /// Extension: the next class up and the required components it lacks.
    pub next_class: Option<NextClass>,
    pub components: Vec<MofComponent>,
}

impl Default for Mof {
    fn default() -> Mof {
        Mof {
            class: None,
            label: "Unclassified".to_owned(),
            progress: ["I", "II", "III"]
                .into_iter()
                .map(|c| (c.to_owned(), 0))
                .collect(),
            mode: MofMode::ShippedOnly,
            next_class: None,
            components: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NextClass {
    pub class: Cow<'static, str>,
    pub missing: Vec<String>,
    /// Extension: why each component of `missing` does not count, in the
    /// same order.
    #[serde(default)]
    pub reasons: Vec<MissingComponent>,
    /// Extension: why the class is not reached, in one line: the licences
    /// that keep present components from counting first, then how many are
    /// only referenced or absent (`licence not open: LicenseRef-Llama-2
    /// (Model architecture, Model card); 4 absent`).
    #[serde(default)]
    pub why: String,
}

words! {
    /// Why a required component does not count towards the next MOF class.
    MissingReason {
        /// No evidence of it in the release.
        Absent = "absent",
        /// The release only points to it, and only shipped components
        /// count (no `--count-referenced`).
        Referenced = "referenced",
        /// Present without a licence.
        Unlicensed = "unlicensed",
        /// Present under a licence that is not open.
        LicenseNotOpen = "license-not-open",
        /// Present under a licence this tool finds open but the MOT does
        /// not accept: an SPDX expression (the MOT reads one id) or an id
        /// missing from its list.
        LicenseNotAccepted = "license-not-accepted",
    }
}

impl MissingReason {
    /// The reason in words, for people ("only referenced").
    pub fn phrase(self) -> &'static str {
        match self {
            MissingReason::Absent => "absent",
            MissingReason::Referenced => "only referenced",
            MissingReason::Unlicensed => "no licence",
            MissingReason::LicenseNotOpen => "licence not open",
            MissingReason::LicenseNotAccepted => "licence not accepted by the MOT",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MissingComponent {
    /// The exact MOF 1.0 name, as in `missing`.
    pub name: String,
    /// `absent`, `referenced`, `unlicensed`, `license-not-open` or
    /// `license-not-accepted`.
    #[schemars(with = "String")]
    pub reason: MissingReason,
    /// The licence that applies to it, when present.
    pub license: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MofComponent {
    pub id: u32,
    /// The exact MOF 1.0 name.
    pub name: Cow<'static, str>,
    pub class: Cow<'static, str>,
    pub required: bool,
    /// `shipped`, `referenced` or `absent`.
    pub status: Status,
    pub license: Option<String>,
    /// Extension: whether it counted towards the class (included under an
    /// open licence, by the MOT's rules).
    pub counts: bool,
    /// Extension: why it does not count, or the MOT's warning.
    pub note: Option<String>,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Osaid {
    pub open_source_ai: bool,
    pub missing: Vec<String>,
    /// Extension: every element checked, met or not.
    pub checklist: Vec<OsaidElement>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OsaidElement {
    /// `data-information`, `code` or `parameters`.
    pub part: Cow<'static, str>,
    pub element: Cow<'static, str>,
    pub met: bool,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Weights,
    Code,
    Data,
    Config,
    Tokenizer,
    Docs,
    License,
    Other,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Weights => "weights",
            FileKind::Code => "code",
            FileKind::Data => "data",
            FileKind::Config => "config",
            FileKind::Tokenizer => "tokenizer",
            FileKind::Docs => "docs",
            FileKind::License => "license",
            FileKind::Other => "other",
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub kind: FileKind,
    pub format: Option<String>,
    pub lfs_pointer: bool,
    /// The link target as written, when the path is a symlink.
    pub symlink: Option<String>,
    pub sha256: Option<String>,
    /// Extension: the pointer's declared object, when `lfs_pointer`.
    pub lfs: Option<LfsObject>,
    /// Extension: what the header says, for weights files that were read.
    pub weights: Option<FileWeights>,
    /// Extension: a digest the release itself declares for this file, and
    /// whether `--hash` confirmed it.
    pub integrity: Option<Integrity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Integrity {
    pub expected: String,
    /// `hf-cache-blob`, `hf-download-metadata` or `model-signing` (digests
    /// only: the bundle's signature is not verified).
    #[schemars(with = "String")]
    pub source: DigestSource,
    /// `verified`, `mismatched`, or `not-checked` (no `--hash`).
    #[schemars(with = "String")]
    pub status: IntegrityStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LfsObject {
    pub oid: String,
    pub size: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileWeights {
    pub tensors: u64,
    pub parameters: u64,
    pub bytes: u64,
    pub dtypes: BTreeMap<String, u64>,
}

#[cfg(test)]
mod overlong_tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn string_tokens_are_measured_and_escapes_do_not_end_them() {
        let mut sink = StringLengths::default();
        let long = "a".repeat(MAX_REPORT_STRING + 1);
        let json = serde_json::json!({"k": "x\"y", "long": long, "n": 1});
        serde_json::to_writer(&mut sink, &json).unwrap();
        assert_eq!(sink.over, 1);
        assert_eq!(sink.longest, MAX_REPORT_STRING + 1);
        // Byte by byte, as a writer may be fed.
        let mut sink = StringLengths::default();
        for b in br#"{"a":"b\\","c":"dd"}"# {
            sink.write_all(&[*b]).unwrap();
        }
        // `"b\\"` is three bytes as JSON, and the quote after the escaped
        // backslash closes it.
        assert_eq!((sink.over, sink.longest), (0, 3));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_reference_gives_back_its_place_and_value() {
        let item = Item::text_reference(
            ItemKind::Reference,
            "README.md",
            Some(47),
            "https://huggingface.co/org/model",
            "hub-model-link",
        );
        assert_eq!(
            item.detail,
            "line 47: https://huggingface.co/org/model (rule hub-model-link)"
        );
        assert_eq!(item.location().as_deref(), Some("README.md:47"));
        assert_eq!(item.what(), "https://huggingface.co/org/model");

        let no_line = Item::text_reference(
            ItemKind::Reference,
            "download.sh",
            None,
            "a download script (weights)",
            "download-script",
        );
        assert_eq!(no_line.location().as_deref(), Some("download.sh"));
        assert_eq!(no_line.what(), "a download script (weights)");
    }

    #[test]
    fn other_items_keep_their_detail() {
        let item = Item {
            kind: ItemKind::Dataset,
            path: None,
            source: ItemSource::Card,
            detail: "line 3: looks like a place (rule x)".to_owned(),
            line: None,
        };
        assert_eq!(item.what(), item.detail);
        assert_eq!(item.location(), None);
    }

    #[test]
    fn an_item_without_a_line_reads_from_older_reports() {
        let item: Item = serde_json::from_str(
            r#"{"kind": "reference", "path": "README.md", "source": "text", "detail": "line 2: x (rule r)"}"#,
        )
        .unwrap();
        assert_eq!(item.line, None);
        assert_eq!(item.what(), "line 2: x");
    }
}
