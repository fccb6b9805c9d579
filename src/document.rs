//! Reading only what the filters need. A [`LazyDoc`] is a JSON body validated in full but kept as its
//! text, with the byte ranges of just the top-level values that some filter key can reach; a deeper key
//! is followed in the text of the one value it goes through, and only the value it names is parsed, so
//! a lookup holds nothing of a 200 MB `alerts` array. [`Document`] is what evaluation reads, whether the
//! body was parsed whole (`serde_json::Value`) or lazily: both give the same text for every key.

use crate::filter::Service;
use crate::json_text::{parse_json, parse_json_str, text_of};
use crate::keypath::{KeyPath, Node};
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

/// A payload that keys can be looked up in.
pub trait Document {
    /// The text of the value `key` names (see [`text_of`]), or `None` when the key is absent.
    fn text(&self, key: &KeyPath) -> Option<Cow<'_, str>>;

    /// Whether the value `key` names is JSON `null` (whose text is `null`, as is the string's).
    fn is_null(&self, key: &KeyPath) -> bool;
}

impl Document for Value {
    fn text(&self, key: &KeyPath) -> Option<Cow<'_, str>> {
        key.lookup(self).map(text_of)
    }

    fn is_null(&self, key: &KeyPath) -> bool {
        key.lookup(self).is_some_and(Value::is_null)
    }
}

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

/// The document of a body that is not JSON: it has no keys.
#[derive(Debug, Clone, Copy)]
pub struct NoKeys;

impl Document for NoKeys {
    fn text(&self, _: &KeyPath) -> Option<Cow<'_, str>> {
        None
    }

    fn is_null(&self, _: &KeyPath) -> bool {
        false
    }
}

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

    fn field<'r>(&self, raw: &'r str, key: &str) -> Option<&'r str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, r)| raw.get(r.clone()))
    }

    /// The body (`raw`, this document's text) as a value that answers what retracing `service`'s
    /// evaluation asks of it exactly as the whole parsed body would, built without parsing it whole:
    /// the values its condition keys name, whole, the objects and arrays on their way, and the first
    /// [`TRACE_NODES`] values in document order (near-miss hints look at far fewer). An array keeps the
    /// positions of the elements it keeps. `None` when the body is not JSON after all.
    pub fn traced_value(&self, raw: &str, service: &Service) -> Option<Value> {
        let reach = Reach::default();
        let root = Probe {
            raw,
            at: Place::Root(self),
            reach: &reach,
        };
        for key in service.filters.iter().flat_map(|f| {
            let resolve = f.resolve.iter().map(|r| &r.condition.key);
            f.trigger.conditions.iter().map(|c| &c.key).chain(resolve)
        }) {
            // As `KeyPath::locate` looks: the literal key first, then the path.
            let found = root
                .member(key.as_str())
                .or_else(|| key.lookup_rest(root, 0));
            if let Some(found) = found {
                reach.whole.borrow_mut().push(found.range());
            }
        }
        if reach.unreadable.get() {
            return parse_json(raw.as_bytes()).ok();
        }
        let mut pruner = Pruner {
            raw,
            passed: reach.passed.into_inner(),
            whole: reach.whole.into_inner(),
            budget: TRACE_NODES,
        };
        pruner
            .passed
            .sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        Some(pruner.value(raw))
    }
}

/// Values of a big body kept in document order when retracing it, besides those its keys reach.
pub const TRACE_NODES: usize = 100_000;

/// What the walks of some keys through a body's text reached, as byte ranges of the body.
#[derive(Default)]
struct Reach {
    /// Every value a step of a walk arrived at.
    passed: RefCell<Vec<Range<usize>>>,
    /// The values the keys name.
    whole: RefCell<Vec<Range<usize>>>,
    /// A step met what only a full parse reads right.
    unreadable: Cell<bool>,
}

/// Where a probe stands: the top-level object (its kept values located by the lazy read), or a value
/// inside it.
#[derive(Clone, Copy)]
enum Place<'a> {
    Root(&'a LazyDoc),
    Value(&'a str),
}

/// A walk through a body's text that records where it goes.
#[derive(Clone, Copy)]
struct Probe<'a> {
    raw: &'a str,
    at: Place<'a>,
    reach: &'a Reach,
}

impl<'a> Probe<'a> {
    fn range(self) -> Range<usize> {
        match self.at {
            Place::Root(_) => 0..self.raw.len(),
            Place::Value(text) => offset_in(self.raw, text),
        }
    }

