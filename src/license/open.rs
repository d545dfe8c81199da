//! The one licence-openness engine, with both verdicts it serves:
//!
//! - the **product's** (`license.open` in the report, [`super::is_open`]):
//!   OSI-approved or FSF-libre in the SPDX list the `spdx` crate embeds, or
//!   open by [`TABLE`]; ids in any case, SPDX expressions evaluated;
//! - the **MOT's** (the Model Openness Tool, for MOF ratings,
//!   [`crate::mof::license_status`]): OSI-approved or FSF-libre in the MOT's
//!   own copy of the SPDX list, or open by [`TABLE`]; whole strings compared
//!   case-sensitively, as PHP's `in_array` does, so `apache-2.0` and
//!   `MIT OR Apache-2.0` are not open to it.
//!
//! The MOT's typing (which content types, code / data / document, a licence
//! is appropriate for) is data beside the engine: `data/mot/licenses.json`
//! and `data/mot/mof-licenses.json`, copied from lfai/model_openness_tool
//! (MIT, `data/mot/LICENSE-model_openness_tool`) and loaded as the MOT's
//! `LicenseImporter::import` loads them.
//!
//! [`TABLE`] is the single place where the two verdicts are written down
//! beyond the OSI / FSF flags: every licence open by a list rather than by
//! its flags, and every licence on which the product and the MOT disagree,
//! with the reason. A test walks every id both SPDX lists know and fails on
//! any disagreement the table does not state, so a new `spdx` crate or MOT
//! data refresh cannot open a silent gap.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use spdx::LicenseId;

use super::ContentType;

/// The MOT's copy of the SPDX licence list (`isOsiApproved`, `isFsfLibre`).
const MOT_SPDX_JSON: &str = include_str!("../../data/mot/licenses.json");
/// The MOT's type-appropriate licences, with their `ContentType`.
const MOT_TYPES_JSON: &str = include_str!("../../data/mot/mof-licenses.json");

/// One licence's openness where it is not simply its OSI / FSF flags, or
/// where the product and the MOT disagree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// The id exactly as written (the MOT compares it case-sensitively).
    pub id: &'static str,
    /// The product's verdict (`license.open`).
    pub product: bool,
    /// The MOT's verdict (`LicenseHandler::isOpenSourceLicense`, plus
    /// OpenMDW-1.0, which the current MOT counts as open for every type).
    pub mot: bool,
    /// Why the verdicts differ; empty when they agree. Documentation that
    /// the tests hold to the verdicts.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests only"))]
    pub why: &'static str,
}

const fn both(id: &'static str) -> Row {
    Row {
        id,
        product: true,
        mot: true,
        why: "",
    }
}

const fn product_only(id: &'static str, why: &'static str) -> Row {
    Row {
        id,
        product: true,
        mot: false,
        why,
    }
}

const fn mot_only(id: &'static str, why: &'static str) -> Row {
    Row {
        id,
        product: false,
        mot: true,
        why,
    }
}

const CC_PORT: &str = "a Creative Commons BY / BY-SA port with the same terms as the \
     ones the MOT lists; the MOT's OPEN_DATA_LICENSES omits it";
const NEWER_SPDX: &str = "OSI-approved or FSF-libre in the SPDX list the spdx crate \
     embeds (3.29.0) but not in the MOT's older copy of the list";
const GFDL_VARIANT: &str = "a GFDL-1.3 variant; the MOT's list has the bare \
     (deprecated) GFDL-1.3 id only";

