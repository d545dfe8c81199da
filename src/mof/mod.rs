//! The Model Openness Framework (MOF 1.0) rated the way the Model Openness
//! Tool (MOT, lfai/model_openness_tool, mot.isitopen.ai) rates it: the 17
//! components of `mof.settings.yml`, the MOT's licence rules
//! ([`license_status`]) and its class algorithm ([`evaluate`], a port of
//! `ModelEvaluator.php`), plus reading and writing the MOT's per-model YAML
//! ([`parse_mot_yaml`], [`to_mot_yaml`]).
//!
//! The MOT is the reference, quirks included; `tests/mof_conformance.rs`
//! checks this port against the MOT's own `Test_Data/`. The MOT's data files
//! are MIT-licensed: its licence lists, which the licence engine reads, live
//! under `data/mot/`; its test data and settings under `fixtures/mof/`.

mod from_report;
mod licenses;
mod mot_yaml;

pub use from_report::mot_file;
pub use licenses::{LicenseStatus, license_status};
pub use mot_yaml::{
    ComponentOut, FrameworkInfo, GlobalLicense, GlobalLicenses, LicenseOut, MotComponent, MotError,
    MotFile, MotFileOut, parse_mot_yaml, to_mot_yaml,
};

use serde::Serialize;

pub use crate::license::ContentType;

/// One MOF component as `mof.settings.yml` defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ComponentDef {
    /// The MOT's component id (not 1..=17: ids run from 7 to 24).
    pub id: u32,
    /// The exact name MOT YAML files use.
    pub name: &'static str,
    /// 1, 2 or 3: the most open class that requires or lists it.
    pub class: u8,
    /// Optional components never count towards a class.
    pub required: bool,
    pub content_type: ContentType,
}

const fn def(
    id: u32,
    name: &'static str,
    class: u8,
    required: bool,
    content_type: ContentType,
) -> ComponentDef {
    ComponentDef {
        id,
        name,
        class,
        required,
        content_type,
    }
}

/// The 17 components of MOF 1.0, Class III first, in the order of the MOF
/// specification. A unit test checks them against the embedded
/// `mof.settings.yml`.
const COMPONENTS: [ComponentDef; 17] = {
    use ContentType::{Code, Data, Document};
    [
        def(9, "Model architecture", 3, true, Code),
        def(10, "Model parameters (Final)", 3, true, Data),
        def(12, "Evaluation results", 3, true, Document),
        def(13, "Model card", 3, true, Document),
        def(14, "Data card", 3, true, Document),
        def(11, "Technical report", 3, true, Document),
        def(20, "Sample model outputs", 3, false, Document),
        def(7, "Training code", 2, true, Code),
        def(8, "Inference code", 2, true, Code),
        def(18, "Evaluation code", 2, true, Code),
        def(19, "Evaluation data", 2, true, Data),
        def(22, "Supporting libraries and tools", 2, false, Code),
        def(16, "Data preprocessing code", 1, true, Code),
        def(15, "Datasets", 1, true, Data),
        def(24, "Model parameters (Intermediate)", 1, true, Data),
        def(21, "Research paper", 1, true, Document),
        def(17, "Model metadata", 1, false, Data),
    ]
};

/// `ModelEvaluator::TECHNICAL_REPORT_CID` and `RESEARCH_PAPER_CID`: the
/// report may be omitted when the paper is provided.
pub const TECHNICAL_REPORT: u32 = 11;
pub const RESEARCH_PAPER: u32 = 21;

/// The 17 components of MOF 1.0.
pub fn components() -> &'static [ComponentDef] {
    &COMPONENTS
}

/// The component with this MOT id.
pub fn component(id: u32) -> Option<&'static ComponentDef> {
    COMPONENTS.iter().find(|c| c.id == id)
}

/// The component with this exact name (the MOT matches names exactly).
pub fn component_by_name(name: &str) -> Option<&'static ComponentDef> {
    COMPONENTS.iter().find(|c| c.name == name)
}

