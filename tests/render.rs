//! The Markdown, SARIF and badge renderers on real scans of the fixtures:
//! snapshots of their output, the SARIF log validated against the official
//! schema, hostile file names that must not break the Markdown, and the
//! badges' colours and well-formedness.
//!
//! `tests/data/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema
//! (`$id` https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json),
//! taken from the `serde-sarif` 0.8.0 crate on crates.io (`src/schema.json`,
//! MIT), which ships it reformatted but otherwise as published; its start and
//! end were compared by eye with oasis-tcs/sarif-spec
//! `Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json`.

mod support;

use openness::render::badge::{self, BadgeKind};
use openness::render::{markdown, sarif};
use openness::report::Report;
use serde_json::Value;
use support::{assert_snapshot, assert_text_snapshot, fixtures_dir, sarif_validator};

fn scan(name: &str) -> Report {
    openness::scan(
        &fixtures_dir().join(name),
        &format!("fixtures/{name}"),
        &openness::ScanOptions::default(),
    )
    .unwrap_or_else(|e| panic!("scan of {name} failed: {e}"))
}

fn markdown_of(reports: &[Report]) -> String {
    let mut out = Vec::new();
    markdown::render(&mut out, reports).unwrap();
    String::from_utf8(out).unwrap()
}

fn sarif_of(reports: &[Report]) -> Value {
    let mut out = Vec::new();
    sarif::render(&mut out, reports).unwrap();
    serde_json::from_slice(&out).expect("the SARIF renderer writes JSON")
}

// Each snapshot name is a literal at its call: `tests/snapshot_files.rs`
// reads them there to find snapshots that no test asserts.

#[test]
fn markdown_snapshots() {
    let md = |name| markdown_of(&[scan(name)]);
    assert_text_snapshot(
        "render-datasheet-no-datasets.md",
        &md("datasheet-no-datasets"),
    );
    assert_text_snapshot("render-corrupt.md", &md("corrupt"));
    assert_text_snapshot("render-card-only.md", &md("card-only"));
}

#[test]
fn sarif_snapshots() {
    // `assert_snapshot` appends `.json`: render-<name>.sarif.json.
    let log = |name| sarif_of(&[scan(name)]);
    assert_snapshot(
        "render-datasheet-no-datasets.sarif",
        &log("datasheet-no-datasets"),
    );
    assert_snapshot("render-corrupt.sarif", &log("corrupt"));
    assert_snapshot("render-card-only.sarif", &log("card-only"));
}

#[test]
fn markdown_gives_each_report_a_section() {
    let md = markdown_of(&[scan("datasheet-no-datasets"), scan("corrupt")]);
    assert_eq!(md.matches("\n## openness: ").count() + 1, 2, "{md}");
    assert!(md.contains("\n---\n"));
}

fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: invalid SARIF:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    let names = ["corrupt", "lfs-pointers", "remote-code", "hf-complete"];
    let reports: Vec<Report> = names.iter().map(|n| scan(n)).collect();
    for (name, report) in names.iter().zip(&reports) {
        let log = sarif_of(std::slice::from_ref(report));
        assert_valid_sarif(&validator, &log, name);

        // Each result names its rule twice (id and index): they must agree,
        // and every finding becomes exactly one result.
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), report.findings.len(), "{name}");
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"], "{name}");
        }
        let base = run["originalUriBaseIds"]["RELEASE_ROOT"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(base, format!("fixtures/{name}/"));
    }
    // Several reports: one run each, still valid.
    let log = sarif_of(&reports);
    assert_eq!(log["runs"].as_array().unwrap().len(), names.len());
    assert_valid_sarif(&validator, &log, "all four");
}

#[test]
fn the_schema_check_rejects_a_broken_log() {
    // Guards the guard: a validator that accepted anything would make the
    // test above pass for nothing.
    let validator = sarif_validator();
    let mut log = sarif_of(&[scan("corrupt")]);
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
    let mut log = sarif_of(&[scan("corrupt")]);
    let located = log["runs"][0]["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r.get("locations").is_some())
        .expect("corrupt has findings about files");
    located["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b\\c".into();
    assert!(!validator.is_valid(&log));
}

/// A release whose folder and file names carry Markdown and HTML syntax, a
/// newline included: what a hostile upload can name its files.
fn hostile_release() -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("rel|ease `x` <b>");
    std::fs::create_dir(&root).unwrap();
    for name in [
        "evil|name`<script>alert(1)<img src=x>.safetensors",
        "two\nlines|x.safetensors",
        "weights @someone [link](x) *b*.bin",
    ] {
        // Not valid weights: each file yields a finding that names it.
        std::fs::write(
            root.join(name),
            b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}",
        )
        .unwrap();
    }
    let report = openness::scan(&root, "rel|ease `x` <b>", &Default::default()).unwrap();
    (dir, report)
}

