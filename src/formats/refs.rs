//! References in text: what a source file, a script, a README or a YAML
//! config points to. Real releases name their weights and their data in many
//! places besides a model card: a dictionary of checkpoint URLs in the loader,
//! a `download.sh`, a "Pre-training data" section of the README, a dataset
//! YAML with a `download:` block. This module only *finds* them, with their
//! line and what surrounds them (the markdown section they sit in, the text
//! of their line); whether one points to this release's weights or training
//! data is the assessment's call.
//!
//! Linear in the bytes given, with caps on what is kept: at most
//! [`MAX_REFS`] references per text, each line's context cut to
//! [`MAX_CONTEXT`] bytes, headings to [`MAX_HEADING`].

use super::card;
use memchr::memmem;
use std::sync::Arc;

/// Most references kept from one text.
pub const MAX_REFS: usize = 400;
/// Bytes of a line kept as the context of a reference found on it.
pub const MAX_CONTEXT: usize = 240;
/// Bytes of a heading kept.
pub const MAX_HEADING: usize = 120;
/// Bytes searched after a loader call's name for its first string argument.
const CALL_WINDOW: usize = 200;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefKind {
    /// An `http(s)://` URL.
    Url,
    /// A `gs://`, `s3://`, `az://`, `hf://` path.
    CloudPath,
    /// The first string argument of a loader call (`from_pretrained`,
    /// `hf_hub_download`, `snapshot_download`, `load_dataset`, ...): the call
    /// is in `call`.
    LoaderCall,
    /// A markdown link to a path inside the repository (`[x](./data.json)`).
    RelativeLink,
}

/// One reference, where it was found and what surrounds it.
///
/// A code release holds tens of thousands of these until the assessment, so
/// the strings are boxed (no spare capacity) and the headings are shared by
/// every reference under them: 120 bytes each became 64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRef {
    pub kind: RefKind,
    /// 1-based line number.
    pub line: u32,
    /// The URL, path, hub id or link target, as written (trimmed).
    pub value: Box<str>,
    /// The markdown headings and title above it.
    pub place: Arc<Place>,
    /// The lower-cased text of its line before the reference (markdown link
    /// text included), at most [`MAX_CONTEXT`] bytes.
    pub before: Box<str>,
    /// For a loader call, the function called (`from_pretrained`, ...).
    pub call: Option<&'static str>,
}

/// Where in a document a reference sits.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// The markdown headings above it, outermost first, lower-cased
    /// (empty outside markdown; a document's title heading left out).
    pub section: Vec<String>,
    /// The document's title (its first heading, at level 1), lower-cased.
    pub title: Option<String>,
}

/// Everything one text yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextScan {
    pub refs: Vec<TextRef>,
    /// A command or call that fetches files appears (`wget`, `curl`,
    /// `aria2c`, `requests.get`, `urlretrieve`, `attempt_download`, ...).
    pub fetches: bool,
    /// A file name with a weights extension appears (`consolidated.00.pth`,
    /// `model.ckpt.index`, `yolov5s.pt`), URL or not.
    pub names_weights: bool,
    /// A YAML document with a top-level `download:` key.
    pub yaml_download: bool,
    /// References beyond [`MAX_REFS`] were dropped.
    pub truncated: bool,
    /// String literals of code that name a data file or a folder of one
    /// (`"data/train.csv"`, `'intents.json'`, `"archive/data/train"`),
    /// at most [`MAX_PATHS`]: what the code reads, to tell training data
    /// from files whose role nothing states.
    pub paths: Vec<String>,
    /// A markdown document's lead (the text before its first section
    /// heading) says the document is about evaluation and never mentions
    /// training: "how we prepared the data for evaluation".
    pub lead_says_evaluation: bool,
}