    fn arrive(self, text: &'a str) -> Self {
        let probe = Probe {
            at: Place::Value(text),
            ..self
        };
        self.reach.passed.borrow_mut().push(probe.range());
        probe
    }

    fn raw_node(self, text: &'a str) -> RawNode<'a, 'a> {
        RawNode {
            text,
            unreadable: &self.reach.unreadable,
        }
    }
}

impl Node for Probe<'_> {
    fn is_object(self) -> bool {
        match self.at {
            Place::Root(_) => true,
            Place::Value(text) => self.raw_node(text).is_object(),
        }
    }

    fn is_array(self) -> bool {
        match self.at {
            Place::Root(_) => false,
            Place::Value(text) => self.raw_node(text).is_array(),
        }
    }

    fn member(self, key: &str) -> Option<Self> {
        let found = match self.at {
            Place::Root(doc) => doc.field(self.raw, key),
            Place::Value(text) => self.raw_node(text).member(key).map(|n| n.text),
        };
        found.map(|text| self.arrive(text))
    }

    fn element(self, index: usize) -> Option<Self> {
        let Place::Value(text) = self.at else {
            return None;
        };
        let found = self.raw_node(text).element(index)?;
        Some(self.arrive(found.text))
    }
}

/// The byte range of `part`, a slice of `whole`, in `whole`.
fn offset_in(whole: &str, part: &str) -> Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

/// Builds the retraced value of a body from its text and what the walks reached.
struct Pruner<'a> {
    raw: &'a str,
    /// Sorted by start, longest first.
    passed: Vec<Range<usize>>,
    whole: Vec<Range<usize>>,
    /// Values still to keep in document order.
    budget: usize,
}

impl<'a> Pruner<'a> {
    /// The value whose text is `text`: whole when a key names it or it holds no object or array,
    /// else with the members and elements [`Pruner::keeps`] keeps.
    fn value(&mut self, text: &'a str) -> Value {
        let range = offset_in(self.raw, text);
        if !self.whole.contains(&range) && matches!(text.as_bytes().first(), Some(b'{' | b'[')) {
            let mut de = serde_json::Deserializer::from_str(text);
            if let Ok(value) = de.deserialize_any(Prune { pruner: self }) {
                return value;
            }
        }
        // What the pruned build cannot read as a full parse does (a lone surrogate in a key, a
        // serde_json private key), a full parse of that value reads.
        parse_json(text.as_bytes()).unwrap_or(Value::Null)
    }

    /// Whether a member or element with this text is kept: while the document-order budget lasts, or
    /// when a walk passed through it.
    fn keeps(&mut self, text: &str) -> bool {
        if self.budget > 0 {
            self.budget -= 1;
            return true;
        }
        let range = offset_in(self.raw, text);
        let first = self.passed.partition_point(|r| r.start < range.start);
        self.passed.get(first).is_some_and(|r| r.end <= range.end)
    }
}

/// The pruned build of one object or array.
struct Prune<'p, 'a> {
    pruner: &'p mut Pruner<'a>,
}

impl<'a> Visitor<'a> for Prune<'_, 'a> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or an array")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        let mut first = true;
        while let Some(key) = map.next_key::<Cow<'a, str>>()? {
            if std::mem::take(&mut first) && key.starts_with(PRIVATE_KEYS) {
                return Err(serde::de::Error::custom("a serde_json private key"));
            }
            let value: &'a RawValue = map.next_value()?;
            // A repeated key takes its last value, as a full parse does.
            if self.pruner.keeps(value.get()) || object.contains_key(key.as_ref()) {
                let value = self.pruner.value(value.get());
                object.insert(key.into_owned(), value);
            }
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        let mut index = 0;
        while let Some(value) = seq.next_element::<&'a RawValue>()? {
            if self.pruner.keeps(value.get()) {
                // Elements left out before a kept one hold its position.
                items.resize(index, Value::Null);
                items.push(self.pruner.value(value.get()));
            }
            index += 1;
        }
        Ok(Value::Array(items))
    }
}

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
struct RawNode<'t, 'c> {
    text: &'t str,
    /// Set when a step met what only a full parse reads right: a key with a lone surrogate, or an
    /// object serde_json reads as something else.
    unreadable: &'c Cell<bool>,
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

/// The key under which serde_json's `arbitrary_precision` passes a number as a map (not public API;
/// the regression tests below fail if it changes).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// How serde_json's private keys start (the number's above, and `raw_value`'s).
const PRIVATE_KEYS: &str = "$serde_json::private::";

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

