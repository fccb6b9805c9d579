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

use super::size::Size;
use super::split::{Span, Splitter};
use crate::document::{KeySet, LazyDoc};
use crate::json_text;
use crate::payload::{Json, NotJson, Payload};
use anyhow::{Result, anyhow};
use memchr::{memchr, memchr2};
use serde_json::Value;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead};
use std::sync::Arc;

/// The per-body limit unless `--max-body` says otherwise: far above any real webhook body, far below
/// what would exhaust memory.
pub const DEFAULT_MAX_BODY: usize = 256 << 20;

/// One request body of an input.
#[derive(Debug)]
pub struct Body {
    /// `path`, or `path#N` when the input holds more than one body.
    pub name: String,
    /// 1-based position of the body in its input.
    pub index: usize,
    /// The body, or why it could not be read.
    pub payload: Result<Payload, BodyError>,
}

/// A body of a multi-body input that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError(pub NotJson);

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(
            f,
            "line {}, column {}: {}: the body is skipped",
            e.line, e.column, e.message
        )
    }
}

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

/// A body cut and parsed, waiting to be handed out.
struct Ready {
    /// Its bytes, when it parsed (a broken body is reported by its error alone).
    bytes: Vec<u8>,
    parsed: Result<Json, NotJson>,
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
        }
    }

    /// Reads JSON objects lazily, keeping only what `keys` can reach: the same bodies and errors,
    /// faster.
    pub fn reading_only(mut self, keys: Arc<KeySet>) -> Bodies<R> {
        self.keys = Some(keys);
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
    fn take_whole_line(&mut self, at: usize) -> bool {
        let line = &self.held[at..];
        let body_len = line.trim_ascii_end().len();
        let whole = self.splitter.is_idle()
            && line.first() == Some(&b'{')
            && line[..body_len].last() == Some(&b'}')
            && body_len <= self.max_body;
        if !whole {
            return false;
        }
        let number = self.splitter.line() + 1;
        let Ok(json) = parse(&line[..body_len], number, 1, self.keys.as_deref()) else {
            return false;
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
        self.ready.push_back(Ready {
            bytes,
            parsed: Ok(json),
        });
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

    /// Whether what is held, up to input offset `held_end`, is within the limit; the error that ends
    /// the input otherwise.
    /// `line_start` is the input offset of the line just read.
    fn check_size(&self, held_end: usize, line_start: usize) -> Result<()> {
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
    fn line_too_long(&self) -> anyhow::Error {
        anyhow!(
            "{}: line {}: the line is longer than --max-body ({}): the rest of the input is skipped; raise --max-body to read it",
            self.label,
            self.splitter.line() + 1,
            Size(self.max_body)
        )
    }

    /// The error for a body longer than the limit: it ends the input.
    fn too_long(&self, line: usize, column: usize) -> anyhow::Error {
        anyhow!(
            "{}: line {line}, column {column}: the body starting here is longer than --max-body ({}): the rest of the input is skipped; raise --max-body to read it",
            self.label,
            Size(self.max_body)
        )
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
        let parsed = parse(
            &self.held[start..end],
            span.line,
            span.column,
            self.keys.as_deref(),
        );
        if let Mode::Undecided {
            broken,
            first_error,
        } = &mut self.mode
        {
            match &parsed {
                Err(e) => {
                    *broken += 1;
                    first_error.get_or_insert_with(|| e.clone());
                    return Ok(());
                }
                Ok(_) => self.decided(start),
            }
        }
        // Deciding drops what was held before the body.
        let (start, end) = (start + base - self.base, end + base - self.base);
        let bytes = match &parsed {
            Ok(_) => self.cut(start, end),
            Err(_) => Vec::new(),
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

    fn next_body(&mut self) -> Result<Option<Body>> {
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
                    return Ok(Some(Body {
                        name: self.label.clone(),
                        index: 1,
                        payload: Ok(text_body(raw, error)),
                    }));
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
    fn hand_out(&mut self, ready: Ready, single: bool) -> Body {
        self.index += 1;
        let name = if single {
            self.label.clone()
        } else {
            format!("{}#{}", self.label, self.index)
        };
        let payload = match ready.parsed {
            Ok(json) => Ok(Payload {
                raw: into_text(ready.bytes),
                json: Ok(json),
            }),
            Err(e) => Err(BodyError(e)),
        };
        Body {
            name,
            index: self.index,
            payload,
        }
    }
}

impl<R: BufRead> Iterator for Bodies<R> {
    type Item = Result<Body>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_body().transpose();
        if matches!(next, Some(Err(_))) {
            // An unreadable input yields its error once, then ends.
            self.failed = true;
        }
        next
    }
}

/// The text before an input's first JSON body, cut again into the broken bodies it holds.
struct Backlog {
    text: Vec<u8>,
    splitter: Splitter,
    /// Where the next line starts.
    at: usize,
    spans: VecDeque<Span>,
}

impl Backlog {
    fn new(text: Vec<u8>) -> Backlog {
        Backlog {
            text,
            splitter: Splitter::new(),
            at: 0,
            spans: VecDeque::new(),
        }
    }

    /// The next body of the text, parsed again (it is broken: it was before).
    fn next(&mut self, keys: Option<&KeySet>) -> Option<Ready> {
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
            parsed,
        })
    }
}

/// Appends one line of `reader` (through its line break, or to the end of the input) to `held`, and
/// returns its length; `None` when `held` grows past `cap` bytes first (it then holds more than `cap`).
fn read_line(
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

/// Parses one body that starts at `line` and `column` of its input, placing any error in the input's
/// coordinates.
fn parse(bytes: &[u8], line: usize, column: usize, keys: Option<&KeySet>) -> Result<Json, NotJson> {
    // Checked first and for the whole body: a lazy read skips the strings it does not need, and a body
    // must be refused the same way however it is read.
    if let Err(e) = std::str::from_utf8(bytes) {
        let before = &bytes[..e.valid_up_to()];
        let lines = before.iter().filter(|b| **b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let chars = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        let (line, column) = place(line, column, lines + 1, chars + 1);
        return Err(NotJson {
            line,
            column,
            message: "invalid UTF-8".to_owned(),
        });
    }
    let full = |bytes: &[u8]| json_text::parse_json::<Value>(bytes).map(Json::Full);
    let parsed = match keys {
        Some(keys) => match LazyDoc::parse(bytes, keys) {
            // A lazy read skips values without serde_json's nesting limit, which a full parse applies:
            // refuse what it refuses, where it refuses it.
            Ok(Some(doc)) => match too_deep(bytes) {
                None => Ok(Json::Lazy(doc)),
                Some(at) => {
                    let start_of_line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
                    let lines = memchr::memchr_iter(b'\n', &bytes[..start_of_line]).count();
                    let (line, column) = place(line, column, lines + 1, at - start_of_line + 1);
                    return Err(NotJson {
                        line,
                        column,
                        message: "recursion limit exceeded".to_owned(),
                    });
                }
            },
            Ok(None) => full(bytes),
            // Errors are rare: the full parse words and places them, so that both reads report a
            // broken body the same way (skipping a string reports its column differently).
            Err(_) => full(bytes),
        },
        None => full(bytes),
    };
    parsed.map_err(|e| {
        let (line, column) = place(line, column, e.line(), e.column());
        not_json(&e, line, column)
    })
}

/// A position inside a body (1-based `inner_line` and `inner_column`) in the input's coordinates, for
/// a body starting at `line` and `column`.
fn place(line: usize, column: usize, inner_line: usize, inner_column: usize) -> (usize, usize) {
    if inner_line <= 1 {
        (line, column + inner_column.saturating_sub(1))
    } else {
        (line + inner_line - 1, inner_column)
    }
}

/// How deep serde_json lets a full parse nest: its depth budget is 128, and the level that spends the
/// last of it is refused.
const NESTING_LIMIT: usize = 127;

/// Where a valid JSON body first nests deeper than [`NESTING_LIMIT`]: the offset of the bracket a full
/// parse refuses. Every body passes here, so the common case (fewer brackets than the limit, counted
/// vectorised) stops early, and strings are skipped whole.
fn too_deep(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2_iter(b'{', b'[', bytes).nth(NESTING_LIMIT)?;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // The body is valid JSON: its string ends at the next quote that is not escaped.
                loop {
                    i += 1;
                    i += memchr2(b'"', b'\\', &bytes[i..])?;
                    if bytes[i] == b'"' {
                        break;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > NESTING_LIMIT {
                    return Some(i);
                }
            }
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// A serde_json error as [`NotJson`], its message without serde's own position suffix.
fn not_json(e: &serde_json::Error, line: usize, column: usize) -> NotJson {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    NotJson {
        line,
        column,
        message: message.strip_suffix(&suffix).unwrap_or(&message).to_owned(),
    }
}

/// The whole input as one text body, with the position where it stops being JSON (where its first
/// body failed).
fn text_body(raw: Vec<u8>, first_error: Option<NotJson>) -> Payload {
    let error = first_error.unwrap_or_else(|| NotJson {
        line: 1,
        column: 1,
        message: "not a JSON value".to_owned(),
    });
    Payload {
        raw: into_text(raw),
        json: Err(error),
    }
}

fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body as seen by a test: name, index, and the parsed JSON text or the error.
    type Seen = Result<(String, usize, Result<String, String>), String>;

    fn bodies(input: &str) -> Vec<Seen> {
        Bodies::new("in", input.as_bytes())
            .map(|b| {
                b.map(|b| {
                    let payload = b
                        .payload
                        .map(|p| match (&p.json, p.value()) {
                            (_, Some(v)) => v.to_string(),
                            (Err(e), None) => {
                                format!("text {:?} ({}:{})", p.raw, e.line, e.column)
                            }
                            (Ok(_), None) => unreachable!("JSON without a value"),
                        })
                        .map_err(|e| e.to_string());
                    (b.name, b.index, payload)
                })
                .map_err(|e| e.to_string())
            })
            .collect()
    }

    #[test]
    fn a_single_body_keeps_the_input_name() {
        assert_eq!(
            bodies("{\"a\": 1}\n"),
            [Ok(("in".into(), 1, Ok("{\"a\":1}".into())))]
        );
    }

    #[test]
    fn several_bodies_are_numbered() {
        let got = bodies("{\"a\":1}\n{\"a\":2}\n");
        assert_eq!(got[0], Ok(("in#1".into(), 1, Ok("{\"a\":1}".into()))));
        assert_eq!(got[1], Ok(("in#2".into(), 2, Ok("{\"a\":2}".into()))));
    }

    #[test]
    fn a_broken_body_in_a_stream_is_an_error_and_the_rest_go_on() {
        let got = bodies("{\"a\":1}\n{\"a\": tru}\n{\"a\":3}\n");
        assert_eq!(got.len(), 3);
        let Ok((name, 2, Err(e))) = &got[1] else {
            panic!("{got:?}")
        };
        assert_eq!(name, "in#2");
        assert_eq!(e, "line 2, column 10: expected ident: the body is skipped");
        assert_eq!(got[2], Ok(("in#3".into(), 3, Ok("{\"a\":3}".into()))));
    }

    #[test]
    fn a_pretty_body_with_nested_lines_in_column_0_is_one_request() {
        let body =
            "{\n\"status\": \"firing\",\n\"alerts\": [\n{\n\"id\": 1\n},\n{\n\"id\": 2\n}\n]\n}\n";
        let got = bodies(body);
        assert_eq!(got.len(), 1, "{got:?}");
        let Ok((name, 1, Ok(json))) = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(name, "in");
        assert_eq!(json, r#"{"status":"firing","alerts":[{"id":1},{"id":2}]}"#);
    }

    #[test]
    fn text_before_the_first_json_body_is_broken_bodies_of_its_own() {
        let got = bodies("server down\n{\"a\": tru} {\"a\":1}\n\"x\n{\"a\":2}\n");
        let seen: Vec<_> = got
            .iter()
            .map(|b| {
                let (name, _, p) = b.as_ref().unwrap();
                (
                    name.as_str(),
                    p.as_ref().map_err(|e| e.as_str()).map(String::as_str),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "in#1",
                    Err("line 1, column 1: expected value: the body is skipped")
                ),
                (
                    "in#2",
                    Err("line 1, column 8: expected value: the body is skipped")
                ),
                (
                    "in#3",
                    Err("line 2, column 10: expected ident: the body is skipped")
                ),
                ("in#4", Ok("{\"a\":1}")),
                (
                    "in#5",
                    Err("line 3, column 2: EOF while parsing a string: the body is skipped")
                ),
                ("in#6", Ok("{\"a\":2}")),
            ]
        );
    }

    #[test]
    fn a_json_line_after_text_ends_the_text() {
        let got = bodies("oops\n{\"a\":1}\n{\"a\":2}\n");
        assert_eq!(got.len(), 3);
        assert_eq!(got[1], Ok(("in#2".into(), 2, Ok("{\"a\":1}".into()))));
        assert_eq!(got[2], Ok(("in#3".into(), 3, Ok("{\"a\":2}".into()))));
    }

    fn limited(input: &[u8], max: usize) -> Vec<Result<String, String>> {
        Bodies::new("in", input)
            .limited_to(max)
            .map(|b| b.map(|b| b.name).map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn a_body_longer_than_the_limit_ends_the_input() {
        let ok = "{\"a\":\"12345\"}";
        assert_eq!(ok.len(), 13);
        assert_eq!(
            limited(format!("{ok}\r\n").as_bytes(), 13),
            [Ok("in".into())]
        );
        let pretty = format!("{ok}\n[\n1111,\n2222,\n3333\n]\n{ok}\n");
        assert_eq!(
            limited(pretty.as_bytes(), 8),
            [Err("in: line 1: the line is longer than --max-body (8 bytes): the rest of the input is skipped; raise --max-body to read it".into())]
        );
        assert_eq!(
            limited(pretty.as_bytes(), 13),
            [
                Ok("in#1".into()),
                Err("in: line 2, column 1: the body starting here is longer than --max-body (13 bytes): the rest of the input is skipped; raise --max-body to read it".into())
            ]
        );
        assert_eq!(limited(pretty.as_bytes(), 21).len(), 3);
    }

    #[test]
    fn an_endless_line_or_body_stops_at_the_limit() {
        let zeros = std::io::Read::take(std::io::repeat(0), u64::MAX);
        let got: Vec<_> = Bodies::new("zero.json", std::io::BufReader::new(zeros))
            .limited_to(1 << 20)
            .map(|b| b.map(|b| b.name).map_err(|e| e.to_string()))
            .collect();
        assert_eq!(
            got,
            [Err("zero.json: line 1: the line is longer than --max-body (1 MiB): the rest of the input is skipped; raise --max-body to read it".into())]
        );
        let brackets = std::io::Read::take(std::io::repeat(b'['), u64::MAX);
        let lines = std::io::Read::chain(
            &b"[\n"[..],
            std::io::Read::take(std::io::repeat(b'\n'), u64::MAX),
        );
        assert_eq!(
            Bodies::new("in", std::io::BufReader::new(brackets))
                .limited_to(1 << 20)
                .count(),
            1
        );
        let got: Vec<_> = Bodies::new("in", std::io::BufReader::new(lines))
            .limited_to(1 << 16)
            .map(|b| b.map(|b| b.name).map_err(|e| e.to_string()))
            .collect();
        assert_eq!(
            got,
            [Err("in: line 1, column 1: the body starting here is longer than --max-body (64 KiB): the rest of the input is skipped; raise --max-body to read it".into())]
        );
    }

    #[test]
    fn text_without_json_beyond_the_limit_is_refused() {
        let text = "word\n".repeat(100);
        assert_eq!(
            limited(text.as_bytes(), 200),
            [Err("in: more than --max-body (200 bytes) of text before any JSON body: the input is skipped, as a text body may hold no more; raise --max-body to read it".into())]
        );
        assert_eq!(limited(text.as_bytes(), 500), [Ok("in".into())]);
    }

    #[test]
    fn lazy_and_full_reads_agree_on_lone_surrogates() {
        // A lone surrogate in a kept value, in skipped ones, and in a top-level key (which a lazy read
        // leaves to a full parse).
        let input = "{\"status\": \"fir\\ud83ding\", \"o\": {\"\\udc00\": 1}, \"skipped\": \"\\ud83d\"}\n{\"a\\ud800\": \"x\"}\n";
        let keys = Arc::new(KeySet::of(&[], [&crate::keypath::KeyPath::parse("status")]));
        let lazy: Vec<_> = Bodies::new("in", input.as_bytes())
            .reading_only(keys)
            .map(|b| b.unwrap().payload.unwrap())
            .collect();
        let full: Vec<_> = Bodies::new("in", input.as_bytes())
            .map(|b| b.unwrap().payload.unwrap())
            .collect();
        assert!(matches!(lazy[0].json, Ok(Json::Lazy(_))));
        for (lazy, full) in lazy.iter().zip(&full) {
            assert_eq!(lazy.raw, full.raw);
            assert_eq!(lazy.value(), full.value());
        }
        let status = crate::keypath::KeyPath::parse("status");
        let doc = crate::document::LazyRef {
            doc: match &lazy[0].json {
                Ok(Json::Lazy(doc)) => doc,
                other => panic!("{other:?}"),
            },
            raw: &lazy[0].raw,
        };
        use crate::document::Document;
        assert_eq!(doc.text(&status).as_deref(), Some("fir\u{fffd}ing"));
        assert_eq!(
            full[0].value().unwrap().text(&status).as_deref(),
            Some("fir\u{fffd}ing")
        );
    }

    #[test]
    fn a_text_body_is_one_request() {
        let got = bodies("server down\non host-1\n");
        assert_eq!(
            got,
            [Ok((
                "in".into(),
                1,
                Ok("text \"server down\\non host-1\\n\" (1:1)".into())
            ))]
        );
    }

    #[test]
    fn a_truncated_single_body_is_a_text_body_with_the_position() {
        let got = bodies("{\"status\": \"firing\"");
        assert_eq!(
            got,
            [Ok((
                "in".into(),
                1,
                Ok("text \"{\\\"status\\\": \\\"firing\\\"\" (1:19)".into())
            ))]
        );
    }

    #[test]
    fn empty_input_is_an_error() {
        assert_eq!(
            bodies(" \n"),
            [Err(
                "in is empty: give a JSON body (or a text body) to evaluate".into()
            )]
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(bodies("\u{feff}{\"a\":1}").len(), 1);
        assert!(bodies("\u{feff}{\"a\":1}")[0].as_ref().unwrap().2.is_ok());
    }

    #[test]
    fn lazy_and_full_reads_refuse_the_same_deep_bodies() {
        let deep = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
        let shallow = format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100));
        let keys = Arc::new(KeySet::default());
        for (body, refused) in [(deep, true), (shallow, false)] {
            let input = format!("{body}\n{{}}\n");
            let lazy = Bodies::new("in", input.as_bytes()).reading_only(Arc::clone(&keys));
            let full = Bodies::new("in", input.as_bytes());
            for mut bodies in [lazy, full] {
                let first = bodies.next().unwrap().unwrap();
                assert_eq!(first.payload.is_err(), refused);
            }
        }
    }

    #[test]
    fn lazy_and_full_reads_agree_around_the_nesting_limit() {
        let keys = Arc::new(KeySet::default());
        for depth in NESTING_LIMIT - 2..NESTING_LIMIT + 3 {
            let body = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
            let input = format!("{body}\n{{}}\n");
            let lazy = Bodies::new("in", input.as_bytes()).reading_only(Arc::clone(&keys));
            let full = Bodies::new("in", input.as_bytes());
            let refused: Vec<_> = [lazy, full]
                .into_iter()
                .map(|mut b| b.next().unwrap().unwrap().payload.is_err())
                .collect();
            assert_eq!(refused[0], refused[1], "depth {depth}");
            assert_eq!(refused[0], depth > NESTING_LIMIT, "depth {depth}");
        }
    }

    #[test]
    fn a_too_deep_body_is_refused_where_a_full_parse_refuses_it() {
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        let wide = "[".to_owned() + &"[],".repeat(200) + "[]]";
        assert_eq!(too_deep(deep(NESTING_LIMIT).as_bytes()), None);
        assert_eq!(too_deep(wide.as_bytes()), None);
        let bodies = [
            deep(NESTING_LIMIT + 1),
            format!("{{\"a\": \"[[[{{\\\"\",\n \"b\": {}}}", deep(300)),
            format!(
                "{{\"x\": [1,\n\n  {}]}}",
                "{\"é\": ".repeat(200) + "1" + &"}".repeat(200)
            ),
        ];
        for body in bodies {
            let full = serde_json::from_str::<Value>(&body).unwrap_err();
            let keys = KeySet::default();
            let lazy = parse(body.as_bytes(), 3, 7, Some(&keys)).unwrap_err();
            let expected = not_json(&full, 0, 0).message;
            let (line, column) = place(3, 7, full.line(), full.column());
            assert_eq!(
                lazy,
                NotJson {
                    line,
                    column,
                    message: expected
                },
                "{body}"
            );
            assert_eq!(parse(body.as_bytes(), 3, 7, None).unwrap_err(), lazy);
        }
    }

    /// Found by fuzzing: a control character in a string that a lazy read skips was placed one column
    /// off from where a full parse places it.
    #[test]
    fn lazy_and_full_reads_report_a_broken_body_alike() {
        let input = "{\"skipped\": \"a\u{1}b\", \"status\": \"x\"}\n{}\n";
        let keys = Arc::new(KeySet::default());
        let lazy = Bodies::new("in", input.as_bytes()).reading_only(keys);
        let full = Bodies::new("in", input.as_bytes());
        let errors: Vec<_> = [lazy, full]
            .into_iter()
            .map(|mut b| b.next().unwrap().unwrap().payload.unwrap_err())
            .collect();
        assert_eq!(errors[0], errors[1]);
        assert_eq!(errors[0].0.column, 15);
    }

    #[test]
    fn the_raw_text_of_each_body_is_kept() {
        let mut b = Bodies::new("in", "{ \"a\" : 1 }\n".as_bytes());
        let body = b.next().unwrap().unwrap();
        assert_eq!(body.payload.unwrap().raw, "{ \"a\" : 1 }");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use serde::Serialize;

        fn json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i32>().prop_map(Value::from),
                "[a-z{}\\[\\]\",: \\\\]{0,6}".prop_map(Value::from),
            ];
            leaf.prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::vec(("[a-z{\\[]{0,3}", inner), 0..4)
                        .prop_map(|kv| Value::Object(kv.into_iter().collect())),
                ]
            })
        }

        /// `value` pretty-printed with `indent` (empty: every nested line in column 0).
        fn pretty(value: &Value, indent: &[u8]) -> String {
            let mut out = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
            let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
            value.serialize(&mut ser).unwrap();
            String::from_utf8(out).unwrap()
        }

        /// A body as both reads must see it: name, and raw text or error; or the input's error.
        type Read = Result<(String, Result<String, String>), String>;

        proptest! {
            #[test]
            fn json_values_back_to_back_are_cut_exactly_whatever_their_indentation(
                values in prop::collection::vec(json(), 1..5),
                indent in prop::sample::select(vec!["", " ", "\t"]),
            ) {
                let containers: Vec<&Value> =
                    values.iter().filter(|v| v.is_object() || v.is_array()).collect();
                prop_assume!(!containers.is_empty());
                let input: String = containers
                    .iter()
                    .map(|v| pretty(v, indent.as_bytes()) + "\n")
                    .collect();
                let keys = Arc::new(KeySet::default());
                for read in [Bodies::new("in", input.as_bytes()), Bodies::new("in", input.as_bytes()).reading_only(Arc::clone(&keys))] {
                    let got: Vec<Value> = read
                        .map(|b| b.unwrap().payload.unwrap().value().unwrap().into_owned())
                        .collect();
                    prop_assert_eq!(&got, &containers.iter().map(|v| (*v).clone()).collect::<Vec<_>>());
                }
            }

            #[test]
            fn any_text_is_read_alike_by_both_reads_and_never_panics(
                text in "[{}\\[\\]\",:a1 \n\\\\]{0,120}",
            ) {
                let keys = Arc::new(KeySet::default());
                let seen = |bodies: Bodies<&[u8]>| -> Vec<Read> {
                    bodies
                        .map(|b| {
                            b.map(|b| (b.name, b.payload.map(|p| p.raw).map_err(|e| e.to_string())))
                                .map_err(|e| e.to_string())
                        })
                        .collect()
                };
                let full = seen(Bodies::new("in", text.as_bytes()));
                let lazy = seen(Bodies::new("in", text.as_bytes()).reading_only(keys));
                prop_assert_eq!(full, lazy);
            }
        }
    }
}
