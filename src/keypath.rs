//! Payload key paths: how a filter's "payload JSON key" finds a value in a body.
//!
//! Callgoose documents only flat keys. Real payloads nest, so a key is read as a path: `labels.namespace`,
//! `alerts.0.labels.alertname` or `alerts[0].labels.alertname`. A literal key that itself contains dots
//! (`app.kubernetes.io/name`) wins over the nested reading, at the top level and at every level below.
//! A name in double quotes is exactly one object key, whatever it holds: `labels."app.kubernetes.io/name"`,
//! `["a.b"]`, `"labels.namespace"` (only the literal key), `labels."namespace"` (only the nested one);
//! inside the quotes `\"` is a quote and `\\` a backslash. A key whose quotes are not well formed is read
//! as before, quotes and all, so that every string is still a valid key.
//!
//! Under `nested_keys = false` ([`KeyPath::top_level`]) a key names one top-level key and nothing below:
//! the key as written, or the name of a key that is one quoted name (`"a.b"` reads the key `a.b`); a
//! quoted path through several names reads nothing, since it can only mean a nested value.
//!
//! This module owns the key and its lookups; reading a key as written is `parse`'s, following the
//! segments in a value `walk`'s, and spelling a found path as a key `spell`'s.

mod parse;
mod spell;
mod walk;

pub use spell::{quoted, spell, spell_exact, spell_name};
pub use walk::Node;

use parse::{parse_plain, parse_quoted};
use serde_json::Value;
use std::fmt;
use walk::{find, join_names, names_at, walk_all};

/// A parsed payload key, ready to look up in any number of payloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath {
    raw: String,
    segments: Vec<Segment>,
    /// Whether a quoted name was written: then the key as written is never itself a payload key.
    quoted: bool,
    /// The top-level keys a lookup may start with, in the order they are tried, each with how many
    /// segments it consumes: the literal key first, then the longest run of names down to the first.
    first_steps: Vec<(String, usize)>,
    /// Whether the key reaches below the top level (`nested_keys`).
    nested: bool,
}

/// One step of a path as written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `name` between dots: an object key, or an array index when it is all digits. Adjacent names
    /// may also be one literal dotted key.
    Name(String),
    /// `[N]`: an array index only.
    Index(usize),
    /// `"name"` or `["name"]`: exactly this object key.
    Quoted(String),
}

/// One step a lookup followed in a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object key (a literal dotted key is one step).
    Key(String),
    /// An array index.
    Index(usize),
}

impl fmt::Display for Step {
    /// The key, or the index in digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Key(key) => f.write_str(key),
            Step::Index(i) => write!(f, "{i}"),
        }
    }
}

