//! The MOT's per-model YAML (`models/<Name>.yml`, schema
//! `schema/mof_schema.json`): a strict reader whose errors name the field,
//! licence resolution as the MOT does it, and a small emitter.
//!
//! The document is read into a generic tree under YAML budgets and then
//! walked by hand, so every error can say where it is
//! (`release.components[3].name: unknown component "Foo"`).

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::licenses::UNLICENSED;
use super::{ComponentInput, ContentType, Evaluation, component_by_name, components, evaluate};

/// MOT files are a few kilobytes; anything this big is not one.
const MAX_BYTES: usize = 4 << 20;

/// The only `framework.name` the schema allows.
const FRAMEWORK_NAME: &str = "Model Openness Framework";
/// What [`to_mot_yaml`] writes as `framework`: MOF 1.0 of 2024-12-15.
const FRAMEWORK_VERSION: &str = "1.0";
const FRAMEWORK_DATE: &str = "2024-12-15";

/// `release.type`, `release.architecture` and `release.treatment` enums of
/// `mof_schema.json`.
const TYPES: &[&str] = &[
    "",
    "language",
    "vision",
    "image",
    "audio",
    "video",
    "3d",
    "code",
    "multimodal",
    "other",
];
const ARCHITECTURES: &[&str] = &[
    "",
    "transformer",
    "transformer decoder",
    "transformer encoder-decoder",
    "decoder",
    "encoder",
    "diffusion",
    "RNN",
    "CNN",
    "LSTM",
    "NeRF",
    "hybrid",
    "undisclosed",
    "other",
];
const TREATMENTS: &[&str] = &["pre-trained", "instruct fine-tuned", "chat fine-tuned"];

/// Why a MOT file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MotError {
    /// Not YAML, too big, or over a parsing budget.
    #[error("invalid YAML: {0}")]
    Yaml(String),
    /// Valid YAML that breaks the MOT schema; `field` is a path such as
    /// `release.components[3].name`.
    #[error("{field}: {message}")]
    Field { field: String, message: String },
}

impl MotError {
    fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        MotError::Field {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The offending field's path, if the error is about one.
    pub fn field_path(&self) -> Option<&str> {
        match self {
            MotError::Field { field, .. } => Some(field),
            MotError::Yaml(_) => None,
        }
    }
}

/// `framework` of a MOT file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkInfo {
    pub name: String,
    pub version: String,
    pub date: String,
}

/// One of `release.license.{distribution,code,data,document}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GlobalLicense {
    pub name: Option<String>,
    pub path: Option<String>,
}

/// `release.license`: a distribution-wide licence and one per content type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GlobalLicenses {
    pub distribution: Option<GlobalLicense>,
    pub code: Option<GlobalLicense>,
    pub data: Option<GlobalLicense>,
    pub document: Option<GlobalLicense>,
}

impl GlobalLicenses {
    /// The type-wide licence for `content_type`.
    pub fn for_type(&self, content_type: ContentType) -> Option<&GlobalLicense> {
        match content_type {
            ContentType::Code => self.code.as_ref(),
            ContentType::Data => self.data.as_ref(),
            ContentType::Document => self.document.as_ref(),
        }
    }

    /// How many of the four are given (with or without a name), as the MOT's
    /// `scripts/test-model-files.php` counts global licences.
    pub fn count(&self) -> usize {
        [&self.distribution, &self.code, &self.data, &self.document]
            .iter()
            .filter(|l| l.is_some())
            .count()
    }

    /// `ModelEvaluator::resolveLicense` after the component level: the
    /// type-wide licence, else the distribution licence, if named.
    fn resolve(&self, content_type: ContentType) -> Option<&str> {
        named(self.for_type(content_type)).or_else(|| named(self.distribution.as_ref()))
    }
}

/// The licence's name when it has a non-empty one (PHP `!empty`).
fn named(l: Option<&GlobalLicense>) -> Option<&str> {
    l.and_then(|l| l.name.as_deref()).filter(|n| !n.is_empty())
}