/// The MOT's class label (`ModelEvaluator::getClassLabel`).
pub fn class_name(class: Option<u8>) -> &'static str {
    match class {
        Some(1) => "Class I - Open Science Model",
        Some(2) => "Class II - Open Tooling Model",
        Some(3) => "Class III - Open Model",
        _ => "Unclassified",
    }
}

/// One component as evaluated: included (present) flag and its resolved
/// licence (already resolved from component, type-wide and distribution
/// licences, as [`parse_mot_yaml`] does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentInput {
    pub id: u32,
    pub included: bool,
    pub license: Option<String>,
}

/// The MOT's verdict on a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// 1, 2 or 3; `None` is the MOT's "Unclassified".
    pub class: Option<u8>,
    /// Progress towards Class I, II and III in that order, as integer
    /// percents rounded half away from zero (PHP `round`, as the MOT's badges
    /// and `scripts/test-model-files.php` show them).
    pub progress: [u32; 3],
    /// The same progress unrounded, as the MOT API reports it.
    pub progress_exact: [f64; 3],
    /// All 17 components, in [`components`] order.
    pub components: Vec<ComponentResult>,
}

/// A class number's roman label: 1 → "I", 2 → "II", 3 → "III".
pub fn roman(class: u8) -> Option<&'static str> {
    match class {
        1 => Some("I"),
        2 => Some("II"),
        3 => Some("III"),
        _ => None,
    }
}

/// "I", "II" or "III" → 1, 2 or 3.
pub fn class_number(label: &str) -> Option<u8> {
    (1..=3).find(|&n| roman(n) == Some(label))
}

impl Evaluation {
    /// "I", "II" or "III"; `None` when unclassified.
    pub fn class_label(&self) -> Option<&'static str> {
        self.class.and_then(roman)
    }

    /// The MOT's full label, e.g. "Class II - Open Tooling Model".
    pub fn class_name(&self) -> &'static str {
        class_name(self.class)
    }

    /// Progress towards `class` (1, 2 or 3) as an integer percent.
    pub fn progress_of(&self, class: u8) -> Option<u32> {
        let i = usize::from(class).checked_sub(1)?;
        self.progress.get(i).copied()
    }
}

/// One component's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentResult {
    pub id: u32,
    pub name: &'static str,
    pub class: u8,
    pub required: bool,
    pub content_type: ContentType,
    pub included: bool,
    /// The resolved licence the input gave, whether or not included.
    pub license: Option<String>,
    /// The MOT's judgement of `license` for this component's type; for a
    /// component that is not included it is informative only.
    pub license_status: LicenseStatus,
    /// Counts towards the MOT's progress: a required component, included,
    /// under an open licence (type-appropriate or not).
    pub counts: bool,
    /// Why a component does not count, or what the MOT would warn about.
    pub warning: Option<String>,
}

/// Why a required component does not count, by the MOT's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCounted {
    /// Not included (absent, or only referenced when that does not count).
    NotIncluded,
    /// Included without a licence.
    Unlicensed,
    /// Included under a licence the MOT does not count as open.
    LicenseInvalid,
}

impl ComponentResult {
    /// Why the component does not count; `None` when it counts or is
    /// optional (optional components never count).
    pub fn not_counted(&self) -> Option<NotCounted> {
        if self.counts || !self.required {
            return None;
        }
        Some(if !self.included {
            NotCounted::NotIncluded
        } else if self.license_status == LicenseStatus::Unlicensed {
            NotCounted::Unlicensed
        } else {
            NotCounted::LicenseInvalid
        })
    }
}

