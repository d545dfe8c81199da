//! The data component: data files and dataset cards or datasheets shipped in
//! the release, and the datasets it only names (the card's `datasets:` list,
//! dataset pages linked from the card, a dataset card's sources, and the
//! references [`super::references`] picks from code, scripts and documents).
//! Only *training* data decides the status: evaluation sets, results tables
//! and demo or tutorial samples are listed as items of their own kind
//! (`evaluation-data`, `evaluation-results`, `sample-data`) and feed the MOF's
//! evaluation components, but never make the data shipped.

use super::{finish, item, status_of};
use crate::read::Facts;
use crate::report::{DataComponent, FileKind, Item, ItemKind, ItemSource};

pub fn assess(facts: &Facts, urls: &super::references::UrlTable<'_>) -> DataComponent {
    let mut items = Vec::new();
    let mut datasets = Vec::new();
    let (mut shipped, mut pointers) = (false, false);
    let roles = Roles::of(facts);

    for file in &facts.files {
        let is_card = file.other_format == Some("dataset-card");
        if !(file.entry.kind == FileKind::Data || is_card) || file.entry.read_path.is_none() {
            continue;
        }
        if file.lfs.is_some() {
            pointers = true;
            items.push(item(
                ItemKind::LfsPointer,
                Some(file.rel()),
                ItemSource::File,
                "data not fetched",
            ));
            continue;
        }
        if !is_card && let Some((kind, why)) = not_training(file.rel()) {
            items.push(item(kind, Some(file.rel()), ItemSource::File, why));
            continue;
        }
        if is_card {
            shipped = true;
            items.push(item(
                ItemKind::DatasetCard,
                Some(file.rel()),
                ItemSource::File,
                "dataset card",
            ));
            continue;
        }
        let ext = file
            .entry
            .file_name()
            .rsplit_once('.')
            .map_or("", |(_, e)| e);
        match roles.training_role(file.rel()) {
            // A table of URLs the release calls its training data points
            // to the data; it is not the data.
            Some(why) if let Some(rows) = file.url_manifest_rows => {
                pointers = true;
                items.push(item(
                    ItemKind::Dataset,
                    Some(file.rel()),
                    ItemSource::File,
                    format!("{ext}: lists {rows} remote files ({why})"),
                ));
            }
            Some(why) => {
                shipped = true;
                items.push(item(
                    ItemKind::TrainingData,
                    Some(file.rel()),
                    ItemSource::File,
                    format!("{ext}: {why}"),
                ));
            }
            None => items.push(item(
                ItemKind::DataFile,
                Some(file.rel()),
                ItemSource::File,
                format!("{ext}: no script, config or card says it is training data"),
            )),
        }
    }
    // Media and text files under a train split are one item per folder.
    for (folder, count) in roles.train_media(facts) {
        shipped = true;
        items.push(item(
            ItemKind::TrainingData,
            Some(&folder),
            ItemSource::File,
            format!("{count} files under a train split"),
        ));
    }
    // Results tables are documents (never opened); they are evaluation
    // evidence.
    for file in &facts.files {
        let name = file.entry.file_name().to_ascii_lowercase();
        if file.entry.kind == FileKind::Docs && crate::codeclass::is_results_name(&name) {
            items.push(item(
                ItemKind::EvaluationResults,
                Some(file.rel()),
                ItemSource::File,
                "evaluation results: not training data",
            ));
        }
    }
    for card in &facts.cards {
        let Some(fm) = &card.front_matter else {
            continue;
        };
        let names = if card.path.eq_ignore_ascii_case("README.md") && !fm.dataset_card {
            &fm.datasets
        } else {
            &fm.source_datasets
        };
        // `source_datasets: [original]` says the data was made for this
        // dataset, not that a dataset called "original" exists.
        for name in names.iter().filter(|n| !n.eq_ignore_ascii_case("original")) {
            datasets.push(name.clone());
            items.push(item(
                ItemKind::Dataset,
                Some(&card.path),
                ItemSource::Card,
                name.clone(),
            ));
        }
    }
    // Dataset links of the card, like those of any document, are weighed by
    // the section they sit in (an evaluation set linked from the results is
    // no training data): `references::data` picks them.
    for g in &facts.gguf {
        for name in &g.provenance.datasets {
            datasets.push(hub_dataset_name(name).unwrap_or_else(|| name.clone()));
            items.push(item(
                ItemKind::Dataset,
                Some(&g.path),
                ItemSource::Gguf,
                name.clone(),
            ));
        }
    }
    cap_non_training(&mut items);
    let found = super::references::data(facts, urls);
    for picked in &found.items {
        if let Some(name) = picked
            .detail
            .split_whitespace()
            .find(|w| w.contains("huggingface.co/datasets/"))
            .and_then(hub_dataset_name)
        {
            datasets.push(name);
        }
    }
    items.extend(found.items);
    datasets.sort();
    datasets.dedup();
    let referenced =
        pointers || !datasets.is_empty() || items.iter().any(|i| i.kind == ItemKind::Dataset);
    // A linked training-data file that is missing makes shipped data
    // incomplete.
    let broken = shipped && (pointers || found.missing_linked);
    DataComponent {
        component: finish(status_of(shipped, broken, referenced), items),
        datasets,
    }
}

