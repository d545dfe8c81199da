//! PyTorch checkpoints are pickles in a container: a zip (`torch.save` since
//! 1.6, and TorchScript archives), five back-to-back pickles followed by raw
//! storages (the legacy format), an old tar layout, or a bare pickle. This
//! module finds every pickle in each and hands it to [`pickle::scan`]; it
//! never extracts and never unpickles.
//!
//! Scanners have been fooled by the container rather than the pickle: a zip
//! Python rejects but torch loads, a corrupt entry that stops iteration
//! before `data.pkl`, a second pickle after the first `STOP`, a payload in
//! the legacy format's second pickle. So the rules here are: scan every
//! `.pkl` entry, keep going past corrupt entries, cross-check the central
//! directory against the local headers and fall back to walking local
//! headers when the zip library gives up, and scan every pickle a stream
//! holds. Everything read is capped: entry count, bytes per pickle, and the
//! number of pickles per file.

use super::compressed::{self, Codec};
use super::pickle::{self, Limits, PickleScan, ResultShape, Verdict};
use super::pieces::{Fetched, Pieces, PiecesReader, coalesce};
use super::sevenz;
use super::{Budget, FormatError};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

/// `data.pkl` of a large model is a few MB; more is either hostile or not
/// worth walking entirely.
pub const MAX_DATA_PKL: u64 = 256 << 20;
/// Any other pickle (`constants.pkl`, stray `.pkl` entries, tar members).
pub const MAX_OTHER_PKL: u64 = 64 << 20;
/// torch writes one entry per storage; a 100k-tensor checkpoint is rare.
pub const MAX_ENTRIES: usize = 100_000;
/// `.pkl` bytes read (inflated) from one zip, all entries together. Each
/// entry is capped on its own, but a central directory can list one
/// deflate bomb a thousand times under different names (or hold many small
/// bombs): without an archive-wide budget, a 130 KB file cost 1,000 inflates
/// of 64 MiB, over a minute (fixtures/hostile/zip-bomb-fanout). This is
/// twice the data.pkl cap, so an honest checkpoint never reaches it.
pub const MAX_ARCHIVE_PKL_BYTES: u64 = 2 * MAX_DATA_PKL;
/// Pickles walked in one stream (bare, legacy tail, tar member).
const MAX_PICKLES: usize = 64;

/// `0x1950a86a20f9469cfc6c` as `LONG1` after `PROTO`: the first pickle of a
/// legacy `torch.save` file.
const LEGACY_MAGIC_LONG1: &[u8] = b"\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";
/// The same number as a protocol-0/1 `LONG` line.
const LEGACY_MAGIC_TEXT: &[u8] = b"L119547037146038801333356L\n";

const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
const CENTRAL_HEADER: &[u8] = b"PK\x01\x02";
const END_OF_CENTRAL_DIR: &[u8] = b"PK\x05\x06";

/// One record of the central directory as written, duplicates included
/// (the zip crate keeps one entry per name).
#[derive(Debug, Clone)]
struct CentralRecord {
    name: String,
    method: u16,
    compressed_size: u32,
    local_offset: u32,
}

/// Walks the central directory named by the last end-of-central-directory
/// record, record by record, without the zip crate's de-duplication.
/// Zip64 archives are left to the zip crate (an empty list).
fn central_records(file: &Pieces<'_>) -> Vec<CentralRecord> {
    let (_, tail) = file.suffix(22 + 65_535);
    let Some(eocd) = tail.windows(4).rposition(|w| w == END_OF_CENTRAL_DIR) else {
        return Vec::new();
    };
    let (Some(count), Some(cd_offset)) = (le16(tail, eocd + 10), le32(tail, eocd + 16)) else {
        return Vec::new();
    };
    if cd_offset == u32::MAX || count == u16::MAX {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut at = cd_offset as usize;
    while out.len() < usize::from(count).min(MAX_ENTRIES) {
        let Some(h) = file.get(at..at.saturating_add(46)) else {
            break;
        };
        if !h.starts_with(CENTRAL_HEADER) {
            break;
        }
        let (
            Some(method),
            Some(csize),
            Some(name_len),
            Some(extra_len),
            Some(comment_len),
            Some(local),
        ) = (
            le16(h, 10),
            le32(h, 20),
            le16(h, 28),
            le16(h, 30),
            le16(h, 32),
            le32(h, 42),
        )
        else {
            break;
        };
        let name_start = at + 46;
        let Some(name) = file.get(name_start..name_start + usize::from(name_len)) else {
            break;
        };
        out.push(CentralRecord {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed_size: csize,
            local_offset: local,
        });
        at = name_start + usize::from(name_len) + usize::from(extra_len) + usize::from(comment_len);
    }
    out
}

/// Names two readers may resolve to different entries: the same name
/// twice (Python's zipfile loads the last, a streaming reader the first),
/// names equal but for case (miniz, and so torch, matches either), or `\\`
/// separators. One sentence each.
fn name_anomalies(records: &[CentralRecord]) -> Vec<String> {
    let mut out = Vec::new();
    let mut exact: BTreeMap<&str, usize> = BTreeMap::new();
    let mut folded: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for r in records {
        *exact.entry(r.name.as_str()).or_default() += 1;
        folded
            .entry(normalised(&r.name))
            .or_default()
            .insert(r.name.as_str());
    }
    for (name, n) in &exact {
        if *n > 1 {
            out.push(format!(
                "entry name {name:?} is listed {n} times; readers disagree on which one they load (all were scanned)"
            ));
        }
    }
    for spellings in folded.values() {
        if spellings.len() > 1 {
            let list: Vec<String> = spellings.iter().map(|s| format!("{s:?}")).collect();
            out.push(format!(
                "entry names {} differ only in case or separators; a case-insensitive reader may load either",
                list.join(" and ")
            ));
        }
    }
    for r in records {
        if r.name.contains('\\') {
            out.push(format!(
                "entry name {:?} uses a backslash separator, which zip readers disagree on",
                r.name
            ));
        }
    }
    out
}

/// How the checkpoint is packaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// `torch.save` zip: `<top>/data.pkl`, `<top>/data/<key>`, `version`.
    TorchZip,
    /// `torch.jit.save` zip: also `code/` and `constants.pkl`; loading runs
    /// the TorchScript code it carries.
    TorchScript,
    /// `_use_new_zipfile_serialization=False`: magic, protocol, sys_info,
    /// object and storage-key pickles, then raw storages.
    Legacy,
    /// A pickle stream on its own (`.pkl`, `.joblib`, some `.bin`/`.ckpt`).
    BarePickle,
    /// The pre-1.0 tar layout (`sys_info`, `pickle`, `storages`, `tensors`).
    Tar,
    /// Any other tar archive: each member that holds a pickle, a zip or a
    /// compressed stream is scanned.
    TarArchive,
    /// A 7z archive: each folder decoded within the budget, each member
    /// scanned as a tar member is.
    SevenZip,
}

impl Container {
    pub fn as_str(self) -> &'static str {
        match self {
            Container::TorchZip => "torch-zip",
            Container::TorchScript => "torchscript",
            Container::Legacy => "torch-legacy",
            Container::BarePickle => "pickle",
            Container::Tar => "torch-tar",
            Container::TarArchive => "tar",
            Container::SevenZip => "7z",
        }
    }
}

/// Everything learned about one checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointScan {
    pub container: Container,
    /// Each pickle walked, labelled by where it was found
    /// (`archive/data.pkl`, `legacy pickle 2 of 5`, `pickle 1 at byte 0`).
    pub pickles: Vec<(String, PickleScan)>,
    /// Tensors rebuilt by the main data pickle, each counted once per
    /// rebuild (views of one storage count separately; memo references to
    /// the same tensor object do not).
    pub tensors: u64,
    /// Sum of the tensors' shape products (not storage sizes).
    pub parameters: u64,
    /// Parameters per dtype, safetensors spelling (`F32`, `BF16`, ...).
    pub dtypes: BTreeMap<String, u64>,
    /// Structural oddities that torch.save never produces and that can hide
    /// or smuggle content; lower-case sentences.
    pub anomalies: Vec<String>,
    /// Why part of the file could not be read, if it could not.
    pub error: Option<String>,
    /// The compression the container was found under, outermost first
    /// (`gzip`, `bzip2`, ...); empty when none.
    pub compression: Vec<&'static str>,
    /// The anomalies about content left unread for a reason other than its
    /// length (encrypted, no decoder here, nested too deep, the release's
    /// budget spent), or archive members a length cap hid whole (a 7z
    /// member named like a model, a compressed tar's members past the
    /// cap): whether or not a pickle was found, the file could not be
    /// checked, and a reader keeps saying so.
    pub unscanned: Vec<String>,
    /// Readings of the content that were tried and given up, in order
    /// (`not a zlib stream: ...`): a pickle's first bytes can spell a
    /// zlib header (`(S` is `0x2853`, a multiple of 31) or put `ustar` at
    /// byte 257, so a decoder's failure moves on to the next reading and
    /// ends with the raw pickle walk instead of ending the scan.
    pub reinterpreted: Vec<String>,
    /// What the main data pickle returns (a dict, a bare tensor, ...);
    /// `Unknown` when no main pickle was found.
    pub main_result: ResultShape,
    /// A tar whose last member runs past the bytes given: corruption in a
    /// file, the expected end of a stream cut at the decompression cap.
    tar_cut: bool,
}

impl CheckpointScan {
    fn new(container: Container) -> CheckpointScan {
        CheckpointScan {
            container,
            pickles: Vec::new(),
            tensors: 0,
            parameters: 0,
            dtypes: BTreeMap::new(),
            anomalies: Vec::new(),
            error: None,
            compression: Vec::new(),
            unscanned: Vec::new(),
            reinterpreted: Vec::new(),
            main_result: ResultShape::Unknown,
            tar_cut: false,
        }
    }

    /// Records content that was not read (see [`CheckpointScan::unscanned`]).
    fn not_scanned(&mut self, why: String) {
        self.anomalies.push(why.clone());
        self.unscanned.push(why);
    }

    /// The worst verdict over every pickle in the file.
    pub fn verdict(&self) -> Verdict {
        self.pickles
            .iter()
            .map(|(_, s)| s.verdict())
            .max()
            .unwrap_or(Verdict::Safe)
    }

    /// Counts the tensors of the pickle that holds the checkpoint's object.
    fn count_tensors(&mut self, main: &PickleScan) {
        self.main_result = main.result.clone();
        for t in &main.tensors {
            let n = t.numel();
            self.tensors += 1;
            self.parameters = self.parameters.saturating_add(n);
            let slot = self.dtypes.entry(t.dtype.clone()).or_insert(0);
            *slot = slot.saturating_add(n);
        }
    }
}

/// `file` is the whole file (a memory map). Never extracts; entries are read
/// through capped readers, stored entries straight from the map by offset.
/// The budget is a fresh one: [`scan_within`] shares one across a release.
pub fn scan(file: &[u8]) -> Result<CheckpointScan, FormatError> {
    scan_within(file, &mut Budget::default())
}

/// [`scan`], spending from a release's `budget` what it decompresses and
/// walks.
pub fn scan_within(file: &[u8], budget: &mut Budget) -> Result<CheckpointScan, FormatError> {
    scan_at(file, budget, 0)
}

/// Containers inside containers (a zip in a tar in a gzip) are opened this
/// deep.
const MAX_NESTING: u8 = 3;

/// Whether `bytes` open like something [`scan`] reads: a zip, a tar, a
/// compressed stream, a legacy checkpoint or a pickle.
pub fn looks_scannable(bytes: &[u8]) -> bool {
    bytes.starts_with(LOCAL_HEADER)
        || bytes.starts_with(END_OF_CENTRAL_DIR)
        || bytes.get(257..262) == Some(b"ustar")
        || compressed::codec_of(bytes).is_some()
        || looks_like_pickle(bytes)
}

