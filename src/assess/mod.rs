//! Assessment: from the read stage's [`Facts`] to the report. It decides each
//! component's status by the rules of SPEC section 2, gathers the evidence
//! items, resolves the licence and runs the cross-file checks (shards against
//! their index, `auto_map` against the shipped modules, config.json against
//! the weights). Pure: no filesystem access, so every rule is unit-testable.

mod code;
mod content;
mod data;
mod files;
mod frameworks;
pub(crate) mod licensing;
mod references;
mod shards;
mod weights;

use crate::codeclass::CodeRole;
use crate::finding::{Code, Finding};
use crate::formats::card::FrontMatter;
use crate::read::{CardFacts, Facts, FileFacts};
use crate::report::{
    Component, Components, DigestSource, FileEntry, FileKind, Integrity, IntegrityStatus, Item,
    ItemKind, ItemSource, Release, Report, SCHEMA_VERSION, Status, Tool,
};

pub fn assess(display_root: &str, mut facts: Facts, count_referenced: bool) -> Report {
    files::decide_kinds(&mut facts);
    let mut findings = files::findings(&facts);
    // Code first: it marks the modules `auto_map` names as architecture,
    // which both reference passes then see.
    let code = code::assess(&mut facts, &mut findings);
    let urls = references::UrlTable::of(&facts);
    // The weights and data passes read the same facts and URL table and
    // nothing of each other: a release with thousands of references runs
    // them side by side (in order when no thread can be had).
    let (weights, data) = std::thread::scope(|scope| {
        let beside = urls
            .is_large()
            .then(|| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, || data::assess(&facts, &urls))
                    .ok()
            })
            .flatten();
        let weights = weights::assess(&facts, &urls, &mut findings);
        let data = match beside {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => data::assess(&facts, &urls),
        };
        (weights, data)
    });
    // The references and their table serve these two passes alone, and are
    // most of a code repository's memory: freed before the report is built.
    drop(urls);
    facts.text_refs = Vec::new();
    let mut components = Components {
        code,
        weights,
        data,
    };
    let license = licensing::assess(&facts, &mut components, &mut findings);
    let (frameworks, framework_findings) =
        frameworks::assess(&facts, &components, &license, count_referenced);
    findings.extend(framework_findings);
    let release = release(&facts);

    // Licence files, plain documents and unknown files alone are no release.
    let meaningful = facts.files.iter().any(|f| match f.entry.kind {
        FileKind::Other | FileKind::License => false,
        FileKind::Docs => f.other_format.is_some(),
        _ => true,
    });
    if !meaningful {
        findings.push(Finding::new(
            Code::EmptyRelease,
            None,
            "no weights, code, data, configuration or model card found",
        ));
    }

    let files: Vec<FileEntry> = facts
        .files
        .iter()
        .map(|f| file_entry(f, facts.expected_digests.get(f.rel())))
        .collect();
    for file in &files {
        if let Some(i) = file
            .integrity
            .as_ref()
            .filter(|i| i.status == IntegrityStatus::Mismatched)
        {
            findings.push(Finding::new(
                Code::DigestMismatch,
                Some(&file.path),
                format!(
                    "SHA-256 {} differs from {} declared by {}",
                    file.sha256.as_deref().unwrap_or("?"),
                    i.expected,
                    i.source
                ),
            ));
        }
    }
    anchor_release_wide(&facts, &mut findings);
    crate::finding::sort(&mut findings);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        root: display_root.to_owned(),
        release,
        components,
        license,
        frameworks,
        files,
        findings,
        source: None,
    }
}

/// Every finding gets a file to be shown at (SARIF results need a
/// location, and GitHub code scanning rejects a whole log for one result
/// without). A release-wide finding not anchored where it was made (at its
/// licence file, say) is shown at the model card, else at the release's
/// first file; a release without files is shown at its folder, `.`.
fn anchor_release_wide(facts: &Facts, findings: &mut [Finding]) {
    let fallback = crate::finding::fallback_anchor(
        root_card(facts).map(|c| c.path.as_str()),
        facts.files.iter().map(FileFacts::rel),
    );
    for finding in findings.iter_mut().filter(|f| f.anchor.is_empty()) {
        finding.anchor = fallback.to_owned();
    }
}

fn file_entry(file: &FileFacts, expected: Option<&(String, DigestSource)>) -> FileEntry {
    FileEntry {
        path: file.entry.rel.clone(),
        bytes: file.entry.bytes,
        kind: file.entry.kind,
        format: file
            .weights_format
            .map(|f| f.as_str())
            .or(file.other_format)
            .map(str::to_owned),
        lfs_pointer: file.lfs.is_some(),
        symlink: file.entry.symlink.clone(),
        sha256: file.sha256.clone(),
        lfs: file.lfs.clone(),
        integrity: expected.map(|(sha, source)| Integrity {
            expected: sha.clone(),
            source: *source,
            status: match &file.sha256 {
                None => IntegrityStatus::NotChecked,
                Some(actual) if actual == sha => IntegrityStatus::Verified,
                Some(_) => IntegrityStatus::Mismatched,
            },
        }),
        weights: file.counts.clone(),
    }
}

