//! JSON's grammar over brackets, strings, keys, colons and commas, followed one line at a time: where
//! a `{…}` or `[…]` body closes, or where it breaks and the recovery rule takes over. Numbers and
//! literals are words whose spelling the parser checks later.

use memchr::memchr2;

/// How far a run of the grammar got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Run {
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
pub(super) struct Grammar {
    /// One bit per open container, outermost first: set for an object.
    stack: Vec<u64>,
    depth: usize,
    expect: Expect,
    /// Inside a string: whether it is a key.
    string: Option<bool>,
}

impl Grammar {
    /// The grammar just after the opening `{` or `[` of a body.
    pub(super) fn new(open: u8) -> Grammar {
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
    pub(super) fn run(&mut self, line: &[u8], mut i: usize) -> Run {
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
