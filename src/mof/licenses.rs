//! The Model Openness Tool's licence rules, reproduced from its PHP and data
//! rather than from this crate's own licence module: a MOF rating must agree
//! with what mot.isitopen.ai would say, quirks included.
//!
//! Sources (lfai/model_openness_tool, MIT, copies under `fixtures/mof/data/`):
//! - `licenses.json` (the SPDX list with `isOsiApproved` / `isFsfLibre`) and
//!   `mof-licenses.json` (the MOT's type-appropriate licences, with a
//!   `ContentType`), loaded in that order by `LicenseImporter::import`, each
//!   entry overwriting the stored licence of the same id;
//! - `LicenseHandler::OPEN_DATA_LICENSES`, `isOpenSourceLicense` and
//!   `isTypeAppropriate`;
//! - `ModelEvaluator::evaluateComponents` for the four outcomes.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::ContentType;

const SPDX_JSON: &str = include_str!("../../fixtures/mof/data/licenses.json");
const MOF_JSON: &str = include_str!("../../fixtures/mof/data/mof-licenses.json");

/// `LicenseHandler::OPEN_DATA_LICENSES`, verbatim. Note `ODC-PDDL-1.0`: SPDX
/// spells it `PDDL-1.0`, so the MOT does not treat `PDDL-1.0` as open even
/// though `mof-licenses.json` lists it as a data licence.
const OPEN_DATA_LICENSES: [&str; 31] = [
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

/// Open for every content type in the current MOT although it is neither
/// OSI-approved, FSF-libre nor in the open-data list (its `mof-licenses.json`
/// entry has both flags false and `ContentType` code, data and document).
const OPEN_MODEL_LICENSES: [&str; 1] = ["OpenMDW-1.0"];

/// The MOT's value for "included without a licence": `ModelUpdater` stores
/// `license: unlicensed` as an empty licence, and `evaluateComponents` names
/// an unresolved licence `unlicensed`.
pub(crate) const UNLICENSED: &str = "unlicensed";

/// How the MOT judges one component's licence (`evaluateComponents`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseStatus {
    /// Open and appropriate for the component's content type: counts.
    Open,
    /// Open but not listed for this content type in `mof-licenses.json`:
    /// still counts, with the MOT's "not-type-appropriate" warning.
    OpenWrongType,
    /// Any other licence, free text included: does not count.
    Invalid,
    /// No licence (or `unlicensed`): does not count.
    Unlicensed,
}

impl LicenseStatus {
    /// Whether the MOT counts a component with this status as included.
    pub fn is_open(self) -> bool {
        matches!(self, LicenseStatus::Open | LicenseStatus::OpenWrongType)
    }
}

/// The judgement of the MOT on `license` for a component of `content_type`.
///
/// Mirrors `ModelEvaluator::evaluateComponents`: open (per
/// `LicenseHandler::isOpenSourceLicense`, plus OpenMDW-1.0) and type-appropriate
/// (`isTypeAppropriate`) is [`LicenseStatus::Open`]; open only is
/// [`LicenseStatus::OpenWrongType`]; no licence, an empty one or the literal
/// `unlicensed` is [`LicenseStatus::Unlicensed`]; anything else, including
/// free text and SPDX expressions (the MOT compares whole strings), is
/// [`LicenseStatus::Invalid`]. Ids are matched case-sensitively, as PHP's
/// `in_array` does.
pub fn license_status(license: Option<&str>, content_type: ContentType) -> LicenseStatus {
    let Some(license) = license.filter(|l| !l.is_empty()) else {
        return LicenseStatus::Unlicensed;
    };
    if is_open(license) {
        if is_type_appropriate(license, content_type) {
            LicenseStatus::Open
        } else {
            LicenseStatus::OpenWrongType
        }
    } else if license == UNLICENSED {
        LicenseStatus::Unlicensed
    } else {
        LicenseStatus::Invalid
    }
}

/// `LicenseHandler::isOpenSourceLicense` (FSF-libre, open data or
/// OSI-approved) extended with OpenMDW-1.0.
pub(crate) fn is_open(license: &str) -> bool {
    table()
        .get(license)
        .is_some_and(|r| r.osi_approved || r.fsf_libre)
        || OPEN_DATA_LICENSES.contains(&license)
        || OPEN_MODEL_LICENSES.contains(&license)
}

/// `LicenseHandler::isTypeAppropriate`: the licence's stored `ContentType`
/// includes the component's type.
pub(crate) fn is_type_appropriate(license: &str, content_type: ContentType) -> bool {
    table()
        .get(license)
        .is_some_and(|r| r.content_types & content_type.bit() != 0)
}

