//! Model cards and dataset cards: a `README.md` whose YAML front matter is the
//! only machine-readable place a Hugging Face release states its licence, its
//! base model, its training datasets and its evaluation results, and whose
//! body links to the code repository and the paper. The front matter is
//! attacker-controlled YAML, so it is parsed with explicit budgets (depth,
//! nodes, alias replay) and into typed fields that tolerate the type drift
//! real cards show (a number where a string belongs, a string where a list
//! belongs) without letting YAML 1.1 booleans turn `no` into `false`.

use super::{FormatError, truncate_at_char};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeSet;
use std::fmt;

/// The most card bytes callers pass; longer input is refused (front matter)
/// or only its first `MAX_CARD_BYTES` examined (links, licence section).
pub const MAX_CARD_BYTES: usize = 4 << 20;

/// At most this many links are returned by [`links`].
const MAX_LINKS: usize = 200;
/// URLs longer than this are not links a reader follows; skip them.
const MAX_URL_LEN: usize = 2048;
/// A licence section is a few paragraphs; more is some other text.
const MAX_SECTION_BYTES: usize = 64 << 10;
/// Entries kept per list field and evaluation results kept per card, so a
/// card of 200k tags cannot make the report huge.
const MAX_LIST_ITEMS: usize = 1000;

/// What the YAML front matter of a card says, reduced to the fields the
/// openness report uses. Absent or unusable fields are `None` / empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// The Hub licence id (`apache-2.0`, `llama3.1`, `other`...). Some cards
    /// give a list; the first entry is kept because callers map one Hub id
    /// and the Hub itself only honours a single value.
    pub license: Option<String>,
    pub license_name: Option<String>,
    pub license_link: Option<String>,
    pub datasets: Vec<String>,
    pub base_model: Vec<String>,
    pub base_model_relation: Option<String>,
    pub library_name: Option<String>,
    pub pipeline_tag: Option<String>,
    pub tags: Vec<String>,
    /// `model_name`, else `model-index[0].name`, else `pretty_name`.
    pub model_name: Option<String>,
    pub pretty_name: Option<String>,
    pub has_model_index: bool,
    /// `model-index` results flattened to one entry per metric.
    pub eval_results: Vec<EvalResult>,
    /// The front matter uses dataset-card fields (see [`parse_front_matter`]).
    pub dataset_card: bool,
    pub source_datasets: Vec<String>,
}

/// One metric of one `model-index` result, every part as written.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalResult {
    /// `task.type`, else `task.name`.
    pub task: Option<String>,
    /// `dataset.name`, else `dataset.type`.
    pub dataset: Option<String>,
    /// `metrics[].type`, else `metrics[].name`.
    pub metric: Option<String>,
    pub value: Option<String>,
}

/// What a link in a card body points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkKind {
    CodeRepository,
    Paper,
    Dataset,
    Model,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub kind: LinkKind,
    pub url: String,
}

/// Splits the front matter off (leading `---\n` ... `\n---` line, tolerate BOM and CRLF); Ok(None) when there is none.
///
/// The front matter must be a YAML mapping; empty front matter counts as an
/// empty mapping. Fields of the wrong type are ignored rather than failing
/// the card; YAML that does not parse, a budget breach (alias bombs, deep
/// nesting, too many nodes), duplicate keys, a front matter that is never
/// closed or is not a mapping, and non-UTF-8 input are `Invalid`.
///
/// `dataset_card` is set when any dataset-card field is present
/// (`task_categories`, `task_ids`, `size_categories`, `source_datasets`,
/// `dataset_info`, `configs[].data_files`, `annotations_creators`,
/// `language_creators`, `multilinguality`), or when there is a `pretty_name`
/// but none of the model fields (`model-index`, `model_name`, `base_model`,
/// `library_name`, `pipeline_tag`).
pub fn parse_front_matter(text: &[u8]) -> Result<Option<FrontMatter>, FormatError> {
    if text.len() > MAX_CARD_BYTES {
        return Err(FormatError::TooLarge {
            what: "model card",
            claimed: text.len() as u64,
            limit: MAX_CARD_BYTES as u64,
        });
    }
    let text = std::str::from_utf8(text).map_err(|e| {
        FormatError::invalid(format!(
            "card is not valid UTF-8 (byte {})",
            e.valid_up_to()
        ))
    })?;
    let Some(split) = split(text)? else {
        return Ok(None);
    };
    let raw = parse_yaml(split.yaml, split.yaml_line)?;
    Ok(Some(raw.into_front_matter()))
}

/// Links in the card body (markdown links, autolinks and bare URLs), classified: github.com / gitlab.com / bitbucket.org / codeberg.org repos → CodeRepository; arxiv.org, doi.org, aclanthology, openreview, papers.* → Paper; huggingface.co/datasets/..., kaggle.com/datasets → Dataset; huggingface.co/<org>/<model> → Model; else Other. Deduplicated, sorted, capped (e.g. 200 links), trailing punctuation trimmed.
///
/// Only the body is scanned when the card has well-formed front matter (its
/// `license_link` and friends are reported through [`FrontMatter`]). One
/// trailing `/` is dropped so `.../repo` and `.../repo/` count once. At most
/// the first [`MAX_CARD_BYTES`] are examined; the first 200 distinct links
/// found are kept.
pub fn links(text: &[u8]) -> Vec<Link> {
    let text = lossy_prefix(text);
    let body = body_of(&text);
    let mut found = BTreeSet::new();
    let lower = body.to_ascii_lowercase();
    let bytes = body.as_bytes();
    let mut from = 0;
    while found.len() < MAX_LINKS {
        let Some(rel) = lower[from..].find("http") else {
            break;
        };
        let start = from + rel;
        from = start + 4;
        let rest = &lower[start..];
        let scheme_len = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            continue;
        };
        // `xhttp://` is not a URL start; `(http`, `<http`, `"http` are.
        if start
            .checked_sub(1)
            .and_then(|i| bytes.get(i))
            .is_some_and(|b| b.is_ascii_alphanumeric())
        {
            continue;
        }
        let end = url_end(bytes, start + scheme_len);
        from = end.max(from);
        if let Some(url) = clean_url(&body[start..end], scheme_len) {
            let kind = classify(&url);
            found.insert(Link { kind, url });
        }
    }
    found.into_iter().collect()
}

