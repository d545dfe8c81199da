//! Compressed streams a pickle hides in: gzip (`.pkl.gz`, `.tar.gz`),
//! zlib (joblib's default compressor, and its old `ZF` files), bzip2, xz,
//! raw lzma (joblib's `compress=("xz"|"lzma", n)`) and LZ4 frames
//! (joblib's `compress="lz4"`). Recognised by magic number, decoded into
//! a buffer that never grows past the caller's cap: a decompression bomb
//! costs at most the cap, never its claimed size.
//! 7z archives are recognised here and opened by [`super::sevenz`].

use super::FormatError;
use std::io::Read;

/// A compression format, by magic number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Zlib,
    /// joblib < 0.10: `ZF`, the length as hex text, then a zlib stream.
    JoblibZf,
    Bzip2,
    Xz,
    Lzma,
    Lz4,
    /// An archive, not a stream: opened by [`super::sevenz`].
    SevenZip,
}

impl Codec {
    pub fn as_str(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Zlib => "zlib",
            Codec::JoblibZf => "joblib zlib",
            Codec::Bzip2 => "bzip2",
            Codec::Xz => "xz",
            Codec::Lzma => "lzma",
            Codec::Lz4 => "lz4",
            Codec::SevenZip => "7z",
        }
    }
}

/// The codec whose magic `head` starts with.
pub fn codec_of(head: &[u8]) -> Option<Codec> {
    match head {
        [0x1f, 0x8b, 8, ..] => Some(Codec::Gzip),
        [b'B', b'Z', b'h', b'1'..=b'9', ..] => Some(Codec::Bzip2),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Some(Codec::Xz),
        [b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c, ..] => Some(Codec::SevenZip),
        [0x04, 0x22, 0x4d, 0x18, ..] => Some(Codec::Lz4),
        // lzma-alone: properties byte 0x5d (lc=3 lp=0 pb=2, what every
        // encoder writes) and a dictionary size of at least 64 KiB.
        [0x5d, 0, _, _, 0, ..] | [0x5d, 0, 0, _, _, ..] => Some(Codec::Lzma),
        [b'Z', b'F', b'0', b'x', ..] => Some(Codec::JoblibZf),
        // zlib: deflate with a 32 KiB window or less, header check valid.
        [cmf, flg, ..]
            if cmf & 0x0f == 8
                && cmf >> 4 <= 7
                && (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 == 0
                && flg & 0x20 == 0 =>
        {
            Some(Codec::Zlib)
        }
        _ => None,
    }
}

/// What came out of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    /// The stream holds more than the cap allowed out.
    pub cut: bool,
    /// The stream is corrupt after `bytes` (kept: a payload before a broken
    /// tail still runs in Python).
    pub error: Option<String>,
}

/// Decodes `input` as `codec`, keeping at most `cap` bytes. A stream that
/// yields nothing before its first error is an error; one that breaks later
/// keeps what came before.
pub fn decode(codec: Codec, input: &[u8], cap: u64) -> Result<Decoded, FormatError> {
    let decoded = decode_any(codec, input, cap)?;
    match decoded.error {
        Some(e) if decoded.bytes.is_empty() => Err(FormatError::invalid(e)),
        _ => Ok(decoded),
    }
}

fn decode_any(codec: Codec, input: &[u8], cap: u64) -> Result<Decoded, FormatError> {
    match codec {
        Codec::Gzip => Ok(read_capped(flate2::read::MultiGzDecoder::new(input), cap)),
        Codec::Zlib => Ok(read_capped(flate2::read::ZlibDecoder::new(input), cap)),
        Codec::JoblibZf => {
            // `ZF0x<hex length>` padded with spaces, then the zlib stream.
            let start = input
                .iter()
                .take(32)
                .skip(4)
                .position(|&b| b == 0x78)
                .map(|i| i + 4)
                .ok_or_else(|| FormatError::invalid("joblib ZF header without a zlib stream"))?;
            let rest = input.get(start..).unwrap_or_default();
            Ok(read_capped(flate2::read::ZlibDecoder::new(rest), cap))
        }
        Codec::Bzip2 => Ok(read_capped(bzip2::read::MultiBzDecoder::new(input), cap)),
        Codec::Lz4 => Ok(read_capped(lz4_flex::frame::FrameDecoder::new(input), cap)),
        Codec::Xz => {
            // A block's dictionary is allocated before its first byte is
            // decoded: a header may not ask for more than xz's largest
            // preset uses.
            let reader = lzma_rust2::XzReader::new_mem_limit(input, true, XZ_MEM_LIMIT_KB);
            Ok(read_capped(reader, cap))
        }
        Codec::Lzma => {
            // props (1), dictionary size (4, LE), unpacked size (8, LE;
            // all ones when unknown), then the raw LZMA stream.
            let (Some(&props), Some(dict), Some(size), Some(stream)) = (
                input.first(),
                input.get(1..5).and_then(|b| <[u8; 4]>::try_from(b).ok()),
                input.get(5..13).and_then(|b| <[u8; 8]>::try_from(b).ok()),
                input.get(13..),
            ) else {
                return Err(FormatError::invalid("lzma stream shorter than its header"));
            };
            let reader = lzma_raw(
                stream,
                props,
                u32::from_le_bytes(dict),
                u64::from_le_bytes(size),
                cap,
            )
            .map_err(|e| FormatError::invalid(format!("lzma stream is corrupt: {e}")))?;
            Ok(read_capped(reader, cap))
        }
        Codec::SevenZip => Err(FormatError::invalid(
            "7z archives are not opened; the content was not scanned",
        )),
    }
}

