//! The bounds-checked cursor the binary readers (GGUF, ONNX's protobuf,
//! Flax msgpack) share. Every read goes through [`Cursor::take`], which
//! fails rather than index past the end, and a length that does not fit in
//! `usize` or overflows the position is the same error as one past the end.
//!
//! Running out of bytes means two different things: over the whole file it
//! is truncation (`truncated-file`), inside a record whose length the file
//! declared it means that record lies about its contents. The cursor knows
//! which one it reads, so each reader reports it the same way.

use super::FormatError;

pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    /// `None` over the file itself; otherwise what `buf` is, for messages
    /// ("enclosing message", "ext payload").
    enclosing: Option<&'static str>,
}

impl<'a> Cursor<'a> {
    /// A cursor over a whole file: running out of bytes is truncation.
    pub(crate) fn file(buf: &'a [u8]) -> Self {
        Cursor {
            buf,
            pos: 0,
            enclosing: None,
        }
    }

    /// A cursor over a record the file declared the length of, named by
    /// `enclosing`: running out of bytes means the record lies.
    pub(crate) fn within(buf: &'a [u8], enclosing: &'static str) -> Self {
        Cursor {
            buf,
            pos: 0,
            enclosing: Some(enclosing),
        }
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// The error for a read of `need` more bytes than are left.
    pub(crate) fn short(&self, need: u64) -> FormatError {
        let actual = self.buf.len() as u64;
        let expected = (self.pos as u64).saturating_add(need);
        match self.enclosing {
            None => FormatError::Truncated { expected, actual },
            Some(what) => FormatError::invalid(format!(
                "a read needs {expected} bytes of a {actual}-byte {what}"
            )),
        }
    }

    /// The next `n` bytes, or [`Cursor::short`] if fewer are left.
    pub(crate) fn take(&mut self, n: u64) -> Result<&'a [u8], FormatError> {
        let slice = usize::try_from(n)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .and_then(|end| Some((end, self.buf.get(self.pos..end)?)));
        match slice {
            Some((end, bytes)) => {
                self.pos = end;
                Ok(bytes)
            }
            None => Err(self.short(n)),
        }
    }

    pub(crate) fn byte(&mut self) -> Result<u8, FormatError> {
        let Some(byte) = self.peek() else {
            return Err(self.short(1));
        };
        self.pos += 1;
        Ok(byte)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn take_advances_and_stops_at_the_end() {
        let mut c = Cursor::file(b"abcde");
        assert_eq!(c.take(2).unwrap(), b"ab");
        assert_eq!(c.position(), 2);
        assert_eq!(c.remaining(), 3);
        assert_eq!(c.byte().unwrap(), b'c');
        assert_eq!(c.take(2).unwrap(), b"de");
        assert!(c.at_end());
        assert_eq!(c.peek(), None);
        assert_eq!(c.take(0).unwrap(), b"");
    }

    #[test]
    fn running_out_of_a_file_is_truncation() {
        let mut c = Cursor::file(b"abc");
        c.take(2).unwrap();
        assert_eq!(
            c.take(5),
            Err(FormatError::Truncated {
                expected: 7,
                actual: 3
            })
        );
        // A failed read consumes nothing.
        assert_eq!(c.position(), 2);
        assert_eq!(c.byte().unwrap(), b'c');
        assert_eq!(
            c.byte(),
            Err(FormatError::Truncated {
                expected: 4,
                actual: 3
            })
        );
    }

    #[test]
    fn running_out_of_a_record_names_the_record() {
        let mut c = Cursor::within(b"abc", "ext payload");
        c.byte().unwrap();
        assert_eq!(
            c.take(9),
            Err(FormatError::invalid(
                "a read needs 10 bytes of a 3-byte ext payload"
            ))
        );
    }

    #[test]
    fn lengths_past_usize_or_wrapping_the_position_are_short_reads() {
        let mut c = Cursor::file(b"abc");
        c.byte().unwrap();
        for n in [u64::MAX, u64::MAX - 1, 1 << 63] {
            assert_eq!(
                c.take(n),
                Err(FormatError::Truncated {
                    expected: 1u64.saturating_add(n),
                    actual: 3
                }),
                "{n}"
            );
            assert_eq!(c.position(), 1);
        }
    }
}
