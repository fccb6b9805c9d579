//! Cutting a stream of bodies into one span per body, line by line, without parsing JSON.
//!
//! Bodies follow one another as JSON Lines or as JSON values back to back, pretty or not. A `{…}` or
//! `[…]` is followed by JSON's grammar (brackets, strings, keys, colons and commas; not the spelling of
//! numbers and literals), so it ends exactly where its value closes, however it is indented: a file that
//! is one JSON value is one body. A scalar is a string, or a word running to the next white space.
//!
//! Recovery applies only once the grammar breaks inside a body (a truncated body followed by the next
//! one, say). That body is cut again from its start by the recovery rule: brackets are counted, and a
//! `{` or `[` at the very start of a line starts a new body, so that a truncated body cannot swallow the
//! next. The rule holds until the body it is cutting ends; the bodies after it are followed exactly
//! again. Every byte is read at most twice, so splitting stays linear whatever the input.
//!
//! The grammar that follows a `{…}` or `[…]` is `grammar`'s; the splitter here holds the open body,
//! the recovery rule and the JSON Lines fast path.

mod grammar;

use grammar::{Grammar, Run};
use memchr::{memchr, memchr3};

/// Where one body lies in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte in the input.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
    /// 1-based line of the first byte.
    pub line: usize,
    /// 1-based column (in characters) of the first byte.
    pub column: usize,
}

/// An incremental splitter: feed it lines, collect spans.
#[derive(Debug, Default)]
pub struct Splitter {
    /// Lines consumed so far.
    line: usize,
    /// Input offset just past the bytes consumed.
    offset: usize,
    open: Option<Open>,
}

/// The body being read.
#[derive(Debug)]
struct Open {
    start: usize,
    line: usize,
    column: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// `{…}` or `[…]`, followed by the grammar.
    Exact(Grammar),
    /// `{…}` or `[…]` under the recovery rule.
    Loose {
        depth: usize,
        in_string: bool,
        escaped: bool,
    },
    /// `"…"`.
    Text { escaped: bool },
    /// A number, a literal, or anything else up to white space.
    Word,
}

/// Whether bytes are read for the first time (a body may then be followed by the grammar) or again,
/// to recover from a body that broke (the recovery rule only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Again,
}

/// One line, as a step sees it.
struct Line<'a> {
    bytes: &'a [u8],
    /// Input offset of `bytes[0]`.
    offset: usize,
    /// Whether `bytes[0]` starts a line of the input.
    starts_line: bool,
    /// Column of `bytes[0]`.
    column: usize,
}

impl Splitter {
    /// A splitter at the start of an input.
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Consumes one line: `held[at..]`, with its line break if it has one. `held` is the input from
    /// offset `base` on, and must hold every byte of the open body (see [`Splitter::open_start`]).
    pub fn push_line(&mut self, held: &[u8], base: usize, at: usize, done: &mut Vec<Span>) {
        self.line += 1;
        let bytes = &held[at..];
        debug_assert_eq!(base + at, self.offset, "lines are pushed in order");
        if self.open.is_none()
            && let Some(end) = whole_line_value(bytes)
        {
            // JSON Lines, the common case: the line is one complete `{…}` or `[…]`.
            done.push(Span {
                start: self.offset,
                end: self.offset + end,
                line: self.line,
                column: 1,
            });
            self.offset += bytes.len();
            return;
        }
        let line = Line {
            bytes,
            offset: self.offset,
            starts_line: true,
            column: 1,
        };
        let mut i = 0;
        while i < bytes.len() {
            i = self.step(held, base, &line, i, Pass::First, done);
        }
        self.offset += bytes.len();
    }

    /// Whether no body is open: the next line starts afresh.
    pub fn is_idle(&self) -> bool {
        self.open.is_none()
    }

    /// The input offset where the open body starts, if one is open.
    pub fn open_start(&self) -> Option<usize> {
        self.open.as_ref().map(|o| o.start)
    }

    /// The 1-based line and column where the open body starts, if one is open.
    pub fn open_position(&self) -> Option<(usize, usize)> {
        self.open.as_ref().map(|o| (o.line, o.column))
    }

    /// The number of lines consumed so far.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Counts a line of `len` bytes that the caller took as one whole body itself, and returns its
    /// number.
    pub fn take_line(&mut self, len: usize) -> usize {
        self.line += 1;
        self.offset += len;
        self.line
    }

    /// Ends the input (`held` and `base` as for [`Splitter::push_line`]) and adds the bodies still
    /// open. An open `{…}` or `[…]` is incomplete, so broken: the recovery rule cuts it again first.
    pub fn finish(&mut self, held: &[u8], base: usize, done: &mut Vec<Span>) {
        if let Some(Open {
            kind: Kind::Exact(_),
            ..
        }) = self.open
        {
            self.recover(held, base, self.offset, done);
        }
        self.close(self.offset, done);
    }