/// The openness of every licence open by a list rather than by its OSI /
/// FSF flags, and of every licence the two verdicts disagree on. The MOT
/// column reproduces `LicenseHandler::OPEN_DATA_LICENSES` verbatim (plus
/// OpenMDW-1.0); ids absent here take their flags.
pub(crate) const TABLE: &[Row] = &[
    // The MOT's open-data list; the product agrees on all of them.
    both("CC0-1.0"),
    both("CC-BY-1.0"),
    both("CC-BY-2.0"),
    both("CC-BY-2.5"),
    both("CC-BY-2.5-AU"),
    both("CC-BY-3.0"),
    both("CC-BY-3.0-AT"),
    both("CC-BY-3.0-AU"),
    both("CC-BY-3.0-DE"),
    both("CC-BY-3.0-IGO"),
    both("CC-BY-3.0-NL"),
    both("CC-BY-3.0-US"),
    both("CC-BY-4.0"),
    both("CC-BY-SA-1.0"),
    both("CC-BY-SA-2.0"),
    both("CC-BY-SA-2.0-UK"),
    both("CC-BY-SA-2.1-JP"),
    both("CC-BY-SA-2.5"),
    both("CC-BY-SA-3.0"),
    both("CC-BY-SA-3.0-AT"),
    both("CC-BY-SA-4.0"),
    both("CDLA-Permissive-1.0"),
    both("CDLA-Permissive-2.0"),
    both("CDLA-Sharing-1.0"),
    both("ODC-By-1.0"),
    both("ODbL-1.0"),
    both("GFDL-1.3"),
    both("OGL-Canada-2.0"),
    both("OGL-UK-2.0"),
    both("OGL-UK-3.0"),
    // Neither OSI, FSF nor open data; the current MOT counts it open for
    // code, data and document.
    both("OpenMDW-1.0"),
    // Deliberate differences.
    product_only(
        "PDDL-1.0",
        "the MOT's list spells it ODC-PDDL-1.0, which is not an SPDX id, so \
         the MOT calls the real id invalid; the product counts the licence meant",
    ),
    mot_only(
        "ODC-PDDL-1.0",
        "not an SPDX id: the product never produces it and does not parse it",
    ),
    product_only(
        "LicenseRef-OpenMDW-1.0",
        "OpenMDW's spelling before SPDX listed it; the MOT compares whole ids",
    ),
    product_only(
        "LicenseRef-OpenMDW",
        "OpenMDW's spelling before SPDX listed it; the MOT compares whole ids",
    ),
    product_only("CC-BY-SA-3.0-DE", CC_PORT),
    product_only("CC-BY-SA-3.0-IGO", CC_PORT),
    product_only(
        "OGL-UK-1.0",
        "an Open Government Licence the MOT's list omits",
    ),
    product_only("GFDL-1.3-invariants", GFDL_VARIANT),
    product_only("GFDL-1.3-invariants-only", GFDL_VARIANT),
    product_only("GFDL-1.3-invariants-or-later", GFDL_VARIANT),
    product_only("GFDL-1.3-no-invariants", GFDL_VARIANT),
    product_only("GFDL-1.3-no-invariants-only", GFDL_VARIANT),
    product_only("GFDL-1.3-no-invariants-or-later", GFDL_VARIANT),
    product_only("ALGLIB-Documentation", NEWER_SPDX),
    product_only("BSD-3-Clause-Open-MPI", NEWER_SPDX),
    product_only("BSD-ask-to-endorse", NEWER_SPDX),
    product_only("CDDL-1.1", NEWER_SPDX),
    product_only("CNRI-Python-GPL-Compatible", NEWER_SPDX),
    product_only("OSC-1.0", NEWER_SPDX),
    product_only("Python-2.0.1", NEWER_SPDX),
    product_only("W3C-20150513", NEWER_SPDX),
    product_only("WordNet", NEWER_SPDX),
    product_only("curl", NEWER_SPDX),
];

/// A row by exact id.
fn row(id: &str) -> Option<&'static Row> {
    TABLE.iter().find(|r| r.id == id)
}

/// The product's verdict on one SPDX id.
pub(crate) fn product_open(id: LicenseId) -> bool {
    match row(id.name) {
        Some(r) => r.product,
        None => id.is_osi_approved() || id.is_fsf_free_libre(),
    }
}

/// The product's verdict on a `LicenseRef-<lic_ref>` (any case).
pub(crate) fn product_open_ref(lic_ref: &str) -> bool {
    TABLE.iter().any(|r| {
        r.product
            && r.id
                .strip_prefix("LicenseRef-")
                .is_some_and(|name| name.eq_ignore_ascii_case(lic_ref))
    })
}

/// The MOT's verdict on a licence string: `isOpenSourceLicense` (FSF-libre,
/// open data or OSI-approved in its own list) extended with OpenMDW-1.0.
pub(crate) fn mot_open(license: &str) -> bool {
    match row(license) {
        Some(r) => r.mot,
        None => mot_records()
            .get(license)
            .is_some_and(|r| r.osi_approved || r.fsf_libre),
    }
}

