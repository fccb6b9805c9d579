//! Traced values for near-miss hints: [`LazyDoc::traced_value`] walks a lazily read body's text along
//! the keys a service's conditions read, recording what each step reaches ([`Reach`]), and builds from
//! it a pruned value ([`Pruner`]) that answers retracing exactly as the whole parsed body would,
//! without parsing it whole.

use super::LazyDoc;
use super::lookup::{PRIVATE_KEYS, RawNode};
use crate::filter::Service;
use crate::json_text::parse_json;
use crate::keypath::Node;
use serde::de::{Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::Range;

impl LazyDoc {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::KeySet;

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
}