/// One listed component as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MotComponent {
    pub id: u32,
    pub name: &'static str,
    pub description: Option<String>,
    /// The component's own `license`, as written (`unlicensed` included);
    /// `None` when absent, which means it inherits a global licence.
    pub license: Option<String>,
    pub license_path: Option<String>,
    pub component_path: Option<String>,
}

/// A parsed MOT file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MotFile {
    pub framework: FrameworkInfo,
    pub release_name: String,
    pub version: Option<String>,
    pub date: Option<String>,
    /// `release.type`.
    pub model_type: Option<String>,
    pub architecture: Option<String>,
    pub treatment: Option<String>,
    pub origin: Option<String>,
    pub producer: String,
    pub contact: Option<String>,
    pub repository: Option<String>,
    pub huggingface: Option<String>,
    pub licenses: GlobalLicenses,
    /// Listed components in file order; a repeated name is merged into its
    /// first listing (see [`MotFile::warnings`]).
    pub components: Vec<MotComponent>,
    /// What the evaluator needs: each listed component, included, with its
    /// licence resolved the MOT way.
    pub inputs: Vec<ComponentInput>,
    /// Things the MOT accepts silently but a reader should know.
    pub warnings: Vec<String>,
}

impl MotFile {
    /// The MOT's verdict on this file.
    pub fn evaluate(&self) -> Evaluation {
        evaluate(&self.inputs)
    }

    /// The same content in the emitter's shape.
    pub fn to_out(&self) -> MotFileOut {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let out_license = |l: &Option<GlobalLicense>| {
            l.as_ref().map(|l| LicenseOut {
                name: l.name.clone(),
                path: l.path.clone(),
            })
        };
        MotFileOut {
            name: self.release_name.clone(),
            version: text(&self.version),
            date: text(&self.date),
            model_type: text(&self.model_type),
            architecture: text(&self.architecture),
            treatment: self.treatment.clone(),
            origin: text(&self.origin),
            producer: self.producer.clone(),
            contact: text(&self.contact),
            repository: self.repository.clone(),
            huggingface: self.huggingface.clone(),
            distribution: out_license(&self.licenses.distribution),
            code: out_license(&self.licenses.code),
            data: out_license(&self.licenses.data),
            document: out_license(&self.licenses.document),
            components: self
                .components
                .iter()
                .map(|c| ComponentOut {
                    name: c.name.to_owned(),
                    description: c.description.clone(),
                    license: c.license.clone(),
                    license_path: c.license_path.clone(),
                    component_path: c.component_path.clone(),
                })
                .collect(),
        }
    }
}

