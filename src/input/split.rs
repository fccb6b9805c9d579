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

use memchr::{memchr, memchr2};

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

/// How far a run of the grammar got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// The value closed at this index.
    Closed(usize),
    /// The line was read to its end and the value is still open.
    More,
    /// The grammar breaks at this index.
    Broken(usize),
}

/// What the grammar allows next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value: after `:`, or after `,` in an array.
    Value,
    /// A value or `]`: after `[`.
    ValueOrClose,
    /// A key or `}`: after `{`.
    KeyOrClose,
    /// A key: after `,` in an object.
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the container's closing bracket: after a value.
    CommaOrClose,
}

/// JSON's grammar over brackets, strings, keys, colons and commas, one line at a time. Numbers and
/// literals are words whose spelling the parser checks later.
#[derive(Debug)]
struct Grammar {
    /// One bit per open container, outermost first: set for an object.
    stack: Vec<u64>,
    depth: usize,
    expect: Expect,
    /// Inside a string: whether it is a key.
    string: Option<bool>,
}

impl Grammar {
    /// The grammar just after the opening `{` or `[` of a body.
    fn new(open: u8) -> Grammar {
        let mut g = Grammar {
            stack: Vec::new(),
            depth: 0,
            expect: Expect::Value,
            string: None,
        };
        g.push(open);
        g
    }

    fn push(&mut self, open: u8) {
        let (word, bit) = (self.depth / 64, self.depth % 64);
        if word == self.stack.len() {
            self.stack.push(0);
        }
        if open == b'{' {
            self.stack[word] |= 1 << bit;
            self.expect = Expect::KeyOrClose;
        } else {
            self.stack[word] &= !(1 << bit);
            self.expect = Expect::ValueOrClose;
        }
        self.depth += 1;
    }

    /// Whether the innermost open container is an object.
    fn in_object(&self) -> bool {
        let d = self.depth - 1;
        self.stack[d / 64] & (1 << (d % 64)) != 0
    }

    /// Reads `line` from `i` on.
    fn run(&mut self, line: &[u8], mut i: usize) -> Run {
        use Expect::*;
        while i < line.len() {
            if let Some(key) = self.string {
                // Skip to the end of the string: only a quote or an escape can end or hide one.
                let Some(k) = memchr2(b'"', b'\\', &line[i..]) else {
                    // The string runs to the end of the line: a raw line break inside a string is
                    // not JSON (without one, the input ended inside the string).
                    return match line.last() {
                        Some(b'\n') => Run::Broken(line.len() - 1),
                        _ => Run::More,
                    };
                };
                let at = i + k;
                if line[at] == b'\\' {
                    match line.get(at + 1) {
                        Some(b'\n') => return Run::Broken(at + 1),
                        Some(_) => i = at + 2,
                        None => return Run::More,
                    }
                    continue;
                }
                self.string = None;
                self.expect = if key { Colon } else { CommaOrClose };
                i = at + 1;
                continue;
            }
            let b = line[i];
            match (b, self.expect) {
                (b' ' | b'\t' | b'\n' | b'\r', _) => {}
                (b'{' | b'[', Value | ValueOrClose) => self.push(b),
                (b'}', KeyOrClose | CommaOrClose) | (b']', ValueOrClose | CommaOrClose)
                    if self.in_object() == (b == b'}') =>
                {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Run::Closed(i);
                    }
                    self.expect = CommaOrClose;
                }
                (b',', CommaOrClose) => {
                    self.expect = if self.in_object() { Key } else { Value };
                }
                (b':', Colon) => self.expect = Value,
                (b'"', KeyOrClose | Key) => self.string = Some(true),
                (b'"', Value | ValueOrClose) => self.string = Some(false),
                (_, Value | ValueOrClose) if is_word_byte(b) => {
                    // A number or a literal: its spelling is the parser's to check.
                    i += line[i..].iter().take_while(|b| is_word_byte(**b)).count();
                    self.expect = CommaOrClose;
                    continue;
                }
                _ => return Run::Broken(i),
            }
            i += 1;
        }
        Run::More
    }
}

/// Bytes a number or a literal (`true`, `null`, or a misspelling of one) can hold.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

