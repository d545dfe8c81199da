//! The openness verdicts: the release's evidence mapped onto the 17
//! components of the Model Openness Framework (evaluated by the Model
//! Openness Tool's own rules in [`crate::mof`]) and onto the checklist of the
//! OSI's Open Source AI Definition 1.0. What is shipped in the directory is
//! kept apart from what is only referenced: by default only shipped
//! components count, as a release gate should; `--count-referenced` lets
//! references count as the MOT's self-reported data does.

use super::licensing::folder_license;
use super::{role_kind, root_card, root_front_matter};
use crate::codeclass::CodeRole;
use crate::finding::{Code, Finding};
use crate::formats::card::LinkKind;
use crate::license;
use crate::mof::{self, ComponentInput, ContentType};
use crate::read::Facts;
use crate::report::{
    Components, FileKind, Frameworks, ItemKind, ItemSource, License, MissingComponent,
    MissingReason, Mof, MofComponent, MofMode, NextClass, Osaid, OsaidElement, Status,
};
use std::collections::{BTreeMap, BTreeSet};

/// How one MOF component shows in the release.
struct Evidence {
    status: Status,
    items: Vec<String>,
}

impl Evidence {
    fn absent() -> Evidence {
        Evidence {
            status: Status::Absent,
            items: Vec::new(),
        }
    }

    /// Shipped when `shipped` has items, else referenced when `referenced`
    /// has, else absent.
    fn from(shipped: Vec<String>, referenced: Vec<String>) -> Evidence {
        if !shipped.is_empty() {
            Evidence {
                status: Status::Shipped,
                items: shipped,
            }
        } else if !referenced.is_empty() {
            Evidence {
                status: Status::Referenced,
                items: referenced,
            }
        } else {
            Evidence::absent()
        }
    }
}

pub fn assess(
    facts: &Facts,
    components: &Components,
    license: &License,
    count_referenced: bool,
) -> (Frameworks, Vec<Finding>) {
    let gathered = gather(facts, components);
    let code_license = components.code.license.clone().or(license.spdx.clone());
    let weights_license = components
        .weights
        .component
        .license
        .clone()
        .or(license.spdx.clone());
    let data_license = components
        .data
        .component
        .license
        .clone()
        .or(license.spdx.clone());
    // Documents (cards, papers) are under the release-wide licence.
    let document_license = license
        .parts
        .iter()
        .find(|p| p.covers == "release")
        .map(|p| p.spdx.clone())
        .or(license.spdx.clone());

    // A licence file in a component's own folder (`data/LICENSE`) covers it.
    let per_folder: Vec<(&str, &str)> = license
        .files
        .iter()
        .filter(|f| f.covers.is_some() && f.role == "license")
        .filter_map(|f| Some((super::dir_of(&f.path), f.spdx.as_deref()?)))
        .collect();
    let file_paths: BTreeSet<&str> = facts.files.iter().map(|f| f.rel()).collect();
    let is_file = |p: &str| file_paths.contains(p);
    let mut inputs = Vec::new();
    let mut rows = Vec::new();
    let absent = Evidence::absent();
    for def in mof::components() {
        let ev = gathered.get(&def.id).unwrap_or(&absent);
        let included = match ev.status {
            Status::Shipped => true,
            Status::Referenced => count_referenced,
            _ => false,
        };
        let shipped_paths: Vec<&str> = ev
            .items
            .iter()
            .map(String::as_str)
            .filter(|p| ev.status == Status::Shipped && is_file(p))
            .collect();
        let lic = if ev.status == Status::Absent {
            None
        } else if let Some(own) = folder_license(&shipped_paths, &per_folder) {
            Some(own.to_owned())
        } else {
            match (def.id, def.content_type) {
                (10 | 24 | 17, _) => weights_license.clone(),
                (_, ContentType::Code) => code_license.clone(),
                (_, ContentType::Data) => data_license.clone(),
                (_, ContentType::Document) => document_license.clone(),
            }
        };
        inputs.push(ComponentInput {
            id: def.id,
            included,
            license: lic.clone(),
        });
        rows.push((def, ev, lic));
    }
    let eval = mof::evaluate(&inputs);
    let (next, missing) = mof::missing_for_next_class(&eval);
    let mof_components = rows
        .into_iter()
        .map(|(def, ev, lic)| {
            let result = eval.components.iter().find(|c| c.id == def.id);
            MofComponent {
                id: def.id,
                name: def.name.into(),
                class: class_label(def.class).into(),
                required: def.required,
                status: ev.status,
                license: lic,
                counts: result.is_some_and(|r| r.counts),
                note: result.and_then(|r| r.warning.clone()),
                evidence: ev.items.clone(),
            }
        })
        .collect();
    let mof = Mof {
        class: eval.class_label().map(str::to_owned),
        label: eval.class_name().to_owned(),
        progress: [("I", 0usize), ("II", 1), ("III", 2)]
            .into_iter()
            .map(|(k, i)| (k.to_owned(), eval.progress[i]))
            .collect(),
        mode: if count_referenced {
            MofMode::CountReferenced
        } else {
            MofMode::ShippedOnly
        },
        next_class: next.map(|class| {
            let reasons = missing_reasons(&eval, &missing, &gathered);
            NextClass {
                class: class_label(class).into(),
                missing: missing.iter().map(|m| (*m).to_owned()).collect(),
                why: why_not_reached(&reasons),
                reasons,
            }
        }),
        components: mof_components,
    };
    let osaid = osaid(&gathered, components, license);
    let findings = wrong_type_findings(&eval, license);
    (Frameworks { mof, osaid }, findings)
}