/// Parses a MOT YAML file, checks it against `mof_schema.json` (required
/// fields, types, enums, at most 17 components, known component names) and
/// resolves each component's licence as `ModelEvaluator::resolveLicense`
/// does: the component's `license` (where `unlicensed` or an empty value
/// means none and stops the search), else `release.license.<type>.name`,
/// else `release.license.distribution.name`, else none.
///
/// Lenient where the MOT is: unknown keys are ignored, numbers are accepted
/// as text, `null` counts as absent, and a repeated component is merged into
/// its first listing with later keys winning (`ModelUpdater` keys components
/// by id). A component `license` may also be written `{name, path}`.
pub fn parse_mot_yaml(text: &str) -> Result<MotFile, MotError> {
    if text.len() > MAX_BYTES {
        return Err(MotError::Yaml(format!(
            "{} bytes is too big for a MOT file (at most {MAX_BYTES})",
            text.len()
        )));
    }
    let root = load_yaml(text)?;
    let root = match &root {
        Value::Object(m) => m,
        Value::Null => return Err(MotError::field("(document)", "empty")),
        other => {
            return Err(MotError::field(
                "(document)",
                format!("expected a mapping, found {}", kind(other)),
            ));
        }
    };

    let framework = required_map(root, "framework", "framework")?;
    let framework = FrameworkInfo {
        name: required_string(framework, "name", "framework.name")?,
        version: required_string(framework, "version", "framework.version")?,
        date: required_string(framework, "date", "framework.date")?,
    };
    if framework.name != FRAMEWORK_NAME {
        return Err(MotError::field(
            "framework.name",
            format!("expected {FRAMEWORK_NAME:?}, found {:?}", framework.name),
        ));
    }

    let release = required_map(root, "release", "release")?;
    let release_name = required_string(release, "name", "release.name")?;
    if release_name.is_empty() {
        return Err(MotError::field("release.name", "empty"));
    }
    let producer = required_string(release, "producer", "release.producer")?;
    let model_type = enum_string(release, "type", TYPES)?;
    let architecture = enum_string(release, "architecture", ARCHITECTURES)?;
    let treatment = enum_string(release, "treatment", TREATMENTS)?;
    let licenses = parse_global_licenses(required_map(release, "license", "release.license")?)?;

    let list = match release.get("components") {
        None | Some(Value::Null) => return Err(MotError::field("release.components", "missing")),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(MotError::field(
                "release.components",
                format!("expected a list, found {}", kind(other)),
            ));
        }
    };
    if list.len() > components().len() {
        return Err(MotError::field(
            "release.components",
            format!(
                "{} items; the schema allows at most {}",
                list.len(),
                components().len()
            ),
        ));
    }

    let mut warnings = Vec::new();
    let mut listed: Vec<MotComponent> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let at = format!("release.components[{i}]");
        let c = parse_component(item, &at)?;
        match listed.iter_mut().position(|l| l.id == c.id) {
            Some(first) => {
                warnings.push(format!(
                    "{at}.name: {:?} is listed again (first at release.components[{first}]); \
                     its keys override the first listing's, as the MOT merges them",
                    c.name
                ));
                let l = &mut listed[first];
                l.description = c.description.or(l.description.take());
                l.license = c.license.or(l.license.take());
                l.license_path = c.license_path.or(l.license_path.take());
                l.component_path = c.component_path.or(l.component_path.take());
            }
            None => listed.push(c),
        }
    }

    let inputs = listed
        .iter()
        .map(|c| {
            let content_type = component_by_name(c.name).map(|d| d.content_type);
            let license = match c.license.as_deref() {
                // `ModelUpdater` stores `unlicensed` as ''; `resolveLicense`
                // returns null for '' without looking further.
                Some(l) if l.is_empty() || l == UNLICENSED => None,
                Some(l) => Some(l.to_owned()),
                None => content_type
                    .and_then(|t| licenses.resolve(t))
                    .map(str::to_owned),
            };
            ComponentInput {
                id: c.id,
                included: true,
                license,
            }
        })
        .collect();

    Ok(MotFile {
        framework,
        release_name,
        version: optional_string(release, "version", "release.version")?,
        date: optional_string(release, "date", "release.date")?,
        model_type,
        architecture,
        treatment,
        origin: optional_string(release, "origin", "release.origin")?,
        producer,
        contact: optional_string(release, "contact", "release.contact")?,
        repository: optional_string(release, "repository", "release.repository")?,
        huggingface: optional_string(release, "huggingface", "release.huggingface")?,
        licenses,
        components: listed,
        inputs,
        warnings,
    })
}

fn load_yaml(text: &str) -> Result<Value, MotError> {
    // A MOT file has a few hundred nodes; these budgets stop alias bombs and
    // deep nesting long before they cost anything.
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_nodes: 100_000,
            max_events: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_documents: 1,
            max_total_scalar_bytes: MAX_BYTES,
            max_recorded_anchor_events: 50_000,
            max_recorded_anchor_bytes: MAX_BYTES,
            flow_nesting_limit: 32,
        },
        alias_limits: alias_limits(),
        // Only YAML 1.2 `true`/`false` are booleans; `no` stays text.
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| {
        let e = e.without_snippet();
        let msg = e.to_string();
        let first = msg.lines().next().unwrap_or("").trim();
        let mut cut: String = first.chars().take(300).collect();
        if cut.is_empty() {
            cut = "unreadable document".to_owned();
        }
        MotError::Yaml(cut)
    })
}

