//! Which of the references found in a release's text point to *this
//! release's* weights or training data (SPEC section 2, "what points to a
//! component"). The read stage found every URL, cloud path, loader call and
//! relative link with its line, its markdown section and the text before it;
//! the rules here pick those an auditor would accept, and each evidence item
//! says which rule chose it:
//!
//! - weights: `weights-file-url` (a URL or cloud path ending in a weights
//!   extension), `checkpoint-archive` (an archive or bucket path in a
//!   weights section, or named for models/checkpoints), `hub-model-link` (a
//!   model page on a hub, in a download/weights section or document),
//!   `loader-call` (`from_pretrained("org/name")`, `hf_hub_download`, ...
//!   in code), `download-script` (a `download*` script that fetches weights
//!   files);
//! - data: `dataset-yaml` (a YAML with a `download:` block),
//!   `dataset-script` (a data download or preparation script and the URLs it
//!   fetches), `hub-dataset-link`, `load-dataset-call`, `data-file-url` (a URL
//!   ending in a data extension), `training-data-section` (links in a
//!   "training data" / "dataset" section), `trained-on-link` (a link the
//!   sentence introduces as the training data), `dataset-archive` (an archive
//!   the sentence calls a dataset), `missing-linked-data` (a document links a
//!   data file of the release that is not there).
//!
//! Nothing in evaluation, benchmark, results, acknowledgement or related-work
//! sections, nor in evaluation or test folders, counts: those name other
//! models and evaluation sets, not this release's artifacts.

use crate::fnv::FnvMap;
use crate::formats::card::{self, LinkKind};
use crate::formats::refs::{RefKind, TextRef, TextScan, WEIGHTS_EXTENSIONS};
use crate::read::Facts;
use crate::report::{FileKind, Item, ItemKind};
use std::collections::{BTreeMap, BTreeSet};

/// Most reference items one component lists, and per file.
const MAX_ITEMS: usize = 40;
const MAX_ITEMS_PER_FILE: usize = 4;

/// Words of a folder or file name that make it evaluation material.
pub(crate) const EVAL_TOKENS: &[&str] = &[
    "eval",
    "evals",
    "evaluation",
    "evaluations",
    "evaluate",
    "benchmark",
    "benchmarks",
    "bench",
    "test",
    "tests",
    "testing",
    "testset",
    "val",
    "valid",
    "validation",
    "dev",
    "results",
    "result",
    "leaderboard",
    "metrics",
    "answers",
    "predictions",
];

/// Words that make data a demo, tutorial or example input.
pub(crate) const SAMPLE_TOKENS: &[&str] = &[
    "example",
    "examples",
    "demo",
    "demos",
    "sample",
    "samples",
    "tutorial",
    "tutorials",
    "toy",
    "fixture",
    "fixtures",
    "docs",
    "doc",
    "assets",
];

/// The words of a name: split at anything not alphanumeric, lower-cased.
pub(crate) fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn any_token(s: &str, set: &[&str]) -> bool {
    // `tokens(s)` without its allocations (it runs for every URL found):
    // a word matches when its lower-cased form is in the set.
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .any(|t| {
            set.iter()
                .any(|w| w.bytes().eq(t.bytes().map(|b| b.to_ascii_lowercase())))
        })
}

/// Folders of `rel` (not its file name).
fn folders(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn stem(rel: &str) -> &str {
    let name = file_name(rel);
    name.split_once('.').map_or(name, |(s, _)| s)
}

/// What a heading says its section is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Weights,
    Data,
    Eval,
    Ack,
    /// Instructions for using the code (usage, quick start, FAQ, "fine-tune
    /// code"): data named there is a tutorial input.
    Tutorial,
    Neutral,
}

