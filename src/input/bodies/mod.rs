//! Turning one input into its request bodies, streaming: each body is parsed as JSON and named
//! `path#N` when the input holds more than one.
//!
//! An input whose bodies are all broken is one text body (a plain-text alert, say): Callgoose still
//! takes it as a request, and the warning says where JSON parsing failed. Once one body is JSON, the
//! input is a stream of bodies and every broken one is an error of its own, positioned, while the
//! others are still evaluated.
//!
//! Memory: an input is held from the start of the body being read, and never more than the per-body
//! limit of it (`--max-body`); until its first JSON body, the text read so far is held once, since it
//! may be one text body, and the broken bodies in it are cut again from that text when it is not.
//!
//! Cutting an input into bodies is `split`'s; here the bodies are taken from the lines read, parsed
//! (`parse`), and handed out in order (`body`), the text before the first JSON body cut again when
//! needed (`backlog`), within the per-body limit (`limit`).
//!
//! Parsing is most of the work of reading. [`Bodies::deferring`] leaves it to whoever takes the bodies
//! (a pool of workers, say) once an input is known to be a stream of bodies, that is from its first
//! JSON body on: the bodies are then only cut, as the splitter cuts them, and [`RawBody::parse`] makes
//! of each the same [`Body`] the reading would have. Before that first JSON body the reading parses
//! itself, since whether the input is one text body depends on it.

mod backlog;
mod body;
mod limit;
mod parse;

pub use body::{Body, BodyError, RawBody};
pub use limit::DEFAULT_MAX_BODY;

use super::split::{Span, Splitter, whole_line_value};
use crate::document::KeySet;
use crate::payload::{Json, NotJson};
use anyhow::{Result, anyhow};
use backlog::Backlog;
use body::{payload_of, text_body};
use limit::read_line;
use parse::parse;
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::Arc;

/// A UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

enum Mode {
    /// No body has parsed yet: the text held may be one text body. `broken` bodies were seen, the
    /// first failing with `first_error`.
    Undecided {
        broken: usize,
        first_error: Option<NotJson>,
    },
    /// At least one body is JSON: every body is a body of its own.
    Stream,
}

/// A body cut (and parsed, unless that is left to its taker), waiting to be handed out.
struct Ready {
    /// Its bytes, unless it is known to be broken (then it is reported by its error alone).
    bytes: Vec<u8>,
    parsed: Parsed,
}

/// What is known of a body's JSON.
enum Parsed {
    Now(Result<Json, NotJson>),
    /// Left to the body's taker: the body starts at this line and column of the input.
    Later {
        line: usize,
        column: usize,
    },
}

/// The bodies of one input, in order.
pub struct Bodies<R> {
    label: String,
    reader: R,
    splitter: Splitter,
    /// The input from offset `base` on: the open body and the line being read, and before the first
    /// JSON body everything.
    held: Vec<u8>,
    base: usize,
    /// The broken bodies before the first JSON one, cut again from the text they were held in.
    backlog: Option<Backlog>,
    ready: VecDeque<Ready>,
    mode: Mode,
    index: usize,
    eof: bool,
    /// Why reading stopped early: handed out after the bodies read before it.
    halted: Option<anyhow::Error>,
    failed: bool,
    /// When set, JSON objects are read lazily, keeping only these top-level keys.
    keys: Option<Arc<KeySet>>,
    max_body: usize,
    /// Whether the bodies of a stream are left unparsed for their taker.
    defer: bool,
}

impl<R: BufRead> Bodies<R> {
    /// Reads bodies from `reader`; `label` names the input in body names and errors.
    pub fn new(label: impl Into<String>, reader: R) -> Bodies<R> {
        Bodies {
            label: label.into(),
            reader,
            splitter: Splitter::new(),
            held: Vec::new(),
            base: 0,
            backlog: None,
            ready: VecDeque::new(),
            mode: Mode::Undecided {
                broken: 0,
                first_error: None,
            },
            index: 0,
            eof: false,
            halted: None,
            failed: false,
            keys: None,
            max_body: DEFAULT_MAX_BODY,
            defer: false,
        }
    }

    /// Reads JSON objects lazily, keeping only what `keys` can reach: the same bodies and errors,
    /// faster.
    pub fn reading_only(mut self, keys: Arc<KeySet>) -> Bodies<R> {
        self.keys = Some(keys);
        self
    }

    /// Leaves the parsing of a stream's bodies to their taker: [`Bodies::next_raw`] hands them out cut
    /// but unparsed, from the input's first JSON body on, for [`RawBody::parse`] (with the keys given
    /// to [`Bodies::reading_only`]). The bodies, their names and their errors are the same.
    pub fn deferring(mut self) -> Bodies<R> {
        self.defer = true;
        self
    }

