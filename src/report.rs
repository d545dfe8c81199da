//! The report: plain serde structs that are the JSON contract of
//! `../shared/SPEC.md` section 3. Renderers read these and compute nothing;
//! collections are sorted by the assessment so output is deterministic.

use crate::finding::Finding;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// Bumped only on a breaking change of the JSON.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema of [`Report`], generated from these types; the checked-in
/// `schema/report.schema.json` is this text (a test keeps them equal).
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Report).to_value();
    require_every_property(&mut schema);
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

#[derive(Debug, Clone, Serialize, JsonSchema)]
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
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Tool {
        Tool {
            name: "openness",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Release {
    pub name: Option<String>,
    pub architectures: Vec<String>,
    pub model_type: Option<String>,
    pub base_models: Vec<String>,
    pub library: Option<String>,
    pub pipeline_tag: Option<String>,
}

/// The status words of SPEC section 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
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

/// One piece of evidence for a component.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Item {
    /// Code: architecture, training, inference, evaluation, data-processing,
    /// other. Weights: the format or `reference`. Data: `dataset-card`,
    /// `data-file`, `dataset`.
    pub kind: String,
    pub path: Option<String>,
    /// Where the evidence came from: file, config, card, index, gguf, ...
    pub source: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
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

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
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

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct DataComponent {
    #[serde(flatten)]
    pub component: Component,
    /// Dataset names the release declares.
    pub datasets: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Components {
    pub code: Component,
    pub weights: WeightsComponent,
    pub data: DataComponent,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
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
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LicenseFile {
    pub path: String,
    pub spdx: Option<String>,
    pub confidence: f32,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Frameworks {
    pub mof: Mof,
    pub osaid: Osaid,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Mof {
    /// "I", "II", "III", or null (unclassified).
    pub class: Option<String>,
    /// Extension: the MOT's label ("Class II - Open Tooling Model").
    pub label: String,
    pub progress: BTreeMap<String, u32>,
    /// Extension: `shipped-only` (default) or `count-referenced`: which
    /// components counted as included.
    pub mode: &'static str,
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
            mode: "shipped-only",
            next_class: None,
            components: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NextClass {
    pub class: &'static str,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MofComponent {
    pub id: u32,
    /// The exact MOF 1.0 name.
    pub name: &'static str,
    pub class: &'static str,
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

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Osaid {
    pub open_source_ai: bool,
    pub missing: Vec<String>,
    /// Extension: every element checked, met or not.
    pub checklist: Vec<OsaidElement>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OsaidElement {
    /// `data-information`, `code` or `parameters`.
    pub part: &'static str,
    pub element: &'static str,
    pub met: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
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

#[derive(Debug, Clone, Serialize, JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Integrity {
    pub expected: String,
    /// `hf-cache-blob`, `hf-download-metadata` or `model-signing` (digests
    /// only: the bundle's signature is not verified).
    pub source: &'static str,
    /// `verified`, `mismatched`, or `not-checked` (no `--hash`).
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LfsObject {
    pub oid: String,
    pub size: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FileWeights {
    pub tensors: u64,
    pub parameters: u64,
    pub bytes: u64,
    pub dtypes: BTreeMap<String, u64>,
}
