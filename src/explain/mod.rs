//! Why a filter did or did not fire: the evaluation retraced filter by filter, condition by condition,
//! item by item, with where each key was found, which filter won and which were shadowed, and the
//! near-miss hints (`hint`) that turn a bare "did not match" into the fix. Pure, like `eval`. Which
//! readings would change an outcome is `fragility`'s.

mod fragility;
mod hint;

pub use fragility::{Flipped, Fragility, describe, fragility, fragility_among};
pub use hint::Hint;

use crate::document::{Document, NoKeys};
use crate::eval::rule::Match;
use crate::filter::{Condition, Service};
use crate::json_text::text_of;
use crate::keypath::{KeyPath, Step, quoted, spell_exact};
use crate::outcome::FilterRef;
use crate::payload::Payload;
use crate::semantics::Semantics;
use serde_json::Value;

/// The whole evaluation of one request for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// Every filter, in order.
    pub filters: Vec<FilterTrace>,
}

/// One filter's trigger and resolve parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterTrace {
    /// Which filter.
    pub filter: FilterRef,
    /// Its trigger part.
    pub trigger: PartTrace,
    /// Its resolve part, when switched on.
    pub resolve: Option<PartTrace>,
}

/// One part of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartTrace {
    /// What became of it.
    pub verdict: Verdict,
    /// Its conditions.
    pub conditions: Vec<ConditionTrace>,
    /// When the part is used: the keys it reads into the incident (title, description, mapping
    /// value) that read two ways in this payload. Empty otherwise.
    pub keys: Vec<KeyTrace>,
}

/// A key read into the incident, with the value it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTrace {
    /// `title_from`, `description_from`, `map_with` or `mapped_with`.
    pub field: &'static str,
    /// The key as written.
    pub key: String,
    /// Its value, where it was found, and the other reading.
    pub found: Found,
}

/// What became of a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It held and was the one used.
    Used,
    /// It held, but an earlier filter's part was used: it is shadowed.
    Shadowed,
    /// It did not hold.
    Missed,
}

impl Verdict {
    /// `used`, `shadowed`, `missed`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Used => "used",
            Verdict::Shadowed => "shadowed",
            Verdict::Missed => "missed",
        }
    }
}

/// One condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionTrace {
    /// The key as written.
    pub key: String,
    /// Where the key was found and its value, if it was.
    pub found: Option<Found>,
    /// Each item, contained or not.
    pub items: Vec<ItemTrace>,
    /// Whether the condition holds.
    pub holds: bool,
    /// What is probably wrong, when it does not hold.
    pub hints: Vec<Hint>,
}

/// A key's value, where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The steps followed (object keys, array indexes).
    pub path: Vec<Step>,
    /// The value's text, as compared.
    pub text: String,
    /// `string`, `number`, `boolean`, `null`, `object` or `array`.
    pub kind: &'static str,
    /// Another reading of the same key that also finds a value in this payload but is not used: a
    /// literal dotted key and a nested path both exist.
    pub other: Option<Box<Found>>,
}

impl Found {
    fn of(value: &Value, path: Vec<Step>) -> Found {
        Found {
            path,
            text: text_of(value).into_owned(),
            kind: kind_of(value),
            other: None,
        }
    }

    /// The value as the trace shows it, cut to `chars` characters: a string quoted (see [`quoted`]),
    /// anything else as its JSON text, so that `null` and `"null"` differ.
    pub fn shown(&self, chars: usize) -> String {
        let text: String = self.text.chars().take(chars).collect();
        match self.kind {
            "string" => quoted(&text),
            _ => text,
        }
    }

    /// Which of two readings of `key` was used and why, when the key reads two ways here.
    pub fn reading_note(&self, key: &str) -> Option<String> {
        let other = self.other.as_ref()?;
        let value = other.shown(SHORT_NOTE_VALUE);
        Some(format!(
            "`{key}` fits two keys here; it reads `{}` (a key with dots in its name is tried before a path through its parts), not `{}` = {value}; write the one you mean as shown to choose",
            spell_exact(&self.path),
            spell_exact(&other.path),
        ))
    }
}

/// Characters of the other reading's value in a note.
const SHORT_NOTE_VALUE: usize = 40;

/// One item of a contains list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTrace {
    /// The item.
    pub item: String,
    /// Byte range of its first occurrence in the value's text, when contained.
    pub at: Option<std::ops::Range<usize>>,
}

/// Retraces the evaluation of `payload` for `service`.
pub fn trace(service: &Service, payload: &Payload) -> Trace {
    traced(service, payload, Hints::Every)
}

