//! TensorFlow.js models: a `model.json` whose `weightsManifest` lists the
//! binary shards (`group1-shard1of1.bin`, ...) and, per group, the weights
//! they hold (name, shape, dtype, optional quantization). Layers models carry
//! a Keras `modelTopology`; graph models a GraphDef (`format: graph-model`).
//! Only the JSON is read: the shards are raw little-endian arrays with no
//! header of their own.

use super::FormatError;
use serde_json::Value;
use std::collections::BTreeMap;

/// Shards a manifest may list before it is refused.
const MAX_PATHS: usize = 100_000;

/// What a `model.json` says about its weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TfjsModel {
    /// `layers-model` or `graph-model`.
    pub kind: &'static str,
    /// Shard paths as written, relative to the `model.json` folder.
    pub paths: Vec<String>,
    pub tensors: u64,
    pub parameters: u64,
    pub bytes: u64,
    /// Parameters per dtype, safetensors spelling.
    pub dtypes: BTreeMap<String, u64>,
}

/// Whether a JSON head looks like a TF.js model (cheap, before parsing).
pub fn looks_like(head: &[u8]) -> bool {
    memchr::memmem::find(head, b"\"weightsManifest\"").is_some()
        || memchr::memmem::find(head, b"\"modelTopology\"").is_some()
}

/// Parses a `model.json`; `None` when it is JSON but not a TF.js model.
pub fn parse(bytes: &[u8]) -> Result<Option<TfjsModel>, FormatError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| FormatError::invalid(format!("model.json is not valid JSON: {e}")))?;
    let Some(manifest) = value.get("weightsManifest").and_then(Value::as_array) else {
        return Ok(None);
    };
    let graph = value.get("format").and_then(Value::as_str) == Some("graph-model")
        || value
            .get("modelTopology")
            .is_some_and(|t| t.get("node").is_some());
    if value.get("modelTopology").is_none() && !graph {
        return Ok(None);
    }
    let mut model = TfjsModel {
        kind: if graph { "graph-model" } else { "layers-model" },
        paths: Vec::new(),
        tensors: 0,
        parameters: 0,
        bytes: 0,
        dtypes: BTreeMap::new(),
    };
    for group in manifest {
        for path in group
            .get("paths")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(p) = path.as_str() {
                if model.paths.len() >= MAX_PATHS {
                    return Err(FormatError::TooLarge {
                        what: "TF.js weights manifest",
                        claimed: MAX_PATHS as u64 + 1,
                        limit: MAX_PATHS as u64,
                    });
                }
                model.paths.push(p.to_owned());
            }
        }
        for weight in group
            .get("weights")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let shape: Option<Vec<u64>> = weight
                .get("shape")
                .and_then(Value::as_array)
                .map(|dims| dims.iter().filter_map(Value::as_u64).collect());
            let elements = shape.as_deref().and_then(super::element_count).unwrap_or(0);
            // Quantized weights are stored in the quantization dtype.
            let dtype = weight
                .get("quantization")
                .and_then(|q| q.get("dtype"))
                .or_else(|| weight.get("dtype"))
                .and_then(Value::as_str)
                .unwrap_or("float32");
            let (name, size) = match dtype {
                "float32" => ("F32", 4),
                "float16" => ("F16", 2),
                "int32" => ("I32", 4),
                "uint16" => ("U16", 2),
                "uint8" => ("U8", 1),
                "int8" => ("I8", 1),
                "bool" => ("BOOL", 1),
                "complex64" => ("C64", 8),
                _ => ("UNKNOWN", 0),
            };
            model.tensors += 1;
            model.parameters = model.parameters.saturating_add(elements);
            model.bytes = model.bytes.saturating_add(elements.saturating_mul(size));
            let slot = model.dtypes.entry(name.to_owned()).or_insert(0);
            *slot = slot.saturating_add(elements);
        }
    }
    Ok(Some(model))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn layers_model() {
        let json = br#"{"format":"layers-model","modelTopology":{"class_name":"Sequential"},
            "weightsManifest":[{"paths":["group1-shard1of1.bin"],
            "weights":[{"name":"dense/kernel","shape":[4,3],"dtype":"float32"},
                       {"name":"dense/bias","shape":[3],"dtype":"float32",
                        "quantization":{"dtype":"uint8","scale":0.1,"min":0}}]}]}"#;
        let m = parse(json).unwrap().unwrap();
        assert_eq!(m.kind, "layers-model");
        assert_eq!(m.paths, ["group1-shard1of1.bin"]);
        assert_eq!((m.tensors, m.parameters, m.bytes), (2, 15, 51));
        assert_eq!(m.dtypes.get("U8"), Some(&3));
        assert!(parse(br#"{"a":1}"#).unwrap().is_none());
    }
}