/// `LicenseHandler::isTypeAppropriate`: the licence's stored `ContentType`
/// includes the component's type.
pub(crate) fn mot_type_appropriate(license: &str, content_type: ContentType) -> bool {
    mot_records()
        .get(license)
        .is_some_and(|r| r.content_types & content_type.bit() != 0)
}

/// The content types the MOT's licence list gives a licence (empty when
/// it lists none).
pub(crate) fn mot_types(license: &str) -> Vec<ContentType> {
    let bits = mot_records().get(license).map_or(0, |r| r.content_types);
    [ContentType::Code, ContentType::Data, ContentType::Document]
        .into_iter()
        .filter(|t| bits & t.bit() != 0)
        .collect()
}

/// A licence id the MOT knows that differs from `license` only in case, for
/// a hint: the MOT itself would call `apache-2.0` invalid.
pub(crate) fn mot_case_insensitive_match(license: &str) -> Option<&'static str> {
    let known = mot_records()
        .keys()
        .map(String::as_str)
        .chain(TABLE.iter().filter(|r| r.mot).map(|r| r.id));
    known
        .filter(|k| *k != license && k.eq_ignore_ascii_case(license))
        // Prefer an id that the MOT calls open.
        .max_by_key(|k| (mot_open(k), std::cmp::Reverse(*k)))
}

/// What the MOT stores per licence id after `LicenseImporter::import`.
#[derive(Debug, Clone, Copy, Default)]
struct Record {
    osi_approved: bool,
    fsf_libre: bool,
    /// Bit set of [`ContentType::bit`].
    content_types: u8,
}

#[derive(Deserialize)]
struct LicenseList {
    licenses: Vec<LicenseEntry>,
}

#[derive(Deserialize)]
struct LicenseEntry {
    #[serde(rename = "licenseId")]
    license_id: String,
    #[serde(rename = "isOsiApproved", default)]
    osi_approved: Option<bool>,
    #[serde(rename = "isFsfLibre", default)]
    fsf_libre: Option<bool>,
    #[serde(rename = "ContentType", default)]
    content_type: Option<ContentTypes>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ContentTypes {
    One(String),
    Many(Vec<String>),
}

fn mot_records() -> &'static HashMap<String, Record> {
    static RECORDS: OnceLock<HashMap<String, Record>> = OnceLock::new();
    RECORDS.get_or_init(|| build_records(&[MOT_SPDX_JSON, MOT_TYPES_JSON]))
}

