//! 7z archives, read statically so a pickle packed in one (nullifAI's
//! 7z-packed `.pt` files, picklescan's 7z support) is walked like any
//! other. The container is parsed by hand from the format's own
//! description (`7zFormat.txt` in the LZMA SDK): signature header, the
//! (possibly LZMA-packed) header, folders of coders, substreams and names.
//! Only the decoders come from crates, with the dictionary size chosen
//! here ([`compressed::dictionary_for`]): a header's declared dictionary
//! (up to 4 GiB) never reaches an allocator.
//!
//! Every count in the header is capped and every loop consumes input, so a
//! hostile header costs its own length. Folders decode into a buffer that
//! stops at the caller's cap; members past it are reported, not read.
//! Encrypted folders (7zAES) and coders we do not decode (ARM and other
//! non-x86 branch filters, zstd and the like from 7-Zip forks) are
//! reported as not scanned, never guessed at.

use super::FormatError;
use super::compressed::{self, Decoded};
use std::io::Read;

pub const SIGNATURE: &[u8; 6] = b"7z\xbc\xaf\x27\x1c";

/// Caps on what a header may declare; real archives are far below them.
const MAX_FILES: u64 = 100_000;
const MAX_FOLDERS: u64 = 10_000;
const MAX_CODERS: u64 = 4;
const MAX_PACK_STREAMS: u64 = 10_000;
/// A packed header (kEncodedHeader) decodes to at most this much.
const MAX_HEADER_BYTES: u64 = 16 << 20;
/// Headers packed inside packed headers: 7-Zip writes one level.
const MAX_HEADER_NESTING: u8 = 4;

/// Property ids (`NID` in 7zFormat.txt).
mod nid {
    pub const END: u8 = 0x00;
    pub const HEADER: u8 = 0x01;
    pub const ARCHIVE_PROPERTIES: u8 = 0x02;
    pub const ADDITIONAL_STREAMS_INFO: u8 = 0x03;
    pub const MAIN_STREAMS_INFO: u8 = 0x04;
    pub const FILES_INFO: u8 = 0x05;
    pub const PACK_INFO: u8 = 0x06;
    pub const UNPACK_INFO: u8 = 0x07;
    pub const SUBSTREAMS_INFO: u8 = 0x08;
    pub const SIZE: u8 = 0x09;
    pub const CRC: u8 = 0x0a;
    pub const FOLDER: u8 = 0x0b;
    pub const CODERS_UNPACK_SIZE: u8 = 0x0c;
    pub const NUM_UNPACK_STREAM: u8 = 0x0d;
    pub const EMPTY_STREAM: u8 = 0x0e;
    pub const NAME: u8 = 0x11;
    pub const ENCODED_HEADER: u8 = 0x17;
}

/// One coder of a folder: its method id and properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coder {
    pub method: Vec<u8>,
    pub properties: Vec<u8>,
    pub inputs: u64,
    pub outputs: u64,
}

/// A folder: coders bound into a chain, fed by packed streams.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Folder {
    pub coders: Vec<Coder>,
    /// (coder input index, coder output index) pairs.
    pub bind_pairs: Vec<(u64, u64)>,
    /// Coder input indices fed by the folder's packed streams, in order.
    pub packed_inputs: Vec<u64>,
    /// One size per coder output, in coder order.
    pub unpack_sizes: Vec<u64>,
    /// Where the folder's first packed stream starts in the file, and the
    /// packed streams' sizes.
    pub pack_start: u64,
    pub pack_sizes: Vec<u64>,
}

/// A file inside the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    /// `None` for directories and empty files.
    pub folder: Option<usize>,
    /// Offset of the member's bytes in its folder's output.
    pub offset: u64,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Archive {
    pub folders: Vec<Folder>,
    pub members: Vec<Member>,
}

impl Folder {
    /// The coder output nothing is bound to: the folder's result.
    fn main_output(&self) -> Option<u64> {
        let total: u64 = self.coders.iter().map(|c| c.outputs).sum();
        (0..total).find(|o| !self.bind_pairs.iter().any(|&(_, out)| out == *o))
    }

    pub fn unpack_size(&self) -> u64 {
        self.main_output()
            .and_then(|o| usize::try_from(o).ok())
            .and_then(|o| self.unpack_sizes.get(o).copied())
            .unwrap_or(0)
    }

    /// A human name for the folder's methods, outermost first (`BCJ+LZMA2`).
    pub fn methods(&self) -> String {
        let names: Vec<String> = self.coders.iter().map(|c| method_name(&c.method)).collect();
        names.join("+")
    }

    pub fn encrypted(&self) -> bool {
        self.coders.iter().any(|c| c.method == AES)
    }
}

const COPY: &[u8] = &[0x00];
const DELTA: &[u8] = &[0x03];
const BCJ_X86: &[u8] = &[0x03, 0x03, 0x01, 0x03];
const LZMA: &[u8] = &[0x03, 0x01, 0x01];
const LZMA2: &[u8] = &[0x21];
const DEFLATE: &[u8] = &[0x04, 0x01, 0x08];
const BZIP2: &[u8] = &[0x04, 0x02, 0x02];
const AES: &[u8] = &[0x06, 0xf1, 0x07, 0x01];
const PPMD: &[u8] = &[0x03, 0x04, 0x01];
const BCJ2: &[u8] = &[0x03, 0x03, 0x01, 0x1b];

