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

pub fn assess(facts: &Facts) -> DataComponent {
    let mut items = Vec::new();
    let mut datasets = Vec::new();
    let (mut shipped, mut pointers) = (false, false);

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
        shipped = true;
        if is_card {
            items.push(item(
                ItemKind::DatasetCard,
                Some(file.rel()),
                ItemSource::File,
                "dataset card",
            ));
        } else {
            let ext = file
                .entry
                .file_name()
                .rsplit_once('.')
                .map_or("", |(_, e)| e);
            items.push(item(
                ItemKind::DataFile,
                Some(file.rel()),
                ItemSource::File,
                ext,
            ));
        }
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
    let found = super::references::data(facts);
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