/// Occurrences of `ch` not escaped by a backslash (an even run of
/// backslashes before it escapes only themselves).
fn unescaped(line: &str, ch: char) -> usize {
    let mut count = 0;
    let mut backslashes = 0;
    for c in line.chars() {
        if c == ch && backslashes % 2 == 0 {
            count += 1;
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    count
}

#[test]
fn hostile_file_names_cannot_break_the_markdown() {
    let (_dir, report) = hostile_release();
    let with_path = report.findings.iter().filter(|f| f.path.is_some()).count();
    assert!(
        with_path >= 3,
        "expected a finding per file: {:?}",
        report.findings
    );
    let md = markdown_of(&[report]);

    assert!(
        !md.contains("<script") && !md.contains("<img") && !md.contains("<b>"),
        "{md}"
    );
    for tag in md.match_indices('<').map(|(i, _)| &md[i..]) {
        assert!(
            ["<br>", "<sub>", "</sub>"]
                .iter()
                .any(|t| tag.starts_with(t)),
            "raw HTML in the Markdown: {}",
            &tag[..tag.len().min(20)]
        );
    }
    assert!(
        !md.contains("[link](x)") && md.contains("\\[link\\](x)"),
        "a link survived: {md}"
    );
    assert!(!md.contains("@someone"), "a mention survived: {md}");

    // Every table row has exactly the header's cells, and the findings
    // table's only code spans are the codes.
    let mut rows = 0;
    let mut in_findings = false;
    for line in md.lines() {
        if line.starts_with("### ") {
            in_findings = line == "### Findings";
        }
        if !line.starts_with('|') {
            continue;
        }
        rows += 1;
        assert_eq!(unescaped(line, '|'), 5, "a row with extra cells: {line}");
        if in_findings && !line.starts_with("| severity") && !line.starts_with("| ---") {
            assert_eq!(unescaped(line, '`'), 2, "stray code span: {line}");
        }
    }
    // Header and rule of both tables, 3 components, the findings.
    assert!(rows >= 2 + 3 + 2 + with_path, "{md}");
}

#[test]
fn hostile_file_names_stay_valid_sarif() {
    let (_dir, report) = hostile_release();
    let log = sarif_of(std::slice::from_ref(&report));
    assert_valid_sarif(&sarif_validator(), &log, "hostile names");
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.contains(&"evil%7Cname%60%3Cscript%3Ealert%281%29%3Cimg%20src%3Dx%3E.safetensors"),
        "{uris:?}"
    );
    assert!(uris.contains(&"two%0Alines%7Cx.safetensors"), "{uris:?}");
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["RELEASE_ROOT"]["uri"],
        "rel%7Cease%20%60x%60%20%3Cb%3E/"
    );
}

/// Checks that every tag opened is closed in order (self-closing tags
/// aside) and returns the text between tags.
fn balanced_text(svg: &str) -> String {
    let mut stack: Vec<&str> = Vec::new();
    let mut text = String::new();
    let mut rest = svg.trim_end();
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let end = rest[start..].find('>').expect("unterminated tag") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap());
        }
        rest = &rest[end + 1..];
        if stack.is_empty() {
            assert!(rest.is_empty(), "content after the root element: {rest}");
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
    assert!(rest.is_empty());
    text
}

