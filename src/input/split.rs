//! Cutting a stream of bodies into one chunk per body, line by line, without parsing JSON.
//!
//! Bodies follow one another as JSON Lines or as JSON values back to back, pretty or not. A chunk is a
//! balanced `{…}` or `[…]` (brackets inside strings do not count), or a scalar (a string, or a word
//! running to the next white space). To recover from a broken body, a `{` or `[` at the very start of a
//! line always starts a new body: every pretty printer indents nested lines, so this only cuts where a
//! truncated body is followed by the next one.

/// One body's bytes and where it starts in its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The bytes, exactly as in the input.
    pub bytes: Vec<u8>,
    /// 1-based line of the first byte.
    pub line: usize,
    /// 1-based column (in characters) of the first byte.
    pub column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `{…}` or `[…]`.
    Nested { depth: usize },
    /// `"…"`.
    Text,
    /// A number, a literal, or anything else up to white space.
    Word,
}

/// An incremental splitter: feed it lines, collect chunks.
#[derive(Debug, Default)]
pub struct Splitter {
    line: usize,
    open: Option<(Kind, Chunk)>,
    in_string: bool,
    escaped: bool,
}

impl Splitter {
    /// A splitter at the start of an input.
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Consumes one line (with its line break, if any) and returns the chunks it completed.
    pub fn push_line(&mut self, line: &[u8], done: &mut Vec<Chunk>) {
        self.line += 1;
        if self.open.is_none()
            && let Some(end) = whole_line_value(line)
        {
            // JSON Lines, the common case: the line is one complete `{…}` or `[…]`.
            done.push(Chunk {
                bytes: line[..end].to_vec(),
                line: self.line,
                column: 1,
            });
            return;
        }
        let mut column = 1;
        for (i, &b) in line.iter().enumerate() {
            self.push_byte(b, i == 0, column, done);
            // Columns count characters: continuation bytes of UTF-8 do not advance.
            if b & 0xC0 != 0x80 {
                column += 1;
            }
        }
    }

    /// Whether no body is open: the next line starts afresh.
    pub fn is_idle(&self) -> bool {
        self.open.is_none()
    }

    /// The number of lines consumed so far.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Counts a line that the caller took as one whole body itself, and returns its number.
    pub fn take_line(&mut self) -> usize {
        self.line += 1;
        self.line
    }

    /// Ends the input and returns the chunk still open, if any (it is incomplete).
    pub fn finish(&mut self) -> Option<Chunk> {
        self.in_string = false;
        self.escaped = false;
        self.open.take().map(|(_, chunk)| chunk)
    }

    fn push_byte(&mut self, b: u8, line_start: bool, column: usize, done: &mut Vec<Chunk>) {
        if line_start
            && matches!(b, b'{' | b'[')
            && let Some((Kind::Nested { .. }, _)) = &self.open
        {
            done.extend(self.finish());
        }
        let Some((kind, chunk)) = &mut self.open else {
            if !b.is_ascii_whitespace() {
                self.start(b, column);
            }
            return;
        };
        match kind {
            Kind::Word => {
                if b.is_ascii_whitespace() || matches!(b, b'{' | b'[' | b'"') {
                    done.extend(self.finish());
                    if !b.is_ascii_whitespace() {
                        self.push_byte(b, false, column, done);
                    }
                    return;
                }
                chunk.bytes.push(b);
            }
            Kind::Text | Kind::Nested { .. } => {
                if b == b'\n' && self.in_string {
                    // A JSON string cannot hold a raw line break: the body is broken. Leave the string
                    // so that the brackets after it are read again.
                    self.in_string = false;
                }
                chunk.bytes.push(b);
                let closed = if self.in_string {
                    if self.escaped {
                        self.escaped = false;
                    } else if b == b'\\' {
                        self.escaped = true;
                    } else if b == b'"' {
                        self.in_string = false;
                    }
                    *kind == Kind::Text && !self.in_string
                } else {
                    match (kind, b) {
                        (Kind::Text, b'\n') => true,
                        (_, b'"') => {
                            self.in_string = true;
                            false
                        }
                        (Kind::Nested { depth }, b'{' | b'[') => {
                            *depth += 1;
                            false
                        }
                        (Kind::Nested { depth }, b'}' | b']') => {
                            *depth -= 1;
                            *depth == 0
                        }
                        _ => false,
                    }
                };
                if closed {
                    done.extend(self.finish());
                }
            }
        }
    }

    fn start(&mut self, b: u8, column: usize) {
        let kind = match b {
            b'{' | b'[' => Kind::Nested { depth: 1 },
            b'"' => Kind::Text,
            _ => Kind::Word,
        };
        let chunk = Chunk {
            bytes: vec![b],
            line: self.line,
            column,
        };
        self.open = Some((kind, chunk));
        self.in_string = b == b'"';
        self.escaped = false;
    }
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
        let mut s = Splitter::new();
        let mut out = Vec::new();
        for line in input.split_inclusive('\n') {
            s.push_line(line.as_bytes(), &mut out);
        }
        out.extend(s.finish());
        out.into_iter()
            .map(|c| (String::from_utf8(c.bytes).unwrap(), c.line, c.column))
            .collect()
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
    fn escaped_quotes_stay_inside_strings() {
        let got = split(r#"{"a":"x\"}"} {"b":"\\"}"#);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, r#"{"b":"\\"}"#);
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
    fn an_unterminated_string_does_not_swallow_the_next_line() {
        let got = split("{\"a\": \"x}\n{\"b\":2}\n");
        assert_eq!(got[1], ("{\"b\":2}".into(), 2, 1));
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
