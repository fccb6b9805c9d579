//! Looking keys up in a lazily read body: [`LazyRef`], the [`Document`] of a [`LazyDoc`] and its text,
//! and [`RawNode`], which follows a key path through a valid JSON value's text without parsing it,
//! parsing only the value the key names.

use super::{Document, LazyDoc};
use crate::json_text::{parse_json, parse_json_str, text_of};
use crate::keypath::{KeyPath, Node};
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// A lazily read object together with its text: what lookups run on.
pub struct LazyRef<'a> {
    /// The kept ranges.
    pub doc: &'a LazyDoc,
    /// The body's text.
    pub raw: &'a str,
}

impl<'a> LazyRef<'a> {
    /// Finds the value `key` names: `whole` gets a top-level value's raw text, `within` a value found
    /// inside one.
    fn find<R>(
        &self,
        key: &KeyPath,
        whole: impl FnOnce(&'a str) -> R,
        within: impl FnOnce(&Value) -> R,
    ) -> Option<R> {
        for (first, consumed) in key.first_steps() {
            let Some(value) = self.doc.field(self.raw, first) else {
                continue;
            };
            if key.is_complete(*consumed) {
                return Some(whole(value));
            }
            let unreadable = Cell::new(false);
            let node = RawNode {
                text: value,
                unreadable: &unreadable,
            };
            let found = key.lookup_rest(node, *consumed);
            if unreadable.get() {
                // What the text alone cannot answer as a full parse would, a full parse of the value
                // answers.
                let parsed: Value = parse_json(value.as_bytes()).ok()?;
                if let Some(found) = key.lookup_rest(&parsed, *consumed) {
                    return Some(within(found));
                }
            } else if let Some(found) = found {
                return Some(whole(found.text));
            }
        }
        None
    }
}

impl Document for LazyRef<'_> {
    fn text(&self, key: &KeyPath) -> Option<Cow<'_, str>> {
        self.find(key, raw_text, |found| {
            Cow::Owned(text_of(found).into_owned())
        })
    }

    fn is_null(&self, key: &KeyPath) -> bool {
        self.find(key, |raw| raw == "null", Value::is_null)
            .unwrap_or(false)
    }
}

/// A valid JSON value's text, followed by a key path without parsing it: each step scans one object
/// or array, skipping what it does not need.
#[derive(Clone, Copy)]
pub(super) struct RawNode<'t, 'c> {
    pub(super) text: &'t str,
    /// Set when a step met what only a full parse reads right: a key with a lone surrogate, or an
    /// object serde_json reads as something else.
    pub(super) unreadable: &'c Cell<bool>,
}

impl<'t> RawNode<'t, '_> {
    fn answer(self, found: serde_json::Result<Option<&'t RawValue>>) -> Option<Self> {
        match found {
            Ok(found) => found.map(|value| RawNode {
                text: value.get(),
                ..self
            }),
            Err(_) => {
                self.unreadable.set(true);
                None
            }
        }
    }
}

impl Node for RawNode<'_, '_> {
    fn is_object(self) -> bool {
        self.text.starts_with('{')
    }

    fn is_array(self) -> bool {
        self.text.starts_with('[')
    }

    fn member(self, key: &str) -> Option<Self> {
        let mut de = serde_json::Deserializer::from_str(self.text);
        self.answer(de.deserialize_map(Member { key }))
    }

    fn element(self, index: usize) -> Option<Self> {
        let mut de = serde_json::Deserializer::from_str(self.text);
        self.answer(de.deserialize_seq(Element { index }))
    }
}

/// The last value of one key of an object.
struct Member<'k> {
    key: &'k str,
}

impl<'de> Visitor<'de> for Member<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut first = true;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            // serde_json reads an object led by one of its private keys as something else.
            if std::mem::take(&mut first) && key.starts_with(PRIVATE_KEYS) {
                return Err(serde::de::Error::custom("a serde_json private key"));
            }
            if key == self.key {
                found = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// One element of an array.
struct Element {
    index: usize,
}

impl<'de> Visitor<'de> for Element {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        for _ in 0..self.index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(None);
            }
        }
        let found = seq.next_element()?;
        // The rest is validated already; a scan need not read it.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(found)
    }
}

