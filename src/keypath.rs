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

use serde_json::Value;
use std::fmt;

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

/// A JSON value a path can be followed in, parsed or not: [`walk`] decides the steps, the node only
/// answers them.
pub trait Node: Copy {
    /// Whether the value is an object.
    fn is_object(self) -> bool;
    /// Whether the value is an array.
    fn is_array(self) -> bool;
    /// The member `key` of an object (its last value, when the key repeats).
    fn member(self, key: &str) -> Option<Self>;
    /// The element at `index` of an array.
    fn element(self, index: usize) -> Option<Self>;
}

impl Node for &Value {
    fn is_object(self) -> bool {
        Value::is_object(self)
    }

    fn is_array(self) -> bool {
        Value::is_array(self)
    }

    fn member(self, key: &str) -> Option<Self> {
        self.as_object()?.get(key)
    }

    fn element(self, index: usize) -> Option<Self> {
        self.as_array()?.get(index)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// A path as a key would spell it, quoting only names that need it: `alerts.0.labels."app.kubernetes.io/name"`.
/// Unquoted names may still be read another way where a literal dotted key exists; see [`spell_exact`].
pub fn spell(steps: &[Step]) -> String {
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match step {
            Step::Key(key) if needs_quotes(key) => out.push_str(&quoted(key)),
            step => out.push_str(&step.to_string()),
        }
    }
    out
}

/// A path as a key that reads exactly it and nothing else: every name quoted, every index in
/// brackets (`"alerts"[0]."labels"`).
pub fn spell_exact(steps: &[Step]) -> String {
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Key(key) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&quoted(key));
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Whether a name must be quoted to be read as one key: it holds a character of the path syntax, or
/// is empty.
fn needs_quotes(key: &str) -> bool {
    key.is_empty() || key.contains(['.', '[', ']', '"'])
}

/// `text` in double quotes, with its quotes and backslashes escaped: how a key quotes a name, and how
/// a trace shows a string or an item, so that one holding quotes reads unambiguously (`say "hi"` is
/// `"say \"hi\""`).
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The reading of a key without (well formed) quotes: names between dots, each with its `[N]` indexes.
fn parse_plain(raw: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    for part in raw.split('.') {
        let (name, indexes) = split_brackets(part);
        segments.push(Segment::Name(name.to_owned()));
        segments.extend(indexes.into_iter().map(Segment::Index));
    }
    segments
}

/// The reading of a key with quoted names, or `None` when its quotes or brackets are not well formed.
/// Bare names between the quoted ones are read as in [`parse_plain`], except that they cannot hold a
/// quote or a bracket.
fn parse_quoted(raw: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut rest = raw;
    // Whether a name may start here: at the start and after a dot, not after a name or a bracket.
    let mut name_allowed = true;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if name_allowed && !segments.is_empty() {
                return None; // a bracket right after a dot: `a.[0]`
            }
            let (segment, tail) = match after.strip_prefix('"') {
                Some(quoted) => {
                    let (name, tail) = unquote(quoted)?;
                    (Segment::Quoted(name), tail)
                }
                None => {
                    let (digits, tail) = after.split_once(']')?;
                    (Segment::Index(parse_index(digits)?), tail)
                }
            };
            rest = match segment {
                Segment::Quoted(_) => tail.strip_prefix(']')?,
                _ => tail,
            };
            segments.push(segment);
            name_allowed = false;
        } else if let Some(after) = rest.strip_prefix('.') {
            if name_allowed {
                return None; // an empty name: `a..b`, `.a`
            }
            rest = after;
            name_allowed = true;
            if rest.is_empty() {
                return None; // a trailing dot
            }
        } else if !name_allowed {
            return None; // text right after a closing quote or bracket
        } else if let Some(after) = rest.strip_prefix('"') {
            let (name, tail) = unquote(after)?;
            segments.push(Segment::Quoted(name));
            rest = tail;
            name_allowed = false;
        } else {
            let end = rest.find(['.', '[', ']', '"']).unwrap_or(rest.len());
            if rest[end..].starts_with(['"', ']']) {
                return None;
            }
            segments.push(Segment::Name(rest[..end].to_owned()));
            rest = &rest[end..];
            name_allowed = false;
        }
    }
    Some(segments)
}

