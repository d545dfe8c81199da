//! Issue 23, end to end: a file is weights because of what it holds, never
//! because of where it sits (SPEC section 2). Each fixture pairs the shapes
//! that are not weights with a twin that is.

mod support;

use serde_json::Value;
use support::{assert_snapshot, scan_fixture, status};

/// The weights item about `path`: (kind, detail).
fn item(report: &Value, path: &str) -> (String, String) {
    let found = report["components"]["weights"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == path)
        .unwrap_or_else(|| panic!("no weights item for {path}"));
    (
        found["kind"].as_str().unwrap().to_owned(),
        found["detail"].as_str().unwrap().to_owned(),
    )
}

fn not_weights(report: &Value, path: &str, why: &str) {
    let (kind, detail) = item(report, path);
    assert_eq!(kind, "not-weights", "{path}: {detail}");
    assert!(detail.contains(why), "{path}: {detail}");
}

fn weights(report: &Value, path: &str, kind: &str) {
    let (found, detail) = item(report, path);
    assert_eq!(found, kind, "{path}: {detail}");
}

fn file_kind(report: &Value, path: &str) -> String {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap()["kind"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn finding_codes(report: &Value, path: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn arrays_are_weights_by_their_content() {
    let r = scan_fixture("content-arrays");
    assert_snapshot("content-arrays", &r);
    // The same filterbank in an assets folder and beside code.
    for path in [
        "speechkit/assets/mel_filters.npz",
        "speechkit/mel_filters.npz",
    ] {
        not_weights(&r, path, "a fixed table");
        assert_eq!(file_kind(&r, path), "other");
    }
    for speaker in ["en_speaker_0", "en_speaker_1", "de_speaker_0"] {
        not_weights(
            &r,
            &format!("voices/{speaker}.npz"),
            "integer-only arrays (U16)",
        );
    }
    not_weights(&r, "tests/expected_output.npz", "object arrays");
    // Its object arrays are still a pickle hazard.
    assert!(finding_codes(&r, "tests/expected_output.npz").contains(&"pickle-weights".to_owned()));
    not_weights(&r, "results/scores.npy", "one-dimensional");
    // The twins: named float arrays of a network, a large embedding matrix.
    weights(&r, "speechkit/checkpoint.npz", "numpy-npz");
    weights(&r, "embeddings/word_vectors.npy", "numpy");
    let w = &r["components"]["weights"];
    assert_eq!(status(&r, "weights"), "shipped");
    assert_eq!(w["tensors"], 6);
    assert_eq!(w["parameters"], 250_000 + 19_146);
}

#[test]
fn pickles_are_weights_when_they_rebuild_parameters() {
    let r = scan_fixture("content-pickles");
    assert_snapshot("content-pickles", &r);
    not_weights(&r, "data/val_indices.p", "a pickle of a list");
    not_weights(&r, "vocab.pkl", "a pickle of a dict");
    not_weights(&r, "demo/input_matrix.pt", "one bare tensor");
    for path in ["data/val_indices.p", "vocab.pkl", "demo/input_matrix.pt"] {
        assert!(finding_codes(&r, path).is_empty(), "{path}");
    }
    weights(&r, "demo/model.pt", "pytorch-zip");
    weights(&r, "estimator.pkl", "pickle");
    assert_eq!(r["components"]["weights"]["tensors"], 3);
    assert_eq!(r["components"]["weights"]["parameters"], 16 * 16 + 16 + 64);
    // The safety scan still reads every pickle.
    assert!(finding_codes(&r, "estimator.pkl").contains(&"pickle-suspicious-import".to_owned()));
}

#[test]
fn trainer_state_is_not_weights() {
    let r = scan_fixture("trainer-state");
    assert_snapshot("trainer-state", &r);
    for (file, why) in [
        ("optimizer.pt", "optimizer state"),
        ("scheduler.pt", "scheduler state"),
        ("rng_state.pth", "random-number-generator state"),
        ("training_args.bin", "trainer arguments"),
        // By content: an optimizer state under another name.
        ("opt_shard_0.pt", "`state` and `param_groups`"),
    ] {
        not_weights(&r, &format!("checkpoint-10/{file}"), why);
    }
    weights(&r, "checkpoint-10/pytorch_model.bin", "checkpoint");
    // A training checkpoint that holds the model too is weights.
    weights(&r, "full_checkpoint.pt", "pytorch-zip");
    let formats = &r["components"]["weights"]["formats"];
    assert_eq!(formats, &serde_json::json!(["pytorch-zip"]));
}

#[test]
fn an_empty_file_is_evidence_of_nothing() {
    let blank = scan_fixture("empty-code/blank");
    assert_eq!(status(&blank, "code"), "absent");
    assert!(
        blank["components"]["code"]["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let real = scan_fixture("empty-code/real");
    assert_eq!(status(&real, "code"), "shipped");
}

#[test]
fn tfjs_models_are_weights() {
    let r = scan_fixture("tfjs-model");
    assert_snapshot("tfjs-model", &r);
    assert_eq!(status(&r, "weights"), "shipped");
    let w = &r["components"]["weights"];
    assert_eq!(w["formats"], serde_json::json!(["tfjs"]));
    let (_, layers) = item(&r, "web/layers/model.json");
    assert!(
        layers.contains("layers-model: 2 tensors, 136 parameters"),
        "{layers}"
    );
    let (_, graph) = item(&r, "web/graph/model.json");
    assert!(
        graph.contains("graph-model: 2 tensors, 224 parameters, F32/U8 in 2 shards"),
        "{graph}"
    );
    assert_eq!(w["tensors"], 4);
    assert_eq!(w["parameters"], 136 + 224);
    // The shards belong to their model: no item of their own.
    let kinds: Vec<&str> = w["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["tfjs", "tfjs"]);
}

#[test]
fn a_core_ml_package_is_one_model() {
    let r = scan_fixture("coreml-package");
    assert_snapshot("coreml-package", &r);
    let w = &r["components"]["weights"];
    assert_eq!(w["formats"], serde_json::json!(["coreml"]));
    let items = w["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "coreml");
    assert_eq!(items[0]["path"], "Classifier.mlpackage");
}

#[test]
fn shard_totals_follow_the_index_whatever_the_names() {
    let r = scan_fixture("odd-shard-names");
    assert_snapshot("odd-shard-names", &r);
    let w = &r["components"]["weights"];
    assert_eq!(w["tensors"], 11);
    assert_eq!(w["parameters"], 33_792);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error")
    );
}

#[test]
fn many_missing_shards_are_one_finding() {
    let r = scan_fixture("many-missing-shards");
    assert_snapshot("many-missing-shards", &r);
    assert_eq!(status(&r, "weights"), "incomplete");
    let missing: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "missing-shard")
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["path"], "model.safetensors.index.json");
    let message = missing[0]["message"].as_str().unwrap();
    assert!(message.contains("names 38 of its 40 shards"), "{message}");
    assert!(message.contains("and 35 more"), "{message}");
    // The whole list is in the index item.
    let (_, detail) = item(&r, "model.safetensors.index.json");
    assert!(detail.contains("38 missing"), "{detail}");
    for i in 3..=40 {
        assert!(
            detail.contains(&format!("model-{i:05}-of-00040.safetensors")),
            "{i}"
        );
    }
}