fn method_name(id: &[u8]) -> String {
    match id {
        COPY => "Copy".to_owned(),
        DELTA => "Delta".to_owned(),
        BCJ_X86 => "BCJ".to_owned(),
        LZMA => "LZMA".to_owned(),
        LZMA2 => "LZMA2".to_owned(),
        DEFLATE => "Deflate".to_owned(),
        BZIP2 => "BZip2".to_owned(),
        AES => "7zAES".to_owned(),
        PPMD => "PPMd".to_owned(),
        BCJ2 => "BCJ2".to_owned(),
        other => {
            let hex: Vec<String> = other.iter().map(|b| format!("{b:02x}")).collect();
            format!("method {}", hex.join(""))
        }
    }
}

/// A bounds-checked reader over header bytes.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data, at: 0 }
    }

    fn eof() -> FormatError {
        FormatError::invalid("7z header ends in the middle of a record")
    }

    fn byte(&mut self) -> Result<u8, FormatError> {
        let b = *self.data.get(self.at).ok_or_else(Self::eof)?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], FormatError> {
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| self.at.checked_add(n))
            .filter(|&e| e <= self.data.len())
            .ok_or_else(Self::eof)?;
        let out = self.data.get(self.at..end).ok_or_else(Self::eof)?;
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes(b.try_into().unwrap_or_default()))
    }

    /// 7z's variable-length number: the first byte's leading one bits say
    /// how many little-endian bytes follow; its remaining bits are the top.
    fn number(&mut self) -> Result<u64, FormatError> {
        let first = self.byte()?;
        let mut mask = 0x80u8;
        let mut value = 0u64;
        for i in 0..8u32 {
            if first & mask == 0 {
                let high = u64::from(first & mask.wrapping_sub(1));
                return Ok(value | high.checked_shl(8 * i).unwrap_or(0));
            }
            value |= u64::from(self.byte()?) << (8 * i);
            mask >>= 1;
        }
        Ok(value)
    }

    /// A number that counts things, refused over `cap`. Loops over it still
    /// read input each turn, so the header's length bounds them too.
    fn count(&mut self, cap: u64, what: &str) -> Result<u64, FormatError> {
        let n = self.number()?;
        if n > cap {
            return Err(FormatError::invalid(format!(
                "7z header declares {n} {what}, more than the {cap} read"
            )));
        }
        Ok(n)
    }

    fn bits(&mut self, n: u64) -> Result<Vec<bool>, FormatError> {
        let mut out = Vec::new();
        let mut byte = 0u8;
        for i in 0..n {
            if i % 8 == 0 {
                byte = self.byte()?;
            }
            out.push(byte & (0x80 >> (i % 8)) != 0);
        }
        Ok(out)
    }

    /// `AllAreDefined` then a bit field: which of `n` items are set.
    fn defined(&mut self, n: u64) -> Result<Vec<bool>, FormatError> {
        if self.byte()? != 0 {
            Ok(vec![true; usize::try_from(n).unwrap_or(0)])
        } else {
            self.bits(n)
        }
    }

    /// Skips `n` optional CRCs; says which were given.
    fn digests(&mut self, n: u64) -> Result<Vec<bool>, FormatError> {
        let defined = self.defined(n)?;
        for _ in defined.iter().filter(|&&d| d) {
            self.u32()?;
        }
        Ok(defined)
    }

    fn expect(&mut self, id: u8, what: &str) -> Result<(), FormatError> {
        let got = self.byte()?;
        if got == id {
            Ok(())
        } else {
            Err(FormatError::invalid(format!(
                "7z header: expected {what}, found property {got:#04x}"
            )))
        }
    }
}

/// What a StreamsInfo record says.
#[derive(Default)]
struct Streams {
    folders: Vec<Folder>,
    /// Substreams per folder, and each substream's size.
    substreams: Vec<Vec<u64>>,
}

