//! The parts of a value that are secrets: kept sorted and apart as they are found, each with what it
//! was, and applied to the value as masks, with the offsets of the value mapped into the masked one.

use super::{Kind, MASK};
use std::borrow::Cow;
use std::ops::Range;

/// The parts of a value that are secrets: sorted, apart, each with what it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden(pub(super) Vec<(Range<usize>, Kind)>);

impl Hidden {
    pub(super) fn of(parts: Vec<(Range<usize>, Kind)>) -> Hidden {
        let mut hidden = Hidden::default();
        parts.into_iter().for_each(|p| hidden.insert(p));
        hidden
    }

    /// Adds a part, merging it with the parts it touches or overlaps.
    pub(super) fn insert(&mut self, (mut range, mut kind): (Range<usize>, Kind)) {
        if range.is_empty() {
            return;
        }
        let first = self.0.partition_point(|(r, _)| r.end < range.start);
        let mut last = first;
        while let Some((r, k)) = self.0.get(last).filter(|(r, _)| r.start <= range.end) {
            range = range.start.min(r.start)..range.end.max(r.end);
            if *k == Kind::Known {
                kind = Kind::Known;
            }
            last += 1;
        }
        self.0.splice(first..last, [(range, kind)]);
    }

    /// Whether nothing is hidden.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first hidden part's kind.
    pub fn first(&self) -> Option<Kind> {
        self.0.first().map(|(_, k)| *k)
    }

    /// The hidden part that starts at byte `at`, if one does.
    pub fn starting_at(&self, at: usize) -> Option<Range<usize>> {
        self.0
            .iter()
            .find(|(r, _)| r.start == at)
            .map(|(r, _)| r.clone())
    }

    /// `text` (the value this was found in) with each hidden part replaced by [`MASK`].
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.0.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (r, _) in &self.0 {
            out.push_str(&text[copied..r.start]);
            out.push_str(MASK);
            copied = r.end;
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    /// Where the bytes `range` of the value are in the masked value: shifted past the masks before it,
    /// and widened over any mask it touches.
    pub fn map(&self, range: Range<usize>) -> Range<usize> {
        let place = |at: usize, end: bool| {
            let mut delta = 0isize;
            for (r, _) in &self.0 {
                if r.end <= at {
                    delta += MASK.len() as isize - r.len() as isize;
                } else if r.start < at {
                    // Inside a hidden part: the edge of its mask.
                    let start = r.start.saturating_add_signed(delta);
                    return if end { start + MASK.len() } else { start };
                } else {
                    break;
                }
            }
            at.saturating_add_signed(delta)
        };
        place(range.start, false)..place(range.end, true)
    }
}
