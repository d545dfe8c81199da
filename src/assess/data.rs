//! The data component: data files and dataset cards or datasheets shipped in
//! the release, and the datasets it only names (the card's `datasets:` list,
//! dataset pages linked from the card, a dataset card's sources).

use super::{finish, item, root_card, status_of};
use crate::formats::card::LinkKind;
use crate::read::Facts;
use crate::report::{DataComponent, FileKind, ItemKind, ItemSource};

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
    for card in &facts.cards {
        let Some(fm) = &card.front_matter else {
            continue;
        };
        let names = if card.path.eq_ignore_ascii_case("README.md") && !fm.dataset_card {
            &fm.datasets
        } else {
            &fm.source_datasets
        };
        for name in names {
            datasets.push(name.clone());
            items.push(item(
                ItemKind::Dataset,
                Some(&card.path),
                ItemSource::Card,
                name.clone(),
            ));
        }
    }
    if let Some(card) = root_card(facts) {
        for link in card.links.iter().filter(|l| l.kind == LinkKind::Dataset) {
            if let Some(name) = hub_dataset_name(&link.url) {
                datasets.push(name);
            }
            items.push(item(
                ItemKind::Dataset,
                None,
                ItemSource::Card,
                link.url.clone(),
            ));
        }
    }
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
    datasets.sort();
    datasets.dedup();
    let referenced =
        pointers || !datasets.is_empty() || items.iter().any(|i| i.kind == ItemKind::Dataset);
    DataComponent {
        component: finish(status_of(shipped, shipped && pointers, referenced), items),
        datasets,
    }
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