/// Reads the archive's header; packed headers are decoded within
/// [`MAX_HEADER_BYTES`] (and `cap`, when smaller), which is returned as
/// the bytes spent.
pub fn parse(file: &[u8], cap: u64) -> Result<(Archive, u64), FormatError> {
    if !file.starts_with(SIGNATURE) {
        return Err(FormatError::invalid("not a 7z archive"));
    }
    let mut start = Bytes::new(
        file.get(12..32)
            .ok_or_else(|| FormatError::invalid("7z signature header is shorter than 32 bytes"))?,
    );
    let next_offset = u64::from_le_bytes(start.take(8)?.try_into().unwrap_or_default());
    let next_size = u64::from_le_bytes(start.take(8)?.try_into().unwrap_or_default());
    let header = next_offset
        .checked_add(32)
        .and_then(|s| Some((s, s.checked_add(next_size)?)))
        .and_then(|(s, e)| Some((usize::try_from(s).ok()?, usize::try_from(e).ok()?)))
        .and_then(|(s, e)| file.get(s..e))
        .ok_or_else(|| {
            FormatError::invalid(format!(
                "7z header ({next_size} bytes at {next_offset}) lies past the end of the file: truncated"
            ))
        })?;
    if header.is_empty() {
        return Ok((Archive::default(), 0));
    }
    let mut spent = 0u64;
    let mut owned: Vec<u8>;
    let mut bytes = header;
    for _ in 0..MAX_HEADER_NESTING {
        let mut r = Bytes::new(bytes);
        match r.byte()? {
            nid::HEADER => return Ok((read_header(&mut r)?, spent)),
            nid::ENCODED_HEADER => {
                let streams = read_streams(&mut r)?;
                let folder = streams
                    .folders
                    .first()
                    .ok_or_else(|| FormatError::invalid("7z packed header without a folder"))?;
                let limit = MAX_HEADER_BYTES.min(cap.saturating_sub(spent));
                let decoded = unpack(file, folder, limit)
                    .map_err(|e| FormatError::invalid(format!("7z packed header: {e}")))?;
                spent = spent.saturating_add(decoded.bytes.len() as u64);
                if decoded.cut {
                    return Err(FormatError::invalid(format!(
                        "7z packed header decodes to more than {limit} bytes; not read"
                    )));
                }
                if let Some(e) = decoded.error {
                    return Err(FormatError::invalid(format!("7z packed header: {e}")));
                }
                owned = decoded.bytes;
                bytes = &owned;
            }
            other => {
                return Err(FormatError::invalid(format!(
                    "7z header starts with property {other:#04x}, neither a header nor a packed one"
                )));
            }
        }
    }
    Err(FormatError::invalid(
        "7z headers packed more than 4 deep; not read",
    ))
}

fn read_header(r: &mut Bytes) -> Result<Archive, FormatError> {
    let mut id = r.byte()?;
    if id == nid::ARCHIVE_PROPERTIES {
        // Type, size, bytes; until a zero type.
        loop {
            let kind = r.byte()?;
            if kind == nid::END {
                break;
            }
            let size = r.number()?;
            r.take(size)?;
        }
        id = r.byte()?;
    }
    if id == nid::ADDITIONAL_STREAMS_INFO {
        read_streams(r)?;
        id = r.byte()?;
    }
    let mut streams = Streams::default();
    if id == nid::MAIN_STREAMS_INFO {
        streams = read_streams(r)?;
        id = r.byte()?;
    }
    let mut archive = Archive {
        folders: streams.folders,
        members: Vec::new(),
    };
    if id == nid::FILES_INFO {
        archive.members = read_files(r, &streams.substreams)?;
        id = r.byte()?;
    } else {
        // No names: one member per substream, named by position.
        archive.members = unnamed_members(&streams.substreams);
    }
    if id != nid::END {
        return Err(FormatError::invalid(format!(
            "7z header: unexpected property {id:#04x}"
        )));
    }
    Ok(archive)
}

fn unnamed_members(substreams: &[Vec<u64>]) -> Vec<Member> {
    let mut out = Vec::new();
    for (folder, sizes) in substreams.iter().enumerate() {
        let mut offset = 0u64;
        for &size in sizes {
            out.push(Member {
                name: format!("stream {}", out.len() + 1),
                folder: Some(folder),
                offset,
                size,
            });
            offset = offset.saturating_add(size);
        }
    }
    out
}