fn section_of(heading: &str) -> Section {
    let t = tokens(heading);
    let has = |w: &str| t.iter().any(|x| x == w);
    let starts = |w: &str| t.iter().any(|x| x.starts_with(w));
    if starts("acknowledg")
        || starts("thank")
        || has("news")
        || has("updates")
        || has("update")
        || has("changelog")
        || heading.contains("release notes")
        || ["新闻", "动态", "更新"].iter().any(|w| heading.contains(w))
        || has("credits")
        || starts("citation")
        || has("cite")
        || has("related")
        || has("references")
        || has("community")
        || heading.contains("third-party")
        || heading.contains("third party")
        || heading.contains("other projects")
        || ["致谢", "引用", "相关工作", "相关项目", "社区"]
            .iter()
            .any(|w| heading.contains(w))
    {
        return Section::Ack;
    }
    if [
        "评估", "评测", "测评", "基准", "结果", "性能", "测试", "排行",
    ]
    .iter()
    .any(|w| heading.contains(w))
    {
        return Section::Eval;
    }
    if starts("evaluat")
        || starts("benchmark")
        || starts("result")
        || has("leaderboard")
        || has("performance")
        || has("comparison")
        || has("accuracy")
        || has("metrics")
        || has("test")
    {
        return Section::Eval;
    }
    if has("code")
        || has("usage")
        // "Instructions" alone is a how-to; "Heron instructions" may be
        // an instruction dataset.
        || heading.trim() == "instructions"
        || heading.contains("getting started")
        || has("faq")
        || heading.contains("quick start")
        || has("quickstart")
        || starts("tutorial")
        || starts("example")
        || has("custom")
        || heading.contains("how to use")
        || ["代码", "教程", "示例", "使用", "常见问题"]
            .iter()
            .any(|w| heading.contains(w))
    {
        return Section::Tutorial;
    }
    let data_word = has("data") || has("datasets") || has("dataset") || starts("corpu");
    if has("dataset")
        || has("datasets")
        || heading.contains("data set")
        || starts("corpu")
        || (data_word
            && (starts("train")
                || starts("pretrain")
                || starts("pre")
                || starts("fine")
                || starts("prepar")
                || starts("download")))
        || heading.trim() == "data"
        || ["数据集", "训练数据", "预训练数据", "语料"]
            .iter()
            .any(|w| heading.contains(w))
    {
        return Section::Data;
    }
    if starts("download")
        || starts("weight")
        || starts("checkpoint")
        || has("pretrained")
        || heading.contains("pre-trained")
        || heading.contains("model zoo")
        || has("models")
        || heading.contains("model list")
        || ["下载", "权重", "检查点", "模型列表"]
            .iter()
            .any(|w| heading.contains(w))
    {
        return Section::Weights;
    }
    Section::Neutral
}

/// The innermost heading that says something decides; a document's title
/// only says what the whole document is not about (evaluation, related
/// work, a tutorial): "Metric and Dataset" in a title makes no section of
/// it a dataset's.
fn section(r: &TextRef) -> Section {
    let inner = r
        .place
        .section
        .iter()
        .rev()
        .map(|h| section_of(h))
        .find(|s| *s != Section::Neutral);
    // Data a usage section tells the reader to download is the tutorial's
    // input ("Usage > Download the dataset").
    if inner == Some(Section::Data)
        && r.place
            .section
            .iter()
            .any(|h| section_of(h) == Section::Tutorial)
    {
        return Section::Tutorial;
    }
    inner
        .or_else(|| {
            r.place
                .title
                .as_deref()
                .map(section_of)
                .filter(|s| matches!(s, Section::Eval | Section::Ack | Section::Tutorial))
        })
        .unwrap_or(Section::Neutral)
}

/// The last non-empty path segment of a URL or cloud path, lower-cased, without
/// query or fragment.
#[cfg(test)]
fn url_file(url: &str) -> String {
    file_of(&url_path_lower(url)).to_owned()
}

/// The last non-empty segment after the host (or bucket) of a path as
/// [`url_path_lower`] gives it.
fn file_of(path: &str) -> &str {
    let mut segs = path.split('/');
    segs.next(); // host or bucket
    segs.rfind(|s| !s.is_empty()).unwrap_or("")
}

/// A URL without scheme, query or fragment, lower-cased.
fn url_path_lower(url: &str) -> String {
    // `?` and `#` are ASCII: the cut is on a character boundary.
    let no_query = memchr::memchr2(b'?', b'#', url.as_bytes())
        .and_then(|at| url.get(..at))
        .unwrap_or(url);
    no_query
        .split_once("://")
        .map_or(no_query, |(_, a)| a)
        .to_ascii_lowercase()
}

fn has_weights_ext(name: &str) -> bool {
    if name.contains(".ckpt") || name.contains(".data-0") && name.contains("-of-") {
        return true;
    }
    WEIGHTS_EXTENSIONS
        .iter()
        .any(|e| name.ends_with(e) && name.len() > e.len())
}

const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst", ".7z", ".rar",
];

fn is_archive(name: &str) -> bool {
    ARCHIVE_EXTENSIONS.iter().any(|e| name.ends_with(e))
}