/// How many rows of a table (a bounded prefix of a CSV, TSV or text
/// file) hold a URL or cloud path, when at least two thirds of its
/// non-empty rows after the first (a header) do: such a table is a list of
/// remote files (a manifest), not the data itself.
pub fn url_manifest_rows(text: &[u8]) -> Option<u32> {
    let (mut rows, mut with_url) = (0u32, 0u32);
    for line in text.split(|&b| b == b'\n').skip(1) {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        rows = rows.saturating_add(1);
        if memmem::find(line, b"://").is_some() {
            with_url = with_url.saturating_add(1);
        }
    }
    (with_url >= 2 && with_url.saturating_mul(3) >= rows.saturating_mul(2)).then_some(with_url)
}

/// Loader calls whose first string argument names a hub repository.
pub const LOADER_CALLS: &[&str] = &[
    "from_pretrained(",
    "hf_hub_download(",
    "snapshot_download(",
    "load_state_dict_from_url(",
    "load_dataset(",
    "torch.hub.load(",
    "tfds.load(",
    "tfds.builder(",
    "dataset_download(",
    "mirdata.initialize(",
    "nltk.download(",
];

/// Bound on the lead text weighed by [`TextScan::lead_says_evaluation`].
const MAX_LEAD: usize = 2048;

/// Dataset loaders named by attribute rather than by a string argument:
/// `torchvision.datasets.CIFAR100(root, download=True)`,
/// `keras.datasets.mnist.load_data()`, `sklearn.datasets.load_iris()`;
/// the dataset's name follows the prefix. Reported as loader calls of
/// `dataset-module`.
const DATASET_MODULES: &[&str] = &[
    "torchvision.datasets.",
    "torchaudio.datasets.",
    "torchtext.datasets.",
    "keras.datasets.",
    "sklearn.datasets.",
    "datasets.",
];

/// Names in `datasets` modules that name no dataset: the `datasets`
/// library's own helpers and local-folder readers.
const DATASET_HELPERS: &[&str] = &[
    "load_dataset",
    "load_from_disk",
    "load_metric",
    "Dataset",
    "DatasetDict",
    "ImageFolder",
    "DatasetFolder",
    "VisionDataset",
    "concatenate_datasets",
    "interleave_datasets",
    "disable_caching",
    "load_files",
    "load_svmlight_file",
];

/// Most path literals kept from one text.
pub const MAX_PATHS: usize = 100;

/// Extensions of data files a path literal may end in.
const DATA_PATH_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "jsonl", "json", "parquet", "arrow", "txt", "npy", "npz", "pkl", "pickle",
    "tfrecord", "h5", "hdf5", "zip", "tar", "gz", "xml", "wav", "flac",
];

/// Extensions of weights files, as they end a URL or a file name.
pub const WEIGHTS_EXTENSIONS: &[&str] = &[
    ".pt",
    ".pth",
    ".bin",
    ".ckpt",
    ".safetensors",
    ".gguf",
    ".ggml",
    ".onnx",
    ".h5",
    ".hdf5",
    ".tflite",
    ".msgpack",
    ".npz",
    ".caffemodel",
    ".mnn",
    ".pdparams",
    ".mlmodel",
    ".pb",
    ".keras",
];

const FETCHERS: &[&str] = &[
    "wget ",
    "curl ",
    "aria2c",
    "requests.get(",
    "urlretrieve(",
    "urlopen(",
    "attempt_download(",
    "download_url(",
    "hf_hub_download(",
    "snapshot_download(",
    "load_state_dict_from_url(",
    "gsutil cp",
    "aws s3 cp",
    "git clone",
    "huggingface-cli download",
];

/// Whether `text` holds any of [`FETCHERS`], with searchers built once per
/// process (building one costs more than running it over a short text).
/// One automaton for every command was slower: their common bytes (spaces,
/// `(`) defeat its prefilter.
fn holds_fetch_command(text: &[u8]) -> bool {
    static FINDERS: std::sync::LazyLock<Vec<memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| FETCHERS.iter().map(memmem::Finder::new).collect());
    FINDERS.iter().any(|f| f.find(text).is_some())
}