/// The MOT's evaluator: progress and class from per-component inclusion and
/// licence, with cumulative classes and the technical-report/research-paper
/// substitution, as `ModelEvaluator::evaluate`, `getProgress` and
/// `getClassification` compute them.
///
/// Inputs with an unknown id are ignored; for a repeated id the last input
/// wins, as the MOT keys components by id.
pub fn evaluate(inputs: &[ComponentInput]) -> Evaluation {
    let input_of = |id: u32| inputs.iter().rev().find(|i| i.id == id);

    let mut results: Vec<ComponentResult> = COMPONENTS
        .iter()
        .map(|def| {
            let input = input_of(def.id);
            let included = input.is_some_and(|i| i.included);
            let license = input.and_then(|i| i.license.clone());
            let status = license_status(license.as_deref(), def.content_type);
            ComponentResult {
                id: def.id,
                name: def.name,
                class: def.class,
                required: def.required,
                content_type: def.content_type,
                included,
                license,
                license_status: status,
                counts: def.required && included && status.is_open(),
                warning: None,
            }
        })
        .collect();

    let counts = |id: u32| results.iter().any(|r| r.id == id && r.counts);
    let report_counts = counts(TECHNICAL_REPORT);
    let paper_counts = counts(RESEARCH_PAPER);

    // `evaluateComponents`: for class c, the included (open) components among
    // the required ones of classes 3 down to c.
    let mut included = [0usize; 3];
    for (slot, class) in included.iter_mut().zip(1u8..=3) {
        *slot = results
            .iter()
            .filter(|r| r.counts && r.class >= class)
            .count();
    }
    // `handleTechnicalReportOmission`: when the report is not included and
    // the paper is, the paper is added to classes 2 and 3 (class 1 requires
    // it already). A paper that is present but not open is added to those
    // classes' invalid/unlicensed lists, which progress does not read.
    if !report_counts && paper_counts {
        included[1] += 1;
        included[2] += 1;
    }

    let mut progress_exact = [0.0; 3];
    let mut progress = [0u32; 3];
    let mut class = None;
    for c in (1u8..=3).rev() {
        let (num, den) = progress_fraction(c, &included, report_counts, paper_counts);
        let i = usize::from(c - 1);
        progress_exact[i] = if den == 0 {
            0.0
        } else {
            num as f64 * 100.0 / den as f64
        };
        progress[i] = round_percent(num, den);
        // `getClassification`: the most open class whose progress is exactly
        // 100.0 (compared unrounded).
        if den > 0 && num == den {
            class = Some(c);
        }
    }

    for r in &mut results {
        r.warning = warning(r, report_counts, paper_counts);
    }

    Evaluation {
        class,
        progress,
        progress_exact,
        components: results,
    }
}

/// Required components of class `class` alone.
fn required_in(class: u8) -> usize {
    COMPONENTS
        .iter()
        .filter(|c| c.required && c.class == class)
        .count()
}

/// `ModelEvaluator::getProgress` as a fraction: included over required,
/// cumulatively from Class III, and 0 when a less open class is not complete.
/// For Class I the total drops by one when the paper stands in for the
/// report; the result is capped at 100%.
fn progress_fraction(
    class: u8,
    included: &[usize; 3],
    report_counts: bool,
    paper_counts: bool,
) -> (usize, usize) {
    let mut total = 0;
    let mut inc = 0;
    let mut i = 3u8;
    while i >= class {
        total += required_in(i);
        inc = included[usize::from(i - 1)];
        if inc < total {
            break;
        }
        i -= 1;
    }
    if i > class {
        return (0, total);
    }
    if class == 1 && !report_counts && paper_counts {
        total -= 1;
    }
    (inc.min(total), total)
}

/// `round($x)` of PHP for `num / den * 100`, which rounds halves away from
/// zero; done in integers so 50% stays 50 and no float edge can move it.
fn round_percent(num: usize, den: usize) -> u32 {
    if den == 0 {
        return 0;
    }
    let p = (num * 200 + den) / (2 * den);
    u32::try_from(p.min(100)).unwrap_or(100)
}

