//! Turning one input into its request bodies, streaming: each chunk is parsed as JSON and named
//! `path#N` when the input holds more than one.
//!
//! An input whose chunks are all broken is one text body (a plain-text alert, say): Callgoose still
//! takes it as a request, and the warning says where JSON parsing failed. Once one chunk is JSON, the
//! input is a stream of bodies and every broken chunk is an error of its own, positioned, while the
//! others are still evaluated.

use super::split::{Chunk, Splitter};
use crate::document::{KeySet, LazyDoc};
use crate::payload::{Json, NotJson, Payload};
use anyhow::{Result, anyhow};
use serde_json::Value;
use std::collections::VecDeque;
use std::fmt;
use std::io::BufRead;
use std::sync::Arc;

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
    /// No chunk has parsed yet: keep the whole text in case it is one text body, and the first reason
    /// a chunk was not JSON.
    Undecided {
        raw: Vec<u8>,
        first_error: Option<NotJson>,
    },
    /// At least one chunk is JSON: every chunk is a body.
    Stream,
}

/// The bodies of one input, in order.
pub struct Bodies<R> {
    label: String,
    reader: R,
    splitter: Splitter,
    ready: VecDeque<(Chunk, Result<Json, NotJson>)>,
    mode: Mode,
    line: Vec<u8>,
    index: usize,
    eof: bool,
    failed: bool,
    /// When set, JSON objects are read lazily, keeping only these top-level keys.
    keys: Option<Arc<KeySet>>,
}

impl<R: BufRead> Bodies<R> {
    /// Reads bodies from `reader`; `label` names the input in body names and errors.
    pub fn new(label: impl Into<String>, reader: R) -> Bodies<R> {
        Bodies {
            label: label.into(),
            reader,
            splitter: Splitter::new(),
            ready: VecDeque::new(),
            mode: Mode::Undecided {
                raw: Vec::new(),
                first_error: None,
            },
            line: Vec::new(),
            index: 0,
            eof: false,
            failed: false,
            keys: None,
        }
    }

    /// Reads JSON objects lazily, keeping only what `keys` can reach: the same bodies and errors,
    /// faster.
    pub fn reading_only(mut self, keys: Arc<KeySet>) -> Bodies<R> {
        self.keys = Some(keys);
        self
    }

    /// JSON Lines, the common case: a line that parses as one object is one body and needs no
    /// splitting. Takes the line buffer itself as the body (a body can be hundreds of megabytes) and
    /// says whether it did; otherwise leaves the line as it was, for the splitter.
    fn take_whole_line(&mut self) -> bool {
        let body_len = self.line.trim_ascii_end().len();
        let whole = self.splitter.is_idle()
            && self.line.first() == Some(&b'{')
            && self.line[..body_len].last() == Some(&b'}');
        if !whole {
            return false;
        }
        let tail = self.line.split_off(body_len);
        // The next line is read into a buffer of the same size, not one grown again from nothing.
        let capacity = self.line.capacity();
        let chunk = Chunk {
            bytes: std::mem::replace(&mut self.line, Vec::with_capacity(capacity)),
            line: self.splitter.line() + 1,
            column: 1,
        };
        match parse(&chunk, self.keys.as_deref()) {
            Ok(json) => {
                self.splitter.take_line();
                self.mode = Mode::Stream;
                self.ready.push_back((chunk, Ok(json)));
                true
            }
            Err(_) => {
                self.line = chunk.bytes;
                self.line.extend_from_slice(&tail);
                false
            }
        }
    }

    /// Reads one more line into the splitter.
    fn fill(&mut self) -> Result<()> {
        self.line.clear();
        let read = self
            .reader
            .read_until(b'\n', &mut self.line)
            .map_err(|e| anyhow!("cannot read {}: {e}", self.label))?;
        if read == 0 {
            self.eof = true;
        } else if self.index == 0 && self.ready.is_empty() && self.line.starts_with(BOM) {
            // A byte order mark is not part of the body.
            self.line.drain(..BOM.len());
        }
        if self.take_whole_line() {
            return Ok(());
        }
        let line = &self.line[..];
        if let Mode::Undecided { raw, .. } = &mut self.mode {
            raw.extend_from_slice(line);
        }
        let mut chunks = Vec::new();
        self.splitter.push_line(line, &mut chunks);
        if self.eof {
            chunks.extend(self.splitter.finish());
        }
        for chunk in chunks {
            let parsed = parse(&chunk, self.keys.as_deref());
            match (&parsed, &mut self.mode) {
                (Ok(_), _) => self.mode = Mode::Stream,
                (Err(e), Mode::Undecided { first_error, .. }) if first_error.is_none() => {
                    *first_error = Some(e.clone());
                }
                _ => {}
            }
            self.ready.push_back((chunk, parsed));
        }
        Ok(())
    }