fn scan_at(file: &[u8], budget: &mut Budget, depth: u8) -> Result<CheckpointScan, FormatError> {
    if file.is_empty() {
        return Err(FormatError::invalid("file is empty"));
    }
    if let Some(out) = scan_if_zip(&Pieces::whole(file), budget) {
        return Ok(out);
    }
    // A protocol 0/1 pickle has no magic number of its own, and its first
    // bytes can spell another format's: `(S'` passes the zlib header check,
    // `X` and a length can too, and any text can put `ustar` at byte 257.
    // Such a file is read both ways (a polyglot can be a valid stream
    // and a payload-carrying pickle at once), and a decoder's failure is
    // recorded and the next reading tried.
    let head = file.get(..super::sniff::SNIFF_BYTES).unwrap_or(file);
    let also_a_pickle = looks_like_pickle(file) && super::sniff::looks_like_old_pickle(head);
    let mut reinterpreted = Vec::new();
    if file.get(257..262) == Some(b"ustar") {
        let mut out = scan_tar(file, budget, depth);
        if also_a_pickle {
            also_scan_as_pickle(&mut out, file, "a tar", budget);
        }
        return Ok(out);
    }
    if is_legacy(file) {
        return Ok(scan_legacy(file, budget));
    }
    // Before the pickle test: raw lzma opens with `]`, EMPTY_LIST.
    let mut first_error = None;
    if let Some(codec) = compressed::codec_of(file) {
        match scan_compressed(file, codec, budget, depth) {
            Ok(mut out) => {
                if also_a_pickle {
                    also_scan_as_pickle(
                        &mut out,
                        file,
                        &format!("a {} stream", codec.as_str()),
                        budget,
                    );
                }
                return Ok(out);
            }
            Err(e) if looks_like_pickle(file) => {
                reinterpreted.push(format!("not a {} stream: {e}", codec.as_str()));
                first_error = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    if looks_like_pickle(file) {
        let mut out = CheckpointScan::new(Container::BarePickle);
        let pickles = scan_stream(file, "pickle", &mut out.anomalies, budget);
        if let Some(e) = first_error {
            // A broken stream that does not walk as a pickle either keeps
            // its decoder's error; one that does is a pickle.
            let a_pickle = pickles
                .iter()
                .any(|(_, p)| p.stopped_at_stop || !p.imports.is_empty());
            if !a_pickle {
                return Err(e);
            }
        }
        if let Some((_, first)) = pickles.first() {
            out.count_tensors(&first.clone());
        }
        out.pickles = pickles;
        out.reinterpreted = reinterpreted;
        return Ok(out);
    }
    Err(first_error.unwrap_or_else(|| {
        FormatError::invalid("not a pytorch checkpoint: neither a zip, a tar, nor a pickle stream")
    }))
}

/// Walks `file` as the pickle its first bytes also spell, beside the
/// reading `out` holds (`what` names it), and keeps what the walk finds.
fn also_scan_as_pickle(out: &mut CheckpointScan, file: &[u8], what: &str, budget: &mut Budget) {
    let label = format!("the file read as a pickle (it also opens like {what})");
    let found = scan_stream(file, &label, &mut out.anomalies, budget);
    out.reinterpreted.push(format!(
        "opens like {what} and like a pickle: read both ways"
    ));
    out.pickles.extend(found);
}

/// Decodes a compressed stream within the budget and scans what it holds.
fn scan_compressed(
    file: &[u8],
    codec: Codec,
    budget: &mut Budget,
    depth: u8,
) -> Result<CheckpointScan, FormatError> {
    if codec == Codec::SevenZip {
        return Ok(scan_sevenz(file, budget, depth));
    }
    let what = codec.as_str();
    if depth >= MAX_NESTING {
        let mut out = CheckpointScan::new(Container::BarePickle);
        out.not_scanned(format!(
            "a {what} stream nested {depth} containers deep was not opened"
        ));
        return Ok(out);
    }
    let cap = budget.inflate_cap();
    if cap == 0 {
        let mut out = CheckpointScan::new(Container::BarePickle);
        out.compression.push(what);
        out.not_scanned(format!(
            "a {what} stream was not decompressed: the release's decompression budget of {} bytes is spent",
            super::RELEASE_INFLATE_BYTES
        ));
        return Ok(out);
    }
    // A compressed text (a `.txt.gz` vocabulary, a `.json.gz` log) holds no
    // checkpoint: its first KiB says so without inflating the rest.
    let peek = compressed::decode(codec, file, PEEK_BYTES.min(cap))?;
    if is_plain_text(&peek.bytes) && !looks_like_pickle(&peek.bytes) {
        return Err(FormatError::invalid(format!(
            "{what}-compressed content: not a pytorch checkpoint: neither a zip, a tar, nor a pickle stream"
        )));
    }
    let decoded = compressed::decode(codec, file, cap)?;
    budget.spend_inflate(decoded.bytes.len() as u64);
    let mut out = scan_at(&decoded.bytes, budget, depth + 1)
        .map_err(|e| FormatError::invalid(format!("{what}-compressed content: {e}")))?;
    out.compression.insert(0, what);
    if decoded.cut {
        let why = format!(
            "the {what} stream decompresses to more than {cap} bytes; only the first {cap} were scanned"
        );
        if matches!(out.container, Container::Tar | Container::TarArchive) {
            // The members past the cap are unseen, names included: a
            // payload placed behind padding would otherwise pass without
            // a word, so the cut is reported even when nothing scanned
            // held a pickle.
            out.not_scanned(format!("{why}; tar members past them were not seen"));
            if out.tar_cut {
                // The member the cap cut is not corrupt; the cut is reported.
                out.error = None;
            }
        } else {
            out.anomalies.push(why);
        }
    }
    if let Some(e) = decoded.error {
        out.anomalies.push(e);
    }
    Ok(out)
}

/// How much of a compressed stream is inflated first, to tell a compressed
/// text from a compressed checkpoint.
const PEEK_BYTES: u64 = 1024;

/// UTF-8 text without NUL or other control bytes but whitespace: no zip,
/// tar, legacy checkpoint or binary pickle starts like this.
fn is_plain_text(bytes: &[u8]) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => true,
        // A multi-byte character cut by the peek's end.
        Err(e) => e.error_len().is_none(),
    };
    valid
        && !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t'))
}

/// An end-of-central-directory record in the last 64 KiB + 22 bytes, with
/// the file not opening like anything else this module reads.
pub fn ends_like_zip(file: &[u8]) -> bool {
    pieces_end_like_zip(&Pieces::whole(file))
}

/// [`ends_like_zip`] of a file of which only parts may be here (its first
/// bytes and its end are what it looks at).
fn pieces_end_like_zip(file: &Pieces<'_>) -> bool {
    let head = file.from(0);
    if compressed::codec_of(head).is_some() || looks_like_pickle(head) {
        return false;
    }
    let (_, tail) = file.suffix(22 + 65_535);
    memchr::memmem::rfind(tail, END_OF_CENTRAL_DIR).is_some()
}

/// A first entry's local header, or the end record of an empty zip.
fn opens_like_zip(head: &[u8]) -> bool {
    head.starts_with(LOCAL_HEADER) || head.starts_with(END_OF_CENTRAL_DIR)
}

/// Whether a file of which only parts may be here (its first bytes and its
/// end) opens or ends like a zip: what [`scan_zip_pieces`] reads.
pub fn opens_or_ends_like_zip(file: &Pieces<'_>) -> bool {
    opens_like_zip(file.from(0)) || pieces_end_like_zip(file)
}

/// The zip scan of a file that opens or ends like a zip; `None` for any
/// other file.
fn scan_if_zip(file: &Pieces<'_>, budget: &mut Budget) -> Option<CheckpointScan> {
    if opens_like_zip(file.from(0)) {
        return Some(scan_zip(file, budget));
    }
    if !pieces_end_like_zip(file) {
        return None;
    }
    let mut out = scan_zip(file, budget);
    // Bytes before the first entry (a polyglot, a self-extracting stub):
    // zipfile, np.load and Keras still open it from its end. A first entry
    // that was not read is not data before the zip.
    if !file.unread(0..4) {
        out.anomalies
            .insert(0, "data precedes the zip's first entry".to_owned());
    }
    Some(out)
}

/// [`scan_within`] for a zip checkpoint of which only some ranges were
/// read (a remote file: see [`zip_reads`]): the same scan, over the
/// central directory and the members that were fetched.
///
/// What it cannot check, and so never reports, of bytes it was not given:
/// the local headers of unfetched entries (storage records), so neither
/// their agreement with the central directory (name, method, size) nor
/// that a header is there at all; local entries the central directory does
/// not list (found only by walking every header from the start, or by
/// searching the whole file when the zip reader rejects it); and overlaps
/// that an unfetched header's extra field would cause (its data is taken
/// to start right after its name). A member other than a storage record
/// that was not fetched (the file's read budget ran out) is reported as not
/// scanned, never judged.
pub fn scan_zip_pieces(
    file: &Pieces<'_>,
    budget: &mut Budget,
) -> Result<CheckpointScan, FormatError> {
    if file.is_empty() {
        return Err(FormatError::invalid("file is empty"));
    }
    scan_if_zip(file, budget)
        .ok_or_else(|| FormatError::invalid("not a zip: only zip checkpoints are read in parts"))
}

/// The bytes of a member a torch checkpoint's scan reads, for
/// [`zip_reads`]: every entry but the storage records, whole (within the
/// pickle caps).
pub fn member_reads(name: &str, compressed_size: u64) -> Option<u64> {
    (!is_storage_record(name)).then(|| compressed_size.min(pkl_cap(name)))
}

/// A local header's extra field is assumed at most this long when a
/// member is fetched before its header was read (torch pads data to 64
/// bytes with it); a longer one costs one more range.
const LOCAL_EXTRA_GUESS: u64 = 128;

/// What a scan reads of a zip member, by its name and compressed size:
/// `None` for nothing (not even its local header), else how many bytes of
/// its data after its local header ([`member_reads`] and its `.npz` and
/// `.keras` counterparts).
pub type MemberReads = dyn Fn(&str, u64) -> Option<u64>;

/// What a remote zip needs read next: see [`zip_reads`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZipReads {
    /// Ranges not yet read, in no particular order (may overlap).
    pub ranges: Vec<std::ops::Range<u64>>,
    /// Members that `wants` asks for beyond `max_members`, not read.
    pub members_skipped: usize,
}

/// Plans the reading of a zip by range (a torch checkpoint, an `.npz`, a
/// `.keras`): given what was read of it (at least its end, which holds the
/// end-of-central-directory record), the ranges its scanner needs next.
/// First the central directory, when the end does not hold it all (the
/// first byte the zip reader asked for and did not have, to the end read);
/// then, for each of the first `max_members` entries for which
/// `wants(name, compressed size)` is `Some(n)`, its local header and `n`
/// bytes of its data (before the header is read, its extra field is
/// guessed at [`LOCAL_EXTRA_GUESS`] bytes). Called again with more read,
/// it asks for what is still missing; an empty plan means done. Only the
/// zip reader's directory parse is used: no second zip parser.
pub fn zip_reads(have: &Pieces<'_>, wants: &MemberReads, max_members: usize) -> ZipReads {
    let mut out = ZipReads::default();
    if declares_too_many(have).is_some() {
        return out;
    }
    let archive = match open_zip(have) {
        Ok(a) => a,
        Err(_) => {
            let (tail_start, _) = have.suffix(usize::MAX);
            if let Some(at) = have.missed().filter(|&at| at < tail_start) {
                out.ranges.push(at as u64..tail_start as u64);
            }
            return out;
        }
    };
    let len = have.len() as u64;
    let mut members = 0usize;
    for i in 0..archive.len().min(MAX_ENTRIES) {
        let Ok(z) = archive.by_index_data(i) else {
            continue;
        };
        let name = String::from_utf8_lossy(z.name_raw());
        let Some(want) = wants(&name, z.compressed_size()) else {
            continue;
        };
        members += 1;
        if members > max_members {
            out.members_skipped += 1;
            continue;
        }
        let header = z.header_start();
        let Ok(at) = usize::try_from(header) else {
            continue;
        };
        // The header's own length once its fixed part is read, else a
        // guess.
        let fixed = have
            .get(at..at.saturating_add(30))
            .filter(|h| h.starts_with(LOCAL_HEADER));
        let header_len = match fixed {
            Some(h) => {
                30 + u64::from(le16(h, 26).unwrap_or(0)) + u64::from(le16(h, 28).unwrap_or(0))
            }
            None => 30 + z.name_raw().len() as u64 + LOCAL_EXTRA_GUESS,
        };
        let range = header..header.saturating_add(header_len).saturating_add(want);
        let range = range.start.min(len)..range.end.min(len);
        let (Ok(start), Ok(end)) = (usize::try_from(range.start), usize::try_from(range.end))
        else {
            continue;
        };
        if have.unread(start..end) {
            out.ranges.push(range);
        }
    }
    out
}