/// Scans `text` (a bounded prefix of a file); `markdown` turns on headings
/// and relative links, `yaml` the `download:` key.
pub fn scan(text: &[u8], markdown: bool, yaml: bool) -> TextScan {
    // Decoded once: a newline never belongs to a multi-byte sequence, so
    // this is what decoding each line on its own would give.
    let decoded = super::decode_lossy(text);
    let mut out = TextScan {
        fetches: holds_fetch_command(text),
        names_weights: names_weights_file(&decoded),
        ..TextScan::default()
    };
    let mut headings: Vec<(usize, String)> = Vec::new();
    // Made when a reference is first found under the current headings.
    let mut place: Option<Arc<Place>> = None;
    let mut in_fence = false;
    let mut seen_heading = false;
    let mut doc_title: Option<String> = None;
    let mut in_lead = markdown;
    let mut lead = String::new();
    let cues = cue_offsets(decoded.as_bytes());
    let mut next_cue = 0;
    let mut line_start = 0;
    let lines = memchr::memchr_iter(b'\n', decoded.as_bytes())
        .chain(std::iter::once(decoded.len()))
        .scan(0usize, |start, end| {
            let line = decoded.get(*start..end).unwrap_or("");
            *start = end + 1;
            Some(line)
        });
    for (index, raw) in lines.enumerate() {
        let line_no = u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX);
        let line_end = line_start + raw.len();
        while cues.get(next_cue).is_some_and(|&(at, _)| at < line_start) {
            next_cue += 1;
        }
        // Cues hold no newline: one starting on this line is on it.
        let mut on_line = 0u8;
        while let Some(&(at, kind)) = cues.get(next_cue)
            && at < line_end
        {
            on_line |= kind;
            next_cue += 1;
        }
        line_start = line_end + 1;
        let line = raw.trim_end_matches('\r');
        if yaml && (line.starts_with("download:") || line.starts_with("download :")) {
            out.yaml_download = true;
        }
        if markdown {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
            }
            if !in_fence && let Some((level, title)) = heading(line) {
                headings.retain(|(l, _)| *l < level);
                // A document's first heading, at level 1, is its title
                // ("# Tool X and Dataset"), not a section of it.
                place = None;
                if level > 1 || seen_heading {
                    headings.push((level, title));
                    in_lead = false;
                } else {
                    doc_title = Some(title);
                }
                seen_heading = true;
                continue;
            }
        }
        if !markdown && out.paths.len() < MAX_PATHS {
            path_literals(line, &mut out.paths);
        }
        if in_lead && !in_fence && lead.len() < MAX_LEAD {
            lead.push_str(&line.to_lowercase());
            lead.push(' ');
        }
        if on_line == 0 {
            continue;
        }
        let place = place.get_or_insert_with(|| {
            Arc::new(Place {
                section: headings.iter().map(|(_, t)| t.clone()).collect(),
                title: doc_title.clone(),
            })
        });
        let context = LineContext {
            line_no,
            place,
            markdown,
            cues: on_line,
        };
        find_on_line(line, &context, &mut out);
        if out.refs.len() >= MAX_REFS {
            out.truncated = true;
            break;
        }
    }
    out.refs.truncate(MAX_REFS);
    out.lead_says_evaluation =
        (lead.contains("evaluat") || lead.contains("benchmark")) && !lead.contains("train");
    out
}

/// Which kinds of reference a line may hold, from the cues found on it: a
/// bit per search that `find_on_line` would otherwise run on every line.
const CUE_URL: u8 = 1;
const CUE_LINK: u8 = 2;
const CUE_CALL: u8 = 4;
const CUE_MODULE: u8 = 8;
const CUE_IMPORT: u8 = 16;

/// Only lines holding one of these can hold a reference; each cue says
/// which searches its line needs.
const CUES: &[(&str, u8)] = &[
    ("://", CUE_URL),
    ("](", CUE_LINK),
    // Every loader call holds one of these.
    ("load", CUE_CALL),
    ("_pretrained(", CUE_CALL),
    ("initialize(", CUE_CALL),
    ("tfds.", CUE_CALL),
    ("datasets.", CUE_MODULE),
    ("datasets import", CUE_IMPORT),
];

