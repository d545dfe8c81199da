//! End to end: every fixture release under `fixtures/` is scanned through the
//! library; its statuses, counts and findings are asserted, and the whole
//! JSON report is compared with its snapshot in `tests/snapshots/`.

mod support;

use serde_json::Value;
use support::{assert_snapshot, codes, findings, fixtures_dir, scan_fixture, status};

fn scan(name: &str) -> Value {
    let report = scan_fixture(name);
    assert_snapshot(name, &report);
    report
}

/// Findings about particular files (release-wide ones, path null, left out).
fn file_findings(report: &Value) -> Vec<(String, Option<String>)> {
    findings(report)
        .into_iter()
        .filter(|(_, p)| p.is_some())
        .collect()
}

fn statuses(report: &Value) -> [String; 3] {
    [
        status(report, "code"),
        status(report, "weights"),
        status(report, "data"),
    ]
}

fn item_kinds(report: &Value, component: &str) -> Vec<String> {
    let mut kinds: Vec<String> = report["components"][component]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

#[test]
fn fixtures_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    support::generator::generate(tmp.path()).unwrap();
    let mut generated = Vec::new();
    list(tmp.path(), tmp.path(), &mut generated);
    let mut checked_in = Vec::new();
    list(&fixtures_dir(), &fixtures_dir(), &mut checked_in);
    // Interop files come from the Python writers (`benign-pickles/` too,
    // tests/benign.rs), `mof/` is the MOT's own test data, `hostile/` has
    // its own generator (tests/hostile.rs checks it): none is this
    // generator's.
    checked_in.retain(|(p, _)| {
        !p.starts_with("interop-")
            && !p.starts_with("benign-pickles/")
            && !p.starts_with("mof/")
            && !p.starts_with("hostile/")
    });
    assert_eq!(
        generated, checked_in,
        "fixtures/ is stale: run `cargo run --example gen-fixtures`"
    );
}

/// (relative path, content or link target) for every file and link below `dir`.
fn list(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).unwrap();
            out.push((rel, format!("-> {}", target.display()).into_bytes()));
        } else if meta.is_dir() {
            list(root, &path, out);
        } else {
            out.push((rel, std::fs::read(&path).unwrap()));
        }
    }
}

#[test]
fn hf_complete_ships_everything_under_an_open_licence() {
    let r = scan("hf-complete");
    assert_eq!(statuses(&r), ["shipped", "shipped", "shipped"]);
    assert_eq!(
        item_kinds(&r, "code"),
        [
            "architecture",
            "data-processing",
            "evaluation",
            "inference",
            "other",
            "training"
        ]
    );
    let w = &r["components"]["weights"];
    assert_eq!(w["formats"], serde_json::json!(["safetensors"]));
    assert_eq!(w["files"], 1);
    assert_eq!(w["tensors"], 3 + 2 * 9);
    // 2×(32×8) + 8 + 2×(4×64 + 3×128 + 2×8)
    assert_eq!(w["parameters"], 512 + 8 + 2 * (256 + 384 + 16));
    assert_eq!(w["dtypes"]["BF16"], w["parameters"]);
    assert_eq!(r["license"]["declared"], "apache-2.0");
    assert_eq!(r["license"]["spdx"], "Apache-2.0");
    assert_eq!(r["license"]["open"], true);
    assert_eq!(r["license"]["files"][0]["path"], "LICENSE");
    assert_eq!(r["license"]["files"][0]["spdx"], "Apache-2.0");
    assert_eq!(
        r["components"]["data"]["datasets"],
        serde_json::json!(["openness-fixtures/tiny-corpus"])
    );
    assert_eq!(
        item_kinds(&r, "data"),
        ["dataset", "dataset-card", "training-data"]
    );
    assert_eq!(
        r["release"]["architectures"],
        serde_json::json!(["LlamaForCausalLM"])
    );
    assert_eq!(r["release"]["model_type"], "llama");
    assert_eq!(r["release"]["library"], "transformers");
    assert_eq!(r["release"]["pipeline_tag"], "text-generation");
    assert!(codes(&r) == ["license-wrong-type"], "{:#}", r["findings"]);
    let kinds: Vec<(&str, &str)> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("tokenizer.json", "tokenizer")));
    assert!(kinds.contains(&("config.json", "config")));
    assert!(kinds.contains(&("data/DATASHEET.md", "data")));
    assert!(kinds.contains(&("train.py", "code")));
}

#[test]
fn sharded_release_sums_its_shards() {
    let r = scan("sharded");
    assert_eq!(statuses(&r), ["referenced", "shipped", "referenced"]);
    let w = &r["components"]["weights"];
    assert_eq!(w["files"], 2);
    assert_eq!(w["tensors"], 3 + 4 * 9);
    assert_eq!(w["parameters"], 2 * 64 * 8 + 8 + 4 * (256 + 384 + 16));
    assert_eq!(
        r["components"]["data"]["datasets"],
        serde_json::json!(["HuggingFaceFW/fineweb"])
    );
    assert_eq!(r["license"]["spdx"], "MIT");
    assert!(codes(&r) == ["license-wrong-type"], "{:#}", r["findings"]);
}

#[test]
fn missing_shard_makes_weights_incomplete() {
    let r = scan("missing-shard");
    assert_eq!(status(&r, "weights"), "incomplete");
    assert_eq!(
        file_findings(&r),
        [(
            "missing-shard".to_owned(),
            Some("model-00002-of-00003.safetensors".to_owned())
        )]
    );
    assert_eq!(r["components"]["weights"]["files"], 2);
}