const DATA_URL_EXTENSIONS: &[&str] = &[
    ".parquet",
    ".jsonl",
    ".jsonl.zst",
    ".jsonl.gz",
    ".json.gz",
    ".ndjson",
    ".arrow",
    ".feather",
    ".avro",
    ".orc",
    ".tfrecord",
    ".tfrecords",
    ".tsv",
    ".tsv.gz",
    ".tsv.bz2",
    ".csv.gz",
    ".csv.bz2",
    ".xml.bz2",
    ".txt.gz",
    ".txt.bz2",
    ".warc.gz",
];

fn has_data_ext(name: &str) -> bool {
    DATA_URL_EXTENSIONS.iter().any(|e| name.ends_with(e))
}

/// A URL to a tokenizer or vocabulary file is neither weights nor data.
fn is_vocab(name: &str) -> bool {
    [
        "vocab",
        "merges",
        "tokenizer",
        "bpe",
        "spiece",
        "sentencepiece",
    ]
    .iter()
    .any(|w| name.contains(w))
}

fn is_image_or_page(u: &UrlParts) -> bool {
    let (name, host) = (u.name.as_str(), u.host.as_str());
    [
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4", ".ico",
    ]
    .iter()
    .any(|e| name.ends_with(e))
        || host.contains("shields.io")
        || host.contains("badge")
        || u.path.contains("/licenses/")
        || host == "opensource.org"
        || host == "creativecommons.org"
        || host == "pypi.org"
}

/// Hosts of the stock backbones libraries download (torchvision's and
/// Keras Applications' ImageNet weights): a model built on one points to
/// its backbone, not to its own weights.
fn is_backbone_host(u: &UrlParts) -> bool {
    let path = &u.path;
    u.host == "download.pytorch.org"
        || path.contains("/keras-applications/")
        || path.contains("tensorflow/keras-applications")
}

/// A hub page of a model outside huggingface.co: ModelScope, Kaggle.
fn is_other_hub_model(u: &UrlParts) -> bool {
    let host = &u.host;
    (host.ends_with("modelscope.cn") || host.ends_with("modelscope.ai") || host == "kaggle.com")
        && u.first_segment == "models"
        && u.segments >= 3
}

fn is_other_hub_dataset(u: &UrlParts) -> bool {
    let host = &u.host;
    (host.ends_with("modelscope.cn") || host.ends_with("modelscope.ai"))
        && u.first_segment == "datasets"
        && u.segments >= 3
}

/// A URL's parts, split out and lower-cased once, while [`UrlFacts::of`]
/// answers the rules' questions about it.
struct UrlParts {
    host: String,
    /// Lower-cased, without scheme, query or fragment.
    path: String,
    /// The last non-empty path segment, lower-cased ([`url_file`]).
    name: String,
    first_segment: String,
    segments: usize,
    kind: LinkKind,
}

/// What a URL is by itself, wherever it sits: the link kind and the
/// answers the reference rules of both passes ask of the URL alone. A
/// release's configs can repeat the same few thousand data URLs tens of
/// thousands of times, so each distinct URL is worked out once per scan
/// ([`UrlTable`]), and only these answers are kept: keeping its parts too
/// held 1.2 MB of strings for allenai/OLMo's 5,500 URLs.
#[derive(Clone, Copy)]
struct UrlFacts {
    kind: LinkKind,
    vocab: bool,
    weights_ext: bool,
    data_ext: bool,
    archive: bool,
    image_or_page: bool,
    never_data: bool,
    eval_name: bool,
    checkpoint_path: bool,
    backbone_host: bool,
    other_hub_model: bool,
    other_hub_dataset: bool,
    /// The last path segment has a dot (a file, not a folder or a repo).
    name_has_dot: bool,
    /// Something follows the host: the URL is not a site's home page.
    has_path: bool,
    /// An archive whose path names data (`.../corpus/x.tar`).
    names_data_word: bool,
}

impl UrlFacts {
    fn of(url: &str) -> UrlFacts {
        let u = UrlParts::of(url);
        let name = u.name.as_str();
        UrlFacts {
            kind: u.kind,
            vocab: is_vocab(name),
            weights_ext: has_weights_ext(name),
            data_ext: has_data_ext(name),
            archive: is_archive(name),
            image_or_page: is_image_or_page(&u),
            never_data: is_never_data(&u),
            eval_name: any_token(name, EVAL_TOKENS),
            checkpoint_path: is_checkpoint_path(&u.path),
            backbone_host: is_backbone_host(&u),
            other_hub_model: is_other_hub_model(&u),
            other_hub_dataset: is_other_hub_dataset(&u),
            name_has_dot: name.contains('.'),
            has_path: u.segments > 0,
            // Asked of archives only; splitting every path into words
            // would cost more than the rest of the answers together.
            names_data_word: is_archive(name) && names_data_word(&u.path),
        }
    }
}

