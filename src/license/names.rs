//! What a file's name says about licensing. Real releases name their licence
//! files many ways (`LICENSE`, `MODEL_LICENSE`, `LICENSE-CODE`,
//! `DATA_LICENSE`, `WEIGHT_DIFF_LICENSE`, `Yi License Agreement.pdf`), and
//! the name is often the only place that says which part of the release a
//! text covers. Attribution files (`NOTICE`, `THIRD_PARTY_NOTICES`) and
//! acceptable-use policies sit beside them but are not the release's
//! licence; they get roles of their own so no caller mistakes them for one.

use super::Part;

/// The part a licence-related file plays in the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A licence text; `scope` is the part its name assigns it to, if any.
    Licence { scope: Option<Part> },
    /// An acceptable-use policy: a restriction on use, never a grant.
    UsePolicy,
    /// Notices and acknowledgements of third-party work.
    Attribution,
}

/// The role a lower-cased file name (no folder) implies, if any.
pub fn role_by_name(lower_name: &str) -> Option<FileRole> {
    let words: Vec<&str> = lower_name
        .split(['_', '-', '.', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let first = *words.first()?;
    let has = |w: &str| words.contains(&w);
    if matches!(
        first,
        "notice" | "notices" | "acknowledgements" | "acknowledgments"
    ) || (first == "third" && words.get(1) == Some(&"party"))
        || first.starts_with("thirdparty")
        || first.starts_with("acknowledg")
    {
        return Some(FileRole::Attribution);
    }
    if (has("use") && (has("policy") || has("acceptable"))) || first == "aup" {
        return Some(FileRole::UsePolicy);
    }
    let licence_word = words.iter().any(|w| {
        matches!(
            *w,
            "license" | "licence" | "licenses" | "licences" | "copying" | "eula"
        )
    });
    // "Example Model Licensing Agreement": an agreement about licensing.
    let licensing_agreement = has("licensing") && (has("agreement") || has("terms"));
    if !licence_word && !licensing_agreement {
        return None;
    }
    Some(FileRole::Licence {
        scope: scope_by_words(&words),
    })
}

/// The part named among a licence file name's words: `MODEL_LICENSE`,
/// `LICENSE-CODE`, `DATA_LICENSE`, `WEIGHT_DIFF_LICENSE`. A name naming two
/// parts scopes nothing.
fn scope_by_words(words: &[&str]) -> Option<Part> {
    let mut named = Part::ALL.into_iter().filter(|part| {
        words.iter().any(|w| match part {
            Part::Weights => matches!(*w, "model" | "models" | "weight" | "weights"),
            Part::Code => matches!(*w, "code" | "software" | "source"),
            Part::Data => matches!(*w, "data" | "dataset" | "datasets"),
        })
    });
    let first = named.next()?;
    named.next().is_none().then_some(first)
}

/// The model or component a licence file's name ties it to, beside the
/// licence words (`LICENSE-xyz-7b`, `XYZ_LICENSE_AGREEMENT.txt`): the words
/// left when licence words, licence names, versions, language codes and
/// extensions are taken away. `None` for `LICENSE`, `LICENSE-MIT`,
/// `LICENSE-2.0.txt`, `MODEL_LICENSE`.
pub fn named_component(lower_name: &str) -> Option<String> {
    const NOT_NAMES: &[&str] = &[
        "license",
        "licence",
        "licenses",
        "licences",
        "copying",
        "eula",
        "agreement",
        "terms",
        "of",
        "use",
        "the",
        "and",
        "for",
        "file",
        "full",
        "text",
        "txt",
        "md",
        "markdown",
        "rst",
        "pdf",
        "html",
        "htm",
        "doc",
        "docx",
        "rtf",
        "mit",
        "apache",
        "bsd",
        "gpl",
        "lgpl",
        "agpl",
        "mpl",
        "epl",
        "isc",
        "cc",
        "by",
        "nc",
        "sa",
        "nd",
        "zero",
        "cc0",
        "unlicense",
        "wtfpl",
        "openrail",
        "rail",
        "community",
        "research",
        "commercial",
        "non",
        "noncommercial",
        "original",
        "version",
        "en",
        "zh",
        "cn",
        "ch",
        "ko",
        "kr",
        "ja",
        "jp",
        "de",
        "fr",
        "es",
        "ru",
        "chinese",
        "english",
        "model",
        "models",
        "weight",
        "weights",
        "code",
        "software",
        "source",
        "data",
        "dataset",
        "datasets",
        "diff",
    ];
    let words: Vec<&str> = lower_name
        .split(['_', '-', '.', ' '])
        .filter(|w| !w.is_empty())
        .filter(|w| !NOT_NAMES.contains(&w.trim_end_matches(|c: char| c.is_ascii_digit())))
        .filter(|w| w.chars().any(|c| c.is_alphabetic()))
        .filter(|w| !(w.starts_with('v') && w[1..].chars().all(|c| c.is_ascii_digit())))
        .collect();
    (!words.is_empty()).then(|| words.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tie_licences_to_components() {
        assert_eq!(
            named_component("license-beta-large").as_deref(),
            Some("beta-large")
        );
        assert_eq!(
            named_component("xyz_license_agreement.txt").as_deref(),
            Some("xyz")
        );
        for name in [
            "license",
            "license.md",
            "license-mit",
            "license-apache2",
            "license-2.0.txt",
            "model_license",
            "mit_license",
            "license_zh.md",
            "cc-by-nc-4.0.txt",
        ] {
            assert_eq!(named_component(name), None, "{name}");
        }
    }

    fn scope(name: &str) -> Option<Option<Part>> {
        match role_by_name(name) {
            Some(FileRole::Licence { scope }) => Some(scope),
            _ => None,
        }
    }

    #[test]
    fn licence_names_and_their_scopes() {
        for name in [
            "license",
            "license.md",
            "licence.txt",
            "copying",
            "copying.lesser",
            "license-apache",
        ] {
            assert_eq!(scope(name), Some(None), "{name}");
        }
        for (name, part) in [
            ("model_license", Part::Weights),
            ("license-model", Part::Weights),
            ("model_license_agreement.txt", Part::Weights),
            ("weight_diff_license", Part::Weights),
            ("weights_license.md", Part::Weights),
            ("license-code", Part::Code),
            ("code_license.txt", Part::Code),
            ("data_license", Part::Data),
            ("license-data.md", Part::Data),
            ("dataset_license.txt", Part::Data),
        ] {
            assert_eq!(scope(name), Some(Some(part)), "{name}");
        }
        assert_eq!(scope("yi license agreement.pdf"), Some(None));
        assert_eq!(
            scope("example model licensing agreement.md"),
            Some(Some(Part::Weights))
        );
        assert_eq!(role_by_name("licensing.md"), None);
        assert_eq!(scope("model_and_code_license"), Some(None));
    }

    #[test]
    fn attributions_and_policies_are_not_licences() {
        for name in [
            "notice",
            "notice.md",
            "third_party_notices.txt",
            "third-party-licenses.md",
            "thirdpartynotices.txt",
            "acknowledgements.md",
        ] {
            assert_eq!(role_by_name(name), Some(FileRole::Attribution), "{name}");
        }
        for name in [
            "use_policy.md",
            "acceptable_use_policy.txt",
            "acceptable-use.md",
        ] {
            assert_eq!(role_by_name(name), Some(FileRole::UsePolicy), "{name}");
        }
        for name in ["readme.md", "licensed_model.bin", "policy.json", "model.py"] {
            assert_eq!(role_by_name(name), None, "{name}");
        }
    }
}