/// Why each component the next class lacks does not count: not there
/// (absent, or only referenced when references do not count), or there but
/// under no licence or one the MOT does not count as open; for the latter,
/// whether the licence is not open at all or is open by this tool's
/// verdict but not accepted by the MOT (an SPDX expression, an id off its
/// list).
fn missing_reasons(
    eval: &mof::Evaluation,
    missing: &[&str],
    gathered: &BTreeMap<u32, Evidence>,
) -> Vec<MissingComponent> {
    missing
        .iter()
        .filter_map(|name| {
            let result = eval.components.iter().find(|c| c.name == *name)?;
            let status = gathered
                .get(&result.id)
                .map_or(Status::Absent, |e| e.status);
            let reason = match result.not_counted() {
                Some(mof::NotCounted::Unlicensed) => MissingReason::Unlicensed,
                Some(mof::NotCounted::LicenseInvalid) => {
                    if result.license.as_deref().is_some_and(license::is_open) {
                        MissingReason::LicenseNotAccepted
                    } else {
                        MissingReason::LicenseNotOpen
                    }
                }
                // Counted (never in `missing`) or not included.
                _ if status == Status::Referenced => MissingReason::Referenced,
                _ => MissingReason::Absent,
            };
            Some(MissingComponent {
                name: (*name).to_owned(),
                reason,
                license: result.license.clone().filter(|_| status != Status::Absent),
            })
        })
        .collect()
}

/// [`NextClass::why`](crate::report::NextClass): the licences that keep
/// present components from counting, each with the components it keeps out,
/// then how many components are only referenced and how many absent.
fn why_not_reached(reasons: &[MissingComponent]) -> String {
    let mut by_licence: BTreeMap<(MissingReason, Option<&str>), Vec<&str>> = BTreeMap::new();
    let mut referenced = 0usize;
    let mut absent = 0usize;
    for r in reasons {
        match r.reason {
            MissingReason::Absent => absent = absent.saturating_add(1),
            MissingReason::Referenced => referenced = referenced.saturating_add(1),
            reason => by_licence
                .entry((reason, r.license.as_deref()))
                .or_default()
                .push(&r.name),
        }
    }
    let mut parts: Vec<String> = by_licence
        .into_iter()
        .map(|((reason, lic), names)| {
            let names = names.join(", ");
            match (reason, lic) {
                (MissingReason::Unlicensed, _) | (_, None) => {
                    format!("{} ({names})", reason.phrase())
                }
                (_, Some(lic)) => format!("{}: {lic} ({names})", reason.phrase()),
            }
        })
        .collect();
    let mut not_there = Vec::new();
    if referenced > 0 {
        not_there.push(format!(
            "{referenced} {}",
            MissingReason::Referenced.phrase()
        ));
    }
    if absent > 0 {
        not_there.push(format!("{absent} {}", MissingReason::Absent.phrase()));
    }
    if !not_there.is_empty() {
        parts.push(not_there.join(", "));
    }
    parts.join("; ")
}