/// Most items listed per kind of non-training data; a training repository
/// may hold thousands of results files.
const MAX_NON_TRAINING_ITEMS: usize = 20;

/// Keeps the first [`MAX_NON_TRAINING_ITEMS`] items of each non-training
/// kind (by path) and says how many more there are.
fn cap_non_training(items: &mut Vec<Item>) {
    items.sort();
    let mut seen: std::collections::BTreeMap<ItemKind, usize> = Default::default();
    let mut kept = Vec::with_capacity(items.len());
    for it in items.drain(..) {
        if matches!(
            it.kind,
            ItemKind::EvaluationData | ItemKind::EvaluationResults | ItemKind::SampleData
        ) {
            let n = seen.entry(it.kind).or_default();
            *n += 1;
            if *n > MAX_NON_TRAINING_ITEMS {
                continue;
            }
        }
        kept.push(it);
    }
    for (kind, n) in seen {
        if n > MAX_NON_TRAINING_ITEMS {
            kept.push(item(
                kind,
                None,
                ItemSource::File,
                format!("and {} more files of this kind", n - MAX_NON_TRAINING_ITEMS),
            ));
        }
    }
    *items = kept;
}

/// A data file that is not training data, by its folders and name:
/// evaluation sets, results, and demo, tutorial or example inputs.
fn not_training(rel: &str) -> Option<(ItemKind, &'static str)> {
    use super::references::{EVAL_TOKENS, SAMPLE_TOKENS, tokens};
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if crate::codeclass::is_results_name(name) {
        return Some((
            ItemKind::EvaluationResults,
            "evaluation results: not training data",
        ));
    }
    let words = tokens(&lower);
    if words.iter().any(|w| SAMPLE_TOKENS.contains(&w.as_str())) {
        return Some((
            ItemKind::SampleData,
            "demo, tutorial or example data: not training data",
        ));
    }
    if words.iter().any(|w| EVAL_TOKENS.contains(&w.as_str())) {
        return Some((
            ItemKind::EvaluationData,
            "evaluation or test data: not training data",
        ));
    }
    None
}

/// What the release says about its data files: the paths its code names,
/// and the files its documents link where they speak of data.
struct Roles {
    /// Lower-cased path literals of code (`"data/train.csv"`).
    read: Vec<String>,
    /// Lower-cased root-relative paths a document links as data.
    linked: Vec<String>,
}

/// Path words that mark a train split.
const TRAIN_WORDS: &[&str] = &[
    "train",
    "training",
    "trainset",
    "pretrain",
    "pretraining",
    "finetune",
    "finetuning",
];

/// Extensions of media and text samples that make up a dataset folder.
const MEDIA_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff", "wav", "flac", "mp3", "ogg", "txt",
    "go", "xml",
];

impl Roles {
    fn of(facts: &Facts) -> Roles {
        let code: std::collections::BTreeSet<&str> = facts
            .files
            .iter()
            .filter(|f| f.entry.kind == FileKind::Code)
            .filter(|f| {
                !matches!(
                    f.code_role,
                    Some((crate::codeclass::CodeRole::Evaluation, _))
                )
            })
            .map(|f| f.rel())
            .collect();
        let mut read = Vec::new();
        let mut linked = Vec::new();
        for (rel, scan) in &facts.text_refs {
            if code.contains(rel.as_str()) {
                read.extend(scan.paths.iter().cloned());
            }
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let links = scan
                .refs
                .iter()
                .filter(|r| r.kind == crate::formats::refs::RefKind::RelativeLink);
            for r in links {
                let speaks = ["data", "train", "fine-tun", "finetun", "数据"]
                    .iter()
                    .any(|w| r.before.contains(w) || r.place.section.iter().any(|h| h.contains(w)));
                if speaks {
                    let target = r.value.split(['?', '#']).next().unwrap_or_default();
                    let joined = if dir.is_empty() {
                        target.to_owned()
                    } else {
                        format!("{dir}/{target}")
                    };
                    linked.push(joined.trim_start_matches("./").to_ascii_lowercase());
                }
            }
        }
        read.sort();
        read.dedup();
        Roles { read, linked }
    }

    /// Why `rel` is training data, if the release says so.
    fn training_role(&self, rel: &str) -> Option<String> {
        let lower = rel.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        if let Some(literal) = self.read.iter().find(|l| names_path(l, &lower, name)) {
            return Some(format!("the code reads it (\"{literal}\")"));
        }
        if self.linked.contains(&lower) {
            return Some("a document links it as data".to_owned());
        }
        if marks_train_split(&lower) {
            return Some("its path marks a train split".to_owned());
        }
        None
    }