impl UrlParts {
    fn of(url: &str) -> UrlParts {
        let split = card::UrlSplit::of(url);
        let host = split.host();
        let mut segments = split.segments();
        let first_segment = segments
            .next()
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let count = usize::from(!first_segment.is_empty()) + segments.count();
        let path = url_path_lower(url);
        UrlParts {
            kind: card::classify_split(&host, &split),
            host,
            name: file_of(&path).to_owned(),
            path,
            first_segment,
            segments: count,
        }
    }
}

/// Every URL and cloud path the release's texts hold, worked out once for
/// both passes (weights, then data): a release's configs can repeat the
/// same few thousand data URLs tens of thousands of times. Keyed by the
/// references' own text (borrowed).
pub(crate) struct UrlTable<'f> {
    /// Each distinct URL's place in `parts`: chunk, then index in it.
    index: FnvMap<&'f str, u32>,
    /// The answers in chunks of [`URL_TABLE_CHUNK`], as the threads that
    /// worked them out left them (joined, they were held twice at once).
    facts: Vec<Vec<UrlFacts>>,
}

/// Distinct URLs from which [`UrlTable::of`] works them out on every core:
/// below it, starting threads costs more than it saves.
const URL_TABLE_PARALLEL_FROM: usize = 1024;
/// Distinct URLs per job of that parallel work.
const URL_TABLE_CHUNK: usize = 256;

impl<'f> UrlTable<'f> {
    pub(crate) fn of(facts: &'f Facts) -> UrlTable<'f> {
        let mut index: FnvMap<&'f str, u32> = FnvMap::default();
        let mut distinct: Vec<&'f str> = Vec::new();
        let urls = facts
            .text_refs
            .iter()
            .flat_map(|(_, scan)| &scan.refs)
            .filter(|r| matches!(r.kind, RefKind::Url | RefKind::CloudPath));
        for r in urls {
            let next = u32::try_from(distinct.len()).unwrap_or(u32::MAX);
            index.entry(&*r.value).or_insert_with(|| {
                distinct.push(&*r.value);
                next
            });
        }
        // A code repository's configs can hold thousands of distinct data
        // URLs, each split and tested by every rule: the one serial stretch
        // of the assessment worth spreading over the cores.
        let facts = crate::parallel::map_chunked(
            &distinct,
            URL_TABLE_CHUNK,
            URL_TABLE_PARALLEL_FROM,
            |url| UrlFacts::of(url),
        );
        UrlTable { index, facts }
    }

    /// Whether the release holds so many distinct URLs that the passes
    /// over them are worth spreading over threads.
    pub(crate) fn is_large(&self) -> bool {
        self.index.len() >= URL_TABLE_PARALLEL_FROM
    }

    /// What a URL of the release's texts is; one from elsewhere is worked
    /// out on the spot.
    fn get(&self, url: &str) -> UrlFacts {
        let at = |i: u32| {
            let i = i as usize;
            self.facts
                .get(i / URL_TABLE_CHUNK)
                .and_then(|chunk| chunk.get(i % URL_TABLE_CHUNK))
        };
        match self.index.get(url).and_then(|&i| at(i)) {
            Some(facts) => *facts,
            None => UrlFacts::of(url),
        }
    }
}

/// `org/name`, as hub ids are written (no spaces, no leading `.` or `/`).
fn is_hub_id(s: &str) -> bool {
    let mut parts = s.split('/');
    let (Some(org), Some(name), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 96
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !p.starts_with('.')
    };
    ok(org) && ok(name) && !name.contains("..")
}

/// A bucket path (lower-cased, as [`url_path_lower`] gives it) named for
/// models or checkpoints, not a placeholder output.
fn is_checkpoint_path(p: &str) -> bool {
    let placeholder = [
        "some_bucket",
        "your_bucket",
        "my_bucket",
        "your-bucket",
        "my-bucket",
        "<",
        "$",
    ]
    .iter()
    .any(|w| p.contains(w));
    !placeholder
        && ["model", "ckpt", "checkpoint", "weight", "pretrained"]
            .iter()
            .any(|w| p.contains(w))
}

struct Ctx<'a> {
    rel: &'a str,
    scan: &'a TextScan,
    doc: bool,
    code: bool,
    yaml: bool,
    /// The model card (the root README).
    card: bool,
    /// Under an evaluation/test folder, or evaluation code.
    eval: bool,
    /// Under a demo, example or tutorial folder: the data it names is the
    /// demo's input (weights it loads are still the release's).
    demo: bool,
}