fn read_streams(r: &mut Bytes) -> Result<Streams, FormatError> {
    let mut pack_pos = 0u64;
    let mut pack_sizes: Vec<u64> = Vec::new();
    let mut folders: Vec<Folder> = Vec::new();
    let mut folder_crcs: Vec<bool> = Vec::new();
    let mut substream_sizes: Option<Vec<Vec<u64>>> = None;
    loop {
        match r.byte()? {
            nid::END => break,
            nid::PACK_INFO => {
                pack_pos = r.number()?;
                let n = r.count(MAX_PACK_STREAMS, "packed streams")?;
                loop {
                    match r.byte()? {
                        nid::END => break,
                        nid::SIZE => {
                            pack_sizes.clear();
                            for _ in 0..n {
                                pack_sizes.push(r.number()?);
                            }
                        }
                        nid::CRC => {
                            r.digests(n)?;
                        }
                        other => skip_property(r, other)?,
                    }
                }
            }
            nid::UNPACK_INFO => {
                r.expect(nid::FOLDER, "the folder list")?;
                let n = r.count(MAX_FOLDERS, "folders")?;
                if r.byte()? != 0 {
                    return Err(FormatError::invalid(
                        "7z folders stored outside the header are not supported",
                    ));
                }
                for _ in 0..n {
                    folders.push(read_folder(r)?);
                }
                r.expect(nid::CODERS_UNPACK_SIZE, "the coders' unpacked sizes")?;
                for folder in &mut folders {
                    let outputs: u64 = folder.coders.iter().map(|c| c.outputs).sum();
                    for _ in 0..outputs {
                        folder.unpack_sizes.push(r.number()?);
                    }
                }
                loop {
                    match r.byte()? {
                        nid::END => break,
                        nid::CRC => folder_crcs = r.digests(n)?,
                        other => skip_property(r, other)?,
                    }
                }
            }
            nid::SUBSTREAMS_INFO => {
                let mut counts = vec![1u64; folders.len()];
                let mut id = r.byte()?;
                if id == nid::NUM_UNPACK_STREAM {
                    let mut total = 0u64;
                    for c in &mut counts {
                        *c = r.count(MAX_FILES, "streams in a folder")?;
                        total = total.saturating_add(*c);
                        if total > MAX_FILES {
                            return Err(FormatError::invalid(format!(
                                "7z header declares more than {MAX_FILES} streams"
                            )));
                        }
                    }
                    id = r.byte()?;
                }
                let mut sizes = Vec::new();
                let with_sizes = id == nid::SIZE;
                for (folder, &count) in folders.iter().zip(&counts) {
                    let mut these = Vec::new();
                    if count == 0 {
                        sizes.push(these);
                        continue;
                    }
                    let mut sum = 0u64;
                    if with_sizes {
                        for _ in 1..count {
                            let s = r.number()?;
                            sum = sum.saturating_add(s);
                            these.push(s);
                        }
                    }
                    these.push(folder.unpack_size().saturating_sub(sum));
                    sizes.push(these);
                }
                if with_sizes {
                    id = r.byte()?;
                }
                loop {
                    match id {
                        nid::END => break,
                        nid::CRC => {
                            // One digest per stream whose CRC its folder
                            // does not already give (a folder of one
                            // stream with its own CRC).
                            let n: u64 = counts
                                .iter()
                                .enumerate()
                                .map(|(i, &c)| {
                                    let known = c == 1 && folder_crcs.get(i) == Some(&true);
                                    if known { 0 } else { c }
                                })
                                .sum();
                            r.digests(n)?;
                        }
                        other => skip_property(r, other)?,
                    }
                    id = r.byte()?;
                }
                substream_sizes = Some(sizes);
            }
            other => {
                return Err(FormatError::invalid(format!(
                    "7z streams info: unexpected property {other:#04x}"
                )));
            }
        }
    }
    // Place each folder's packed streams in the file.
    let mut next_pack = 0usize;
    let mut offset = pack_pos.saturating_add(32);
    for folder in &mut folders {
        folder.pack_start = offset;
        for _ in 0..folder.packed_inputs.len().max(1) {
            let size = pack_sizes.get(next_pack).copied().unwrap_or(0);
            folder.pack_sizes.push(size);
            offset = offset.saturating_add(size);
            next_pack += 1;
        }
    }
    let substreams =
        substream_sizes.unwrap_or_else(|| folders.iter().map(|f| vec![f.unpack_size()]).collect());
    Ok(Streams {
        folders,
        substreams,
    })
}

/// Properties this reader does not use still carry their size: skip them.
fn skip_property(r: &mut Bytes, id: u8) -> Result<(), FormatError> {
    let size = r.number()?;
    r.take(size).map(|_| ()).map_err(|_| {
        FormatError::invalid(format!(
            "7z header: property {id:#04x} runs past the header's end"
        ))
    })
}

fn read_folder(r: &mut Bytes) -> Result<Folder, FormatError> {
    let mut folder = Folder::default();
    let n = r.count(MAX_CODERS, "coders in one folder")?;
    if n == 0 {
        return Err(FormatError::invalid("7z folder without coders"));
    }
    let (mut inputs, mut outputs) = (0u64, 0u64);
    for _ in 0..n {
        let flags = r.byte()?;
        let method = r.take(u64::from(flags & 0x0f))?.to_vec();
        let (ins, outs) = if flags & 0x10 != 0 {
            (
                r.count(MAX_CODERS, "coder inputs")?,
                r.count(MAX_CODERS, "coder outputs")?,
            )
        } else {
            (1, 1)
        };
        let properties = if flags & 0x20 != 0 {
            let size = r.number()?;
            r.take(size)?.to_vec()
        } else {
            Vec::new()
        };
        if flags & 0x80 != 0 {
            return Err(FormatError::invalid(
                "7z coder with alternative methods (never written by 7-Zip)",
            ));
        }
        inputs += ins;
        outputs += outs;
        folder.coders.push(Coder {
            method,
            properties,
            inputs: ins,
            outputs: outs,
        });
    }
    let pairs = outputs
        .checked_sub(1)
        .ok_or_else(|| FormatError::invalid("7z folder whose coders have no output"))?;
    for _ in 0..pairs {
        folder.bind_pairs.push((r.number()?, r.number()?));
    }
    let packed = inputs
        .checked_sub(pairs)
        .filter(|&p| p >= 1)
        .ok_or_else(|| FormatError::invalid("7z folder binds more streams than it has"))?;
    if packed == 1 {
        let free = (0..inputs).find(|i| !folder.bind_pairs.iter().any(|&(inp, _)| inp == *i));
        folder.packed_inputs.push(free.unwrap_or(0));
    } else {
        for _ in 0..packed {
            folder.packed_inputs.push(r.number()?);
        }
    }
    Ok(folder)
}