/// Where each cue starts in `text` and what it marks, sorted by offset: one
/// pass of each cue over the whole text, instead of one searcher call per
/// cue per line (most lines are short, and a searcher call's set-up is what
/// costs). One automaton for every cue was slower: overlapping matches
/// (which a line needs, so that no cue hides another) take its slow path.
fn cue_offsets(text: &[u8]) -> Vec<(usize, u8)> {
    static FINDERS: std::sync::LazyLock<Vec<(memmem::Finder<'static>, u8)>> =
        std::sync::LazyLock::new(|| {
            CUES.iter()
                .map(|(cue, kind)| (memmem::Finder::new(cue), *kind))
                .collect()
        });
    let mut hits: Vec<(usize, u8)> = FINDERS
        .iter()
        .flat_map(|(f, kind)| f.find_iter(text).map(move |at| (at, *kind)))
        .collect();
    hits.sort_unstable();
    hits
}

/// Pushes the string literals of `line` that name a data file (a data
/// extension) or a train-split folder (`.../train`), lower-cased, without
/// a leading `./`.
fn path_literals(line: &str, out: &mut Vec<String>) {
    if memchr::memchr2(b'"', b'\'', line.as_bytes()).is_none() {
        return;
    }
    let mut rest = line;
    while let Some(open) = rest.find(['"', '\'']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            break;
        };
        let literal = after[..close].trim().trim_end_matches('\\');
        rest = &after[close + 1..];
        if literal.is_empty()
            || literal.len() > 200
            || literal.contains(' ')
            || literal.contains("://")
        {
            continue;
        }
        let lower = literal.to_ascii_lowercase();
        let lower = lower.trim_start_matches("./").trim_end_matches('/');
        let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let data_file = DATA_PATH_EXTENSIONS.contains(&ext);
        let train_folder = lower.contains('/')
            && lower
                .split(['/', '_', '-'])
                .any(|w| matches!(w, "train" | "training" | "trainset" | "train_data"));
        if (data_file || train_folder) && out.len() < MAX_PATHS && !out.iter().any(|p| p == lower) {
            out.push(lower.to_owned());
        }
    }
}

/// `# Title` (levels 1–6), or a line that is only `**Bold text**` (level 7:
/// cards use it as a sub-heading).
fn heading(line: &str) -> Option<(usize, String)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) {
        let rest = line.get(hashes..)?;
        if rest.starts_with(' ') || rest.starts_with('\t') {
            return Some((hashes, clip(&rest.trim().to_lowercase(), MAX_HEADING)));
        }
        return None;
    }
    let t = line.trim();
    let inner = t.strip_prefix("**")?.strip_suffix("**")?;
    if !inner.is_empty() && !inner.contains("**") && inner.len() <= MAX_HEADING {
        return Some((7, inner.trim().trim_end_matches(':').to_lowercase()));
    }
    None
}

fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("").to_owned()
}

/// The last `max` bytes of `s`, on a character boundary.
fn tail(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut start = s.len() - max;
    while start < s.len() && !s.is_char_boundary(start) {
        start += 1;
    }
    s.get(start..).unwrap_or("").to_owned()
}

/// Where a line sits: what [`find_on_line`] records with each reference.
struct LineContext<'a> {
    line_no: u32,
    place: &'a Arc<Place>,
    markdown: bool,
    /// The `CUE_*` bits of the cues on the line.
    cues: u8,
}