/// Body text under a markdown heading containing "license"/"licence" (for licence sections in the card), capped.
///
/// ATX (`## License`) and setext (`License` over `---`) headings count;
/// headings inside fenced code blocks do not. The section runs to the next
/// heading of the same or a higher level. The first non-empty section wins;
/// it is capped at 64 KiB.
pub fn license_section(text: &[u8]) -> Option<String> {
    let text = lossy_prefix(text);
    let body = body_of(&text);
    let lines: Vec<&str> = body.lines().collect();
    let headings = headings(&lines);
    for (i, &(line, level, ref title)) in headings.iter().enumerate() {
        let t = title.to_lowercase();
        if !(t.contains("license") || t.contains("licence")) {
            continue;
        }
        let content_start = line + if level_is_setext(&lines, line) { 2 } else { 1 };
        let end = headings
            .iter()
            .skip(i + 1)
            .find(|h| h.1 <= level)
            .map_or(lines.len(), |h| h.0);
        if content_start >= end {
            continue;
        }
        let section = lines.get(content_start..end).unwrap_or_default().join("\n");
        let section = section.trim();
        if section.is_empty() {
            continue;
        }
        return Some(truncate_at_char(section, MAX_SECTION_BYTES).to_string());
    }
    None
}

/// The card's body without front matter and fenced code blocks, capped:
/// the text a reader takes as the card's own words (a licence pasted as the
/// body, the template's model-details list).
pub fn prose(text: &[u8]) -> String {
    let text = lossy_prefix(text);
    let mut out = String::new();
    let mut fenced = false;
    for line in body_of(&text).lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push_str(line);
            out.push('\n');
        }
        if out.len() > MAX_PROSE_BYTES {
            break;
        }
    }
    truncate_at_char(&out, MAX_PROSE_BYTES).to_owned()
}

/// A licence text pasted into a card is far shorter than this.
const MAX_PROSE_BYTES: usize = 256 << 10;

/// The value of the card template's `- **License:** X` line (also `License:
/// X`, `**Licence**: X`) in the card's prose, unless it is a placeholder
/// (`[More Information Needed]`, `other`, empty, unknown).
pub fn template_license(prose: &str) -> Option<String> {
    for line in prose.lines().take(MAX_TEMPLATE_LINES) {
        let t = line
            .trim()
            .trim_start_matches(['-', '*', '+', '>'])
            .trim_start()
            .trim_start_matches(['*', '_']);
        let lower = t.to_ascii_lowercase();
        let rest = ["license", "licence"]
            .iter()
            .find_map(|w| lower.strip_prefix(w).map(|r| t.get(t.len() - r.len()..)))
            .flatten();
        let Some(rest) = rest else { continue };
        let rest = rest.trim_start_matches(['*', '_', ' ']);
        let Some(value) = rest.strip_prefix(':') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches(|c: char| matches!(c, '*' | '_' | '`' | '"' | '\''))
            .trim();
        // A link's text is the licence's name: `[MIT](LICENSE)`.
        let value = match value.strip_prefix('[') {
            Some(inner) => inner.split(']').next().unwrap_or_default().trim(),
            None => value,
        };
        let placeholder = value.is_empty()
            || value.len() > 80
            || [
                "more information needed",
                "other",
                "unknown",
                "n/a",
                "na",
                "none",
                "tbd",
                "todo",
            ]
            .contains(&value.to_ascii_lowercase().trim_end_matches('.'));
        return (!placeholder).then(|| value.to_owned());
    }
    None
}

/// The template's model-details list sits near the top of the card.
const MAX_TEMPLATE_LINES: usize = 400;

// ---------------------------------------------------------------------------
// Front matter splitting

struct Split<'a> {
    yaml: &'a str,
    /// 1-based line of the card on which the YAML starts, to report parser
    /// positions as card lines.
    yaml_line: u64,
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', ' ', '\t']) == "---"
}

/// Finds the front matter: the first line is `---` and a later line is
/// `---`. A first line of `---` without a closing line is an error, as the
/// Hub would read the whole file as YAML.
fn split(text: &str) -> Result<Option<Split<'_>>, FormatError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first, rest),
        None => (text, ""),
    };
    if !is_fence(first) {
        return Ok(None);
    }
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if is_fence(line.trim_end_matches('\n')) {
            return Ok(Some(Split {
                yaml: &rest[..offset],
                yaml_line: 2,
            }));
        }
        offset += line.len();
    }
    Err(FormatError::invalid(
        "front matter opened with --- is never closed",
    ))
}

/// The card without its front matter; the whole text when the front matter
/// is absent or malformed.
fn body_of(text: &str) -> &str {
    let t = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    match split(t) {
        Ok(Some(s)) => {
            // The YAML is a subslice of `t`; the body follows the closing line.
            let yaml_end = s.yaml.as_ptr() as usize - t.as_ptr() as usize + s.yaml.len();
            let after = &t[yaml_end..];
            after.split_once('\n').map_or("", |(_, body)| body)
        }
        _ => t,
    }
}

fn lossy_prefix(text: &[u8]) -> String {
    let text = text.get(..MAX_CARD_BYTES).unwrap_or(text);
    super::decode_lossy(text).into_owned()
}

// ---------------------------------------------------------------------------
// YAML