/// The model card: the root README.md (even when it describes a dataset).
pub(crate) fn root_card(facts: &Facts) -> Option<&CardFacts> {
    facts
        .cards
        .iter()
        .find(|c| c.path.eq_ignore_ascii_case("README.md"))
}

pub(crate) fn root_front_matter(facts: &Facts) -> Option<&FrontMatter> {
    root_card(facts).and_then(|c| c.front_matter.as_ref())
}

pub(crate) use crate::inventory::dir_of;

fn release(facts: &Facts) -> Release {
    let fm = root_front_matter(facts);
    let root_config = facts
        .configs
        .iter()
        .find(|(p, _)| p == "config.json")
        .map(|(_, c)| c);
    let mut base_models: Vec<String> = fm.map(|f| f.base_model.clone()).unwrap_or_default();
    base_models.extend(
        facts
            .adapters
            .iter()
            .filter_map(|(_, a)| a.base_model.clone()),
    );
    base_models.extend(
        facts
            .gguf
            .iter()
            .flat_map(|g| &g.provenance.base_models)
            .map(|m| hub_model_id(m)),
    );
    base_models.sort();
    base_models.dedup();
    let library = fm
        .and_then(|f| f.library_name.clone())
        .or_else(|| (!facts.adapters.is_empty()).then(|| "peft".to_owned()))
        .or_else(|| (!facts.model_indexes.is_empty()).then(|| "diffusers".to_owned()))
        .or_else(|| (!facts.gguf.is_empty()).then(|| "llama.cpp".to_owned()))
        .or_else(|| {
            (!facts.sentence_modules.is_empty()).then(|| "sentence-transformers".to_owned())
        })
        .or_else(|| {
            root_config
                .filter(|c| c.transformers_version.is_some() || !c.architectures.is_empty())
                .map(|_| "transformers".to_owned())
        });
    let name = fm
        .and_then(|f| f.model_name.clone().or_else(|| f.pretty_name.clone()))
        .or_else(|| {
            facts
                .model_indexes
                .iter()
                .filter_map(|(_, m)| m.name_or_path.clone())
                .find(|n| is_model_name(n))
        })
        .or_else(|| {
            root_config
                .and_then(|c| c.name_or_path.clone())
                .filter(|n| is_model_name(n))
        })
        .or_else(|| {
            facts
                .gguf
                .iter()
                .filter_map(|g| g.provenance.name.clone())
                .find(|n| is_model_name(n))
        })
        .filter(|n| !n.trim().is_empty())
        .or_else(|| facts.root_name.clone());
    let mut architectures = root_config
        .map(|c| c.architectures.clone())
        .unwrap_or_default();
    if let Some(class) = facts
        .model_indexes
        .iter()
        .find_map(|(_, m)| m.class_name.clone())
    {
        architectures.push(class);
    }
    Release {
        name,
        architectures,
        model_type: root_config
            .and_then(|c| c.model_type.clone())
            .or_else(|| facts.gguf.iter().find_map(|g| g.architecture.clone())),
        base_models,
        library,
        pipeline_tag: fm.and_then(|f| f.pipeline_tag.clone()),
    }
}

/// Whether a name found in a config (`_name_or_path`) or a GGUF header can
/// name the release: a hub id (`org/name`) or a plain name, never a path of
/// the machine that saved it (`/root/.cache/torch/...`, `./out`,
/// `~/models/x`, `C:\\models`, `runs/exp1/checkpoint-500`), which says
/// where the model once sat, not what it is.
fn is_model_name(name: &str) -> bool {
    let name = name.trim();
    let drive = name.as_bytes().get(1) == Some(&b':');
    !name.is_empty()
        && !drive
        && !name.contains('\\')
        && !name.starts_with(['/', '.', '~'])
        && !name.ends_with('/')
        && !name.contains("://")
        && name.matches('/').count() <= 1
}

/// `https://huggingface.co/org/name` → `org/name`; anything else as is.
fn hub_model_id(url: &str) -> String {
    url.strip_prefix("https://huggingface.co/")
        .or_else(|| url.strip_prefix("http://huggingface.co/"))
        .map(|rest| rest.split(['?', '#']).next().unwrap_or(rest))
        .map(|rest| {
            rest.trim_end_matches('/')
                .splitn(3, '/')
                .take(2)
                .collect::<Vec<_>>()
                .join("/")
        })
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| url.to_owned())
}