#[test]
fn index_mismatch_is_reported() {
    let r = scan("index-mismatch");
    assert_eq!(status(&r, "weights"), "incomplete");
    let f = file_findings(&r);
    assert!(f.iter().all(|(c, _)| c == "index-mismatch"), "{f:?}");
    let messages: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("total_size")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("model.embed_tokens.weight")),
        "{messages:?}"
    );
    assert!(
        f.iter()
            .any(|(_, p)| p.as_deref() == Some("model-00003-of-00003.safetensors")),
        "{f:?}"
    );
}

#[test]
fn lfs_pointers_only_reference_the_weights() {
    let r = scan("lfs-pointers");
    assert_eq!(status(&r, "weights"), "referenced");
    assert_eq!(
        file_findings(&r),
        [
            (
                "lfs-pointer".to_owned(),
                Some("model.safetensors".to_owned())
            ),
            (
                "lfs-pointer".to_owned(),
                Some("pytorch_model.bin".to_owned())
            ),
        ]
    );
    let files = r["files"].as_array().unwrap();
    let st = files
        .iter()
        .find(|f| f["path"] == "model.safetensors")
        .unwrap();
    assert_eq!(st["lfs_pointer"], true);
    assert_eq!(st["format"], "safetensors");
    assert_eq!(st["lfs"]["size"], 2_200_000_000u64);
    assert_eq!(
        st["lfs"]["oid"],
        "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c"
    );
    assert_eq!(r["components"]["weights"]["parameters"], Value::Null);
}

#[test]
fn remote_code_missing_module_and_cross_repo_reference() {
    let r = scan("remote-code");
    assert_eq!(status(&r, "code"), "incomplete");
    assert_eq!(
        file_findings(&r),
        [
            (
                "missing-code-file".to_owned(),
                Some("config.json".to_owned())
            ),
            ("remote-code".to_owned(), Some("config.json".to_owned())),
            (
                "remote-code".to_owned(),
                Some("tokenizer_config.json".to_owned())
            ),
        ]
    );
    let items = r["components"]["code"]["items"].as_array().unwrap();
    let shipped = items
        .iter()
        .find(|i| i["path"] == "configuration_tiny.py")
        .unwrap();
    assert_eq!(shipped["kind"], "architecture");
    assert!(items.iter().any(|i| {
        i["detail"]
            .as_str()
            .unwrap()
            .contains("openness-fixtures/tokenizers")
    }));
}

#[test]
fn adapter_ships_weights_and_names_its_base() {
    let r = scan("adapter");
    // The base model's architecture and PEFT are code the adapter points to.
    assert_eq!(statuses(&r), ["referenced", "shipped", "absent"]);
    let w = &r["components"]["weights"];
    assert_eq!(w["tensors"], 8);
    assert_eq!(w["parameters"], 8 * 32);
    assert_eq!(
        r["release"]["base_models"],
        serde_json::json!(["meta-llama/Llama-3.1-8B"])
    );
    assert_eq!(r["release"]["library"], "peft");
    assert_eq!(r["license"]["open"], false);
    assert_eq!(codes(&r), ["license-not-open"]);
    assert!(item_kinds(&r, "weights").contains(&"adapter".to_owned()));
}

#[test]
fn diffusers_parts_are_one_release() {
    let r = scan("diffusers");
    assert_eq!(statuses(&r), ["referenced", "shipped", "absent"]);
    let w = &r["components"]["weights"];
    assert_eq!(w["files"], 4);
    // unet (fp32 copy only, not its fp16 variant) + vae + text encoder
    assert_eq!(w["parameters"], 2 * 288 + 288 + 256);
    assert_eq!(w["dtypes"], serde_json::json!({"F32": 2 * 288 + 288 + 256}));
    assert_eq!(r["release"]["library"], "diffusers");
    assert_eq!(
        r["release"]["architectures"],
        serde_json::json!(["StableDiffusionPipeline"])
    );
}

#[test]
fn dataset_only_release() {
    let r = scan("dataset-only");
    assert_eq!(statuses(&r), ["absent", "absent", "shipped"]);
    assert_eq!(r["license"]["spdx"], "CC-BY-4.0");
    assert_eq!(r["license"]["open"], true);
    assert_eq!(r["components"]["data"]["license"], "CC-BY-4.0");
    // `source_datasets: [original]` names no dataset; the validation split
    // is evaluation data.
    assert_eq!(
        item_kinds(&r, "data"),
        ["dataset-card", "evaluation-data", "training-data"]
    );
    assert!(codes(&r) == ["license-wrong-type"], "{:#}", r["findings"]);
}

#[test]
fn card_only_release_points_everywhere() {
    let r = scan("card-only");
    assert_eq!(statuses(&r), ["referenced", "referenced", "referenced"]);
    assert_eq!(
        r["components"]["data"]["datasets"],
        serde_json::json!(["HuggingFaceFW/fineweb", "allenai/c4"])
    );
    assert_eq!(r["license"]["open"], false);
    assert_eq!(codes(&r), ["license-not-open"]);
}