fn read_files(r: &mut Bytes, substreams: &[Vec<u64>]) -> Result<Vec<Member>, FormatError> {
    let n = r.count(MAX_FILES, "files")?;
    let mut empty: Vec<bool> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    loop {
        let id = r.byte()?;
        if id == nid::END {
            break;
        }
        let size = r.number()?;
        let body = r.take(size)?;
        let mut p = Bytes::new(body);
        match id {
            nid::EMPTY_STREAM => empty = p.bits(n)?,
            nid::NAME => {
                if p.byte()? != 0 {
                    return Err(FormatError::invalid(
                        "7z names stored outside the header are not supported",
                    ));
                }
                let units: Vec<u16> = body
                    .get(1..)
                    .unwrap_or_default()
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes(c.try_into().unwrap_or_default()))
                    .collect();
                names = units
                    .split(|&u| u == 0)
                    .take(usize::try_from(n).unwrap_or(0))
                    .map(|s| {
                        char::decode_utf16(s.iter().copied())
                            .map(|c| c.unwrap_or('\u{fffd}'))
                            .collect()
                    })
                    .collect();
            }
            // Times, attributes, anti-items, padding: not needed.
            _ => {}
        }
    }
    let mut streams = substreams.iter().enumerate().flat_map(|(folder, sizes)| {
        let mut offset = 0u64;
        sizes.iter().map(move |&size| {
            let at = offset;
            offset = offset.saturating_add(size);
            (folder, at, size)
        })
    });
    let mut members = Vec::new();
    for i in 0..usize::try_from(n).unwrap_or(0) {
        let name = names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("file {}", i + 1));
        if empty.get(i).copied().unwrap_or(false) {
            members.push(Member {
                name,
                folder: None,
                offset: 0,
                size: 0,
            });
            continue;
        }
        let Some((folder, offset, size)) = streams.next() else {
            break;
        };
        members.push(Member {
            name,
            folder: Some(folder),
            offset,
            size,
        });
    }
    Ok(members)
}

/// Decodes a folder's output, keeping at most `cap` bytes. An encrypted
/// folder or a coder this reader lacks is an error naming it.
pub fn unpack(file: &[u8], folder: &Folder, cap: u64) -> Result<Decoded, FormatError> {
    if folder.encrypted() {
        return Err(FormatError::invalid(format!(
            "the folder is encrypted with 7zAES ({}); its content cannot be read without the password",
            folder.methods()
        )));
    }
    let output = folder
        .main_output()
        .ok_or_else(|| FormatError::invalid("7z folder has no unbound output"))?;
    let reader = coder_chain(file, folder, output, cap, 0)?;
    Ok(compressed::read_capped(reader, cap))
}

/// The coder owning output `output`, and its first input's index.
fn coder_of_output(folder: &Folder, output: u64) -> Option<(usize, u64)> {
    let (mut out_base, mut in_base) = (0u64, 0u64);
    for (i, c) in folder.coders.iter().enumerate() {
        if output < out_base + c.outputs {
            return Some((i, in_base));
        }
        out_base += c.outputs;
        in_base += c.inputs;
    }
    None
}

/// A reader producing coder output `output`: the coder's decoder over its
/// inputs, each another coder's output or a packed stream, and never more
/// than the size the folder declares for that output.
fn coder_chain<'a>(
    file: &'a [u8],
    folder: &Folder,
    output: u64,
    cap: u64,
    depth: usize,
) -> Result<Box<dyn Read + 'a>, FormatError> {
    let looped = || FormatError::invalid("7z folder's coders bind into a loop");
    let (index, first_input) = coder_of_output(folder, output)
        .filter(|_| depth < folder.coders.len())
        .ok_or_else(looped)?;
    let coder = folder.coders.get(index).ok_or_else(looped)?;
    if coder.outputs != 1 {
        return Err(FormatError::invalid(format!(
            "the folder uses {}, a coder of several outputs that openness does not decode",
            method_name(&coder.method)
        )));
    }
    let mut sources = Vec::new();
    for input in first_input..first_input.saturating_add(coder.inputs) {
        sources.push(input_stream(file, folder, input, cap, depth)?);
    }
    let unpacked = usize::try_from(output)
        .ok()
        .and_then(|o| folder.unpack_sizes.get(o).copied())
        .unwrap_or(u64::MAX);
    let decoded = decoder(coder, sources, unpacked, cap)?;
    Ok(Box::new(decoded.take(unpacked)))
}

