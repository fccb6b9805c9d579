//! Text shaped like a secret, whoever sent it: the value of a `token=` parameter, a `Bearer`
//! credential, and the string value of a JSON field named `...token`, plain or JSON escaped.

use super::{Kind, is_token_char};
use std::ops::Range;

/// The parts of `text` shaped like secrets.
pub(super) fn shapes(text: &str, out: &mut Vec<(Range<usize>, Kind)>) {
    let bytes = text.as_bytes();
    // Every shape starts from the word `token` or `bearer`, in any case.
    for k in memchr::memchr2_iter(b'k', b'K', bytes) {
        let Some(start) = k.checked_sub(2) else {
            continue;
        };
        let word_end = start + 5;
        if !bytes
            .get(start..word_end)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"token"))
        {
            continue;
        }
        if let Some(r) = url_parameter(text, word_end) {
            out.push((r, Kind::UrlParameter));
        } else if let Some(r) = token_field(bytes, word_end) {
            out.push((r, Kind::TokenField));
        }
    }
    for b in memchr::memchr2_iter(b'b', b'B', bytes) {
        if bytes
            .get(b..b + 6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"bearer"))
            && let Some(r) = bearer(text, b)
        {
            out.push((r, Kind::Bearer));
        }
    }
}

/// After `...token`, a `=` and the parameter's value: up to a separator, a quote or a backslash (the
/// start of an escape in JSON text).
fn url_parameter(text: &str, after: usize) -> Option<Range<usize>> {
    let rest = text.get(after..)?.strip_prefix('=')?;
    let len = rest
        .find(|c: char| c.is_whitespace() || "&#\"'<>\\,;)]}".contains(c))
        .unwrap_or(rest.len());
    (len > 0).then(|| after + 1..after + 1 + len)
}

/// After `...token`, the rest of a JSON field whose string value is the secret: `": "v"`, or the same
/// escaped once or more inside a JSON string (`\": \"v\"`). Returns the value's bytes; an unterminated
/// value runs to the end of the text.
fn token_field(b: &[u8], after: usize) -> Option<Range<usize>> {
    let backslashes = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|&&c| c == b'\\')
            .count()
    };
    let skip_blank = |mut i: usize| {
        while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
            i += 1;
        }
        i
    };
    // The closing quote of the name, escaped `depth` times.
    let depth = backslashes(after);
    let mut i = after + depth;
    if b.get(i) != Some(&b'"') {
        return None;
    }
    i = skip_blank(i + 1);
    if b.get(i) != Some(&b':') {
        return None;
    }
    i = skip_blank(i + 1);
    if backslashes(i) != depth || b.get(i + depth) != Some(&b'"') {
        return None;
    }
    let start = i + depth + 1;
    // The value ends at a quote escaped as its opening one was: `depth` backslashes, give or take
    // escaped backslashes (each doubled once per level: a multiple of 2 * (depth + 1)).
    let mut j = start;
    while let Some(q) = memchr::memchr(b'"', &b[j..]) {
        let q = j + q;
        let run = b[start..q]
            .iter()
            .rev()
            .take_while(|&&c| c == b'\\')
            .count();
        if run >= depth && (run - depth) % (2 * (depth + 1)) == 0 {
            return (q - depth > start).then_some(start..q - depth);
        }
        j = q + 1;
    }
    (b.len() > start).then_some(start..b.len())
}

/// After the word `bearer` at `at`, the credential: RFC 6750 characters after white space, taken as a
/// secret when it has a digit or a sign, is long, or follows `Authorization`.
fn bearer(text: &str, at: usize) -> Option<Range<usize>> {
    let before = &text[..at];
    if before
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    let rest = &text[at + 6..];
    let value = rest.trim_start_matches([' ', '\t']);
    if value.len() == rest.len() {
        return None;
    }
    let len = value
        .find(|c: char| !is_token_char(c))
        .unwrap_or(value.len());
    let credential = &value[..len];
    let header = before
        .trim_end_matches([' ', '\t', ':', '"', '\'', '=', '\\'])
        .to_ascii_lowercase()
        .ends_with("authorization");
    let looks_like_one = credential.chars().any(|c| !c.is_ascii_alphabetic()) || len >= 16;
    let start = text.len() - value.len();
    (len > 0 && (looks_like_one || header)).then_some(start..start + len)
}