    /// Folders of media or text samples under a train split or read by
    /// the code, with their file counts, at the train word's depth.
    fn train_media(&self, facts: &Facts) -> Vec<(String, usize)> {
        let mut folders: std::collections::BTreeMap<String, usize> = Default::default();
        for f in &facts.files {
            let lower = f.rel().to_ascii_lowercase();
            let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
            if !MEDIA_EXTENSIONS.contains(&ext)
                || !matches!(
                    f.entry.kind,
                    FileKind::Other | FileKind::Docs | FileKind::Code
                )
            {
                continue;
            }
            let Some(dir) = lower.rsplit_once('/').map(|(d, _)| d) else {
                continue;
            };
            let segments: Vec<&str> = dir.split('/').collect();
            let train_at = segments.iter().position(|s| TRAIN_WORDS.contains(s));
            // The deepest folder above the file that a code literal names;
            // prefix `i` of `dir` ends where segment `i` does.
            let ends = dir
                .match_indices('/')
                .map(|(at, _)| at)
                .chain(std::iter::once(dir.len()));
            let read_at = ends
                .enumerate()
                .filter(|&(_, end)| {
                    let prefix = &dir[..end];
                    self.read
                        .iter()
                        .any(|l| l == prefix || ends_with_path(prefix, l))
                })
                .map(|(i, _)| i)
                .last();
            let Some(depth) = train_at.or(read_at) else {
                continue;
            };
            // Source files count only when the code reads their folder as
            // data ("the dataset is this folder of Go files").
            if f.entry.kind == FileKind::Code && read_at.is_none() {
                continue;
            }
            let original = f.rel();
            let folder: String = original
                .split('/')
                .take(depth + 1)
                .collect::<Vec<_>>()
                .join("/");
            *folders.entry(format!("{folder}/")).or_default() += 1;
        }
        folders
            .into_iter()
            .filter(|(_, n)| *n >= MIN_MEDIA_FILES)
            .collect()
    }
}

/// Fewer samples than this are a demo, not a dataset.
const MIN_MEDIA_FILES: usize = 10;

/// Whether a code path literal names the data file `lower` (root-relative,
/// lower-cased, file name `name`): the same path, a path ending in it, or
/// the same file name; or a folder above it.
fn names_path(literal: &str, lower: &str, name: &str) -> bool {
    let literal_name = literal.rsplit('/').next().unwrap_or(literal);
    literal == lower
        || ends_with_path(lower, literal)
        || ends_with_path(literal, lower)
        || (literal_name == name && name.contains('.'))
        || (!literal_name.contains('.') && holds_folder(lower, literal))
}

/// `path` ends with the path segments of `tail` (`a/b/c.csv`, `b/c.csv`).
fn ends_with_path(path: &str, tail: &str) -> bool {
    path.len() > tail.len()
        && path.ends_with(tail)
        && path.as_bytes()[path.len() - tail.len() - 1] == b'/'
}

/// `path` lies in a folder spelled `folder` (at the root or deeper).
fn holds_folder(path: &str, folder: &str) -> bool {
    path.match_indices(folder).any(|(at, _)| {
        (at == 0 || path.as_bytes()[at - 1] == b'/')
            && path.as_bytes().get(at + folder.len()) == Some(&b'/')
    })
}

/// A path whose words mark a train split (`data/train.csv`,
/// `splits/train/part-0.parquet`, `train_data.jsonl`).
fn marks_train_split(lower: &str) -> bool {
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", lower));
    let stem = name.split('.').next().unwrap_or(name);
    let split_name = |s: &str| {
        TRAIN_WORDS.contains(&s) || matches!(s, "train_data" | "train_set" | "train-data")
    };
    dirs.split('/').any(split_name)
        || split_name(stem)
        || stem
            .split(['_', '-'])
            .next()
            .is_some_and(|first| first == "train")
}

/// `https://huggingface.co/datasets/org/name/...` → `org/name`.
fn hub_dataset_name(url: &str) -> Option<String> {
    let rest = url.split("huggingface.co/datasets/").nth(1)?;
    let mut parts = rest.split(['/', '?', '#']).filter(|p| !p.is_empty());
    let first = parts.next()?;
    Some(match parts.next() {
        Some(second) if !matches!(second, "tree" | "blob" | "resolve" | "viewer") => {
            format!("{first}/{second}")
        }
        _ => first.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::hub_dataset_name;

    #[test]
    fn dataset_names_from_hub_links() {
        assert_eq!(
            hub_dataset_name("https://huggingface.co/datasets/allenai/dolma").as_deref(),
            Some("allenai/dolma")
        );
        assert_eq!(
            hub_dataset_name("https://huggingface.co/datasets/squad/tree/main").as_deref(),
            Some("squad")
        );
        assert_eq!(hub_dataset_name("https://example.com/x"), None);
    }
}