/// One finding per licence that the MOT counts on components of a type it
/// is not meant for. Informational: it is the MOF's typing of licences (its
/// list calls Apache-2.0 a code licence, CC-BY-4.0 a document licence), not
/// a defect of the release.
fn wrong_type_findings(eval: &mof::Evaluation, license: &License) -> Vec<Finding> {
    let mut by_license: BTreeMap<(&str, ContentType), Vec<&str>> = BTreeMap::new();
    for c in &eval.components {
        if c.included
            && c.license_status == mof::LicenseStatus::OpenWrongType
            && let Some(l) = c.license.as_deref()
        {
            by_license
                .entry((l, c.content_type))
                .or_default()
                .push(c.name);
        }
    }
    let mut per_licence: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ((lic, wanted), names) in by_license {
        let example = match wanted {
            ContentType::Code => "Apache-2.0",
            ContentType::Data => "CDLA-Permissive-2.0",
            ContentType::Document => "CC-BY-4.0",
        };
        per_licence.entry(lic).or_default().push(format!(
            "an open {} licence such as {example} for {}",
            wanted.as_str(),
            names.join(", ")
        ));
    }
    per_licence
        .into_iter()
        .map(|(lic, expected)| {
            let typed: Vec<&str> = license::open::mot_types(lic)
                .into_iter()
                .map(ContentType::as_str)
                .collect();
            let typing = if typed.is_empty() {
                format!("its licence list gives {lic} no type")
            } else {
                format!(
                    "its licence list types {lic} as a {} licence",
                    typed.join("/")
                )
            };
            // Shown at the licence file that grants it; a licence the card
            // declares falls back to the card.
            let file = license
                .files
                .iter()
                .filter(|f| f.role == "license")
                .find(|f| f.spdx.as_deref() == Some(lic))
                .map(|f| f.path.as_str());
            Finding::new(
                Code::LicenseWrongType,
                None,
                format!("the MOF expects {}; {typing}", expected.join(" and ")),
            )
            .shown_at(file)
        })
        .collect()
}

fn class_label(class: u8) -> &'static str {
    crate::mof::roman(class).unwrap_or("III")
}

/// File paths of shipped code of one role.
fn code_files(components: &Components, role: CodeRole) -> Vec<String> {
    components
        .code
        .items
        .iter()
        .filter(|i| i.source == ItemSource::File && i.kind == role_kind(role))
        .filter_map(|i| i.path.clone())
        .collect()
}