fn contexts(facts: &Facts) -> Vec<Ctx<'_>> {
    let kinds: BTreeMap<&str, (FileKind, bool)> = facts
        .files
        .iter()
        .map(|f| {
            let eval_role = matches!(
                f.code_role,
                Some((crate::codeclass::CodeRole::Evaluation, _))
            );
            (f.rel(), (f.entry.kind, eval_role))
        })
        .collect();
    facts
        .text_refs
        .iter()
        .map(|(rel, scan)| {
            let (kind, eval_role) = kinds
                .get(rel.as_str())
                .copied()
                .unwrap_or((FileKind::Other, false));
            let lower = rel.to_ascii_lowercase();
            let demo = any_token(folders(rel), DEMO_DIRS);
            Ctx {
                rel,
                scan,
                doc: kind == FileKind::Docs || kind == FileKind::Data,
                code: kind == FileKind::Code,
                yaml: lower.ends_with(".yaml") || lower.ends_with(".yml"),
                card: lower == "readme.md",
                // A document (not the release's card) whose lead says it is
                // about evaluation names evaluation data throughout.
                eval: eval_role
                    || any_token(folders(rel), EVAL_TOKENS)
                    || (lower != "readme.md" && scan.lead_says_evaluation),
                demo,
            }
        })
        .collect()
}

/// Folders of demos, tutorials and examples: what their files name is an
/// input of the demo, not this release's weights or training data.
const DEMO_DIRS: &[&str] = &[
    "example",
    "examples",
    "demo",
    "demos",
    "tutorial",
    "tutorials",
    "cookbook",
    "cookbooks",
];

/// Package indexes and wheels: what an installation section points to.
fn is_package_index(host: &str, path: &str) -> bool {
    path.contains("/whl")
        || path.ends_with(".whl")
        || path.contains("/simple")
        || matches!(
            host,
            "pypi.org" | "files.pythonhosted.org" | "anaconda.org" | "conda.anaconda.org"
        )
        || host.starts_with("pypi.")
}

/// Hosts and pages that are never a dataset: social media, papers, licences,
/// package indexes.
fn is_never_data(u: &UrlParts) -> bool {
    let (host, path) = (&u.host, &u.path);
    if is_package_index(host, path) {
        return true;
    }
    // A file or folder view on a code host is code or documentation (a
    // format's spec, a script), unless it is itself a data file.
    if matches!(host.as_str(), "github.com" | "gitlab.com")
        && (path.contains("/blob/") || path.contains("/tree/"))
        && !has_data_ext(&u.name)
    {
        return true;
    }
    [
        "twitter.com",
        "x.com",
        "youtube.com",
        "youtu.be",
        "reddit.com",
        "linkedin.com",
        "discord.gg",
        "discord.com",
        "facebook.com",
        "weixin.qq.com",
        "medium.com",
    ]
    .iter()
    .any(|h| {
        host.strip_suffix(h)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    })
        || [
            "publication",
            "/paper",
            "/abs/",
            ".pdf",
            "/docs/",
            "/releases/",
        ]
        .iter()
        .any(|w| path.contains(w))
        || host.starts_with("docs.")
        // A person's home page (`/~name`, `/people/...`).
        || path.contains("/people/")
        || path.contains("/person/")
        || u.segments == 1 && u.first_segment.starts_with('~')
        // A model page on the hub is not a dataset.
        || (matches!(host.as_str(), "huggingface.co" | "hf.co") && !path.contains("/datasets/"))
}

/// Collects items, at most a few per file, deduplicated by value.
#[derive(Default)]
struct Picks {
    items: Vec<Item>,
    per_file: BTreeMap<String, usize>,
    seen: BTreeSet<String>,
}

impl Picks {
    fn add(&mut self, kind: ItemKind, rel: &str, line: Option<u32>, value: &str, rule: &str) {
        // A file whose quota is spent adds nothing whatever it names: asked
        // first, so a config listing thousands of URLs does not keep a
        // key for each (the quota is per file and the key names the file,
        // so the order of the two checks changes no pick).
        if self
            .per_file
            .get(rel)
            .is_some_and(|n| *n >= MAX_ITEMS_PER_FILE)
        {
            return;
        }
        if !self.seen.insert(format!("{rel}\u{0}{value}")) {
            return;
        }
        let n = self.per_file.entry(rel.to_owned()).or_default();
        *n += 1;
        self.items
            .push(Item::text_reference(kind, rel, line, value, rule));
    }

