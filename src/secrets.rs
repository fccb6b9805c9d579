//! Tokens are secrets: nothing `sqibs-filter` writes may show one. Every output stream, the JUnit report
//! and blessed case files pass through [`redact`], which replaces the tokens the run knows (`--token`,
//! captured envelope tokens) and anything shaped like one: a `token=` URL parameter, an
//! `Authorization: Bearer` value, a `"token": "..."` JSON field (escaped or not).

use memchr::memmem;
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

/// What a redacted secret becomes.
pub const MASK: &str = "***";

/// The tokens a run has met, shared between whoever meets them and the writers that hide them.
#[derive(Debug, Clone, Default)]
pub struct Secrets(Rc<RefCell<Vec<String>>>);

impl Secrets {
    /// Remembers a token to hide.
    pub fn add(&self, secret: &str) {
        let mut known = self.0.borrow_mut();
        if !secret.is_empty() && !known.iter().any(|s| s == secret) {
            known.push(secret.to_owned());
            // Longest first, so that a token containing another is hidden whole.
            known.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// `text` with every secret hidden.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        redact(text, &self.0.borrow())
    }

    /// `bytes` with every secret hidden, or `None` when they hold none.
    fn masked(&self, bytes: &[u8]) -> Option<String> {
        masked(bytes, &self.0.borrow())
    }
}

/// `text` with the `known` tokens and anything shaped like a token replaced by [`MASK`].
pub fn redact<'t>(text: &'t str, known: &[String]) -> Cow<'t, str> {
    masked(text.as_bytes(), known).map_or(Cow::Borrowed(text), Cow::Owned)
}