fn alias_limits() -> serde_saphyr::options::AliasLimits {
    let mut limits = serde_saphyr::options::AliasLimits::default();
    limits.max_total_replayed_events = 50_000;
    limits.max_replay_stack_depth = 16;
    limits.max_alias_expansions_per_anchor = 1_000;
    limits
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Text of a scalar; numbers are taken as written (`version: 7` is "7").
fn as_text(v: &Value, at: &str) -> Result<Option<String>, MotError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(MotError::field(
            at,
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

fn optional_string(
    m: &Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<String>, MotError> {
    m.get(key).map_or(Ok(None), |v| as_text(v, at))
}

fn required_string(m: &Map<String, Value>, key: &str, at: &str) -> Result<String, MotError> {
    optional_string(m, key, at)?.ok_or_else(|| MotError::field(at, "missing"))
}

fn required_map<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<&'a Map<String, Value>, MotError> {
    match m.get(key) {
        None | Some(Value::Null) => Err(MotError::field(at, "missing")),
        Some(Value::Object(o)) => Ok(o),
        Some(other) => Err(MotError::field(
            at,
            format!("expected a mapping, found {}", kind(other)),
        )),
    }
}

fn enum_string(
    release: &Map<String, Value>,
    key: &str,
    allowed: &[&str],
) -> Result<Option<String>, MotError> {
    let at = format!("release.{key}");
    let value = optional_string(release, key, &at)?;
    if let Some(v) = &value
        && !allowed.contains(&v.as_str())
    {
        let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
        return Err(MotError::field(
            at,
            format!("{v:?} is not one of {}", list.join(", ")),
        ));
    }
    Ok(value)
}

fn parse_global_licenses(m: &Map<String, Value>) -> Result<GlobalLicenses, MotError> {
    let one = |key: &str| -> Result<Option<GlobalLicense>, MotError> {
        let at = format!("release.license.{key}");
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(GlobalLicense {
                name: optional_string(o, "name", &format!("{at}.name"))?,
                path: optional_string(o, "path", &format!("{at}.path"))?,
            })),
            Some(other) => Err(MotError::field(
                at,
                format!(
                    "expected a mapping with name and path, found {}",
                    kind(other)
                ),
            )),
        }
    };
    Ok(GlobalLicenses {
        distribution: one("distribution")?,
        code: one("code")?,
        data: one("data")?,
        document: one("document")?,
    })
}

fn parse_component(item: &Value, at: &str) -> Result<MotComponent, MotError> {
    let m = match item {
        Value::Object(m) => m,
        other => {
            return Err(MotError::field(
                at,
                format!("expected a mapping, found {}", kind(other)),
            ));
        }
    };
    let name_at = format!("{at}.name");
    let name = required_string(m, "name", &name_at)?;
    let def = component_by_name(&name).ok_or_else(|| {
        let mut msg = format!("unknown component {name:?}");
        let hint = components()
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name.trim()));
        if let Some(c) = hint {
            let _ = write!(msg, " (names are exact: did you mean {:?}?)", c.name);
        }
        MotError::field(&name_at, msg)
    })?;

    let license_at = format!("{at}.license");
    let mut license_path = optional_string(m, "license_path", &format!("{at}.license_path"))?;
    let license = match m.get("license") {
        None => None,
        Some(Value::Object(o)) => {
            let path = optional_string(o, "path", &format!("{license_at}.path"))?;
            if license_path.is_none() {
                license_path = path;
            }
            optional_string(o, "name", &format!("{license_at}.name"))?
        }
        Some(v) => as_text(v, &license_at)?,
    };
    Ok(MotComponent {
        id: def.id,
        name: def.name,
        description: optional_string(m, "description", &format!("{at}.description"))?,
        license,
        license_path,
        component_path: optional_string(m, "component_path", &format!("{at}.component_path"))?,
    })
}

// ---------------------------------------------------------------------------
// Emitter

/// A licence named in `release.license`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LicenseOut {
    pub name: Option<String>,
    pub path: Option<String>,
}