/// [`trace`] as the near misses of a discard show it: the hints only of the first condition of each
/// part that does not hold, the one shown. Hints search the payload's keys, so the others would cost
/// more than the whole evaluation and never be seen.
pub fn near_misses(service: &Service, payload: &Payload) -> Trace {
    traced(service, payload, Hints::FirstMiss)
}

/// Which conditions that do not hold get their hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hints {
    Every,
    FirstMiss,
}

fn traced(service: &Service, payload: &Payload, hints: Hints) -> Trace {
    let semantics = service.semantics;
    let value = payload.traced_value(service);
    let json = value.as_deref();
    let mut trigger_used = false;
    let mut resolve_used = false;
    // The payload's paths, listed once for every hint that looks a key up among them.
    let paths = hint::Paths::new(json);
    let filters = service
        .filters
        .iter()
        .map(|f| {
            let mut missed = false;
            let conditions: Vec<_> = f
                .trigger
                .conditions
                .iter()
                .map(|c| {
                    let hinted = hints == Hints::Every || !missed;
                    let traced = condition(c, json, semantics, &paths, hinted);
                    missed |= !traced.holds;
                    traced
                })
                .collect();
            let t = &f.trigger;
            let holds = t.holds(semantics.conditions, conditions.iter().map(|c| c.holds));
            let verdict_t = verdict(holds, &mut trigger_used);
            let trigger = PartTrace {
                verdict: verdict_t,
                conditions,
                keys: two_way_keys(
                    verdict_t,
                    [
                        ("title_from", t.title_from.as_ref()),
                        ("description_from", t.description_from.as_ref()),
                        ("map_with", t.map_with.as_ref()),
                    ],
                    json,
                ),
            };
            let resolve = f.resolve.as_ref().map(|r| {
                let c = condition(&r.condition, json, semantics, &paths, true);
                let verdict_r = verdict(c.holds, &mut resolve_used);
                PartTrace {
                    verdict: verdict_r,
                    conditions: vec![c],
                    keys: two_way_keys(verdict_r, [("mapped_with", Some(&r.mapped_with))], json),
                }
            });
            FilterTrace {
                filter: FilterRef::from(f),
                trigger,
                resolve,
            }
        })
        .collect();
    Trace { filters }
}

/// The keys of a used part that read two ways in `json`.
fn two_way_keys<'k>(
    verdict: Verdict,
    keys: impl IntoIterator<Item = (&'static str, Option<&'k KeyPath>)>,
    json: Option<&Value>,
) -> Vec<KeyTrace> {
    let (Verdict::Used, Some(json)) = (verdict, json) else {
        return Vec::new();
    };
    keys.into_iter()
        .filter_map(|(field, key)| {
            let key = key?;
            let readings = key.readings(json)?;
            let (value, path) = readings.other?;
            Some(KeyTrace {
                field,
                key: key.to_string(),
                found: Found {
                    other: Some(Box::new(Found::of(value, path))),
                    ..Found::of(readings.used.0, readings.used.1)
                },
            })
        })
        .collect()
}

fn verdict(holds: bool, used: &mut bool) -> Verdict {
    match (holds, *used) {
        (false, _) => Verdict::Missed,
        (true, true) => Verdict::Shadowed,
        (true, false) => {
            *used = true;
            Verdict::Used
        }
    }
}

/// `c` retraced in `json`: its verdict and where each item occurs come from the rule evaluation
/// decides by ([`Match`]); where the key was found, from the value it names.
fn condition(
    c: &Condition,
    json: Option<&Value>,
    semantics: Semantics,
    paths: &hint::Paths<'_>,
    hinted: bool,
) -> ConditionTrace {
    // A body that is not JSON is read as evaluation reads it: as a document without keys.
    let document: &dyn Document = match json {
        Some(json) => json,
        None => &NoKeys,
    };
    let matched = Match::of(c, document, semantics);
    let found = match json {
        Some(json) if matched.found() => c.key.readings(json).map(|r| Found {
            other: r
                .other
                .map(|(value, path)| Box::new(Found::of(value, path))),
            ..Found::of(r.used.0, r.used.1)
        }),
        _ => None,
    };
    let items: Vec<ItemTrace> = c
        .contains
        .iter()
        .zip(matched.positions())
        .map(|(item, at)| ItemTrace {
            item: item.clone(),
            at,
        })
        .collect();
    let holds = matched.holds();
    let hints = if holds || !hinted {
        Vec::new()
    } else {
        hint::diagnose(c, json, found.as_ref(), &items, semantics, paths)
    };
    ConditionTrace {
        key: c.key.to_string(),
        found,
        items,
        holds,
        hints,
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
    }
}

#[cfg(test)]
mod agreement;
#[cfg(test)]
mod tests;