    /// Refuses bodies (and lines, and text bodies) longer than `max_body` bytes: the input ends there
    /// with an error, instead of exhausting memory.
    pub fn limited_to(mut self, max_body: usize) -> Bodies<R> {
        self.max_body = max_body;
        self
    }

    /// JSON Lines, the common case: a line that parses as one object is one body and needs no
    /// splitting. Takes the held bytes themselves as the body (a body can be hundreds of megabytes)
    /// and says whether it did; otherwise leaves them as they were, for the splitter.
    ///
    /// When parsing is left to the taker, the line is taken when the splitter would cut it as one body
    /// (one `{…}` or `[…]`), parsing or not.
    fn take_whole_line(&mut self, at: usize) -> bool {
        let line = &self.held[at..];
        if !self.splitter.is_idle() {
            return false;
        }
        let number = self.splitter.line() + 1;
        let (body_len, parsed) = if self.defer && matches!(self.mode, Mode::Stream) {
            match whole_line_value(line) {
                Some(end) if end <= self.max_body => (
                    end,
                    Parsed::Later {
                        line: number,
                        column: 1,
                    },
                ),
                _ => return false,
            }
        } else {
            let body_len = line.trim_ascii_end().len();
            let whole = line.first() == Some(&b'{')
                && line[..body_len].last() == Some(&b'}')
                && body_len <= self.max_body;
            if !whole {
                return false;
            }
            let Ok(json) = parse(&line[..body_len], number, 1, self.keys.as_deref()) else {
                return false;
            };
            (body_len, Parsed::Now(Ok(json)))
        };
        let line_len = line.len();
        let line_offset = self.base + at;
        self.splitter.take_line(line_len);
        self.decided(at);
        let at = line_offset - self.base;
        self.held.truncate(at + body_len);
        self.held.drain(..at);
        // The next line is read into a buffer of the same size, not one grown again from nothing.
        let capacity = self.held.capacity();
        let bytes = std::mem::replace(&mut self.held, Vec::with_capacity(capacity));
        self.base = line_offset + line_len;
        self.ready.push_back(Ready { bytes, parsed });
        true
    }

    /// A body starting at `held[at]` parsed: the input is a stream, and the broken bodies held before
    /// it are bodies of their own. Drops the bytes before the body from what is held, into the backlog
    /// when they hold bodies; the smaller of the two parts is the one copied.
    fn decided(&mut self, at: usize) {
        if let Mode::Undecided { broken, .. } = self.mode {
            let before = if 2 * at <= self.held.len() {
                let before = self.held[..at].to_vec();
                self.held.drain(..at);
                before
            } else {
                let rest = self.held.split_off(at);
                std::mem::replace(&mut self.held, rest)
            };
            if broken > 0 {
                self.backlog = Some(Backlog::new(before));
            }
            self.base += at;
            self.mode = Mode::Stream;
        }
    }

    /// Reads one more line into the splitter.
    fn fill(&mut self) -> Result<()> {
        let at = self.held.len();
        let line_start = self.base + at;
        // Room for the line break after a body of the largest size.
        let cap = self.max_body.saturating_add(2);
        let read = read_line(&mut self.reader, &mut self.held, cap)
            .map_err(|e| anyhow!("cannot read {}: {e}", self.label))?;
        let Some(read) = read else {
            // Held past the limit, the line unfinished: say what grew too long.
            self.check_size(self.base + self.held.len(), line_start)?;
            return Err(self.line_too_long());
        };
        if read == 0 {
            self.eof = true;
        } else if self.base == 0 && at == 0 && self.held.starts_with(BOM) {
            // A byte order mark is not part of the body.
            self.held.drain(..BOM.len());
        }
        if !self.eof && self.take_whole_line(at) {
            return Ok(());
        }
        let mut spans = Vec::new();
        if self.eof {
            self.splitter.finish(&self.held, self.base, &mut spans);
        } else {
            self.splitter
                .push_line(&self.held, self.base, at, &mut spans);
        }
        for span in spans {
            self.take(span)?;
        }
        if let Mode::Stream = self.mode {
            // Only the open body is kept.
            let keep = self
                .splitter
                .open_start()
                .unwrap_or(self.base + self.held.len());
            self.held.drain(..keep - self.base);
            self.base = keep;
        }
        // The line break is not part of a body.
        let held = &self.held[..];
        let held = held.strip_suffix(b"\n").unwrap_or(held);
        let held = held.strip_suffix(b"\r").unwrap_or(held);
        let held_end = self.base + held.len();
        self.check_size(held_end, line_start.min(held_end))
    }