/// Reads at most `cap` bytes out of a decoder.
pub fn read_capped(r: impl Read, cap: u64) -> Decoded {
    let mut bytes = Vec::new();
    // One byte past the cap tells whether there was more.
    let res = r.take(cap.saturating_add(1)).read_to_end(&mut bytes);
    let cut = bytes.len() as u64 > cap;
    bytes.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
    Decoded {
        bytes,
        cut,
        error: res
            .err()
            .map(|e| format!("compressed stream is corrupt: {e}")),
    }
}

/// xz's largest preset (`-9`) uses a 64 MiB dictionary; the decoder's
/// own buffers add under 1 MiB.
pub const XZ_MEM_LIMIT_KB: u32 = (64 << 10) + 1024;

/// Bytes of dictionary a decoder needs to produce its first `cap` bytes
/// exactly: no match reaches further back than the output so far, so a
/// dictionary larger than the output is never read past it. A header's
/// declared size (up to 4 GiB) is therefore cut to this, and a hostile one
/// costs no more than the cap.
pub fn dictionary_for(declared: u32, cap: u64) -> u32 {
    let needed = cap.saturating_add(DICTIONARY_SLACK);
    u32::try_from(needed).map_or(declared, |n| declared.min(n))
}

/// Room past the cap: [`read_capped`] reads one byte more than it keeps.
const DICTIONARY_SLACK: u64 = 4096;

/// A raw LZMA stream (no `.lzma` header) whose first `cap` bytes are wanted.
pub fn lzma_raw(
    stream: &[u8],
    props: u8,
    declared_dictionary: u32,
    unpacked: u64,
    cap: u64,
) -> std::io::Result<lzma_rust2::LzmaReader<&[u8]>> {
    lzma_rust2::LzmaReader::new_with_props(
        stream,
        unpacked,
        props,
        dictionary_for(declared_dictionary, cap),
        None,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::io::Write;

    const PICKLE: &[u8] = b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.";

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn bz2(data: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn xz(data: &[u8]) -> Vec<u8> {
        let mut w =
            lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(6)).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    fn lzma(data: &[u8]) -> Vec<u8> {
        let options = lzma_rust2::LzmaOptions::with_preset(6);
        let mut w =
            lzma_rust2::LzmaWriter::new_use_header(Vec::new(), &options, Some(data.len() as u64))
                .unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    fn lz4(data: &[u8]) -> Vec<u8> {
        let mut e = lz4_flex::frame::FrameEncoder::new(Vec::new());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn every_codec_round_trips_by_magic() {
        for (want, packed) in [
            (Codec::Lz4, lz4(PICKLE)),
            (Codec::Gzip, gzip(PICKLE)),
            (Codec::Zlib, zlib(PICKLE)),
            (Codec::Bzip2, bz2(PICKLE)),
            (Codec::Xz, xz(PICKLE)),
            (Codec::Lzma, lzma(PICKLE)),
        ] {
            assert_eq!(codec_of(&packed), Some(want));
            let d = decode(want, &packed, 1 << 20).unwrap();
            assert_eq!(d.bytes, PICKLE, "{want:?}");
            assert!(!d.cut && d.error.is_none(), "{want:?}");
        }
        let mut zf = b"ZF0x20            ".to_vec();
        zf.extend(zlib(PICKLE));
        assert_eq!(codec_of(&zf), Some(Codec::JoblibZf));
        assert_eq!(decode(Codec::JoblibZf, &zf, 1 << 20).unwrap().bytes, PICKLE);
    }

    #[test]
    fn bombs_stop_at_the_cap() {
        let zeros = vec![0u8; 256 << 10];
        for (codec, packed) in [
            (Codec::Gzip, gzip(&zeros)),
            (Codec::Zlib, zlib(&zeros)),
            (Codec::Bzip2, bz2(&zeros)),
            (Codec::Xz, xz(&zeros)),
            (Codec::Lzma, lzma(&zeros)),
            (Codec::Lz4, lz4(&zeros)),
        ] {
            let d = decode(codec, &packed, 1000).unwrap();
            assert!(d.bytes.len() <= 1000, "{codec:?}");
            assert!(d.cut, "{codec:?}");
        }
    }

    #[test]
    fn corrupt_streams_keep_what_came_before() {
        let mut packed = gzip(PICKLE);
        let n = packed.len();
        packed.truncate(n - 4);
        let d = decode(Codec::Gzip, &packed, 1 << 20).unwrap();
        assert_eq!(d.bytes, PICKLE);
        assert!(d.error.is_some());
        assert!(decode(Codec::Xz, b"\xfd7zXZ\x00garbage", 100).is_err());
        assert!(decode(Codec::SevenZip, b"7z\xbc\xaf\x27\x1c", 100).is_err());
        assert!(decode(Codec::JoblibZf, b"ZF0x", 100).is_err());
        assert_eq!(codec_of(b"hello"), None);
        assert_eq!(codec_of(b""), None);
        for len in 0..64 {
            let _ = decode(Codec::Bzip2, &vec![b'B'; len], 100);
            let _ = decode(Codec::Lzma, &vec![0x5d; len], 100);
        }
    }
}