/// Shipped when a shipped item exists and nothing is broken, incomplete when
/// something is broken, referenced when only pointers exist.
pub(crate) fn status_of(shipped: bool, broken: bool, referenced: bool) -> Status {
    match (shipped, broken, referenced) {
        (_, true, _) => Status::Incomplete,
        (true, false, _) => Status::Shipped,
        (false, false, true) => Status::Referenced,
        (false, false, false) => Status::Absent,
    }
}

pub(crate) fn item(
    kind: ItemKind,
    path: Option<&str>,
    source: ItemSource,
    detail: impl Into<String>,
) -> Item {
    Item {
        kind,
        path: path.map(str::to_owned),
        source,
        detail: detail.into(),
        line: None,
    }
}

/// The evidence kind of a source file's role; roles and kinds share their
/// words, as a test checks.
pub(crate) fn role_kind(role: CodeRole) -> ItemKind {
    ItemKind::from_word(role.as_str()).unwrap_or(ItemKind::Other)
}

/// The evidence kind of a weights format (a file's or a package's), spelled
/// as the format; formats and kinds share their words, as a test checks.
pub(crate) fn format_kind(format: &str) -> ItemKind {
    ItemKind::from_word(format).unwrap_or(ItemKind::Unknown)
}

pub(crate) fn finish(status: crate::report::Status, mut items: Vec<Item>) -> Component {
    items.sort();
    items.dedup();
    Component {
        status,
        license: None,
        license_source: None,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_rules() {
        assert_eq!(status_of(true, false, true), Status::Shipped);
        assert_eq!(status_of(true, true, false), Status::Incomplete);
        assert_eq!(status_of(false, true, false), Status::Incomplete);
        assert_eq!(status_of(false, false, true), Status::Referenced);
        assert_eq!(status_of(false, false, false), Status::Absent);
    }

    #[test]
    fn config_names_count_only_when_they_are_names() {
        for name in [
            "BAAI/bge-large-zh",
            "tiny-llama",
            "Llama 2 7B Chat",
            "edited-after-signing",
        ] {
            assert!(is_model_name(name), "{name}");
        }
        for path in [
            "/root/.cache/torch/sentence_transformers/BAAI_bge-large-zh/",
            "./output",
            "../ckpt",
            "~/models/x",
            "C:\\models\\x",
            "D:/models",
            "runs/exp1/checkpoint-500",
            "BAAI_bge-large-zh/",
            "s3://bucket/model",
            "",
            "  ",
        ] {
            assert!(!is_model_name(path), "{path}");
        }
    }

    #[test]
    fn hub_urls_become_ids() {
        assert_eq!(
            hub_model_id("https://huggingface.co/meta-llama/Llama-3.2-1B"),
            "meta-llama/Llama-3.2-1B"
        );
        assert_eq!(
            hub_model_id("https://huggingface.co/gpt2/tree/main"),
            "gpt2/tree"
        );
        assert_eq!(
            hub_model_id("meta-llama/Llama-3.2-1B"),
            "meta-llama/Llama-3.2-1B"
        );
    }

    #[test]
    fn every_code_role_is_an_item_kind() {
        use CodeRole::*;
        for role in [
            Architecture,
            Training,
            Inference,
            Evaluation,
            DataProcessing,
            Other,
        ] {
            assert_eq!(role_kind(role).as_str(), role.as_str());
        }
    }

    #[test]
    fn every_weights_format_is_an_item_kind() {
        use crate::formats::sniff::WeightsFormat;
        for format in [
            WeightsFormat::Safetensors,
            WeightsFormat::Gguf,
            WeightsFormat::TorchZip,
            WeightsFormat::Pickle,
            WeightsFormat::Numpy,
            WeightsFormat::NumpyZip,
            WeightsFormat::Onnx,
            WeightsFormat::Hdf5,
            WeightsFormat::Keras,
            WeightsFormat::TfSavedModel,
            WeightsFormat::TfLite,
            WeightsFormat::FlaxMsgpack,
            WeightsFormat::Paddle,
            WeightsFormat::CoreMl,
            WeightsFormat::Dduf,
            WeightsFormat::Other,
        ] {
            assert_eq!(format_kind(format.as_str()).as_str(), format.as_str());
        }
        for package in [
            "tf-savedmodel",
            "mlx",
            "dduf",
            "coreml-mlpackage",
            "coreml-mlmodelc",
        ] {
            assert_eq!(format_kind(package).as_str(), package);
        }
    }

    #[test]
    fn dir_of_keeps_trailing_slash() {
        assert_eq!(dir_of("config.json"), "");
        assert_eq!(dir_of("unet/config.json"), "unet/");
        assert_eq!(dir_of("a/b/c.py"), "a/b/");
    }
}