/// How a key reads in one payload when it can be read more than one way: the reading used, and the
/// first other one that also finds a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Readings<'v> {
    /// The reading a lookup uses.
    pub used: (&'v Value, Vec<Step>),
    /// Another reading of the same key that finds a value, if there is one.
    pub other: Option<(&'v Value, Vec<Step>)>,
}

impl KeyPath {
    /// Parses a key as written in a filter file. Every string is a valid key: text that is not a well
    /// formed bracket index or quoted name stays part of the name.
    pub fn parse(raw: &str) -> KeyPath {
        let quoted = raw.contains('"').then(|| parse_quoted(raw)).flatten();
        let is_quoted = quoted.is_some();
        let segments = quoted.unwrap_or_else(|| parse_plain(raw));
        let mut first_steps = Vec::new();
        if !is_quoted {
            first_steps.push((raw.to_owned(), segments.len()));
        }
        match segments.first() {
            Some(Segment::Quoted(name)) => first_steps.push((name.clone(), 1)),
            _ => first_steps.extend(
                (1..=names_at(&segments))
                    .rev()
                    .map(|take| (join_names(&segments[..take]), take)),
            ),
        }
        KeyPath {
            raw: raw.to_owned(),
            segments,
            quoted: is_quoted,
            first_steps,
            nested: true,
        }
    }

    /// This key read as one top-level key (`nested_keys = false`), or as a path again.
    pub fn read_as(&self, nested: bool) -> KeyPath {
        let mut key = KeyPath::parse(&self.raw);
        if !nested {
            key.first_steps = key
                .top_level_name()
                .map(|name| (name.to_owned(), key.segments.len()))
                .into_iter()
                .collect();
            key.nested = false;
        }
        key
    }

    /// Whether the key reaches into objects and arrays, or names one top-level key only.
    pub fn is_nested(&self) -> bool {
        self.nested
    }

    /// The top-level key this key names when keys do not nest: the key as written, or the name of a
    /// key that is one quoted name; `None` for a quoted path through several names.
    pub fn top_level_name(&self) -> Option<&str> {
        match self.segments.as_slice() {
            _ if !self.quoted => Some(&self.raw),
            [Segment::Quoted(name)] => Some(name),
            _ => None,
        }
    }

    /// The top-level keys a lookup may start with, in the order they are tried, each with how many of
    /// the path's segments it consumes. What a lazily read payload must keep of its top level.
    pub fn first_steps(&self) -> &[(String, usize)] {
        &self.first_steps
    }

    /// Follows the rest of the path in `value`, the value of a first step that consumed `consumed`
    /// segments.
    pub fn lookup_rest<N: Node>(&self, value: N, consumed: usize) -> Option<N> {
        find(value, self.segments.get(consumed..)?)
    }

    /// Whether the path is done after a first step that consumed `consumed` segments.
    pub fn is_complete(&self, consumed: usize) -> bool {
        consumed >= self.segments.len()
    }

    /// The key exactly as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether the key has a double quote that is not read as quoting (quotes not well formed): the
    /// quote is then part of a name, which is rarely what was meant.
    pub fn has_stray_quote(&self) -> bool {
        !self.quoted && self.raw.contains('"')
    }

    /// Whether `other` reads the same path, however each is spelled (`a."b"` and `a["b"]` do). Only
    /// quoted keys can be spelled two ways: a plain one is also looked up as written.
    pub fn reads_as(&self, other: &KeyPath) -> bool {
        match (self.nested, other.nested) {
            (true, true) => {
                self.segments == other.segments && (self.quoted || self.raw == other.raw)
            }
            (false, false) => {
                self.top_level_name().is_some() && self.top_level_name() == other.top_level_name()
            }
            _ => false,
        }
    }

    /// The last name of the path, unquoted (`alertname` for `alerts[0].labels.alertname`).
    pub fn last_name(&self) -> &str {
        self.segments
            .iter()
            .rev()
            .find_map(|s| match s {
                Segment::Name(name) | Segment::Quoted(name) => Some(name.as_str()),
                Segment::Index(_) => None,
            })
            .unwrap_or("")
    }

    /// Finds the value this key names in `payload`, or `None` when the key is absent.
    pub fn lookup<'v>(&self, payload: &'v Value) -> Option<&'v Value> {
        if !self.nested {
            return payload.as_object()?.get(self.top_level_name()?);
        }
        if let (false, Value::Object(map)) = (self.quoted, payload)
            && let Some(value) = map.get(&self.raw)
        {
            return Some(value);
        }
        find(payload, &self.segments)
    }

    /// Finds the value and says where: the object keys and array indexes followed, in order.
    pub fn locate<'v>(&self, payload: &'v Value) -> Option<(&'v Value, Vec<Step>)> {
        let mut found = self.readings_up_to(payload, 1);
        (!found.is_empty()).then(|| found.swap_remove(0))
    }

    /// The reading used and, when the key can be read another way in this payload (a literal dotted
    /// key and a nested path both exist), the first other reading that finds a value.
    pub fn readings<'v>(&self, payload: &'v Value) -> Option<Readings<'v>> {
        let mut found = self.readings_up_to(payload, 2).into_iter();
        Some(Readings {
            used: found.next()?,
            other: found.next(),
        })
    }

    /// Up to `limit` readings that find a value, in the order a lookup tries them.
    fn readings_up_to<'v>(&self, payload: &'v Value, limit: usize) -> Vec<(&'v Value, Vec<Step>)> {
        let mut out = Vec::new();
        if !self.nested {
            out.extend(self.lookup(payload).map(|value| {
                let name = self.top_level_name().unwrap_or_default();
                (value, vec![Step::Key(name.to_owned())])
            }));
            return out;
        }
        if let (false, Value::Object(map)) = (self.quoted, payload)
            && let Some(value) = map.get(&self.raw)
        {
            out.push((value, vec![Step::Key(self.raw.clone())]));
        }
        walk_all(payload, &self.segments, &mut Vec::new(), &mut out, limit);
        out
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
pub(crate) mod tests;