    fn done(mut self) -> Vec<Item> {
        self.items.sort();
        self.items.truncate(MAX_ITEMS);
        self.items
    }
}

fn is_script(rel: &str) -> bool {
    let l = rel.to_ascii_lowercase();
    [".sh", ".bash", ".py", ".bat", ".ps1"]
        .iter()
        .any(|e| l.ends_with(e))
}

/// `download*`, `fetch*`, `get_*` scripts.
fn is_download_name(rel: &str) -> bool {
    let t = tokens(stem(rel));
    t.iter().any(|w| w.starts_with("download") || w == "fetch")
        || t.first().is_some_and(|w| w == "get")
}

fn names_weights_word(rel: &str) -> bool {
    tokens(stem(rel)).iter().any(|w| {
        w.starts_with("weight")
            || w.starts_with("model")
            || w.starts_with("checkpoint")
            || w == "ckpt"
            || w == "ckpts"
            || w == "pretrained"
    })
}

fn names_data_word(rel: &str) -> bool {
    tokens(rel).iter().any(|w| {
        matches!(
            w.as_str(),
            "data" | "dataset" | "datasets" | "corpus" | "corpora"
        )
    })
}

/// Weights references: each rule's picks, as `reference` items.
pub(crate) fn weights(facts: &Facts, urls: &UrlTable<'_>) -> Vec<Item> {
    let mut picks = Picks::default();
    for ctx in contexts(facts) {
        if ctx.eval {
            continue;
        }
        let doc_named = ctx.doc
            && tokens(stem(ctx.rel)).iter().any(|w| {
                w.starts_with("download")
                    || w.starts_with("weight")
                    || w.starts_with("checkpoint")
                    || w == "pretrained"
                    || w == "zoo"
                    || w == "models"
            });
        if (ctx.code || ctx.doc)
            && is_script(ctx.rel)
            && is_download_name(ctx.rel)
            && !names_data_word(file_name(ctx.rel))
            && ctx.scan.fetches
            && (ctx.scan.names_weights || names_weights_word(ctx.rel))
        {
            picks.add(
                ItemKind::Reference,
                ctx.rel,
                None,
                "a download script that fetches weights files",
                "download-script",
            );
        }
        for r in &ctx.scan.refs {
            let sec = section(r);
            if matches!(sec, Section::Eval | Section::Ack) {
                continue;
            }
            match r.kind {
                RefKind::Url | RefKind::CloudPath => {
                    let f = urls.get(&r.value);
                    if f.weights_ext && !f.vocab && !f.backbone_host {
                        picks.add(
                            ItemKind::Reference,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "weights-file-url",
                        );
                        continue;
                    }
                    if sec == Section::Data {
                        continue;
                    }
                    if (r.kind == RefKind::CloudPath && f.checkpoint_path)
                        || (f.archive && (sec == Section::Weights || f.checkpoint_path))
                    {
                        picks.add(
                            ItemKind::Reference,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "checkpoint-archive",
                        );
                        continue;
                    }
                    if r.kind == RefKind::Url
                        && (f.kind == LinkKind::Model || f.other_hub_model)
                        && (ctx.code || sec == Section::Weights || doc_named || ctx.card)
                    {
                        picks.add(
                            ItemKind::Reference,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "hub-model-link",
                        );
                    }
                }
                RefKind::LoaderCall => {
                    let call = r.call.unwrap_or("");
                    if matches!(
                        call,
                        "from_pretrained" | "hf_hub_download" | "snapshot_download"
                    ) && is_hub_id(&r.value)
                        && !r.before.contains("tokenizer")
                        && !r.before.contains("processor")
                        && !r.before.contains("config")
                    {
                        picks.add(
                            ItemKind::Reference,
                            ctx.rel,
                            Some(r.line),
                            &format!("{call}(\"{}\")", r.value),
                            "loader-call",
                        );
                    }
                }
                RefKind::RelativeLink => {}
            }
        }
    }
    picks.done()
}

/// Data references, and whether a document links a data file of the
/// release that is not there.
pub(crate) struct DataRefs {
    pub items: Vec<Item>,
    pub missing_linked: bool,
}

