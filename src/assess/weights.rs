//! The weights component: which parameter files the release ships, whether
//! they are intact (parsed headers, complete shard sets, no LFS pointers), how
//! many tensors and parameters they hold, and whether config.json agrees.

use super::shards::ShardState;
use super::{dir_of, finish, format_kind, item, root_card, status_of};
use crate::finding::{Code, Finding};
use crate::formats::config::dtype_to_safetensors;
use crate::formats::safetensors::Header;
use crate::formats::shard_index;
use crate::formats::sniff::WeightsFormat;
use crate::read::{Facts, FileFacts};
use crate::report::{FileWeights, Item, ItemKind, ItemSource, WeightsComponent};
use std::collections::{BTreeMap, BTreeSet};

/// Shard sets larger than this are not enumerated for gaps (a hostile
/// `-00001-of-99999999` name must not drive a loop).
const MAX_SHARDS_ENUMERATED: u32 = 100_000;

/// What the passes over a release's weights collect.
#[derive(Default)]
struct Tally {
    items: Vec<Item>,
    findings: Vec<Finding>,
    /// Some weights are in the folder, read or at least detected.
    shipped: bool,
    /// Something is missing or could not be read.
    broken: bool,
    /// Some weights are LFS pointers.
    pointers: bool,
    /// The card points to weights elsewhere.
    referenced: bool,
    formats: BTreeSet<&'static str>,
    bytes: u64,
    /// Parameter files of formats known by their file pairs.
    paired_files: usize,
}

pub fn assess(
    facts: &Facts,
    urls: &super::references::UrlTable<'_>,
    out: &mut Vec<Finding>,
) -> WeightsComponent {
    let paths: Vec<&str> = facts.files.iter().map(|f| f.rel()).collect();
    let mut tally = Tally::default();
    let paired = paired_formats(facts, &paths, &mut tally);
    let fixed = not_weights(facts, &mut tally);
    let packaged = package_members(&paths);
    let tfjs = tfjs_members(facts);
    let weights: Vec<&FileFacts> = facts
        .files
        .iter()
        .filter(|f| f.weights_format.is_some() || f.entry.kind == crate::report::FileKind::Weights)
        .filter(|f| !paired.contains(f.rel()) && !fixed.contains(f.rel()))
        .filter(|f| !packaged.contains(f.rel()) && !tfjs.contains(f.rel()))
        .collect();
    weights_files(facts, &weights, &mut tally);
    shard_sets(facts, &weights, &mut tally);
    packages(&paths, &mut tally);
    tfjs_models(facts, &paths, &mut tally);
    external_data(facts, &paths, &mut tally);
    adapters_and_bases(facts, &mut tally);
    for reference in super::references::weights(facts, urls) {
        tally.referenced = true;
        tally.items.push(reference);
    }

    let paired_files = tally.paired_files;
    let chosen = primary_files(facts, &weights);
    tally.findings.extend(config_mismatches(facts, &chosen));
    let (mut tensors, mut parameters, mut dtypes) = totals(&chosen);
    // TF.js models count where no other format holds the folder's model.
    for (rel, model) in &facts.tfjs {
        if chosen.iter().any(|f| dir_of(f.rel()) == dir_of(rel)) {
            continue;
        }
        tensors = Some(tensors.unwrap_or(0).saturating_add(model.tensors));
        parameters = Some(parameters.unwrap_or(0).saturating_add(model.parameters));
        for (dtype, n) in &model.dtypes {
            let slot: &mut u64 = dtypes.entry(dtype.clone()).or_default();
            *slot = slot.saturating_add(*n);
        }
    }
    out.extend(tally.findings);
    let Tally {
        shipped,
        broken,
        pointers,
        referenced,
        ..
    } = tally;
    WeightsComponent {
        component: finish(
            status_of(
                shipped,
                broken || (shipped && pointers),
                referenced || pointers,
            ),
            tally.items,
        ),
        formats: tally.formats.into_iter().map(str::to_owned).collect(),
        files: (weights.len() + paired_files) as u64,
        tensors,
        parameters,
        bytes: tally.bytes,
        dtypes,
    }
}

