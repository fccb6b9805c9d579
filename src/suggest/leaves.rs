//! The keys a sample offers: every scalar value reachable by a key Callgoose can be given, with the
//! text a condition compares. Each nested path is read back through [`KeyPath`] before it is offered,
//! so a key `suggest` proposes finds exactly the value it was chosen for.

use crate::json_text::text_of;
use crate::keypath::KeyPath;
use serde_json::Value;

/// How deep into objects and arrays keys are looked for: deeper than any alert body needs.
const DEPTH: usize = 6;
/// Array elements looked at: the first few alerts of a group are enough to tell a shape.
const ELEMENTS: usize = 3;
/// Keys looked at per sample: enough for any real alert, bounded for a hostile one.
const MAX_LEAVES: usize = 4000;

/// One key of a sample and its value's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// The key as a filter file would say it: `status`, `labels.severity`, `alerts.0.status`.
    pub key: String,
    /// The text a condition compares, a title or mapping key would show.
    pub text: String,
    /// Whether the value is a JSON string (not a number or boolean).
    pub is_string: bool,
    /// Whether the key reaches into an object or array.
    pub nested: bool,
}

/// The scalar keys of `sample`, top-level ones first, each read back through the key it is offered
/// as; with `nested` off, top-level keys only.
pub fn leaves(sample: &Value, nested: bool) -> Vec<Leaf> {
    let mut found = Vec::new();
    if let Value::Object(map) = sample {
        for (name, value) in map {
            push(&mut found, name.clone(), value, false);
        }
        if nested {
            for (name, value) in map {
                if is_plain(name) {
                    descend(&mut found, name, value, 1);
                }
            }
        }
    }
    found.retain(|leaf| reads_back(sample, leaf, nested));
    found
}

fn descend(found: &mut Vec<Leaf>, path: &str, value: &Value, depth: usize) {
    if depth > DEPTH || found.len() >= MAX_LEAVES {
        return;
    }
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| is_plain(k))
            .map(|(k, v)| (format!("{path}.{k}"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .take(ELEMENTS)
            .enumerate()
            .map(|(i, v)| (format!("{path}.{i}"), v))
            .collect(),
        _ => return,
    };
    for (key, child) in &children {
        push(found, key.clone(), child, true);
    }
    for (key, child) in children {
        descend(found, &key, child, depth + 1);
    }
}

fn push(found: &mut Vec<Leaf>, key: String, value: &Value, nested: bool) {
    if found.len() >= MAX_LEAVES {
        return;
    }
    if matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
        found.push(Leaf {
            key,
            text: text_of(value).into_owned(),
            is_string: value.is_string(),
            nested,
        });
    }
}

/// A name that reads as itself in a dot path: no dots, brackets or quotes, not empty.
fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['.', '[', ']', '"', '\''])
        && !name.starts_with(char::is_whitespace)
        && !name.ends_with(char::is_whitespace)
}

/// Whether the key, read as Callgoose reads it, finds this very value.
fn reads_back(sample: &Value, leaf: &Leaf, nested: bool) -> bool {
    let key = KeyPath::parse(&leaf.key).read_as(nested);
    key.lookup(sample).map(text_of).as_deref() == Some(leaf.text.as_str())
}

/// The last name of a key, lower case: `startsAt` of `alerts.0.startsAt`.
pub fn last_name(key: &str) -> String {
    key.rsplit('.')
        .find(|part| !part.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or(key)
        .to_lowercase()
}

/// Whether a key and its value read as a point in time: never a mapping key, which must stay the same
/// over an alert's life and differ between alerts (a start time does neither reliably).
pub fn is_timestamp(key: &str, text: &str) -> bool {
    let name = last_name(key);
    let named = ["time", "date", "timestamp"]
        .iter()
        .any(|w| name.contains(w))
        && !name.contains("zone")
        || name.ends_with("_at")
        || (name.ends_with("at") && key.rsplit('.').next().is_some_and(|n| n.ends_with("At")));
    named || looks_like_a_time(text)
}

/// ISO 8601 dates and times, and Unix times in seconds or milliseconds of this century.
fn looks_like_a_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let iso = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10);
    let epoch = text.chars().all(|c| c.is_ascii_digit())
        && matches!(text.len(), 10 | 13)
        && text.starts_with(['1', '2']);
    iso || epoch
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn top_level_keys_come_first_and_nested_ones_read_back() {
        let v = json!({"status": "firing", "alerts": [{"labels": {"alertname": "CPU"}}], "a.b": 1, "n": null});
        let keys: Vec<String> = leaves(&v, true).into_iter().map(|l| l.key).collect();
        assert_eq!(keys, ["status", "a.b", "alerts.0.labels.alertname"]);
        let keys: Vec<String> = leaves(&v, false).into_iter().map(|l| l.key).collect();
        assert_eq!(keys, ["status", "a.b"]);
    }

    #[test]
    fn times_are_recognised_by_name_and_by_value() {
        assert!(is_timestamp("alerts.0.startsAt", "x"));
        assert!(is_timestamp("occurred_at", "x"));
        assert!(is_timestamp("id", "2026-12-06T10:00:00Z"));
        assert!(is_timestamp("id", "1765015200"));
        assert!(!is_timestamp("groupKey", "{}:{alertname=\"CPU\"}"));
        assert!(!is_timestamp("format", "x"));
        assert!(!is_timestamp("id", "12345"));
    }
}
