//! Weights formats known by their files' names and the files beside them,
//! not by a header the scan could parse: a Caffe model is a `.caffemodel`
//! with its `.prototxt`, ncnn a `.param` with a `.bin` of the same stem,
//! OpenVINO IR an `.xml` with a `.bin`, a TensorFlow checkpoint an `.index`
//! with `.data-NNNNN-of-NNNNN` shards, PaddlePaddle inference models a
//! `.pdmodel` with `.pdiparams`, MNN a `.mnn` file. Pure: a list of relative
//! paths in, groups out.

use std::collections::{BTreeMap, BTreeSet};

/// One model in one of these formats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PairedModel {
    /// "caffe", "ncnn", "openvino", "tf-checkpoint", "paddle" or "mnn".
    pub format: &'static str,
    /// The file that holds the parameters.
    pub weights: String,
    /// Every file of the model (parameters first), sorted after it.
    pub files: Vec<String>,
}

fn split_ext(path: &str) -> Option<(&str, &str)> {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    let dot = path.get(name_start..)?.rfind('.')? + name_start;
    Some((path.get(..dot)?, path.get(dot + 1..)?))
}

/// Groups `paths` (relative, `/`-separated) into paired-format models,
/// sorted by parameter file. A path belongs to at most one model.
pub fn detect(paths: &[&str]) -> Vec<PairedModel> {
    let set: BTreeSet<&str> = paths.iter().copied().collect();
    let mut by_stem: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for &p in &set {
        if let Some((stem, ext)) = split_ext(p) {
            by_stem.entry(stem).or_default().push((ext, p));
        }
    }
    let mut out = Vec::new();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let lower = |s: &str| s.to_ascii_lowercase();
    for (stem, files) in &by_stem {
        let find = |want: &str| {
            files
                .iter()
                .find(|(e, _)| lower(e) == want)
                .map(|(_, p)| *p)
        };
        let mut push = |format: &'static str, weights: &str, others: Vec<&str>| {
            let mut all: Vec<String> = others.iter().map(|s| (*s).to_owned()).collect();
            all.sort();
            all.insert(0, weights.to_owned());
            out.push(PairedModel {
                format,
                weights: weights.to_owned(),
                files: all,
            });
        };
        if let Some(model) = find("caffemodel") {
            // The deploy prototxt may be named after the model or not.
            let proto = find("prototxt").or_else(|| {
                let dir = model
                    .rfind('/')
                    .map_or("", |i| model.get(..=i).unwrap_or(""));
                set.iter()
                    .find(|p| {
                        p.starts_with(dir)
                            && !p.get(dir.len()..).unwrap_or("").contains('/')
                            && lower(p).ends_with(".prototxt")
                    })
                    .copied()
            });
            push("caffe", model, proto.into_iter().collect());
            used.insert(model);
            continue;
        }
        if let Some(model) = find("mnn") {
            push("mnn", model, Vec::new());
            used.insert(model);
            continue;
        }
        if let (Some(param), Some(bin)) = (find("param"), find("bin")) {
            push("ncnn", bin, vec![param]);
            used.insert(bin);
            continue;
        }
        if let (Some(xml), Some(bin)) = (find("xml"), find("bin")) {
            push("openvino", bin, vec![xml]);
            used.insert(bin);
            continue;
        }
        if let (Some(pdmodel), Some(params)) = (find("pdmodel"), find("pdiparams")) {
            push("paddle", params, vec![pdmodel]);
            used.insert(params);
            continue;
        }
        if let Some(index) = find("index") {
            // `<prefix>.index` beside `<prefix>.data-00000-of-00001`: the
            // data files' "extension" is `data-NNNNN-of-NNNNN`.
            let data: Vec<&str> = files
                .iter()
                .filter(|(e, _)| {
                    let e = lower(e);
                    e.starts_with("data-") && e.contains("-of-")
                })
                .map(|(_, p)| *p)
                .collect();
            if let Some(first) = data.first() {
                let mut others = vec![index];
                others.extend(data.iter().skip(1));
                push("tf-checkpoint", first, others);
                used.insert(first);
            }
        }
        let _ = stem;
    }
    out.sort();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn pairs_by_stem() {
        let paths = [
            "caffe/net.caffemodel",
            "caffe/deploy.prototxt",
            "ncnn/net.param",
            "ncnn/net.bin",
            "ov/model.xml",
            "ov/model.bin",
            "tf/model.ckpt.index",
            "tf/model.ckpt.data-00000-of-00001",
            "mnn/net.mnn",
            "alone.bin",
            "pd/inference.pdmodel",
            "pd/inference.pdiparams",
        ];
        let found: Vec<(&str, String)> = detect(&paths)
            .into_iter()
            .map(|m| (m.format, m.weights))
            .collect();
        assert_eq!(
            found,
            vec![
                ("caffe", "caffe/net.caffemodel".to_owned()),
                ("mnn", "mnn/net.mnn".to_owned()),
                ("ncnn", "ncnn/net.bin".to_owned()),
                ("openvino", "ov/model.bin".to_owned()),
                ("paddle", "pd/inference.pdiparams".to_owned()),
                (
                    "tf-checkpoint",
                    "tf/model.ckpt.data-00000-of-00001".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_bin_alone_is_no_pair() {
        assert!(detect(&["pytorch_model.bin", "config.xml.txt"]).is_empty());
    }
}
