//! A scan report turned into a Model Openness Tool YAML file, ready to
//! review and submit: the release's identity, its licences by type, and one
//! entry per MOF component the release ships (or references, in
//! `count-referenced` mode), with the licence and the path that back it.

use super::mot_yaml::{ComponentOut, LicenseOut, MotFileOut};
use crate::report::{MofMode, Report, Status};

pub fn mot_file(report: &Report) -> MotFileOut {
    let license_path = report.license.files.first().map(|f| f.path.clone());
    let distribution = report.license.spdx.clone().map(|name| LicenseOut {
        name: Some(name),
        path: license_path.clone(),
    });
    let typed = |component: Option<&String>| {
        component
            .filter(|c| Some(*c) != report.license.spdx.as_ref())
            .map(|name| LicenseOut {
                name: Some(name.clone()),
                path: None,
            })
    };
    let counted = |status: Status| match status {
        Status::Shipped => true,
        Status::Referenced => report.frameworks.mof.mode == MofMode::CountReferenced,
        _ => false,
    };
    let components = report
        .frameworks
        .mof
        .components
        .iter()
        .filter(|c| counted(c.status))
        .map(|c| ComponentOut {
            name: c.name.to_string(),
            description: Some(format!(
                "{} in the release: {}",
                if c.status == Status::Shipped {
                    "shipped"
                } else {
                    "referenced"
                },
                c.evidence.join(", ")
            )),
            license: c.license.clone().or_else(|| Some("unlicensed".to_owned())),
            license_path: None,
            component_path: c
                .evidence
                .first()
                .filter(|_| c.status == Status::Shipped)
                .cloned(),
        })
        .collect();
    MotFileOut {
        name: report
            .release
            .name
            .clone()
            .unwrap_or_else(|| report.root.clone()),
        model_type: model_type(report.release.pipeline_tag.as_deref()).to_owned(),
        architecture: architecture(report).to_owned(),
        distribution,
        code: typed(report.components.code.license.as_ref()),
        data: typed(report.components.data.component.license.as_ref()),
        components,
        ..MotFileOut::default()
    }
}

/// The MOT's `release.type` from a Hub pipeline tag.
fn model_type(pipeline_tag: Option<&str>) -> &'static str {
    let Some(tag) = pipeline_tag else { return "" };
    if tag.contains("image-to-text") || tag.contains("visual") || tag.contains("any-to-any") {
        "multimodal"
    } else if tag.starts_with("text")
        || tag.contains("question")
        || tag.contains("fill-mask")
        || tag.contains("translation")
        || tag.contains("summarization")
        || tag.contains("token-classification")
        || tag.contains("sentence")
        || tag.contains("feature-extraction")
    {
        "language"
    } else if tag.contains("to-image") || tag.contains("image") {
        "image"
    } else if tag.contains("audio") || tag.contains("speech") {
        "audio"
    } else if tag.contains("video") {
        "video"
    } else {
        "other"
    }
}

/// The MOT's `release.architecture`, only where the files say it plainly.
fn architecture(report: &Report) -> &'static str {
    let archs = report.release.architectures.join(" ").to_ascii_lowercase();
    if report.release.library.as_deref() == Some("diffusers") || archs.contains("diffusion") {
        "diffusion"
    } else if archs.contains("forcausallm") || archs.contains("lmheadmodel") {
        "transformer decoder"
    } else if archs.contains("t5forconditionalgeneration")
        || archs.contains("bartforconditionalgeneration")
    {
        "transformer encoder-decoder"
    } else if archs.contains("formaskedlm")
        || archs.starts_with("bert")
        || archs.contains("roberta")
    {
        "transformer encoder"
    } else {
        ""
    }
}