/// One component to write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComponentOut {
    /// One of the 17 exact names of [`components`].
    pub name: String,
    pub description: Option<String>,
    /// `None` inherits the global licence for the component's type; write
    /// `unlicensed` for a component that has no licence.
    pub license: Option<String>,
    pub license_path: Option<String>,
    pub component_path: Option<String>,
}

/// What [`to_mot_yaml`] writes. Empty strings are written as `''`, as the
/// MOT's `sample_model.yml` does; `type` and `architecture` must be one of
/// the schema's values (`""` is one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MotFileOut {
    pub name: String,
    pub version: String,
    pub date: String,
    /// `release.type`.
    pub model_type: String,
    pub architecture: String,
    pub treatment: Option<String>,
    pub origin: String,
    pub producer: String,
    pub contact: String,
    pub repository: Option<String>,
    pub huggingface: Option<String>,
    pub distribution: Option<LicenseOut>,
    pub code: Option<LicenseOut>,
    pub data: Option<LicenseOut>,
    pub document: Option<LicenseOut>,
    pub components: Vec<ComponentOut>,
}

impl MotFileOut {
    /// Whether the emitted file would pass [`parse_mot_yaml`]: a non-empty
    /// name, schema enum values, known component names, at most 17.
    pub fn validate(&self) -> Result<(), MotError> {
        parse_mot_yaml(&to_mot_yaml(self)).map(|_| ())
    }
}

/// Writes a MOT YAML file in the layout of the MOT's `sample_model.yml`.
/// Every string is double-quoted with escapes, so any text round-trips
/// through [`parse_mot_yaml`]; the output meets the schema's required fields
/// (`framework`, `release.name`, `license`, `producer`, `components`) when
/// [`MotFileOut::validate`] accepts it.
pub fn to_mot_yaml(file: &MotFileOut) -> String {
    let mut y = String::with_capacity(1024);
    y.push_str("framework:\n");
    field(&mut y, 2, "name", FRAMEWORK_NAME);
    field(&mut y, 2, "version", FRAMEWORK_VERSION);
    field(&mut y, 2, "date", FRAMEWORK_DATE);
    y.push_str("release:\n");
    field(&mut y, 2, "name", &file.name);
    field(&mut y, 2, "version", &file.version);
    field(&mut y, 2, "date", &file.date);
    field(&mut y, 2, "type", &file.model_type);
    field(&mut y, 2, "architecture", &file.architecture);
    if let Some(t) = &file.treatment {
        field(&mut y, 2, "treatment", t);
    }
    field(&mut y, 2, "origin", &file.origin);
    field(&mut y, 2, "producer", &file.producer);
    field(&mut y, 2, "contact", &file.contact);
    if let Some(r) = &file.repository {
        field(&mut y, 2, "repository", r);
    }
    if let Some(h) = &file.huggingface {
        field(&mut y, 2, "huggingface", h);
    }
    let globals = [
        ("distribution", &file.distribution),
        ("code", &file.code),
        ("data", &file.data),
        ("document", &file.document),
    ];
    if globals.iter().all(|(_, l)| l.is_none()) {
        y.push_str("  license: {}\n");
    } else {
        y.push_str("  license:\n");
        for (kind, license) in globals {
            let Some(l) = license else { continue };
            let _ = writeln!(y, "    {kind}:");
            opt_field(&mut y, 6, "name", l.name.as_deref());
            opt_field(&mut y, 6, "path", l.path.as_deref());
        }
    }
    if file.components.is_empty() {
        y.push_str("  components: []\n");
    } else {
        y.push_str("  components:\n");
        for c in &file.components {
            let _ = writeln!(y, "    - name: {}", quote(&c.name));
            if let Some(d) = &c.description {
                field(&mut y, 6, "description", d);
            }
            if let Some(l) = &c.license {
                field(&mut y, 6, "license", l);
            }
            if let Some(p) = &c.license_path {
                field(&mut y, 6, "license_path", p);
            }
            if let Some(p) = &c.component_path {
                field(&mut y, 6, "component_path", p);
            }
        }
    }
    y
}