/// Evidence for every MOF component id.
fn gather(facts: &Facts, components: &Components) -> BTreeMap<u32, Evidence> {
    let files: Vec<(&str, FileKind)> = facts
        .files
        .iter()
        .filter(|f| f.entry.read_path.is_some() && f.lfs.is_none())
        .map(|f| (f.rel(), f.entry.kind))
        .collect();
    let card = root_card(facts);
    let fm = root_front_matter(facts);
    let links = |kind: LinkKind| -> Vec<String> {
        card.map(|c| {
            c.links
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.url.clone())
                .collect()
        })
        .unwrap_or_default()
    };
    let named = |pred: &dyn Fn(&str) -> bool| -> Vec<String> {
        files
            .iter()
            .filter(|(p, _)| pred(&p.to_ascii_lowercase()))
            .map(|(p, _)| (*p).to_owned())
            .collect()
    };
    let references = |kind: ItemKind| -> Vec<String> {
        components
            .code
            .items
            .iter()
            .filter(|i| i.source != ItemSource::File && i.kind == kind)
            .map(|i| i.detail.clone())
            .collect()
    };
    let pdfs = named(&|p| p.ends_with(".pdf"));
    let (reports, papers): (Vec<String>, Vec<String>) = pdfs
        .into_iter()
        .partition(|p| p.contains("report") || p.contains("technical"));
    let paper_links = links(LinkKind::Paper);
    let report_links: Vec<String> = paper_links
        .iter()
        .filter(|u| u.to_ascii_lowercase().contains("report"))
        .cloned()
        .collect();

    let w = &components.weights;
    let final_params = match w.component.status {
        Status::Shipped => w
            .component
            .items
            .iter()
            .filter(|i| {
                i.source == ItemSource::File
                    && !matches!(
                        i.kind,
                        ItemKind::Checkpoint | ItemKind::LfsPointer | ItemKind::ShardIndex
                    )
            })
            .filter_map(|i| i.path.clone())
            .collect(),
        _ => Vec::new(),
    };
    let params_ref: Vec<String> = if w.component.status == Status::Absent {
        Vec::new()
    } else {
        w.component
            .items
            .iter()
            .map(|i| i.path.clone().unwrap_or_else(|| i.detail.clone()))
            .collect()
    };
    let checkpoints: Vec<String> = w
        .component
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Checkpoint)
        .filter_map(|i| i.path.clone())
        .collect();

    let mut eval_results = named(&is_eval_results_name);
    if let Some(card) = card
        && fm.is_some_and(|f| !f.eval_results.is_empty())
    {
        // The card's `model-index` holds the results.
        eval_results.push(card.path.clone());
    }
    let model_card: Vec<String> = card
        .filter(|_| !fm.is_some_and(|f| f.dataset_card))
        .map(|c| vec![c.path.clone()])
        .unwrap_or_default();
    let data_items = &components.data.component.items;
    let data_cards: Vec<String> = data_items
        .iter()
        .filter(|i| i.kind == ItemKind::DatasetCard)
        .filter_map(|i| i.path.clone())
        .collect();
    let declared: Vec<String> = components.data.datasets.clone();
    let data_files: Vec<String> = data_items
        .iter()
        .filter(|i| i.kind == ItemKind::TrainingData)
        .filter_map(|i| i.path.clone())
        .collect();
    let (mut eval_data, train_data): (Vec<String>, Vec<String>) =
        data_files.into_iter().partition(|p| is_eval_path(p));
    // Data the data component judged evaluation material (issue 13).
    eval_data.extend(
        data_items
            .iter()
            .filter(|i| i.kind == ItemKind::EvaluationData)
            .filter_map(|i| i.path.clone()),
    );
    let eval_datasets: Vec<String> = fm
        .map(|f| {
            f.eval_results
                .iter()
                .filter_map(|r| r.dataset.clone())
                .collect()
        })
        .unwrap_or_default();
    let samples = named(&is_sample_path);
    let libraries = named(&is_library_manifest);
    let mut library_refs = references(ItemKind::Architecture);
    if let Some(lib) = fm.and_then(|f| f.library_name.clone()) {
        library_refs.push(lib);
    }
    let metadata = named(&is_model_metadata);
    vec![
        (
            9,
            Evidence::from(
                code_files(components, CodeRole::Architecture),
                references(ItemKind::Architecture),
            ),
        ),
        (10, Evidence::from(final_params, params_ref)),
        (24, Evidence::from(checkpoints, Vec::new())),
        (11, Evidence::from(reports, report_links)),
        (21, Evidence::from(papers, paper_links)),
        (12, Evidence::from(eval_results, Vec::new())),
        (13, Evidence::from(model_card, Vec::new())),
        (14, Evidence::from(data_cards, declared.clone())),
        (20, Evidence::from(samples, Vec::new())),
        (
            7,
            Evidence::from(code_files(components, CodeRole::Training), Vec::new()),
        ),
        (
            8,
            Evidence::from(code_files(components, CodeRole::Inference), Vec::new()),
        ),
        (
            18,
            Evidence::from(code_files(components, CodeRole::Evaluation), Vec::new()),
        ),
        (19, Evidence::from(eval_data, eval_datasets)),
        (22, Evidence::from(libraries, library_refs)),
        (
            16,
            Evidence::from(code_files(components, CodeRole::DataProcessing), Vec::new()),
        ),
        (15, Evidence::from(train_data, declared)),
        (17, Evidence::from(metadata, Vec::new())),
    ]
    .into_iter()
    .collect()
}

// Path predicates of `gather`: each takes a lower-cased relative path.

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Evaluation results: `results*.json`, `eval*.csv`, and the like.
fn is_eval_results_name(path: &str) -> bool {
    let name = file_name(path);
    (name.contains("result") || name.starts_with("eval"))
        && (name.ends_with(".json") || name.ends_with(".csv") || name.ends_with(".md"))
        && !name.starts_with("readme")
}

/// Data kept for evaluation: under an eval, test, validation or benchmark
/// folder, or named so.
fn is_eval_path(path: &str) -> bool {
    path.split('/').rev().skip(1).any(|d| {
        let d = d.to_ascii_lowercase();
        d.starts_with("eval")
            || d == "test"
            || d == "tests"
            || d.starts_with("valid")
            || d.starts_with("bench")
    }) || {
        let name = file_name(path).to_ascii_lowercase();
        name.starts_with("test") || name.starts_with("valid") || name.starts_with("eval")
    }
}

/// Sample outputs of the model (MOF *Sample model outputs*).
fn is_sample_path(path: &str) -> bool {
    path.split('/').any(|seg| {
        matches!(
            seg,
            "samples" | "sample_outputs" | "outputs" | "generations" | "examples"
        ) || seg.starts_with("sample_output")
    }) && !path.ends_with(".py")
}

