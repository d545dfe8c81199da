//! The release's licence, first cut: what the card declares (a Hub id, or
//! `other` with a name and a link), what the licence files say, whether the
//! two agree, whether the licence is open, and which one covers each
//! component (a licence file in the component's own folder wins).

use super::{dir_of, root_card, root_front_matter};
use crate::finding::{Code, Finding};
use crate::license;
use crate::read::Facts;
use crate::report::{Component, Components, FileKind, ItemSource, License, LicenseFile, Status};

/// Below this a text match is a guess, too weak to contradict the card.
const MISMATCH_CONFIDENCE: f32 = 0.8;

pub fn assess(facts: &Facts, components: &mut Components, out: &mut Vec<Finding>) -> License {
    let fm = root_front_matter(facts);
    let declared = fm.and_then(|f| f.license.clone());
    let license_name = fm.and_then(|f| f.license_name.clone());
    let license_link = fm
        .and_then(|f| f.license_link.clone())
        .filter(|l| !l.contains("://"))
        .map(|l| l.trim_start_matches("./").to_owned());

    let mut files: Vec<LicenseFile> = facts
        .files
        .iter()
        .filter(|f| f.entry.kind == FileKind::License && f.entry.read_path.is_some())
        .map(|f| LicenseFile {
            path: f.rel().to_owned(),
            spdx: f.license.as_ref().map(|l| l.spdx.clone()),
            confidence: f.license.as_ref().map_or(0.0, |l| l.confidence),
        })
        .collect();
    if let Some(section) = root_card(facts).and_then(|c| c.license_section.as_ref()) {
        files.push(LicenseFile {
            path: "README.md".to_owned(),
            spdx: Some(section.spdx.clone()),
            confidence: section.confidence,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let card_spdx = declared
        .as_deref()
        .and_then(|d| license::from_hub_id(d, license_name.as_deref()));
    let linked = license_link
        .as_deref()
        .and_then(|link| files.iter().find(|f| f.path == link))
        .and_then(|f| f.spdx.clone());
    let mut root_ids: Vec<&str> = files
        .iter()
        .filter(|f| dir_of(&f.path).is_empty() && f.path != "README.md")
        .filter_map(|f| f.spdx.as_deref())
        .collect();
    root_ids.sort();
    root_ids.dedup();
    // A GGUF file carries its own `general.license` (an SPDX expression by
    // the spec, a Hub id in practice).
    let gguf_license = facts
        .gguf
        .iter()
        .find_map(|g| g.provenance.license.as_deref())
        .and_then(|l| license::from_hub_id(l, None));
    let spdx = card_spdx
        .clone()
        .or(linked)
        .or_else(|| (!root_ids.is_empty()).then(|| root_ids.join(" AND ")))
        .or(gguf_license.clone());
    let open = spdx.as_deref().is_some_and(license::is_open);

    let mut findings = Vec::new();
    if declared.is_none() && files.is_empty() && gguf_license.is_none() {
        findings.push(Finding::new(
            Code::LicenseMissing,
            None,
            "no licence in the model card and no LICENSE/COPYING file",
        ));
    }
    if let Some(card) = &card_spdx {
        for file in files
            .iter()
            .filter(|f| dir_of(&f.path).is_empty() && f.path != "README.md")
        {
            if let Some(text_id) = &file.spdx
                && file.confidence >= MISMATCH_CONFIDENCE
                && !license::same_terms(card, text_id)
            {
                findings.push(Finding::new(
                    Code::LicenseMismatch,
                    Some(&file.path),
                    format!(
                        "the card declares {} but {} holds the text of {}",
                        license::display_name(card),
                        file.path,
                        license::display_name(text_id)
                    ),
                ));
            }
        }
    }
    match (&spdx, &declared) {
        (Some(id), _) if !open => findings.push(Finding::new(
            Code::LicenseNotOpen,
            None,
            format!(
                "{} is not an OSI-approved, FSF-libre or open data licence",
                license::display_name(id)
            ),
        )),
        (None, Some(d)) => findings.push(Finding::new(
            Code::LicenseNotOpen,
            None,
            format!(
                "licence {:?} is not a recognised open licence",
                license_name.as_deref().unwrap_or(d)
            ),
        )),
        _ => {}
    }
    out.extend(findings);

    let per_folder: Vec<(&str, &str)> = files
        .iter()
        .filter(|f| f.path != "README.md")
        .filter_map(|f| Some((dir_of(&f.path), f.spdx.as_deref()?)))
        .collect();
    let dataset_card_license = facts
        .cards
        .iter()
        .filter(|c| !c.path.eq_ignore_ascii_case("README.md"))
        .filter_map(|c| c.front_matter.as_ref())
        .filter(|fm| fm.dataset_card)
        .find_map(|fm| license::from_hub_id(fm.license.as_deref()?, fm.license_name.as_deref()));
    // What the card says per part ("code under MIT, weights under ...").
    let stated = |part: license::Part| {
        root_card(facts)
            .and_then(|c| c.part_licenses.iter().find(|(p, _)| *p == part))
            .map(|(_, id)| (id.spdx.clone(), "card statement".to_owned()))
    };
    let release = spdx.as_deref().map(|id| {
        (
            id,
            release_source(card_spdx.is_some(), license_link.is_some()),
        )
    });
    assign(
        &mut components.code,
        &per_folder,
        release,
        stated(license::Part::Code),
    );
    assign(
        &mut components.weights.component,
        &per_folder,
        release,
        gguf_license
            .clone()
            .map(|l| (l, "GGUF general.license".to_owned()))
            .or_else(|| stated(license::Part::Weights)),
    );
    assign(
        &mut components.data.component,
        &per_folder,
        release,
        dataset_card_license
            .map(|l| (l, "dataset card".to_owned()))
            .or_else(|| stated(license::Part::Data)),
    );

    License {
        declared,
        name: spdx.as_deref().map(license::display_name),
        spdx,
        open,
        files,
    }
}

/// The licence covering a component: a licence file in the deepest folder that
/// holds all of its shipped files, else the component's own declaration, else
/// the release-wide licence. Components not in the release have none.
fn assign(
    component: &mut Component,
    per_folder: &[(&str, &str)],
    release: Option<(&str, &'static str)>,
    own: Option<(String, String)>,
) {
    // A referenced component is not in the release, so the release's
    // licence says nothing about it.
    if matches!(component.status, Status::Absent | Status::Referenced) {
        return;
    }
    let paths: Vec<&str> = component
        .items
        .iter()
        .filter(|i| i.source == ItemSource::File)
        .filter_map(|i| i.path.as_deref())
        .collect();
    let chosen = folder_license_entry(&paths, per_folder)
        .map(|(dir, id)| (id.to_owned(), format!("LICENSE file in {dir}")))
        .or(own)
        .or_else(|| release.map(|(id, source)| (id.to_owned(), source.to_owned())));
    if let Some((id, source)) = chosen {
        component.license = Some(id);
        component.license_source = Some(source);
    }
}

fn release_source(from_card: bool, linked: bool) -> &'static str {
    match (from_card, linked) {
        (true, _) => "release licence (model card)",
        (false, true) => "release licence (file named by license_link)",
        (false, false) => "release licence",
    }
}

/// The licence of the deepest folder (below the root) that holds every one
/// of `paths` and has its own licence file.
pub(crate) fn folder_license<'a>(
    paths: &[&str],
    per_folder: &[(&str, &'a str)],
) -> Option<&'a str> {
    folder_license_entry(paths, per_folder).map(|(_, id)| id)
}

fn folder_license_entry<'a, 'd>(
    paths: &[&str],
    per_folder: &[(&'d str, &'a str)],
) -> Option<(&'d str, &'a str)> {
    per_folder
        .iter()
        .filter(|(dir, _)| {
            !dir.is_empty() && !paths.is_empty() && paths.iter().all(|p| p.starts_with(dir))
        })
        .max_by_key(|(dir, _)| dir.len())
        .copied()
}