/// One evidence item per weights file: its format and what its header says,
/// or that it is an LFS pointer or could not be read.
fn weights_files(facts: &Facts, weights: &[&FileFacts], t: &mut Tally) {
    // Files an ONNX model names as its external data are part of that model.
    let external: BTreeSet<String> = facts
        .external_data
        .iter()
        .filter_map(|(model, location)| resolve_inside(dir_of(model), location))
        .collect();
    for file in weights {
        let rel = file.rel();
        let format = match file.weights_format {
            Some(f) => f.as_str(),
            None if external.contains(rel) => "onnx-external-data",
            None => "unknown",
        };
        if let Some(lfs) = &file.lfs {
            t.pointers = true;
            // The name says what the pointer stands for.
            if let Some(f) = file.weights_format.filter(|f| *f != WeightsFormat::Other) {
                t.formats.insert(f.as_str());
            }
            t.items.push(item(
                ItemKind::LfsPointer,
                Some(rel),
                ItemSource::File,
                format!("{format} not fetched: pointer to {} bytes", lfs.size),
            ));
            continue;
        }
        if file.entry.read_path.is_none() {
            continue; // a link outside the root or dangling: reported already
        }
        if file.weights_format.is_some() {
            t.formats.insert(format);
        }
        t.bytes = t.bytes.saturating_add(file.entry.bytes);
        let kind = if is_intermediate_checkpoint(rel) {
            ItemKind::Checkpoint
        } else {
            format_kind(format)
        };
        if file.broken() {
            t.broken = true;
            t.items
                .push(item(kind, Some(rel), ItemSource::File, "header unreadable"));
        } else {
            t.shipped = true;
            let mut detail = match &file.counts {
                Some(c) => summary(c),
                None => "format detected; counts not read".to_owned(),
            };
            if let Some(note) = &file.note {
                detail = format!("{detail}; {note}");
            }
            t.items
                .push(item(kind, Some(rel), ItemSource::File, detail));
        }
    }
}

/// Formats known by their file pairs (Caffe, ncnn, OpenVINO IR, TensorFlow
/// checkpoints, PaddlePaddle inference models, MNN): one item per model.
/// Returns every path they own, so no file of theirs is counted twice.
fn paired_formats<'a>(facts: &'a Facts, paths: &[&'a str], t: &mut Tally) -> BTreeSet<&'a str> {
    let by_rel: BTreeMap<&str, &FileFacts> = facts.files.iter().map(|f| (f.rel(), f)).collect();
    let mut owned = BTreeSet::new();
    for model in crate::formats::pairs::detect(paths) {
        let Some(file) = by_rel.get(model.weights.as_str()) else {
            continue;
        };
        // A file another reader recognised (a SavedModel's variables, a
        // pickle named `.bin`) is that format, not this one.
        if file
            .weights_format
            .is_some_and(|f| f != WeightsFormat::Other && f != WeightsFormat::Pickle)
            || file.counts.is_some()
        {
            continue;
        }
        for f in &model.files {
            if let Some((k, _)) = by_rel.get_key_value(f.as_str()) {
                owned.insert(*k);
            }
        }
        let rel = file.rel();
        if let Some(lfs) = &file.lfs {
            t.pointers = true;
            t.formats.insert(model.format);
            t.items.push(item(
                ItemKind::LfsPointer,
                Some(rel),
                ItemSource::File,
                format!(
                    "{} not fetched: pointer to {} bytes",
                    model.format, lfs.size
                ),
            ));
            continue;
        }
        if file.entry.read_path.is_none() || file.entry.bytes == 0 {
            continue;
        }
        t.shipped = true;
        t.paired_files += 1;
        t.formats.insert(model.format);
        t.bytes = t.bytes.saturating_add(file.entry.bytes);
        let others: Vec<&str> = model.files.iter().skip(1).map(String::as_str).collect();
        t.items.push(item(
            format_kind(model.format),
            Some(rel),
            ItemSource::File,
            if others.is_empty() {
                "format known by its extension; counts not read".to_owned()
            } else {
                format!("with {}; counts not read", others.join(", "))
            },
        ));
    }
    owned
}

/// Files shaped like weights whose content holds no trained parameters
/// (see `content`): one `not-weights` item each, saying why.
fn not_weights<'a>(facts: &'a Facts, t: &mut Tally) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for file in &facts.files {
        let Some(reason) = &file.not_weights else {
            continue;
        };
        out.insert(file.rel());
        t.items.push(item(
            ItemKind::NotWeights,
            Some(file.rel()),
            ItemSource::File,
            reason.clone(),
        ));
    }
    out
}