/// Coder input `input`: a bound coder's output, or one of the folder's
/// packed streams, sliced from the file.
fn input_stream<'a>(
    file: &'a [u8],
    folder: &Folder,
    input: u64,
    cap: u64,
    depth: usize,
) -> Result<Box<dyn Read + 'a>, FormatError> {
    if let Some(&(_, bound)) = folder.bind_pairs.iter().find(|&&(i, _)| i == input) {
        return coder_chain(file, folder, bound, cap, depth + 1);
    }
    let nth = folder
        .packed_inputs
        .iter()
        .position(|&i| i == input)
        .ok_or_else(|| FormatError::invalid("7z coder input bound to no stream"))?;
    let before: u64 = folder.pack_sizes.iter().take(nth).sum();
    let size = folder.pack_sizes.get(nth).copied().unwrap_or(0);
    let start = folder.pack_start.saturating_add(before);
    let packed = usize::try_from(start)
        .ok()
        .zip(usize::try_from(start.saturating_add(size)).ok())
        .and_then(|(s, e)| file.get(s..e.min(file.len())))
        .ok_or_else(|| FormatError::invalid("7z packed stream lies past the end of the file"))?;
    Ok(Box::new(packed))
}

/// The PPMd model's memory is allocated and written whole before decoding
/// (a 256 MiB model cost 300 MiB of RSS): 64 MiB is what 7-Zip 25 asks at
/// `-mx=7` (16 MiB by default); `-mx=9` (256 MiB) is reported as not
/// scanned.
const MAX_PPMD_MEMORY: u32 = 64 << 20;

