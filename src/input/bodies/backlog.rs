//! The text before an input's first JSON body, once a JSON body shows it is not one text body: cut
//! again into the broken bodies it holds, each handed out in its place.

use super::parse::parse;
use super::{Parsed, Ready};
use crate::document::KeySet;
use crate::input::split::{Span, Splitter};
use memchr::memchr;
use std::collections::VecDeque;

/// The text before an input's first JSON body, cut again into the broken bodies it holds.
pub(super) struct Backlog {
    text: Vec<u8>,
    splitter: Splitter,
    /// Where the next line starts.
    at: usize,
    spans: VecDeque<Span>,
}

impl Backlog {
    pub(super) fn new(text: Vec<u8>) -> Backlog {
        Backlog {
            text,
            splitter: Splitter::new(),
            at: 0,
            spans: VecDeque::new(),
        }
    }

    /// The next body of the text, parsed again (it is broken: it was before).
    pub(super) fn next(&mut self, keys: Option<&KeySet>) -> Option<Ready> {
        let span = loop {
            if let Some(span) = self.spans.pop_front() {
                break span;
            }
            if self.at == self.text.len() {
                if self.splitter.is_idle() {
                    return None;
                }
                let mut spans = Vec::new();
                self.splitter.finish(&self.text, 0, &mut spans);
                self.spans.extend(spans);
                continue;
            }
            let end =
                memchr(b'\n', &self.text[self.at..]).map_or(self.text.len(), |k| self.at + k + 1);
            let mut spans = Vec::new();
            self.splitter
                .push_line(&self.text[..end], 0, self.at, &mut spans);
            self.spans.extend(spans);
            self.at = end;
        };
        let bytes = self.text[span.start..span.end].trim_ascii_end();
        let parsed = parse(bytes, span.line, span.column, keys);
        Some(Ready {
            bytes: if parsed.is_ok() {
                bytes.to_vec()
            } else {
                Vec::new()
            },
            parsed: Parsed::Now(parsed),
        })
    }
}