/// The text of a raw JSON value: a string without its quotes and escapes, anything else as a full
/// parse would show it.
fn raw_text(raw: &str) -> Cow<'_, str> {
    if raw.starts_with('"')
        && let Some(text) = parse_json_str(raw)
    {
        return text;
    }
    match parse_json::<Value>(raw.as_bytes()) {
        Ok(value) => Cow::Owned(text_of(&value).into_owned()),
        Err(_) => Cow::Borrowed(raw),
    }
}

/// How serde_json's private keys start (its number's, `$serde_json::private::Number`, and
/// `raw_value`'s).
pub(super) const PRIVATE_KEYS: &str = "$serde_json::private::";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::KeySet;

    /// A key's text, and whether its value is null.
    type Read = (Option<String>, bool);

    /// Every key's read, lazily and in full, for comparison.
    fn both(raw: &str, paths: &[&str]) -> Vec<(Read, Read)> {
        let paths: Vec<KeyPath> = paths.iter().map(|p| KeyPath::parse(p)).collect();
        let set = KeySet::of(&[], paths.iter());
        let doc = LazyDoc::parse(raw.as_bytes(), &set).unwrap().unwrap();
        let lazy = LazyRef { doc: &doc, raw };
        let full: Value = parse_json(raw.as_bytes()).unwrap();
        let read = |d: &dyn Document, p: &KeyPath| (d.text(p).map(Cow::into_owned), d.is_null(p));
        paths
            .iter()
            .map(|p| (read(&lazy, p), read(&full, p)))
            .collect()
    }

    #[test]
    fn lazy_and_full_reads_agree() {
        let raw = r#"{"status": "fir\u0069ng", "n": 1.50, "b": true, "o": {"z": [1, {"y": "x"}], "a.b": 2},
            "labels.ns": "literal", "labels": {"ns": "nested"}, "alerts": [{"labels": {"name": "A"}}],
            "dup": 1, "dup": "last", "e": "", "nul": null, "big": 123456789012345678901234567890,
            "snul": "null", "deep": {"nul": null, "snul": "null"}, "q\"k": 7, "a.b": {"c": 1}, "a": {"b": {"c": 2}},
            "p": {"x": {"$serde_json::private::Number": "5"}, "n": {"\u0024serde_json::private::Number": "6"}},
            "s": {"\udc00k": 1, "k": {"a": "\ud83d"}}, "d": {"k": 1, "k": {"z": [3, {"w": 4}]}},
            "arr": [1, [2, {"a.b": {"c": 5}}]], "esc": {"k\"ey": {"t\u0041b": "x"}}}"#;
        let paths = [
            "status",
            "n",
            "b",
            "o",
            "o.z",
            "o.z.1.y",
            "o.a.b",
            "labels.ns",
            "alerts[0].labels.name",
            "alerts.0.labels",
            "dup",
            "e",
            "nul",
            "snul",
            "deep.nul",
            "deep.snul",
            r#""labels.ns""#,
            r#"labels."ns""#,
            r#"labels["ns"]"#,
            r#""labels"."ns""#,
            r#"o."a.b""#,
            r#"o.z[1]."y""#,
            r#""q\"k""#,
            r#"["a.b"].c"#,
            r#""a"."b".c"#,
            "a.b.c",
            r#""missing""#,
            "big",
            "missing",
            "o.missing",
            "p.x",
            "p.x.y",
            "p.n",
            "s.k.a",
            "s.k",
            "d.k.z.1.w",
            "d.k.z",
            "arr.5",
            "arr.x",
            "arr.1.1.a.b.c",
            "arr[1][1].a.b",
            "o.0",
            "esc.k\"ey.tAb",
        ];
        let mut nulls = Vec::new();
        let mut texts = Vec::new();
        for (i, (lazy, full)) in both(raw, &paths).into_iter().enumerate() {
            assert_eq!(lazy, full, "{}", paths[i]);
            texts.push(lazy.0);
            if lazy.1 {
                nulls.push(paths[i]);
            }
        }
        assert_eq!(nulls, ["nul", "deep.nul"]);
        // The quoted keys, in order: each reads what its quotes say.
        let start = paths.iter().position(|p| *p == r#""labels.ns""#).unwrap();
        let quoted = &texts[start..start + 11];
        let text = |t: &str| Some(t.to_owned());
        assert_eq!(
            quoted,
            [
                text("literal"),
                text("nested"),
                text("nested"),
                text("nested"),
                text("2"),
                text("x"),
                text("7"),
                text("1"),
                text("2"),
                text("1"),
                None
            ]
        );
    }
}