const TRAINED_ON: &[&str] = &[
    "trained on",
    "trained with",
    "training data",
    "training set",
    "training corpus",
    "pre-training data",
    "pretraining data",
    "fine-tuned on",
    "finetuned on",
    "fine-tuning data",
    "train set",
];

/// Loader calls that fetch a dataset by name, besides `load_dataset` (whose
/// first argument may be a builder such as `json`, and is checked apart).
fn fetches_dataset(call: Option<&str>) -> bool {
    matches!(
        call,
        Some(
            "tfds.load"
                | "tfds.builder"
                | "dataset_download"
                | "mirdata.initialize"
                | "nltk.download"
                | "dataset-module"
        )
    )
}

pub(crate) fn data(facts: &Facts, urls: &UrlTable<'_>) -> DataRefs {
    let present: BTreeSet<&str> = facts.files.iter().map(|f| f.rel()).collect();
    let mut picks = Picks::default();
    let mut missing_linked = false;
    for ctx in contexts(facts) {
        if ctx.eval && ctx.code {
            // The datasets evaluation code loads are evaluation data.
            for r in ctx
                .scan
                .refs
                .iter()
                .filter(|r| r.kind == RefKind::LoaderCall)
            {
                if r.call == Some("load_dataset") || fetches_dataset(r.call) {
                    picks.add(
                        ItemKind::EvaluationData,
                        ctx.rel,
                        Some(r.line),
                        &r.value,
                        "evaluation-loader-call",
                    );
                }
            }
        }
        if ctx.eval || ctx.demo {
            continue;
        }
        if ctx.yaml && ctx.scan.yaml_download {
            picks.add(
                ItemKind::Dataset,
                ctx.rel,
                None,
                "dataset configuration with a download: block",
                "dataset-yaml",
            );
        }
        let data_script = ctx.code
            && is_script(ctx.rel)
            && !names_weights_word(ctx.rel)
            && (names_data_word(ctx.rel)
                || tokens(stem(ctx.rel))
                    .first()
                    .is_some_and(|w| w.starts_with("prepar") || w.starts_with("preprocess")))
            && (is_download_name(ctx.rel)
                || tokens(stem(ctx.rel)).iter().any(|w| {
                    w.starts_with("prepar")
                        || w.starts_with("preprocess")
                        || w == "corpora"
                        || w == "make"
                        || w == "build"
                }));
        let mut script_urls = 0usize;
        for r in &ctx.scan.refs {
            let sec = section(r);
            if matches!(sec, Section::Eval | Section::Ack | Section::Tutorial) {
                continue;
            }
            match r.kind {
                RefKind::Url | RefKind::CloudPath => {
                    let f = urls.get(&r.value);
                    if f.image_or_page || f.vocab || f.never_data || f.eval_name {
                        continue;
                    }
                    let kind = f.kind;
                    if kind == LinkKind::Dataset || f.other_hub_dataset {
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "hub-dataset-link",
                        );
                        continue;
                    }
                    if f.weights_ext {
                        continue;
                    }
                    if f.data_ext {
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "data-file-url",
                        );
                        continue;
                    }
                    let paper_or_repo = kind == LinkKind::Paper
                        || (kind == LinkKind::CodeRepository && !f.name_has_dot);
                    if data_script && !paper_or_repo && f.name_has_dot {
                        script_urls += 1;
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "dataset-script",
                        );
                        continue;
                    }
                    if !ctx.doc || paper_or_repo || kind == LinkKind::Model {
                        continue;
                    }
                    let before = tail_words(&r.before);
                    // A URL with no path is a project's home page.
                    if sec == Section::Data && f.has_path {
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "training-data-section",
                        );
                    } else if TRAINED_ON.iter().any(|w| before.contains(w)) {
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "trained-on-link",
                        );
                    } else if f.archive
                        && sec != Section::Weights
                        && (before.contains("dataset")
                            || before.contains("data set")
                            || before.contains("corpus")
                            || f.names_data_word)
                    {
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &r.value,
                            "dataset-archive",
                        );
                    }
                }
                RefKind::LoaderCall if fetches_dataset(r.call) && (ctx.code || ctx.doc) => {
                    let call = r.call.unwrap_or_default();
                    picks.add(
                        ItemKind::Dataset,
                        ctx.rel,
                        Some(r.line),
                        &format!("{call}: {}", r.value),
                        "dataset-loader-call",
                    );
                }
                RefKind::LoaderCall => {
                    // `load_dataset("json", data_files=...)` names a builder,
                    // not a dataset; a path is a local file.
                    const BUILDERS: &[&str] = &[
                        "json",
                        "csv",
                        "parquet",
                        "text",
                        "arrow",
                        "pandas",
                        "imagefolder",
                        "audiofolder",
                        "videofolder",
                        "webdataset",
                        "sql",
                        "generator",
                    ];
                    if r.call == Some("load_dataset")
                        && (ctx.code || ctx.doc)
                        && !BUILDERS.contains(&&*r.value)
                        && !any_token(&r.value, EVAL_TOKENS)
                        && !r.value.starts_with('.')
                        && !r.value.starts_with('/')
                        && !r.value.contains(' ')
                        && !r.value.contains('{')
                    {
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &format!("load_dataset(\"{}\")", r.value),
                            "load-dataset-call",
                        );
                    }
                }
                RefKind::RelativeLink => {
                    if !ctx.doc {
                        continue;
                    }
                    let target = r.value.split(['?', '#']).next().unwrap_or(&r.value);
                    let lower = target.to_ascii_lowercase();
                    let data_like = [".json", ".jsonl", ".csv", ".tsv", ".parquet", ".arrow"]
                        .iter()
                        .any(|e| lower.ends_with(e));
                    if !data_like
                        || crate::codeclass::is_results_name(file_name(&lower))
                        || any_token(&lower, EVAL_TOKENS)
                    {
                        continue;
                    }
                    let before = tail_words(&r.before);
                    let line_speaks_of_data = ["data", "train", "fine-tun", "finetun"]
                        .iter()
                        .any(|w| before.contains(w));
                    let Some(resolved) = resolve(folders(ctx.rel), target) else {
                        continue;
                    };
                    if line_speaks_of_data && !present.contains(resolved.as_str()) {
                        missing_linked = true;
                        picks.add(
                            ItemKind::Dataset,
                            ctx.rel,
                            Some(r.line),
                            &format!("{resolved} is linked but not in the release"),
                            "missing-linked-data",
                        );
                    }
                }
            }
        }
        if data_script && script_urls == 0 && ctx.scan.fetches {
            picks.add(
                ItemKind::Dataset,
                ctx.rel,
                None,
                "a data download or preparation script",
                "dataset-script",
            );
        }
    }
    DataRefs {
        items: picks.done(),
        missing_linked,
    }
}