/// The fill colours of the badge's segment rectangles, left to right.
fn segment_fills(svg: &str) -> Vec<&str> {
    svg.split("<rect x=\"")
        .skip(1)
        .map(|r| {
            let fill = &r[r.find("fill=\"").unwrap() + 6..];
            &fill[..fill.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn components_badge_colours_each_word_by_status() {
    // corrupt: weights incomplete, code referenced, data absent.
    let report = scan("corrupt");
    let svg = badge::svg(&report, BadgeKind::Components);
    assert_eq!(
        segment_fills(&svg),
        ["#555", badge::YELLOW, badge::BLUE, badge::RED]
    );
    balanced_text(&svg);
    for word in ["openness", "weights", "code", "data"] {
        assert!(
            svg.contains(&format!(">{word}</text>")),
            "{word} missing: {svg}"
        );
    }
    assert!(
        svg.contains("<title>openness: weights incomplete, code referenced, data absent</title>")
    );

    let svg = badge::svg(&scan("datasheet-no-datasets"), BadgeKind::Components);
    assert_eq!(
        segment_fills(&svg),
        [
            "#555",
            badge::BRIGHT_GREEN,
            badge::BRIGHT_GREEN,
            badge::BRIGHT_GREEN
        ]
    );
    balanced_text(&svg);
    assert_text_snapshot("render-datasheet-no-datasets-components.svg", &svg);
}

#[test]
fn mof_badge_colours_by_class() {
    let report = scan("datasheet-no-datasets");
    assert_eq!(report.frameworks.mof.class.as_deref(), Some("II"));
    let svg = badge::svg(&report, BadgeKind::Mof);
    assert_eq!(segment_fills(&svg), ["#555", badge::GREEN]);
    balanced_text(&svg);
    assert!(
        svg.contains(">MOF</text>") && svg.contains(">Class II</text>"),
        "{svg}"
    );
    assert!(svg.contains("<title>MOF: Class II - Open Tooling Model</title>"));
    assert_text_snapshot("render-datasheet-no-datasets-mof.svg", &svg);

    let svg = badge::svg(&scan("corrupt"), BadgeKind::Mof);
    assert_eq!(segment_fills(&svg), ["#555", badge::LIGHT_GREY]);
    balanced_text(&svg);
    assert!(svg.contains(">unclassified</text>"), "{svg}");
}

#[test]
fn badges_are_deterministic() {
    let report = scan("hf-complete");
    for kind in [BadgeKind::Components, BadgeKind::Mof] {
        assert_eq!(badge::svg(&report, kind), badge::svg(&report, kind));
    }
}

/// LFS pointers in place of the weights: the table and the Markdown both say
/// how many, the size they declare, and that nothing was fetched (the
/// weights line's "0 B" is the bytes on disk).
#[test]
fn lfs_pointers_get_a_summary_line() {
    let report = scan("lfs-pointers");
    let line = "2 LFS pointers, 4.4 GB declared, not fetched";
    let md = markdown_of(std::slice::from_ref(&report));
    assert!(md.contains(&format!("**LFS:** {line}")), "{md}");
    let mut table = Vec::new();
    openness::render::table::render(&mut table, std::slice::from_ref(&report), false).unwrap();
    let table = String::from_utf8(table).unwrap();
    assert!(table.lines().any(|l| l == line), "{table}");
}

/// A torch.save-style zip whose `data.pkl` declares two tensors, one F32 and
/// one F16, each of shape [2^62, 8]: each product saturates at u64::MAX, and
/// summing the per-dtype counts for display overflows. Written by hand, one
/// opcode at a time, like the hostile fixtures.
fn overflowing_checkpoint() -> Vec<u8> {
    fn text(out: &mut Vec<u8>, s: &str) {
        out.push(b'X');
        out.extend((s.len() as u32).to_le_bytes());
        out.extend(s.as_bytes());
    }
    let mut pkl = b"\x80\x02}(".to_vec();
    for (name, storage, key) in [("a", "FloatStorage", "0"), ("b", "HalfStorage", "1")] {
        text(&mut pkl, name);
        pkl.extend(b"ctorch._utils\n_rebuild_tensor_v2\n((");
        text(&mut pkl, "storage");
        pkl.extend(format!("ctorch\n{storage}\n").as_bytes());
        text(&mut pkl, key);
        text(&mut pkl, "cpu");
        pkl.extend(b"J\x01\x00\x00\x00tQJ\x00\x00\x00\x00(");
        for dim in [1u64 << 62, 8] {
            pkl.extend(b"\x8a\x08");
            pkl.extend(dim.to_le_bytes());
        }
        pkl.extend(b"t(J\x01\x00\x00\x00J\x01\x00\x00\x00t\x89ccollections\nOrderedDict\n)RtR");
    }
    pkl.extend(b"u.");
    support::generator::stored_zip(&[
        ("archive/data.pkl", &pkl),
        ("archive/data/0", &[0u8; 4]),
        ("archive/data/1", &[0u8; 2]),
        ("archive/version", b"3\n"),
    ])
}

#[test]
fn parameter_counts_that_overflow_render_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pytorch_model.bin"),
        overflowing_checkpoint(),
    )
    .unwrap();
    let report =
        openness::scan(dir.path(), "overflow", &openness::ScanOptions::default()).expect("scan");
    let w = &report.components.weights;
    assert_eq!(w.parameters, Some(u64::MAX), "{w:?}");
    assert_eq!(w.dtypes.get("F32"), Some(&u64::MAX), "{w:?}");
    assert_eq!(w.dtypes.get("F16"), Some(&u64::MAX), "{w:?}");
    let reports = [report];
    let mut table = Vec::new();
    openness::render::table::render(&mut table, &reports, false).unwrap();
    let table = String::from_utf8(table).unwrap();
    assert!(table.contains("F16 50% F32 50%"), "{table}");
    let mut json = Vec::new();
    openness::render::json::render(&mut json, &reports).unwrap();
    let json: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["components"]["weights"]["parameters"], u64::MAX);
    let md = markdown_of(&reports);
    assert!(md.contains("parameters"), "{md}");
    let log = sarif_of(&reports);
    assert_eq!(log["version"], "2.1.0");
    let mut ndjson = Vec::new();
    openness::render::json::render_ndjson(&mut ndjson, &reports).unwrap();
    assert_eq!(ndjson.iter().filter(|&&b| b == b'\n').count(), 1);
    let mut summary = Vec::new();
    openness::render::summary::render(&mut summary, &[("overflow".to_owned(), &reports[0])], false)
        .unwrap();
    assert!(!summary.is_empty());
    for kind in [BadgeKind::Components, BadgeKind::Mof] {
        assert!(badge::svg(&reports[0], kind).starts_with("<svg"));
    }
}
