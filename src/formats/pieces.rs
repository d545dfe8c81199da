//! The parts of a file a parser may look at: the whole file (a memory
//! map), or, for a file read by HTTP ranges, the ranges fetched from it at
//! their offsets. Parsers that read a zip by its directory (torch
//! checkpoints, `.npz`, `.keras`) take a [`Pieces`], so one parser serves
//! both: a byte the source did not fetch is *unread*, which a parser tells
//! apart from a byte past the end of the file (a lie in the archive), and
//! never mistakes for zeros.

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

/// What reading an unfetched byte through [`PiecesReader`] says.
pub const UNREAD: &str = "not read: this part of the file was not fetched";

/// Parts of a file of `len` bytes, each at its offset; sorted, disjoint.
#[derive(Debug, Clone)]
pub struct Pieces<'a> {
    len: usize,
    parts: Vec<(usize, &'a [u8])>,
    /// The first unread offset a [`PiecesReader`] was asked for.
    missed: Cell<Option<usize>>,
}

impl<'a> Pieces<'a> {
    /// The whole file.
    pub fn whole(file: &'a [u8]) -> Pieces<'a> {
        Pieces {
            len: file.len(),
            parts: vec![(0, file)],
            missed: Cell::new(None),
        }
    }

    /// `parts` (offset, bytes) of a file of `len` bytes. Parts are sorted;
    /// bytes past `len` are dropped, and a part overlapping the one before
    /// it keeps only what follows that one.
    pub fn new(len: u64, parts: impl IntoIterator<Item = (u64, &'a [u8])>) -> Pieces<'a> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let mut all: Vec<(usize, &'a [u8])> = parts
            .into_iter()
            .filter_map(|(at, b)| {
                let at = usize::try_from(at).ok().filter(|&a| a < len)?;
                let keep = b.len().min(len - at);
                Some((at, b.get(..keep)?))
            })
            .filter(|(_, b)| !b.is_empty())
            .collect();
        all.sort_by_key(|(at, _)| *at);
        let mut out: Vec<(usize, &'a [u8])> = Vec::with_capacity(all.len());
        for (at, b) in all {
            let start = match out.last() {
                Some((s, p)) => at.max(s + p.len()),
                None => at,
            };
            if let Some(rest) = b.get(start - at..).filter(|r| !r.is_empty()) {
                out.push((start, rest));
            }
        }
        Pieces {
            len,
            parts: out,
            missed: Cell::new(None),
        }
    }

    /// The file's length (declared, for a remote file).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file itself, when every byte of it is here.
    pub fn whole_file(&self) -> Option<&'a [u8]> {
        match self.parts.as_slice() {
            [(0, b)] if b.len() == self.len => Some(b),
            [] if self.len == 0 => Some(&[]),
            _ => None,
        }
    }

    /// The bytes here from `at` on, as far as they run without a gap:
    /// the rest of the file for a whole file, empty when `at` is unread or
    /// past the end.
    pub fn from(&self, at: usize) -> &'a [u8] {
        let i = self.parts.partition_point(|(s, _)| *s <= at);
        let Some((start, bytes)) = i.checked_sub(1).and_then(|i| self.parts.get(i)) else {
            return &[];
        };
        bytes.get(at - start..).unwrap_or_default()
    }

    /// Bytes `range`, as `<[u8]>::get` gives them: `None` past the end of
    /// the file, and also when any of them is unread.
    pub fn get(&self, range: Range<usize>) -> Option<&'a [u8]> {
        if range.start > range.end || range.end > self.len {
            return None;
        }
        if range.start == range.end {
            return Some(&[]);
        }
        self.from(range.start).get(..range.end - range.start)
    }

    /// Whether part of `range` lies in the file but is unread (never for a
    /// whole file): what a parser may not judge.
    pub fn unread(&self, range: Range<usize>) -> bool {
        let end = range.end.min(self.len);
        range.start < end && self.get(range.start..end).is_none()
    }

    /// The bytes that end the file, at most `max` of them, and where they
    /// start; empty when the end was not read.
    pub fn suffix(&self, max: usize) -> (usize, &'a [u8]) {
        let from = self.len.saturating_sub(max);
        match self.parts.last() {
            Some((start, b)) if start + b.len() == self.len => {
                let at = from.max(*start);
                (at, b.get(at - start..).unwrap_or_default())
            }
            _ => (self.len, &[]),
        }
    }

    /// The first offset a reader of these pieces was asked for and did not
    /// have: where a parser would have read on.
    pub fn missed(&self) -> Option<usize> {
        self.missed.get()
    }

    /// A reader over the file: reading an unread byte is an error
    /// ([`UNREAD`]), never zeros.
    pub fn reader(&self) -> PiecesReader<'_, 'a> {
        PiecesReader {
            pieces: self,
            pos: 0,
        }
    }
}

/// [`Pieces`] as `Read + Seek`, for the zip crate.
#[derive(Debug, Clone)]
pub struct PiecesReader<'p, 'a> {
    pieces: &'p Pieces<'a>,
    pos: u64,
}

impl Read for PiecesReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Ok(at) = usize::try_from(self.pos) else {
            return Ok(0);
        };
        if at >= self.pieces.len || buf.is_empty() {
            return Ok(0);
        }
        let here = self.pieces.from(at);
        if here.is_empty() {
            if self.pieces.missed.get().is_none() {
                self.pieces.missed.set(Some(at));
            }
            return Err(io::Error::other(UNREAD));
        }
        let n = here.len().min(buf.len());
        match (buf.get_mut(..n), here.get(..n)) {
            (Some(dst), Some(src)) => dst.copy_from_slice(src),
            _ => return Err(io::Error::other(UNREAD)),
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PiecesReader<'_, '_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let base = match to {
            SeekFrom::Start(n) => {
                self.pos = n;
                return Ok(n);
            }
            SeekFrom::End(d) => (self.pieces.len as u64).checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match base {
            Some(n) => {
                self.pos = n;
                Ok(n)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )),
        }
    }
}

