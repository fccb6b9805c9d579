//! The per-body limit (`--max-body`): its default, reading a line no further than it, and the errors
//! that end an input whose body, line or text before any JSON body grows past it.

use super::{Bodies, Mode};
use crate::input::size::Size;
use anyhow::{Result, anyhow};
use memchr::memchr;
use std::io::{self, BufRead};

/// The per-body limit unless `--max-body` says otherwise: far above any real webhook body, far below
/// what would exhaust memory.
pub const DEFAULT_MAX_BODY: usize = 256 << 20;

impl<R: BufRead> Bodies<R> {
    /// Whether what is held, up to input offset `held_end`, is within the limit; the error that ends
    /// the input otherwise.
    /// `line_start` is the input offset of the line just read.
    pub(super) fn check_size(&self, held_end: usize, line_start: usize) -> Result<()> {
        if let (Some(start), Some((line, column))) =
            (self.splitter.open_start(), self.splitter.open_position())
            && held_end - start > self.max_body
        {
            return Err(self.too_long(line, column));
        }
        if held_end - line_start > self.max_body {
            return Err(self.line_too_long());
        }
        if let Mode::Undecided { .. } = self.mode
            && held_end > self.max_body
        {
            return Err(anyhow!(
                "{}: more than --max-body ({}) of text before any JSON body: the input is skipped, as a text body may hold no more; raise --max-body to read it",
                self.label,
                Size(self.max_body)
            ));
        }
        Ok(())
    }

    /// The error for a line longer than the limit: it ends the input.
    pub(super) fn line_too_long(&self) -> anyhow::Error {
        anyhow!(
            "{}: line {}: the line is longer than --max-body ({}): the rest of the input is skipped; raise --max-body to read it",
            self.label,
            self.splitter.line() + 1,
            Size(self.max_body)
        )
    }

    /// The error for a body longer than the limit: it ends the input.
    pub(super) fn too_long(&self, line: usize, column: usize) -> anyhow::Error {
        anyhow!(
            "{}: line {line}, column {column}: the body starting here is longer than --max-body ({}): the rest of the input is skipped; raise --max-body to read it",
            self.label,
            Size(self.max_body)
        )
    }
}

/// Appends one line of `reader` (through its line break, or to the end of the input) to `held`, and
/// returns its length; `None` when `held` grows past `cap` bytes first (it then holds more than `cap`).
pub(super) fn read_line(
    reader: &mut impl BufRead,
    held: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<usize>> {
    let mut read = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(Some(read));
        }
        let (len, ends) = match memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let room = (cap + 1).saturating_sub(held.len());
        let len = len.min(room);
        held.extend_from_slice(&available[..len]);
        reader.consume(len);
        read += len;
        if held.len() > cap {
            return Ok(None);
        }
        if ends {
            return Ok(Some(read));
        }
    }
}