/// Gathers into `got` what a zip's scan needs from a file read by range:
/// at most `rounds` rounds of what [`zip_reads`] asks for beyond what is
/// held, ranges at most `gap` bytes apart read as one. `fetch(range,
/// bytes held)` reads one range (possibly shorter), or gives `None` to
/// stop: a read budget spent, after which the scan says what went unread.
pub fn fetch_zip_reads<E>(
    got: &mut Fetched,
    wants: &MemberReads,
    max_members: usize,
    rounds: usize,
    gap: u64,
    mut fetch: impl FnMut(std::ops::Range<u64>, u64) -> Result<Option<Vec<u8>>, E>,
) -> Result<(), E> {
    for _ in 0..rounds {
        let plan = zip_reads(&got.view(), wants, max_members);
        let missing: Vec<_> = plan
            .ranges
            .into_iter()
            .flat_map(|r| got.missing(r))
            .collect();
        let ranges = coalesce(missing, gap);
        if ranges.is_empty() {
            break;
        }
        for r in ranges {
            let start = r.start;
            match fetch(r, got.held())? {
                Some(bytes) => got.add(start, bytes),
                None => return Ok(()),
            }
        }
    }
    Ok(())
}

fn is_legacy(file: &[u8]) -> bool {
    // Protocol 4 and 5 put a FRAME (0x95 and an 8-byte length) between
    // PROTO and the magic number: `torch.save(..., pickle_protocol=5,
    // _use_new_zipfile_serialization=False)`.
    let magic_at =
        |at: usize| file.get(at..at + LEGACY_MAGIC_LONG1.len()) == Some(LEGACY_MAGIC_LONG1);
    (matches!(file, [0x80, 2..=3, ..]) && magic_at(2))
        || (matches!(file, [0x80, 4..=5, 0x95, ..]) && magic_at(11))
        || (matches!(file, [0x80, 4..=5, ..]) && magic_at(2))
        || file.starts_with(LEGACY_MAGIC_TEXT)
}

/// A pickle starts with `PROTO` from protocol 2 on; protocol 0/1 streams
/// start with a container, a constant or a global.
fn looks_like_pickle(file: &[u8]) -> bool {
    match file.first() {
        Some(0x80) => file.get(1).is_some_and(|&p| p <= 5),
        Some(b) => b"(}])cNKJMXUVSTGFIL".contains(b),
        None => false,
    }
}

fn walk(bytes: &[u8]) -> (PickleScan, usize) {
    pickle::scan(bytes, &Limits::default())
}

/// Walks every pickle of a stream: one after another while they end at
/// `STOP` (a second pickle must not hide behind the first), and after a
/// broken one, from each later `PROTO` marker (joblib writes raw array bytes
/// and nested pickles between pickle opcodes). A resynchronised walk that
/// fails without naming any import is noise from binary data and dropped.
fn scan_stream(
    bytes: &[u8],
    label: &str,
    anomalies: &mut Vec<String>,
    budget: &mut Budget,
) -> Vec<(String, PickleScan)> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    let mut resync = false;
    let allowed = usize::try_from(budget.walk_left).unwrap_or(usize::MAX);
    if bytes.len() > allowed {
        anomalies.push(format!(
            "{label}: only {allowed} of its {} bytes were walked: the release's pickle budget of {} bytes is spent",
            bytes.len(),
            super::RELEASE_WALK_BYTES
        ));
    }
    let bytes = bytes.get(..allowed).unwrap_or(bytes);
    // A bare pickle holds its data inline, so the stream is read; but a
    // multi-gigabyte file is walked only this far, and says so.
    if bytes.len() > MAX_STREAM_BYTES {
        anomalies.push(format!(
            "{label} is {} bytes; only the first {MAX_STREAM_BYTES} were scanned for pickles",
            bytes.len()
        ));
    }
    let bytes = bytes.get(..MAX_STREAM_BYTES).unwrap_or(bytes);
    budget.spend_walk(bytes.len() as u64);
    while offset < bytes.len() && out.len() < MAX_PICKLES {
        let (s, consumed) = walk(bytes.get(offset..).unwrap_or_default());
        let clean = s.stopped_at_stop;
        let keep = !resync || clean || !s.imports.is_empty() || s.unresolved_stack_global;
        let next = offset + consumed.max(1);
        if keep {
            if out.len() == 1 {
                anomalies.push(format!(
                    "{label} holds more than one pickle; the second starts at byte {offset}"
                ));
            }
            out.push((format!("{label} {} at byte {offset}", out.len() + 1), s));
        }
        if clean && consumed > 0 {
            offset = next;
            resync = false;
            // Trailing padding (newlines, zeros) is not another pickle;
            // padding with a stream behind it is, and the marker search
            // below finds it.
            // (All padding: no marker is found, and the loop ends.)
            let rest = bytes.get(offset..).unwrap_or_default();
            if rest
                .first()
                .is_some_and(|&b| b == 0 || b.is_ascii_whitespace())
            {
                match find_proto(rest) {
                    Some(rel) => {
                        offset += rel;
                        resync = true;
                        continue;
                    }
                    None => break,
                }
            }
            continue;
        }
        // Broken or capped: look for the next PROTO marker.
        match find_proto(bytes.get(next..).unwrap_or_default()) {
            Some(rel) => {
                offset = next + rel;
                resync = true;
            }
            None => break,
        }
    }
    if out.len() >= MAX_PICKLES {
        anomalies.push(format!(
            "{label}: stopped after {MAX_PICKLES} pickles; the rest was not scanned"
        ));
    }
    out
}

/// How much of a bare pickle stream is walked (see [`scan_stream`]).
pub const MAX_STREAM_BYTES: usize = 256 << 20;

fn find_proto(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(0x80, bytes).find(|&i| matches!(bytes.get(i + 1), Some(2..=5)))
}

// ---------------------------------------------------------------------------
// Legacy format

const LEGACY_LABELS: [&str; 5] = [
    "magic number",
    "protocol",
    "sys_info",
    "object",
    "storage keys",
];