    fn next_body(&mut self) -> Result<Option<Body>> {
        loop {
            match &mut self.mode {
                Mode::Undecided { raw, first_error } if self.eof => {
                    if self.ready.is_empty() {
                        return Err(anyhow!(
                            "{} is empty: give a JSON body (or a text body) to evaluate",
                            self.label
                        ));
                    }
                    let raw = std::mem::take(raw);
                    let error = first_error.take();
                    self.ready.clear();
                    self.mode = Mode::Stream;
                    self.index = 1;
                    return Ok(Some(Body {
                        name: self.label.clone(),
                        index: 1,
                        payload: Ok(text_body(raw, error)),
                    }));
                }
                Mode::Stream if self.ready.len() >= 2 || self.eof => {
                    let Some((chunk, parsed)) = self.ready.pop_front() else {
                        return Ok(None);
                    };
                    self.index += 1;
                    let single = self.index == 1 && self.eof && self.ready.is_empty();
                    let name = if single {
                        self.label.clone()
                    } else {
                        format!("{}#{}", self.label, self.index)
                    };
                    let payload = match parsed {
                        Ok(json) => Ok(Payload {
                            raw: into_text(chunk.bytes),
                            json: Ok(json),
                        }),
                        Err(e) => Err(BodyError(e)),
                    };
                    return Ok(Some(Body {
                        name,
                        index: self.index,
                        payload,
                    }));
                }
                _ => self.fill()?,
            }
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

/// Parses a chunk, placing any error in the input's coordinates.
fn parse(chunk: &Chunk, keys: Option<&KeySet>) -> Result<Json, NotJson> {
    // Checked first and for the whole body: a lazy read skips the strings it does not need, and a body
    // must be refused the same way however it is read.
    if let Err(e) = std::str::from_utf8(&chunk.bytes) {
        let before = &chunk.bytes[..e.valid_up_to()];
        let lines = before.iter().filter(|b| **b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        return Err(NotJson {
            line: chunk.line + lines,
            column: if lines == 0 {
                chunk.column + column - 1
            } else {
                column
            },
            message: "invalid UTF-8".to_owned(),
        });
    }
    let full = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).map(Json::Full);
    let parsed = match keys {
        Some(keys) => match LazyDoc::parse(&chunk.bytes, keys) {
            // A lazy read skips values without serde_json's nesting limit; a full parse refuses a body
            // nested deeper than 127. Only a body with more brackets than that can be, and a full parse
            // then decides, so that both reads refuse the same bodies.
            Ok(Some(doc)) if !may_nest_too_deep(&chunk.bytes) => Ok(Json::Lazy(doc)),
            Ok(Some(doc)) => full(&chunk.bytes).map(|_| Json::Lazy(doc)),
            Ok(None) => full(&chunk.bytes),
            // Errors are rare: the full parse words and places them, so that both reads report a
            // broken body the same way (skipping a string reports its column differently).
            Err(_) => full(&chunk.bytes),
        },
        None => full(&chunk.bytes),
    };
    parsed.map_err(|e| {
        let (line, column) = if e.line() <= 1 {
            (chunk.line, chunk.column + e.column().saturating_sub(1))
        } else {
            (chunk.line + e.line() - 1, e.column())
        };
        not_json(&e, line, column)
    })
}

/// How deep serde_json lets a full parse nest: its depth budget is 128, and the level that spends the
/// last of it is refused.
const NESTING_LIMIT: usize = 127;

/// Whether a body has more `{` and `[` bytes than [`NESTING_LIMIT`], the only way it can nest deeper.
/// Every body passes here, so the count is vectorised and stops as soon as the answer is known.
fn may_nest_too_deep(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(b'{', b'[', bytes)
        .nth(NESTING_LIMIT)
        .is_some()
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
/// chunk failed).
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
    fn only_bodies_with_more_brackets_than_the_limit_may_nest_too_deep() {
        let brackets = |n: usize| "[".repeat(n);
        assert!(!may_nest_too_deep(brackets(NESTING_LIMIT).as_bytes()));
        assert!(may_nest_too_deep(brackets(NESTING_LIMIT + 1).as_bytes()));
        assert!(may_nest_too_deep(b"[{[{".repeat(40).as_slice()));
        assert!(!may_nest_too_deep(b"\"no brackets\""));
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
}
