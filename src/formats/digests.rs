//! Expected digests a release already carries, so `--hash` can verify files
//! for free: Hugging Face `--local-dir` download metadata (its etag is the
//! SHA-256 of LFS files) and the resource list of a model-signing bundle
//! (`model.sig`). Only digests are read: a model-signing *signature* is not
//! verified here, which needs Sigstore's trust roots and a network.

use super::FormatError;
use std::collections::BTreeMap;

/// Bundles larger than this are refused (real ones are a few KB per file).
pub const MAX_BUNDLE_BYTES: usize = 16 << 20;

/// `.cache/huggingface/download/<path>.metadata`: commit hash, etag,
/// timestamp, one per line. Returns the etag when it is a SHA-256 (LFS files;
/// regular files carry a git blob SHA-1 instead).
pub fn parse_download_metadata(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes.get(..bytes.len().min(4096))?).ok()?;
    let etag = text.lines().nth(1)?.trim().trim_matches('"');
    is_sha256(etag).then(|| etag.to_ascii_lowercase())
}

pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The `resources` of a model-signing bundle: a Sigstore bundle whose DSSE
/// envelope carries an in-toto statement with
/// `predicate.resources[{name, algorithm, digest}]` (predicate type
/// `https://model_signing/signature/v1.0`). Returns path → SHA-256 for the
/// sha256 resources (sharded serialisation names like `path:start:end` are
/// skipped: they do not digest whole files).
pub fn parse_model_signing(bytes: &[u8]) -> Result<BTreeMap<String, String>, FormatError> {
    if bytes.len() > MAX_BUNDLE_BYTES {
        return Err(FormatError::TooLarge {
            what: "model-signing bundle",
            claimed: bytes.len() as u64,
            limit: MAX_BUNDLE_BYTES as u64,
        });
    }
    let bundle: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| FormatError::invalid(format!("bundle is not JSON: {e}")))?;
    let payload = bundle
        .pointer("/dsseEnvelope/payload")
        .and_then(|p| p.as_str())
        .ok_or_else(|| FormatError::invalid("bundle has no dsseEnvelope.payload"))?;
    let statement = base64_decode(payload)
        .ok_or_else(|| FormatError::invalid("dsseEnvelope.payload is not base64"))?;
    let statement: serde_json::Value = serde_json::from_slice(&statement)
        .map_err(|e| FormatError::invalid(format!("in-toto statement is not JSON: {e}")))?;
    let resources = statement
        .pointer("/predicate/resources")
        .and_then(|r| r.as_array())
        .ok_or_else(|| FormatError::invalid("in-toto statement has no predicate.resources"))?;
    let mut out = BTreeMap::new();
    for r in resources {
        let (Some(name), Some(alg), Some(digest)) = (
            r.get("name").and_then(|v| v.as_str()),
            r.get("algorithm").and_then(|v| v.as_str()),
            r.get("digest").and_then(|v| v.as_str()),
        ) else {
            return Err(FormatError::invalid(
                "a resource lacks name, algorithm or digest",
            ));
        };
        if alg.eq_ignore_ascii_case("sha256") && is_sha256(digest) && !is_shard_name(name) {
            out.insert(
                name.trim_start_matches("./").to_owned(),
                digest.to_ascii_lowercase(),
            );
        }
    }
    Ok(out)
}

/// `path:start:end`, the shard serialisation's resource names.
fn is_shard_name(name: &str) -> bool {
    let mut parts = name.rsplitn(3, ':');
    let (Some(end), Some(start), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !end.is_empty()
        && !start.is_empty()
        && end.bytes().all(|b| b.is_ascii_digit())
        && start.bytes().all(|b| b.is_ascii_digit())
}

/// Standard or URL-safe base64, padding optional; `None` on any other byte.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_known_vectors() {
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64_decode("Zm9vYmFy").unwrap(), b"foobar");
        assert_eq!(base64_decode("Zm9vYg").unwrap(), b"foob");
        assert!(base64_decode("Zm9v!").is_none());
    }

    #[test]
    fn download_metadata_etag() {
        let sha = "7c5d3f4b8b76583b422fcb9189ad6c89d5d97a094541ce8932dce3ecabde1421";
        let text = format!("11c5a3d5811f50298f278a704980280950aedb10\n{sha}\n1712656091.123\n");
        assert_eq!(
            parse_download_metadata(text.as_bytes()).as_deref(),
            Some(sha)
        );
        let sha1 = "11c5a3d5811f50298f278a704980280950aedb10\na16a55fda99d2f2e7b69cce5cf93ff4ad3049930\n1.0\n";
        assert_eq!(parse_download_metadata(sha1.as_bytes()), None);
    }

    #[test]
    fn model_signing_resources() {
        let statement = r#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://model_signing/signature/v1.0","predicate":{"resources":[{"name":"model.safetensors","algorithm":"sha256","digest":"AA00000000000000000000000000000000000000000000000000000000000000"},{"name":"big.bin:0:1000","algorithm":"sha256","digest":"bb00000000000000000000000000000000000000000000000000000000000000"},{"name":"x","algorithm":"blake2","digest":"cc"}]}}"#;
        let payload = encode(statement.as_bytes());
        let bundle = format!(
            r#"{{"dsseEnvelope":{{"payload":"{payload}","payloadType":"application/vnd.in-toto+json","signatures":[]}}}}"#
        );
        let digests = parse_model_signing(bundle.as_bytes()).unwrap();
        assert_eq!(digests.len(), 1);
        assert_eq!(
            digests["model.safetensors"],
            format!("aa{}", "0".repeat(62))
        );
        assert!(
            parse_model_signing(b"{}")
                .unwrap_err()
                .to_string()
                .contains("payload")
        );
        assert!(parse_model_signing(b"nope").is_err());
    }

    fn encode(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}
