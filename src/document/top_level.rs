//! The lazy top-level read: [`KeySet`], the top-level keys that filters can reach, and [`LazyDoc`], a
//! body validated in full by one pass of serde_json that keeps only the byte ranges of those keys'
//! values. It also recognises envelopes ([`ENVELOPE_KEYS`]) while it validates, and leaves to a full
//! parse what is not an object, or what serde_json reads as something else.

use crate::filter::Service;
use crate::keypath::KeyPath;
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

// The list lives with the lazy reader, not in `envelope`, and `envelope` takes it from here: the reader
// recognises envelopes (and keeps their keys) while it validates a body, below the payloads that
// `envelope` opens, so the reader cannot import `envelope` without a cycle.
/// The keys an envelope may have.
pub const ENVELOPE_KEYS: [&str; 7] = [
    "received_at",
    "from",
    "token",
    "content_type",
    "body",
    "url",
    "headers",
];

/// The top-level keys worth keeping for a set of services: every first step of every key they read,
/// and the envelope keys (so that envelopes are still recognised).
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: HashSet<String>,
}

impl KeySet {
    /// The keys `services` read, plus `extra` keys (a time key, say).
    pub fn of<'a>(services: &[Service], extra: impl IntoIterator<Item = &'a KeyPath>) -> KeySet {
        let mut keys = HashSet::new();
        let mut add = |k: &KeyPath| keys.extend(k.first_steps().iter().map(|(s, _)| s.clone()));
        for service in services {
            for f in &service.filters {
                let t = &f.trigger;
                t.conditions.iter().for_each(|c| add(&c.key));
                t.title_from
                    .iter()
                    .chain(&t.description_from)
                    .chain(&t.map_with)
                    .for_each(&mut add);
                if let Some(r) = &f.resolve {
                    add(&r.condition.key);
                    add(&r.mapped_with);
                }
            }
        }
        extra.into_iter().for_each(add);
        keys.extend(ENVELOPE_KEYS.iter().map(|k| (*k).to_owned()));
        KeySet { keys }
    }
}

/// A JSON object read lazily: its text is the payload's raw text, kept elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LazyDoc {
    /// The kept top-level keys and the byte ranges of their values in the raw text; a repeated key
    /// keeps its last value, as a full parse does.
    fields: Vec<(String, Range<usize>)>,
    /// Whether the object has keys that are not envelope keys.
    other_keys: bool,
}

impl LazyDoc {
    /// Validates `raw` as JSON in full and keeps the ranges of the values under `keys`. `Ok(None)`: the
    /// body is valid JSON but not an object, for a full parse to take.
    pub fn parse(raw: &[u8], keys: &KeySet) -> Result<Option<LazyDoc>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(raw);
        let visitor = TopLevel { raw, keys };
        let doc = de.deserialize_any(visitor)?;
        de.end()?;
        Ok(doc)
    }

    /// Whether this object is an envelope by the detection rule.
    pub fn looks_like_envelope(&self) -> bool {
        !self.other_keys && self.fields.iter().any(|(k, _)| k == "body")
    }

    /// The text, in `raw` (this document's text), of the kept top-level value of `key`.
    pub(super) fn field<'r>(&self, raw: &'r str, key: &str) -> Option<&'r str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, r)| raw.get(r.clone()))
    }
}

/// The key under which serde_json's `arbitrary_precision` passes a number as a map (not public API;
/// the regression tests below fail if it changes).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct TopLevel<'r> {
    raw: &'r [u8],
    keys: &'r KeySet,
}

impl<'de> Visitor<'de> for TopLevel<'de> {
    type Value = Option<LazyDoc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut doc = LazyDoc {
            fields: Vec::new(),
            other_keys: false,
        };
        let mut first = true;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            // serde_json hands a number it keeps as text (too big, or with an exponent) to visitors as a
            // map with one private key, and a full parse reads any object whose first key is that one
            // as a number: leave both to the full parse, so that both reads agree.
            if std::mem::take(&mut first) && key == NUMBER_TOKEN {
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(None);
            }
            if !ENVELOPE_KEYS.contains(&key.as_ref()) {
                doc.other_keys = true;
            }
            if !self.keys.keys.contains(key.as_ref()) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            let start = value.get().as_ptr() as usize - self.raw.as_ptr() as usize;
            let range = start..start + value.get().len();
            match doc.fields.iter_mut().find(|(k, _)| k == key.as_ref()) {
                Some(existing) => existing.1 = range,
                None => doc.fields.push((key.into_owned(), range)),
            }
        }
        Ok(Some(doc))
    }

    // Anything but an object is left to a full parse: validate it and say so.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn keys(paths: &[&str]) -> KeySet {
        let paths: Vec<KeyPath> = paths.iter().map(|p| KeyPath::parse(p)).collect();
        KeySet::of(&[], paths.iter())
    }

    #[test]
    fn only_reachable_values_are_kept() {
        let set = keys(&["labels.namespace"]);
        let doc = LazyDoc::parse(br#"{"labels": {"namespace": "p"}, "big": [1, 2, 3]}"#, &set)
            .unwrap()
            .unwrap();
        let kept: Vec<&str> = doc.fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kept, ["labels"]);
    }

    #[test]
    fn invalid_json_is_refused_like_a_full_parse() {
        let set = keys(&["a"]);
        for bad in [
            r#"{"a": 1,}"#,
            r#"{"skipped": [1, }"#,
            r#"{"a": 1} x"#,
            r#"{"a": "\q"}"#,
        ] {
            let lazy = LazyDoc::parse(bad.as_bytes(), &set).unwrap_err();
            let full = serde_json::from_str::<Value>(bad).unwrap_err();
            assert_eq!(
                (lazy.line(), lazy.column()),
                (full.line(), full.column()),
                "{bad}"
            );
        }
    }

    #[test]
    fn other_shapes_are_left_to_a_full_parse() {
        let set = keys(&["a"]);
        // Found by fuzzing: big numbers and exponents reach a visitor as a map, and a full parse reads an
        // object led by serde_json's number key as a number.
        let number = format!("{{\"{NUMBER_TOKEN}\": \"5\", \"a\": 1}}");
        for other in [
            "[1, 2]",
            "\"text\"",
            "3",
            "null",
            "true",
            "88888888888888888888888888888888",
            "-1.5e300",
            "2E-7",
            &number,
        ] {
            assert_eq!(
                LazyDoc::parse(other.as_bytes(), &set).unwrap(),
                None,
                "{other}"
            );
        }
    }

    #[test]
    fn serde_json_still_reads_its_number_key_as_a_number() {
        let full = serde_json::from_str::<Value>(&format!("{{\"{NUMBER_TOKEN}\": \"5\"}}"));
        assert!(full.unwrap().is_number());
    }

    #[test]
    fn envelopes_are_still_recognised() {
        let set = keys(&[]);
        let env = LazyDoc::parse(br#"{"body": {"a": 1}, "token": "t"}"#, &set)
            .unwrap()
            .unwrap();
        assert!(env.looks_like_envelope());
        let body = LazyDoc::parse(br#"{"body": 1, "status": "x"}"#, &set)
            .unwrap()
            .unwrap();
        assert!(!body.looks_like_envelope());
    }
}