fn warning(r: &ComponentResult, report_counts: bool, paper_counts: bool) -> Option<String> {
    let license = r.license.as_deref().unwrap_or("");
    if r.id == TECHNICAL_REPORT && !report_counts && paper_counts {
        return Some(
            "not counted itself, but the Research paper stands in for it (the MOT's \
             technical-report omission rule)"
                .to_owned(),
        );
    }
    if !r.included {
        return None;
    }
    let optional = if r.required {
        ""
    } else {
        " (optional: it never counts towards a class)"
    };
    match r.license_status {
        LicenseStatus::Open => None,
        LicenseStatus::OpenWrongType => Some(format!(
            "{license} is open but not a type-appropriate licence for {} \
             (the MOT counts it with a warning){optional}",
            r.content_type.as_str()
        )),
        LicenseStatus::Unlicensed => Some(format!(
            "included without a licence, so it does not count{optional}"
        )),
        LicenseStatus::Invalid => {
            let mut w = format!(
                "{license:?} is not an open licence id the MOT recognises, so it does not count"
            );
            if let Some(id) = crate::license::open::mot_case_insensitive_match(license) {
                w.push_str(&format!(
                    " (the MOT matches ids exactly: did you mean {id}?)"
                ));
            } else if [" OR ", " AND ", " WITH "]
                .iter()
                .any(|op| license.contains(op))
            {
                w.push_str(" (the MOT does not evaluate SPDX expressions: record one licence id)");
            }
            w.push_str(optional);
            Some(w)
        }
    }
}