/// Shard sets: against their index, and on their own when unindexed.
fn shard_sets(facts: &Facts, weights: &[&FileFacts], t: &mut Tally) {
    let mut indexed = BTreeSet::new();
    for (index_rel, index) in &facts.shard_indexes {
        let dir = dir_of(index_rel);
        let mut states = BTreeMap::new();
        for shard in index.shards() {
            let rel = format!("{dir}{shard}");
            let state = match weights.iter().find(|f| f.rel() == rel) {
                None => {
                    t.broken = true;
                    ShardState::Missing
                }
                Some(f) if f.lfs.is_some() => ShardState::LfsPointer,
                Some(f) if f.broken() || f.entry.read_path.is_none() => ShardState::Unreadable,
                Some(f) => match &f.safetensors {
                    Some(h) => ShardState::Parsed {
                        tensors: &h.tensors,
                    },
                    None => ShardState::Opaque,
                },
            };
            indexed.insert(rel);
            states.insert(shard, state);
        }
        let families: BTreeSet<(String, String)> = index
            .shards()
            .iter()
            .filter_map(|s| shard_family(s))
            .collect();
        let extra: Vec<String> = weights
            .iter()
            .filter(|f| dir_of(f.rel()) == dir)
            .map(|f| f.entry.file_name().to_owned())
            .filter(|name| !states.contains_key(name))
            .filter(|name| shard_family(name).is_some_and(|fam| families.contains(&fam)))
            .collect();
        let index_findings = super::shards::check(index_rel, dir, index, &states, &extra);
        t.broken |= index_findings.iter().any(|f| f.code == Code::IndexMismatch);
        t.findings.extend(index_findings);
        // The one `missing-shard` finding names the first few; the item
        // keeps the whole list.
        let gone = super::shards::missing(index, &states);
        let mut detail = format!(
            "{} tensors in {} shards",
            index.weight_map.len(),
            index.shards().len()
        );
        if !gone.is_empty() {
            detail = format!("{detail}; {} missing: {}", gone.len(), gone.join(", "));
        }
        t.items.push(item(
            ItemKind::ShardIndex,
            Some(index_rel),
            ItemSource::Index,
            detail,
        ));
    }
    // The `-of-N` suffix says how many shards a set has, index or not; gaps
    // the index already names were reported by its check.
    let present: Vec<&str> = weights
        .iter()
        .filter(|f| f.entry.read_path.is_some() || f.lfs.is_some())
        .map(|f| f.rel())
        .collect();
    // One finding per set, as for an index.
    let mut by_set: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for missing in missing_shards_by_name(&present) {
        if indexed.contains(&missing) {
            continue;
        }
        let name = missing.rsplit('/').next().unwrap_or(&missing);
        let set = shard_family(name)
            .map(|(stem, ext)| format!("{}{stem}.{ext}", dir_of(&missing)))
            .unwrap_or_else(|| missing.clone());
        by_set.entry(set).or_default().push(missing);
    }
    for (set, missing) in by_set {
        t.broken = true;
        let (path, message) = match missing.as_slice() {
            [one] => (
                one.clone(),
                format!("shard {one} is absent while other shards of its set are present"),
            ),
            many => {
                let shown: Vec<&str> = many.iter().take(3).map(String::as_str).collect();
                let more = if many.len() > 3 {
                    format!(", and {} more", many.len() - 3)
                } else {
                    String::new()
                };
                (
                    many[0].clone(),
                    format!(
                        "{} shards of {set} are absent while others of the set are present: {}{more}",
                        many.len(),
                        shown.join(", ")
                    ),
                )
            }
        };
        t.findings
            .push(Finding::new(Code::MissingShard, Some(&path), message));
    }
}

/// A Core ML package (`.mlpackage`, or compiled `.mlmodelc`) is one model
/// in the `coreml` format: its `model.mlmodel` and `weight.bin` are parts of
/// it, not models (or unknown files) of their own.
fn is_coreml_package(format: &str) -> bool {
    matches!(format, "coreml-mlpackage" | "coreml-mlmodelc")
}

