//! Content sniffing: what a file is, from its first bytes. Extensions lie
//! (`pytorch_model.bin` can be a torch zip, a legacy pickle or an LFS pointer)
//! so weights-like files are identified by magic numbers before any parser
//! is chosen. Only the first [`SNIFF_BYTES`] are ever looked at.

use super::lfs;

/// Enough for every magic number below and for a whole LFS pointer.
pub const SNIFF_BYTES: usize = lfs::MAX_POINTER_BYTES;

/// A weights container format, named as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WeightsFormat {
    Safetensors,
    Gguf,
    /// `torch.save` zip layout (also TorchScript archives).
    TorchZip,
    /// A bare pickle stream or the legacy `torch.save` format.
    Pickle,
    Numpy,
    NumpyZip,
    Onnx,
    Hdf5,
    Keras,
    TfSavedModel,
    TfLite,
    FlaxMsgpack,
    Paddle,
    CoreMl,
    Dduf,
    Other,
}

impl WeightsFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            WeightsFormat::Safetensors => "safetensors",
            WeightsFormat::Gguf => "gguf",
            WeightsFormat::TorchZip => "pytorch-zip",
            WeightsFormat::Pickle => "pickle",
            WeightsFormat::Numpy => "numpy",
            WeightsFormat::NumpyZip => "numpy-npz",
            WeightsFormat::Onnx => "onnx",
            WeightsFormat::Hdf5 => "hdf5",
            WeightsFormat::Keras => "keras",
            WeightsFormat::TfSavedModel => "tf-savedmodel",
            WeightsFormat::TfLite => "tflite",
            WeightsFormat::FlaxMsgpack => "flax-msgpack",
            WeightsFormat::Paddle => "paddle",
            WeightsFormat::CoreMl => "coreml",
            WeightsFormat::Dduf => "dduf",
            WeightsFormat::Other => "other",
        }
    }

    /// Formats whose loading unpickles, i.e. can execute code.
    pub fn is_pickle(self) -> bool {
        matches!(
            self,
            WeightsFormat::TorchZip | WeightsFormat::Pickle | WeightsFormat::Paddle
        )
    }
}

/// The format a weights-like file's extension suggests, before sniffing.
/// `None` means the name does not look like weights.
pub fn weights_format_by_name(file_name: &str) -> Option<WeightsFormat> {
    let lower = file_name.to_ascii_lowercase();
    if lower == "saved_model.pb" || lower == "saved_model.pbtxt" {
        return Some(WeightsFormat::TfSavedModel);
    }
    if lower.starts_with("variables.data-") || lower == "variables.index" {
        return Some(WeightsFormat::TfSavedModel);
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "safetensors" => WeightsFormat::Safetensors,
        "gguf" | "ggml" => WeightsFormat::Gguf,
        "bin" | "pt" | "pth" | "ckpt" | "pkl" | "pickle" | "joblib" | "dill" => {
            WeightsFormat::Pickle
        }
        "npy" => WeightsFormat::Numpy,
        "npz" => WeightsFormat::NumpyZip,
        "onnx" => WeightsFormat::Onnx,
        "h5" | "hdf5" => WeightsFormat::Hdf5,
        "keras" => WeightsFormat::Keras,
        "tflite" => WeightsFormat::TfLite,
        "msgpack" => WeightsFormat::FlaxMsgpack,
        "pdparams" => WeightsFormat::Paddle,
        "mlmodel" => WeightsFormat::CoreMl,
        "dduf" => WeightsFormat::Dduf,
        _ => return None,
    })
}

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    LfsPointer,
    Format(WeightsFormat),
    Unknown,
}