/// The name of a quoted string whose opening quote is already read, and the text after its closing
/// quote: `\"` is a quote, `\\` a backslash, any other backslash itself.
fn unquote(text: &str) -> Option<(String, &str)> {
    let mut name = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((name, &text[at + 1..])),
            '\\' => match text[at + 1..].chars().next() {
                Some(escaped @ ('"' | '\\')) => {
                    name.push(escaped);
                    chars.next();
                }
                _ => name.push('\\'),
            },
            c => name.push(c),
        }
    }
    None
}

/// Splits `alerts[0][1]` into `alerts` and `[0, 1]`. A part whose brackets are not all well formed
/// indexes is kept whole as a name, so that a literal key such as `a[b]` can still be matched.
fn split_brackets(part: &str) -> (&str, Vec<usize>) {
    let Some(open) = part.find('[') else {
        return (part, Vec::new());
    };
    let (name, mut rest) = part.split_at(open);
    let mut indexes = Vec::new();
    while !rest.is_empty() {
        let parsed = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .and_then(|(digits, tail)| Some((parse_index(digits)?, tail)));
        match parsed {
            Some((index, tail)) => {
                indexes.push(index);
                rest = tail;
            }
            None => return (part, Vec::new()),
        }
    }
    (name, indexes)
}

fn parse_index(digits: &str) -> Option<usize> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// How many names lead `segments`: the run that may be one literal dotted key.
fn names_at(segments: &[Segment]) -> usize {
    segments
        .iter()
        .take_while(|s| matches!(s, Segment::Name(_)))
        .count()
}

/// The object key that the first `take` names of `segments` make, joined by dots; borrowed for one
/// name, so that the ordinary lookup of a plain name does not allocate.
fn key_of(segments: &[Segment], take: usize) -> std::borrow::Cow<'_, str> {
    match &segments[..take] {
        [Segment::Name(name)] => std::borrow::Cow::Borrowed(name),
        names => std::borrow::Cow::Owned(join_names(names)),
    }
}

/// Follows `segments` from `value`. At an object, the longest run of names that exists as one literal
/// dotted key is tried first, then shorter runs, so `a.b.c` finds `{"a.b": {"c": 1}}` as well as
/// `{"a": {"b": {"c": 1}}}`.
fn find<N: Node>(value: N, segments: &[Segment]) -> Option<N> {
    let Some(first) = segments.first() else {
        return Some(value);
    };
    match first {
        Segment::Name(_) if value.is_object() => (1..=names_at(segments)).rev().find_map(|take| {
            find(
                value.member(key_of(segments, take).as_ref())?,
                &segments[take..],
            )
        }),
        Segment::Quoted(key) if value.is_object() => find(value.member(key)?, &segments[1..]),
        Segment::Name(name) if value.is_array() => {
            find(value.element(parse_index(name)?)?, &segments[1..])
        }
        Segment::Index(index) if value.is_array() => find(value.element(*index)?, &segments[1..]),
        _ => None,
    }
}

/// [`find`], collecting every reading that finds a value, with its steps, until `out` holds `limit`.
fn walk_all<'v>(
    value: &'v Value,
    segments: &[Segment],
    steps: &mut Vec<Step>,
    out: &mut Vec<(&'v Value, Vec<Step>)>,
    limit: usize,
) {
    if out.len() >= limit {
        return;
    }
    let Some(first) = segments.first() else {
        if !out.iter().any(|(_, seen)| seen == steps) {
            out.push((value, steps.clone()));
        }
        return;
    };
    let mut child = |child: Option<&'v Value>, step: Step, take: usize| {
        if let Some(child) = child {
            steps.push(step);
            walk_all(child, &segments[take..], steps, out, limit);
            steps.pop();
        }
    };
    match (value, first) {
        (Value::Object(map), Segment::Name(_)) => {
            for take in (1..=names_at(segments)).rev() {
                let key = key_of(segments, take);
                child(map.get(key.as_ref()), Step::Key(key.into_owned()), take);
            }
        }
        (Value::Object(map), Segment::Quoted(key)) => {
            child(map.get(key), Step::Key(key.clone()), 1);
        }
        (Value::Array(items), Segment::Name(name)) => {
            if let Some(i) = parse_index(name) {
                child(items.get(i), Step::Index(i), 1);
            }
        }
        (Value::Array(items), Segment::Index(i)) => child(items.get(*i), Step::Index(*i), 1),
        _ => {}
    }
}

