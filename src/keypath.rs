//! Payload key paths: how a filter's "payload JSON key" finds a value in a body.
//!
//! Callgoose documents only flat keys. Real payloads nest, so a key is read as a path: `labels.namespace`,
//! `alerts.0.labels.alertname` or `alerts[0].labels.alertname`. A literal key that itself contains dots
//! (`app.kubernetes.io/name`) wins over the nested reading, at the top level and at every level below.

use serde_json::Value;
use std::fmt;

/// A parsed payload key, ready to look up in any number of payloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath {
    raw: String,
    segments: Vec<Segment>,
    /// The top-level keys a lookup may start with, in the order they are tried, each with how many
    /// segments it consumes: the literal key first, then the longest run of names down to the first.
    first_steps: Vec<(String, usize)>,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `name` between dots: an object key, or an array index when it is all digits.
    Name(String),
    /// `[N]`: an array index only.
    Index(usize),
}

impl KeyPath {
    /// Parses a key as written in a filter file. Every string is a valid key: text that is not a well
    /// formed bracket index stays part of the name.
    pub fn parse(raw: &str) -> KeyPath {
        let mut segments = Vec::new();
        for part in raw.split('.') {
            let (name, indexes) = split_brackets(part);
            segments.push(Segment::Name(name.to_owned()));
            segments.extend(indexes.into_iter().map(Segment::Index));
        }
        let names = segments
            .iter()
            .take_while(|s| matches!(s, Segment::Name(_)))
            .count();
        let mut first_steps = vec![(raw.to_owned(), segments.len())];
        first_steps.extend(
            (1..=names)
                .rev()
                .map(|take| (join_names(&segments[..take]), take)),
        );
        KeyPath {
            raw: raw.to_owned(),
            segments,
            first_steps,
        }
    }

    /// The top-level keys a lookup may start with, in the order they are tried, each with how many of
    /// the path's segments it consumes. What a lazily read payload must keep of its top level.
    pub fn first_steps(&self) -> &[(String, usize)] {
        &self.first_steps
    }

    /// Follows the rest of the path in `value`, the value of a first step that consumed `consumed`
    /// segments: a parsed value, or any other [`Node`] (a lazily read body's text, say).
    pub fn lookup_rest<N: Node>(&self, value: N, consumed: usize) -> Option<N> {
        walk(value, self.segments.get(consumed..)?, &mut Vec::new())
    }

    /// Whether the path is done after a first step that consumed `consumed` segments.
    pub fn is_complete(&self, consumed: usize) -> bool {
        consumed >= self.segments.len()
    }

    /// The key exactly as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Finds the value this key names in `payload`, or `None` when the key is absent.
    pub fn lookup<'v>(&self, payload: &'v Value) -> Option<&'v Value> {
        self.locate(payload).map(|(value, _)| value)
    }

    /// Finds the value and says where: the object keys and array indexes followed, in order (a literal
    /// dotted key is one step).
    pub fn locate<'v>(&self, payload: &'v Value) -> Option<(&'v Value, Vec<String>)> {
        if let Value::Object(map) = payload {
            if let Some(value) = map.get(&self.raw) {
                return Some((value, vec![self.raw.clone()]));
            }
        }
        let mut steps = Vec::new();
        let value = walk(payload, &self.segments, &mut steps)?;
        let mut rest = &self.segments[..];
        let path = steps
            .iter()
            .map(|&take| {
                let (step, tail) = rest.split_at(take);
                rest = tail;
                match step {
                    [Segment::Index(i)] => i.to_string(),
                    names => join_names(names),
                }
            })
            .collect();
        Some((value, path))
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

/// Follows `segments` from `value`, recording in `steps` how many segments each step consumed. At an
/// object, the longest run of names that exists as one literal dotted key is tried first, then shorter
/// runs, so `a.b.c` finds `{"a.b": {"c": 1}}` as well as `{"a": {"b": {"c": 1}}}`.
fn walk<N: Node>(value: N, segments: &[Segment], steps: &mut Vec<usize>) -> Option<N> {
    let Some(first) = segments.first() else {
        return Some(value);
    };
    let child = |child: Option<N>, take: usize, steps: &mut Vec<usize>| {
        let child = child?;
        steps.push(take);
        let found = walk(child, &segments[take..], steps);
        if found.is_none() {
            steps.pop();
        }
        found
    };
    match first {
        Segment::Name(_) if value.is_object() => {
            let names = segments
                .iter()
                .take_while(|s| matches!(s, Segment::Name(_)))
                .count();
            (1..=names)
                .rev()
                .find_map(|take| child(value.member(&join_names(&segments[..take])), take, steps))
        }
        Segment::Name(name) if value.is_array() => {
            child(parse_index(name).and_then(|i| value.element(i)), 1, steps)
        }
        Segment::Index(index) if value.is_array() => child(value.element(*index), 1, steps),
        _ => None,
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
        let at = |key: &str| KeyPath::parse(key).locate(&p).map(|(_, path)| path);
        assert_eq!(
            at("alerts[0].labels.x.y"),
            Some(vec![
                "alerts".into(),
                "0".into(),
                "labels.x".into(),
                "y".into()
            ])
        );
        assert_eq!(at("a.b"), Some(vec!["a.b".into()]));
        assert_eq!(at("alerts.1"), None);
    }

    #[test]
    fn scalars_have_no_children() {
        assert_eq!(get("status.code", &json!({"status": "firing"})), None);
        assert_eq!(get("status", &json!("status")), None);
    }
}
