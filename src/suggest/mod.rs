//! `suggest`: a filter file proposed from sample payloads. Pure: samples in, a [`Proposal`] out, each
//! choice with its reason and the alternatives; `write` turns it into a commented filter file.
//!
//! The state key and its items come from `states`, the mapping key, title and description from
//! `fields`, the keys a sample offers from `leaves`. Keys are chosen so that a firing sample fires,
//! a resolved one resolves and an item never sits inside the other state's value.

mod fields;
mod leaves;
mod states;
#[cfg(test)]
mod tests;
pub mod write;

pub use states::{State, StateKey, quote};

use leaves::Leaf;
use serde_json::Value;
use std::collections::HashMap;

/// One sample payload.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Its name in comments and messages: the file it came from.
    pub label: String,
    leaves: Vec<Leaf>,
    /// Each key's position in `leaves`: every choice looks keys up in every sample.
    by_key: HashMap<String, usize>,
}

impl Sample {
    /// The sample `value` (a JSON object), named `label`, with the keys Callgoose can read from it;
    /// `nested` off, top-level keys only.
    pub fn new(label: impl Into<String>, value: &Value, nested: bool) -> Sample {
        let leaves = leaves::leaves(value, nested);
        let mut by_key = HashMap::with_capacity(leaves.len());
        for (i, leaf) in leaves.iter().enumerate() {
            by_key.entry(leaf.key.clone()).or_insert(i);
        }
        Sample {
            label: label.into(),
            leaves,
            by_key,
        }
    }

    fn leaf(&self, key: &str) -> Option<&Leaf> {
        self.by_key.get(key).map(|&i| &self.leaves[i])
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.leaf(key).map(|l| l.text.as_str())
    }
}

/// How "contains" compares: case-insensitively unless the reading says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    /// Compare case-sensitively.
    pub case_sensitive: bool,
}

impl Fold {
    fn contains(self, haystack: &str, needle: &str) -> bool {
        if self.case_sensitive {
            haystack.contains(needle)
        } else {
            haystack.to_lowercase().contains(&needle.to_lowercase())
        }
    }

    fn eq(self, a: &str, b: &str) -> bool {
        if self.case_sensitive {
            a == b
        } else {
            a.to_lowercase() == b.to_lowercase()
        }
    }
}

/// A key chosen for a field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The key.
    pub key: String,
    /// Whether it reaches into an object or array.
    pub nested: bool,
    /// Its value in the first sample that carries it.
    pub example: String,
    /// Why it was chosen.
    pub reason: String,
    /// Other keys, each with a word on it (why it was refused, or that it would also do).
    pub alternatives: Vec<(String, String)>,
}

/// A condition proposed: a key and its items, one filter (or resolve part) per item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    /// The key.
    pub key: String,
    /// Whether it reaches into an object or array.
    pub nested: bool,
    /// The items: alternatives, since one contains list ANDs its items.
    pub items: Vec<String>,
    /// Items refused, with the reason.
    pub refused: Vec<(String, String)>,
    /// Why this key, when it is not the state key.
    pub reason: Option<String>,
}

/// The filter file `suggest` proposes, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The samples' names, in order.
    pub samples: Vec<String>,
    /// The state key, if one was found.
    pub state: Option<StateKey>,
    /// The trigger condition.
    pub trigger: Option<Proposed>,
    /// The resolve condition.
    pub resolve: Option<Proposed>,
    /// The mapping key.
    pub map_key: Option<Choice>,
    /// The title key.
    pub title: Option<Choice>,
    /// The description key.
    pub description: Option<Choice>,
    /// What could not be proposed: a file with any of these needs work before it is used.
    pub missing: Vec<String>,
    /// What the user should know about the choices.
    pub notes: Vec<String>,
}