fn decoder<'a>(
    coder: &Coder,
    mut sources: Vec<Box<dyn Read + 'a>>,
    unpacked: u64,
    cap: u64,
) -> Result<Box<dyn Read + 'a>, FormatError> {
    let props = &coder.properties;
    let bad =
        |what: &str| FormatError::invalid(format!("7z {what} coder has malformed properties"));
    if coder.method == BCJ2 {
        return lzma_rust2::filter::bcj2::Bcj2Reader::try_new(sources, unpacked)
            .map(|r| Box::new(r) as Box<dyn Read + 'a>)
            .map_err(|e| FormatError::invalid(format!("7z BCJ2 coder: {e}")));
    }
    let source = match (sources.pop(), sources.is_empty()) {
        (Some(source), true) => source,
        _ => {
            return Err(FormatError::invalid(format!(
                "the folder uses {}, a coder of several streams that openness does not decode",
                method_name(&coder.method)
            )));
        }
    };
    Ok(match coder.method.as_slice() {
        COPY => source,
        LZMA => {
            let [p, d0, d1, d2, d3, ..] = props.as_slice() else {
                return Err(bad("LZMA"));
            };
            let dict = u32::from_le_bytes([*d0, *d1, *d2, *d3]);
            Box::new(
                lzma_rust2::LzmaReader::new_with_props(
                    source,
                    unpacked,
                    *p,
                    compressed::dictionary_for(dict, cap),
                    None,
                )
                .map_err(|e| FormatError::invalid(format!("7z LZMA coder: {e}")))?,
            )
        }
        LZMA2 => {
            let &[p] = props.as_slice() else {
                return Err(bad("LZMA2"));
            };
            if p > 40 {
                return Err(bad("LZMA2"));
            }
            let dict = if p == 40 {
                u32::MAX
            } else {
                (2 | u32::from(p & 1)) << (p / 2 + 11)
            };
            Box::new(lzma_rust2::Lzma2Reader::new(
                source,
                compressed::dictionary_for(dict, cap),
                None,
            ))
        }
        BCJ_X86 => Box::new(lzma_rust2::filter::bcj::BcjReader::new_x86(source, 0)),
        DELTA => {
            let distance = props.first().map_or(1, |&d| usize::from(d) + 1);
            Box::new(lzma_rust2::filter::delta::DeltaReader::new(
                source, distance,
            ))
        }
        PPMD => {
            let [order, m0, m1, m2, m3, ..] = props.as_slice() else {
                return Err(bad("PPMd"));
            };
            let memory = u32::from_le_bytes([*m0, *m1, *m2, *m3]);
            if memory > MAX_PPMD_MEMORY {
                return Err(FormatError::invalid(format!(
                    "the folder's PPMd model asks for {memory} bytes of memory, more than the {MAX_PPMD_MEMORY} openness allows"
                )));
            }
            Box::new(
                ppmd_rust::Ppmd7Decoder::new(source, u32::from(*order), memory)
                    .map_err(|e| FormatError::invalid(format!("7z PPMd coder: {e}")))?,
            )
        }
        DEFLATE => Box::new(flate2::read::DeflateDecoder::new(source)),
        BZIP2 => Box::new(bzip2::read::BzDecoder::new(source)),
        other => {
            return Err(FormatError::invalid(format!(
                "the folder uses {}, a method openness does not decode",
                method_name(other)
            )));
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::formats::invalid_message;
    use std::io::Write;

    const PICKLE: &[u8] = b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.";

    /// Signature header, packed streams, then the header.
    fn archive(packed: &[u8], header: &[u8]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend([0, 4, 0, 0, 0, 0]);
        out.extend((packed.len() as u64).to_le_bytes());
        out.extend((header.len() as u64).to_le_bytes());
        out.extend([0; 4]);
        out.extend(packed);
        out.extend(header);
        out
    }

    /// A plain header: one folder of one coder over one packed stream, its
    /// output split into the named files (sizes under 128: one-byte
    /// numbers).
    fn header(method: &[u8], props: &[u8], packed: u8, files: &[(&str, u8)]) -> Vec<u8> {
        let unpacked: u8 = files.iter().map(|f| f.1).sum();
        let mut h = vec![nid::HEADER, nid::MAIN_STREAMS_INFO];
        h.extend([nid::PACK_INFO, 0, 1, nid::SIZE, packed, nid::END]);
        h.extend([nid::UNPACK_INFO, nid::FOLDER, 1, 0, 1]);
        let flags = method.len() as u8 | if props.is_empty() { 0 } else { 0x20 };
        h.push(flags);
        h.extend(method);
        if !props.is_empty() {
            h.push(props.len() as u8);
            h.extend(props);
        }
        h.extend([nid::CODERS_UNPACK_SIZE, unpacked, nid::END]);
        h.extend([
            nid::SUBSTREAMS_INFO,
            nid::NUM_UNPACK_STREAM,
            files.len() as u8,
        ]);
        h.push(nid::SIZE);
        h.extend(files.iter().take(files.len() - 1).map(|f| f.1));
        h.extend([nid::END, nid::END]);
        let mut names = vec![0u8];
        for (name, _) in files {
            for u in name.encode_utf16().chain([0]) {
                names.extend(u.to_le_bytes());
            }
        }
        h.extend([
            nid::FILES_INFO,
            files.len() as u8,
            nid::NAME,
            names.len() as u8,
        ]);
        h.extend(names);
        h.extend([nid::END, nid::END]);
        h
    }

    fn members_of(file: &[u8]) -> Vec<(String, Vec<u8>)> {
        let (archive, _) = parse(file, 1 << 20).unwrap();
        let out = unpack(file, &archive.folders[0], 1 << 20).unwrap();
        archive
            .members
            .iter()
            .map(|m| {
                let at = m.offset as usize;
                (m.name.clone(), out.bytes[at..at + m.size as usize].to_vec())
            })
            .collect()
    }

    #[test]
    fn copied_members_are_cut_from_their_folder() {
        let mut packed = PICKLE.to_vec();
        packed.extend(b"notes");
        let h = header(
            COPY,
            &[],
            packed.len() as u8,
            &[("m/data.pkl", PICKLE.len() as u8), ("m/notes.txt", 5)],
        );
        let got = members_of(&archive(&packed, &h));
        assert_eq!(got[0], ("m/data.pkl".to_owned(), PICKLE.to_vec()));
        assert_eq!(got[1], ("m/notes.txt".to_owned(), b"notes".to_vec()));
    }

    #[test]
    fn a_declared_four_gib_dictionary_is_never_allocated() {
        let mut w =
            lzma_rust2::Lzma2Writer::new(Vec::new(), lzma_rust2::Lzma2Options::with_preset(1));
        w.write_all(PICKLE).unwrap();
        let packed = w.finish().unwrap();
        // Property 40: a dictionary of 4 GiB - 1.
        let h = header(
            LZMA2,
            &[40],
            packed.len() as u8,
            &[("data.pkl", PICKLE.len() as u8)],
        );
        assert_eq!(members_of(&archive(&packed, &h))[0].1, PICKLE);
        assert_eq!(
            compressed::dictionary_for(u32::MAX, 1 << 20),
            (1 << 20) + 4096
        );
        assert_eq!(compressed::dictionary_for(1 << 16, 1 << 20), 1 << 16);
    }

    #[test]
    fn lzma_coder_properties_carry_the_dictionary() {
        let options = lzma_rust2::LzmaOptions::with_preset(1);
        let mut w = lzma_rust2::LzmaWriter::new_no_header(Vec::new(), &options, true).unwrap();
        w.write_all(PICKLE).unwrap();
        let packed = w.finish().unwrap();
        let mut props = vec![0x5d];
        props.extend(u32::MAX.to_le_bytes());
        let h = header(
            LZMA,
            &props,
            packed.len() as u8,
            &[("data.pkl", PICKLE.len() as u8)],
        );
        assert_eq!(members_of(&archive(&packed, &h))[0].1, PICKLE);
        let h = header(
            LZMA,
            &[0x5d],
            packed.len() as u8,
            &[("data.pkl", PICKLE.len() as u8)],
        );
        let file = archive(&packed, &h);
        let (a, _) = parse(&file, 1 << 20).unwrap();
        let msg = invalid_message(unpack(&file, &a.folders[0], 1 << 20));
        assert!(msg.contains("LZMA coder has malformed properties"), "{msg}");
    }

    #[test]
    fn encrypted_and_unknown_methods_are_named() {
        for (method, want) in [
            (AES, "encrypted with 7zAES"),
            (
                &[0x04, 0xf7, 0x11, 0x01][..],
                "uses method 04f71101, a method openness does not decode",
            ),
            (&[0x0a][..], "uses method 0a"),
        ] {
            let h = header(method, &[1], 4, &[("data.pkl", 4)]);
            let file = archive(b"abcd", &h);
            let (a, _) = parse(&file, 1 << 20).unwrap();
            let msg = invalid_message(unpack(&file, &a.folders[0], 1 << 20));
            assert!(msg.contains(want), "{msg}");
        }
    }

    #[test]
    fn hostile_headers_are_errors_not_allocations() {
        // Header past the end: a truncated download.
        let mut file = archive(b"", &header(COPY, &[], 0, &[("a", 0)]));
        file.truncate(file.len() - 3);
        assert!(invalid_message(parse(&file, 1 << 20)).contains("truncated"));
        // Four billion files.
        let h = [
            nid::HEADER,
            nid::FILES_INFO,
            0xf0,
            0xff,
            0xff,
            0xff,
            0xff,
            0,
            0,
            0,
            0,
        ];
        let msg = invalid_message(parse(&archive(b"", &h), 1 << 20));
        assert!(msg.contains("declares 4294967295 files"), "{msg}");
        // Three Copy coders; the second's input is bound to its own output.
        #[rustfmt::skip]
        let h = [
            nid::HEADER, nid::MAIN_STREAMS_INFO,
            nid::PACK_INFO, 0, 1, nid::SIZE, 1, nid::END,
            nid::UNPACK_INFO, nid::FOLDER, 1, 0,
            3, 1, 0x00, 1, 0x00, 1, 0x00, 0, 1, 1, 1,
            nid::CODERS_UNPACK_SIZE, 1, 1, 1, nid::END,
            nid::END, nid::END,
        ];
        let file = archive(b"x", &h);
        let (a, _) = parse(&file, 1 << 20).unwrap();
        assert_eq!(a.members.len(), 1);
        assert!(invalid_message(unpack(&file, &a.folders[0], 1 << 20)).contains("loop"));
        // Not a header at all.
        let msg = invalid_message(parse(&archive(b"", &[0x42]), 1 << 20));
        assert!(msg.contains("property 0x42"), "{msg}");
        assert!(
            invalid_message(parse(b"7z\xbc\xaf\x27\x1c\x00\x04", 1 << 20)).contains("32 bytes")
        );
    }

    #[test]
    fn a_folder_crc_leaves_its_stream_out_of_the_substream_digests() {
        // One stored stream whose folder gives its CRC, so the substreams'
        // CRC record lists none: reading one there would eat the files
        // info.
        #[rustfmt::skip]
        let mut h = vec![
            nid::HEADER, nid::MAIN_STREAMS_INFO,
            nid::PACK_INFO, 0, 1, nid::SIZE, 5, nid::END,
            nid::UNPACK_INFO, nid::FOLDER, 1, 0, 1, 0x01, 0x00,
            nid::CODERS_UNPACK_SIZE, 5, nid::CRC, 1, 1, 2, 3, 4, nid::END,
            nid::SUBSTREAMS_INFO, nid::CRC, 1, nid::END,
            nid::END,
            nid::FILES_INFO, 1, nid::NAME, 5, 0, b'a', 0, 0, 0, nid::END,
        ];
        h.push(nid::END);
        let file = archive(b"hello", &h);
        let (a, _) = parse(&file, 1 << 20).unwrap();
        assert_eq!(a.members[0].name, "a");
        assert_eq!(
            unpack(&file, &a.folders[0], 1 << 20).unwrap().bytes,
            b"hello"
        );
    }

    #[test]
    fn a_ppmd_model_is_checked_before_its_memory_is_allocated() {
        // Order 6, 4 GiB - 37 bytes of model memory.
        let mut props = vec![6];
        props.extend((u32::MAX - 36).to_le_bytes());
        let h = header(PPMD, &props, 4, &[("data.pkl", 4)]);
        let file = archive(b"abcd", &h);
        let (a, _) = parse(&file, 1 << 20).unwrap();
        let msg = invalid_message(unpack(&file, &a.folders[0], 1 << 20));
        assert!(msg.contains("asks for 4294967259 bytes of memory"), "{msg}");
    }

    #[test]
    fn numbers_use_leading_one_bits_for_their_length() {
        for (bytes, want) in [
            (&[0x7f][..], 0x7f),
            (&[0x81, 0x02][..], 0x102),
            (&[0xc0, 0x34, 0x12][..], 0x1234),
            (&[0xff, 1, 0, 0, 0, 0, 0, 0, 0][..], 1),
        ] {
            assert_eq!(Bytes::new(bytes).number().unwrap(), want, "{bytes:?}");
        }
        assert!(Bytes::new(&[0x81]).number().is_err());
    }

    #[test]
    fn every_prefix_and_byte_flip_of_an_archive_is_survived() {
        let h = header(
            COPY,
            &[],
            PICKLE.len() as u8,
            &[("data.pkl", PICKLE.len() as u8)],
        );
        let file = archive(PICKLE, &h);
        for end in 0..file.len() {
            if let Ok((a, _)) = parse(&file[..end], 1 << 20) {
                for f in &a.folders {
                    let _ = unpack(&file[..end], f, 1 << 20);
                }
            }
        }
        for at in 32..file.len() {
            let mut bad = file.clone();
            bad[at] ^= 0xff;
            if let Ok((a, _)) = parse(&bad, 1 << 20) {
                for f in &a.folders {
                    let _ = unpack(&bad, f, 1 << 20);
                }
            }
        }
    }
}