/// What the next class needs: for the class after the current one (Class
/// III when unclassified), the required components that do not count, by
/// name, cumulatively from Class III. The technical report is left out when
/// the research paper can stand in for it: whenever the paper counts, and
/// always for Class I, which requires the paper anyway. `(None, [])` at
/// Class I.
pub fn missing_for_next_class(eval: &Evaluation) -> (Option<u8>, Vec<&'static str>) {
    let target = match eval.class {
        Some(1) => return (None, Vec::new()),
        Some(c) => c.saturating_sub(1).max(1),
        None => 3,
    };
    let counts = |id: u32| eval.components.iter().any(|r| r.id == id && r.counts);
    let paper_counts = counts(RESEARCH_PAPER);
    let missing = COMPONENTS
        .iter()
        .filter(|def| def.required && def.class >= target && !counts(def.id))
        .filter(|def| !(def.id == TECHNICAL_REPORT && (paper_counts || target == 1)))
        .map(|def| def.name)
        .collect();
    (Some(target), missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const SETTINGS_YML: &str = include_str!("../../fixtures/mof/data/mof.settings.yml");

    #[derive(Deserialize)]
    struct Settings {
        components: Vec<SettingsComponent>,
    }

    #[derive(Deserialize)]
    struct SettingsComponent {
        id: u32,
        name: String,
        content_type: String,
        class: u8,
        required: bool,
    }

    #[test]
    fn components_match_mof_settings_yml() {
        let settings: Settings = serde_saphyr::from_str(SETTINGS_YML).unwrap();
        assert_eq!(settings.components.len(), 17);
        for s in &settings.components {
            let def = component(s.id).unwrap_or_else(|| panic!("id {} missing", s.id));
            assert_eq!(def.name, s.name);
            assert_eq!(def.class, s.class, "{}", s.name);
            assert_eq!(def.required, s.required, "{}", s.name);
            assert_eq!(def.content_type.as_str(), s.content_type, "{}", s.name);
        }
        assert_eq!([required_in(3), required_in(2), required_in(1)], [6, 4, 4]);
    }

    fn input(id: u32, license: &str) -> ComponentInput {
        ComponentInput {
            id,
            included: true,
            license: Some(license.to_owned()),
        }
    }

    /// A type-appropriate open licence for every component.
    fn open_input(def: &ComponentDef) -> ComponentInput {
        let license = match def.content_type {
            ContentType::Code => "Apache-2.0",
            ContentType::Data => "CDLA-Permissive-2.0",
            ContentType::Document => "CC-BY-4.0",
        };
        input(def.id, license)
    }

    fn all_open_except(skip: &[u32]) -> Vec<ComponentInput> {
        components()
            .iter()
            .filter(|d| !skip.contains(&d.id))
            .map(open_input)
            .collect()
    }

    #[test]
    fn all_seventeen_open_is_class_one() {
        let e = evaluate(&all_open_except(&[]));
        assert_eq!(e.class, Some(1));
        assert_eq!(e.class_label(), Some("I"));
        assert_eq!(e.class_name(), "Class I - Open Science Model");
        assert_eq!(e.progress, [100, 100, 100]);
        assert!(e.components.iter().all(|c| c.warning.is_none()));
        assert_eq!(missing_for_next_class(&e), (None, vec![]));
    }

    #[test]
    fn nothing_is_unclassified() {
        let e = evaluate(&[]);
        assert_eq!(e.class, None);
        assert_eq!(e.class_label(), None);
        assert_eq!(e.progress, [0, 0, 0]);
        let (next, missing) = missing_for_next_class(&e);
        assert_eq!(next, Some(3));
        assert_eq!(
            missing,
            [
                "Model architecture",
                "Model parameters (Final)",
                "Evaluation results",
                "Model card",
                "Data card",
                "Technical report"
            ]
        );
    }

    #[test]
    fn only_class_three_components_is_class_three() {
        let inputs: Vec<_> = components()
            .iter()
            .filter(|d| d.class == 3)
            .map(open_input)
            .collect();
        let e = evaluate(&inputs);
        assert_eq!(e.class, Some(3));
        // Class II: 6 of 10; Class I is zeroed because Class II is not met.
        assert_eq!(e.progress, [0, 60, 100]);
        let (next, missing) = missing_for_next_class(&e);
        assert_eq!(next, Some(2));
        assert_eq!(
            missing,
            [
                "Training code",
                "Inference code",
                "Evaluation code",
                "Evaluation data"
            ]
        );
    }

    #[test]
    fn research_paper_stands_in_for_the_technical_report() {
        let e = evaluate(&all_open_except(&[TECHNICAL_REPORT]));
        assert_eq!(e.class, Some(1));
        // Class I total drops from 14 to 13, with 13 included.
        assert_eq!(e.progress, [100, 100, 100]);
        let report = e.components.iter().find(|c| c.id == TECHNICAL_REPORT);
        let report = report.unwrap();
        assert!(!report.counts);
        assert!(report.warning.as_deref().unwrap().contains("stands in"));

        // Only Class III components, the paper replacing the report.
        let mut inputs: Vec<_> = components()
            .iter()
            .filter(|d| d.class == 3 && d.id != TECHNICAL_REPORT)
            .map(open_input)
            .collect();
        inputs.push(input(RESEARCH_PAPER, "CC-BY-4.0"));
        let e = evaluate(&inputs);
        assert_eq!(e.class, Some(3));
        assert_eq!(e.progress, [0, 60, 100]);
        assert_eq!(e.progress_exact[1], 60.0);
        assert!(!missing_for_next_class(&e).1.contains(&"Technical report"));
    }

    #[test]
    fn a_paper_that_is_not_open_does_not_stand_in() {
        let mut inputs = all_open_except(&[TECHNICAL_REPORT, RESEARCH_PAPER]);
        inputs.push(input(RESEARCH_PAPER, "Some paper licence"));
        let e = evaluate(&inputs);
        assert_eq!(e.class, None);
        // Class III: 5 of 6.
        assert_eq!(e.progress, [0, 0, 83]);
        let (next, missing) = missing_for_next_class(&e);
        assert_eq!((next, missing), (Some(3), vec!["Technical report"]));
    }

    #[test]
    fn both_report_and_paper_cap_at_one_hundred() {
        let e = evaluate(&all_open_except(&[]));
        assert_eq!(e.progress_exact, [100.0, 100.0, 100.0]);
    }

    #[test]
    fn class_one_without_report_or_paper_needs_only_the_paper() {
        let e = evaluate(&all_open_except(&[TECHNICAL_REPORT, RESEARCH_PAPER]));
        // Class III lacks the report, so nothing is classified.
        assert_eq!(e.class, None);
        let inputs = all_open_except(&[RESEARCH_PAPER]);
        let e = evaluate(&inputs);
        assert_eq!(e.class, Some(2));
        // 13 of 14.
        assert_eq!(e.progress, [93, 100, 100]);
        assert_eq!(
            missing_for_next_class(&e),
            (Some(1), vec!["Research paper"])
        );
    }

    #[test]
    fn open_wrong_type_counts_with_a_warning() {
        let mut inputs = all_open_except(&[10]);
        inputs.push(input(10, "Apache-2.0"));
        let e = evaluate(&inputs);
        assert_eq!(e.class, Some(1));
        let weights = e.components.iter().find(|c| c.id == 10).unwrap();
        assert_eq!(weights.license_status, LicenseStatus::OpenWrongType);
        assert!(weights.counts);
        assert!(
            weights
                .warning
                .as_deref()
                .unwrap()
                .contains("type-appropriate")
        );
    }

    #[test]
    fn invalid_and_unlicensed_do_not_count() {
        let mut inputs = all_open_except(&[10, 9]);
        inputs.push(input(10, "llama3.1"));
        inputs.push(ComponentInput {
            id: 9,
            included: true,
            license: None,
        });
        let e = evaluate(&inputs);
        assert_eq!(e.class, None);
        assert_eq!(e.progress, [0, 0, 67]);
        let (_, missing) = missing_for_next_class(&e);
        assert_eq!(missing, ["Model architecture", "Model parameters (Final)"]);
        let arch = e.components.iter().find(|c| c.id == 9).unwrap();
        assert_eq!(arch.license_status, LicenseStatus::Unlicensed);
        assert!(arch.warning.is_some());
    }

    #[test]
    fn optional_components_never_count() {
        let inputs: Vec<_> = components()
            .iter()
            .filter(|d| !d.required)
            .map(open_input)
            .collect();
        let e = evaluate(&inputs);
        assert_eq!(e.progress, [0, 0, 0]);
        assert!(e.components.iter().all(|c| !c.counts));
    }

    #[test]
    fn not_included_components_do_not_count_even_with_a_licence() {
        let inputs: Vec<_> = all_open_except(&[])
            .into_iter()
            .map(|mut i| {
                i.included = i.id != 13;
                i
            })
            .collect();
        let e = evaluate(&inputs);
        assert_eq!(e.class, None);
        assert_eq!(e.progress, [0, 0, 83]);
    }

    #[test]
    fn unknown_ids_are_ignored_and_the_last_repeat_wins() {
        let mut inputs = all_open_except(&[]);
        inputs.push(input(99, "MIT"));
        inputs.push(input(9, "not a licence"));
        let e = evaluate(&inputs);
        assert_eq!(e.components.len(), 17);
        assert_eq!(e.class, None);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_percent(1, 6), 17);
        assert_eq!(round_percent(1, 8), 13); // 12.5
        assert_eq!(round_percent(10, 13), 77);
        assert_eq!(round_percent(5, 7), 71);
        assert_eq!(round_percent(3, 2), 100);
        assert_eq!(round_percent(0, 0), 0);
    }

    #[test]
    fn invalid_licence_warnings_give_hints() {
        let e = evaluate(&[input(9, "apache-2.0"), input(7, "MIT OR Apache-2.0")]);
        let w = |id| {
            e.components
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.warning.clone())
                .unwrap()
        };
        assert!(w(9).contains("did you mean Apache-2.0?"), "{}", w(9));
        assert!(w(7).contains("SPDX expressions"), "{}", w(7));
    }

    #[test]
    fn not_counted_says_why() {
        let mut inputs = all_open_except(&[9, 10, 13, 20]);
        // Model parameters (Final) there without a licence, the model card
        // under a licence that is not open; the architecture absent.
        inputs.push(ComponentInput {
            id: 10,
            included: true,
            license: None,
        });
        inputs.push(input(13, "LicenseRef-Llama-2"));
        inputs.push(input(20, "LicenseRef-Llama-2"));
        let e = evaluate(&inputs);
        let why = |id: u32| {
            e.components
                .iter()
                .find(|c| c.id == id)
                .and_then(ComponentResult::not_counted)
        };
        assert_eq!(why(9), Some(NotCounted::NotIncluded));
        assert_eq!(why(10), Some(NotCounted::Unlicensed));
        assert_eq!(why(13), Some(NotCounted::LicenseInvalid));
        // Counted, or optional (never counts): no reason.
        assert_eq!(why(12), None);
        assert_eq!(why(20), None);
    }
}