#[test]
fn corrupt_files_are_findings_and_the_scan_goes_on() {
    let r = scan("corrupt");
    let f = findings(&r);
    let has = |code: &str, path: &str| f.contains(&(code.to_owned(), Some(path.to_owned())));
    assert!(has("corrupt-header", "bad-json.safetensors"), "{f:?}");
    assert!(has("truncated-file", "truncated.safetensors"), "{f:?}");
    assert!(has("corrupt-header", "trailing.safetensors"), "{f:?}");
    assert!(has("corrupt-header", "duplicate.safetensors"), "{f:?}");
    assert!(has("corrupt-header", "huge-header.safetensors"), "{f:?}");
    assert!(has("pickle-weights", "pytorch_model.bin"), "{f:?}");
    assert!(has("card-invalid", "README.md"), "{f:?}");
    assert!(has("config-invalid", "generation_config.json"), "{f:?}");
    let mismatches = f.iter().filter(|(c, _)| c == "config-mismatch").count();
    assert_eq!(mismatches, 3, "dtype, layers and vocabulary: {f:?}");
    assert_eq!(status(&r, "weights"), "incomplete");
    // The intact file is still counted.
    assert_eq!(r["components"]["weights"]["parameters"], 128 + 64);
}

#[test]
fn pytorch_index_names_pickle_shards() {
    let r = scan("pytorch-sharded");
    assert_eq!(status(&r, "weights"), "shipped");
    assert_eq!(
        file_findings(&r),
        [
            (
                "pickle-weights".to_owned(),
                Some("pytorch_model-00001-of-00002.bin".to_owned())
            ),
            (
                "pickle-weights".to_owned(),
                Some("pytorch_model-00002-of-00002.bin".to_owned())
            ),
        ]
    );
    assert_eq!(
        r["components"]["weights"]["formats"],
        serde_json::json!(["pickle"])
    );
    assert!(item_kinds(&r, "weights").contains(&"shard-index".to_owned()));
}