fn join_names(segments: &[Segment]) -> String {
    let mut key = String::new();
    for (i, segment) in segments.iter().enumerate() {
        if let Segment::Name(name) = segment {
            if i > 0 {
                key.push('.');
            }
            key.push_str(name);
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get(key: &str, payload: &Value) -> Option<Value> {
        KeyPath::parse(key).lookup(payload).cloned()
    }

    #[test]
    fn flat_key() {
        assert_eq!(
            get("status", &json!({"status": "firing"})),
            Some(json!("firing"))
        );
    }

    #[test]
    fn missing_key_is_none() {
        assert_eq!(get("state", &json!({"status": "firing"})), None);
    }

    #[test]
    fn keys_are_case_sensitive() {
        assert_eq!(get("eventid", &json!({"eventId": "e1"})), None);
    }

    #[test]
    fn dot_path_into_objects() {
        let p = json!({"labels": {"namespace": "production"}});
        assert_eq!(get("labels.namespace", &p), Some(json!("production")));
    }

    #[test]
    fn numeric_segment_indexes_arrays() {
        let p = json!({"alerts": [{"labels": {"alertname": "A"}}, {"labels": {"alertname": "B"}}]});
        assert_eq!(get("alerts.1.labels.alertname", &p), Some(json!("B")));
        assert_eq!(get("alerts[0].labels.alertname", &p), Some(json!("A")));
        assert_eq!(get("alerts[2].labels.alertname", &p), None);
    }

    #[test]
    fn nested_arrays_by_brackets() {
        let p = json!({"m": [[1, 2], [3, 4]]});
        assert_eq!(get("m[1][0]", &p), Some(json!(3)));
        assert_eq!(get("m.1.0", &p), Some(json!(3)));
    }

    #[test]
    fn top_level_dotted_key_is_matched_first() {
        let p = json!({"labels.namespace": "literal", "labels": {"namespace": "nested"}});
        assert_eq!(get("labels.namespace", &p), Some(json!("literal")));
    }

    #[test]
    fn dotted_key_below_the_top_level() {
        let p = json!({"labels": {"app.kubernetes.io/name": "checkout"}});
        assert_eq!(
            get("labels.app.kubernetes.io/name", &p),
            Some(json!("checkout"))
        );
    }

    #[test]
    fn falls_back_to_shorter_names_when_the_longer_literal_leads_nowhere() {
        let p = json!({"a.b": {"x": 1}, "a": {"b": {"c": 2}}});
        assert_eq!(get("a.b.c", &p), Some(json!(2)));
    }

    #[test]
    fn bracket_index_does_not_read_object_keys() {
        assert_eq!(get("m[0]", &json!({"m": {"0": "x"}})), None);
        assert_eq!(get("m.0", &json!({"m": {"0": "x"}})), Some(json!("x")));
    }

    #[test]
    fn malformed_brackets_stay_part_of_the_name() {
        assert_eq!(get("a[x]", &json!({"a[x]": 1})), Some(json!(1)));
        assert_eq!(get("b.a[x]", &json!({"b": {"a[x]": 1}})), Some(json!(1)));
    }

    #[test]
    fn locate_says_where_the_value_was_found() {
        let p = json!({"alerts": [{"labels.x": {"y": 1}}], "a.b": 2});
        let at = |key: &str| {
            KeyPath::parse(key)
                .locate(&p)
                .map(|(_, path)| path.iter().map(ToString::to_string).collect::<Vec<_>>())
        };
        assert_eq!(
            at("alerts[0].labels.x.y"),
            Some(vec![
                "alerts".to_owned(),
                "0".to_owned(),
                "labels.x".to_owned(),
                "y".to_owned()
            ])
        );
        assert_eq!(at("a.b"), Some(vec!["a.b".to_owned()]));
        assert_eq!(at("alerts.1"), None);
    }

    #[test]
    fn scalars_have_no_children() {
        assert_eq!(get("status.code", &json!({"status": "firing"})), None);
        assert_eq!(get("status", &json!("status")), None);
    }

    #[test]
    fn a_quoted_name_is_one_key_whatever_it_holds() {
        let p = json!({"labels": {"app.kubernetes.io/name": "checkout", "a[0]": 1, "x\"y": 2}});
        assert_eq!(
            get(r#"labels."app.kubernetes.io/name""#, &p),
            Some(json!("checkout"))
        );
        assert_eq!(
            get(r#"labels["app.kubernetes.io/name"]"#, &p),
            Some(json!("checkout"))
        );
        assert_eq!(get(r#"labels."a[0]""#, &p), Some(json!(1)));
        assert_eq!(get(r#"labels."x\"y""#, &p), Some(json!(2)));
        assert_eq!(get(r#"["labels"]["a[0]"]"#, &p), Some(json!(1)));
        assert_eq!(get(r#""labels".missing"#, &p), None);
    }

    #[test]
    fn quotes_choose_between_a_literal_dotted_key_and_a_nested_path() {
        let p = json!({"labels.namespace": "literal", "labels": {"namespace": "nested"}});
        assert_eq!(get("labels.namespace", &p), Some(json!("literal")));
        assert_eq!(get(r#""labels.namespace""#, &p), Some(json!("literal")));
        assert_eq!(get(r#"labels."namespace""#, &p), Some(json!("nested")));
        assert_eq!(get(r#""labels"."namespace""#, &p), Some(json!("nested")));
        assert_eq!(get(r#"labels["namespace"]"#, &p), Some(json!("nested")));
        // Quoted, the literal key is never split at its dots.
        let nested_only = json!({"labels": {"namespace": "nested"}});
        assert_eq!(get(r#""labels.namespace""#, &nested_only), None);
    }

    #[test]
    fn a_quoted_name_reads_object_keys_only() {
        let p = json!({"alerts": [{"s": 1}], "m": {"0": "x"}});
        assert_eq!(get(r#"alerts."0".s"#, &p), None);
        assert_eq!(get(r#"alerts[0]."s""#, &p), Some(json!(1)));
        assert_eq!(get(r#"m."0""#, &p), Some(json!("x")));
    }

    #[test]
    fn quotes_that_are_not_well_formed_stay_part_of_the_name() {
        for key in [
            r#"a"b"#,
            r#"labels."open"#,
            r#""a"b"#,
            r#"a.."b""#,
            r#"a.["b"]"#,
            r#"["a""#,
            r#"x."y"."#,
        ] {
            let p = json!({ key: 1 });
            assert_eq!(get(key, &p), Some(json!(1)), "{key}");
        }
        // Not well formed, a quote is an ordinary character of a name below the top level too.
        assert_eq!(get(r#"a.b"c"#, &json!({"a": {"b\"c": 1}})), Some(json!(1)));
    }

    #[test]
    fn a_quoted_key_is_never_matched_as_written() {
        let p = json!({r#""a""#: "as written", "a": "unquoted"});
        assert_eq!(get(r#""a""#, &p), Some(json!("unquoted")));
    }

    #[test]
    fn backslashes_escape_only_quotes_and_backslashes() {
        let p = json!({"a\\b": 1, "c\\": 2, "d\\e": 3});
        assert_eq!(get(r#""a\\b""#, &p), Some(json!(1)));
        assert_eq!(get(r#""c\\""#, &p), Some(json!(2)));
        assert_eq!(get(r#""d\e""#, &p), Some(json!(3)));
    }

    #[test]
    fn first_steps_of_quoted_keys_are_their_names() {
        let steps = |key: &str| KeyPath::parse(key).first_steps().to_vec();
        assert_eq!(steps(r#""a.b".c"#), [("a.b".to_owned(), 1)]);
        assert_eq!(steps(r#"labels."x""#), [("labels".to_owned(), 1)]);
        assert_eq!(
            steps("a.b"),
            [
                ("a.b".to_owned(), 2),
                ("a.b".to_owned(), 2),
                ("a".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn both_readings_are_found_and_the_first_is_the_one_used() {
        let p = json!({"a.b": {"c": 1}, "a": {"b": {"c": 2}}});
        let key = KeyPath::parse("a.b.c");
        let r = key.readings(&p).unwrap();
        assert_eq!(r.used.0, &json!(1));
        assert_eq!(spell_exact(&r.used.1), r#""a.b"."c""#);
        let (value, path) = r.other.unwrap();
        assert_eq!(value, &json!(2));
        assert_eq!(spell_exact(&path), r#""a"."b"."c""#);
        assert_eq!(key.lookup(&p), Some(r.used.0));
        // One reading: no other.
        let nested = json!({"a": {"b": {"c": 2}}});
        assert_eq!(key.readings(&nested).unwrap().other, None);
    }

    #[test]
    fn spelled_paths_read_back_what_they_name() {
        let p = json!({"alerts": [{"labels": {"app.kubernetes.io/name": "x", "q\"": "y"}}]});
        let key = KeyPath::parse(r#"alerts[0].labels."app.kubernetes.io/name""#);
        let (_, path) = key.locate(&p).unwrap();
        assert_eq!(spell(&path), r#"alerts.0.labels."app.kubernetes.io/name""#);
        assert_eq!(
            spell_exact(&path),
            r#""alerts"[0]."labels"."app.kubernetes.io/name""#
        );
        for spelled in [spell(&path), spell_exact(&path)] {
            assert_eq!(get(&spelled, &p), Some(json!("x")), "{spelled}");
        }
        let quote = vec![
            Step::Key("alerts".into()),
            Step::Index(0),
            Step::Key("labels".into()),
            Step::Key("q\"".into()),
        ];
        assert_eq!(spell(&quote), r#"alerts.0.labels."q\"""#);
        assert_eq!(get(&spell(&quote), &p), Some(json!("y")));
    }

    #[test]
    fn the_last_name_is_unquoted() {
        assert_eq!(
            KeyPath::parse("alerts[0].labels.alertname").last_name(),
            "alertname"
        );
        assert_eq!(
            KeyPath::parse(r#"labels."app.kubernetes.io/name""#).last_name(),
            "app.kubernetes.io/name"
        );
    }

    #[test]
    fn spellings_of_one_path_read_alike() {
        let reads_as = |a: &str, b: &str| KeyPath::parse(a).reads_as(&KeyPath::parse(b));
        assert!(reads_as(r#"a."b.c""#, r#"a["b.c"]"#));
        assert!(reads_as("a.b", "a.b"));
        assert!(!reads_as("a.b", r#""a"."b""#));
        assert!(!reads_as("a.b", "a.c"));
    }

    #[test]
    fn stray_quotes_are_noticed() {
        assert!(KeyPath::parse(r#"labels."open"#).has_stray_quote());
        assert!(!KeyPath::parse(r#"labels."a.b""#).has_stray_quote());
        assert!(!KeyPath::parse("labels.a").has_stray_quote());
    }

    #[test]
    fn without_nesting_a_key_names_one_top_level_key() {
        let flat = |key: &str, payload: &Value| {
            KeyPath::parse(key).read_as(false).lookup(payload).cloned()
        };
        let p =
            json!({"labels": {"namespace": "nested"}, "alerts": [{"x": 1}], "status": "firing"});
        assert_eq!(flat("status", &p), Some(json!("firing")));
        assert_eq!(flat("labels.namespace", &p), None);
        assert_eq!(flat("alerts.0.x", &p), None);
        assert_eq!(flat("alerts[0].x", &p), None);
        let literal =
            json!({"labels.namespace": "literal", "alerts[0].x": 2, "labels": {"namespace": "n"}});
        assert_eq!(flat("labels.namespace", &literal), Some(json!("literal")));
        assert_eq!(flat("alerts[0].x", &literal), Some(json!(2)));
        // One quoted name is that key; a quoted path of several names can only mean a nested value.
        assert_eq!(
            flat(r#""labels.namespace""#, &literal),
            Some(json!("literal"))
        );
        assert_eq!(flat(r#"labels."namespace""#, &literal), None);
        assert_eq!(
            KeyPath::parse(r#"labels."namespace""#)
                .read_as(false)
                .top_level_name(),
            None
        );
        // And back: the path reads as before.
        let again = KeyPath::parse("labels.namespace")
            .read_as(false)
            .read_as(true);
        assert_eq!(again, KeyPath::parse("labels.namespace"));
        assert_eq!(again.lookup(&p), Some(&json!("nested")));
    }

    #[test]
    fn without_nesting_every_read_agrees_and_starts_from_the_one_name() {
        let p = json!({"labels.ns": "literal", "labels": {"ns": "nested"}});
        let key = KeyPath::parse("labels.ns").read_as(false);
        assert!(!key.is_nested());
        assert_eq!(key.first_steps(), [("labels.ns".to_owned(), 2)]);
        assert!(key.is_complete(2));
        let r = key.readings(&p).unwrap();
        assert_eq!((r.used.0, r.other), (&json!("literal"), None));
        assert_eq!(key.locate(&p).unwrap().1, [Step::Key("labels.ns".into())]);
        assert_eq!(lazily(&key, &p), Some(json!("literal")));
        assert!(key.reads_as(&KeyPath::parse(r#""labels.ns""#).read_as(false)));
        assert!(!key.reads_as(&KeyPath::parse("labels.ns")));
    }

    /// A payload whose keys are made of path syntax.
    fn tricky() -> Value {
        json!({
            "a": {"b": [{"a.b": 1, "\"": 2}, 3], "a\\": {"]": 4}},
            "a.b": {"0": 5, "a[0]": 6},
            "\"a\"": 7, "a[0]": 8, "": {"": 9}, "0": [10]
        })
    }

    /// What a lazy read does: a top-level value by its first step, then the rest of the path in it.
    fn lazily(key: &KeyPath, payload: &Value) -> Option<Value> {
        let map = payload.as_object()?;
        key.first_steps().iter().find_map(|(first, consumed)| {
            let value = map.get(first)?;
            if key.is_complete(*consumed) {
                Some(value.clone())
            } else {
                key.lookup_rest(value, *consumed).cloned()
            }
        })
    }

    /// Every path in `value`, with the value it leads to.
    fn paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
        let children: Vec<(Step, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Step::Index(i), v))
                .collect(),
            _ => Vec::new(),
        };
        for (step, child) in children {
            at.push(step);
            out.push((at.clone(), child.clone()));
            paths(child, at, out);
            at.pop();
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        #[test]
        fn every_read_of_any_key_agrees(key in "[ab0.\\[\\]\"\\\\]{0,12}") {
            let p = tricky();
            let k = KeyPath::parse(&key);
            let found = k.lookup(&p);
            proptest::prop_assert_eq!(found, k.locate(&p).map(|(v, _)| v));
            proptest::prop_assert_eq!(found, k.readings(&p).map(|r| r.used.0));
            proptest::prop_assert_eq!(found.cloned(), lazily(&k, &p));
            let flat = k.read_as(false);
            let top = flat.lookup(&p);
            proptest::prop_assert_eq!(top, flat.locate(&p).map(|(v, _)| v));
            proptest::prop_assert_eq!(top.cloned(), lazily(&flat, &p));
            proptest::prop_assert_eq!(top, flat.top_level_name().and_then(|n| p.get(n)));
        }
    }

    #[test]
    fn exact_spellings_read_back_every_path() {
        let p = tricky();
        let mut all = Vec::new();
        paths(&p, &mut Vec::new(), &mut all);
        for (path, value) in all {
            let exact = spell_exact(&path);
            assert_eq!(get(&exact, &p), Some(value.clone()), "{exact}");
            assert_eq!(lazily(&KeyPath::parse(&exact), &p), Some(value), "{exact}");
        }
    }
}