/// The files Core ML packages own.
fn package_members<'a>(paths: &[&'a str]) -> BTreeSet<&'a str> {
    let owned: BTreeSet<String> = crate::formats::packages::detect(paths)
        .into_iter()
        .filter(|p| is_coreml_package(p.format))
        .flat_map(|p| p.files)
        .collect();
    paths
        .iter()
        .copied()
        .filter(|p| owned.contains(*p))
        .collect()
}

/// The shard files TF.js manifests name (inside the release).
fn tfjs_members(facts: &Facts) -> BTreeSet<String> {
    facts
        .tfjs
        .iter()
        .flat_map(|(rel, model)| {
            model
                .paths
                .iter()
                .filter_map(|p| resolve_inside(dir_of(rel), p))
        })
        .collect()
}

/// A TF.js model is one `tfjs` item: its `model.json` with the counts of
/// its manifest; its shards are parts of it, and absent ones are one
/// `missing-shard` finding per model.
fn tfjs_models(facts: &Facts, paths: &[&str], t: &mut Tally) {
    let by_rel: BTreeMap<&str, &FileFacts> = facts.files.iter().map(|f| (f.rel(), f)).collect();
    for (rel, model) in &facts.tfjs {
        let mut missing = Vec::new();
        let mut pointers = 0usize;
        for shard in &model.paths {
            match resolve_inside(dir_of(rel), shard) {
                Some(target) if paths.contains(&target.as_str()) => {
                    if let Some(f) = by_rel.get(target.as_str()) {
                        if f.lfs.is_some() {
                            pointers += 1;
                        } else {
                            t.bytes = t.bytes.saturating_add(f.entry.bytes);
                        }
                    }
                }
                Some(target) => missing.push(target),
                None => missing.push(shard.clone()),
            }
        }
        t.formats.insert("tfjs");
        if pointers > 0 {
            t.pointers = true;
        }
        if pointers < model.paths.len() || model.paths.is_empty() {
            t.shipped = true;
        }
        let dtypes: Vec<&str> = model.dtypes.keys().map(String::as_str).collect();
        let mut detail = format!(
            "TF.js {}: {} tensors, {} parameters, {} in {} shards",
            model.kind,
            model.tensors,
            model.parameters,
            dtypes.join("/"),
            model.paths.len()
        );
        if pointers > 0 {
            detail = format!("{detail}; {pointers} shards are LFS pointers");
        }
        if !missing.is_empty() {
            t.broken = true;
            detail = format!(
                "{detail}; {} missing: {}",
                missing.len(),
                missing.join(", ")
            );
            let shown: Vec<&str> = missing.iter().take(3).map(String::as_str).collect();
            let more = if missing.len() > 3 {
                format!(", and {} more", missing.len() - 3)
            } else {
                String::new()
            };
            t.findings.push(Finding::new(
                Code::MissingShard,
                Some(rel),
                format!(
                    "{rel} names {} of its {} weight shards that are not in the release: {}{more}",
                    missing.len(),
                    model.paths.len(),
                    shown.join(", ")
                ),
            ));
        }
        t.items
            .push(item(ItemKind::Tfjs, Some(rel), ItemSource::File, detail));
    }
}

/// Directory-shaped formats: a SavedModel, a CoreML package, MLX.
fn packages(paths: &[&str], t: &mut Tally) {
    for package in crate::formats::packages::detect(paths) {
        if package.format == "dduf" {
            continue; // listed as a file already
        }
        t.shipped = true;
        let root = if package.root.is_empty() {
            "."
        } else {
            package.root.as_str()
        };
        let (format, detail) = if is_coreml_package(package.format) {
            let what = if package.format == "coreml-mlpackage" {
                "a Core ML package (.mlpackage)"
            } else {
                "a compiled Core ML model (.mlmodelc)"
            };
            ("coreml", format!("{what} of {} files", package.files.len()))
        } else {
            (
                package.format,
                format!("package of {} files", package.files.len()),
            )
        };
        t.formats.insert(format);
        t.items.push(item(
            format_kind(format),
            Some(root),
            ItemSource::File,
            detail,
        ));
    }
}

