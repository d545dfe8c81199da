//! Git LFS pointer files. A repository cloned without `git lfs pull` holds
//! these three-line stubs where the weights should be; loaders then fail or
//! misread them. Recognising them anywhere a weights file is expected turns a
//! confusing load error into a clear finding, and the pointer's oid is a free
//! expected SHA-256 for the real file.

use super::FormatError;

/// git-lfs itself only treats blobs under 1024 bytes as pointers.
pub const MAX_POINTER_BYTES: usize = 1024;

/// Version URLs git-lfs accepts (the current one and two historical ones).
const VERSIONS: &[&str] = &[
    "https://git-lfs.github.com/spec/v1",
    "https://hawser.github.com/spec/v1",
    "http://git-media.io/v/2",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    /// Lower-case hex SHA-256 of the real content.
    pub oid: String,
    /// Size of the real content in bytes.
    pub size: u64,
}

/// Cheap test used while sniffing: does this look like a pointer at all?
pub fn looks_like_pointer(bytes: &[u8]) -> bool {
    bytes.len() < MAX_POINTER_BYTES && bytes.starts_with(b"version http")
}

/// Parses a pointer file per the git-lfs spec: `key value` lines, `version`
/// first, then `oid sha256:<64 hex>` and `size <n>` (other keys allowed).
pub fn parse(bytes: &[u8]) -> Result<Pointer, FormatError> {
    if bytes.len() >= MAX_POINTER_BYTES {
        return Err(FormatError::TooLarge {
            what: "lfs pointer",
            claimed: bytes.len() as u64,
            limit: MAX_POINTER_BYTES as u64 - 1,
        });
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| FormatError::invalid("lfs pointer is not utf-8"))?;
    let mut lines = text.lines();
    let version = lines
        .next()
        .and_then(|l| l.strip_prefix("version "))
        .ok_or_else(|| FormatError::invalid("lfs pointer does not start with a version line"))?;
    if !VERSIONS.contains(&version.trim_end()) {
        return Err(FormatError::invalid(format!(
            "unknown lfs pointer version {version:?}"
        )));
    }
    let (mut oid, mut size) = (None, None);
    for line in lines.filter(|l| !l.is_empty()) {
        let (key, value) = line
            .split_once(' ')
            .ok_or_else(|| FormatError::invalid(format!("malformed lfs pointer line {line:?}")))?;
        match key {
            "oid" => {
                let hex = value
                    .strip_prefix("sha256:")
                    .ok_or_else(|| FormatError::invalid("lfs pointer oid is not sha256"))?;
                if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(FormatError::invalid(
                        "lfs pointer oid is not 64 hexadecimal digits",
                    ));
                }
                oid = Some(hex.to_ascii_lowercase());
            }
            "size" => {
                size = Some(value.parse::<u64>().map_err(|_| {
                    FormatError::invalid(format!("lfs pointer size {value:?} is not a number"))
                })?);
            }
            _ => {}
        }
    }
    match (oid, size) {
        (Some(oid), Some(size)) => Ok(Pointer { oid, size }),
        (None, _) => Err(FormatError::invalid("lfs pointer has no oid line")),
        (_, None) => Err(FormatError::invalid("lfs pointer has no size line")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const OID: &str = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";

    fn pointer(version: &str, oid: &str, size: &str) -> Vec<u8> {
        format!("version {version}\noid sha256:{oid}\nsize {size}\n").into_bytes()
    }

    #[test]
    fn parses_the_spec_example() {
        let p = parse(&pointer("https://git-lfs.github.com/spec/v1", OID, "12345")).unwrap();
        assert_eq!(p.oid, OID);
        assert_eq!(p.size, 12345);
        assert!(looks_like_pointer(&pointer(
            "https://git-lfs.github.com/spec/v1",
            OID,
            "1"
        )));
    }

    #[test]
    fn accepts_historical_versions_and_extra_keys() {
        let mut bytes = pointer("https://hawser.github.com/spec/v1", OID, "7");
        bytes.extend_from_slice(b"ext-0-foo sha256:00\n");
        assert_eq!(parse(&bytes).unwrap().size, 7);
    }

    #[test]
    fn rejects_unknown_version() {
        let err = parse(&pointer("https://example.com/v9", OID, "1")).unwrap_err();
        assert!(err.to_string().contains("unknown lfs pointer version"));
    }

    #[test]
    fn rejects_bad_oid_and_size() {
        let err = parse(&pointer("https://git-lfs.github.com/spec/v1", "abc", "1")).unwrap_err();
        assert!(err.to_string().contains("64 hexadecimal"));
        let err = parse(&pointer("https://git-lfs.github.com/spec/v1", OID, "-1")).unwrap_err();
        assert!(err.to_string().contains("is not a number"));
        let err = parse(b"version https://git-lfs.github.com/spec/v1\nsize 3\n").unwrap_err();
        assert!(err.to_string().contains("no oid"));
    }

    #[test]
    fn rejects_oversized_and_non_pointer_input() {
        let big = vec![b'v'; MAX_POINTER_BYTES];
        assert!(matches!(parse(&big), Err(FormatError::TooLarge { .. })));
        assert!(!looks_like_pointer(b"PK\x03\x04"));
        assert!(parse(b"hello").is_err());
    }
}
