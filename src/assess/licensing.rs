//! The release's licence as SPEC section 2 reads it: every licence file by
//! its name and text (its scope, the sub-folder it covers, the licences
//! appended for bundled code, the restrictions it imposes), the card's
//! declaration and per-part statements, a GGUF's own `general.license`, and
//! the licences source headers state when nothing else does. Each component
//! gets the licence the release grants for it, shipped or referenced; the
//! release's expression is the conjunction of every part, and it is open
//! only when every part is.

use super::{dir_of, root_card, root_front_matter};
use crate::finding::{Code, Finding};
use crate::license::{self, FileRole, Part, Restriction};
use crate::read::{Facts, FileFacts};
use crate::report::{
    Component, Components, FileKind, ItemSource, License, LicenseFile, LicensePart, Status,
};
use std::collections::BTreeSet;

/// Below this a text match is a guess, too weak to contradict the card.
const MISMATCH_CONFIDENCE: f32 = 0.8;

/// A licence one source grants, with where it was found.
#[derive(Debug, Clone)]
struct Grant {
    spdx: String,
    source: String,
    /// The file that shows it (the licence file, the card, the GGUF file):
    /// where a finding about this licence is anchored.
    file: Option<String>,
}

/// A licence-related file as the assessment sees it.
struct FileView<'a> {
    facts: &'a FileFacts,
    role: FileRole,
    /// The part its name assigns it to.
    name_scope: Option<Part>,
    /// The part its licence's kind assigns it to.
    text_scope: Option<Part>,
    /// The folder it covers: empty for the root and for a folder that
    /// holds nothing but licences (`LICENSES/`, `model_licenses/`).
    dir: &'a str,
    /// The licence it grants: the identified one, else `LicenseRef-` of
    /// its title or file name (unknown is not absent); `None` for a blank
    /// file and for files of other roles that name nothing.
    spdx: Option<String>,
    /// How `spdx` was found: `text`, `pointer`, `title` or `file-name`.
    identified_by: Option<&'static str>,
}

impl FileView<'_> {
    fn spdx(&self) -> Option<&str> {
        self.spdx.as_deref()
    }

    fn is_licence(&self) -> bool {
        matches!(self.role, FileRole::Licence { .. })
    }

    /// A short pointer to a text elsewhere ("see <url>") that names no
    /// licence: what the release states elsewhere resolves it.
    fn points_nowhere_known(&self) -> bool {
        self.facts.license.own.is_none() && self.facts.license.how == license::How::Pointer
    }

    fn scope(&self) -> Option<Part> {
        self.name_scope.or(self.text_scope)
    }

    fn grant(&self) -> Option<Grant> {
        Some(Grant {
            spdx: self.spdx()?.to_owned(),
            source: self.facts.rel().to_owned(),
            file: Some(self.facts.rel().to_owned()),
        })
    }
}

