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
//!
//! This module owns the secrets, the rule of where a known one is hidden and what a hidden part was;
//! the hidden parts of a value are `hidden`'s, and the text shaped like a secret `shapes`'.

mod hidden;
mod shapes;

pub use hidden::Hidden;

use memchr::memmem;
use shapes::shapes;
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

#[cfg(test)]
mod tests;