/// A licence id the MOT knows that differs from `license` only in case, for
/// a hint: the MOT itself would call `apache-2.0` invalid.
pub(crate) fn case_insensitive_match(license: &str) -> Option<&'static str> {
    let known = table()
        .keys()
        .map(String::as_str)
        .chain(OPEN_DATA_LICENSES)
        .chain(OPEN_MODEL_LICENSES);
    known
        .filter(|k| *k != license && k.eq_ignore_ascii_case(license))
        // Prefer an id that the MOT calls open.
        .max_by_key(|k| (is_open(k), std::cmp::Reverse(*k)))
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

fn table() -> &'static HashMap<String, Record> {
    static TABLE: OnceLock<HashMap<String, Record>> = OnceLock::new();
    TABLE.get_or_init(|| build_table(&[SPDX_JSON, MOF_JSON]))
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
fn build_table(sources: &[&str]) -> HashMap<String, Record> {
    let mut table = HashMap::new();
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
            table.insert(
                entry.license_id,
                Record {
                    osi_approved: entry.osi_approved.unwrap_or(false),
                    fsf_libre: entry.fsf_libre.unwrap_or(false),
                    content_types,
                },
            );
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContentType::{Code, Data, Document};

    #[test]
    fn embedded_lists_parse_completely() {
        for (source, n) in [(SPDX_JSON, 659), (MOF_JSON, 31)] {
            let list: LicenseList = serde_json::from_str(source).unwrap();
            assert_eq!(list.licenses.len(), n);
        }
        // 659 SPDX ids plus OpenMDW-1.0, which only mof-licenses.json has.
        assert_eq!(table().len(), 660);
    }

    #[test]
    fn statuses_follow_the_mot() {
        assert_eq!(
            license_status(Some("Apache-2.0"), Code),
            LicenseStatus::Open
        );
        assert_eq!(
            license_status(Some("Apache-2.0"), Data),
            LicenseStatus::OpenWrongType
        );
        // mof-licenses.json lists Apache-2.0 for code and document.
        assert_eq!(
            license_status(Some("Apache-2.0"), Document),
            LicenseStatus::Open
        );
        assert_eq!(
            license_status(Some("CC-BY-4.0"), Document),
            LicenseStatus::Open
        );
        assert_eq!(
            license_status(Some("CC-BY-4.0"), Data),
            LicenseStatus::OpenWrongType
        );
        assert_eq!(
            license_status(Some("Llama 3 Community License"), Data),
            LicenseStatus::Invalid
        );
        assert_eq!(license_status(None, Code), LicenseStatus::Unlicensed);
        assert_eq!(license_status(Some(""), Code), LicenseStatus::Unlicensed);
        assert_eq!(
            license_status(Some("unlicensed"), Document),
            LicenseStatus::Unlicensed
        );
        for t in [Code, Data, Document] {
            assert_eq!(license_status(Some("OpenMDW-1.0"), t), LicenseStatus::Open);
        }
    }

    #[test]
    fn cc0_on_data_is_the_documented_quirk() {
        // Listed as data, then as document: the later entry wins.
        assert_eq!(
            license_status(Some("CC0-1.0"), Data),
            LicenseStatus::OpenWrongType
        );
        assert_eq!(
            license_status(Some("CC0-1.0"), Document),
            LicenseStatus::Open
        );
        assert_eq!(
            license_status(Some("CDLA-Permissive-2.0"), Data),
            LicenseStatus::Open
        );
    }

    #[test]
    fn data_licences_the_mot_does_not_call_open() {
        // Type-appropriate for data in mof-licenses.json, but neither OSI,
        // FSF nor in OPEN_DATA_LICENSES (which spells it ODC-PDDL-1.0).
        assert_eq!(
            license_status(Some("PDDL-1.0"), Data),
            LicenseStatus::Invalid
        );
        assert_eq!(
            license_status(Some("C-UDA-1.0"), Data),
            LicenseStatus::Invalid
        );
        // Non-SPDX ids from the open-data list are still open.
        assert_eq!(
            license_status(Some("ODC-PDDL-1.0"), Data),
            LicenseStatus::OpenWrongType
        );
    }

    #[test]
    fn ids_are_case_sensitive_and_expressions_are_not_parsed() {
        assert_eq!(
            license_status(Some("apache-2.0"), Code),
            LicenseStatus::Invalid
        );
        assert_eq!(case_insensitive_match("apache-2.0"), Some("Apache-2.0"));
        assert_eq!(case_insensitive_match("openmdw-1.0"), Some("OpenMDW-1.0"));
        assert_eq!(case_insensitive_match("Apache-2.0"), None);
        assert_eq!(
            license_status(Some("Apache-2.0 OR MIT"), Code),
            LicenseStatus::Invalid
        );
        // OSI or FSF alone is enough; GPL is open but not a MOT code licence.
        assert_eq!(
            license_status(Some("GPL-3.0-only"), Code),
            LicenseStatus::OpenWrongType
        );
    }
}
