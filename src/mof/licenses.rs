//! The Model Openness Tool's judgement of one component's licence
//! (`ModelEvaluator::evaluateComponents`, four outcomes): a MOF rating must
//! agree with what mot.isitopen.ai would say, quirks included.
//!
//! Openness and type-appropriateness come from the crate's one licence
//! engine (`src/license/open.rs`), which holds the MOT's verdict beside the
//! product's and the MOT's licence lists as data (`data/mot/`, copied from
//! lfai/model_openness_tool, MIT).

use super::ContentType;
use crate::license::open::{mot_open, mot_type_appropriate};

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
    if mot_open(license) {
        if mot_type_appropriate(license, content_type) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ContentType::{Code, Data, Document};

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
        // FSF nor in OPEN_DATA_LICENSES (which spells it ODC-PDDL-1.0); the
        // product's verdict differs, as src/license/open.rs states.
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
        use crate::license::open::mot_case_insensitive_match as case_insensitive_match;
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