/// Identifies a weights-like file from its first bytes (`head`, at most
/// [`SNIFF_BYTES`]) and the format its name suggests.
pub fn sniff(head: &[u8], by_name: WeightsFormat) -> Sniffed {
    if lfs::looks_like_pointer(head) {
        return Sniffed::LfsPointer;
    }
    if head.starts_with(b"GGUF") || head.starts_with(b"FUGG") {
        return Sniffed::Format(WeightsFormat::Gguf);
    }
    if head.starts_with(b"\x93NUMPY") {
        return Sniffed::Format(WeightsFormat::Numpy);
    }
    if head.starts_with(b"\x89HDF\r\n\x1a\n") {
        return Sniffed::Format(WeightsFormat::Hdf5);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Sniffed::Format(match by_name {
            WeightsFormat::NumpyZip | WeightsFormat::Keras | WeightsFormat::Dduf => by_name,
            _ => WeightsFormat::TorchZip,
        });
    }
    // A safetensors header length whose low bytes read `80 0N` looks like a
    // pickle PROTO opcode. A plausible length (its high bytes zero) followed
    // by a JSON brace at byte 8 is not a pickle, whose third and later bytes
    // are opcodes and operands, so safetensors is tried first.
    if looks_like_safetensors(head) {
        return Sniffed::Format(WeightsFormat::Safetensors);
    }
    // Pickle protocol 2+ opens with PROTO; the legacy torch format's first
    // pickle is the magic number, also PROTO-prefixed.
    if head.first() == Some(&0x80) && head.get(1).is_some_and(|&p| p <= 5) {
        return Sniffed::Format(if by_name == WeightsFormat::Paddle {
            by_name
        } else {
            WeightsFormat::Pickle
        });
    }
    match by_name {
        // Formats without a reliable magic number: trust the name.
        WeightsFormat::Onnx
        | WeightsFormat::TfSavedModel
        | WeightsFormat::TfLite
        | WeightsFormat::FlaxMsgpack
        | WeightsFormat::CoreMl
        | WeightsFormat::Safetensors => return Sniffed::Format(by_name),
        _ => {}
    }
    // What a pickle hides in, whatever the name: a compressed stream
    // (`.pkl.gz`, joblib's compressors), a tar (torch's oldest layout,
    // `.tar.gz` releases), a 7z archive, or a protocol 0/1 pickle, which
    // has no PROTO byte and is recognised by walking its first opcodes.
    if holds_pickle_or_archive(head) {
        return Sniffed::Format(if by_name == WeightsFormat::Paddle {
            by_name
        } else {
            WeightsFormat::Pickle
        });
    }
    Sniffed::Unknown
}

/// `head` opens like a compressed stream, a tar, a 7z archive or a pickle
/// of any protocol.
pub fn holds_pickle_or_archive(head: &[u8]) -> bool {
    super::compressed::codec_of(head).is_some()
        || head.get(257..262) == Some(b"ustar")
        || matches!(head, [0x80, 0..=5, ..])
        || looks_like_old_pickle(head)
}

/// A protocol 0 or 1 pickle: no PROTO byte, so the first opcodes decide.
/// The walk over `head` must either reach `STOP` or run off the end of the
/// head without an error, having seen at least one opcode that builds a
/// container or names a global (plain text rarely survives four opcodes),
/// and every global it names must be a dotted identifier.
pub fn looks_like_old_pickle(head: &[u8]) -> bool {
    if !head
        .first()
        .is_some_and(|b| b"(}])cNKJMXUVSTGFIL".contains(b))
    {
        return false;
    }
    let limits = super::pickle::Limits {
        max_ops: 256,
        max_stack: 4096,
        max_memo: 4096,
    };
    let (scan, consumed) = super::pickle::scan(head, &limits);
    let ran_off_the_head = scan
        .error
        .as_deref()
        .is_some_and(|e| e.contains("without a STOP") || e.contains("ends"));
    // An operand the head's end cuts: a protocol-0 text line with no
    // newline left (`V` strings hold raw array bytes in sklearn pickles,
    // hundreds of bytes long) or a protocol-1 length past the head's end.
    // Only when the head is a cut prefix of a longer file.
    let operand_cut = head.len() >= SNIFF_BYTES
        && scan.error.as_deref().is_some_and(|e| {
            e.contains("no terminating newline")
                || e.contains("remaining bytes")
                || e.contains("remain (")
        });
    let clean = scan.stopped_at_stop
        || scan.truncated_walk
        || operand_cut
        || (ran_off_the_head && consumed + 64 >= head.len());
    let identifiers = scan.imports.iter().all(|i| {
        let ok = |s: &str| {
            !s.is_empty()
                && s.split('.').all(|part| {
                    part.chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                })
        };
        ok(&i.module) && ok(&i.name)
    });
    clean && identifiers && scan.ops >= 3
}