/// ONNX external data must stay inside the release, and be there.
fn external_data(facts: &Facts, paths: &[&str], t: &mut Tally) {
    for (model, location) in &facts.external_data {
        match resolve_inside(dir_of(model), location) {
            None => {
                t.broken = true;
                t.findings.push(Finding::new(
                    Code::ExternalDataOutside,
                    Some(model),
                    format!("external_data location {location:?} leads outside the release; not followed"),
                ));
            }
            Some(target) if !paths.contains(&target.as_str()) => {
                t.broken = true;
                t.findings.push(Finding::new(
                    Code::MissingShard,
                    Some(model),
                    format!("external_data file {target} is not in the release"),
                ));
            }
            Some(_) => {}
        }
    }
}

/// The adapter (PEFT) and base models are evidence, not a status change;
/// model links in the card point to weights elsewhere.
fn adapters_and_bases(facts: &Facts, t: &mut Tally) {
    for (rel, adapter) in &facts.adapters {
        let kind = adapter.peft_type.as_deref().unwrap_or("adapter");
        let base = adapter
            .base_model
            .as_deref()
            .unwrap_or("an unnamed base model");
        t.items.push(item(
            ItemKind::Adapter,
            Some(rel),
            ItemSource::Config,
            format!("{kind} adapter for {base}"),
        ));
    }
    let Some(card) = root_card(facts) else {
        return;
    };
    if let Some(fm) = &card.front_matter {
        for base in &fm.base_model {
            t.items.push(item(
                ItemKind::BaseModel,
                None,
                ItemSource::Card,
                base.clone(),
            ));
        }
    }
    // Model links of the card are weighed by the section they sit in (a
    // benchmark table's rivals are not this release): see
    // `references::weights`.
}

/// `dir` + `location` with `.` and `..` resolved, or `None` when the result
/// would leave the release (or the location is absolute or odd).
fn resolve_inside(dir: &str, location: &str) -> Option<String> {
    if crate::formats::onnx::location_escapes(location) && !location.contains("..") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in location.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s if s.contains(':') || s.contains('\0') => return None,
            s => parts.push(s),
        }
    }
    if location.starts_with('/') || parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

fn summary(c: &FileWeights) -> String {
    let dtypes: Vec<&str> = c.dtypes.keys().map(String::as_str).collect();
    format!(
        "{} tensors, {} parameters, {}",
        c.tensors,
        c.parameters,
        dtypes.join("/")
    )
}

/// Training checkpoints saved along the way (`checkpoint-500/`,
/// `global_step1000/`, `step2000/`) are not the final parameters.
pub(crate) fn is_intermediate_checkpoint(rel: &str) -> bool {
    rel.split('/').rev().skip(1).any(|dir| {
        let lower = dir.to_ascii_lowercase();
        [
            "checkpoint-",
            "checkpoint_",
            "global_step",
            "step",
            "ckpt-",
            "ckpt_",
        ]
        .iter()
        .any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        }) || lower == "checkpoints"
    })
}

/// `model-00001-of-00003.safetensors` → (`model`, `.safetensors`).
fn shard_family(name: &str) -> Option<(String, String)> {
    let (stem, _, _) = shard_index::is_shard_name(name)?;
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_owned())?;
    Some((stem, ext))
}

/// Shard names absent from a set of `<stem>-NNNNN-of-MMMMM.<ext>` files.
fn missing_shards_by_name(rels: &[&str]) -> Vec<String> {
    let mut sets: BTreeMap<(String, String, String, u32), BTreeSet<u32>> = BTreeMap::new();
    for rel in rels {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if let (Some((stem, i, n)), Some((_, ext))) =
            (shard_index::is_shard_name(name), name.rsplit_once('.'))
        {
            sets.entry((dir_of(rel).to_owned(), stem, ext.to_owned(), n))
                .or_default()
                .insert(i);
        }
    }
    let mut missing = Vec::new();
    for ((dir, stem, ext, n), present) in sets {
        if n > MAX_SHARDS_ENUMERATED {
            continue;
        }
        let width = name_width(n);
        for i in (1..=n).filter(|i| !present.contains(i)) {
            missing.push(format!("{dir}{stem}-{i:0width$}-of-{n:0width$}.{ext}"));
        }
    }
    missing
}

/// Hugging Face pads shard numbers to five digits.
fn name_width(n: u32) -> usize {
    n.to_string().len().max(5)
}