/// Proposes a filter file from `samples`, compared as `fold` says.
pub fn propose(samples: &[Sample], fold: Fold) -> Proposal {
    let mut p = Proposal {
        samples: samples.iter().map(|s| s.label.clone()).collect(),
        state: None,
        trigger: None,
        resolve: None,
        map_key: None,
        title: None,
        description: None,
        missing: Vec::new(),
        notes: Vec::new(),
    };
    let Some(state) = states::choose(samples) else {
        p.missing.push(
            "no key says the alert's state: give a firing and a resolved payload of one alert"
                .into(),
        );
        return p;
    };
    p.state = Some(state.clone());
    let of = |wanted: State| -> Vec<&Sample> {
        samples
            .iter()
            .filter(|s| s.text(&state.key).and_then(|t| state.state_of(t)) == Some(wanted))
            .collect()
    };
    let (firing, resolved) = (of(State::Firing), of(State::Resolved));
    let values = |s: State| -> Vec<&str> { state.values_of(s).collect() };
    let (fire, done, other) = (
        values(State::Firing),
        values(State::Resolved),
        values(State::Other),
    );
    if state.nested {
        p.notes.push(format!(
            "the state is nested ({}): Callgoose's documentation shows top-level keys only; where the sender lets you shape its body, send it as a top-level key",
            state.key
        ));
    }
    if !state.by_words {
        p.notes.push(format!(
            "no state word tells which value of {} is which: {} was taken as firing, from the first sample; swap the items if it is the other way round",
            state.key,
            states::quote(fire.first().copied().unwrap_or_default())
        ));
    }
    // Triggers: contained in every firing value and in no other; failing that, in no resolved one.
    let unwanted: Vec<&str> = done.iter().chain(&other).copied().collect();
    let trigger =
        states::items(&fire, &unwanted, fold).or_else(|| states::items(&fire, &done, fold));
    match trigger {
        Some(items) => {
            p.trigger = Some(Proposed {
                key: state.key.clone(),
                nested: state.nested,
                items: items.chosen,
                refused: items.refused,
                reason: None,
            });
        }
        None => p.missing.push(format!(
            "no item of {}'s firing value is absent from its resolved value: the trigger cannot tell them apart",
            state.key
        )),
    }
    if resolved.is_empty() {
        p.notes.push(
            "no resolved sample: no resolve part is proposed, so incidents stay open until closed by hand; give the sender's resolved payload to get one".into(),
        );
    } else {
        let unwanted: Vec<&str> = fire.iter().chain(&other).copied().collect();
        match states::items(&done, &unwanted, fold).or_else(|| states::items(&done, &fire, fold)) {
            Some(items) => {
                p.resolve = Some(Proposed {
                    key: state.key.clone(),
                    nested: state.nested,
                    items: items.chosen,
                    refused: items.refused,
                    reason: None,
                });
            }
            None => {
                let refused = states::items(&done, &[], fold)
                    .map(|i| i.chosen)
                    .unwrap_or_default();
                let why = format!(
                    "every part of {}'s resolved value {} is contained in a firing value ({}): a resolve part on it would close incidents as they fire",
                    state.key,
                    states::quote(done.first().copied().unwrap_or_default()),
                    fire.iter()
                        .map(|f| states::quote(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                match other_resolve_key(&state.key, &firing, &resolved, fold) {
                    Some(mut proposed) => {
                        proposed.refused = refused.into_iter().map(|r| (r, why.clone())).collect();
                        proposed.reason =
                            Some(format!("{why}; {} tells them apart instead", proposed.key));
                        p.resolve = Some(proposed);
                    }
                    None => p.missing.push(format!(
                        "{why}, and no other key tells resolved from firing"
                    )),
                }
            }
        }
    }
    let first = samples.first().map_or(&[][..], |s| &s.leaves[..]);
    p.map_key = fields::map_key(
        first_of(&firing, first),
        &firing,
        &resolved,
        Some(&state.key),
    );
    if p.map_key.is_none() {
        p.missing.push(
            "no mapping key: no key has the same value in the firing and resolved samples that is not a time; without one every repeat is a new incident and nothing resolves".into(),
        );
    }
    // A state said in prose (SNS's `Subject`) still makes a good title; a bare state word does not.
    let prose_state = fire
        .first()
        .is_some_and(|f| f.split_whitespace().count() > 3);
    let mut taken: Vec<&str> = if prose_state {
        Vec::new()
    } else {
        vec![state.key.as_str()]
    };
    if let Some(m) = &p.map_key {
        taken.push(&m.key);
    }
    p.title = fields::title(first_of(&firing, first), &firing, &taken);
    if let Some(t) = &p.title {
        taken.push(&t.key);
    }
    p.description = fields::description(first_of(&firing, first), &firing, &taken);
    for choice in [&p.map_key, &p.title, &p.description].into_iter().flatten() {
        if choice.nested && !state.nested {
            p.notes.push(format!(
                "{} is nested: no top-level key carries it",
                choice.key
            ));
        }
    }
    p
}

/// The keys of the first firing sample, or of the first sample when none fires.
fn first_of<'s>(firing: &[&'s Sample], first: &'s [Leaf]) -> &'s [Leaf] {
    firing.first().map_or(first, |s| &s.leaves[..])
}

/// A key other than the state key whose value tells every resolved sample from every firing one.
fn other_resolve_key(
    state_key: &str,
    firing: &[&Sample],
    resolved: &[&Sample],
    fold: Fold,
) -> Option<Proposed> {
    let first = resolved.first()?;
    let mut found: Vec<((bool, bool, usize), Proposed)> = Vec::new();
    for leaf in &first.leaves {
        if leaf.key == state_key || leaf.text.chars().count() > 200 {
            continue;
        }
        let wanted: Option<Vec<&str>> = resolved.iter().map(|s| s.text(&leaf.key)).collect();
        let Some(wanted) = wanted else { continue };
        let unwanted: Vec<&str> = firing.iter().filter_map(|s| s.text(&leaf.key)).collect();
        if let Some(items) = states::items(&wanted, &unwanted, fold) {
            let score = (
                items.chosen.len() == 1,
                !leaf.nested,
                usize::MAX - leaf.key.len(),
            );
            found.push((
                score,
                Proposed {
                    key: leaf.key.clone(),
                    nested: leaf.nested,
                    items: items.chosen,
                    refused: Vec::new(),
                    reason: None,
                },
            ));
        }
    }
    found.sort_by_key(|a| std::cmp::Reverse(a.0));
    found.into_iter().next().map(|(_, p)| p)
}
