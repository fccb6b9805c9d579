//! The `trace` of `check --format json --explain`: per filter, each part's verdict and conditions, each
//! condition's key, where it was found, its value, its items and hints, each masked (see `sanitize`).

use super::sanitize::masked;
use crate::explain::{ConditionTrace, Found, PartTrace, Trace};
use crate::secrets::Mask;
use serde::Serialize;
use std::borrow::Cow;

/// One filter's trace.
#[derive(Serialize)]
pub struct FilterJson<'a> {
    filter: Cow<'a, str>,
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
    key: Cow<'a, str>,
    found: FoundJson<'a>,
}

#[derive(Serialize)]
struct ConditionJson<'a> {
    key: Cow<'a, str>,
    found: Option<FoundJson<'a>>,
    holds: bool,
    items: Vec<ItemJson<'a>>,
    hints: Vec<String>,
}

#[derive(Serialize)]
struct FoundJson<'a> {
    path: Vec<Cow<'a, str>>,
    /// The text compared; `null` for a JSON null.
    value: Option<Cow<'a, str>>,
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
    item: Cow<'a, str>,
    contained: bool,
    /// Byte offsets of the first occurrence in the (masked) value, when contained.
    at: Option<[usize; 2]>,
}

/// The JSON form of a trace, hiding what `mask` hides.
pub fn filters<'a>(trace: &'a Trace, mask: Mask<'_>) -> Vec<FilterJson<'a>> {
    trace
        .filters
        .iter()
        .map(|f| FilterJson {
            filter: masked(&f.filter.name, mask),
            position: f.filter.position,
            trigger: part(&f.trigger, mask),
            resolve: f.resolve.as_ref().map(|r| part(r, mask)),
        })
        .collect()
}

fn part<'a>(p: &'a PartTrace, mask: Mask<'_>) -> PartJson<'a> {
    PartJson {
        verdict: p.verdict.word(),
        conditions: p.conditions.iter().map(|c| condition(c, mask)).collect(),
        keys: p
            .keys
            .iter()
            .map(|k| KeyJson {
                field: k.field,
                key: masked(&k.key, mask),
                found: FoundJson {
                    note: k
                        .found
                        .reading_note(&k.key)
                        .map(|n| masked(&n, mask).into_owned()),
                    ..found(&k.found, mask)
                },
            })
            .collect(),
    }
}

fn condition<'a>(c: &'a ConditionTrace, mask: Mask<'_>) -> ConditionJson<'a> {
    let hidden = c.found.as_ref().map(|f| mask.hidden(&f.text));
    ConditionJson {
        key: masked(&c.key, mask),
        found: c.found.as_ref().map(|f| FoundJson {
            note: f
                .reading_note(&c.key)
                .map(|n| masked(&n, mask).into_owned()),
            value: (f.kind != "null").then(|| {
                hidden
                    .as_ref()
                    .map_or(Cow::Borrowed(""), |h| h.apply(&f.text))
            }),
            ..found(f, mask)
        }),
        holds: c.holds,
        items: c
            .items
            .iter()
            .map(|i| ItemJson {
                item: masked(&i.item, mask),
                contained: i.at.is_some(),
                // Offsets into the value as shown, past the masks before them.
                at: i.at.clone().map(|r| {
                    let r = hidden.as_ref().map_or(r.clone(), |h| h.map(r));
                    [r.start, r.end]
                }),
            })
            .collect(),
        hints: c
            .hints
            .iter()
            .map(|h| masked(&h.to_string(), mask).into_owned())
            .collect(),
    }
}

fn found<'a>(f: &'a Found, mask: Mask<'_>) -> FoundJson<'a> {
    FoundJson {
        path: f
            .path
            .iter()
            .map(|step| Cow::Owned(masked(&step.to_string(), mask).into_owned()))
            .collect(),
        value: (f.kind != "null").then(|| masked(&f.text, mask)),
        kind: f.kind,
        other: f.other.as_deref().map(|o| Box::new(found(o, mask))),
        note: None,
    }
}