pub fn assess(facts: &Facts, components: &mut Components, out: &mut Vec<Finding>) -> License {
    let fm = root_front_matter(facts);
    let declared = fm.and_then(|f| f.license.clone());
    let license_name = fm.and_then(|f| f.license_name.clone());
    let license_link = fm
        .and_then(|f| f.license_link.clone())
        .filter(|l| !l.contains("://"))
        .map(|l| l.trim_start_matches("./").to_owned());

    let views = file_views(facts);
    let card_path = root_card(facts).map(|c| c.path.clone());
    let mut files: Vec<LicenseFile> = views.iter().map(license_file).collect();
    if let Some(section) = root_card(facts).and_then(|c| c.license_section.as_ref()) {
        files.push(LicenseFile {
            path: "README.md".to_owned(),
            spdx: Some(section.spdx.clone()),
            confidence: section.confidence,
            role: "license".to_owned(),
            scope: None,
            covers: None,
            identified_by: Some(license::How::Text.as_str().to_owned()),
            bundled: Vec::new(),
            restrictions: Vec::new(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));

    // `license: other` with no name and no file says only that the licence
    // is not a Hub one: no assertion, not a licence called "Other".
    let card_spdx = declared
        .as_deref()
        .and_then(|d| license::from_hub_id(d, license_name.as_deref()))
        .filter(|id| id != "LicenseRef-Other" || license_link.is_some());
    // The card template's `**License:** X` line states what the YAML would.
    let template_spdx = root_card(facts)
        .and_then(|c| c.template_license.as_deref())
        .map(license::from_statement);
    let card_spdx = card_spdx.or(template_spdx);
    // A licence text pasted as the card's body.
    let card_text = root_card(facts).and_then(|c| c.license_text.as_ref());
    let card_text_grant = card_text.and_then(|t| t.own.as_ref()).map(|own| Grant {
        spdx: own.spdx.clone(),
        source: "card text".to_owned(),
        file: card_path.clone(),
    });
    // A GGUF file carries its own `general.license` (an SPDX expression by
    // the spec, a Hub id in practice).
    let gguf_stated = facts
        .gguf
        .iter()
        .find_map(|g| Some((g.path.as_str(), g.provenance.license.as_deref()?)));
    let gguf_license = gguf_stated.and_then(|(_, l)| license::from_hub_id(l, None));
    let release = release_grant(
        facts,
        &views,
        card_spdx.as_deref(),
        license_link.as_deref(),
        card_text_grant.clone(),
    );

    // What the card states per part ("code under MIT, weights under ...").
    let stated = |part: Part| {
        root_card(facts)
            .and_then(|c| c.part_licenses.iter().find(|(p, _)| *p == part))
            .map(|(_, id)| Grant {
                spdx: id.spdx.clone(),
                source: "card statement".to_owned(),
                file: card_path.clone(),
            })
    };
    let dataset_card = facts
        .cards
        .iter()
        .filter(|c| !c.path.eq_ignore_ascii_case("README.md"))
        .filter_map(|c| Some((c.path.as_str(), c.front_matter.as_ref()?)))
        .filter(|(_, fm)| fm.dataset_card)
        .find_map(|(path, fm)| {
            let spdx = license::from_hub_id(fm.license.as_deref()?, fm.license_name.as_deref())?;
            Some((path, spdx))
        })
        .map(|(path, spdx)| Grant {
            spdx,
            source: "dataset card".to_owned(),
            file: Some(path.to_owned()),
        });
    let gguf = gguf_license.clone().map(|spdx| Grant {
        spdx,
        source: "GGUF general.license".to_owned(),
        file: gguf_stated.map(|(path, _)| path.to_owned()),
    });
    let per_folder: Vec<(&str, &str)> = views
        .iter()
        .filter(|v| v.is_licence() && !v.dir.is_empty())
        .filter_map(|v| Some((v.dir, v.spdx()?)))
        .collect();

    let own_grants = [
        (Part::Code, stated(Part::Code)),
        (Part::Weights, stated(Part::Weights).or(gguf)),
        (Part::Data, stated(Part::Data).or(dataset_card)),
    ];
    // Each part with the file that shows its licence.
    let mut parts: Vec<(LicensePart, Option<String>)> = Vec::new();
    for (part, own) in own_grants {
        let scoped = scoped_grant(&views, part);
        let component = component_mut(components, part);
        let grant = folder_grant(component, &per_folder, &views)
            .or(scoped)
            .or(own)
            .or_else(|| {
                release
                    .clone()
                    .filter(|_| release_covers(part, component.status))
            });
        if let Some(grant) = grant {
            if !matches!(component.status, Status::Absent)
                || views.iter().any(|v| v.name_scope == Some(part))
            {
                component.license = Some(grant.spdx.clone());
                component.license_source = Some(grant.source.clone());
            }
            push_part(&mut parts, part.as_str(), None, grant);
        }
    }
    if let Some(grant) = release.clone() {
        push_part(&mut parts, "release", None, grant);
    }
    for view in views.iter().filter(|v| v.is_licence() && !v.dir.is_empty()) {
        if let Some(grant) = view.grant() {
            push_part(&mut parts, "folder", Some(view.dir), grant);
        }
    }
    for view in views.iter().filter(|v| v.is_licence()) {
        for bundled in &view.facts.license.bundled {
            let grant = Grant {
                spdx: bundled.spdx.clone(),
                source: view.facts.rel().to_owned(),
                file: Some(view.facts.rel().to_owned()),
            };
            push_part(&mut parts, "bundled", None, grant);
        }
    }

    // Unknown is not absent: a licence file or a card's licence text that
    // no part accounts for yet (the card's `license:` took the release)
    // still binds the release when it is not shown to be open.
    let accounted: Vec<String> = parts.iter().flat_map(|(p, _)| split_and(&p.spdx)).collect();
    let deferred = release.is_some();
    let unaccounted = views
        .iter()
        .filter(|v| v.is_licence() && v.dir.is_empty())
        // A pointer naming nothing was resolved by what the release states.
        .filter(|v| !(deferred && v.points_nowhere_known()))
        .filter_map(|v| Some((v.scope(), v.grant()?)))
        .chain(card_text_grant.map(|g| (None, g)));
    for (scope, grant) in unaccounted {
        let known = split_and(&grant.spdx).iter().all(|term| {
            accounted
                .iter()
                .any(|t| t == term || license::same_terms(t, term))
        });
        if !known && !license::is_open(&grant.spdx) {
            push_part(
                &mut parts,
                scope.map_or("release", Part::as_str),
                None,
                grant,
            );
        }
    }
    let (parts, shown): (Vec<LicensePart>, Vec<Option<String>>) = parts.into_iter().unzip();
    let spdx = expression(&parts);
    let policies: Vec<&str> = views
        .iter()
        .filter(|v| v.role == FileRole::UsePolicy)
        .map(|v| v.facts.rel())
        .collect();
    let open = spdx.is_some()
        && parts.iter().all(|p| p.open)
        && policies.is_empty()
        && views
            .iter()
            .filter(|v| v.is_licence())
            .all(|v| v.spdx().is_none_or(license::is_open));

    let mut findings = Vec::new();
    if declared.is_none() && spdx.is_none() && !views.iter().any(|v| v.is_licence()) {
        findings.push(Finding::new(
            Code::LicenseMissing,
            None,
            "no licence in the model card and no LICENSE/COPYING file",
        ));
    }
    if let Some(card) = &card_spdx {
        mismatch_findings(card, &views, &mut findings);
    }
    not_open_findings(&parts, &shown, &views, &policies, &mut findings);
    if spdx.is_none()
        && let Some(d) = &declared
    {
        findings.push(
            Finding::new(
                Code::LicenseNotOpen,
                None,
                format!(
                    "licence {:?} is not a recognised open licence",
                    license_name.as_deref().unwrap_or(d)
                ),
            )
            .shown_at(card_path.as_deref()),
        );
    }
    out.extend(findings);

    License {
        declared,
        name: spdx.as_deref().map(license::display_name),
        spdx,
        open,
        files,
        parts,
    }
}

fn file_views(facts: &Facts) -> Vec<FileView<'_>> {
    // Folders holding anything but licence files are the folders of
    // bundled code; a folder of licences only is the release's own.
    let mut mixed: BTreeSet<&str> = BTreeSet::new();
    for f in &facts.files {
        if f.entry.kind != FileKind::License {
            let mut dir = dir_of(f.rel());
            while !dir.is_empty() && mixed.insert(dir) {
                dir = dir_of(dir.trim_end_matches('/'));
            }
        }
    }
    facts
        .files
        .iter()
        .filter(|f| f.entry.kind == FileKind::License && f.entry.read_path.is_some())
        .map(|f| {
            let lower_name = f.entry.file_name().to_ascii_lowercase();
            let role =
                license::role_by_name(&lower_name).unwrap_or(FileRole::Licence { scope: None });
            let own = f.license.own.as_ref();
            let name_scope = match role {
                FileRole::Licence { scope: Some(scope) } => Some(scope),
                // `LICENSE-xyz-7b`: the licence of the model it names.
                FileRole::Licence { scope: None } => {
                    license::named_component(&lower_name).map(|_| Part::Weights)
                }
                _ => None,
            };
            let text_scope = own.and_then(|o| license::scope_by_licence(&o.spdx));
            let (spdx, identified_by) = match own {
                Some(o) => (Some(o.spdx.clone()), Some(f.license.how.as_str())),
                None if matches!(role, FileRole::Licence { .. }) && !f.license.blank => {
                    match &f.license.title {
                        Some(title) => (Some(license::license_ref(title)), Some("title")),
                        None => {
                            let name = f.entry.file_name();
                            let stem = name.split_once('.').map_or(name, |(s, _)| s);
                            (Some(license::license_ref(stem)), Some("file-name"))
                        }
                    }
                }
                None => (None, None),
            };
            // A folder of licences only covers what its parent covers.
            let mut dir = dir_of(f.rel());
            while !dir.is_empty() && !mixed.contains(dir) {
                dir = dir_of(dir.trim_end_matches('/'));
            }
            FileView {
                facts: f,
                role,
                name_scope,
                text_scope,
                dir,
                spdx,
                identified_by,
            }
        })
        .collect()
}

fn license_file(view: &FileView<'_>) -> LicenseFile {
    let found = &view.facts.license;
    LicenseFile {
        path: view.facts.rel().to_owned(),
        spdx: view.spdx.clone(),
        confidence: found.own.as_ref().map_or(
            view.spdx
                .as_ref()
                .map_or(0.0, |_| license::UNIDENTIFIED_CONFIDENCE),
            |o| o.confidence,
        ),
        role: match view.role {
            FileRole::Licence { .. } => "license",
            FileRole::UsePolicy => "use-policy",
            FileRole::Attribution => "attribution",
        }
        .to_owned(),
        scope: view
            .is_licence()
            .then(|| view.scope())
            .flatten()
            .map(|p| p.as_str().to_owned()),
        covers: (!view.dir.is_empty()).then(|| view.dir.trim_end_matches('/').to_owned()),
        identified_by: view.identified_by.map(str::to_owned),
        bundled: found.bundled.iter().map(|b| b.spdx.clone()).collect(),
        restrictions: found
            .restrictions
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
    }
}

/// The licence of the release as a whole (every part without one of its
/// own): the card's declaration, else the file `license_link` names, else
/// the root licence files without a scope of their name (those without a
/// scope of their text first), else the licence most source headers state.
fn release_grant(
    facts: &Facts,
    views: &[FileView<'_>],
    card: Option<&str>,
    link: Option<&str>,
    card_text: Option<Grant>,
) -> Option<Grant> {
    if let Some(card) = card {
        return Some(Grant {
            spdx: card.to_owned(),
            source: "model card".to_owned(),
            file: root_card(facts).map(|c| c.path.clone()),
        });
    }
    if let Some(grant) = link
        .and_then(|l| views.iter().find(|v| v.facts.rel() == l))
        .and_then(FileView::grant)
    {
        return Some(grant);
    }
    let root: Vec<&FileView<'_>> = views
        .iter()
        .filter(|v| v.is_licence() && v.dir.is_empty() && v.name_scope.is_none())
        .filter(|v| v.spdx().is_some())
        .collect();
    let unscoped: Vec<&&FileView<'_>> = root.iter().filter(|v| v.text_scope.is_none()).collect();
    let chosen: Vec<&FileView<'_>> = if unscoped.is_empty() {
        root.clone()
    } else {
        unscoped.into_iter().copied().collect()
    };
    // A short pointer to a text elsewhere ("see <url>") that names no
    // licence defers to what the card's text or the source headers state.
    let only_pointers = !chosen.is_empty() && chosen.iter().all(|v| v.points_nowhere_known());
    if only_pointers && let Some(stated) = card_text.clone().or_else(|| header_grant(facts)) {
        return Some(stated);
    }
    if !chosen.is_empty() {
        let mut ids: Vec<&str> = chosen.iter().filter_map(|v| v.spdx()).collect();
        ids.dedup();
        let sources: Vec<&str> = chosen.iter().map(|v| v.facts.rel()).collect();
        return Some(Grant {
            spdx: ids.join(" AND "),
            source: sources.join(", "),
            file: sources.first().map(|s| (*s).to_owned()),
        });
    }
    card_text.or_else(|| header_grant(facts))
}

/// The licence most source-file headers state, when at least two agree or
/// the only code file states one.
fn header_grant(facts: &Facts) -> Option<Grant> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for id in facts.files.iter().filter_map(|f| f.header_license.as_ref()) {
        match counts.iter_mut().find(|(s, _)| *s == id.spdx) {
            Some((_, n)) => *n += 1,
            None => counts.push((&id.spdx, 1)),
        }
    }
    let (spdx, n) = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))?;
    let first = facts
        .files
        .iter()
        .find(|f| f.header_license.as_ref().is_some_and(|id| id.spdx == spdx))
        .map(|f| f.rel().to_owned());
    Some(Grant {
        spdx: spdx.to_owned(),
        source: format!(
            "source file headers ({n} file{})",
            if n == 1 { "" } else { "s" }
        ),
        file: first,
    })
}

