//! The code component: source files, notebooks and training configs shipped in
//! the release, the modules `auto_map` makes loaders import (present, missing,
//! or in another repository), and the libraries that implement the named
//! architecture when the release ships no code of its own.

use super::{dir_of, finish, item, role_kind, root_card, status_of};
use crate::codeclass::CodeRole;
use crate::finding::{Code, Finding};
use crate::formats::card::LinkKind;
use crate::read::Facts;
use crate::report::{Component, FileKind, ItemKind, ItemSource};

pub fn assess(facts: &mut Facts, out: &mut Vec<Finding>) -> Component {
    let mut items = Vec::new();
    let mut findings = Vec::new();
    let mut broken = false;
    let mut referenced = false;

    for (cfg_rel, cfg) in &facts.configs {
        if cfg.auto_map.is_empty() && cfg.auto_map_paths.is_empty() {
            continue;
        }
        let dir = dir_of(cfg_rel);
        let mut local = Vec::new();
        for entry in &cfg.auto_map {
            let is_model = entry.auto_class.starts_with("AutoModel")
                || entry.auto_class == "AutoConfig"
                || entry.auto_class.starts_with("AutoImageProcessor")
                || entry.auto_class.starts_with("AutoProcessor");
            if let Some(repo) = &entry.repo {
                referenced = true;
                items.push(item(
                    if is_model {
                        ItemKind::Architecture
                    } else {
                        ItemKind::Other
                    },
                    None,
                    ItemSource::Config,
                    format!(
                        "{} from repository {repo} ({})",
                        entry.auto_class, entry.reference
                    ),
                ));
                continue;
            }
            let module_rel = format!("{dir}{}", entry.module_file());
            local.push(entry.module_file());
            match facts.files.iter_mut().find(|f| f.rel() == module_rel) {
                Some(file) if file.entry.read_path.is_some() => {
                    if is_model {
                        file.code_role = Some((CodeRole::Architecture, "auto_map module"));
                    }
                }
                _ => {
                    broken = true;
                    findings.push(Finding::new(
                        Code::MissingCodeFile,
                        Some(cfg_rel),
                        format!(
                            "auto_map {} names {module_rel}, which is not in the release",
                            entry.auto_class
                        ),
                    ));
                }
            }
        }
        // A module given as a file path is never looked up in the release
        // (it may be absolute or climb out of it): it is code the release
        // does not ship, whatever the filesystem holds.
        for reference in &cfg.auto_map_paths {
            broken = true;
            findings.push(Finding::new(
                Code::MissingCodeFile,
                Some(cfg_rel),
                format!(
                    "auto_map names the module path {reference:?}, which leads outside the release or is not a module name"
                ),
            ));
        }
        let mut targets: Vec<&str> = cfg
            .auto_map
            .iter()
            .map(|e| e.reference.as_str())
            .chain(cfg.auto_map_paths.iter().map(String::as_str))
            .collect();
        targets.sort();
        targets.dedup();
        findings.push(Finding::new(
            Code::RemoteCode,
            Some(cfg_rel),
            format!(
                "auto_map makes loaders run code with trust_remote_code: {}",
                targets.join(", ")
            ),
        ));
    }

    let mut shipped = false;
    for file in &facts.files {
        // An empty (or whitespace-only) file is evidence of nothing.
        if file.entry.kind != FileKind::Code || file.entry.read_path.is_none() || file.blank {
            continue;
        }
        let (role, reason) = file.code_role.unwrap_or((CodeRole::Other, "source file"));
        shipped = true;
        items.push(item(
            role_kind(role),
            Some(file.rel()),
            ItemSource::File,
            reason,
        ));
    }

    // Libraries that implement the architecture: the release points to its
    // code without shipping it.
    if let Some((_, cfg)) = facts.configs.iter().find(|(p, _)| p == "config.json")
        && cfg.auto_map.is_empty()
    {
        for arch in &cfg.architectures {
            referenced = true;
            let model_type = cfg.model_type.as_deref().unwrap_or("unknown model_type");
            items.push(item(
                ItemKind::Architecture,
                None,
                ItemSource::Config,
                format!("{arch} ({model_type}), implemented in transformers"),
            ));
        }
    }
    // A PEFT adapter runs on its base model's architecture, through PEFT:
    // both are code the release points to.
    for (rel, adapter) in &facts.adapters {
        referenced = true;
        let base = adapter
            .base_model
            .as_deref()
            .unwrap_or("an unnamed base model");
        let kind = adapter.peft_type.as_deref().unwrap_or("adapter");
        items.push(item(
            ItemKind::Architecture,
            Some(rel),
            ItemSource::Config,
            format!("{kind} adapter: the architecture of {base}, implemented in peft"),
        ));
    }
    for (rel, index) in &facts.model_indexes {
        for part in &index.components {
            if let (Some(lib), Some(class)) = (&part.library, &part.class) {
                referenced = true;
                items.push(item(
                    ItemKind::Architecture,
                    Some(rel),
                    ItemSource::Config,
                    format!("{}: {class}, implemented in {lib}", part.name),
                ));
            }
        }
    }
    for (rel, modules) in &facts.sentence_modules {
        for module in modules {
            referenced = true;
            items.push(item(
                ItemKind::Architecture,
                Some(rel),
                ItemSource::Config,
                format!("{}: {}", module.path, module.module_type),
            ));
        }
    }
    let mut gguf_archs: Vec<(&str, &str)> = facts
        .gguf
        .iter()
        .filter_map(|g| Some((g.path.as_str(), g.architecture.as_deref()?)))
        .collect();
    gguf_archs.dedup_by(|a, b| a.1 == b.1);
    for (path, arch) in gguf_archs {
        referenced = true;
        items.push(item(
            ItemKind::Architecture,
            Some(path),
            ItemSource::Gguf,
            format!("{arch}, implemented in llama.cpp"),
        ));
    }
    if let Some(card) = root_card(facts) {
        for link in card
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::CodeRepository)
        {
            referenced = true;
            items.push(item(
                ItemKind::Other,
                None,
                ItemSource::Card,
                link.url.clone(),
            ));
        }
    }
    out.extend(findings);
    finish(status_of(shipped, broken, referenced), items)
}