/// The files that hold one copy of the model per folder: a release often
/// ships the same weights several times (safetensors beside a `.bin`, fp16
/// variants, several GGUF quantisations), and counting them all would
/// multiply the parameters. Per folder, the best-ranked format wins, then a
/// plain name over a variant (`model.fp16.safetensors`), then the larger set.
/// Shards an index names form one set whatever their names look like.
fn primary_files<'a>(facts: &Facts, weights: &[&'a FileFacts]) -> Vec<&'a FileFacts> {
    let mut indexed: BTreeMap<String, String> = BTreeMap::new();
    for (index_rel, index) in &facts.shard_indexes {
        let dir = dir_of(index_rel);
        let name = index_rel.rsplit('/').next().unwrap_or(index_rel);
        let family = name.strip_suffix(".index.json").unwrap_or(name).to_owned();
        for shard in index.shards() {
            indexed
                .entry(format!("{dir}{shard}"))
                .or_insert_with(|| family.clone());
        }
    }
    let mut groups: BTreeMap<(&str, String), Vec<&'a FileFacts>> = BTreeMap::new();
    for file in weights {
        if file.counts.is_none() || is_intermediate_checkpoint(file.rel()) {
            continue;
        }
        let name = file.entry.file_name();
        let family = match indexed.get(file.rel()) {
            Some(family) => family.clone(),
            None => shard_family(name)
                .map(|(stem, ext)| format!("{stem}.{ext}"))
                .unwrap_or_else(|| name.to_owned()),
        };
        groups
            .entry((dir_of(file.rel()), family))
            .or_default()
            .push(file);
    }
    type Rank = (std::cmp::Reverse<u8>, bool, u64);
    let mut best: BTreeMap<&str, (Rank, Vec<&'a FileFacts>)> = BTreeMap::new();
    for ((dir, family), files) in groups {
        let plain = family.matches('.').count() <= 1;
        let params = files
            .iter()
            .filter_map(|f| f.counts.as_ref())
            .fold(0u64, |acc, c| acc.saturating_add(c.parameters));
        let format = files.first().and_then(|f| f.weights_format);
        let rank = (std::cmp::Reverse(format_rank(format)), plain, params);
        if best.get(dir).is_none_or(|(r, _)| rank > *r) {
            best.insert(dir, (rank, files));
        }
    }
    best.into_values().flat_map(|(_, files)| files).collect()
}

/// Lower is preferred: the formats that say most, most safely.
fn format_rank(format: Option<WeightsFormat>) -> u8 {
    match format {
        Some(WeightsFormat::Safetensors) => 0,
        Some(WeightsFormat::Gguf) => 1,
        Some(WeightsFormat::TorchZip) => 2,
        Some(WeightsFormat::Pickle) => 3,
        Some(WeightsFormat::Onnx) => 4,
        Some(_) => 5,
        None => 6,
    }
}

fn totals(chosen: &[&FileFacts]) -> (Option<u64>, Option<u64>, BTreeMap<String, u64>) {
    if chosen.is_empty() {
        return (None, None, BTreeMap::new());
    }
    let (mut tensors, mut parameters, mut dtypes) = (0u64, 0u64, BTreeMap::new());
    for counts in chosen.iter().filter_map(|f| f.counts.as_ref()) {
        tensors = tensors.saturating_add(counts.tensors);
        parameters = parameters.saturating_add(counts.parameters);
        for (dtype, n) in &counts.dtypes {
            let slot: &mut u64 = dtypes.entry(dtype.clone()).or_default();
            *slot = slot.saturating_add(*n);
        }
    }
    (Some(tensors), Some(parameters), dtypes)
}