    fn keys(paths: &[&str]) -> (KeySet, Vec<KeyPath>) {
        let paths: Vec<KeyPath> = paths.iter().map(|p| KeyPath::parse(p)).collect();
        (KeySet::of(&[], paths.iter()), paths)
    }

    /// A key's text, and whether its value is null.
    type Read = (Option<String>, bool);

    /// Every key's read, lazily and in full, for comparison.
    fn both(raw: &str, paths: &[&str]) -> Vec<(Read, Read)> {
        let (set, paths) = keys(paths);
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

    #[test]
    fn only_reachable_values_are_kept() {
        let (set, _) = keys(&["labels.namespace"]);
        let doc = LazyDoc::parse(br#"{"labels": {"namespace": "p"}, "big": [1, 2, 3]}"#, &set)
            .unwrap()
            .unwrap();
        let kept: Vec<&str> = doc.fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kept, ["labels"]);
    }

    #[test]
    fn invalid_json_is_refused_like_a_full_parse() {
        let (set, _) = keys(&["a"]);
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
        let (set, _) = keys(&["a"]);
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

    /// A body larger than [`crate::payload::WHOLE_TRACE`]: an alert group of 60,000 alerts, one of them
    /// unlike the others, with a repeated key, a literal dotted key and a lone surrogate.
    fn big_group() -> String {
        let alert = |severity: &str| {
            format!(
                r#"{{"status": "firing", "labels": {{"alertname": "DiskFull", "severity": "{severity}", "a.b": {{"c": "x\ud83d"}}}}, "annotations": {{"summary": "disk"}}, "fingerprint": "0123456789abcdef"}}"#
            )
        };
        let alerts: Vec<String> = (0..60_000)
            .map(|i| alert(if i == 54_321 { "warning" } else { "critical" }))
            .collect();
        format!(
            r#"{{"version": "4", "status": "resolved", "dup": 1, "alerts": [{}], "dup": {{"k": "two"}}, "commonLabels": {{"alertname": "DiskFull"}}}}"#,
            alerts.join(", ")
        )
    }

    #[test]
    fn a_big_body_is_retraced_as_its_whole_parse_would_be() {
        use crate::payload::{Json, Payload};
        let raw = big_group();
        assert!(raw.len() > crate::payload::WHOLE_TRACE);
        let service = crate::filter::parse_service(
            std::path::Path::new("big.toml"),
            r#"
            [[filter]]
            name = "late alert"
            urgency = "high"
            [filter.trigger]
            conditions = [
              { key = "alerts.54321.labels.severity", contains = ["critical"] },
              { key = "alerts[0].labels.a.b.c", contains = ["x"] },
            ]
            title_from = "commonLabels.alertname"
            [filter.resolve]
            conditions = [{ key = "dup.k", contains = ["two"] }]
            mapped_with = "dup"

            [[filter]]
            name = "misspelt"
            urgency = "low"
            [filter.trigger]
            conditions = [{ key = "sevrity", contains = ["critical"] }, { key = "alerts.70000", contains = ["x"] }]
            title_from = "commonLabels.alertname"
            "#,
            crate::semantics::SemanticsLayer::default(),
        )
        .unwrap();
        let keys = KeySet::of(std::slice::from_ref(&service), std::iter::empty());
        let doc = LazyDoc::parse(raw.as_bytes(), &keys).unwrap().unwrap();
        let pruned = doc.traced_value(&raw, &service).unwrap();
        let lazy = Payload {
            raw: raw.clone(),
            json: Ok(Json::Lazy(doc)),
        };
        let full = Payload::json(raw.clone(), parse_json(raw.as_bytes()).unwrap());
        assert_eq!(
            crate::explain::trace(&service, &lazy),
            crate::explain::trace(&service, &full)
        );
        // Far fewer values than the whole: the alerts a walk passed, and the first in document order.
        let kept = pruned["alerts"].as_array().unwrap();
        assert_eq!(kept.len(), 54_322);
        assert!(kept[20_000].is_null() && kept[54_321].is_object());
        assert_eq!(pruned["dup"], serde_json::json!({"k": "two"}));
    }

    #[test]
    fn envelopes_are_still_recognised() {
        let (set, _) = keys(&[]);
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