    /// Reads `line.bytes` from `i` on, as far as the state allows, and returns where it stopped.
    fn step(
        &mut self,
        held: &[u8],
        base: usize,
        line: &Line<'_>,
        i: usize,
        pass: Pass,
        done: &mut Vec<Span>,
    ) -> usize {
        let bytes = line.bytes;
        let Some(open) = &mut self.open else {
            let Some(skip) = bytes[i..].iter().position(|b| !b.is_ascii_whitespace()) else {
                return bytes.len();
            };
            let at = i + skip;
            self.start(line, at, pass);
            return at + 1;
        };
        let b = bytes[i];
        match &mut open.kind {
            Kind::Exact(grammar) => match grammar.run(bytes, i) {
                Run::Closed(last) => {
                    self.close(line.offset + last + 1, done);
                    last + 1
                }
                Run::More => bytes.len(),
                Run::Broken(at) => {
                    self.recover(held, base, line.offset + at, done);
                    at
                }
            },
            Kind::Loose {
                depth,
                in_string,
                escaped,
            } => {
                if i == 0 && line.starts_line && matches!(b, b'{' | b'[') {
                    // The recovery rule: a line-start bracket starts the next body.
                    self.close(line.offset, done);
                    self.start(line, 0, pass);
                    return 1;
                }
                let closed = if *in_string {
                    if b == b'\n' {
                        // A JSON string cannot hold a raw line break: the body is broken. Leave the
                        // string so that the brackets after it are counted again.
                        (*in_string, *escaped) = (false, false);
                    } else if *escaped {
                        *escaped = false;
                    } else if b == b'\\' {
                        *escaped = true;
                    } else if b == b'"' {
                        *in_string = false;
                    }
                    false
                } else {
                    match b {
                        b'"' => *in_string = true,
                        b'{' | b'[' => *depth += 1,
                        b'}' | b']' => *depth -= 1,
                        _ => {}
                    }
                    *depth == 0
                };
                if closed {
                    self.close(line.offset + i + 1, done);
                }
                i + 1
            }
            Kind::Text { escaped } => {
                let closed = match b {
                    // A raw line break ends a broken string.
                    b'\n' => true,
                    _ if *escaped => {
                        *escaped = false;
                        false
                    }
                    b'\\' => {
                        *escaped = true;
                        false
                    }
                    b'"' => true,
                    _ => false,
                };
                if closed {
                    self.close(line.offset + i + 1, done);
                }
                i + 1
            }
            Kind::Word => {
                if b.is_ascii_whitespace() || matches!(b, b'{' | b'[' | b'"') {
                    // White space ends a word; a bracket or quote also starts the next body.
                    self.close(line.offset + i, done);
                    return i;
                }
                i + 1
            }
        }
    }

    /// Opens a body at `line.bytes[at]`, which is not white space.
    fn start(&mut self, line: &Line<'_>, at: usize, pass: Pass) {
        let b = line.bytes[at];
        let kind = match (b, pass) {
            (b'{' | b'[', Pass::First) => Kind::Exact(Grammar::new(b)),
            (b'{' | b'[', Pass::Again) => Kind::Loose {
                depth: 1,
                in_string: false,
                escaped: false,
            },
            (b'"', _) => Kind::Text { escaped: false },
            _ => Kind::Word,
        };
        // Columns count characters: continuation bytes of UTF-8 do not advance.
        let column = line.column
            + line.bytes[..at]
                .iter()
                .filter(|b| **b & 0xC0 != 0x80)
                .count();
        self.open = Some(Open {
            start: line.offset + at,
            line: self.line,
            column,
            kind,
        });
    }

    /// Ends the open body just before input offset `end`.
    fn close(&mut self, end: usize, done: &mut Vec<Span>) {
        if let Some(o) = self.open.take() {
            done.push(Span {
                start: o.start,
                end,
                line: o.line,
                column: o.column,
            });
        }
    }

    /// The open body broke at input offset `at`: reads it again from its start under the recovery
    /// rule, up to `at`, leaving the state at `at` as the rule makes it.
    fn recover(&mut self, held: &[u8], base: usize, at: usize, done: &mut Vec<Span>) {
        let Some(open) = self.open.take() else {
            return;
        };
        let live_line = self.line;
        self.line = open.line;
        let again = &held[open.start - base..at - base];
        let mut pos = 0;
        let mut column = open.column;
        while pos < again.len() {
            let end = memchr(b'\n', &again[pos..]).map_or(again.len(), |k| pos + k + 1);
            let line = Line {
                bytes: &again[pos..end],
                offset: open.start + pos,
                starts_line: column == 1,
                column,
            };
            let mut i = 0;
            while i < line.bytes.len() {
                i = self.step(held, base, &line, i, Pass::Again, done);
            }
            if again[end - 1] == b'\n' {
                self.line += 1;
            }
            pos = end;
            column = 1;
        }
        self.line = live_line;
    }
}

/// The end of the `{…}` or `[…]` that fills `line` from its first byte to its line break (or
/// trailing white space), if it does: then an idle splitter cuts the line as one body there.
pub fn whole_line_value(line: &[u8]) -> Option<usize> {
    if !matches!(line.first(), Some(b'{' | b'[')) {
        return None;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'"' => {
                // A string is skipped whole, to its closing quote; a line break in it breaks the line.
                i += 1;
                loop {
                    i += memchr3(b'"', b'\\', b'\n', line.get(i..)?)?;
                    match line[i] {
                        b'"' => break,
                        // An escape takes the next byte with it, whatever it is.
                        b'\\' => i += 2,
                        _ => return None,
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    let rest = &line[i + 1..];
                    return rest.iter().all(u8::is_ascii_whitespace).then_some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests;