fn scan_legacy(file: &[u8], budget: &mut Budget) -> CheckpointScan {
    let mut out = CheckpointScan::new(Container::Legacy);
    let mut offset = 0usize;
    for (i, what) in LEGACY_LABELS.iter().enumerate() {
        let (s, consumed) = walk(file.get(offset..).unwrap_or_default());
        let clean = s.stopped_at_stop;
        if let Some(e) = &s.error {
            out.error = Some(format!("legacy {what} pickle: {e}"));
        }
        out.pickles
            .push((format!("legacy pickle {} of 5 ({what})", i + 1), s));
        offset += consumed;
        if !clean {
            // Where the next pickle starts is unknown; anything that looks
            // like one is still worth a walk.
            let rest = offset.saturating_add(1).min(file.len());
            let tail = scan_stream_resync(
                file.get(rest..).unwrap_or_default(),
                rest,
                &mut out.anomalies,
                budget,
            );
            out.pickles.extend(tail);
            if let Some((_, main)) = out.pickles.get(3) {
                out.count_tensors(&main.clone());
            }
            return out;
        }
    }
    if let Some((_, main)) = out.pickles.get(3) {
        out.count_tensors(&main.clone());
    }

    // The raw storages follow, in the order of the key list, each as an
    // 8-byte element count and the elements. Skipping them exactly is the
    // only way to tell whether anything else was appended.
    let (Some((_, object)), Some((_, key_list))) = (out.pickles.get(3), out.pickles.get(4)) else {
        return out;
    };
    let keys = key_list.result_strings.clone();
    let storages: BTreeMap<&str, &pickle::StorageRef> = object
        .storages
        .iter()
        .map(|s| (s.key.as_str(), s))
        .collect();
    for key in &keys {
        let Some(storage) = storages.get(key.as_str()) else {
            out.anomalies.push(format!(
                "storage key {key:?} is not named by the object pickle; storage bytes not followed"
            ));
            return out;
        };
        let Some(size) = pickle::dtype_size(&storage.dtype) else {
            out.anomalies.push(format!(
                "storage {key:?} has unknown dtype {}; storage bytes not followed",
                storage.dtype
            ));
            return out;
        };
        let Some(count) = file
            .get(offset..offset + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        else {
            out.error = Some(format!(
                "file ends at byte {} inside the size of storage {key:?}",
                file.len()
            ));
            return out;
        };
        if storage.numel.is_some_and(|n| n != count) {
            out.anomalies.push(format!(
                "storage {key:?} declares {} elements in the pickle but {count} in the data",
                storage.numel.unwrap_or(0)
            ));
        }
        let end = count
            .checked_mul(size)
            .and_then(|n| n.checked_add(offset as u64 + 8));
        match end {
            Some(end) if end <= file.len() as u64 => offset = end as usize,
            _ => {
                out.error = Some(format!(
                    "storage {key:?} of {count} elements runs past the end of the {}-byte file",
                    file.len()
                ));
                return out;
            }
        }
    }
    if offset < file.len() {
        out.anomalies.push(format!(
            "{} bytes after the last storage, where torch.save writes nothing",
            file.len() - offset
        ));
        let tail = scan_stream_resync(
            file.get(offset..).unwrap_or_default(),
            offset,
            &mut out.anomalies,
            budget,
        );
        out.pickles.extend(tail);
    }
    out
}

/// Pickles in bytes that follow a legacy file's known layout, labelled with
/// their absolute offset.
fn scan_stream_resync(
    bytes: &[u8],
    base: usize,
    anomalies: &mut Vec<String>,
    budget: &mut Budget,
) -> Vec<(String, PickleScan)> {
    let start = if looks_like_pickle(bytes) {
        Some(0)
    } else {
        find_proto(bytes)
    };
    let Some(start) = start else {
        return Vec::new();
    };
    let label = format!("trailing data at byte {}", base + start);
    scan_stream(
        bytes.get(start..).unwrap_or_default(),
        &label,
        anomalies,
        budget,
    )
}

// ---------------------------------------------------------------------------
// Tar format

fn scan_tar(file: &[u8], budget: &mut Budget, depth: u8) -> CheckpointScan {
    let mut out = CheckpointScan::new(Container::TarArchive);
    let mut offset = 0usize;
    let mut entries = 0usize;
    // A GNU `L` or pax `x` entry names the next one.
    let mut long_name: Option<String> = None;
    while let Some(header) = file
        .get(offset..offset + 512)
        .and_then(|h| <&[u8; 512]>::try_from(h).ok())
    {
        if header.iter().all(|&b| b == 0) {
            break;
        }
        entries += 1;
        if entries > MAX_ENTRIES {
            out.anomalies.push(format!(
                "more than {MAX_ENTRIES} tar entries; the rest was not scanned"
            ));
            break;
        }
        // The name field is 100 bytes, NUL-terminated unless full; ustar
        // keeps a 155-byte prefix at 345.
        let short = header[..100].split(|&b| b == 0).next().unwrap_or_default();
        let prefix = header[345..500]
            .split(|&b| b == 0)
            .next()
            .unwrap_or_default();
        let mut name = String::from_utf8_lossy(short).into_owned();
        if !prefix.is_empty() {
            name = format!("{}/{name}", String::from_utf8_lossy(prefix));
        }
        if let Some(long) = long_name.take() {
            name = long;
        }
        let size = parse_octal(&header[124..136]);
        let Some(size) = size else {
            out.error = Some(format!("tar entry {name:?} has an unreadable size"));
            break;
        };
        let data_start = offset + 512;
        let Some(data_end) = usize::try_from(size)
            .ok()
            .and_then(|s| data_start.checked_add(s))
            .filter(|&e| e <= file.len())
        else {
            // What is there of a regular member is scanned: a pickle's
            // payload sits at its start, and a stream cut at the
            // decompression cap must not hide one padded past the cap.
            if matches!(header[156], 0 | b'0' | b'7') {
                let data = file.get(data_start..).unwrap_or_default();
                scan_member(&name, data, budget, depth, &mut out);
            }
            out.error = Some(format!(
                "tar entry {name:?} of {size} bytes runs past the end of the file"
            ));
            out.tar_cut = true;
            break;
        };
        let data = file.get(data_start..data_end).unwrap_or_default();
        match header[156] {
            b'L' => {
                let text = data.get(..4096).unwrap_or(data);
                let text = text.split(|&b| b == 0).next().unwrap_or_default();
                long_name = Some(String::from_utf8_lossy(text).into_owned());
            }
            b'x' => {
                // pax records: "<len> path=<name>\n".
                let text = String::from_utf8_lossy(data.get(..65_536).unwrap_or(data));
                long_name = text
                    .lines()
                    .find_map(|l| l.split_once(" path=").map(|(_, p)| p.to_owned()));
            }
            0 | b'0' | b'7' => {
                let base = name.rsplit('/').next().unwrap_or(&name);
                if LEGACY_TAR_MEMBERS.contains(&base) {
                    out.container = Container::Tar;
                }
                scan_member(&name, data, budget, depth, &mut out);
            }
            _ => {}
        }
        // Data is padded to whole 512-byte blocks.
        offset = data_end.div_ceil(512).saturating_mul(512);
    }
    out
}

/// Whether an archive member's name says it holds a model or a pickle
/// (`model.pkl`, `pytorch_model.bin`, `ckpt.pt`, `model.joblib`).
fn names_a_model(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    is_pkl(base)
        || LEGACY_TAR_MEMBERS.contains(&base)
        || super::sniff::weights_format_by_name(base).is_some()
}

/// The members of torch's pre-1.0 tar checkpoints, each a pickle stream.
const LEGACY_TAR_MEMBERS: [&str; 4] = ["pickle", "sys_info", "tensors", "storages"];

/// One regular member of a tar or 7z archive: torch's legacy tar members
/// and `.pkl` names are pickle streams; anything else that opens like a
/// zip, a tar, a 7z, a pickle or a compressed stream is scanned as a file
/// of its own.
fn scan_member(name: &str, data: &[u8], budget: &mut Budget, depth: u8, out: &mut CheckpointScan) {
    let base = name.rsplit('/').next().unwrap_or(name);
    if LEGACY_TAR_MEMBERS.contains(&base) || is_pkl(base) {
        let cap = usize::try_from(MAX_OTHER_PKL).unwrap_or(usize::MAX);
        let bytes = data.get(..cap).unwrap_or(data);
        let found = scan_stream(bytes, name, &mut out.anomalies, budget);
        if base == "pickle"
            && let Some((_, main)) = found.first()
        {
            out.count_tensors(&main.clone());
        }
        out.pickles.extend(found);
        return;
    }
    if !looks_scannable(data) {
        return;
    }
    if depth + 1 >= MAX_NESTING {
        out.not_scanned(format!(
            "member {name:?} is itself an archive nested too deep to open"
        ));
        return;
    }
    if let Ok(inner) = scan_at(data, budget, depth + 1) {
        for (label, s) in inner.pickles {
            out.pickles.push((format!("{name}: {label}"), s));
        }
        for a in inner.anomalies {
            out.anomalies.push(format!("{name}: {a}"));
        }
        for a in inner.unscanned {
            out.unscanned.push(format!("{name}: {a}"));
        }
        if out.tensors == 0 {
            out.tensors = inner.tensors;
            out.parameters = inner.parameters;
            out.dtypes = inner.dtypes;
        }
    }
}

// ---------------------------------------------------------------------------
// 7z format

/// Decodes each folder of a 7z archive within the budget and scans its
/// members as tar members are. What cannot be opened (an encrypted folder,
/// a method without a decoder here, a broken header) is reported as an
/// anomaly starting "a 7z archive", which keeps the file listed as a model
/// file that was not fully scanned.
fn scan_sevenz(file: &[u8], budget: &mut Budget, depth: u8) -> CheckpointScan {
    let mut out = CheckpointScan::new(Container::SevenZip);
    if depth >= MAX_NESTING {
        out.not_scanned(format!(
            "a 7z archive nested {depth} containers deep was not opened"
        ));
        return out;
    }
    if budget.inflate_cap() == 0 {
        out.not_scanned(format!(
            "a 7z archive was not opened: the release's decompression budget of {} bytes is spent",
            super::RELEASE_INFLATE_BYTES
        ));
        return out;
    }
    let archive = match sevenz::parse(file, budget.inflate_cap()) {
        Ok((archive, spent)) => {
            budget.spend_inflate(spent);
            archive
        }
        Err(e) => {
            out.not_scanned(format!("a 7z archive that could not be read: {e}"));
            return out;
        }
    };
    for (index, folder) in archive.folders.iter().enumerate() {
        let members: Vec<&sevenz::Member> = archive
            .members
            .iter()
            .filter(|m| m.folder == Some(index))
            .collect();
        if members.is_empty() {
            continue;
        }
        let names = members
            .iter()
            .map(|m| format!("{:?}", m.name))
            .collect::<Vec<_>>()
            .join(", ");
        let cap = budget.inflate_cap();
        if cap == 0 {
            out.not_scanned(format!(
                "a 7z archive whose members {names} were not decompressed: the release's decompression budget of {} bytes is spent",
                super::RELEASE_INFLATE_BYTES
            ));
            break;
        }
        let decoded = match sevenz::unpack(file, folder, cap) {
            Ok(d) => d,
            Err(e) => {
                out.not_scanned(format!(
                    "a 7z archive whose members {names} were not scanned: {e}"
                ));
                continue;
            }
        };
        budget.spend_inflate(decoded.bytes.len() as u64);
        let have = decoded.bytes.len();
        for m in members {
            let start = usize::try_from(m.offset).unwrap_or(usize::MAX);
            let end = usize::try_from(m.offset.saturating_add(m.size)).unwrap_or(usize::MAX);
            if start < have || m.size == 0 {
                // What was decoded of it: a payload sits at a pickle's start.
                let data = decoded.bytes.get(start..end.min(have)).unwrap_or_default();
                scan_member(&m.name, data, budget, depth, &mut out);
            }
            if end <= have {
                continue;
            }
            let part = if start < have { "its rest" } else { "it" };
            if !decoded.cut {
                out.anomalies.push(format!(
                    "7z member {:?} runs past the end of its folder's {have} decompressed bytes",
                    m.name
                ));
            } else if names_a_model(&m.name) {
                // A payload placed behind 32 MiB of padding would otherwise
                // pass unseen.
                out.not_scanned(format!(
                    "7z member {:?} ({} bytes) runs past the first {cap} decompressed bytes of its folder; {part} was not scanned",
                    m.name, m.size
                ));
            } else {
                out.anomalies.push(format!(
                    "7z member {:?} ({} bytes) runs past the first {cap} decompressed bytes of its folder; {part} was not scanned",
                    m.name, m.size
                ));
            }
        }
        if let Some(e) = decoded.error {
            out.anomalies.push(format!("7z folder {}: {e}", index + 1));
        }
    }
    out
}

fn parse_octal(field: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(field).ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

// ---------------------------------------------------------------------------
// Zip format

/// One local file header, as found by walking the file.
#[derive(Debug, Clone)]
struct LocalEntry {
    offset: usize,
    name: String,
    method: u16,
    /// From the header (or its zip64 extra); `None` when deferred to a data
    /// descriptor or unreadable.
    compressed_size: Option<u64>,
    data_start: usize,
    /// Not read (a remote file's unfetched header): taken from the central
    /// directory, `data_start` as if the header had no extra field.
    assumed: bool,
}

impl LocalEntry {
    /// The local header at `offset` that was not read, as the central
    /// directory describes it. Nothing is judged from it but its size.
    fn assumed(offset: usize, name: &str, method: u16, compressed_size: u64) -> LocalEntry {
        LocalEntry {
            offset,
            name: name.to_owned(),
            method,
            compressed_size: Some(compressed_size),
            data_start: offset.saturating_add(30).saturating_add(name.len()),
            assumed: true,
        }
    }
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Parses the local header at `offset`, if there is a whole one.
fn local_entry(file: &Pieces<'_>, offset: usize) -> Option<LocalEntry> {
    let h = file.get(offset..offset.checked_add(30)?)?;
    if !h.starts_with(LOCAL_HEADER) {
        return None;
    }
    let flags = le16(h, 6)?;
    let method = le16(h, 8)?;
    let csize32 = le32(h, 18)?;
    let usize32 = le32(h, 22)?;
    let name_len = usize::from(le16(h, 26)?);
    let extra_len = usize::from(le16(h, 28)?);
    let name_start = offset + 30;
    let name = file.get(name_start..name_start + name_len)?;
    let extra = file.get(name_start + name_len..name_start + name_len + extra_len)?;
    let mut compressed_size = Some(u64::from(csize32));
    if csize32 == u32::MAX {
        // zip64 extra (id 1): uncompressed size first when it overflowed.
        compressed_size = zip64_compressed(extra, usize32 == u32::MAX);
    }
    if flags & 0x08 != 0 && csize32 == 0 {
        compressed_size = None;
    }
    Some(LocalEntry {
        offset,
        name: String::from_utf8_lossy(name).into_owned(),
        method,
        compressed_size,
        data_start: name_start + name_len + extra_len,
        assumed: false,
    })
}

fn zip64_compressed(extra: &[u8], has_uncompressed: bool) -> Option<u64> {
    let mut at = 0usize;
    while at + 4 <= extra.len() {
        let id = le16(extra, at)?;
        let len = usize::from(le16(extra, at + 2)?);
        if id == 1 {
            let field = at + 4 + if has_uncompressed { 8 } else { 0 };
            return le64(extra, field);
        }
        at += 4 + len;
    }
    None
}

/// Follows local headers from the start of the file by their sizes, the
/// way a streaming reader does. Stops at the central directory or at the
/// first header it cannot follow (returns that offset).
fn hop_local_entries(file: &Pieces<'_>) -> (Vec<LocalEntry>, Option<usize>) {
    let mut out = Vec::new();
    let mut offset = 0usize;
    while out.len() < MAX_ENTRIES {
        let rest = file.from(offset);
        if rest.starts_with(CENTRAL_HEADER) || rest.starts_with(END_OF_CENTRAL_DIR) {
            return (out, None);
        }
        let Some(entry) = local_entry(file, offset) else {
            return (out, Some(offset));
        };
        let next = entry
            .compressed_size
            .and_then(|s| usize::try_from(s).ok())
            .and_then(|s| entry.data_start.checked_add(s));
        out.push(entry);
        match next {
            Some(n) if n <= file.len() => offset = n,
            _ => return (out, Some(offset)),
        }
    }
    (out, None)
}

/// Every local header signature in the file, as picklescan's relaxed
/// reader and torch's own reader effectively tolerate: used when the
/// central directory cannot be trusted.
fn search_local_entries(file: &Pieces<'_>) -> Vec<LocalEntry> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while out.len() < MAX_ENTRIES {
        let Some(rel) = file.from(at).windows(4).position(|w| w == LOCAL_HEADER) else {
            break;
        };
        let offset = at + rel;
        if let Some(e) = local_entry(file, offset) {
            out.push(e);
        }
        at = offset + 4;
    }
    out
}

/// torch's reader (miniz) finds entries case-insensitively, and Windows
/// tools write `\\` separators: `ARCHIVE\\DATA.PKL` is still a pickle
/// some reader loads.
fn normalised(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

fn is_pkl(name: &str) -> bool {
    normalised(name).ends_with(".pkl")
}

fn is_data_pkl(name: &str) -> bool {
    let n = normalised(name);
    n == "data.pkl" || n.ends_with("/data.pkl")
}

fn pkl_cap(name: &str) -> u64 {
    if is_data_pkl(name) {
        MAX_DATA_PKL
    } else {
        MAX_OTHER_PKL
    }
}

/// Names that write outside an extraction directory.
fn traverses(name: &str) -> bool {
    name.starts_with('/')
        || name.contains('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split('/').any(|part| part == "..")
}

fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".zip", ".pt", ".pth", ".tar", ".7z", ".gz", ".npz", ".ckpt"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// `<archive>/data/<key>` (torch.save and TorchScript storages),
/// `<archive>/constants/<key>` (TorchScript's constant tensors) and
/// `<archive>/.data/<name>` (TorchScript's shared storages, the
/// serialization id): records whose bytes a loader reads as raw memory.
fn is_storage_record(name: &str) -> bool {
    let n = normalised(name);
    let mut parts = n.split('/');
    let (Some(_top), Some(folder), Some(key), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(folder, "data" | "constants" | ".data") && !key.is_empty() && !is_pkl(key)
}

/// The bytes a stored entry declares, within the file; an entry whose
/// size is unknown (deferred to a data descriptor) gives its first 8 bytes
/// at most, enough for a magic number.
fn stored_bytes<'f>(file: &Pieces<'f>, e: &LocalEntry) -> &'f [u8] {
    let len = e
        .compressed_size
        .and_then(|s| usize::try_from(s).ok())
        .unwrap_or(8);
    let end = e.data_start.saturating_add(len).min(file.len());
    let start = e.data_start.min(end);
    let here = file.from(start);
    here.get(..end - start).unwrap_or(here)
}

fn is_archive_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(LOCAL_HEADER)
        || bytes.starts_with(b"7z\xbc\xaf\x27\x1c")
        || bytes.starts_with(b"\x1f\x8b")
}

/// Reads a local entry's bytes, up to `cap`: stored entries straight from
/// the file, deflated ones through the zip crate's stream reader (the cap
/// bounds a deflate bomb). Returns the bytes and whether they were cut.
fn read_local<'f>(
    file: &Pieces<'f>,
    e: &LocalEntry,
    cap: u64,
) -> Result<(std::borrow::Cow<'f, [u8]>, bool), String> {
    let cap_usize = usize::try_from(cap).unwrap_or(usize::MAX);
    if e.method == 0 {
        let declared = e
            .compressed_size
            .and_then(|s| usize::try_from(s).ok())
            .unwrap_or(file.len() - e.data_start.min(file.len()));
        let end = e.data_start.saturating_add(declared).min(file.len());
        let start = e.data_start.min(end);
        let cut = end - start > cap_usize;
        let here = file.from(start);
        let kept = here
            .get(..end.min(start.saturating_add(cap_usize)) - start)
            .unwrap_or(here);
        // Borrowed from the map: a stored data.pkl costs no copy.
        return Ok((std::borrow::Cow::Borrowed(kept), cut));
    }
    let mut cursor = Cursor::new(file.from(e.offset));
    let entry = match e.compressed_size {
        Some(size) => zip::read::read_zipfile_from_stream_with_compressed_size(&mut cursor, size),
        None => zip::read::read_zipfile_from_stream(&mut cursor),
    };
    match entry {
        Ok(Some(mut z)) => {
            read_capped(&mut z, cap).map(|(b, cut)| (std::borrow::Cow::Owned(b), cut))
        }
        Ok(None) => Err("no entry at its local header".to_owned()),
        Err(err) => Err(err.to_string()),
    }
}

fn read_capped(r: &mut impl Read, cap: u64) -> Result<(Vec<u8>, bool), String> {
    let mut buf = Vec::new();
    // One byte past the cap tells whether the entry was cut.
    let res = r.take(cap.saturating_add(1)).read_to_end(&mut buf);
    let cut = buf.len() as u64 > cap;
    buf.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
    match res {
        Ok(_) => Ok((buf, cut)),
        // Keep what was read: a payload before a corrupt tail still runs.
        Err(_) if !buf.is_empty() => Ok((buf, true)),
        Err(e) => Err(e.to_string()),
    }
}

/// Opens the central directory where the end record says it is, as
/// Python's zipfile and torch's reader do, and only then lets the zip
/// crate search for a shifted one (data prepended to the archive). The
/// crate's search alone misreads real torch.save files: it assumes the
/// directory ends where the 32-bit end record starts, but torch writes the
/// zip64 end record and locator (76 bytes) in between, so when the first
/// directory record is also 76 bytes long (an archive folder name of 21
/// characters) it starts one record late and rejects the archive.
fn open_zip<'p, 'a>(
    file: &'p Pieces<'a>,
) -> zip::result::ZipResult<zip::ZipArchive<PiecesReader<'p, 'a>>> {
    let config = zip::read::Config {
        archive_offset: zip::read::ArchiveOffset::Known(0),
    };
    zip::ZipArchive::with_config(config, file.reader())
        .or_else(|_| zip::ZipArchive::new(file.reader()))
}

fn scan_zip(file: &Pieces<'_>, budget: &mut Budget) -> CheckpointScan {
    let mut out = CheckpointScan::new(Container::TorchZip);
    // Following local headers from the start needs every byte between
    // them: a file read by range (storage records unfetched) is not walked.
    let whole = file.whole_file().is_some();
    let (hopped, hop_stop) = if whole {
        hop_local_entries(file)
    } else {
        (Vec::new(), None)
    };
    // (name, local entry) of every entry the central directory lists.
    let mut listed: Vec<(String, Option<LocalEntry>)> = Vec::new();
    if !whole && let Some(count) = declares_too_many(file) {
        // The zip reader sizes its directory by the count: over HTTP, a
        // lying count must not cost memory before anything is read.
        out.not_scanned(format!(
            "the archive declares {count} entries, more than the {MAX_ENTRIES} a checkpoint needs; its directory was not read"
        ));
        return out;
    }
    match open_zip(file) {
        Ok(mut archive) => {
            let n = archive.len();
            if n > MAX_ENTRIES {
                out.anomalies.push(format!(
                    "{n} entries, more than the {MAX_ENTRIES} a checkpoint needs; only the first {MAX_ENTRIES} were examined"
                ));
            }
            for i in 0..n.min(MAX_ENTRIES) {
                if let Some(assumed) = unread_local(file, &archive, i) {
                    listed.push((assumed.name.clone(), Some(assumed)));
                    continue;
                }
                match archive.by_index_raw(i) {
                    Ok(z) => {
                        let name = String::from_utf8_lossy(z.name_raw()).into_owned();
                        let header = usize::try_from(z.header_start()).unwrap_or(usize::MAX);
                        // The directory's size wins over the local header's,
                        // which may defer it to a data descriptor.
                        let local = local_entry(file, header).map(|mut l| {
                            l.compressed_size = Some(z.compressed_size());
                            // Loaders (zipfile, miniz) take the method from
                            // the directory; a disagreeing local header is
                            // reported by add_central_records.
                            match z.compression() {
                                zip::CompressionMethod::Stored => l.method = 0,
                                zip::CompressionMethod::Deflated => l.method = 8,
                                _ => {}
                            }
                            l
                        });
                        match &local {
                            Some(l) if l.name != name => out.anomalies.push(format!(
                                "central directory names entry {name:?} but its local header says {:?}",
                                l.name
                            )),
                            None => out.anomalies.push(format!(
                                "entry {name:?} has no readable local header at byte {header}"
                            )),
                            _ => {}
                        }
                        listed.push((name, local));
                    }
                    Err(e) => out.anomalies.push(format!(
                        "entry {i} of the central directory is corrupt: {e}"
                    )),
                }
            }
            add_central_records(file, &mut listed, &mut out.anomalies);
            // Local entries the directory does not list are invisible to
            // the loader's listing but not to a streaming reader.
            let offsets: BTreeSet<usize> = listed
                .iter()
                .filter_map(|(_, l)| l.as_ref().map(|l| l.offset))
                .collect();
            let hidden: Vec<LocalEntry> = hopped
                .iter()
                .filter(|e| !offsets.contains(&e.offset))
                .cloned()
                .collect();
            for e in hidden {
                out.anomalies.push(format!(
                    "local entry {:?} at byte {} is not in the central directory",
                    e.name, e.offset
                ));
                listed.push((e.name.clone(), Some(e)));
            }
            if let Some(at) = hop_stop
                && at < file.len()
            {
                let listed_past = listed
                    .iter()
                    .filter_map(|(_, l)| l.as_ref())
                    .any(|l| l.offset >= at);
                if !listed_past {
                    out.anomalies
                        .push(format!("local headers cannot be followed past byte {at}"));
                }
            }
        }
        Err(e) if whole => {
            out.anomalies.push(format!(
                "the zip reader rejects the archive ({e}); walked the local headers instead"
            ));
            for e in search_local_entries(file) {
                listed.push((e.name.clone(), Some(e)));
            }
            add_central_records(file, &mut listed, &mut out.anomalies);
        }
        Err(e) => {
            // Only part of the file is here: its local headers cannot be
            // searched, so what it holds was not checked.
            out.not_scanned(format!(
                "the zip reader rejects the archive ({e}); its local headers could not be walked, as only part of the file was read"
            ));
            add_central_records(file, &mut listed, &mut out.anomalies);
        }
    }
    examine_entries(file, &listed, &mut out, budget);
    out
}

/// Whether the local header at `at` was not read whole (its fixed part,
/// or the name and extra field that fixed part announces): such a header
/// is taken from the directory, never judged. One that was read and is
/// not a local header is judged as it is.
fn header_unread(file: &Pieces<'_>, at: usize) -> bool {
    let fixed_end = at.saturating_add(30);
    if file.unread(at..fixed_end) {
        return true;
    }
    let Some(h) = file
        .get(at..fixed_end)
        .filter(|h| h.starts_with(LOCAL_HEADER))
    else {
        return false;
    };
    let variable = usize::from(le16(h, 26).unwrap_or(0)) + usize::from(le16(h, 28).unwrap_or(0));
    file.unread(at..fixed_end.saturating_add(variable))
}

/// The entry count the end record declares, when it is above
/// [`MAX_ENTRIES`].
fn declares_too_many(file: &Pieces<'_>) -> Option<u64> {
    super::packages::declared_entries(file).filter(|&n| n > MAX_ENTRIES as u64)
}

/// Entry `i` of the directory when its local header was not read (a remote
/// file's storage record): the directory's account of it, so that nothing
/// is said about a header no one looked at.
fn unread_local(
    file: &Pieces<'_>,
    archive: &zip::ZipArchive<PiecesReader<'_, '_>>,
    i: usize,
) -> Option<LocalEntry> {
    let z = archive.by_index_data(i).ok()?;
    let header = usize::try_from(z.header_start()).ok()?;
    if !header_unread(file, header) {
        return None;
    }
    let name = String::from_utf8_lossy(z.name_raw()).into_owned();
    #[allow(deprecated)]
    let method = z.compression().to_u16();
    Some(LocalEntry::assumed(
        header,
        &name,
        method,
        z.compressed_size(),
    ))
}

/// The directory as written: a name listed twice is one entry to the zip
/// crate (or makes it reject the archive), but each copy is loaded by some
/// reader, so every record's local entry not yet listed is added.
fn add_central_records(
    file: &Pieces<'_>,
    listed: &mut Vec<(String, Option<LocalEntry>)>,
    anomalies: &mut Vec<String>,
) {
    let records = central_records(file);
    anomalies.extend(name_anomalies(&records));
    let known: BTreeSet<usize> = listed
        .iter()
        .filter_map(|(_, l)| l.as_ref().map(|l| l.offset))
        .collect();
    for r in &records {
        let at = r.local_offset as usize;
        let local = if header_unread(file, at) {
            Some(LocalEntry::assumed(
                at,
                &r.name,
                r.method,
                u64::from(r.compressed_size),
            ))
        } else {
            local_entry(file, at)
        };
        if let Some(l) = local.as_ref().filter(|l| !l.assumed) {
            if l.method != r.method {
                anomalies.push(format!(
                    "entry {:?}: the local header says method {} but the central directory says {}",
                    r.name, l.method, r.method
                ));
            }
            if l.compressed_size
                .is_some_and(|c| c != u64::from(r.compressed_size))
                && r.compressed_size != u32::MAX
            {
                anomalies.push(format!(
                    "entry {:?}: the local header and the central directory disagree on its size",
                    r.name
                ));
            }
        }
        if !known.contains(&at) {
            let local = local.map(|mut l| {
                l.compressed_size = Some(u64::from(r.compressed_size));
                l.method = r.method;
                l
            });
            listed.push((r.name.clone(), local));
        }
    }
}

/// Whether the bytes of `local` a scan reads (up to `cap` of its data) are
/// missing from a file read by range: its header unread, or its data.
fn not_fetched(file: &Pieces<'_>, local: &LocalEntry, cap: u64) -> bool {
    if local.assumed {
        return true;
    }
    let size = local.compressed_size.unwrap_or(8).min(cap);
    let end = local
        .data_start
        .saturating_add(usize::try_from(size).unwrap_or(usize::MAX));
    file.unread(local.offset..end)
}

fn examine_entries(
    file: &Pieces<'_>,
    listed: &[(String, Option<LocalEntry>)],
    out: &mut CheckpointScan,
    release: &mut Budget,
) {
    let mut tops: BTreeSet<&str> = BTreeSet::new();
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    let mut data_entries: BTreeMap<String, u64> = BTreeMap::new();
    let mut main: Option<PickleScan> = None;
    let mut torchscript = false;
    // Local headers whose bytes were already read, and what is left of the
    // archive's budget (see MAX_ARCHIVE_PKL_BYTES).
    let mut read_at: BTreeSet<usize> = BTreeSet::new();
    let mut budget = MAX_ARCHIVE_PKL_BYTES;
    let mut budget_said = false;
    // Entries of a file read by range that were not fetched.
    let mut unfetched: Vec<&str> = Vec::new();
    for (name, local) in listed {
        tops.insert(name.split('/').next().unwrap_or(""));
        if traverses(name) {
            out.anomalies
                .push(format!("entry name {name:?} escapes the archive folder"));
        }
        if name.ends_with("/constants.pkl") || name.contains("/code/") {
            torchscript = true;
        }
        let Some(local) = local else { continue };
        // torch.jit.save deflates its code/ sources and their debug
        // pickles; torch.save deflates nothing.
        let torchscript_source = name.contains("/code/") || name.ends_with(".debug_pkl");
        if local.method != 0 && !torchscript_source {
            out.anomalies.push(format!(
                "entry {name:?} is compressed (method {}); torch.save stores entries uncompressed",
                local.method
            ));
        }
        if let Some(size) = local.compressed_size {
            let end = (local.data_start as u64).saturating_add(size);
            spans.push((
                local.offset,
                usize::try_from(end).unwrap_or(usize::MAX),
                name,
            ));
            if let Some((_, key)) = name.rsplit_once("/data/") {
                data_entries.insert(key.to_owned(), size);
            }
        }
        // Storage records are raw tensor bytes that no loader unpacks or
        // unpickles: their first bytes are whatever the weights are, so
        // they are sniffed neither as archives nor as pickles.
        let storage = is_storage_record(name);
        // Any other entry of a file read by range was fetched whole, unless
        // the file's read budget ran out first: then it is not judged.
        if !storage && not_fetched(file, local, pkl_cap(name)) {
            if is_archive_name(name) {
                out.anomalies
                    .push(format!("entry {name:?} is itself an archive"));
            }
            unfetched.push(name);
            continue;
        }
        // A stored entry's own bytes, never the next header: a zero-length
        // record (an empty storage, TorchScript's empty constants) is
        // followed by `PK\x03\x04`, which is not its content.
        let stored = if local.method == 0 {
            stored_bytes(file, local)
        } else {
            &[]
        };
        if is_archive_name(name) || (!storage && is_archive_magic(stored)) {
            out.anomalies
                .push(format!("entry {name:?} is itself an archive"));
        }
        // A stored entry that opens like a pickle is scanned whatever its
        // name.
        let pickle_inside = !storage && matches!(stored, [0x80, 2..=5, ..]);
        if !is_pkl(name) && !pickle_inside {
            continue;
        }
        // The same bytes listed again under another name: their imports
        // are reported already, and the overlap is reported below.
        if !read_at.insert(local.offset) {
            continue;
        }
        if budget == 0 {
            // Said once, not once per remaining entry.
            if !budget_said {
                budget_said = true;
                out.anomalies.push(format!(
                    "entry {name:?} and later .pkl entries were not scanned: the archive's pickles already took {MAX_ARCHIVE_PKL_BYTES} bytes"
                ));
            }
            continue;
        }
        let mut cap = pkl_cap(name).min(budget);
        if local.method != 0 {
            // Inflated bytes come out of the release's budget too.
            cap = cap.min(release.inflate_cap());
            if cap == 0 {
                out.anomalies.push(format!(
                    "entry {name:?} was not inflated: the release's decompression budget of {} bytes is spent",
                    super::RELEASE_INFLATE_BYTES
                ));
                continue;
            }
        }
        match read_local(file, local, cap) {
            Ok((bytes, cut)) => {
                budget = budget.saturating_sub(bytes.len() as u64);
                if local.method != 0 {
                    release.spend_inflate(bytes.len() as u64);
                }
                if cut {
                    out.anomalies.push(format!(
                        "entry {name:?} is larger than {cap} bytes; only the first {cap} were scanned"
                    ));
                }
                let found = scan_stream(&bytes, name, &mut out.anomalies, release);
                for (i, (label, s)) in found.into_iter().enumerate() {
                    if i == 0 && is_data_pkl(name) && main.is_none() {
                        main = Some(s.clone());
                    }
                    let label = if i == 0 { name.clone() } else { label };
                    out.pickles.push((label, s));
                }
            }
            Err(e) => out
                .anomalies
                .push(format!("entry {name:?} cannot be read: {e}")),
        }
    }
    if let Some(first) = unfetched.first() {
        // One sentence however many: a hostile directory can list
        // thousands.
        let more = match unfetched.len() {
            1 => String::new(),
            n => format!(" and {} more entries", n - 1),
        };
        out.not_scanned(format!(
            "entry {first:?}{more} were not read: only part of the file was fetched, within its read budget"
        ));
    }
    if torchscript {
        out.container = Container::TorchScript;
    }
    if tops.len() > 1 {
        out.anomalies.push(format!(
            "{} top-level folders; torch.save writes one",
            tops.len()
        ));
    }
    spans.sort_unstable();
    for pair in spans.windows(2) {
        let [(_, end_a, a), (start_b, _, b)] = pair else {
            continue;
        };
        if start_b < end_a {
            out.anomalies
                .push(format!("entries {a:?} and {b:?} overlap"));
        }
    }
    match main {
        Some(m) => {
            out.count_tensors(&m);
            for s in &m.storages {
                let Some(&have) = data_entries.get(&s.key) else {
                    out.anomalies.push(format!(
                        "storage {:?} named by data.pkl has no data entry",
                        s.key
                    ));
                    continue;
                };
                let want = s
                    .numel
                    .zip(pickle::dtype_size(&s.dtype))
                    .and_then(|(n, size)| n.checked_mul(size));
                if want.is_some_and(|w| w != have) {
                    out.anomalies.push(format!(
                        "storage {:?} holds {have} bytes but data.pkl declares {}",
                        s.key,
                        want.unwrap_or(0)
                    ));
                }
            }
        }
        None => {
            if out.pickles.is_empty() && out.unscanned.is_empty() {
                out.error = Some("the archive holds no .pkl entry".to_owned());
            }
        }
    }
}

/// Reads `file` as a remote read does (see `read::read_remote_zip`): its
/// last `tail` bytes, then up to three rounds of the ranges [`zip_reads`]
/// asks for; what was read, and the number of reads.
#[cfg(test)]
#[allow(clippy::indexing_slicing)]
pub(crate) fn read_by_plan(
    file: &[u8],
    tail: usize,
    wants: &MemberReads,
    max_members: usize,
) -> (Fetched, usize) {
    let mut got = Fetched::new(file.len() as u64);
    let at = file.len() - tail;
    got.add(at as u64, file[at..].to_vec());
    let mut requests = 1;
    let fetched: Result<(), std::convert::Infallible> =
        fetch_zip_reads(&mut got, wants, max_members, 3, 0, |r, _| {
            requests += 1;
            Ok(Some(file[r.start as usize..r.end as usize].to_vec()))
        });
    let Ok(()) = fetched;
    (got, requests)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    macro_rules! fixture {
        ($name:literal, $malicious:expr) => {
            (
                $name,
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/fixtures/interop-pickle/",
                    $name
                )),
                $malicious,
            )
        };
    }

    /// Every file of fixtures/interop-pickle (scripts/make-pickle-fixtures.py)
    /// with its expected verdict.
    const FIXTURES: &[(&str, &[u8], bool)] = &[
        fixture!("benign-legacy.pt", false),
        fixture!("benign-sklearn-like.pkl", false),
        fixture!("benign-state-dict.pt", false),
        fixture!("benign-torchscript.pt", false),
        fixture!("mal-attrgetter-chain.pkl", true),
        fixture!("mal-broken-after-payload.pkl", true),
        fixture!("mal-builtin-eval.pkl", true),
        fixture!("mal-builtins-exec.pkl", true),
        fixture!("mal-fickling-injected.pkl", true),
        fixture!("mal-functools-partial.pkl", true),
        fixture!("mal-legacy-second-pickle.pt", true),
        fixture!("mal-nested-pickle-loads.pkl", true),
        fixture!("mal-os-system.pkl", true),
        fixture!("mal-runpy.pkl", true),
        fixture!("mal-stack-global-memo.pkl", true),
        fixture!("mal-torch-load-nested.pkl", true),
        fixture!("mal-torch-zip-payload.pt", true),
        fixture!("mal-zip-corrupt-entry-first.pt", true),
        fixture!("mal-zip-deflated-data-pkl.pt", true),
        fixture!("mal-zip-no-central-directory.pt", true),
    ];

    #[test]
    fn every_fixture_has_its_expected_verdict() {
        for (name, bytes, malicious) in FIXTURES {
            let s = scan(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let v = s.verdict();
            if *malicious {
                assert_eq!(v, Verdict::Unsafe, "{name}: {s:?}");
            } else if s.container == Container::TorchScript {
                // `__torch__.*` classes are the archive's own code.
                assert_eq!(v, Verdict::Suspicious, "{name}: {s:?}");
            } else {
                assert_eq!(v, Verdict::Safe, "{name}: {s:?}");
                assert!(s.anomalies.is_empty(), "{name}: {:?}", s.anomalies);
            }
            assert!(!s.pickles.is_empty(), "{name}");
        }
    }

    /// Counts from expected.json, which torch itself reported after a
    /// weights_only load of the benign files.
    #[test]
    fn benign_checkpoints_count_tensors_as_torch_does() {
        let expected: serde_json::Value = serde_json::from_slice(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/interop-pickle/expected.json"
        )))
        .expect("expected.json");
        let files = expected["files"].as_object().expect("files");
        let mut checked = 0;
        for (name, bytes, _) in FIXTURES {
            let e = &files[*name];
            assert!(e.is_object(), "{name} missing from expected.json");
            assert_eq!(
                e["expected"].as_str() == Some("malicious"),
                name.starts_with("mal-"),
                "{name}"
            );
            let s = scan(bytes).expect("scan");
            assert_eq!(
                Some(s.container.as_str()),
                e["container"].as_str(),
                "{name}"
            );
            let Some(tensors) = e["tensors"].as_u64() else {
                continue;
            };
            assert_eq!(s.tensors, tensors, "{name}");
            assert_eq!(Some(s.parameters), e["parameters"].as_u64(), "{name}");
            let dtypes: BTreeMap<String, u64> =
                serde_json::from_value(e["dtypes"].clone()).expect("dtypes");
            assert_eq!(s.dtypes, dtypes, "{name}");
            checked += 1;
        }
        assert!(checked >= 2, "at least the torch zip and legacy files");
    }

    /// The bytes of the fixture called `name`.
    fn fixture(name: &str) -> &'static [u8] {
        FIXTURES
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, b, _)| *b)
            .expect("fixture")
    }

    #[test]
    fn anomalies_of_the_zip_tricks() {
        let find = |name: &str| scan(fixture(name)).expect("scan");
        let has = |s: &CheckpointScan, needle: &str| s.anomalies.iter().any(|a| a.contains(needle));
        let s = find("mal-zip-deflated-data-pkl.pt");
        assert!(
            has(&s, "\"archive/data.pkl\" is compressed"),
            "{:?}",
            s.anomalies
        );
        let s = find("mal-zip-corrupt-entry-first.pt");
        assert!(
            has(&s, "aaa-corrupt.pkl\" cannot be read"),
            "{:?}",
            s.anomalies
        );
        assert!(
            s.pickles
                .iter()
                .any(|(l, p)| l == "archive/data.pkl" && p.verdict() == Verdict::Unsafe)
        );
        let s = find("mal-zip-no-central-directory.pt");
        assert!(has(&s, "rejects the archive"), "{:?}", s.anomalies);
        assert_eq!(s.tensors, 4);
        let s = find("mal-legacy-second-pickle.pt");
        assert_eq!(s.pickles[1].1.verdict(), Verdict::Unsafe);
        assert_eq!(s.pickles[3].1.verdict(), Verdict::Safe);
        let s = find("mal-broken-after-payload.pkl");
        assert!(s.pickles[0].1.error.is_some());
    }

    // -- inline archives --

    /// A stored zip entry: local header, name, data; returns the bytes and
    /// the central-directory record for it.
    fn entry(name: &str, data: &[u8], offset: usize, method: u16) -> (Vec<u8>, Vec<u8>) {
        let mut local = b"PK\x03\x04\x14\x00\x00\x00".to_vec();
        local.extend_from_slice(&method.to_le_bytes());
        local.extend_from_slice(&[0; 4]); // time, date
        local.extend_from_slice(&crc32(data).to_le_bytes());
        local.extend_from_slice(&(data.len() as u32).to_le_bytes());
        local.extend_from_slice(&(data.len() as u32).to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&[0, 0]);
        local.extend_from_slice(name.as_bytes());
        let mut central = b"PK\x01\x02\x14\x00".to_vec();
        central.extend_from_slice(&local[4..30]);
        central.extend_from_slice(&[0; 10]); // comment len, disk, attrs
        central.extend_from_slice(&(offset as u32).to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        local.extend_from_slice(data);
        (local, central)
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let (mut body, mut cd) = (Vec::new(), Vec::new());
        for (name, data) in entries {
            let (l, c) = entry(name, data, body.len(), 0);
            body.extend(l);
            cd.extend(c);
        }
        let cd_start = body.len();
        body.extend_from_slice(&cd);
        body.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
        let n = (entries.len() as u16).to_le_bytes();
        body.extend_from_slice(&n);
        body.extend_from_slice(&n);
        body.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        body.extend_from_slice(&(cd_start as u32).to_le_bytes());
        body.extend_from_slice(&[0, 0]);
        body
    }

    const PAYLOAD: &[u8] = b"\x80\x02cos\nsystem\nX\x0a\x00\x00\x00echo pwned\x85R.";

    #[test]
    fn a_checkpoint_read_in_parts_scans_as_the_whole_file() {
        for (name, file, _) in FIXTURES {
            if !name.ends_with(".pt") || !file.starts_with(LOCAL_HEADER) {
                continue;
            }
            let whole = scan(file).unwrap();
            let (got, requests) =
                read_by_plan(file, 600.min(file.len()), &member_reads, usize::MAX);
            assert!(requests <= 4, "{name}: {requests}");
            let parts = scan_zip_pieces(&got.view(), &mut Budget::default()).unwrap();
            if whole.anomalies.is_empty() {
                assert_eq!(parts, whole, "{name}");
            } else {
                // What only the local headers of unread entries or a walk
                // of the whole file could show is not claimed.
                assert_eq!(parts.pickles, whole.pickles, "{name}");
                assert_eq!(parts.verdict(), whole.verdict(), "{name}");
            }
        }
    }

    #[test]
    fn storage_records_are_never_fetched_and_their_headers_never_judged() {
        let file = fixture("benign-state-dict.pt");
        // The storage records' local headers and data lie between byte 918
        // (archive/data/0) and 1480 (archive/version).
        let (got, _) = read_by_plan(file, 1000, &member_reads, usize::MAX);
        let pieces = got.view();
        assert!(pieces.unread(1100..1400), "storage data was fetched");
        let parts = scan_zip_pieces(&pieces, &mut Budget::default()).unwrap();
        assert_eq!(parts, scan(file).unwrap());
        // Only the first bytes and the end (the zip reader reads the last
        // KiB in one go): the members are not scanned, and say so; no
        // error claims the archive holds no pickle.
        let tail = &file[file.len() - 1024..];
        let only_end = Pieces::new(
            file.len() as u64,
            [(0, &file[..4]), ((file.len() - 1024) as u64, tail)],
        );
        let parts = scan_zip_pieces(&only_end, &mut Budget::default()).unwrap();
        assert!(parts.error.is_none(), "{:?}", parts.error);
        assert!(parts.pickles.is_empty());
        assert!(
            parts
                .unscanned
                .iter()
                .any(|u| u.contains("archive/data.pkl")),
            "{:?}",
            parts.unscanned
        );
        assert!(
            !parts
                .anomalies
                .iter()
                .any(|a| a.contains("local header") || a.contains("rejects")),
            "{:?}",
            parts.anomalies
        );
    }

    #[test]
    fn a_payload_is_found_in_parts_and_a_lying_directory_is_not_trusted() {
        let file = fixture("mal-torch-zip-payload.pt");
        let (got, _) = read_by_plan(file, 300, &member_reads, usize::MAX);
        let parts = scan_zip_pieces(&got.view(), &mut Budget::default()).unwrap();
        assert_eq!(parts.verdict(), Verdict::Unsafe);
        // An end record declaring a directory past the end of a 1 GB file
        // and 60,000 entries: nothing asked for, nothing read, no panic.
        let mut tail = zip_of(&[("archive/data.pkl", PAYLOAD)]);
        let end = tail.len() - 22;
        tail[end + 8..end + 12].copy_from_slice(&[0x60, 0xea, 0x60, 0xea]);
        tail[end + 16..end + 20].copy_from_slice(&u32::MAX.to_le_bytes());
        let len = 1u64 << 30;
        let at = len - tail.len() as u64;
        let lying = Pieces::new(len, [(at, tail.as_slice())]);
        // At most the rest of the end record's search area is asked for
        // (the zip reader looks further back for another end record).
        let plan = zip_reads(&lying, &member_reads, usize::MAX);
        assert!(
            plan.ranges.iter().all(|r| r.start >= len - 65_557 - 1024),
            "{plan:?}"
        );
        let scanned = scan_zip_pieces(&lying, &mut Budget::default()).unwrap();
        assert!(scanned.pickles.is_empty());
        assert!(!scanned.anomalies.is_empty());
        // A directory larger than the end that was read: it is asked for.
        let mut many: Vec<(String, Vec<u8>)> = (0..40)
            .map(|i| (format!("archive/data/{i}"), vec![0u8; 64]))
            .collect();
        many.insert(0, ("archive/data.pkl".to_owned(), PAYLOAD.to_vec()));
        let entries: Vec<(&str, &[u8])> = many
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let zip = zip_of(&entries);
        // The end, the rest of the directory, the members, and the rest of
        // data.pkl past the guessed header.
        let (got, requests) = read_by_plan(&zip, 200, &member_reads, usize::MAX);
        assert!(requests <= 4, "{requests}");
        let parts = scan_zip_pieces(&got.view(), &mut Budget::default()).unwrap();
        assert_eq!(parts.verdict(), Verdict::Unsafe);
        assert!(got.view().unread(200..2000), "storage records were fetched");
    }

    #[test]
    fn every_pkl_entry_is_scanned_and_odd_layouts_are_reported() {
        let data_pkl = b"\x80\x02}.";
        let zip = zip_of(&[
            ("archive/data.pkl", data_pkl),
            ("archive/version", b"3\n"),
            ("other/extra.pkl", PAYLOAD),
            ("../escape", b"x"),
            ("archive/inner.zip", b"PK\x03\x04"),
        ]);
        let s = scan(&zip).expect("scan");
        assert_eq!(s.container, Container::TorchZip);
        assert_eq!(s.verdict(), Verdict::Unsafe);
        assert_eq!(s.pickles.len(), 2);
        let joined = s.anomalies.join("\n");
        assert!(joined.contains("top-level folders"), "{joined}");
        assert!(joined.contains("escapes the archive folder"), "{joined}");
        assert!(joined.contains("is itself an archive"), "{joined}");
    }

    #[test]
    fn both_copies_of_a_duplicated_name_are_scanned() {
        // First copy malicious, last benign: Python's zipfile and the zip
        // crate load the last, a streaming reader the first.
        let zip = zip_of(&[
            ("archive/data.pkl", PAYLOAD),
            ("archive/data.pkl", b"\x80\x02}."),
        ]);
        let s = scan(&zip).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe, "{s:?}");
        assert!(
            s.anomalies.iter().any(|a| a.contains("is listed 2 times")),
            "{:?}",
            s.anomalies
        );
        // And the other way round.
        let zip = zip_of(&[
            ("archive/data.pkl", b"\x80\x02}."),
            ("archive/data.pkl", PAYLOAD),
        ]);
        assert_eq!(scan(&zip).expect("scan").verdict(), Verdict::Unsafe);
    }

    #[test]
    fn case_and_backslash_spellings_are_scanned_and_reported() {
        let zip = zip_of(&[
            ("archive/data.pkl", b"\x80\x02}."),
            ("archive/DATA.PKL", PAYLOAD),
            ("archive\\constants.pkl", PAYLOAD),
        ]);
        let s = scan(&zip).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
        let joined = s.anomalies.join("\n");
        assert!(joined.contains("differ only in case"), "{joined}");
        assert!(joined.contains("backslash separator"), "{joined}");
        // A pickle under a name that does not say so is still walked.
        let zip = zip_of(&[
            ("archive/data.pkl", b"\x80\x02}."),
            ("archive/extra", PAYLOAD),
        ]);
        assert_eq!(scan(&zip).expect("scan").verdict(), Verdict::Unsafe);
    }

    #[test]
    fn local_header_disagreeing_with_the_directory_is_reported() {
        let mut zip = zip_of(&[("archive/data.pkl", b"\x80\x02}.")]);
        // The local header's method field (offset 8) says deflate.
        zip[8] = 8;
        let s = scan(&zip).expect("scan");
        assert!(
            s.anomalies
                .iter()
                .any(|a| a.contains("the local header says method 8")),
            "{:?}",
            s.anomalies
        );
    }

    #[test]
    fn the_directory_method_wins_and_prepended_data_is_found() {
        let mut zip = zip_of(&[("archive/data.pkl", PAYLOAD)]);
        zip[8] = 8; // the local header claims deflate; the data is stored
        assert_eq!(scan(&zip).expect("scan").verdict(), Verdict::Unsafe);
        let mut junk = vec![0u8; 64];
        junk.extend(zip_of(&[("archive/data.pkl", PAYLOAD)]));
        assert!(ends_like_zip(&junk));
        let s = scan(&junk).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
        assert_eq!(s.anomalies[0], "data precedes the zip's first entry");
        assert!(!ends_like_zip(PAYLOAD));
    }

    #[test]
    fn a_second_pickle_after_stop_is_scanned() {
        let mut bytes = b"\x80\x02}.".to_vec();
        bytes.extend_from_slice(PAYLOAD);
        let s = scan(&bytes).expect("scan");
        assert_eq!(s.container, Container::BarePickle);
        assert_eq!(s.pickles.len(), 2);
        assert_eq!(s.verdict(), Verdict::Unsafe);
        assert!(s.anomalies[0].contains("more than one pickle"));
        // And one after binary junk that breaks the first stream.
        let mut bytes = b"\x80\x02}\xff\xfe junk".to_vec();
        bytes.extend_from_slice(PAYLOAD);
        let s = scan(&bytes).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
    }

    #[test]
    fn legacy_trailing_pickle_after_storages_is_scanned() {
        let legacy = fixture("benign-legacy.pt");
        let mut bytes = legacy.to_vec();
        bytes.extend_from_slice(PAYLOAD);
        let s = scan(&bytes).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
        assert!(
            s.anomalies
                .iter()
                .any(|a| a.contains("after the last storage"))
        );
    }

    #[test]
    fn tar_members_are_scanned() {
        let tar = tar_of(&[("sys_info", &b"\x80\x02}."[..]), ("pickle", PAYLOAD)]);
        let s = scan(&tar).expect("scan");
        assert_eq!(s.container, Container::Tar);
        assert_eq!(s.pickles.len(), 2);
        assert_eq!(s.verdict(), Verdict::Unsafe);
    }

    fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut tar = Vec::new();
        for (name, data) in members {
            let mut h = vec![0u8; 512];
            h[..name.len()].copy_from_slice(name.as_bytes());
            let size = format!("{:011o}\0", data.len());
            h[124..136].copy_from_slice(size.as_bytes());
            h[156] = b'0';
            h[257..262].copy_from_slice(b"ustar");
            tar.extend_from_slice(&h);
            tar.extend_from_slice(data);
            tar.resize(tar.len().div_ceil(512) * 512, 0);
        }
        tar.extend_from_slice(&[0; 1024]);
        tar
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn compressed_pickles_and_archives_are_opened() {
        let s = scan(&gzip(PAYLOAD)).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
        assert_eq!(s.compression, ["gzip"]);
        // A .tar.gz with the pickle under an innocent name.
        let tgz = gzip(&tar_of(&[
            ("model/README", b"hello"),
            ("model/weights.sav", PAYLOAD),
        ]));
        let s = scan(&tgz).expect("scan");
        assert_eq!(s.container, Container::TarArchive);
        assert_eq!(s.verdict(), Verdict::Unsafe, "{s:?}");
        assert!(s.pickles[0].0.starts_with("model/weights.sav"));
        // A torch zip inside a tar.
        let zip = zip_of(&[("archive/data.pkl", PAYLOAD)]);
        let s = scan(&tar_of(&[("ckpt.pt", &zip)])).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
        // A 7z cut inside its signature header: reported, not guessed at.
        let s = scan(b"7z\xbc\xaf\x27\x1c\x00\x04rest").expect("scan");
        assert_eq!(s.container, Container::SevenZip);
        assert!(s.anomalies[0].starts_with("a 7z archive that could not be read"));
        // Text under gzip is not a checkpoint.
        assert!(scan(&gzip(b"just text")).is_err());
    }

    #[test]
    fn a_compressed_tar_cut_at_the_cap_scans_what_it_has_and_says_so() {
        let budget_of = |bytes| Budget {
            inflate_left: bytes,
            walk_left: u64::MAX,
        };
        // A payload at the start of a member padded past the cap: found,
        // and the member the cap cut is not called corrupt.
        let mut padded = PAYLOAD.to_vec();
        padded.resize(64 << 10, 0);
        let tgz = gzip(&tar_of(&[("model.pkl", &padded)]));
        let s = scan_within(&tgz, &mut budget_of(16 << 10)).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe, "{s:?}");
        assert_eq!(s.error, None);
        assert_eq!(s.unscanned.len(), 1, "{:?}", s.unscanned);
        assert!(s.unscanned[0].contains("tar members past them were not seen"));
        // A payload behind padding: unseen, and reported although no
        // pickle was found.
        let tgz = gzip(&tar_of(&[
            ("pad.bin", &[0; 64 << 10]),
            ("model.pkl", PAYLOAD),
        ]));
        let s = scan_within(&tgz, &mut budget_of(16 << 10)).expect("scan");
        assert!(s.pickles.is_empty());
        assert_eq!(s.unscanned, s.anomalies);
        // The same tar whole: nothing to report.
        let s = scan_within(&tgz, &mut budget_of(1 << 20)).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
        assert!(s.unscanned.is_empty() && s.anomalies.is_empty(), "{s:?}");
        // An uncompressed tar cut short is still corrupt, its member's
        // start still scanned.
        let tar = tar_of(&[("model.pkl", &padded)]);
        let s = scan(&tar[..4096]).expect("scan");
        assert_eq!(s.verdict(), Verdict::Unsafe);
        assert!(
            s.error
                .as_deref()
                .is_some_and(|e| e.contains("runs past the end"))
        );
    }

    /// py7zr's encrypted archive of fixtures/interop-7z.
    const SEVEN_ZIP_ENCRYPTED: &[u8] = include_bytes!("../../fixtures/interop-7z/mal-encrypted.7z");

    #[test]
    fn the_release_budget_bounds_decompression() {
        let bomb = gzip(&vec![0u8; 8 << 20]);
        let mut budget = Budget {
            inflate_left: 1 << 20,
            walk_left: u64::MAX,
        };
        let s = scan_within(&bomb, &mut budget).map(|s| s.anomalies);
        // Zeros are no pickle: an error, but the budget is spent.
        assert!(s.is_err());
        assert_eq!(budget.inflate_left, 0);
        let s = scan_within(&gzip(PAYLOAD), &mut budget).expect("scan");
        assert!(s.pickles.is_empty());
        assert!(s.anomalies[0].contains("budget"), "{:?}", s.anomalies);
        // Reported even though no pickle was found; so is a 7z folder left
        // closed, whether or not its archive sits in a tar.
        assert_eq!(s.unscanned, s.anomalies);
        let seven =
            scan_within(&tar_of(&[("m.7z", SEVEN_ZIP_ENCRYPTED)]), &mut budget).expect("scan");
        assert_eq!(seven.unscanned.len(), 1);
        assert!(
            seven.unscanned[0].starts_with("m.7z: a 7z archive"),
            "{:?}",
            seven.unscanned
        );
        // A 7z member past what its folder's cap let out: a name that says
        // pickle is reported as not scanned, a text file only noted.
        let mut budget = Budget {
            inflate_left: 10,
            walk_left: u64::MAX,
        };
        let plain = include_bytes!("../../fixtures/interop-7z/7zip-plain-header.7z");
        let s = scan_within(plain, &mut budget).expect("scan");
        let names: Vec<&str> = s
            .unscanned
            .iter()
            .filter_map(|a| a.split('"').nth(1))
            .collect();
        assert_eq!(
            names,
            ["model/data.pkl", "model/ok.pkl"],
            "{:?}",
            s.unscanned
        );
        assert!(s.anomalies.iter().any(|a| a.contains("model/readme.txt")));
        assert!(s.anomalies.len() > s.unscanned.len());
        // The walk budget cuts pickle walking the same way.
        let mut budget = Budget {
            inflate_left: 0,
            walk_left: 4,
        };
        let s = scan_within(PAYLOAD, &mut budget).expect("scan");
        assert!(
            s.anomalies.iter().any(|a| a.contains("pickle budget")),
            "{:?}",
            s.anomalies
        );
    }

    #[test]
    fn unrecognised_and_hostile_inputs_do_not_panic() {
        assert!(scan(b"").is_err());
        assert!(scan(b"hello world").is_err());
        for len in 0..64 {
            let _ = scan(&vec![b'P'; len]);
        }
        // Truncated local headers, absurd sizes, an empty zip.
        let _ = scan(b"PK\x03\x04");
        let _ = scan(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff");
        let _ = scan(
            b"PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        );
        let mut legacy = b"\x80\x02".to_vec();
        legacy.extend_from_slice(LEGACY_MAGIC_LONG1);
        legacy.push(b'.');
        let s = scan(&legacy).expect("scan");
        assert_eq!(s.container, Container::Legacy);
        assert!(s.error.is_some());
        for (_, bytes, _) in FIXTURES {
            for end in (0..bytes.len()).step_by(7) {
                let _ = scan(&bytes[..end]);
            }
        }
    }

    // -- magic numbers a pickle can spell (issue 24) --

    /// The payload of each collision case: `posix.system` called by INST.
    fn calls_system(s: &CheckpointScan) -> bool {
        s.pickles.iter().any(|(_, p)| {
            p.imports
                .iter()
                .any(|i| i.module == "posix" && i.name == "system")
                && p.verdict() == Verdict::Unsafe
        })
    }

    #[test]
    fn a_protocol_0_pickle_that_passes_the_zlib_check_is_still_walked() {
        let file = b"(S'id'\niposix\nsystem\n.";
        // 0x2853 % 31 == 0, FDICT clear: a valid zlib header.
        assert_eq!(compressed::codec_of(file), Some(Codec::Zlib));
        let s = scan(file).expect("scan");
        assert_eq!(s.container, Container::BarePickle);
        assert!(calls_system(&s), "{s:?}");
        assert!(
            s.reinterpreted
                .iter()
                .any(|r| r.starts_with("not a zlib stream")),
            "{:?}",
            s.reinterpreted
        );
    }

    #[test]
    fn a_protocol_1_pickle_that_passes_the_zlib_check_is_still_walked() {
        // BINUNICODE of 71 bytes: `X` `G` is 0x5847, also a zlib header.
        let mut file = b"XG\x00\x00\x00".to_vec();
        file.extend([b'a'; 71]);
        file.extend(b"0(S'id'\niposix\nsystem\n.");
        assert_eq!(compressed::codec_of(&file), Some(Codec::Zlib));
        let s = scan(&file).expect("scan");
        assert!(calls_system(&s), "{s:?}");
        assert!(!s.reinterpreted.is_empty());
    }

    #[test]
    fn a_pickle_with_ustar_at_byte_257_is_read_as_tar_and_as_pickle() {
        // A protocol-0 string that puts `ustar` where a tar header keeps it.
        let mut file = b"(S'".to_vec();
        file.resize(257, b'x');
        file.extend(b"ustar'\niposix\nsystem\n.");
        assert_eq!(file.get(257..262), Some(&b"ustar"[..]));
        let s = scan(&file).expect("scan");
        assert!(calls_system(&s), "{s:?}");
        assert!(s.reinterpreted.iter().any(|r| r.contains("a tar")));
    }

    #[test]
    fn a_corrupt_stream_that_is_no_pickle_keeps_its_decoder_error() {
        // A gzip header, then garbage: nothing to fall back on.
        let err = scan(b"\x1f\x8b\x08\x00garbage that is not deflate").unwrap_err();
        assert!(err.to_string().contains("corrupt"), "{err}");
        // A zlib-looking text that does not walk as a pickle either.
        assert!(scan(b"(S no quote, no newline").is_err());
    }

    #[test]
    fn magics_that_cannot_be_a_pickle_do_not_collide() {
        // Every other magic this module reads opens with a byte no protocol
        // 0/1 pickle starts with (protocol 2+ starts with 0x80 and a
        // protocol number, and is told apart by the PROTO test).
        for (what, magic) in [
            ("gzip", &b"\x1f\x8b\x08\x00\x00\x00\x00\x00"[..]),
            ("bz2", b"BZh91AY&SY"),
            ("xz", b"\xfd7zXZ\x00\x00\x04"),
            ("7z", b"7z\xbc\xaf\x27\x1c\x00\x04"),
            ("lz4", b"\x04\x22\x4d\x18\x64\x40"),
            ("lzma", b"\x5d\x00\x00\x80\x00\xff\xff\xff"),
            ("zip", b"PK\x03\x04\x14\x00\x00\x00"),
            ("npy", b"\x93NUMPY\x01\x00"),
            ("joblib zf", b"ZF0x1f                "),
        ] {
            assert!(
                !super::super::sniff::looks_like_old_pickle(magic),
                "{what} opens like a pickle"
            );
            assert!(
                !matches!(magic, [0x80, 0..=5, ..]),
                "{what} opens like PROTO"
            );
        }
        // And the ones that can, by their first byte: `(` and `X` with the
        // right second byte pass the zlib check; `]` (raw lzma's 0x5d) is
        // EMPTY_LIST, but a pickle never follows it with 0x00.
        for b1 in 0..=255u8 {
            for first in [b'(', b'X'] {
                let head = [first, b1];
                if compressed::codec_of(&head) == Some(Codec::Zlib) {
                    assert!(
                        matches!(
                            head,
                            [b'(', 0x15 | 0x53 | 0x91 | 0xcf] | [b'X', 0x09 | 0x47 | 0x85 | 0xc3]
                        ),
                        "{head:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn storage_records_are_not_sniffed_as_archives() {
        let data_pkl: &[u8] = b"\x80\x02}q\x00.";
        let zip = zip_of(&[
            ("archive/data.pkl", data_pkl),
            // Empty: the next local header follows at once.
            ("archive/data/0", b""),
            // Tensor bytes that happen to spell magic numbers.
            ("archive/data/1", b"PK\x03\x04\x00\x00"),
            ("archive/constants/0", b"\x1f\x8b\x08\x00"),
            ("archive/.data/serialization_id", b"\x80\x02garbage"),
            ("archive/version", b"3\n"),
        ]);
        let s = scan(&zip).expect("scan");
        let joined = s.anomalies.join("\n");
        assert!(!joined.contains("itself an archive"), "{joined}");
        assert_eq!(s.pickles.len(), 1, "{:?}", s.pickles);
        // Anywhere else, a stored zip is still reported.
        let zip = zip_of(&[
            ("archive/data.pkl", data_pkl),
            ("archive/extra", b"PK\x03\x04\x00\x00"),
        ]);
        let joined = scan(&zip).expect("scan").anomalies.join("\n");
        assert!(
            joined.contains("\"archive/extra\" is itself an archive"),
            "{joined}"
        );
        assert!(is_storage_record("a/data/12"));
        assert!(is_storage_record("a/constants/0"));
        assert!(!is_storage_record("a/data.pkl"));
        assert!(!is_storage_record("a/data/x/y"));
        assert!(!is_storage_record("a/data/evil.pkl"));
    }

    #[test]
    fn legacy_files_at_protocol_5_are_legacy() {
        // PROTO 5, FRAME, then the magic number as LONG1.
        let mut file = b"\x80\x05\x95\x0e\x00\x00\x00\x00\x00\x00\x00".to_vec();
        file.extend(LEGACY_MAGIC_LONG1);
        file.push(b'.');
        assert!(is_legacy(&file));
        assert!(!is_legacy(
            b"\x80\x05\x95\x0e\x00\x00\x00\x00\x00\x00\x00}."
        ));
    }
}