fn find_on_line(line: &str, context: &LineContext, out: &mut TextScan) {
    static SCHEME_SEPARATOR: std::sync::LazyLock<memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memmem::Finder::new("://"));
    let markdown = context.markdown;
    let bytes = line.as_bytes();
    let lower = line.to_ascii_lowercase();
    let push = |out: &mut TextScan, kind, value: String, at: usize, call| {
        if out.refs.len() < MAX_REFS {
            out.refs.push(TextRef {
                kind,
                value: value.into_boxed_str(),
                line: context.line_no,
                place: Arc::clone(context.place),
                before: tail(lower.get(..at).unwrap_or(""), MAX_CONTEXT).into_boxed_str(),
                call,
            });
        }
    };
    // URLs and cloud paths.
    let mut from = 0;
    while context.cues & CUE_URL != 0
        && let Some(rel) = lower
            .as_bytes()
            .get(from..)
            .and_then(|r| SCHEME_SEPARATOR.find(r))
    {
        let sep = from + rel;
        from = sep + 3;
        let scheme_start = lower.get(..sep).map_or(sep, |s| {
            s.len()
                - s.bytes()
                    .rev()
                    .take_while(u8::is_ascii_alphanumeric)
                    .count()
        });
        let scheme = lower.get(scheme_start..sep).unwrap_or("");
        let kind = match scheme {
            "http" | "https" => RefKind::Url,
            "gs" | "s3" | "az" | "hf" | "abfs" | "abfss" => RefKind::CloudPath,
            _ => continue,
        };
        let end = card::url_end(bytes, sep + 3);
        from = from.max(end);
        let raw = line.get(scheme_start..end).unwrap_or("");
        let value = match kind {
            RefKind::Url => card::clean_url(raw, scheme.len() + 3),
            _ => {
                let v = raw.trim_end_matches(['.', ',', ';', ':', ')', '*', '`']);
                (v.len() > scheme.len() + 3).then(|| v.to_owned())
            }
        };
        if let Some(value) = value {
            push(out, kind, value, scheme_start, None);
        }
    }
    // Loader calls with a string literal first argument (or `repo_id=`).
    // Every call name ends with `(`: a line without one holds none.
    let calls = if context.cues & CUE_CALL != 0 && memchr::memchr(b'(', bytes).is_some() {
        LOADER_CALLS
    } else {
        &[]
    };
    for call in calls {
        let mut from = 0;
        while let Some(rel) = line.get(from..).and_then(|r| r.find(call)) {
            let at = from + rel;
            from = at + call.len();
            let window_end = (from + CALL_WINDOW).min(line.len());
            let Some(args) = line.get(from..window_end) else {
                break;
            };
            if let Some(value) = first_string(args) {
                let stable = call_name(call);
                push(out, RefKind::LoaderCall, value, at, Some(stable));
            }
        }
    }
    // Dataset modules: `torchvision.datasets.CIFAR100(`, `keras.datasets.
    // mnist.load_data()`, `sklearn.datasets.load_iris()`.
    if !markdown && context.cues & CUE_MODULE != 0 {
        for prefix in DATASET_MODULES {
            let mut from = 0;
            while let Some(rel) = line.get(from..).and_then(|r| r.find(prefix)) {
                let at = from + rel;
                from = at + prefix.len();
                // A bare `datasets.X(` is torchvision's only with a
                // `download=` argument (the `datasets` library's module has
                // `Features(`, `Value(`, ...); `xyz_datasets.` is another
                // module, and a qualified prefix was already matched.
                let qualified = *prefix != "datasets.";
                let before = line[..at].chars().next_back();
                let owner_ok = if qualified {
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                } else {
                    // `torchvision.datasets.X(` was matched by its own prefix.
                    let qualified_here = DATASET_MODULES
                        .iter()
                        .any(|q| *q != "datasets." && line[..from].ends_with(q));
                    let own_name =
                        !qualified_here && !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    let loader_name = ["fetch_", "load_"]
                        .iter()
                        .any(|p| line[from..].starts_with(p));
                    own_name && (line.contains("download=") || loader_name)
                };
                let name: String = line[from..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let called = line[from + name.len()..].starts_with('(')
                    || line[from + name.len()..].starts_with(".load_data(");
                if !owner_ok
                    || name.is_empty()
                    || !called
                    || DATASET_HELPERS.contains(&name.as_str())
                {
                    continue;
                }
                let name = name
                    .strip_prefix("load_")
                    .or_else(|| name.strip_prefix("fetch_"))
                    .unwrap_or(&name)
                    .to_owned();
                push(out, RefKind::LoaderCall, name, at, Some("dataset-module"));
            }
        }
    }
    // `from <pkg>.datasets import fetch_mnist, load_iris`: the imported
    // loaders name their datasets, as the attribute form does.
    if !markdown && let Some(names) = dataset_module_imports(line) {
        for name in names {
            push(out, RefKind::LoaderCall, name, 0, Some("dataset-module"));
        }
    }
    // Relative markdown links: `](target)` not starting with a scheme or `#`.
    if markdown && context.cues & CUE_LINK != 0 {
        let mut from = 0;
        while let Some(rel) = line.get(from..).and_then(|r| r.find("](")) {
            let at = from + rel;
            from = at + 2;
            let rest = line.get(from..).unwrap_or("");
            let target: String = rest
                .chars()
                .take_while(|c| !matches!(c, ')' | ' ' | '"' | '\''))
                .collect();
            if target.is_empty()
                || target.contains("://")
                || target.starts_with('#')
                || target.starts_with("mailto:")
                || target.len() > 300
            {
                continue;
            }
            push(out, RefKind::RelativeLink, target, at, None);
        }
    }
}

