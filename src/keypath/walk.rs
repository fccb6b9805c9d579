//! Following a parsed path in a JSON value, parsed or not ([`Node`]): at an object the longest run of
//! names that is one literal dotted key first, then shorter runs; the one value a lookup finds, or
//! every reading with the steps it took.

use super::parse::parse_index;
use super::{Segment, Step};
use serde_json::Value;

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

/// How many names lead `segments`: the run that may be one literal dotted key.
pub(super) fn names_at(segments: &[Segment]) -> usize {
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
pub(super) fn find<N: Node>(value: N, segments: &[Segment]) -> Option<N> {
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
pub(super) fn walk_all<'v>(
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

pub(super) fn join_names(segments: &[Segment]) -> String {
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
