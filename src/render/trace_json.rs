//! The `trace` of `check --format json --explain`: per filter, each part's verdict and conditions, each
//! condition's key, where it was found, its value, its items and hints.

use crate::explain::{ConditionTrace, Found, PartTrace, Trace};
use serde::Serialize;

/// One filter's trace.
#[derive(Serialize)]
pub struct FilterJson<'a> {
    filter: &'a str,
    position: usize,
    trigger: PartJson<'a>,
    resolve: Option<PartJson<'a>>,
}

#[derive(Serialize)]
struct PartJson<'a> {
    /// `used`, `shadowed` or `missed`.
    verdict: &'static str,
    conditions: Vec<ConditionJson<'a>>,
    /// The incident's keys that read two ways, when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keys: Vec<KeyJson<'a>>,
}

#[derive(Serialize)]
struct KeyJson<'a> {
    field: &'static str,
    key: &'a str,
    found: FoundJson<'a>,
}

#[derive(Serialize)]
struct ConditionJson<'a> {
    key: &'a str,
    found: Option<FoundJson<'a>>,
    holds: bool,
    items: Vec<ItemJson<'a>>,
    hints: Vec<String>,
}

#[derive(Serialize)]
struct FoundJson<'a> {
    path: Vec<String>,
    /// The text compared; `null` for a JSON null.
    value: Option<&'a str>,
    kind: &'static str,
    /// Another reading of the key that finds a value here, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    other: Option<Box<FoundJson<'a>>>,
    /// Which reading was used and why, with `other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    item: &'a str,
    contained: bool,
    /// Byte offsets of the first occurrence in the value, when contained.
    at: Option<[usize; 2]>,
}

/// The JSON form of a trace.
pub fn filters(trace: &Trace) -> Vec<FilterJson<'_>> {
    trace
        .filters
        .iter()
        .map(|f| FilterJson {
            filter: &f.filter.name,
            position: f.filter.position,
            trigger: part(&f.trigger),
            resolve: f.resolve.as_ref().map(part),
        })
        .collect()
}

fn part(p: &PartTrace) -> PartJson<'_> {
    PartJson {
        verdict: p.verdict.word(),
        conditions: p.conditions.iter().map(condition).collect(),
        keys: p
            .keys
            .iter()
            .map(|k| KeyJson {
                field: k.field,
                key: &k.key,
                found: FoundJson {
                    note: k.found.reading_note(&k.key),
                    ..found(&k.found)
                },
            })
            .collect(),
    }
}

fn condition(c: &ConditionTrace) -> ConditionJson<'_> {
    ConditionJson {
        key: &c.key,
        found: c.found.as_ref().map(|f| FoundJson {
            note: f.reading_note(&c.key),
            ..found(f)
        }),
        holds: c.holds,
        items: c
            .items
            .iter()
            .map(|i| ItemJson {
                item: &i.item,
                contained: i.at.is_some(),
                at: i.at.as_ref().map(|r| [r.start, r.end]),
            })
            .collect(),
        hints: c.hints.iter().map(ToString::to_string).collect(),
    }
}

fn found(f: &Found) -> FoundJson<'_> {
    FoundJson {
        path: f.path.iter().map(ToString::to_string).collect(),
        value: (f.kind != "null").then_some(f.text.as_str()),
        kind: f.kind,
        other: f.other.as_deref().map(|o| Box::new(found(o))),
        note: None,
    }
}