/// An 8-byte little-endian length within the safetensors cap, followed by a
/// JSON object.
fn looks_like_safetensors(head: &[u8]) -> bool {
    let Some(prefix) = head.get(..8) else {
        return false;
    };
    let n = u64::from_le_bytes(prefix.try_into().unwrap_or([0; 8]));
    (2..=super::safetensors::MAX_HEADER_LEN).contains(&n) && head.get(8) == Some(&b'{')
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn bin_files_are_told_apart_by_content() {
        let pickle = sniff(b"\x80\x02}q\x00.", WeightsFormat::Pickle);
        assert_eq!(pickle, Sniffed::Format(WeightsFormat::Pickle));
        let zip = sniff(b"PK\x03\x04\x00\x00", WeightsFormat::Pickle);
        assert_eq!(zip, Sniffed::Format(WeightsFormat::TorchZip));
        let ptr = sniff(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n",
            WeightsFormat::Pickle,
        );
        assert_eq!(ptr, Sniffed::LfsPointer);
        assert_eq!(sniff(b"hello", WeightsFormat::Pickle), Sniffed::Unknown);
    }

    #[test]
    fn a_safetensors_length_that_reads_as_proto_is_still_safetensors() {
        // Header length 0x0480: the file opens with `80 04`, PROTO 4.
        let mut st = 0x0480u64.to_le_bytes().to_vec();
        st.extend_from_slice(b"{\"w\":");
        assert_eq!(
            sniff(&st, WeightsFormat::Safetensors),
            Sniffed::Format(WeightsFormat::Safetensors)
        );
        assert_eq!(
            sniff(&st, WeightsFormat::Other),
            Sniffed::Format(WeightsFormat::Safetensors)
        );
        assert_eq!(
            sniff(b"\x80\x04\x95\x00\x00\x00\x00\x00}", WeightsFormat::Pickle),
            Sniffed::Format(WeightsFormat::Pickle)
        );
    }

    #[test]
    fn safetensors_and_gguf_magic() {
        let mut st = 2u64.to_le_bytes().to_vec();
        st.extend_from_slice(b"{}");
        assert_eq!(
            sniff(&st, WeightsFormat::Pickle),
            Sniffed::Format(WeightsFormat::Safetensors)
        );
        assert_eq!(
            sniff(b"GGUF\x03\x00\x00\x00", WeightsFormat::Other),
            Sniffed::Format(WeightsFormat::Gguf)
        );
    }

    #[test]
    fn pickles_and_archives_are_found_whatever_the_name() {
        // Protocol 0 and 1: no PROTO byte.
        for head in [
            &b"cos\nsystem\n(S'id'\ntR."[..],
            b"(dp0\nS'a'\np1\nI1\ns.",
            b"]q\x00(K\x01K\x02e.",
            b"csklearn.linear_model\nLinearRegression\nq\x00)\x81q\x01}q\x02b.",
        ] {
            assert_eq!(
                sniff(head, WeightsFormat::Other),
                Sniffed::Format(WeightsFormat::Pickle),
                "{head:?}"
            );
        }
        for text in [
            &b"(c) 2024 the authors\n"[..],
            b"Some notes",
            b"# title",
            b"[section]\nkey = value\n",
            b"}",
            b"Loading...",
            b"cat and dog\n",
        ] {
            assert_eq!(
                sniff(text, WeightsFormat::Other),
                Sniffed::Unknown,
                "{text:?}"
            );
        }
        assert_eq!(
            sniff(b"\x1f\x8b\x08\x00", WeightsFormat::Other),
            Sniffed::Format(WeightsFormat::Pickle)
        );
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(
            sniff(&tar, WeightsFormat::Other),
            Sniffed::Format(WeightsFormat::Pickle)
        );
        // A name without a magic number keeps its format.
        assert_eq!(
            sniff(b"\x78\x9c", WeightsFormat::Onnx),
            Sniffed::Format(WeightsFormat::Onnx)
        );
    }

    #[test]
    fn names_map_to_formats() {
        assert_eq!(
            weights_format_by_name("model-00001-of-00002.safetensors"),
            Some(WeightsFormat::Safetensors)
        );
        assert_eq!(
            weights_format_by_name("pytorch_model.bin"),
            Some(WeightsFormat::Pickle)
        );
        assert_eq!(
            weights_format_by_name("saved_model.pb"),
            Some(WeightsFormat::TfSavedModel)
        );
        assert_eq!(weights_format_by_name("graph.pb"), None);
        assert_eq!(weights_format_by_name("README.md"), None);
        assert_eq!(weights_format_by_name("noext"), None);
    }
}