/// config.json against the weights beside it: dtype, layer count, vocabulary.
fn config_mismatches(facts: &Facts, chosen: &[&FileFacts]) -> Vec<Finding> {
    let Some((cfg_rel, cfg)) = facts.configs.iter().find(|(p, _)| p == "config.json") else {
        return Vec::new();
    };
    if !facts.adapters.is_empty() {
        return Vec::new();
    }
    let headers: Vec<&Header> = chosen
        .iter()
        .filter(|f| dir_of(f.rel()).is_empty())
        .filter_map(|f| f.safetensors.as_ref())
        .collect();
    if headers.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let mut mismatch =
        |msg: String| findings.push(Finding::new(Code::ConfigMismatch, Some(cfg_rel), msg));

    if let (Some(dtype), None) = (&cfg.dtype, &cfg.quantization)
        && let Some(expected) = dtype_to_safetensors(dtype)
    {
        let mut by_dtype: BTreeMap<String, u64> = BTreeMap::new();
        for h in &headers {
            for (d, n) in h.dtypes() {
                *by_dtype.entry(d).or_default() += n;
            }
        }
        if let Some((actual, _)) = by_dtype.iter().max_by_key(|(_, n)| **n)
            && actual != expected
        {
            mismatch(format!(
                "config.json declares dtype {dtype} ({expected}) but most weights are {actual}"
            ));
        }
    }
    if let Some(declared) = cfg.num_hidden_layers
        && let Some(found) = layer_count(&headers)
        && found != declared
    {
        mismatch(format!(
            "config.json declares {declared} layers but the weights hold {found}"
        ));
    }
    if let Some(declared) = cfg.vocab_size
        && let Some(rows) = embedding_rows(&headers)
        && rows != declared
    {
        mismatch(format!(
            "config.json declares a vocabulary of {declared} but the embedding has {rows} rows"
        ));
    }
    findings
}

/// Number of transformer blocks, from `…layers.N.…`-style tensor names.
fn layer_count(headers: &[&Header]) -> Option<u64> {
    const MARKERS: &[&str] = &["layers", "h", "blocks", "layer"];
    let mut best: Option<(usize, u64)> = None;
    for marker in MARKERS {
        let mut indices = BTreeSet::new();
        for t in headers.iter().flat_map(|h| &h.tensors) {
            let parts: Vec<&str> = t.name.split('.').collect();
            for pair in parts.windows(2) {
                if pair[0] == *marker
                    && let Ok(i) = pair[1].parse::<u64>()
                {
                    indices.insert(i);
                }
            }
        }
        if let Some(&max) = indices.last()
            && best.is_none_or(|(n, _)| indices.len() > n)
        {
            best = Some((indices.len(), max.saturating_add(1)));
        }
    }
    best.map(|(_, count)| count)
}

fn embedding_rows(headers: &[&Header]) -> Option<u64> {
    const NAMES: &[&str] = &[
        "embed_tokens.weight",
        "wte.weight",
        "word_embeddings.weight",
        "tok_embeddings.weight",
    ];
    headers
        .iter()
        .flat_map(|h| &h.tensors)
        .find(|t| {
            NAMES
                .iter()
                .any(|n| t.name == *n || t.name.ends_with(&format!(".{n}")))
        })
        .and_then(|t| t.shape.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intermediate_checkpoints_by_folder() {
        assert!(is_intermediate_checkpoint(
            "checkpoint-500/model.safetensors"
        ));
        assert!(is_intermediate_checkpoint(
            "runs/global_step1000/mp_rank_00.pt"
        ));
        assert!(is_intermediate_checkpoint("step2000/model.safetensors"));
        assert!(!is_intermediate_checkpoint("model.safetensors"));
        assert!(!is_intermediate_checkpoint("steps/model.safetensors"));
        assert!(!is_intermediate_checkpoint("unet/model.safetensors"));
    }

    #[test]
    fn external_locations_resolve_inside_or_not_at_all() {
        assert_eq!(
            resolve_inside("", "weights.bin").as_deref(),
            Some("weights.bin")
        );
        assert_eq!(
            resolve_inside("onnx/", "../data/w.bin").as_deref(),
            Some("data/w.bin")
        );
        assert_eq!(resolve_inside("onnx/", "../../etc/passwd"), None);
        assert_eq!(resolve_inside("", "/etc/passwd"), None);
        assert_eq!(resolve_inside("", "C:\\x"), None);
    }

    #[test]
    fn unindexed_gaps_are_named() {
        let missing = missing_shards_by_name(&[
            "model-00001-of-00003.safetensors",
            "model-00003-of-00003.safetensors",
        ]);
        assert_eq!(missing, vec!["model-00002-of-00003.safetensors".to_owned()]);
        assert!(missing_shards_by_name(&["model-00001-of-99999999.safetensors"]).is_empty());
    }
}