fn parse_yaml(yaml: &str, first_line: u64) -> Result<RawCard, FormatError> {
    // Budgets sized for cards: a big dataset_info has a few tens of thousands
    // of nodes; billion-laughs style alias replay and deep nesting stop early.
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 48,
            max_nodes: 250_000,
            max_events: 600_000,
            max_aliases: 2_000,
            max_anchors: 2_000,
            max_documents: 1,
            max_total_scalar_bytes: MAX_CARD_BYTES,
            max_recorded_anchor_events: 100_000,
            max_recorded_anchor_bytes: MAX_CARD_BYTES,
            flow_nesting_limit: 48,
        },
        alias_limits: alias_limits(),
        // `no`, `yes`, `on`, `off` are language codes and tags in cards;
        // only YAML 1.2 `true`/`false` are booleans.
        strict_booleans: true,
        // Keep `0755`-like and `1_000`-like scalars as written.
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        with_snippet: false,
        // The Hub reads front matter with a safe loader, which refuses
        // `!!python/object/apply:...` and application tags; reading past
        // them would turn `license: !!python/... ["id"]` into a licence.
        reject_unsupported_tags: true,
    };
    let top: Top = serde_saphyr::from_str_with_options(yaml, options)
        .map_err(|e| yaml_error(&e, first_line))?;
    Ok(top.0.unwrap_or_default())
}

fn alias_limits() -> serde_saphyr::options::AliasLimits {
    let mut limits = serde_saphyr::options::AliasLimits::default();
    limits.max_total_replayed_events = 100_000;
    limits.max_replay_stack_depth = 16;
    limits.max_alias_expansions_per_anchor = 1_000;
    limits
}

fn yaml_error(e: &serde_saphyr::Error, first_line: u64) -> FormatError {
    let e = e.without_snippet();
    let msg = e.to_string();
    // The parser's message carries its own position relative to the YAML
    // block; restate it as a card line so a reader can find it.
    let pos = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| {
            format!(
                " (card line {}, column {})",
                l.line() + first_line - 1,
                l.column()
            )
        })
        .unwrap_or_default();
    let mut msg = msg.lines().next().unwrap_or("").trim();
    // Drop the parser's YAML-relative position (restated above as a card
    // line) and its advice to the programmer.
    for cut in [" at line ", ", set DuplicateKeyPolicy"] {
        if let Some(i) = msg.find(cut) {
            msg = &msg[..i];
        }
    }
    let msg = truncate_at_char(msg, 300);
    if msg.starts_with("front matter ") {
        return FormatError::invalid(msg);
    }
    FormatError::invalid(format!("invalid YAML front matter: {msg}{pos}"))
}

