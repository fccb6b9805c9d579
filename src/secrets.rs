//! Tokens are secrets: nothing `sqibs-filter` shows may hold one. This module decides what a secret is
//! and where it stands in a value; the render layer masks every value it shows from a request before
//! formatting it (see `sanitize`), so masking never touches the syntax of the output.
//!
//! A secret is a value the tool knows to be one: the `--token` of the run, and the token a captured
//! request carries (its envelope's `token`, `token=` URL parameter or `Authorization: Bearer`). The
//! request's own token is a secret of that request's output only; the run's are secrets everywhere.
//! A known secret is hidden, as [`MASK`], in a value that shows it:
//! - anywhere in the value when it has at least [`SHORT`] characters;
//! - when shorter, only where it stands alone: the whole value, or an occurrence bounded on both sides
//!   by the value's ends or by characters that cannot be part of a token (anything but ASCII letters,
//!   digits and `-._~+/=`). A token of `1` hides the value `1`, not the `1` of `201`.
//!
//! Text shaped like a secret is hidden too, whoever sent it: the value of a `token=` parameter (any
//! name ending in `token`), a credential after the word `Bearer` (one with a digit or a sign in it,
//! 16 characters or more, or after `Authorization`: "ring bearer service" stays as written), and the
//! string value of a JSON field whose name ends in `token`, in JSON text or JSON escaped inside a
//! string. These shapes are looked for inside one value at a time, so a value can never hide the next.

use memchr::memmem;
use std::borrow::Cow;
use std::ops::Range;

/// What a hidden secret becomes.
pub const MASK: &str = "***";

/// Secrets shorter than this many characters are hidden only where they stand alone.
pub const SHORT: usize = 8;

/// A secret as the program holds it: its text is reached only through [`Secret::expose`], and its
/// `Debug` form never shows it, so no formatting of a settings or options value can leak one.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Secret(String);

impl Secret {
    /// Holds `text` as a secret.
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret's text, for comparing and masking; never for showing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

/// The secrets a whole run knows: its `--token`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    known: Vec<String>,
}

impl Secrets {
    /// The run's secrets; empty strings are none.
    pub fn new(known: impl IntoIterator<Item = String>) -> Secrets {
        let mut known: Vec<String> = known.into_iter().filter(|s| !s.is_empty()).collect();
        known.sort();
        known.dedup();
        Secrets { known }
    }

    /// What the output of a request carrying `own` (its captured token) must hide.
    pub fn mask<'s>(&'s self, own: Option<&'s str>) -> Mask<'s> {
        Mask {
            run: &self.known,
            own: own.filter(|o| !o.is_empty() && !self.known.iter().any(|k| k == o)),
        }
    }
}

/// The secrets one request's output must hide: the run's and the request's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mask<'s> {
    run: &'s [String],
    own: Option<&'s str>,
}

/// What a hidden part of a value was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A token the run or the request carries.
    Known,
    /// The value of a `token=` parameter.
    UrlParameter,
    /// A `Bearer` credential.
    Bearer,
    /// The value of a JSON field named `...token`.
    TokenField,
}

impl Kind {
    /// The kind in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Known => "a token this run knows as a secret",
            Kind::UrlParameter => "the value of a `token=` parameter",
            Kind::Bearer => "a `Bearer` credential",
            Kind::TokenField => "the value of a JSON field named `...token`",
        }
    }
}

impl<'s> Mask<'s> {
    /// The mask of a run and request that know no secret: only text shaped like one is hidden.
    pub const SHAPES: Mask<'static> = Mask {
        run: &[],
        own: None,
    };

    /// `text` with its secrets hidden; borrowed when it holds none.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.hidden(text).apply(text)
    }

    /// What in `text` is a secret, by the rule of the module.
    pub fn hidden(&self, text: &str) -> Hidden {
        let mut parts = Vec::new();
        shapes(text, &mut parts);
        let known = self.run.iter().map(String::as_str).chain(self.own);
        let (long, short): (Vec<&str>, Vec<&str>) = known.partition(|s| s.chars().count() >= SHORT);
        for secret in long {
            parts.extend(
                memmem::find_iter(text.as_bytes(), secret.as_bytes())
                    .map(|at| (at..at + secret.len(), Kind::Known)),
            );
        }
        let mut hidden = Hidden::of(parts);
        // Hiding one secret can leave another standing alone beside the mask: look again until no
        // short secret is left standing alone.
        while !short.is_empty() {
            let found: Vec<_> = short
                .iter()
                .flat_map(|s| alone(text, s, &hidden))
                .map(|r| (r, Kind::Known))
                .collect();
            if found.is_empty() {
                break;
            }
            found.into_iter().for_each(|p| hidden.insert(p));
        }
        hidden
    }
}

/// The parts of a value that are secrets: sorted, apart, each with what it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden(Vec<(Range<usize>, Kind)>);

impl Hidden {
    fn of(parts: Vec<(Range<usize>, Kind)>) -> Hidden {
        let mut hidden = Hidden::default();
        parts.into_iter().for_each(|p| hidden.insert(p));
        hidden
    }