/// The datasets a `from <module> import a, b` line fetches, when the module
/// is a `datasets` module: names starting `fetch_`/`load_`/`download_`
/// (the prefix dropped), and the dataset classes of the known qualified
/// modules (`from torchvision.datasets import CIFAR10`). Helpers whose
/// names say nothing of a dataset (`load_dataset`, `load_data`) are left.
fn dataset_module_imports(line: &str) -> Option<Vec<String>> {
    let rest = line.trim_start().strip_prefix("from ")?;
    let (module, names) = rest.split_once(" import ")?;
    let module = module.trim();
    if module != "datasets" && !module.ends_with(".datasets") {
        return None;
    }
    let known = DATASET_MODULES
        .iter()
        .any(|m| *m != "datasets." && module.ends_with(m.trim_end_matches('.')));
    const GENERIC: &[&str] = &[
        "data",
        "dataset",
        "datasets",
        "file",
        "files",
        "metric",
        "config",
        "from_disk",
    ];
    let picked: Vec<String> = names
        .split(',')
        .filter_map(|n| {
            let n = n.trim().trim_matches(['(', ')', '\\']).trim();
            let n = n.split_whitespace().next()?;
            if !n.chars().all(|c| c.is_alphanumeric() || c == '_') || DATASET_HELPERS.contains(&n) {
                return None;
            }
            let stripped = ["fetch_", "load_", "download_"]
                .iter()
                .find_map(|p| n.strip_prefix(p));
            match stripped {
                Some(s) if !s.is_empty() && !GENERIC.contains(&s) => Some(s.to_owned()),
                None if known && n.starts_with(|c: char| c.is_ascii_uppercase()) => {
                    Some(n.to_owned())
                }
                _ => None,
            }
        })
        .collect();
    (!picked.is_empty()).then_some(picked)
}

/// The name a loader call is reported by: the function's own name
/// (`from_pretrained`), or the module's and the function's where the bare
/// name says nothing (`tfds.load`, `torch.hub.load`).
fn call_name(call: &'static str) -> &'static str {
    let full = call.trim_end_matches('(');
    match full.rsplit_once('.') {
        Some((_, "load" | "builder" | "initialize" | "download")) => full,
        Some((_, name)) => name,
        None => full,
    }
}

/// The first string literal in `args` (`"org/name"`, `'org/name'`), before
/// the call closes.
fn first_string(args: &str) -> Option<String> {
    let mut depth = 0usize;
    for (i, c) in args.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
            }
            '"' | '\'' => {
                let rest = args.get(i + 1..)?;
                let end = rest.find(c)?;
                // A notebook escapes its quotes: `\"name\"`.
                let value = rest.get(..end)?.trim().trim_end_matches('\\');
                return (!value.is_empty() && value.len() <= 200).then(|| value.to_owned());
            }
            _ => {}
        }
    }
    None
}