/// The whole front matter: a mapping, or nothing (empty YAML).
struct Top(Option<RawCard>);

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Top, A::Error> {
                RawCard::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|c| Top(Some(c)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Top, A::Error> {
                Err(de::Error::custom("front matter is a list, not a mapping"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Top, E> {
                Err(de::Error::custom("front matter is a scalar, not a mapping"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Top, E> {
                Err(de::Error::custom("front matter is a scalar, not a mapping"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Top, E> {
                Err(de::Error::custom("front matter is a scalar, not a mapping"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Top, E> {
                Err(de::Error::custom("front matter is a scalar, not a mapping"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Top, E> {
                Err(de::Error::custom("front matter is a scalar, not a mapping"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The card fields read, each as a [`Loose`] so a value of an unexpected
/// shape is kept for best-effort reading instead of failing the card.
/// Other keys are skipped without being stored.
#[derive(Default, Deserialize)]
#[serde(default)]
struct RawCard {
    license: Loose,
    license_name: Loose,
    license_link: Loose,
    datasets: Loose,
    base_model: Loose,
    base_model_relation: Loose,
    library_name: Loose,
    pipeline_tag: Loose,
    tags: Loose,
    model_name: Loose,
    pretty_name: Loose,
    #[serde(rename = "model-index")]
    model_index: Loose,
    // Dataset-card fields.
    task_categories: Loose,
    task_ids: Loose,
    size_categories: Loose,
    source_datasets: Loose,
    dataset_info: Presence,
    configs: Loose,
    annotations_creators: Presence,
    language_creators: Presence,
    multilinguality: Presence,
}

impl RawCard {
    fn into_front_matter(self) -> FrontMatter {
        let has_model_index = !self.model_index.is_null();
        let eval_results = eval_results(&self.model_index);
        let index_name = match &self.model_index {
            Loose::Seq(items) => items
                .first()
                .and_then(|m| m.get("name"))
                .and_then(Loose::scalar),
            Loose::Map(_) => self.model_index.get("name").and_then(Loose::scalar),
            _ => None,
        };
        let pretty_name = self.pretty_name.first_scalar();
        let model_name = self
            .model_name
            .first_scalar()
            .or(index_name)
            .or_else(|| pretty_name.clone());
        let base_model = self.base_model.strings();
        let library_name = self.library_name.first_scalar();
        let pipeline_tag = self.pipeline_tag.first_scalar();
        let has_model_fields = has_model_index
            || !self.model_name.is_null()
            || !base_model.is_empty()
            || library_name.is_some()
            || pipeline_tag.is_some();
        let configs_with_files = match &self.configs {
            Loose::Seq(items) => items.iter().any(|c| c.get("data_files").is_some()),
            _ => false,
        };
        let dataset_card = !self.task_categories.is_null()
            || !self.task_ids.is_null()
            || !self.size_categories.is_null()
            || !self.source_datasets.is_null()
            || self.dataset_info.0
            || configs_with_files
            || self.annotations_creators.0
            || self.language_creators.0
            || self.multilinguality.0
            || (pretty_name.is_some() && !has_model_fields);
        FrontMatter {
            license: self.license.first_scalar(),
            license_name: self.license_name.first_scalar(),
            license_link: self.license_link.first_scalar(),
            datasets: self.datasets.strings(),
            base_model,
            base_model_relation: self.base_model_relation.first_scalar(),
            library_name,
            pipeline_tag,
            tags: self.tags.strings(),
            model_name,
            pretty_name,
            has_model_index,
            eval_results,
            dataset_card,
            source_datasets: self.source_datasets.strings(),
        }
    }
}

fn eval_results(index: &Loose) -> Vec<EvalResult> {
    let models: &[Loose] = match index {
        Loose::Seq(items) => items,
        Loose::Map(_) => std::slice::from_ref(index),
        _ => &[],
    };
    let mut out = Vec::new();
    for model in models {
        let Some(Loose::Seq(results)) = model.get("results") else {
            continue;
        };
        for result in results {
            let task = result.get("task");
            let task = task
                .and_then(|t| t.get("type").and_then(Loose::scalar))
                .or_else(|| task.and_then(|t| t.get("name").and_then(Loose::scalar)));
            let dataset = result.get("dataset");
            let dataset = dataset
                .and_then(|d| d.get("name").and_then(Loose::scalar))
                .or_else(|| dataset.and_then(|d| d.get("type").and_then(Loose::scalar)));
            let metrics: &[Loose] = match result.get("metrics") {
                Some(Loose::Seq(m)) => m,
                _ => &[],
            };
            if metrics.is_empty() {
                out.push(EvalResult {
                    task: task.clone(),
                    dataset: dataset.clone(),
                    metric: None,
                    value: None,
                });
            }
            for metric in metrics {
                out.push(EvalResult {
                    task: task.clone(),
                    dataset: dataset.clone(),
                    metric: metric
                        .get("type")
                        .and_then(Loose::scalar)
                        .or_else(|| metric.get("name").and_then(Loose::scalar)),
                    value: metric.get("value").and_then(Loose::scalar),
                });
            }
            if out.len() >= MAX_LIST_ITEMS {
                out.truncate(MAX_LIST_ITEMS);
                return out;
            }
        }
    }
    out
}

/// Whether a key is present with a non-null value, without storing the value
/// (`dataset_info` can be large).
#[derive(Default)]
struct Presence(bool);

impl<'de> Deserialize<'de> for Presence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<IgnoredAny>::deserialize(d).map(|v| Presence(v.is_some()))
    }
}

/// A YAML value as the card fields need it. Scalars keep their text (numbers
/// as written where the parser allows, booleans as `true`/`false`).
/// Deserialised through `deserialize_any` with `strict_booleans`, so `no` is
/// the string "no".
#[derive(Debug, Default, Clone, PartialEq)]
enum Loose {
    #[default]
    Null,
    Scalar(String),
    Seq(Vec<Loose>),
    Map(Vec<(String, Loose)>),
}

impl Loose {
    fn is_null(&self) -> bool {
        matches!(self, Loose::Null)
    }

    /// A non-empty scalar's trimmed text.
    fn scalar(&self) -> Option<String> {
        match self {
            Loose::Scalar(s) => {
                let s = s.trim();
                (!s.is_empty()).then(|| s.to_string())
            }
            _ => None,
        }
    }

    /// The scalar, or the first scalar of a list (cards that list a single
    /// value); maps give nothing.
    fn first_scalar(&self) -> Option<String> {
        match self {
            Loose::Seq(items) => items.iter().find_map(Loose::scalar),
            other => other.scalar(),
        }
    }

    /// A scalar as a one-item list, or a list's scalar items (others skipped).
    fn strings(&self) -> Vec<String> {
        match self {
            Loose::Seq(items) => items
                .iter()
                .filter_map(Loose::scalar)
                .take(MAX_LIST_ITEMS)
                .collect(),
            other => other.scalar().into_iter().collect(),
        }
    }

    fn get(&self, key: &str) -> Option<&Loose> {
        match self {
            Loose::Map(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .filter(|v| !v.is_null()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        Loose::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(Loose::Scalar(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Loose, E> {
        Ok(Loose::Scalar(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Loose, E> {
        Ok(Loose::Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::Scalar(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Scalar(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Scalar(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Loose, E> {
        Ok(Loose::Scalar(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Loose>()? {
            items.push(item);
        }
        Ok(Loose::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Loose, Loose>()? {
            // Non-string keys (numbers, lists) are rare; keep their text.
            let key = match k {
                Loose::Scalar(s) => s,
                Loose::Null => String::new(),
                _ => String::from("?"),
            };
            entries.push((key, v));
        }
        Ok(Loose::Map(entries))
    }
}

// ---------------------------------------------------------------------------
// Links

/// Where a URL starting at `from` ends: at whitespace, quotes, angle
/// brackets, backticks, table pipes, or a `)`/`]` that closes something the
/// URL did not open (the markdown link's own parenthesis).
pub(crate) fn url_end(bytes: &[u8], from: usize) -> usize {
    let mut depth_paren = 0usize;
    let mut depth_bracket = 0usize;
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        match c {
            b if b.is_ascii_whitespace() => break,
            b'<' | b'>' | b'"' | b'\'' | b'`' | b'|' | b'{' | b'}' | b'\\' => break,
            b'(' => depth_paren += 1,
            b')' => {
                if depth_paren == 0 {
                    break;
                }
                depth_paren -= 1;
            }
            b'[' => depth_bracket += 1,
            b']' => {
                if depth_bracket == 0 {
                    break;
                }
                depth_bracket -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// Trims trailing sentence punctuation and markdown emphasis, drops one
/// trailing `/`, rejects URLs without a host or of absurd length.
pub(crate) fn clean_url(raw: &str, scheme_len: usize) -> Option<String> {
    let url = raw.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_', '~']);
    let url = url.strip_suffix('/').unwrap_or(url);
    if url.len() <= scheme_len || url.len() > MAX_URL_LEN {
        return None;
    }
    let host = host_of(url);
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    Some(url.to_string())
}

/// The lower-cased host without `www.` and port.
pub(crate) fn host_of(url: &str) -> String {
    UrlSplit::of(url).host()
}

/// A URL cut into its authority and path once, with no allocation: a
/// release's configs can hold tens of thousands of URLs, and every rule
/// asks for the same few parts.
pub(crate) struct UrlSplit<'a> {
    authority: &'a str,
    /// The path after the authority's `/`, query and fragment removed.
    pub path: &'a str,
}

impl<'a> UrlSplit<'a> {
    pub(crate) fn of(url: &'a str) -> UrlSplit<'a> {
        static SCHEME_SEPARATOR: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new("://"));
        let after = match SCHEME_SEPARATOR.find(url.as_bytes()) {
            Some(at) => &url[at + 3..],
            None => url,
        };
        let authority_end = after
            .bytes()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        let path = match after.as_bytes().get(authority_end) {
            Some(b'/') => {
                let rest = &after[authority_end + 1..];
                let end = rest
                    .bytes()
                    .position(|b| matches!(b, b'?' | b'#'))
                    .unwrap_or(rest.len());
                &rest[..end]
            }
            _ => "",
        };
        UrlSplit { authority, path }
    }

    /// The lower-cased host without `www.`, user or port.
    pub(crate) fn host(&self) -> String {
        let authority = self.authority.rsplit('@').next().unwrap_or(self.authority);
        let mut host = authority
            .split(':')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if host.starts_with("www.") {
            host.drain(..4);
        }
        host
    }

    /// Non-empty path segments.
    pub(crate) fn segments(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.path.split('/').filter(|s| !s.is_empty())
    }
}

/// Hugging Face top-level paths that are not `<org>/<model>`.
const HF_RESERVED: &[&str] = &[
    "api",
    "blog",
    "chat",
    "collections",
    "datasets",
    "docs",
    "enterprise",
    "join",
    "learn",
    "login",
    "models",
    "new",
    "organizations",
    "papers",
    "posts",
    "pricing",
    "privacy",
    "settings",
    "spaces",
    "tasks",
    "terms-of-service",
];

/// Forge top-level paths that are not `<owner>/<repo>`.
const FORGE_RESERVED: &[&str] = &[
    "about",
    "apps",
    "collections",
    "explore",
    "features",
    "login",
    "marketplace",
    "orgs",
    "pricing",
    "settings",
    "sponsors",
    "topics",
    "users",
];

pub(crate) fn classify(url: &str) -> LinkKind {
    let split = UrlSplit::of(url);
    classify_split(&split.host(), &split)
}

/// [`classify`] of a URL already split, with its host.
pub(crate) fn classify_split(host: &str, split: &UrlSplit) -> LinkKind {
    let mut segments = split.segments();
    // Only the first segment is compared (lower-cased once, not every one:
    // a release's configs can hold tens of thousands of data URLs), and
    // only whether there are one or at least two.
    let first_lower = segments.next().map(str::to_ascii_lowercase);
    let several = segments.next().is_some();
    let first = first_lower.as_deref().unwrap_or("");
    match host {
        "github.com" | "gitlab.com" | "bitbucket.org" | "codeberg.org" => {
            if several && !FORGE_RESERVED.contains(&first) {
                LinkKind::CodeRepository
            } else {
                LinkKind::Other
            }
        }
        "raw.githubusercontent.com" if several => LinkKind::CodeRepository,
        "arxiv.org"
        | "export.arxiv.org"
        | "doi.org"
        | "dx.doi.org"
        | "aclanthology.org"
        | "openreview.net"
        | "proceedings.mlr.press"
        | "openaccess.thecvf.com"
        | "proceedings.neurips.cc"
        | "dl.acm.org"
        | "ieeexplore.ieee.org" => LinkKind::Paper,
        "aclweb.org" if first == "anthology" => LinkKind::Paper,
        "huggingface.co" | "hf.co" => match first {
            "datasets" if several => LinkKind::Dataset,
            "papers" if several => LinkKind::Paper,
            _ if several && !HF_RESERVED.contains(&first) => LinkKind::Model,
            _ => LinkKind::Other,
        },
        "kaggle.com" if first == "datasets" && several => LinkKind::Dataset,
        h if h.starts_with("papers.") => LinkKind::Paper,
        _ => LinkKind::Other,
    }
}

// ---------------------------------------------------------------------------
// Markdown headings

/// (line index, level, title) of each heading outside fenced code.
/// Setext headings are reported at their text line.
fn headings(lines: &[&str]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent < 4 {
            for marker in ["```", "~~~"] {
                if trimmed.starts_with(marker) {
                    match fence {
                        None => fence = Some(marker),
                        Some(open) if open == marker => fence = None,
                        Some(_) => {}
                    }
                }
            }
        }
        if fence.is_some() || trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            continue;
        }
        if let Some(h) = atx_heading(line) {
            out.push((i, h.0, h.1));
        } else if level_is_setext(lines, i) {
            let level = if lines
                .get(i + 1)
                .is_some_and(|next| next.trim().starts_with('='))
            {
                1
            } else {
                2
            };
            out.push((i, level, line.trim().to_string()));
        }
    }
    out
}

fn atx_heading(line: &str) -> Option<(usize, String)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() >= 4 {
        return None;
    }
    let level = trimmed.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &trimmed[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let title = rest.trim().trim_end_matches('#').trim();
    Some((level, title.to_string()))
}

/// Whether line `i` is setext heading text: non-blank, not itself a
/// heading or list item, followed by a line of only `=` or only `-`.
fn level_is_setext(lines: &[&str], i: usize) -> bool {
    let (Some(line), Some(next)) = (lines.get(i), lines.get(i + 1)) else {
        return false;
    };
    let text = line.trim();
    let under = next.trim();
    if text.is_empty()
        || atx_heading(line).is_some()
        || text.starts_with(['-', '*', '>', '|'])
        || under.is_empty()
    {
        return false;
    }
    under.bytes().all(|b| b == b'=') || (under.len() >= 2 && under.bytes().all(|b| b == b'-'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    #[test]
    fn urls_split_once_into_host_and_path() {
        let u = UrlSplit::of("https://user@WWW.Example.org:8080/Org/Name/?q=1#frag");
        assert_eq!(u.host(), "example.org");
        assert_eq!(u.path, "Org/Name/");
        assert_eq!(u.segments().collect::<Vec<_>>(), ["Org", "Name"]);
        // A query straight after the host leaves no path.
        assert_eq!(UrlSplit::of("http://h.example?x=/a/b").path, "");
        assert_eq!(UrlSplit::of("gs://bucket/run/m.ckpt").host(), "bucket");
        assert_eq!(
            classify("https://huggingface.co/datasets/acme/set"),
            LinkKind::Dataset
        );
        assert_eq!(classify("https://huggingface.co/acme"), LinkKind::Other);
    }

    #[test]
    fn template_licence_line_and_placeholders() {
        let card =
            b"---\nlicense: null\n---\n# Card\n\n- **Developed by:** X\n- **License:** MIT\n";
        assert_eq!(template_license(&prose(card)).as_deref(), Some("MIT"));
        assert_eq!(
            template_license("License: [Apache 2.0](LICENSE)\n").as_deref(),
            Some("Apache 2.0")
        );
        assert_eq!(
            template_license("- **License:** [More Information Needed]\n"),
            None
        );
        assert_eq!(template_license("- **License:** other\n"), None);
        assert_eq!(template_license("- **License:**\n"), None);
        assert_eq!(template_license("Licensed under Apache 2.0.\n"), None);
        // Inside a code block it is an example, not the card's statement.
        assert_eq!(template_license(&prose(b"```\nLicense: MIT\n```\n")), None);
    }

    use super::*;
    use std::time::{Duration, Instant};

    fn fm(text: &str) -> FrontMatter {
        parse_front_matter(text.as_bytes())
            .expect("parses")
            .expect("has front matter")
    }

    #[track_caller]
    fn invalid(text: &str) -> String {
        crate::formats::invalid_message(parse_front_matter(text.as_bytes()))
    }

    const LLAMA_CARD: &str = "---
language:
- en
- de
- fr
- it
- pt
- hi
- es
- th
library_name: transformers
license: llama3.1
base_model: meta-llama/Meta-Llama-3.1-8B
pipeline_tag: text-generation
tags:
- facebook
- meta
- pytorch
- llama
- llama-3
extra_gated_prompt: \"### LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\\nLlama 3.1 Version Release Date: July 23, 2024\"
extra_gated_fields:
  First Name: text
  Last Name: text
  Date of birth: date_picker
  geo: ip_location
  By clicking Submit below I accept the terms of the license and acknowledge that the information I provide will be collected stored processed and shared in accordance with the Meta Privacy Policy: checkbox
extra_gated_button_content: Submit
---

## Model Information

The Meta Llama 3.1 collection of multilingual large language models (LLMs).

**Model Release Date:** July 23, 2024.

**License:** A custom commercial license, the Llama 3.1 Community License, is available at: [https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE](https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE)

Where to send questions or comments about the model Instructions on how to provide feedback or comments on the model can be found in the model [README](https://github.com/meta-llama/llama3). For more technical information, see <https://arxiv.org/abs/2407.21783>.
";

    #[test]
    fn llama_card() {
        let f = fm(LLAMA_CARD);
        assert_eq!(f.license.as_deref(), Some("llama3.1"));
        assert_eq!(f.base_model, vec!["meta-llama/Meta-Llama-3.1-8B"]);
        assert_eq!(f.library_name.as_deref(), Some("transformers"));
        assert_eq!(f.pipeline_tag.as_deref(), Some("text-generation"));
        assert_eq!(f.tags.len(), 5);
        assert!(!f.dataset_card);
        assert!(!f.has_model_index);
        assert_eq!(f.model_name, None);
    }

    #[test]
    fn other_license_with_name_and_link() {
        let f = fm(
            "---\nlicense: other\nlicense_name: tongyi-qianwen\nlicense_link: https://huggingface.co/Qwen/Qwen-72B/blob/main/LICENSE\ntags:\n- qwen\n- 2024\n---\n# Qwen\n",
        );
        assert_eq!(f.license.as_deref(), Some("other"));
        assert_eq!(f.license_name.as_deref(), Some("tongyi-qianwen"));
        assert_eq!(
            f.license_link.as_deref(),
            Some("https://huggingface.co/Qwen/Qwen-72B/blob/main/LICENSE")
        );
        // A numeric tag is kept as its text, not a failure.
        assert_eq!(f.tags, vec!["qwen", "2024"]);
    }

    #[test]
    fn license_list_keeps_first() {
        let f = fm("---\nlicense:\n- mit\n- apache-2.0\ndatasets: c4\n---\n");
        assert_eq!(f.license.as_deref(), Some("mit"));
        assert_eq!(f.datasets, vec!["c4"]);
    }

    #[test]
    fn dataset_card() {
        let f = fm("---
annotations_creators:
- crowdsourced
language:
- en
- no
license: cc-by-4.0
multilinguality:
- monolingual
pretty_name: Stanford Question Answering Dataset
size_categories:
- 10K<n<100K
source_datasets:
- extended|wikipedia
task_categories:
- question-answering
task_ids:
- extractive-qa
configs:
- config_name: plain_text
  data_files:
  - split: train
    path: plain_text/train-*
  - split: validation
    path: plain_text/validation-*
dataset_info:
  config_name: plain_text
  features:
  - name: id
    dtype: string
  splits:
  - name: train
    num_bytes: 79346108
    num_examples: 87599
---
# Dataset Card for SQuAD
");
        assert!(f.dataset_card);
        assert_eq!(f.license.as_deref(), Some("cc-by-4.0"));
        assert_eq!(f.source_datasets, vec!["extended|wikipedia"]);
        assert_eq!(
            f.pretty_name.as_deref(),
            Some("Stanford Question Answering Dataset")
        );
        // No model fields: the pretty name stands in as the name.
        assert_eq!(
            f.model_name.as_deref(),
            Some("Stanford Question Answering Dataset")
        );
    }

    #[test]
    fn pretty_name_alone_means_dataset_but_not_with_model_fields() {
        assert!(fm("---\npretty_name: My Data\n---\n").dataset_card);
        assert!(!fm("---\npretty_name: My Model\nlibrary_name: timm\n---\n").dataset_card);
        // configs without data_files is not enough.
        assert!(!fm("---\nconfigs:\n- config_name: x\n---\n").dataset_card);
    }

    #[test]
    fn model_index_results() {
        let f = fm("---
license: apache-2.0
datasets:
- imdb
metrics:
- accuracy
model-index:
- name: distilbert-imdb
  results:
  - task:
      type: text-classification
      name: Text Classification
    dataset:
      name: imdb
      type: imdb
      config: plain_text
      split: test
    metrics:
    - type: accuracy
      value: 0.9288
      name: Accuracy
      verified: false
    - type: f1
      value: 0.93
  - task:
      name: Only A Name
    dataset:
      type: glue
---
");
        assert!(f.has_model_index);
        assert_eq!(f.model_name.as_deref(), Some("distilbert-imdb"));
        assert_eq!(
            f.eval_results,
            vec![
                EvalResult {
                    task: Some("text-classification".into()),
                    dataset: Some("imdb".into()),
                    metric: Some("accuracy".into()),
                    value: Some("0.9288".into()),
                },
                EvalResult {
                    task: Some("text-classification".into()),
                    dataset: Some("imdb".into()),
                    metric: Some("f1".into()),
                    value: Some("0.93".into()),
                },
                EvalResult {
                    task: Some("Only A Name".into()),
                    dataset: Some("glue".into()),
                    metric: None,
                    value: None,
                },
            ]
        );
    }

    #[test]
    fn model_name_field_wins() {
        let f = fm("---\nmodel_name: A\npretty_name: B\nmodel-index:\n- name: C\n---\n");
        assert_eq!(f.model_name.as_deref(), Some("A"));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{FEFF}---\r\nlicense: mit\r\nbase_model:\r\n- a/b\r\n- c/d\r\n---\r\n# Title\r\nSee https://github.com/a/b.\r\n";
        let f = fm(text);
        assert_eq!(f.license.as_deref(), Some("mit"));
        assert_eq!(f.base_model, vec!["a/b", "c/d"]);
        assert_eq!(
            links(text.as_bytes()),
            vec![Link {
                kind: LinkKind::CodeRepository,
                url: "https://github.com/a/b".into()
            }]
        );
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(parse_front_matter(b"# A model\n\nHello\n").unwrap(), None);
        assert_eq!(parse_front_matter(b"").unwrap(), None);
        assert_eq!(
            parse_front_matter(b"text\n---\nlicense: mit\n---\n").unwrap(),
            None
        );
    }

    #[test]
    fn empty_front_matter_is_empty_mapping() {
        assert_eq!(fm("---\n---\nbody\n"), FrontMatter::default());
        assert_eq!(fm("---\n# only a comment\n---\n"), FrontMatter::default());
    }

    #[test]
    fn invalid_yaml() {
        let msg = invalid("---\nlicense: mit\ntags: [a, b\n---\n");
        assert!(msg.starts_with("invalid YAML front matter"), "{msg}");
        let msg = invalid("---\nlicense: mit\n  bad: indent\n---\n");
        assert!(msg.contains("card line"), "{msg}");
    }

    #[test]
    fn unterminated() {
        let msg = invalid("---\nlicense: mit\n# no closing line\n");
        assert!(msg.contains("never closed"), "{msg}");
        invalid("---");
    }

    #[test]
    fn non_mapping() {
        assert!(invalid("---\n- a\n- b\n---\n").contains("not a mapping"));
        assert!(invalid("---\njust a string\n---\n").contains("not a mapping"));
        assert!(invalid("---\n42\n---\n").contains("not a mapping"));
    }

    #[test]
    fn not_utf8() {
        assert!(invalid_bytes(b"---\nlicense: \xff\n---\n").contains("UTF-8"));
    }

    fn invalid_bytes(b: &[u8]) -> String {
        match parse_front_matter(b) {
            Err(FormatError::Invalid(m)) => m,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn too_large() {
        let big = vec![b'a'; MAX_CARD_BYTES + 1];
        assert!(matches!(
            parse_front_matter(&big),
            Err(FormatError::TooLarge { .. })
        ));
    }

    #[test]
    fn billion_laughs_rejected_fast() {
        let bomb = "---
a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
tags: *i
---
";
        let start = Instant::now();
        let r = parse_front_matter(bomb.as_bytes());
        assert!(matches!(r, Err(FormatError::Invalid(_))), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn unsupported_tags_rejected_not_read_past() {
        for (yaml, tag) in [
            (
                "license: !!python/object/apply:os.system [\"id\"]",
                "!!python/object/apply:os.system",
            ),
            ("datasets: !custom [a, b]", "!custom"),
            (
                "unread_field: !!python/name:os.system ''",
                "!!python/name:os.system",
            ),
        ] {
            let card = format!("---\n{yaml}\n---\n");
            match parse_front_matter(card.as_bytes()) {
                Err(FormatError::Invalid(msg)) => {
                    assert!(msg.contains(tag), "{yaml}: {msg}");
                    assert!(msg.contains("card line 2"), "{yaml}: {msg}");
                }
                other => panic!("{yaml}: {other:?}"),
            }
        }
    }

    #[test]
    fn core_schema_tags_accepted() {
        let card = "---\nlicense: !!str mit\ndatasets: !!seq [a]\n---\n";
        let fm = parse_front_matter(card.as_bytes()).unwrap().unwrap();
        assert_eq!(fm.license.as_deref(), Some("mit"));
        assert_eq!(fm.datasets, vec!["a".to_string()]);
    }

    #[test]
    fn deep_nesting_rejected() {
        let depth = 200;
        let flow = format!("---\nx: {}{}\n---\n", "[".repeat(depth), "]".repeat(depth));
        assert!(matches!(
            parse_front_matter(flow.as_bytes()),
            Err(FormatError::Invalid(_))
        ));
        let mut block = String::from("---\n");
        for i in 0..depth {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        block.push_str("---\n");
        assert!(matches!(
            parse_front_matter(block.as_bytes()),
            Err(FormatError::Invalid(_))
        ));
    }

    #[test]
    fn duplicate_keys_rejected() {
        let msg = invalid("---\nlicense: mit\nlicense: apache-2.0\n---\n");
        assert!(msg.contains("duplicate"), "{msg}");
        invalid("---\nmodel-index:\n- name: a\n  name: b\n---\n");
    }

    #[test]
    fn norway_problem() {
        let f = fm("---\nlanguage: [no]\ntags: [no, yes, on, off]\nlicense: mit\n---\n");
        assert_eq!(f.tags, vec!["no", "yes", "on", "off"]);
        assert_eq!(f.license.as_deref(), Some("mit"));
    }

    #[test]
    fn wrong_types_tolerated() {
        let f = fm(
            "---\nlicense: {name: mit}\ntags: 7\ndatasets: [a, {b: c}, 3]\nbase_model: null\nmodel-index: oops\n---\n",
        );
        assert_eq!(f.license, None);
        assert_eq!(f.tags, vec!["7"]);
        assert_eq!(f.datasets, vec!["a", "3"]);
        assert!(f.base_model.is_empty());
        assert!(f.has_model_index);
        assert!(f.eval_results.is_empty());
    }

    #[test]
    fn link_classes() {
        let body = "---
license: mit
license_link: https://example.com/in-front-matter
---
# Model
Code: [repo](https://github.com/huggingface/transformers). Also https://gitlab.com/group/project,
and <https://codeberg.org/forgejo/forgejo>; org only: https://github.com/meta-llama
Paper: https://arxiv.org/abs/2407.21783, [doi](https://doi.org/10.18653/v1/2020.acl-main.703)
see https://aclanthology.org/2020.acl-main.703/ and https://openreview.net/forum?id=abc and
https://papers.nips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html
Data: https://huggingface.co/datasets/allenai/c4 and https://www.kaggle.com/datasets/user/thing
Model: https://huggingface.co/meta-llama/Llama-3.1-8B (base) and https://huggingface.co/docs/hub
Wiki: [w](https://en.wikipedia.org/wiki/Foo_(bar)) then *https://example.org/x*.
Dup: https://github.com/huggingface/transformers/ xhttp://nope.example.com
";
        let got = links(body.as_bytes());
        let want = vec![
            (
                LinkKind::CodeRepository,
                "https://codeberg.org/forgejo/forgejo",
            ),
            (
                LinkKind::CodeRepository,
                "https://github.com/huggingface/transformers",
            ),
            (LinkKind::CodeRepository, "https://gitlab.com/group/project"),
            (
                LinkKind::Paper,
                "https://aclanthology.org/2020.acl-main.703",
            ),
            (LinkKind::Paper, "https://arxiv.org/abs/2407.21783"),
            (
                LinkKind::Paper,
                "https://doi.org/10.18653/v1/2020.acl-main.703",
            ),
            (LinkKind::Paper, "https://openreview.net/forum?id=abc"),
            (
                LinkKind::Paper,
                "https://papers.nips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
            ),
            (
                LinkKind::Dataset,
                "https://huggingface.co/datasets/allenai/c4",
            ),
            (
                LinkKind::Dataset,
                "https://www.kaggle.com/datasets/user/thing",
            ),
            (
                LinkKind::Model,
                "https://huggingface.co/meta-llama/Llama-3.1-8B",
            ),
            (LinkKind::Other, "https://en.wikipedia.org/wiki/Foo_(bar)"),
            (LinkKind::Other, "https://example.org/x"),
            (LinkKind::Other, "https://github.com/meta-llama"),
            (LinkKind::Other, "https://huggingface.co/docs/hub"),
        ];
        let got: Vec<(LinkKind, &str)> = got.iter().map(|l| (l.kind, l.url.as_str())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn links_capped_and_bounded() {
        let mut body = String::new();
        for i in 0..500 {
            body.push_str(&format!("https://example.com/{i} "));
        }
        assert_eq!(links(body.as_bytes()).len(), MAX_LINKS);
        assert!(links(b"http:// https://").is_empty());
        assert!(links(&[0xff, 0xfe, b'h']).is_empty());
    }

    #[test]
    fn llama_card_links() {
        let got = links(LLAMA_CARD.as_bytes());
        assert!(
            got.contains(&Link {
                kind: LinkKind::CodeRepository,
                url: "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"
                    .into()
            })
        );
        assert!(got.contains(&Link {
            kind: LinkKind::Paper,
            url: "https://arxiv.org/abs/2407.21783".into()
        }));
    }

    #[test]
    fn license_sections() {
        let card = "---\nlicense: other\n---\n# Model\n\nIntro.\n\n## License\n\nThis model is released under the Apache 2.0 license.\n\n### Notes\nNested note.\n\n## Citation\n```\n# License in code is not a heading\n```\n";
        assert_eq!(
            license_section(card.as_bytes()).as_deref(),
            Some("This model is released under the Apache 2.0 license.\n\n### Notes\nNested note.")
        );
        let setext =
            "Title\n=====\n\nLicence\n-------\nCC-BY-4.0 for the weights.\n\nOther\n-----\nx\n";
        assert_eq!(
            license_section(setext.as_bytes()).as_deref(),
            Some("CC-BY-4.0 for the weights.")
        );
        assert_eq!(license_section(b"# Model\nNo such section.\n"), None);
        assert_eq!(license_section(b"## License\n## Usage\ntext\n"), None);
        let fenced = "```\n## License\nfake\n```\n";
        assert_eq!(license_section(fenced.as_bytes()), None);
    }

    #[test]
    fn no_panics_on_noise() {
        const PARTS: &[&str] = &[
            "---",
            "\n",
            "\r\n",
            "\u{FEFF}",
            "license: ",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "https://",
            "http://",
            "github.com/",
            "huggingface.co/",
            "datasets/",
            "é",
            "日本",
            "# License\n",
            "```",
            "&a ",
            "*a",
            "- ",
            ": ",
            "{",
            "}",
            "'",
            "\"",
            "  ",
            "===",
        ];
        let mut x: u64 = 42;
        for round in 0..500 {
            let mut text = String::new();
            for _ in 0..(round % 40) {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(PARTS[(x >> 33) as usize % PARTS.len()]);
            }
            let _ = parse_front_matter(text.as_bytes());
            let _ = links(text.as_bytes());
            let _ = license_section(text.as_bytes());
            // Cut at every byte, including inside multi-byte characters.
            let bytes = text.as_bytes();
            let cut = &bytes[..bytes.len() / 2];
            let _ = parse_front_matter(cut);
            let _ = links(cut);
            let _ = license_section(cut);
        }
    }

    #[test]
    fn license_section_capped() {
        let card = format!("## License\n{}", "é".repeat(MAX_SECTION_BYTES));
        let s = license_section(card.as_bytes()).unwrap();
        assert!(s.len() <= MAX_SECTION_BYTES);
    }
}