    /// Adds a part, merging it with the parts it touches or overlaps.
    fn insert(&mut self, (mut range, mut kind): (Range<usize>, Kind)) {
        if range.is_empty() {
            return;
        }
        let first = self.0.partition_point(|(r, _)| r.end < range.start);
        let mut last = first;
        while let Some((r, k)) = self.0.get(last).filter(|(r, _)| r.start <= range.end) {
            range = range.start.min(r.start)..range.end.max(r.end);
            if *k == Kind::Known {
                kind = Kind::Known;
            }
            last += 1;
        }
        self.0.splice(first..last, [(range, kind)]);
    }

    /// Whether nothing is hidden.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first hidden part's kind.
    pub fn first(&self) -> Option<Kind> {
        self.0.first().map(|(_, k)| *k)
    }

    /// The hidden part that starts at byte `at`, if one does.
    pub fn starting_at(&self, at: usize) -> Option<Range<usize>> {
        self.0
            .iter()
            .find(|(r, _)| r.start == at)
            .map(|(r, _)| r.clone())
    }

    /// `text` (the value this was found in) with each hidden part replaced by [`MASK`].
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.0.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (r, _) in &self.0 {
            out.push_str(&text[copied..r.start]);
            out.push_str(MASK);
            copied = r.end;
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    /// Where the bytes `range` of the value are in the masked value: shifted past the masks before it,
    /// and widened over any mask it touches.
    pub fn map(&self, range: Range<usize>) -> Range<usize> {
        let place = |at: usize, end: bool| {
            let mut delta = 0isize;
            for (r, _) in &self.0 {
                if r.end <= at {
                    delta += MASK.len() as isize - r.len() as isize;
                } else if r.start < at {
                    // Inside a hidden part: the edge of its mask.
                    let start = r.start.saturating_add_signed(delta);
                    return if end { start + MASK.len() } else { start };
                } else {
                    break;
                }
            }
            at.saturating_add_signed(delta)
        };
        place(range.start, false)..place(range.end, true)
    }
}

/// Characters a token can hold (RFC 6750's `b64token` and URL-safe ones): a secret next to one of
/// these does not stand alone.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~+/=".contains(c)
}