#[test]
fn declared_digests_are_verified_with_hash() {
    let r = support::scan_fixture_hashed("signed");
    assert_snapshot("signed-hashed", &r);
    let integrity = |path: &str| {
        r["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap()["integrity"]
            .clone()
    };
    assert_eq!(integrity("README.md")["status"], "verified");
    assert_eq!(integrity("README.md")["source"], "model-signing");
    assert_eq!(integrity("config.json")["status"], "mismatched");
    // The download record names the weights; a later source would not
    // override it silently: both agree here.
    assert_eq!(integrity("model.safetensors")["status"], "verified");
    assert_eq!(
        file_findings(&r),
        [("digest-mismatch".to_owned(), Some("config.json".to_owned()))]
    );
    // Without --hash nothing is checked, and nothing is claimed.
    let plain = scan("signed");
    assert_eq!(
        plain["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "config.json")
            .unwrap()["integrity"]["status"],
        "not-checked"
    );
    assert!(file_findings(&plain).is_empty());
    // Cache blobs named by their SHA-256 verify too.
    let rev = "0123456789abcdef0123456789abcdef01234567";
    let cache = support::scan_fixture_hashed(&format!(
        "hf-cache/models--openness-fixtures--tiny/snapshots/{rev}"
    ));
    let model = cache["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "model.safetensors")
        .unwrap();
    assert_eq!(model["integrity"]["source"], "hf-cache-blob");
    assert_eq!(model["integrity"]["status"], "verified");
}

fn mof_class(r: &Value) -> (Value, Vec<u64>) {
    let m = &r["frameworks"]["mof"];
    let progress = ["I", "II", "III"]
        .iter()
        .map(|k| m["progress"][k].as_u64().unwrap())
        .collect();
    (m["class"].clone(), progress)
}

fn next_missing(r: &Value) -> Vec<String> {
    r["frameworks"]["mof"]["next_class"]["missing"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn fully_open_release_reaches_class_i_and_osaid() {
    let r = scan("fully-open");
    assert_eq!(mof_class(&r), (serde_json::json!("I"), vec![100, 100, 100]));
    assert_eq!(r["frameworks"]["mof"]["mode"], "shipped-only");
    assert_eq!(r["frameworks"]["mof"]["next_class"], Value::Null);
    let components = r["frameworks"]["mof"]["components"].as_array().unwrap();
    assert_eq!(components.len(), 17);
    let datasets = components.iter().find(|c| c["id"] == 15).unwrap();
    assert_eq!(datasets["name"], "Datasets");
    assert_eq!(datasets["status"], "shipped");
    // data/LICENSE covers what lives in data/.
    assert_eq!(datasets["license"], "CDLA-Permissive-2.0");
    assert_eq!(r["frameworks"]["osaid"]["open_source_ai"], true);
    assert!(
        r["frameworks"]["osaid"]["missing"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Apache-2.0 on parameters is open but not a data licence: counted, with a warning.
    assert_eq!(codes(&r), ["license-wrong-type"]);
}

#[test]
fn release_without_datasets_stops_at_class_ii_and_says_what_class_i_needs() {
    let r = scan("datasheet-no-datasets");
    assert_eq!(mof_class(&r), (serde_json::json!("II"), vec![79, 100, 100]));
    assert_eq!(r["frameworks"]["mof"]["next_class"]["class"], "I");
    assert_eq!(
        next_missing(&r),
        [
            "Datasets",
            "Model parameters (Intermediate)",
            "Research paper"
        ]
    );
    assert_eq!(r["frameworks"]["osaid"]["open_source_ai"], false);
    assert_eq!(
        r["frameworks"]["osaid"]["missing"],
        serde_json::json!([
            "data-information: list of the training datasets and where to get them"
        ])
    );
}

#[test]
fn weights_only_release_under_a_community_licence_is_unclassified_and_says_why() {
    let r = scan("adapter");
    assert_eq!(mof_class(&r), (Value::Null, vec![0, 0, 0]));
    let missing = next_missing(&r);
    assert!(
        missing.contains(&"Model parameters (Final)".to_owned()),
        "{missing:?}"
    );
    assert!(
        missing.contains(&"Model architecture".to_owned()),
        "{missing:?}"
    );
    let params = r["frameworks"]["mof"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == 10)
        .unwrap()
        .clone();
    assert_eq!(params["status"], "shipped");
    assert_eq!(params["counts"], false);
    assert!(
        params["note"]
            .as_str()
            .unwrap()
            .contains("LicenseRef-Llama-3.1"),
        "{params:#}"
    );
}

#[test]
fn referenced_components_count_only_when_asked() {
    let path = fixtures_dir().join("hf-complete");
    let default = openness::scan(&path, "x", &openness::ScanOptions::default()).unwrap();
    let counting = openness::scan(
        &path,
        "x",
        &openness::ScanOptions {
            count_referenced: true,
            ..Default::default()
        },
    )
    .unwrap();
    let arch = |r: &openness::report::Report| {
        r.frameworks
            .mof
            .components
            .iter()
            .find(|c| c.id == 9)
            .unwrap()
            .counts
    };
    assert!(
        !arch(&default),
        "a transformers architecture is referenced, not shipped"
    );
    assert!(arch(&counting));
    assert_eq!(counting.frameworks.mof.mode.as_str(), "count-referenced");
}

/// Every licence family: the text is identified, the card's id mapped, the
/// openness judged, and non-open licences and mismatches reported.
#[test]
fn licence_families_are_identified() {
    let expected = [
        ("apache-2.0", "Apache-2.0", true),
        ("mit", "MIT", true),
        ("bsd-3-clause", "BSD-3-Clause", true),
        ("gpl-3.0", "GPL-3.0-only", true),
        ("cc-by-4.0", "CC-BY-4.0", true),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0", false),
        ("openrail-m", "LicenseRef-CreativeML-OpenRAIL-M", false),
        ("bloom-rail", "LicenseRef-BigScience-BLOOM-RAIL-1.0", false),
        ("llama2", "LicenseRef-Llama-2", false),
        ("llama3.1", "LicenseRef-Llama-3.1", false),
        ("gemma", "LicenseRef-Gemma", false),
        ("qwen", "LicenseRef-Qwen", false),
        ("deepseek", "LicenseRef-DeepSeek", false),
        ("openmdw", "OpenMDW-1.0", true),
    ];
    assert_eq!(
        expected.len() + 1,
        support::generator::LICENCE_FAMILIES.len()
    );
    for (dir, spdx, open) in expected {
        let r = scan_fixture(&format!("licenses/{dir}"));
        let l = &r["license"];
        assert_eq!(l["files"][0]["spdx"], spdx, "{dir}: text");
        assert_eq!(l["spdx"], spdx, "{dir}: card");
        assert_eq!(l["open"], open, "{dir}");
        assert_eq!(r["components"]["weights"]["license"], spdx, "{dir}");
        assert_eq!(
            codes(&r).contains(&"license-not-open".to_owned()),
            !open,
            "{dir}"
        );
        assert!(!codes(&r).contains(&"license-mismatch".to_owned()), "{dir}");
    }
    let r = scan_fixture("licenses/mismatch");
    assert_eq!(
        file_findings(&r),
        [("license-mismatch".to_owned(), Some("LICENSE".to_owned()))]
    );
}

#[test]
fn a_card_can_license_code_and_weights_differently() {
    let r = scan("split-licences");
    let c = &r["components"];
    assert_eq!(c["code"]["license"], "MIT");
    assert_eq!(c["code"]["license_source"], "card statement");
    assert_eq!(c["weights"]["license"], "CC-BY-NC-4.0");
    // The release's expression holds both parts, and is not open.
    assert_eq!(r["license"]["spdx"], "MIT AND CC-BY-NC-4.0");
    assert_eq!(r["license"]["open"], false);
    let arch = r["frameworks"]["mof"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == 8)
        .unwrap()
        .clone();
    assert_eq!(arch["license"], "MIT");
    assert_eq!(arch["counts"], true);
}

/// Each source of declared digests, a passing and a failing case: bundles
/// from the real model_signing package, a cache blob and local-dir metadata.
#[test]
fn every_digest_source_passes_and_fails() {
    let status = |r: &Value, path: &str| {
        let i = &file(r, path)["integrity"];
        (
            i["source"].as_str().unwrap().to_owned(),
            i["status"].as_str().unwrap().to_owned(),
        )
    };
    let ok = support::scan_fixture_hashed("interop-signing/signed");
    for path in ["README.md", "config.json", "model.safetensors"] {
        assert_eq!(
            status(&ok, path),
            ("model-signing".to_owned(), "verified".to_owned()),
            "{path}"
        );
    }
    assert!(file_findings(&ok).is_empty(), "{:?}", findings(&ok));
    let bad = support::scan_fixture_hashed("interop-signing/tampered");
    assert_eq!(status(&bad, "config.json").1, "mismatched");
    assert_eq!(
        file_findings(&bad),
        [("digest-mismatch".to_owned(), Some("config.json".to_owned()))]
    );

    let tampered = support::scan_fixture_hashed("digests-tampered");
    assert_eq!(
        status(&tampered, "model.safetensors"),
        ("hf-cache-blob".to_owned(), "mismatched".to_owned())
    );
    assert_eq!(
        status(&tampered, "extra/model.safetensors"),
        ("hf-download-metadata".to_owned(), "mismatched".to_owned())
    );
    assert_eq!(
        file_findings(&tampered),
        [
            (
                "digest-mismatch".to_owned(),
                Some("extra/model.safetensors".to_owned())
            ),
            (
                "digest-mismatch".to_owned(),
                Some("model.safetensors".to_owned())
            ),
        ]
    );
}

#[test]
fn card_and_licence_file_disagree() {
    let r = scan("license-mismatch");
    assert_eq!(
        file_findings(&r),
        [("license-mismatch".to_owned(), Some("LICENSE".to_owned()))]
    );
    assert_eq!(r["license"]["spdx"], "Apache-2.0");
    assert_eq!(r["license"]["files"][0]["spdx"], "MIT");
}

#[test]
fn symlinks_inside_are_followed_outside_and_dangling_are_not() {
    let r = scan("symlinks");
    assert_eq!(
        file_findings(&r),
        [
            ("symlink-outside".to_owned(), Some("config.json".to_owned())),
            (
                "dangling-symlink".to_owned(),
                Some("tokenizer.json".to_owned())
            ),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    let paths: Vec<&str> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // The blob is counted once, under the link's name.
    assert_eq!(
        paths,
        [
            "README.md",
            "config.json",
            "model.safetensors",
            "tokenizer.json"
        ]
    );
    let model = &r["files"][2];
    assert_eq!(model["symlink"], "blobs/6f1c2a");
    assert_eq!(status(&r, "weights"), "shipped");
    assert_eq!(r["components"]["weights"]["tensors"], 3 + 9);
}

#[test]
fn empty_release_warns() {
    let r = scan("empty");
    assert_eq!(statuses(&r), ["absent", "absent", "absent"]);
    assert_eq!(codes(&r), ["empty-release", "license-missing"]);
}

#[test]
fn hf_cache_snapshot_follows_links_into_blobs() {
    let rev = "0123456789abcdef0123456789abcdef01234567";
    let r = scan_fixture(&format!(
        "hf-cache/models--openness-fixtures--tiny/snapshots/{rev}"
    ));
    assert!(codes(&r) == ["license-wrong-type"], "{:#}", r["findings"]);
    assert_eq!(status(&r, "weights"), "shipped");
    assert_eq!(r["license"]["spdx"], "Apache-2.0");
    // The whole repo folder: blobs are counted once, under their snapshot names.
    let whole = scan("hf-cache");
    let weights: Vec<&str> = whole["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "weights")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        weights,
        [format!(
            "models--openness-fixtures--tiny/snapshots/{rev}/model.safetensors"
        )]
    );
}

/// GGUF files written by gguf-py: openness must count what its GGUFReader counts
/// (`expected.json` beside each), and read the provenance keys.
#[test]
fn gguf_interop_counts_and_provenance() {
    let r = scan("interop-gguf/llama-q8");
    let e = &expected_json("interop-gguf/llama-q8")["model.gguf"];
    let w = &r["components"]["weights"];
    assert_eq!(w["tensors"], e["tensor_count"]);
    assert_eq!(w["parameters"], e["parameters"]);
    assert_eq!(w["dtypes"], e["parameters_per_type"]);
    assert_eq!(r["files"][1]["weights"]["bytes"], e["tensor_bytes"]);
    assert_eq!(r["release"]["name"], e["general.name"]);
    assert_eq!(r["release"]["model_type"], "llama");
    assert_eq!(r["license"]["spdx"], "Apache-2.0");
    assert_eq!(r["components"]["weights"]["license"], "Apache-2.0");
    assert_eq!(
        r["components"]["data"]["datasets"],
        serde_json::json!(["roneneldan/TinyStories"])
    );
    assert_eq!(
        r["release"]["base_models"],
        serde_json::json!(["meta-llama/Llama-3.2-1B"])
    );
    assert_eq!(statuses(&r), ["referenced", "shipped", "referenced"]);
    assert!(codes(&r) == ["license-wrong-type"], "{:#}", r["findings"]);

    // Splits are one model: their counts add up.
    let r = scan("interop-gguf/split");
    let e = expected_json("interop-gguf/split");
    let sum = |k: &str| {
        e.as_object()
            .unwrap()
            .values()
            .map(|v| v[k].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(r["components"]["weights"]["tensors"], sum("tensor_count"));
    assert_eq!(r["components"]["weights"]["parameters"], sum("parameters"));

    let r = scan("interop-gguf/big-endian");
    let e = &expected_json("interop-gguf/big-endian")["model.gguf"];
    assert_eq!(r["components"]["weights"]["parameters"], e["parameters"]);
    assert_eq!(
        r["components"]["weights"]["dtypes"],
        e["parameters_per_type"]
    );

    let r = scan("gguf-missing-split");
    assert_eq!(status(&r, "weights"), "incomplete");
    assert!(
        findings(&r).contains(&(
            "missing-shard".to_owned(),
            Some("model-00002-of-00002.gguf".to_owned())
        )),
        "{:?}",
        findings(&r)
    );
}

fn file<'a>(r: &'a Value, path: &str) -> &'a Value {
    r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no file {path}"))
}

/// `fixtures/<dir>/expected.json`: what the reference writer recorded.
fn expected_json(dir: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixtures_dir().join(dir).join("expected.json")).unwrap())
        .unwrap()
}

fn file_codes(r: &Value, path: &str) -> Vec<String> {
    findings(r)
        .into_iter()
        .filter(|(_, p)| p.as_deref() == Some(path))
        .map(|(c, _)| c)
        .collect()
}

/// Issue 14's classes, one generated file each: every one is judged
/// unsafe, the Keras 2 injection by its own finding.
#[test]
fn every_malicious_round_2_file_is_judged_unsafe() {
    let r = scan_fixture("malicious-round-2");
    for name in [
        "model.sav",
        "reexport.pkl",
        "extension.pkl",
        "nested-loader.pkl",
        "model.pkl.gz",
        "duplicate-member.pt",
        "model.7z",
        "lz4.joblib",
        "padded.tar.gz",
    ] {
        let codes = file_codes(&r, name);
        assert!(
            codes.contains(&"unsafe-pickle".to_owned()),
            "{name}: {codes:?}"
        );
    }
    assert!(file_codes(&r, "model.json").contains(&"keras-unsafe-object".to_owned()));
    // The padding is past the stream cap: what lies beyond is unseen, and
    // the report says so.
    assert!(file_codes(&r, "padded.tar.gz").contains(&"archive-anomaly".to_owned()));
}

/// 7z archives written by py7zr and by 7-Zip itself
/// (scripts/make-7z-fixtures.py), one per coder chain: every payload is
/// found whichever chain packed it (PPMd and BCJ2 included), the benign
/// archive is not flagged, and the encrypted one is reported as not
/// scanned rather than passed.
#[test]
fn seven_zip_archives_from_real_writers_are_opened() {
    let r = scan_fixture("interop-7z");
    let expected = expected_json("interop-7z");
    let files = expected["files"].as_object().unwrap();
    assert_eq!(files.len(), 16);
    for (name, verdict) in files {
        let codes = file_codes(&r, name);
        let flagged = codes.contains(&"unsafe-pickle".to_owned());
        match verdict.as_str().unwrap() {
            "malicious" => assert!(flagged, "{name}: {codes:?}"),
            "benign" => assert_eq!(codes, ["pickle-weights"], "{name}"),
            _ => {
                assert_eq!(codes, ["archive-anomaly"], "{name}");
                let anomaly = r["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["code"] == "archive-anomaly" && f["path"] == name.as_str())
                    .map(|f| f["message"].as_str().unwrap().to_owned())
                    .unwrap();
                assert!(anomaly.contains("were not scanned"), "{name}: {anomaly}");
                assert!(
                    anomaly.contains("encrypted with 7zAES"),
                    "{name}: {anomaly}"
                );
            }
        }
    }
}

/// Pickles made by torch.save, torch.jit.save, fickling and by hand: every
/// malicious one is `unsafe-pickle`, no benign one is, and torch's own counts
/// (`expected.json`, from torch.load(weights_only=True)) are reproduced.
#[test]
fn pickles_are_judged_statically_and_counted() {
    let r = scan("interop-pickle");
    let expected = expected_json("interop-pickle");
    let files = expected["files"].as_object().unwrap();
    assert_eq!(files.len(), 20);
    for (name, e) in files {
        let codes = file_codes(&r, name);
        // Pickled weights when they rebuild tensors (or parameters); a
        // payload that rebuilds nothing is not weights (issue 23) but is
        // still judged for what loading it runs.
        let not_weights = r["components"]["weights"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["path"] == name.as_str() && i["kind"] == "not-weights");
        assert_eq!(
            codes.contains(&"pickle-weights".to_owned()),
            !not_weights,
            "{name}: {codes:?}"
        );
        if e["expected"] != "malicious" {
            assert!(!not_weights, "{name}");
        }
        let flagged = codes.contains(&"unsafe-pickle".to_owned());
        match e["expected"].as_str().unwrap() {
            "malicious" => assert!(flagged, "{name} not flagged: {codes:?}"),
            _ => {
                assert!(!flagged, "{name} flagged: {codes:?}");
                assert!(
                    !codes.contains(&"pickle-suspicious-import".to_owned()),
                    "{name}: {codes:?}"
                );
            }
        }
        if let Some(params) = e.get("parameters") {
            let w = &file(&r, name)["weights"];
            assert_eq!(&w["parameters"], params, "{name}");
            assert_eq!(&w["tensors"], &e["tensors"], "{name}");
            assert_eq!(&w["dtypes"], &e["dtypes"], "{name}");
        }
    }
    assert!(file_codes(&r, "mal-zip-deflated-data-pkl.pt").contains(&"archive-anomaly".to_owned()));
    let custom = scan("custom-pickle");
    assert_eq!(
        file_codes(&custom, "model.pkl"),
        ["pickle-suspicious-import", "pickle-weights"]
    );
    let message = custom["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "pickle-suspicious-import")
        .unwrap()["message"]
        .clone();
    assert!(
        message
            .as_str()
            .unwrap()
            .contains("sklearn.linear_model._base.LinearRegression")
    );
    assert!(
        file_codes(&r, "mal-zip-no-central-directory.pt").contains(&"archive-anomaly".to_owned())
    );
}

/// NumPy, ONNX, Keras, Flax, DDUF and SavedModel files written by their own
/// libraries (numpy, onnx, keras, msgpack as flax writes it, huggingface_hub).
#[test]
fn other_formats_are_read_or_detected() {
    let r = scan("interop-formats");
    let e = expected_json("interop-formats");
    let npy = &file(&r, "weights.npy");
    assert_eq!(npy["format"], "numpy");
    assert_eq!(npy["weights"]["parameters"], 12);
    assert_eq!(npy["weights"]["dtypes"], serde_json::json!({"F32": 12}));
    let npz = &file(&r, "arrays.npz")["weights"];
    assert_eq!(npz["tensors"], 2);
    assert_eq!(npz["parameters"], 80 + 8);
    let onnx = &file(&r, "model.onnx")["weights"];
    assert_eq!(onnx["parameters"], e["model.onnx"]["parameters"]);
    assert_eq!(onnx["dtypes"], e["model.onnx"]["dtypes"]);
    let flax = &file(&r, "flax_model.msgpack")["weights"];
    assert_eq!(flax["tensors"], e["flax_model.msgpack"]["tensors"]);
    assert_eq!(flax["parameters"], e["flax_model.msgpack"]["parameters"]);
    assert_eq!(flax["dtypes"], e["flax_model.msgpack"]["dtypes"]);
    // Detected only: format set, counts null.
    assert_eq!(file(&r, "model.keras")["format"], "keras");
    assert_eq!(file(&r, "model.keras")["weights"], Value::Null);
    assert_eq!(file(&r, "pipeline.dduf")["format"], "dduf");
    assert!(
        r["components"]["weights"]["formats"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("tf-savedmodel"))
    );
    for path in ["model.keras", "model.h5"] {
        assert_eq!(file_codes(&r, path), ["keras-lambda"], "{path}");
    }
    assert!(file_codes(&r, "object.npy").contains(&"pickle-weights".to_owned()));
    assert_eq!(
        file_codes(&r, "escape/model.onnx"),
        ["external-data-outside"]
    );
    let detected = scan("detected-formats");
    let formats = detected["components"]["weights"]["formats"].clone();
    // A Core ML package is reported as `coreml`, like an `.mlmodel`; the
    // MLX stand-in `weights.npz` holds no array, so it adds no format.
    for f in ["paddle", "tflite", "coreml", "mlx"] {
        assert!(
            formats.as_array().unwrap().contains(&serde_json::json!(f)),
            "{f}: {formats}"
        );
    }
    assert_eq!(
        file(&detected, "tflite/model.tflite")["weights"],
        Value::Null
    );
    assert!(file_codes(&detected, "paddle/model.pdparams").contains(&"pickle-weights".to_owned()));
    // External data inside the release is part of its model.
    let ext = scan("interop-formats/external");
    assert!(file_findings(&ext).is_empty(), "{:?}", findings(&ext));
    assert_eq!(
        ext["components"]["weights"]["formats"],
        serde_json::json!(["onnx"])
    );
}

/// Files written by the Python reference libraries: openness must see what
/// safetensors' `safe_open` and huggingface_hub's `ModelCard` see.
#[test]
fn interop_with_the_python_reference_writers() {
    // Literal names: `tests/snapshot_files.rs` reads them at the call.
    for (name, r) in [
        ("interop-hf", scan("interop-hf")),
        ("interop-dataset", scan("interop-dataset")),
    ] {
        let expected = expected_json(name);
        let w = &r["components"]["weights"];
        if expected["tensors"] != 0 {
            assert_eq!(w["tensors"], expected["tensors"], "{name}");
            assert_eq!(w["parameters"], expected["parameters"], "{name}");
            assert_eq!(w["dtypes"], expected["dtypes"], "{name}");
        }
        assert_eq!(r["license"]["declared"], expected["license"], "{name}");
        // `original` in `source_datasets` says the data is new, not that a
        // dataset has that name.
        let declared: Vec<Value> = expected["datasets"]
            .as_array()
            .map(|a| a.iter().filter(|d| *d != "original").cloned().collect())
            .unwrap_or_default();
        assert_eq!(
            r["components"]["data"]["datasets"],
            Value::Array(declared),
            "{name}"
        );
        let base = expected["base_model"]
            .as_str()
            .map(|b| vec![b])
            .unwrap_or_default();
        assert_eq!(
            r["release"]["base_models"],
            serde_json::json!(base),
            "{name}"
        );
        assert!(
            codes(&r) == ["license-wrong-type"],
            "{name}: {:#}",
            r["findings"]
        );
    }
}

#[test]
fn every_issue_finding_code_is_produced_by_some_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for name in [
        "hf-complete",
        "sharded",
        "missing-shard",
        "index-mismatch",
        "lfs-pointers",
        "remote-code",
        "adapter",
        "diffusers",
        "dataset-only",
        "card-only",
        "corrupt",
        "license-mismatch",
        "pytorch-sharded",
        "signed",
        "gguf-missing-split",
        "fully-open",
        "interop-pickle",
        "custom-pickle",
        "detected-formats",
        "interop-formats",
        "datasheet-no-datasets",
        "interop-gguf/llama-q8",
        "symlinks",
        "empty",
        "hf-cache",
        "interop-hf",
        "interop-dataset",
        "malicious-round-2",
    ] {
        seen.extend(codes(&scan_fixture(name)));
        seen.extend(codes(&support::scan_fixture_hashed(name)));
    }
    // `unreadable` needs a file its reader may not open, which no checked-in
    // fixture can be (and root reads everything); the CLI tests cover it.
    // `policy-unused-exception` comes from `check`'s policy, never a scan;
    // tests/policy.rs and tests/cli_ci.rs cover it. `overlong-text` needs a
    // string over 64 KiB, kept out of the checked-in fixtures: tests/dos.rs
    // asserts it on its 2 MB architecture name.
    for code in openness::finding::Code::ALL.iter().filter(|c| {
        !matches!(
            c.as_str(),
            "unreadable" | "policy-unused-exception" | "overlong-text"
        )
    }) {
        assert!(seen.contains(code.as_str()), "no fixture produces {code}");
    }
}

/// A config's `_name_or_path` that is a path of the machine that saved the
/// model (a sentence-transformers cache folder) does not name the release:
/// the folder does.
#[test]
fn a_cache_path_in_the_config_does_not_name_the_release() {
    let r = scan("config-cache-path");
    assert_eq!(r["release"]["name"], "config-cache-path");
    assert_eq!(r["release"]["architectures"][0], "BertModel");
    // A hub id in the same field still names it.
    assert_eq!(
        scan_fixture("sharded")["release"]["name"],
        "openness-fixtures/tiny-llama"
    );
}

/// The rule each text reference was chosen by, with its file, sorted.
fn rules(report: &Value, component: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["components"][component]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["source"] == "text")
        .map(|i| {
            let detail = i["detail"].as_str().unwrap();
            let rule = detail
                .rsplit_once("(rule ")
                .map(|(_, r)| r.trim_end_matches(')').to_owned())
                .unwrap();
            (i["path"].as_str().unwrap().to_owned(), rule)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn weights_referenced_from_code_scripts_and_readme_sections() {
    let r = scan("weights-by-reference");
    assert_eq!(statuses(&r), ["shipped", "referenced", "absent"]);
    assert_eq!(
        rules(&r, "weights"),
        [
            ("README.md".to_owned(), "checkpoint-archive".to_owned()),
            ("demo_app.py".to_owned(), "loader-call".to_owned()),
            ("download.sh".to_owned(), "download-script".to_owned()),
            ("sparrow/hub.py".to_owned(), "weights-file-url".to_owned()),
        ]
    );
    // Neither the benchmark table's rival nor the project thanked is ours.
    let details: Vec<&str> = r["components"]["weights"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["detail"].as_str().unwrap())
        .collect();
    assert!(
        details
            .iter()
            .all(|d| !d.contains("rival") && !d.contains("tinybox"))
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("gs://sparrow_models/2024_01/base"))
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("line 4: https://files.sparrow"))
    );
}

#[test]
fn training_data_referenced_and_evaluation_material_kept_apart() {
    let r = scan("data-by-reference");
    assert_eq!(statuses(&r), ["shipped", "absent", "referenced"]);
    assert_eq!(
        rules(&r, "data"),
        [
            ("README.md".to_owned(), "data-file-url".to_owned()),
            ("README.md".to_owned(), "training-data-section".to_owned()),
            (
                "configs/wren_small.yaml".to_owned(),
                "dataset-yaml".to_owned()
            ),
            (
                "scripts/download_dataset.sh".to_owned(),
                "dataset-script".to_owned()
            ),
            (
                "tools/prepare_corpus.py".to_owned(),
                "data-file-url".to_owned()
            ),
        ]
    );
    assert_eq!(
        item_kinds(&r, "data"),
        [
            "dataset",
            "evaluation-data",
            "evaluation-results",
            "sample-data"
        ]
    );
    // The heldout set linked from the evaluation section is not a dataset
    // of this release; results files are neither code nor config.
    assert_eq!(r["components"]["data"]["datasets"], serde_json::json!([]));
    let code_paths: Vec<&str> = r["components"]["code"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert!(
        code_paths
            .iter()
            .all(|p| !p.contains("results") && !p.contains("metrics"))
    );
}

#[test]
fn paired_formats_and_a_filterbank_that_is_not_weights() {
    let r = scan("paired-formats");
    let w = &r["components"]["weights"];
    assert_eq!(w["status"], "shipped");
    assert_eq!(
        w["formats"],
        serde_json::json!([
            "caffe",
            "mnn",
            "ncnn",
            "openvino",
            "pytorch-zip",
            "tf-checkpoint"
        ])
    );
    assert_eq!(w["files"], 6);
    let jit = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "torchscript/finch.jit")
        .unwrap();
    assert_eq!(jit["kind"], "weights");
    assert!(item_kinds(&r, "weights").contains(&"not-weights".to_owned()));
}

#[test]
fn a_linked_training_file_that_is_missing_makes_data_incomplete() {
    let r = scan("linked-data-missing");
    assert_eq!(status(&r, "data"), "incomplete");
    assert_eq!(
        rules(&r, "data"),
        [("README.md".to_owned(), "missing-linked-data".to_owned())]
    );
    assert_eq!(r["components"]["data"]["datasets"], serde_json::json!([]));
}

#[test]
fn dduf_members_are_read_where_they_lie() {
    let r = scan("dduf-inside");
    let w = &r["components"]["weights"];
    assert_eq!(w["status"], "shipped");
    assert_eq!(w["tensors"], 3);
    assert_eq!(w["parameters"], 4 * 4 * 3 * 3 + 4 + 8 * 4);
    assert_eq!(status(&r, "code"), "referenced");
    let details: Vec<&str> = r["components"]["code"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["detail"].as_str().unwrap())
        .collect();
    assert!(
        details.iter().any(|d| d.contains("UNet2DConditionModel")),
        "{details:?}"
    );
}