/// Root licence files scoped to `part` by name, else by their licence's
/// kind (a model licence covers the weights).
fn scoped_grant(views: &[FileView<'_>], part: Part) -> Option<Grant> {
    let pick = |by_name: bool| {
        let chosen: Vec<&FileView<'_>> = views
            .iter()
            .filter(|v| v.is_licence() && v.dir.is_empty() && v.spdx().is_some())
            .filter(|v| {
                if by_name {
                    v.name_scope == Some(part)
                } else {
                    v.name_scope.is_none() && v.text_scope == Some(part)
                }
            })
            .collect();
        let mut ids: Vec<String> = chosen
            .iter()
            .filter_map(|v| v.spdx().map(str::to_owned))
            .collect();
        ids.sort();
        ids.dedup();
        (!ids.is_empty()).then(|| Grant {
            spdx: ids.join(" AND "),
            source: chosen
                .iter()
                .map(|v| v.facts.rel())
                .collect::<Vec<_>>()
                .join(", "),
            file: chosen.first().map(|v| v.facts.rel().to_owned()),
        })
    };
    pick(true).or_else(|| pick(false))
}

/// Whether the release-wide licence covers a component in this state:
/// whatever the release ships, and weights it points to (its own
/// checkpoints, downloaded elsewhere). Referenced code is a library's (an
/// architecture implemented in transformers) and referenced data a
/// dataset's: each has its own terms.
fn release_covers(part: Part, status: Status) -> bool {
    match status {
        Status::Absent => false,
        Status::Referenced => part == Part::Weights,
        _ => true,
    }
}

fn component_mut(components: &mut Components, part: Part) -> &mut Component {
    match part {
        Part::Code => &mut components.code,
        Part::Weights => &mut components.weights.component,
        Part::Data => &mut components.data.component,
    }
}

/// The licence file in the deepest sub-folder holding every shipped file
/// of the component.
fn folder_grant(
    component: &Component,
    per_folder: &[(&str, &str)],
    views: &[FileView<'_>],
) -> Option<Grant> {
    let paths: Vec<&str> = component
        .items
        .iter()
        .filter(|i| i.source == ItemSource::File)
        .filter_map(|i| i.path.as_deref())
        .collect();
    folder_license_entry(&paths, per_folder).map(|(dir, id)| Grant {
        spdx: id.to_owned(),
        source: format!("LICENSE file in {dir}"),
        file: views
            .iter()
            .find(|v| v.is_licence() && v.dir == dir && v.spdx() == Some(id))
            .map(|v| v.facts.rel().to_owned()),
    })
}

fn push_part(
    parts: &mut Vec<(LicensePart, Option<String>)>,
    covers: &str,
    path: Option<&str>,
    grant: Grant,
) {
    let part = LicensePart {
        covers: covers.to_owned(),
        path: path.map(|p| p.trim_end_matches('/').to_owned()),
        open: license::is_open(&grant.spdx),
        spdx: grant.spdx,
        source: grant.source,
    };
    parts.push((part, grant.file));
}

/// The conjunction of every part's licence, each once, in the parts'
/// order; a part that is itself a choice (`MIT OR Apache-2.0`) keeps its
/// parentheses.
fn expression(parts: &[LicensePart]) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for part in parts {
        for term in split_and(&part.spdx) {
            if !terms
                .iter()
                .any(|t| license::same_terms(t, &term) || *t == term)
            {
                terms.push(term);
            }
        }
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// The top-level `AND` terms of an expression; one with `OR` stays whole.
fn split_and(expr: &str) -> Vec<String> {
    if expr.contains(" OR ") || expr.contains(" or ") || expr.contains('(') {
        return vec![if expr.contains(" OR ") || expr.contains(" or ") {
            format!("({expr})")
        } else {
            expr.to_owned()
        }];
    }
    expr.split(" AND ")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

fn mismatch_findings(card: &str, views: &[FileView<'_>], findings: &mut Vec<Finding>) {
    for view in views
        .iter()
        .filter(|v| v.is_licence() && v.dir.is_empty() && v.name_scope.is_none())
    {
        if let Some(own) = &view.facts.license.own
            && own.confidence >= MISMATCH_CONFIDENCE
            && !license::same_terms(card, &own.spdx)
        {
            findings.push(Finding::new(
                Code::LicenseMismatch,
                Some(view.facts.rel()),
                format!(
                    "the card declares {} but {} holds the text of {}",
                    license::display_name(card),
                    view.facts.rel(),
                    license::display_name(&own.spdx)
                ),
            ));
        }
    }
}

/// One finding per licence that is not open, naming the parts it covers and
/// the restrictions its text imposes; one per acceptable-use policy.
fn not_open_findings(
    parts: &[LicensePart],
    shown: &[Option<String>],
    views: &[FileView<'_>],
    policies: &[&str],
    findings: &mut Vec<Finding>,
) {
    let mut seen: Vec<&str> = Vec::new();
    for part in parts.iter().filter(|p| !p.open) {
        if seen.contains(&part.spdx.as_str()) {
            continue;
        }
        seen.push(&part.spdx);
        let same: Vec<&LicensePart> = parts.iter().filter(|p| p.spdx == part.spdx).collect();
        let only_release = same.iter().all(|p| p.covers == "release");
        let mut covers: Vec<String> = same
            .iter()
            .filter(|p| only_release || p.covers != "release")
            .map(|p| match &p.path {
                Some(path) => format!("{path}/"),
                None if p.covers == "bundled" => "bundled code".to_owned(),
                None => format!("the {}", p.covers),
            })
            .collect();
        covers.dedup();
        let covers = match covers.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => covers.join(""),
        };
        let terms = split_and(&part.spdx);
        let of_part = |v: &&FileView<'_>| v.spdx().is_some_and(|s| terms.iter().any(|t| t == s));
        let restrictions: Vec<Restriction> = views
            .iter()
            .filter(of_part)
            .flat_map(|v| v.facts.license.restrictions.iter().copied())
            .collect();
        let mut message = format!(
            "{} ({}, from {}) is not an OSI-approved, FSF-libre or open data licence; it covers {}",
            license::display_name(&part.spdx),
            part.spdx,
            part.source,
            covers
        );
        let looks_like = views
            .iter()
            .filter(of_part)
            .find_map(|v| v.facts.license.looks_like.as_deref());
        // In a conjunction, say which licences are the ones not open.
        if terms.len() > 1 {
            let closed: Vec<String> = views
                .iter()
                .filter(of_part)
                .filter(|v| v.spdx().is_some_and(|s| !license::is_open(s)))
                .map(|v| format!("{} in {}", v.spdx().unwrap_or_default(), v.facts.rel()))
                .collect();
            if !closed.is_empty() {
                message.push_str(&format!("; not open: {}", closed.join(", ")));
            }
        }
        if let Some(base) = looks_like {
            message.push_str(&format!(
                "; it reuses {base}'s wording but adds use restrictions"
            ));
        }
        let mut described: Vec<&str> = restrictions.iter().map(|r| r.describe()).collect();
        described.sort();
        described.dedup();
        if !described.is_empty() {
            message.push_str(&format!("; its text {}", described.join(", ")));
        }
        // Shown at the licence file holding a text that is not open, else
        // at the file the part's licence was read from (the card, a GGUF).
        let anchor = views
            .iter()
            .filter(of_part)
            .find(|v| v.is_licence() && v.spdx().is_some_and(|s| !license::is_open(s)))
            .map(|v| v.facts.rel())
            .or_else(|| {
                parts
                    .iter()
                    .zip(shown)
                    .filter(|(p, _)| p.spdx == part.spdx)
                    .find_map(|(_, file)| file.as_deref())
            });
        findings.push(Finding::new(Code::LicenseNotOpen, None, message).shown_at(anchor));
    }
    for policy in policies {
        findings.push(Finding::new(
            Code::LicenseNotOpen,
            Some(policy),
            format!(
                "{policy} is an acceptable-use policy: it restricts how the release may be used"
            ),
        ));
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