/// Loads the lists in `LicenseImporter::import` order. `setLicenseData`
/// overwrites every field of an existing licence, so the last entry of an id
/// wins outright: `mof-licenses.json` lists CC0-1.0 (and CC-PDDC) first as
/// data, then as document, so the MOT stores them as document licences only
/// and CC0-1.0 on data is open but not type-appropriate. A missing flag is
/// stored as false (`?? false`, `?? ''`).
///
/// The embedded lists are checked by the tests; should one still fail to
/// parse, it contributes nothing rather than panicking.
fn build_records(sources: &[&str]) -> HashMap<String, Record> {
    let mut records = HashMap::new();
    for source in sources {
        let Ok(list) = serde_json::from_str::<LicenseList>(source) else {
            continue;
        };
        for entry in list.licenses {
            let types = match entry.content_type {
                Some(ContentTypes::One(t)) => vec![t],
                Some(ContentTypes::Many(ts)) => ts,
                None => Vec::new(),
            };
            let content_types = types
                .iter()
                .filter_map(|t| ContentType::from_mot(t))
                .fold(0, |bits, t| bits | t.bit());
            records.insert(
                entry.license_id,
                Record {
                    osi_approved: entry.osi_approved.unwrap_or(false),
                    fsf_libre: entry.fsf_libre.unwrap_or(false),
                    content_types,
                },
            );
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `LicenseHandler::OPEN_DATA_LICENSES`, verbatim from the MOT's PHP.
    const MOT_OPEN_DATA_LICENSES: [&str; 31] = [
        "CC0-1.0",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-2.5-AU",
        "CC-BY-3.0",
        "CC-BY-3.0-AT",
        "CC-BY-3.0-AU",
        "CC-BY-3.0-DE",
        "CC-BY-3.0-IGO",
        "CC-BY-3.0-NL",
        "CC-BY-3.0-US",
        "CC-BY-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.0-UK",
        "CC-BY-SA-2.1-JP",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-3.0-AT",
        "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "ODC-PDDL-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "GFDL-1.3",
        "OGL-Canada-2.0",
        "OGL-UK-2.0",
        "OGL-UK-3.0",
    ];

    /// The MOT's rule as it was written before the table: flags, the
    /// verbatim open-data list, OpenMDW-1.0.
    fn mot_reference(id: &str) -> bool {
        mot_records()
            .get(id)
            .is_some_and(|r| r.osi_approved || r.fsf_libre)
            || MOT_OPEN_DATA_LICENSES.contains(&id)
            || id == "OpenMDW-1.0"
    }

    /// The product's rule as it was written before the table: flags, a short
    /// open-data list and the CC-BY / CC-BY-SA / GFDL-1.3 / OGL families.
    fn product_reference(id: LicenseId) -> bool {
        const OPEN_DATA: &[&str] = &[
            "CC0-1.0",
            "CDLA-Permissive-1.0",
            "CDLA-Permissive-2.0",
            "CDLA-Sharing-1.0",
            "ODC-By-1.0",
            "ODbL-1.0",
            "PDDL-1.0",
            "OpenMDW-1.0",
        ];
        let name = id.name;
        let versioned = |rest: &str| rest.starts_with(|c: char| c.is_ascii_digit());
        let open_data = OPEN_DATA.contains(&name)
            || name.strip_prefix("CC-BY-SA-").map_or_else(
                || name.strip_prefix("CC-BY-").is_some_and(versioned),
                versioned,
            )
            || name.starts_with("GFDL-1.3")
            || name.starts_with("OGL-");
        id.is_osi_approved() || id.is_fsf_free_libre() || open_data
    }

    fn every_id() -> BTreeSet<&'static str> {
        let crate_ids = spdx::identifiers::LICENSES.iter().map(|l| l.name);
        let mot_ids = mot_records()
            .keys()
            .map(|k| &*Box::leak(k.clone().into_boxed_str()));
        crate_ids
            .chain(mot_ids)
            .chain(MOT_OPEN_DATA_LICENSES)
            .chain(TABLE.iter().map(|r| r.id))
            .collect()
    }

    #[test]
    fn the_table_reproduces_both_former_rules() {
        for id in every_id() {
            assert_eq!(mot_open(id), mot_reference(id), "MOT verdict on {id}");
            if let Some(lid) = spdx::license_id(id) {
                assert_eq!(product_open(lid), product_reference(lid), "{id}");
            }
        }
    }

    #[test]
    fn every_disagreement_is_in_the_table_with_a_reason() {
        for id in every_id() {
            let product = match spdx::license_id(id) {
                Some(lid) => product_open(lid),
                None => id.strip_prefix("LicenseRef-").is_some_and(product_open_ref),
            };
            let mot = mot_open(id);
            if product != mot {
                let r = row(id).unwrap_or_else(|| panic!("{id}: untabled difference"));
                assert_eq!((r.product, r.mot), (product, mot), "{id}");
                assert!(!r.why.is_empty(), "{id}: a difference needs a reason");
            }
        }
        for r in TABLE {
            if r.product == r.mot {
                assert!(r.why.is_empty(), "{}: agreeing rows need no reason", r.id);
            }
        }
        let ids: BTreeSet<&str> = TABLE.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), TABLE.len(), "duplicate rows");
    }

    #[test]
    fn embedded_lists_parse_completely() {
        for (source, n) in [(MOT_SPDX_JSON, 659), (MOT_TYPES_JSON, 31)] {
            let list: LicenseList = serde_json::from_str(source).unwrap();
            assert_eq!(list.licenses.len(), n);
        }
        // 659 SPDX ids plus OpenMDW-1.0, which only mof-licenses.json has.
        assert_eq!(mot_records().len(), 660);
    }
}
