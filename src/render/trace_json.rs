//! The `trace` of `check --format json --explain`: per filter, each part's verdict and conditions, each
//! condition's key, where it was found, its value, its items and hints.

use crate::explain::{ConditionTrace, PartTrace, Trace};
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
    path: &'a [String],
    value: &'a str,
    kind: &'static str,
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
    }
}

fn condition(c: &ConditionTrace) -> ConditionJson<'_> {
    ConditionJson {
        key: &c.key,
        found: c.found.as_ref().map(|f| FoundJson {
            path: &f.path,
            value: &f.text,
            kind: f.kind,
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