/// The end of the text before a reference: the sentence it sits in.
fn tail_words(before: &str) -> String {
    let cut = before.len().saturating_sub(100);
    let mut start = cut;
    while start < before.len() && !before.is_char_boundary(start) {
        start += 1;
    }
    before.get(start..).unwrap_or("").to_owned()
}

/// `dir` + a relative link target, `.`/`..` resolved; `None` when it leaves
/// the release.
fn resolve(dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_by_heading_words() {
        assert_eq!(section_of("pre-training data"), Section::Data);
        assert_eq!(section_of("pre-trained models"), Section::Weights);
        assert_eq!(
            section_of("downloading pretrained weights"),
            Section::Weights
        );
        assert_eq!(
            section_of("accuracy, speed, model size comparison"),
            Section::Eval
        );
        assert_eq!(section_of("acknowledgements"), Section::Ack);
        assert_eq!(
            section_of("generate voc format training data set and training process"),
            Section::Data
        );
        assert_eq!(section_of("usage"), Section::Tutorial);
        assert_eq!(
            section_of("finetune code for the 6b model"),
            Section::Tutorial
        );
        assert_eq!(section_of("introduction"), Section::Neutral);
    }

    #[test]
    fn url_files_and_hub_ids() {
        assert_eq!(url_file("https://h.example.org/a/b/M.pt?x=1"), "m.pt");
        assert_eq!(
            url_file("gs://bucket/run/model.ckpt.index"),
            "model.ckpt.index"
        );
        assert!(has_weights_ext("model.ckpt.data-00000-of-00001"));
        assert!(!has_weights_ext("notes.txt"));
        assert!(is_hub_id("acme/tiny-7b"));
        assert!(!is_hub_id("./local/path"));
        assert!(!is_hub_id("bert-base-uncased"));
        assert!(is_checkpoint_path("bucket_models/2020/base"));
        assert!(!is_checkpoint_path("some_bucket/model_out"));
    }

    #[test]
    fn relative_links_resolve_inside() {
        assert_eq!(
            resolve("docs", "../data/x.json").as_deref(),
            Some("data/x.json")
        );
        assert_eq!(resolve("", "./x.json").as_deref(), Some("x.json"));
        assert_eq!(resolve("", "../x.json"), None);
    }
}