/// Whether `line` names a file with a weights extension (`x.pth`,
/// `model.ckpt.index`), whole word, outside a URL or not.
pub fn names_weights_file(line: &str) -> bool {
    // One pass over the line's dots: the extension is the whole run of
    // letters and digits after a dot (whole word), checked against the set.
    let bytes = line.as_bytes();
    let mut at = 0;
    while let Some(rel) = bytes.get(at..).and_then(|b| memchr::memchr(b'.', b)) {
        let dot = at + rel;
        at = dot + 1;
        let run_end = bytes.get(at..).map_or(at, |b| {
            at + b.iter().take_while(|c| c.is_ascii_alphanumeric()).count()
        });
        let Some(ext) = line.get(at..run_end) else {
            continue;
        };
        // `.ckpt` in any spelling (`model.ckpt.index`, `x.ckpt-1000`).
        if ext.len() >= 4 && ext.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("ckpt")) {
            return true;
        }
        let before_ok = dot > 0
            && bytes.get(dot - 1).is_some_and(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'}' | b'*' | b')')
            });
        if before_ok
            && !ext.eq_ignore_ascii_case("pb")
            && !ext.eq_ignore_ascii_case("bin")
            && WEIGHTS_EXTENSIONS
                .iter()
                .any(|e| e.get(1..).is_some_and(|e| e.eq_ignore_ascii_case(ext)))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn each_line_runs_only_the_searches_its_cues_ask_for() {
        // Line 1 holds a module cue only, line 2 a call cue only, line 3 a
        // URL after invalid UTF-8 (decoded once for the whole text, the
        // line numbers and the URL stay as a per-line decode gives them),
        // line 4 no cue at all, though it has a '(' and quotes.
        let text = b"x = torchvision.datasets.CIFAR10(root, download=True)\nm = hf_hub_download('acme/w')\n\xff\xfe see https://data.example.org/a/train.csv\nprint('(no cue here)')\n";
        let scan = scan(text, false, false);
        let got: Vec<(RefKind, &str, u32, Option<&str>)> = scan
            .refs
            .iter()
            .map(|r| (r.kind, &*r.value, r.line, r.call))
            .collect();
        assert_eq!(
            got,
            vec![
                (RefKind::LoaderCall, "CIFAR10", 1, Some("dataset-module")),
                (RefKind::LoaderCall, "acme/w", 2, Some("hf_hub_download")),
                (
                    RefKind::Url,
                    "https://data.example.org/a/train.csv",
                    3,
                    None
                ),
            ]
        );
        assert!(scan.fetches, "hf_hub_download( is a fetch");
        assert_eq!(&*scan.refs[2].before, "\u{fffd}\u{fffd} see ");
    }

    #[test]
    fn cue_offsets_are_sorted_and_overlapping_cues_all_found() {
        // `load` and `datasets.` overlap in `loadatasets.`.
        let hits = cue_offsets(b"a loadatasets.x ](b) http://h");
        let starts: Vec<usize> = hits.iter().map(|&(at, _)| at).collect();
        let mut sorted = starts.clone();
        sorted.sort_unstable();
        assert_eq!(starts, sorted);
        let kinds = hits.iter().fold(0u8, |m, &(_, k)| m | k);
        assert_eq!(kinds, CUE_CALL | CUE_MODULE | CUE_LINK | CUE_URL);
    }

    #[test]
    fn urls_cloud_paths_and_loader_calls_with_lines() {
        let text = b"import x\nURLS = {'base': \"https://cdn.example.org/m/base.pt\"}\nckpt = 'gs://bucket/models/run1'\nm = AutoModel.from_pretrained(\"acme/tiny-model\", revision='main')\n";
        let scan = scan(text, false, false);
        let got: Vec<(RefKind, &str, u32)> = scan
            .refs
            .iter()
            .map(|r| (r.kind, &*r.value, r.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (RefKind::Url, "https://cdn.example.org/m/base.pt", 2),
                (RefKind::CloudPath, "gs://bucket/models/run1", 3),
                (RefKind::LoaderCall, "acme/tiny-model", 4),
            ]
        );
        assert_eq!(scan.refs[2].call, Some("from_pretrained"));
        assert!(scan.names_weights);
    }

    #[test]
    fn markdown_sections_and_relative_links() {
        let text = b"# Tool\n## Pre-training data\nWe used [the dump](https://dumps.example.org/x.xml.bz2).\n```\n# not a heading\n```\n**Training Data**\nSee [our set](./train_set.json).\n";
        let scan = scan(text, true, false);
        assert_eq!(scan.refs.len(), 2);
        assert_eq!(scan.refs[0].place.section, vec!["pre-training data"]);
        assert!(scan.refs[0].before.contains("we used [the dump"));
        assert_eq!(scan.refs[1].kind, RefKind::RelativeLink);
        assert_eq!(&*scan.refs[1].value, "./train_set.json");
        assert_eq!(
            scan.refs[1].place.section,
            vec!["pre-training data", "training data"]
        );
    }

    #[test]
    fn fetch_commands_weights_names_and_yaml_download() {
        let s = scan(b"wget ${URL}/consolidated.${s}.pth -O x\n", false, false);
        assert!(s.fetches && s.names_weights);
        let s = scan(
            b"path: ../sets/x\ntrain: images\ndownload: |\n  get()\n",
            false,
            true,
        );
        assert!(s.yaml_download);
        assert!(!names_weights_file("see the .pth files"));
        assert!(names_weights_file("for f in ['model.ckpt.index']:"));
    }

    #[test]
    fn caps_hold() {
        let mut text = Vec::new();
        for i in 0..(MAX_REFS + 50) {
            text.extend_from_slice(format!("https://h.example.org/{i}\n").as_bytes());
        }
        let s = scan(&text, false, false);
        assert_eq!(s.refs.len(), MAX_REFS);
        assert!(s.truncated);
        let long = "x".repeat(10_000) + " https://h.example.org/a";
        let s = scan(long.as_bytes(), false, false);
        assert!(s.refs[0].before.len() <= MAX_CONTEXT);
    }

    #[test]
    fn url_tables_are_manifests_and_row_tables_are_not() {
        let manifest = b"id,url\n1,https://a.example.org/x.gz\n2,s3://b/y.gz\n3,note\n";
        assert_eq!(url_manifest_rows(manifest), Some(2));
        assert_eq!(url_manifest_rows(b"text,label\nhi,1\nho,0\n"), None);
        // One URL row is a citation, not a list.
        assert_eq!(url_manifest_rows(b"h\nhttps://a.example.org/x\n"), None);
        // A header that is a URL does not count.
        assert_eq!(url_manifest_rows(b"https://a.example.org/\nx\ny\n"), None);
    }

    #[test]
    fn loaders_imported_from_datasets_modules() {
        let got = |l: &str| dataset_module_imports(l).unwrap_or_default();
        assert_eq!(got("from extra.datasets import fetch_mnist"), ["mnist"]);
        assert_eq!(
            got("from sklearn.datasets import (load_iris, fetch_openml as fo)"),
            ["iris", "openml"]
        );
        assert_eq!(
            got("from torchvision.datasets import CIFAR10, ImageFolder"),
            ["CIFAR10"]
        );
        // The `datasets` library's helpers and generic loaders name none;
        // an unknown module's classes are the project's own.
        assert!(got("from datasets import load_dataset, Dataset").is_empty());
        assert!(got("from kit.datasets import load_data, Reviews").is_empty());
        assert!(got("from kit.dataset_utils import fetch_mnist").is_empty());
        assert!(got("import datasets").is_empty());
    }

    #[test]
    fn a_lead_about_evaluation_is_seen() {
        let eval = b"# Notes\n\nHow we prepared the data for evaluation.\n\n## Sets\n\ntrain it\n";
        assert!(scan(eval, true, false).lead_says_evaluation);
        let train = b"How we prepared the data for training and evaluation.\n## Sets\n";
        assert!(!scan(train, true, false).lead_says_evaluation);
        // Only the lead counts, and only in markdown.
        let later = b"# Notes\n\nSome words.\n\n## Evaluation\n\nevaluation sets\n";
        assert!(!scan(later, true, false).lead_says_evaluation);
        assert!(!scan(b"evaluation data\n", false, false).lead_says_evaluation);
    }
}