/// `bytes` with the `known` tokens and anything shaped like a token replaced by [`MASK`], or `None`
/// when they hold neither. Every line of output passes here, and most hold no secret: the test for
/// one neither allocates nor builds a searcher, and only a line that holds one is copied.
fn masked(bytes: &[u8], known: &[String]) -> Option<String> {
    let shaped = shaped_like_secret(bytes);
    if !shaped
        && !known
            .iter()
            .any(|s| memmem::find(bytes, s.as_bytes()).is_some())
    {
        return None;
    }
    let mut out = String::from_utf8_lossy(bytes).into_owned();
    for secret in known {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    if shaped {
        out = mask_after(&out, "token=", url_value);
        out = mask_after(&out, "bearer ", bearer_value);
        out = mask_after(&out, "token", json_string_value);
    }
    Some(out)
}

/// Whether `bytes` holds `token` or `bearer` in any case, the words every token shape starts from.
fn shaped_like_secret(bytes: &[u8]) -> bool {
    let word_at = |start: Option<usize>, word: &[u8]| {
        start
            .and_then(|i| bytes.get(i..i + word.len()))
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    memchr::memchr2_iter(b'k', b'K', bytes).any(|k| word_at(k.checked_sub(2), b"token"))
        || memchr::memchr2_iter(b'b', b'B', bytes).any(|b| word_at(Some(b), b"bearer"))
}

/// Replaces, after every case-insensitive occurrence of `marker`, the value `value_at` finds there
/// (a byte range relative to the end of the marker).
fn mask_after(text: &str, marker: &str, value_at: fn(&str) -> Option<(usize, usize)>) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(marker) {
        let after = from + found + marker.len();
        from = after;
        let Some((start, end)) = value_at(&text[after..]) else {
            continue;
        };
        let (start, end) = (after + start, after + end);
        if end > start && &text[start..end] != MASK {
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = end;
            from = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// A URL parameter's value: up to the next separator.
fn url_value(rest: &str) -> Option<(usize, usize)> {
    let end = rest
        .find(|c: char| c.is_whitespace() || "&#\"'<>\\,;)]}".contains(c))
        .unwrap_or(rest.len());
    Some((0, end))
}

/// A bearer token: the characters RFC 6750 allows.
fn bearer_value(rest: &str) -> Option<(usize, usize)> {
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~+/=".contains(c)))
        .unwrap_or(rest.len());
    Some((0, end))
}

/// The string value of a JSON field whose name ends in `token`: `"token": "v"`, or `\"token\":\"v\"`
/// inside a JSON string.
fn json_string_value(rest: &str) -> Option<(usize, usize)> {
    let mut i = 0;
    let b = rest.as_bytes();
    let skip = |i: &mut usize, set: &[u8]| {
        while *i < b.len() && set.contains(&b[*i]) {
            *i += 1;
        }
    };
    skip(&mut i, b"\\");
    if b.get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    skip(&mut i, b" \t");
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    skip(&mut i, b" \t");
    let escaped = b.get(i) == Some(&b'\\');
    if escaped {
        i += 1;
    }
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let start = i + 1;
    let close = if escaped { "\\\"" } else { "\"" };
    let end = rest[start..].find(close).map_or(rest.len(), |e| start + e);
    Some((start, end))
}

/// A writer that hides secrets line by line: a line is held until it is complete, so that a token
/// split over two writes is still seen whole.
pub struct Redacting<'w> {
    inner: &'w mut dyn Write,
    secrets: Secrets,
    line: Vec<u8>,
}

impl<'w> Redacting<'w> {
    /// Wraps `inner`.
    pub fn new(inner: &'w mut dyn Write, secrets: Secrets) -> Redacting<'w> {
        Redacting {
            inner,
            secrets,
            line: Vec::new(),
        }
    }

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let line = &self.line[..upto];
        match self.secrets.masked(line) {
            Some(masked) => self.inner.write_all(masked.as_bytes())?,
            // Most lines: written as they are, without a UTF-8 check or a copy.
            None => self.inner.write_all(line)?,
        }
        self.line.drain(..upto);
        Ok(())
    }
}

impl Write for Redacting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // What is held has no line end, so only the new bytes need looking at.
        let held = self.line.len();
        self.line.extend_from_slice(buf);
        if let Some(last) = memchr::memrchr(b'\n', buf) {
            self.emit(held + last + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.emit(self.line.len())?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> String {
        redact(text, &["s3cr3t-42".to_owned()]).into_owned()
    }

    #[test]
    fn known_tokens_anywhere() {
        assert_eq!(r("title s3cr3t-42 end"), "title *** end");
    }

    #[test]
    fn url_token_parameters() {
        assert_eq!(
            r("https://x.callgoose.com/v1/process?from=Tigera&token=abc123&x=1"),
            "https://x.callgoose.com/v1/process?from=Tigera&token=***&x=1"
        );
        assert_eq!(
            r("?Token=ABC \"access_token=q\""),
            "?Token=*** \"access_token=***\""
        );
    }

    #[test]
    fn bearer_values() {
        assert_eq!(
            r("Authorization: Bearer eyJhbGci.x-y_z end"),
            "Authorization: Bearer *** end"
        );
        assert_eq!(
            r("\"authorization\": \"bearer t0k\""),
            "\"authorization\": \"bearer ***\""
        );
    }

    #[test]
    fn json_token_fields_escaped_or_not() {
        assert_eq!(
            r(r#"{"token": "abc", "n": 1}"#),
            r#"{"token": "***", "n": 1}"#
        );
        assert_eq!(
            r(r#"{"d":"{\"api_token\":\"abc\"}"}"#),
            r#"{"d":"{\"api_token\":\"***\"}"}"#
        );
        assert_eq!(
            r(r#"{"tokens": 5, "tokenizer": "bpe"}"#),
            r#"{"tokens": 5, "tokenizer": "bpe"}"#
        );
    }

    #[test]
    fn the_words_that_introduce_tokens_are_found_in_any_case() {
        assert_eq!(r("?ToKeN=abc"), "?ToKeN=***");
        assert_eq!(r("authorization: BeArEr xyz"), "authorization: BeArEr ***");
        assert_eq!(r(r#"{"Api_TOKEN": "abc"}"#), r#"{"Api_TOKEN": "***"}"#);
        assert!(shaped_like_secret(b"tOkEn"));
        assert!(shaped_like_secret(b"BEARER"));
        assert!(!shaped_like_secret(b"ken bear oke k"));
    }

    #[test]
    fn ordinary_text_is_untouched_and_not_copied() {
        assert!(matches!(redact("status firing", &[]), Cow::Borrowed(_)));
        assert_eq!(r("token budget"), "token budget");
    }

    #[test]
    fn the_writer_sees_tokens_split_over_writes() {
        let secrets = Secrets::default();
        secrets.add("s3cr3t");
        let mut out = Vec::new();
        let mut w = Redacting::new(&mut out, secrets);
        w.write_all(b"a s3c").unwrap();
        w.write_all(b"r3t b\nno newline token=x").unwrap();
        w.flush().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a *** b\nno newline token=***"
        );
    }
}