/// The end of the `{…}` or `[…]` that fills `line` from its first byte to its line break (or
/// trailing white space), if it does.
fn whole_line_value(line: &[u8]) -> Option<usize> {
    if !matches!(line.first(), Some(b'{' | b'[')) {
        return None;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in line.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            } else if b == b'\n' {
                return None;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
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
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> Vec<(String, usize, usize)> {
        let bytes = input.as_bytes();
        let mut s = Splitter::new();
        let mut out = Vec::new();
        let mut at = 0;
        for line in input.split_inclusive('\n') {
            s.push_line(&bytes[..at + line.len()], 0, at, &mut out);
            at += line.len();
        }
        s.finish(bytes, 0, &mut out);
        out.into_iter()
            .map(|c| (input[c.start..c.end].to_owned(), c.line, c.column))
            .collect()
    }

    fn texts(input: &str) -> Vec<String> {
        split(input).into_iter().map(|c| c.0).collect()
    }

    #[test]
    fn json_lines() {
        let got = split("{\"a\":1}\n{\"b\":[2]}\n");
        assert_eq!(
            got,
            [("{\"a\":1}".into(), 1, 1), ("{\"b\":[2]}".into(), 2, 1)]
        );
    }

    #[test]
    fn pretty_values_back_to_back() {
        let got = split("{\n  \"a\": {\"x\": \"}\"}\n}\n  [1,\n 2]{\"c\":3}");
        assert_eq!(
            got,
            [
                ("{\n  \"a\": {\"x\": \"}\"}\n}".into(), 1, 1),
                ("[1,\n 2]".into(), 4, 3),
                ("{\"c\":3}".into(), 5, 4),
            ]
        );
    }

    #[test]
    fn a_pretty_body_whose_nested_lines_start_in_column_0_is_one_body() {
        // As `json.dumps(indent=0)` writes it: every nested line starts in column 0.
        let body = "{\n\"alerts\": [\n{\n\"status\": \"firing\"\n},\n[\n1,\n{\"x\": [2]}\n]\n],\n\"n\": {}\n}\n";
        assert_eq!(texts(body), [body.trim_end()]);
        assert_eq!(texts(&format!("{body}{body}")).len(), 2);
    }

    #[test]
    fn escaped_quotes_stay_inside_strings() {
        let got = split(r#"{"a":"x\"}"} {"b":"\\"}"#);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, r#"{"b":"\\"}"#);
        let pretty = "{\n\"a\": \"x\\\"}\",\n\"b\": \"\\\\\"\n}";
        assert_eq!(texts(pretty), [pretty]);
    }

    #[test]
    fn a_truncated_line_does_not_swallow_the_next() {
        let got = split("{\"a\": [1,\n{\"b\":2}\n");
        assert_eq!(
            got,
            [("{\"a\": [1,\n".into(), 1, 1), ("{\"b\":2}".into(), 2, 1)]
        );
    }

    #[test]
    fn a_truncated_line_before_json_lines_breaks_on_the_first_line_it_cannot_continue() {
        let got = split("{\"a\": [1,\n{\"b\":2}\n{\"c\":3}\n{\"d\":4}\n");
        assert_eq!(
            got,
            [
                ("{\"a\": [1,\n".into(), 1, 1),
                ("{\"b\":2}".into(), 2, 1),
                ("{\"c\":3}".into(), 3, 1),
                ("{\"d\":4}".into(), 4, 1),
            ]
        );
    }

    #[test]
    fn a_truncated_pretty_body_before_a_pretty_one() {
        let input = "{\n  \"a\": [1,\n{\n  \"b\": 2\n}\n{\n  \"c\": 3\n}\n";
        assert_eq!(
            texts(input),
            ["{\n  \"a\": [1,\n", "{\n  \"b\": 2\n}", "{\n  \"c\": 3\n}"]
        );
    }

    #[test]
    fn a_broken_pretty_body_stays_one_body() {
        // The missing comma breaks the grammar; the recovery rule counts brackets to its end.
        let input = "{\n  \"a\": 1\n  \"b\": {\"c\": 2}\n}\n{\"d\": 4}\n";
        assert_eq!(
            texts(input),
            ["{\n  \"a\": 1\n  \"b\": {\"c\": 2}\n}", "{\"d\": 4}"]
        );
    }

    #[test]
    fn an_unterminated_string_does_not_swallow_the_next_line() {
        let got = split("{\"a\": \"x}\n{\"b\":2}\n");
        assert_eq!(got[1], ("{\"b\":2}".into(), 2, 1));
        let got = split("{\n\"a\": \"x}\n{\"b\":2}\n");
        assert_eq!(got[1], ("{\"b\":2}".into(), 3, 1));
    }

    #[test]
    fn grammar_errors_break_a_body() {
        for broken in [
            "[1 2]",
            "{\"a\" 1}",
            "{1: 2}",
            "[1,]",
            "{\"a\":1,}",
            "[}",
            "{]",
            "[:]",
            "[1,,2]",
            "{\"a\"::1}",
            "[\u{1}]",
        ] {
            let line = format!("{broken}\n");
            let mut g = Grammar::new(line.as_bytes()[0]);
            assert!(
                matches!(g.run(line.as_bytes(), 1), Run::Broken(_)),
                "{broken}"
            );
            let got = texts(&format!("{line}{{\"next\": 1}}\n"));
            assert_eq!(
                got.last().map(String::as_str),
                Some("{\"next\": 1}"),
                "{broken}"
            );
        }
    }

    #[test]
    fn deep_nesting_needs_no_recursion() {
        let deep = format!("{}\n{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(texts(&deep), [deep.as_str()]);
    }

    #[test]
    fn scalars_and_words() {
        let got = split("\"a b\" 42 true\nserver down");
        let texts: Vec<_> = got.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(texts, ["\"a b\"", "42", "true", "server", "down"]);
    }

    #[test]
    fn columns_count_characters() {
        let got = split("\"é\" {\"x\":1}");
        assert_eq!(got[1].2, 5);
    }

    #[test]
    fn whitespace_only_has_no_chunks() {
        assert!(split(" \n\t\r\n").is_empty());
    }
}
