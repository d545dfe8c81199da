//! Training data by what the release says of it (SPEC section 2, issue 23):
//! a data file a script reads, a folder under a train split, datasets
//! loaded in code and linked from a training-data section count; a table
//! nothing reads, a gallery, the `datasets` library's helpers, a wheel
//! index and a news list do not. Each case has a twin that differs only
//! there.

mod support;

use serde_json::Value;
use support::{scan_fixture, status};

fn scan(case: &str) -> Value {
    scan_fixture(&format!("data-roles/{case}"))
}

fn items<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["components"]["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .collect()
}

#[test]
fn a_table_the_training_script_reads_is_training_data() {
    let r = scan("read-by-training");
    assert_eq!(status(&r, "data"), "shipped");
    let it = items(&r, "training-data");
    assert_eq!(it.len(), 1);
    assert_eq!(it[0]["path"], "corpus/reviews.csv");
    assert_eq!(
        it[0]["detail"],
        "csv: the code reads it (\"corpus/reviews.csv\")"
    );

    let twin = scan("unread-table");
    assert_eq!(status(&twin, "data"), "absent");
    let files = items(&twin, "data-file");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], "corpus/lr_sweep.csv");
    assert!(items(&twin, "training-data").is_empty());
}

#[test]
fn images_under_a_train_split_are_one_item_with_their_count() {
    let r = scan("train-media");
    assert_eq!(status(&r, "data"), "shipped");
    let it = items(&r, "training-data");
    assert_eq!(it.len(), 1, "{it:?}");
    assert_eq!(it[0]["path"], "archive/images/train/");
    assert_eq!(it[0]["detail"], "12 files under a train split");

    let twin = scan("demo-media");
    assert_eq!(status(&twin, "data"), "absent");
    assert!(items(&twin, "training-data").is_empty());
}

#[test]
fn datasets_loaded_in_code_are_references() {
    let r = scan("loader-calls");
    assert_eq!(status(&r, "data"), "referenced");
    let mut got: Vec<&str> = items(&r, "dataset")
        .iter()
        .map(|i| i["detail"].as_str().unwrap())
        .collect();
    got.sort();
    for want in [
        "load_dataset(\"example-org/reviews\")",
        "dataset-module: CIFAR100",
        "tfds.load: mnist",
        "dataset_download: someone/tabular-set",
        "dataset-module: fashion_mnist",
        "mirdata.initialize: guitarset",
        "nltk.download: cmudict",
        "dataset-module: mnist",
    ] {
        assert!(
            got.iter().any(|g| g.contains(want)),
            "{want} not among {got:?}"
        );
    }

    let twin = scan("library-helpers");
    assert_eq!(
        status(&twin, "data"),
        "absent",
        "{:#}",
        twin["components"]["data"]
    );
}

#[test]
fn news_lists_and_wheel_indexes_name_no_training_data() {
    let r = scan("news-and-wheels");
    assert_eq!(
        status(&r, "data"),
        "absent",
        "{:#}",
        r["components"]["data"]
    );
    let twin = scan("training-data-section");
    assert_eq!(status(&twin, "data"), "referenced");
    assert_eq!(
        twin["components"]["data"]["datasets"][0],
        "example-org/our-corpus"
    );
}

#[test]
fn a_linked_table_of_urls_points_to_the_data() {
    let r = scan("manifest-linked");
    assert_eq!(
        status(&r, "data"),
        "referenced",
        "{:#}",
        r["components"]["data"]
    );
    let it = items(&r, "dataset");
    let manifest: Vec<_> = it
        .iter()
        .filter(|i| i["path"] == "corpus/sources.csv")
        .collect();
    assert_eq!(manifest.len(), 1, "{it:?}");
    assert_eq!(
        manifest[0]["detail"],
        "csv: lists 3 remote files (a document links it as data)"
    );
    assert!(items(&r, "training-data").is_empty());

    let twin = scan("table-linked");
    assert_eq!(status(&twin, "data"), "shipped");
    assert_eq!(
        items(&twin, "training-data")[0]["path"],
        "corpus/sources.csv"
    );
}

#[test]
fn a_document_about_evaluation_names_evaluation_data() {
    let r = scan("evaluation-notes");
    assert_eq!(
        status(&r, "data"),
        "absent",
        "{:#}",
        r["components"]["data"]
    );
    assert!(items(&r, "dataset").is_empty());

    let twin = scan("training-notes");
    assert_eq!(status(&twin, "data"), "referenced");
    let it = items(&twin, "dataset");
    assert_eq!(it.len(), 1, "{it:?}");
    assert_eq!(it[0]["path"], "notes/DATA.md");
}

#[test]
fn loaders_imported_from_a_datasets_module_are_references() {
    let r = scan("imported-loaders");
    assert_eq!(status(&r, "data"), "referenced");
    let it = items(&r, "dataset");
    assert_eq!(it.len(), 1, "{it:?}");
    assert_eq!(
        it[0]["detail"],
        "line 1: dataset-module: digits (rule dataset-loader-call)"
    );

    let twin = scan("imported-helpers");
    assert_eq!(
        status(&twin, "data"),
        "absent",
        "{:#}",
        twin["components"]["data"]
    );
}

#[test]
fn a_columnar_data_file_link_is_a_data_reference() {
    let r = scan("feather-link");
    assert_eq!(status(&r, "data"), "referenced");
    assert_eq!(
        items(&r, "dataset")[0]["detail"],
        "line 8: https://files.example.org/labels/speech.feather (rule data-file-url)"
    );

    let twin = scan("page-link");
    assert_eq!(
        status(&twin, "data"),
        "absent",
        "{:#}",
        twin["components"]["data"]
    );
}