/// Files that name the libraries and tools the model needs.
fn is_library_manifest(path: &str) -> bool {
    matches!(
        file_name(path),
        "requirements.txt"
            | "setup.py"
            | "setup.cfg"
            | "pyproject.toml"
            | "environment.yml"
            | "environment.yaml"
            | "dockerfile"
            | "cargo.toml"
            | "package.json"
    )
}

/// The model's own metadata files (MOF *Model metadata*).
fn is_model_metadata(path: &str) -> bool {
    matches!(
        file_name(path),
        "config.json"
            | "generation_config.json"
            | "model_index.json"
            | "adapter_config.json"
            | "modules.json"
            | "params.json"
    )
}

/// OSAID 1.0: the preferred form to make modifications, three parts, each
/// under OSI-approved (or OSD-conformant) terms. Shipped evidence only, but
/// architecture and supporting libraries may be open libraries the release
/// names (a transformers architecture), since the definition judges the
/// whole system.
fn osaid(evidence: &BTreeMap<u32, Evidence>, components: &Components, license: &License) -> Osaid {
    let status = |id: u32| evidence.get(&id).map_or(Status::Absent, |e| e.status);
    let shipped = |id: u32| status(id) == Status::Shipped;
    let known = |id: u32| status(id) != Status::Absent;
    let code_terms = components
        .code
        .license
        .as_deref()
        .or(license.spdx.as_deref())
        .is_some_and(license::is_osi_approved);
    let weights_terms = components
        .weights
        .component
        .license
        .as_deref()
        .or(license.spdx.as_deref())
        .is_some_and(license::is_open);
    let data_terms = components
        .data
        .component
        .license
        .as_deref()
        .or(license.spdx.as_deref())
        .is_some_and(license::is_open);
    let checklist = vec![
        (
            "data-information",
            "description of the training data (data card or datasheet)",
            shipped(14),
        ),
        (
            "data-information",
            "list of the training datasets and where to get them",
            known(15),
        ),
        (
            "data-information",
            "data information under OSD-conformant terms",
            data_terms && (shipped(14) || known(15)),
        ),
        ("code", "data processing and filtering code", shipped(16)),
        ("code", "training code", shipped(7)),
        ("code", "validation and testing code", shipped(18)),
        ("code", "inference code", shipped(8)),
        ("code", "model architecture code", known(9)),
        ("code", "supporting libraries", known(22)),
        ("code", "code under an OSI-approved licence", code_terms),
        ("parameters", "final model parameters", shipped(10)),
        (
            "parameters",
            "parameters under OSD-conformant terms",
            weights_terms && shipped(10),
        ),
    ];
    let elements: Vec<OsaidElement> = checklist
        .into_iter()
        .map(|(part, element, met)| OsaidElement {
            part: part.into(),
            element: element.into(),
            met,
        })
        .collect();
    Osaid {
        open_source_ai: elements.iter().all(|e| e.met),
        missing: elements
            .iter()
            .filter(|e| !e.met)
            .map(|e| format!("{}: {}", e.part, e.element))
            .collect(),
        checklist: elements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(name: &str, reason: MissingReason, license: Option<&str>) -> MissingComponent {
        MissingComponent {
            name: name.to_owned(),
            reason,
            license: license.map(str::to_owned),
        }
    }

    #[test]
    fn the_licence_comes_first_then_what_is_not_there() {
        let why = why_not_reached(&[
            missing(
                "Model architecture",
                MissingReason::LicenseNotOpen,
                Some("LicenseRef-Llama-2"),
            ),
            missing("Model parameters (Final)", MissingReason::Referenced, None),
            missing("Evaluation results", MissingReason::Absent, None),
            missing(
                "Model card",
                MissingReason::LicenseNotOpen,
                Some("LicenseRef-Llama-2"),
            ),
            missing("Data card", MissingReason::Absent, None),
        ]);
        assert_eq!(
            why,
            "licence not open: LicenseRef-Llama-2 (Model architecture, Model card); \
             1 only referenced, 2 absent"
        );
    }

    #[test]
    fn each_licence_reason_is_named() {
        let why = why_not_reached(&[
            missing("Model card", MissingReason::Unlicensed, None),
            missing(
                "Evaluation data",
                MissingReason::LicenseNotAccepted,
                Some("Apache-2.0 AND MIT"),
            ),
        ]);
        // Licence reasons in the order of their words, then the counts.
        assert_eq!(
            why,
            "licence not accepted by the MOT: Apache-2.0 AND MIT (Evaluation data); \
             no licence (Model card)"
        );
        assert_eq!(
            why_not_reached(&[missing("Datasets", MissingReason::Absent, None)]),
            "1 absent"
        );
    }
}