/// Ranges read from a file, owned: what a remote read gathers before a
/// parser looks at it as [`Pieces`]. Touching or overlapping ranges are
/// merged, so bytes that were read together stay contiguous.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    len: u64,
    parts: Vec<(u64, Vec<u8>)>,
}

impl Fetched {
    pub fn new(len: u64) -> Fetched {
        Fetched {
            len,
            parts: Vec::new(),
        }
    }

    /// Keeps `bytes` read at `at`.
    pub fn add(&mut self, at: u64, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let mut start = at;
        let mut merged = bytes;
        let mut kept = Vec::with_capacity(self.parts.len() + 1);
        for (s, b) in std::mem::take(&mut self.parts) {
            let end = s + b.len() as u64;
            let new_end = start + merged.len() as u64;
            if end < start || s > new_end {
                kept.push((s, b));
                continue;
            }
            // Overlapping or touching: one part from min start to max end,
            // the bytes already held winning where both have some.
            let lo = s.min(start);
            let hi = end.max(new_end);
            let mut joined = vec![0u8; usize::try_from(hi - lo).unwrap_or(0)];
            let put = |buf: &mut Vec<u8>, at: u64, src: &[u8]| {
                let o = usize::try_from(at - lo).unwrap_or(0);
                if let Some(dst) = buf.get_mut(o..o + src.len()) {
                    dst.copy_from_slice(src);
                }
            };
            put(&mut joined, start, &merged);
            put(&mut joined, s, &b);
            start = lo;
            merged = joined;
        }
        kept.push((start, merged));
        kept.sort_by_key(|(s, _)| *s);
        self.parts = kept;
    }

    /// Bytes held.
    pub fn held(&self) -> u64 {
        self.parts.iter().map(|(_, b)| b.len() as u64).sum()
    }

    /// The parts that `range` still lacks, in order.
    pub fn missing(&self, range: Range<u64>) -> Vec<Range<u64>> {
        let end = range.end.min(self.len);
        let mut out = Vec::new();
        let mut at = range.start;
        for (s, b) in &self.parts {
            if at >= end {
                break;
            }
            let e = s + b.len() as u64;
            if e <= at {
                continue;
            }
            if *s > at {
                out.push(at..(*s).min(end));
            }
            at = at.max(e);
        }
        if at < end {
            out.push(at..end);
        }
        out
    }

    pub fn view(&self) -> Pieces<'_> {
        Pieces::new(self.len, self.parts.iter().map(|(s, b)| (*s, b.as_slice())))
    }
}

/// `ranges` sorted and joined where they touch or lie at most `gap` bytes
/// apart: one request instead of several for members stored side by side.
pub fn coalesce(mut ranges: Vec<Range<u64>>, gap: u64) -> Vec<Range<u64>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<u64>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end.saturating_add(gap) => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_file_answers_as_a_slice() {
        let file = b"0123456789";
        let p = Pieces::whole(file);
        assert_eq!(p.whole_file(), Some(&file[..]));
        assert_eq!(p.get(2..5), file.get(2..5));
        assert_eq!(p.get(8..11), None);
        assert_eq!(p.get(10..10), Some(&b""[..]));
        assert!(!p.unread(0..100));
        assert_eq!(p.suffix(3), (7, &b"789"[..]));
        let mut s = String::new();
        p.reader().read_to_string(&mut s).unwrap();
        assert_eq!(s, "0123456789");
    }

    #[test]
    fn holes_are_unread_not_zeros() {
        let (a, b) = (b"head".to_vec(), b"tail".to_vec());
        let p = Pieces::new(100, [(96, b.as_slice()), (0, a.as_slice())]);
        assert!(p.whole_file().is_none());
        assert_eq!(p.get(0..4), Some(&b"head"[..]));
        assert_eq!(p.get(2..6), None);
        assert!(p.unread(2..6));
        assert!(!p.unread(96..200), "past the end is not unread");
        assert_eq!(p.from(98), b"il");
        assert_eq!(p.suffix(2), (98, &b"il"[..]));
        let mut r = p.reader();
        r.seek(SeekFrom::Start(3)).unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(r.read(&mut buf).unwrap(), 1);
        assert!(
            r.read(&mut buf)
                .unwrap_err()
                .to_string()
                .contains("not read")
        );
        r.seek(SeekFrom::End(0)).unwrap();
        assert_eq!(r.read(&mut buf).unwrap(), 0);
        assert!(r.seek(SeekFrom::End(-101)).is_err());
    }

    #[test]
    fn fetched_ranges_merge_and_say_what_is_missing() {
        let mut f = Fetched::new(20);
        f.add(10, vec![1; 5]);
        f.add(0, vec![2; 4]);
        assert_eq!(f.missing(0..20), vec![4..10, 15..20]);
        f.add(3, vec![3; 7]);
        assert_eq!(f.missing(0..20), vec![15..20]);
        assert_eq!(f.held(), 15);
        let v = f.view();
        assert_eq!(v.from(0).len(), 15, "touching ranges are one part");
        assert_eq!(v.get(3..5), Some(&[2, 3][..]), "bytes held first win");
        assert_eq!(
            coalesce(vec![10..12, 0..2, 4..6, 30..31], 2),
            vec![0..6, 10..12, 30..31]
        );
    }
}