fn field(y: &mut String, indent: usize, key: &str, value: &str) {
    let _ = writeln!(y, "{:indent$}{key}: {}", "", quote(value));
}

/// `name:` with no value is YAML null, which the schema allows for licence
/// names and paths.
fn opt_field(y: &mut String, indent: usize, key: &str, value: Option<&str>) {
    match value {
        Some(v) => field(y, indent, key, v),
        None => {
            let _ = writeln!(y, "{:indent$}{key}:", "");
        }
    }
}

/// A YAML double-quoted scalar: the one style in which every string,
/// including `null`, `~`, `yes`, `#x`, leading spaces and line breaks, reads
/// back as itself.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
                ) =>
            {
                let _ = write!(q, "\\u{:04X}", u32::from(c));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mof::LicenseStatus;

    const SAMPLE: &str = include_str!("../../fixtures/mof/data/schema/sample_model.yml");

    fn minimal(release_extra: &str) -> String {
        format!(
            "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n\
             release:\n  name: M\n  producer: P\n  license: {{}}\n{release_extra}"
        )
    }

    fn err(text: &str) -> String {
        parse_mot_yaml(text).unwrap_err().to_string()
    }

    #[test]
    fn sample_model_resolves_licences_the_mot_way() {
        let f = parse_mot_yaml(SAMPLE).unwrap();
        assert_eq!(f.release_name, "My-model");
        assert_eq!(f.components.len(), 17);
        assert_eq!(f.licenses.count(), 4);
        let lic = |name: &str| {
            let id = component_by_name(name).unwrap().id;
            f.inputs
                .iter()
                .find(|i| i.id == id)
                .unwrap()
                .license
                .clone()
        };
        // `license: unlicensed` stops the fallback.
        assert_eq!(lic("Model architecture"), None);
        assert_eq!(
            lic("Data preprocessing code").as_deref(),
            Some("Apache-2.0")
        );
        // Code inherits release.license.code.
        assert_eq!(lic("Training code").as_deref(), Some("MIT"));
        // Data and document have empty type licences: the distribution one.
        assert_eq!(lic("Datasets").as_deref(), Some("Apache-2.0"));
        assert_eq!(lic("Model card").as_deref(), Some("Apache-2.0"));
        let e = f.evaluate();
        let arch = e.components.iter().find(|c| c.id == 9).unwrap();
        assert_eq!(arch.license_status, LicenseStatus::Unlicensed);
        // Architecture unlicensed: Class III not met.
        assert_eq!(e.class, None);
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            ("", "(document): empty"),
            ("- a\n", "(document): expected a mapping, found a list"),
            ("release: {}\n", "framework: missing"),
            (
                "framework:\n  name: MOF\n  version: '1'\n  date: x\nrelease: {}\n",
                "framework.name: expected \"Model Openness Framework\", found \"MOF\"",
            ),
            (
                "framework:\n  name: Model Openness Framework\n  date: x\nrelease: {}\n",
                "framework.version: missing",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(err(text), want, "{text}");
        }
        let head = "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n";
        assert_eq!(
            err(&format!("{head}release:\n  producer: P\n")),
            "release.name: missing"
        );
        assert_eq!(
            err(&format!("{head}release:\n  name: ''\n")),
            "release.name: empty"
        );
        assert_eq!(
            err(&format!(
                "{head}release:\n  name: M\n  license: {{}}\n  components: []\n"
            )),
            "release.producer: missing"
        );
        assert_eq!(
            err(&format!(
                "{head}release:\n  name: M\n  producer: P\n  components: []\n"
            )),
            "release.license: missing"
        );
        assert_eq!(err(&minimal("")), "release.components: missing");
        assert_eq!(
            err(&minimal("  components: {a: 1}\n")),
            "release.components: expected a list, found a mapping"
        );
        let four = "  components:\n    - name: Datasets\n    - name: Model card\n    - name: Training code\n    - name: Foo\n";
        assert_eq!(
            err(&minimal(four)),
            "release.components[3].name: unknown component \"Foo\""
        );
        assert_eq!(
            err(&minimal("  components:\n    - name: model card\n")),
            "release.components[0].name: unknown component \"model card\" \
             (names are exact: did you mean \"Model card\"?)"
        );
        assert_eq!(
            err(&minimal("  components:\n    - description: x\n")),
            "release.components[0].name: missing"
        );
        assert_eq!(
            err(&minimal("  components:\n    - Datasets\n")),
            "release.components[0]: expected a mapping, found a string"
        );
        assert_eq!(
            err(&minimal(
                "  components:\n    - name: Datasets\n      license: [MIT]\n"
            )),
            "release.components[0].license: expected a string, found a list"
        );
        assert_eq!(
            err(&minimal("  type: llm\n  components: []\n")),
            "release.type: \"llm\" is not one of \"\", \"language\", \"vision\", \"image\", \
             \"audio\", \"video\", \"3d\", \"code\", \"multimodal\", \"other\""
        );
        assert!(
            err(&minimal("  architecture: Transformer\n  components: []\n"))
                .starts_with("release.architecture: \"Transformer\" is not one of")
        );
        let bad_global = "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n\
                          release:\n  name: M\n  producer: P\n  license:\n    distribution: MIT\n  components: []\n";
        assert_eq!(
            err(bad_global),
            "release.license.distribution: expected a mapping with name and path, found a string"
        );
        let many: String = (0..18).map(|_| "    - name: Datasets\n").collect();
        assert_eq!(
            err(&minimal(&format!("  components:\n{many}"))),
            "release.components: 18 items; the schema allows at most 17"
        );
    }

    #[test]
    fn yaml_errors_and_hostile_input_do_not_panic() {
        assert!(matches!(parse_mot_yaml("a: [b\n"), Err(MotError::Yaml(_))));
        assert!(parse_mot_yaml("a: 1\na: 2\n").is_err());
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        assert!(parse_mot_yaml(bomb).is_err());
        let deep = "[".repeat(10_000);
        assert!(parse_mot_yaml(&deep).is_err());
        assert!(parse_mot_yaml(&"x".repeat(MAX_BYTES + 1)).is_err());
        for text in [
            "~",
            "1",
            "'x'",
            "release: 3",
            "framework: []",
            "\u{FEFF}",
            "---\n---\n",
        ] {
            assert!(parse_mot_yaml(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn every_truncation_of_the_sample_is_handled() {
        for end in 0..=SAMPLE.len() {
            if SAMPLE.is_char_boundary(end) {
                let _ = parse_mot_yaml(&SAMPLE[..end]);
            }
        }
    }

    #[test]
    fn licence_forms() {
        let f = parse_mot_yaml(&minimal(
            "  components:\n\
             \x20   - name: Datasets\n      license: {name: CC-BY-4.0, path: LICENSE-DATA}\n\
             \x20   - name: Model card\n      license:\n\
             \x20   - name: Training code\n      license: ''\n\
             \x20   - name: Inference code\n      license: 2.0\n",
        ))
        .unwrap();
        assert_eq!(f.components[0].license.as_deref(), Some("CC-BY-4.0"));
        assert_eq!(
            f.components[0].license_path.as_deref(),
            Some("LICENSE-DATA")
        );
        // A null licence inherits; there is no global one here.
        assert_eq!(f.components[1].license, None);
        assert_eq!(f.inputs[1].license, None);
        assert_eq!(f.components[2].license.as_deref(), Some(""));
        assert_eq!(f.inputs[3].license.as_deref(), Some("2.0"));
    }

    #[test]
    fn unquoted_scalars_are_read_as_text() {
        let f = parse_mot_yaml(&minimal(
            "  version: 7\n  date: 2025-05-16\n  contact: no\n  components: []\n",
        ))
        .unwrap();
        assert_eq!(f.version.as_deref(), Some("7"));
        assert_eq!(f.date.as_deref(), Some("2025-05-16"));
        assert_eq!(f.contact.as_deref(), Some("no"));
        assert_eq!(
            err(&minimal("  contact: true\n  components: []\n")),
            "release.contact: expected a string, found a boolean"
        );
    }

    #[test]
    fn repeated_components_merge_with_a_warning() {
        let f = parse_mot_yaml(&minimal(
            "  components:\n\
             \x20   - name: Datasets\n      license: MIT\n      component_path: a\n\
             \x20   - name: Model card\n\
             \x20   - name: Datasets\n      license: CC-BY-4.0\n",
        ))
        .unwrap();
        assert_eq!(f.components.len(), 2);
        assert_eq!(f.components[0].license.as_deref(), Some("CC-BY-4.0"));
        assert_eq!(f.components[0].component_path.as_deref(), Some("a"));
        assert_eq!(f.warnings.len(), 1);
        assert!(f.warnings[0].starts_with("release.components[2].name:"));
    }

    #[test]
    fn sample_round_trips() {
        let f = parse_mot_yaml(SAMPLE).unwrap();
        let text = to_mot_yaml(&f.to_out());
        let g = parse_mot_yaml(&text).unwrap();
        assert_eq!(f, g, "{text}");
        assert_eq!(f.evaluate(), g.evaluate());
    }

    #[test]
    fn awkward_strings_round_trip() {
        let nasty = [
            "",
            "null",
            "~",
            "yes",
            "true",
            "1.0",
            "0755",
            " leading and trailing ",
            "# not a comment",
            "a: b",
            "- item",
            "quote \" and 'apostrophe' and \\ backslash",
            "line\nbreak\r\nand\ttab",
            "bell\u{7} nul\u{0} del\u{7f} c1\u{85} ls\u{2028} bom\u{feff}",
            "日本語 and emoji 🦀",
            "&anchor *alias !tag %directive @at `tick`",
            "{flow: map}",
            "[flow, seq]",
            "---",
            "...",
        ];
        for s in nasty {
            let out = MotFileOut {
                name: format!("m{s}"),
                version: s.to_owned(),
                date: s.to_owned(),
                origin: s.to_owned(),
                producer: s.to_owned(),
                contact: s.to_owned(),
                repository: Some(s.to_owned()),
                huggingface: Some(s.to_owned()),
                distribution: Some(LicenseOut {
                    name: Some(s.to_owned()),
                    path: None,
                }),
                data: Some(LicenseOut {
                    name: None,
                    path: Some(s.to_owned()),
                }),
                components: vec![ComponentOut {
                    name: "Model card".to_owned(),
                    description: Some(s.to_owned()),
                    license: Some(s.to_owned()),
                    license_path: Some(s.to_owned()),
                    component_path: Some(s.to_owned()),
                }],
                ..MotFileOut::default()
            };
            let text = to_mot_yaml(&out);
            let f = parse_mot_yaml(&text).unwrap_or_else(|e| panic!("{s:?}: {e}\n{text}"));
            assert_eq!(f.to_out(), out, "{s:?}\n{text}");
        }
    }

    #[test]
    fn emitted_files_meet_the_schema_required_fields() {
        let out = MotFileOut {
            name: "Empty".to_owned(),
            ..MotFileOut::default()
        };
        let text = to_mot_yaml(&out);
        assert!(text.contains("  license: {}\n"), "{text}");
        assert!(text.contains("  components: []\n"), "{text}");
        let f = parse_mot_yaml(&text).unwrap();
        assert_eq!(f.framework.name, "Model Openness Framework");
        assert_eq!(f.framework.version, "1.0");
        assert_eq!(f.producer, "");
        assert!(out.validate().is_ok());

        let bad = MotFileOut {
            name: "x".to_owned(),
            components: vec![ComponentOut {
                name: "Weights".to_owned(),
                ..ComponentOut::default()
            }],
            ..MotFileOut::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "release.components[0].name: unknown component \"Weights\""
        );
        assert_eq!(
            MotFileOut::default().validate().unwrap_err().to_string(),
            "release.name: empty"
        );
    }
}