    /// Parses the body at `span` and queues it; before the first JSON body, a broken one is only
    /// counted (its text is held anyway).
    fn take(&mut self, span: Span) -> Result<()> {
        if span.end - span.start > self.max_body {
            return Err(self.too_long(span.line, span.column));
        }
        let base = self.base;
        let start = span.start - base;
        // White space after a body is not part of it (a truncated body is then placed where it ends).
        let end = start + self.held[start..span.end - base].trim_ascii_end().len();
        let parsed = match self.mode {
            Mode::Stream if self.defer => Parsed::Later {
                line: span.line,
                column: span.column,
            },
            _ => Parsed::Now(parse(
                &self.held[start..end],
                span.line,
                span.column,
                self.keys.as_deref(),
            )),
        };
        if let Mode::Undecided {
            broken,
            first_error,
        } = &mut self.mode
        {
            match &parsed {
                Parsed::Now(Err(e)) => {
                    *broken += 1;
                    first_error.get_or_insert_with(|| e.clone());
                    return Ok(());
                }
                _ => self.decided(start),
            }
        }
        // Deciding drops what was held before the body.
        let (start, end) = (start + base - self.base, end + base - self.base);
        let bytes = match &parsed {
            Parsed::Now(Err(_)) => Vec::new(),
            _ => self.cut(start, end),
        };
        self.ready.push_back(Ready { bytes, parsed });
        Ok(())
    }

    /// Takes `held[start..end]` out: a body that fills most of what is held is moved out rather than
    /// copied, keeping what follows it.
    fn cut(&mut self, start: usize, end: usize) -> Vec<u8> {
        if 2 * (end - start) < self.held.len() {
            return self.held[start..end].to_vec();
        }
        let tail = self.held.split_off(end);
        self.held.drain(..start);
        self.base += end;
        std::mem::replace(&mut self.held, tail)
    }

    fn next_body(&mut self) -> Result<Option<RawBody>> {
        loop {
            if let Some(backlog) = &mut self.backlog {
                match backlog.next(self.keys.as_deref()) {
                    Some(ready) => return Ok(Some(self.hand_out(ready, false))),
                    None => self.backlog = None,
                }
                continue;
            }
            match &mut self.mode {
                Mode::Undecided {
                    broken,
                    first_error,
                } if self.eof => {
                    if *broken == 0 {
                        return Err(anyhow!(
                            "{} is empty: give a JSON body (or a text body) to evaluate",
                            self.label
                        ));
                    }
                    let error = first_error.take();
                    let raw = std::mem::take(&mut self.held);
                    self.mode = Mode::Stream;
                    self.index = 1;
                    return Ok(Some(RawBody::parsed(
                        self.label.clone(),
                        1,
                        Ok(text_body(raw, error)),
                    )));
                }
                // The first body is named only once it is known whether a second one follows.
                Mode::Stream
                    if self.ready.len() >= 2
                        || (self.eof || self.index > 0 || self.halted.is_some())
                            && !self.ready.is_empty() =>
                {
                    let ready = self.ready.pop_front().expect("a body is ready");
                    let single = self.index == 0
                        && self.eof
                        && self.ready.is_empty()
                        && self.halted.is_none();
                    return Ok(Some(self.hand_out(ready, single)));
                }
                _ if self.halted.is_some() => return Err(self.halted.take().expect("halted")),
                Mode::Stream if self.eof => return Ok(None),
                _ => {
                    if let Err(e) = self.fill() {
                        self.halted = Some(e);
                    }
                }
            }
        }
    }

    /// The next body, named after the input alone when it is the input's only one.
    fn hand_out(&mut self, ready: Ready, single: bool) -> RawBody {
        self.index += 1;
        let name = if single {
            self.label.clone()
        } else {
            format!("{}#{}", self.label, self.index)
        };
        match ready.parsed {
            Parsed::Now(parsed) => {
                RawBody::parsed(name, self.index, payload_of(ready.bytes, parsed))
            }
            Parsed::Later { line, column } => {
                RawBody::unparsed(name, self.index, ready.bytes, line, column)
            }
        }
    }

    /// The next body as the reading hands it out: unparsed when [`Bodies::deferring`] left that to
    /// the taker. An unreadable input yields its error once, then ends.
    pub fn next_raw(&mut self) -> Option<Result<RawBody>> {
        if self.failed {
            return None;
        }
        let next = self.next_body().transpose();
        if matches!(next, Some(Err(_))) {
            self.failed = true;
        }
        next
    }
}

impl<R: BufRead> Iterator for Bodies<R> {
    type Item = Result<Body>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.next_raw()?;
        Some(raw.map(|raw| raw.parse(self.keys.as_deref())))
    }
}

#[cfg(test)]
mod tests;