/// The occurrences of `secret` in `text` that stand alone, given what is already hidden (a mask is
/// not a token character, and an occurrence touching a hidden part is hidden already).
fn alone(text: &str, secret: &str, hidden: &Hidden) -> Vec<Range<usize>> {
    let finder = memmem::Finder::new(secret.as_bytes());
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = finder.find(&text.as_bytes()[from..]) {
        let (start, end) = (from + found, from + found + secret.len());
        let overlaps = hidden.0.iter().any(|(r, _)| r.start < end && start < r.end);
        let bounded = |at: usize, before: bool| {
            let edge_of_mask = hidden
                .0
                .iter()
                .any(|(r, _)| if before { r.end == at } else { r.start == at });
            let c = if before {
                text[..at].chars().next_back()
            } else {
                text[at..].chars().next()
            };
            edge_of_mask || c.is_none_or(|c| !is_token_char(c))
        };
        if !overlaps && bounded(start, true) && bounded(end, false) {
            out.push(start..end);
            from = end;
        } else {
            // Overlapping occurrences count: step one character on.
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
        if from > text.len() {
            break;
        }
    }
    out
}

/// The parts of `text` shaped like secrets.
fn shapes(text: &str, out: &mut Vec<(Range<usize>, Kind)>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(run: &[&str], own: Option<&str>, text: &str) -> String {
        let secrets = Secrets::new(run.iter().map(|s| s.to_string()));
        secrets.mask(own).apply(text).into_owned()
    }

    fn shaped(text: &str) -> String {
        Mask::SHAPES.apply(text).into_owned()
    }

    #[test]
    fn a_long_secret_is_hidden_anywhere_in_a_value() {
        assert_eq!(
            masked(&["s3cr3t-42"], None, "title s3cr3t-42 end xs3cr3t-42y"),
            "title *** end x***y"
        );
        assert_eq!(masked(&[], Some("s3cr3t-42"), "s3cr3t-42"), "***");
    }

    #[test]
    fn a_short_secret_is_hidden_only_where_it_stands_alone() {
        assert_eq!(masked(&[], Some("1"), "1"), "***");
        assert_eq!(masked(&[], Some("1"), "201 #1 a1 1.5"), "201 #*** a1 1.5");
        assert_eq!(masked(&[], Some("\""), "say \"hi\""), "say \"hi\"");
        assert_eq!(masked(&[], Some("\""), "\""), "***");
        assert_eq!(masked(&[], Some("true"), "true or untrue"), "*** or untrue");
        assert_eq!(masked(&[], Some("created"), "created_by"), "created_by");
    }

    #[test]
    fn overlapping_occurrences_and_neighbours_of_masks_are_found() {
        // The first `a a` is not alone ("ba"), the overlapping second one is.
        assert_eq!(masked(&[], Some("a a"), "ba a a"), "ba ***");
        // Once the long secret is hidden, `ab` stands alone beside its mask (and joins it).
        assert_eq!(masked(&["XYZ12345"], Some("ab"), "XYZ12345ab"), "***");
        assert_eq!(masked(&["XYZ12345"], Some("ab"), "XYZ12345abc"), "***abc");
    }

    #[test]
    fn nothing_known_and_nothing_shaped_costs_no_copy() {
        assert!(matches!(
            Mask::SHAPES.apply("status firing"),
            Cow::Borrowed(_)
        ));
        let none = Secrets::default();
        assert!(matches!(
            none.mask(None).apply("token budget"),
            Cow::Borrowed(_)
        ));
        assert_eq!(Secrets::new([String::new()]), Secrets::default());
    }

    #[test]
    fn url_token_parameters() {
        assert_eq!(
            shaped("https://x.callgoose.com/v1/process?from=Tigera&token=abc123&x=1"),
            "https://x.callgoose.com/v1/process?from=Tigera&token=***&x=1"
        );
        assert_eq!(
            shaped("?Token=ABC \"access_token=q\""),
            "?Token=*** \"access_token=***\""
        );
        // Escaped JSON text: the backslash of `\"` ends the value.
        assert_eq!(
            shaped(r#"{\"u\":\"?token=abc\"}"#),
            r#"{\"u\":\"?token=***\"}"#
        );
        assert_eq!(shaped("token= x"), "token= x");
    }

    #[test]
    fn bearer_credentials_but_not_ring_bearers() {
        assert_eq!(
            shaped("Authorization: Bearer eyJhbGci.x-y_z end"),
            "Authorization: Bearer *** end"
        );
        assert_eq!(
            shaped("\"authorization\": \"bearer t0k\""),
            "\"authorization\": \"bearer ***\""
        );
        assert_eq!(
            shaped("Authorization: Bearer abc"),
            "Authorization: Bearer ***"
        );
        assert_eq!(
            shaped("authorization: BeArEr z9y8x7"),
            "authorization: BeArEr ***"
        );
        assert_eq!(shaped("the ring bearer service"), "the ring bearer service");
        assert_eq!(shaped("bearer bonds"), "bearer bonds");
        assert_eq!(shaped("firebearer 1234"), "firebearer 1234");
    }

    #[test]
    fn json_token_fields_plain_or_escaped() {
        assert_eq!(
            shaped(r#"{"token": "abc", "n": 1}"#),
            r#"{"token": "***", "n": 1}"#
        );
        assert_eq!(
            shaped(r#"{"d":"{\"api_token\":\"abc\"}"}"#),
            r#"{"d":"{\"api_token\":\"***\"}"}"#
        );
        // An escaped quote inside the value does not end it.
        assert_eq!(
            shaped(r#"{"token":"a\"b","x":1}"#),
            r#"{"token":"***","x":1}"#
        );
        assert_eq!(
            shaped(r#"{\"token\":\"a\\\"b\",\"x\":1}"#),
            r#"{\"token\":\"***\",\"x\":1}"#
        );
        // Twice escaped.
        assert_eq!(
            shaped(r#"\\\"token\\\":\\\"v\\\""#),
            r#"\\\"token\\\":\\\"***\\\""#
        );
        assert_eq!(
            shaped(r#"{"tokens": 5, "tokenizer": "bpe", "token": 7}"#),
            r#"{"tokens": 5, "tokenizer": "bpe", "token": 7}"#
        );
        // Unterminated: hidden to the end of this value, and only of this value.
        assert_eq!(shaped(r#"say "token":"oops"#), r#"say "token":"***"#);
    }

    #[test]
    fn the_words_that_introduce_shapes_are_found_in_any_case() {
        assert_eq!(shaped("?ToKeN=abc"), "?ToKeN=***");
        assert_eq!(shaped(r#"{"Api_TOKEN": "abc"}"#), r#"{"Api_TOKEN": "***"}"#);
    }

    #[test]
    fn hidden_parts_say_what_they_were_and_map_offsets() {
        let secrets = Secrets::new(["s3cr3t-42".to_string()]);
        let mask = secrets.mask(None);
        let text = "ab s3cr3t-42 cd";
        let hidden = mask.hidden(text);
        assert_eq!(hidden.first(), Some(Kind::Known));
        assert_eq!(hidden.apply(text), "ab *** cd");
        // "cd" moves left by the difference; "ab" stays; a range inside the secret covers the mask.
        assert_eq!(hidden.map(13..15), 7..9);
        assert_eq!(hidden.map(0..2), 0..2);
        assert_eq!(hidden.map(5..7), 3..6);
        assert_eq!(hidden.starting_at(3), Some(3..12));
        assert_eq!(Mask::SHAPES.hidden("Bearer x1").first(), Some(Kind::Bearer));
    }

    #[test]
    fn a_secret_is_never_formatted() {
        let secret = Secret::new("s3cr3t-42");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(Secret(***))");
        assert_eq!(secret.expose(), "s3cr3t-42");
    }
}
