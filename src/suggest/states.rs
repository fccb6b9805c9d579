//! The state of an alert as its payloads say it: which key carries it, which of its values mean firing
//! and which resolved, and the items a condition can hold to tell them apart. An item is a whole value
//! or one of its words; it must be contained in every value of its state and in no value of the other,
//! since "contains" is a substring test (`ok` is in `broken`, `resolved` in `unresolved`).

use super::leaves::{Leaf, is_timestamp, last_name};
use super::{Fold, Sample};

/// Words that say an alert is firing, lower case.
const FIRING: &[&str] = &[
    "firing",
    "fire",
    "fired",
    "alert",
    "alerting",
    "alarm",
    "triggered",
    "trigger",
    "retriggered",
    "problem",
    "open",
    "opened",
    "reopened",
    "critical",
    "down",
    "active",
    "error",
    "failing",
    "failed",
    "failure",
    "warning",
    "warn",
    "raised",
    "unhealthy",
    "major",
    "degraded",
    "outage",
];
/// Words that say an alert is over, lower case.
const RESOLVED: &[&str] = &[
    "resolved",
    "resolve",
    "ok",
    "recovered",
    "recovery",
    "closed",
    "close",
    "up",
    "inactive",
    "normal",
    "cleared",
    "clear",
    "healthy",
    "success",
    "succeeded",
    "fixed",
    "restored",
];
/// Key names that usually hold the state.
const STATE_NAMES: &[&str] = &[
    "status",
    "state",
    "alert_transition",
    "transition",
    "monitorcondition",
    "event_type",
    "eventtype",
    "action",
    "condition",
    "newstatevalue",
    "event_status",
];

/// What a value of the state key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The alert fires: a trigger part must hold.
    Firing,
    /// The alert is over: a resolve part must hold.
    Resolved,
    /// Neither, as far as the samples tell: nothing should happen.
    Other,
}

/// The key that carries the state, and what each of its values means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateKey {
    /// The key.
    pub key: String,
    /// Whether it is nested.
    pub nested: bool,
    /// Each value seen, in first-seen order, with its meaning.
    pub values: Vec<(String, State)>,
    /// Whether the meaning came from words (`firing`, `OK`) or only from the samples' order.
    pub by_words: bool,
    /// Other keys that separate the samples the same way.
    pub alternatives: Vec<String>,
}

impl StateKey {
    /// What the value `text` means.
    pub fn state_of(&self, text: &str) -> Option<State> {
        self.values.iter().find(|(v, _)| v == text).map(|(_, s)| *s)
    }

    /// The values meaning `state`.
    pub fn values_of(&self, state: State) -> impl Iterator<Item = &str> {
        self.values
            .iter()
            .filter(move |(_, s)| *s == state)
            .map(|(v, _)| v.as_str())
    }
}

/// The word meaning of one value: `Some(Firing)` for `Re-Triggered`, `Some(Resolved)` for `OK`.
fn meaning(text: &str) -> Option<State> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let joined: String = words.concat();
    let any =
        |list: &[&str]| words.iter().any(|w| list.contains(w)) || list.contains(&joined.as_str());
    // "Resolved" is checked first: `incident.resolved` says more than the `incident` before it.
    if any(RESOLVED) {
        Some(State::Resolved)
    } else if any(FIRING) {
        Some(State::Firing)
    } else {
        None
    }
}

/// A value short enough to be a state rather than prose.
fn state_like(leaf: &Leaf) -> bool {
    let words = leaf.text.split_whitespace().count();
    !leaf.text.is_empty()
        && leaf.text.chars().count() <= 40
        && words <= 3
        && !is_timestamp(&leaf.key, &leaf.text)
}

/// Chooses the state key among the keys every sample carries: a short value that says a state, and
/// failing that a longer text whose words do (SNS's `Subject`: `ALARM: "cpu" in ...`, `OK: ...`).
pub fn choose(samples: &[Sample]) -> Option<StateKey> {
    choose_among(samples, state_like)
        .or_else(|| choose_among(samples, |l| l.is_string && l.text.chars().count() <= 200))
}

fn choose_among(samples: &[Sample], usable: fn(&Leaf) -> bool) -> Option<StateKey> {
    let first = samples.first()?;
    let mut scored = Vec::new();
    for leaf in first.leaves.iter().filter(|l| usable(l)) {
        if !samples
            .iter()
            .all(|s| s.leaf(&leaf.key).is_some_and(usable))
        {
            continue;
        }
        // The key's value in each sample, in order.
        let texts: Vec<&str> = samples.iter().filter_map(|s| s.text(&leaf.key)).collect();
        let mut distinct: Vec<&str> = Vec::new();
        for t in &texts {
            if !distinct.contains(t) {
                distinct.push(t);
            }
        }
        let meanings: Vec<Option<State>> = distinct.iter().map(|t| meaning(t)).collect();
        let firing_words = meanings.contains(&Some(State::Firing));
        let resolved_words = meanings.contains(&Some(State::Resolved));
        let name = last_name(&leaf.key);
        let named = STATE_NAMES.iter().any(|n| name == *n || name.ends_with(n));
        let separates = distinct.len() >= 2;
        // One state among the samples (no resolved payload): only words can say it is the state.
        if !(separates || firing_words && named) {
            continue;
        }
        // Values that differ with no state word and no state-like name (a message id) say no state.
        if !(firing_words || resolved_words || named) {
            continue;
        }
        // A key whose every sample differs (an id, a count) does not say a state.
        if separates
            && distinct.len() == samples.len()
            && samples.len() > 2
            && !(firing_words || resolved_words)
        {
            continue;
        }
        let score = (
            separates,
            firing_words && resolved_words,
            named,
            meanings.iter().filter(|m| m.is_some()).count(),
            !leaf.nested,
            std::cmp::Reverse(distinct.len()),
            std::cmp::Reverse(leaf.key.len()),
        );
        scored.push((score, leaf, distinct, meanings));
    }
    scored.sort_by_key(|a| std::cmp::Reverse(a.0));
    let (_, leaf, distinct, meanings) = scored.first()?.clone();
    let by_words = meanings.iter().any(Option::is_some);
    let values = assign(&distinct, &meanings);
    let partition = |texts: &[&str]| -> Vec<State> {
        texts
            .iter()
            .map(|t| {
                values
                    .iter()
                    .find(|(v, _)| v == t)
                    .map_or(State::Other, |(_, s)| *s)
            })
            .collect()
    };
    let chosen: Vec<State> = partition(
        &samples
            .iter()
            .filter_map(|s| s.text(&leaf.key))
            .collect::<Vec<_>>(),
    );
    // Other keys that tell the same samples apart the same way, for the comment.
    let alternatives = scored[1..]
        .iter()
        .filter(|(_, other, d, m)| {
            let v = assign(d, m);
            let states: Vec<State> = samples
                .iter()
                .filter_map(|s| s.text(&other.key))
                .map(|t| {
                    v.iter()
                        .find(|(x, _)| *x == t)
                        .map_or(State::Other, |(_, s)| *s)
                })
                .collect();
            states == chosen && other.key != leaf.key
        })
        .map(|(_, other, _, _)| other.key.clone())
        .take(3)
        .collect();
    Some(StateKey {
        key: leaf.key.clone(),
        nested: leaf.nested,
        values: values.into_iter().map(|(v, s)| (v.to_owned(), s)).collect(),
        by_words,
        alternatives,
    })
}

/// The meaning of each distinct value. Words decide where they can; a value without a state word is
/// the firing state when the words name only resolved ones, and the other way round. With no word at
/// all (`0` and `1`), the first sample's value is the firing state and the last sample's the resolved.
fn assign<'t>(distinct: &[&'t str], meanings: &[Option<State>]) -> Vec<(&'t str, State)> {
    let firing = meanings.contains(&Some(State::Firing));
    let resolved = meanings.contains(&Some(State::Resolved));
    let last = distinct.len() - 1;
    distinct
        .iter()
        .zip(meanings)
        .enumerate()
        .map(|(i, (text, m))| {
            let state = match (m, firing, resolved) {
                (Some(s), _, _) => *s,
                (None, true, true) => State::Other,
                (None, false, true) => State::Firing,
                (None, true, false) => State::Resolved,
                (None, false, false) if i == 0 => State::Firing,
                (None, false, false) if i == last => State::Resolved,
                (None, false, false) => State::Other,
            };
            (*text, state)
        })
        .collect()
}

/// An item for a condition, or why none can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Items {
    /// The items chosen: one filter (or resolve part) each, every one contained in the values it
    /// covers and in none of the others.
    pub chosen: Vec<String>,
    /// Candidates refused, each with its reason.
    pub refused: Vec<(String, String)>,
}

/// The fewest items that cover every one of `wanted` and are contained in none of `unwanted`, each
/// the shortest that does (a whole value or one of its words, at most 50 characters). `None` when some
/// value of `wanted` has no such item.
pub fn items(wanted: &[&str], unwanted: &[&str], fold: Fold) -> Option<Items> {
    let mut refused = Vec::new();
    let mut candidates: Vec<String> = Vec::new();
    for value in wanted {
        for candidate in parts(value) {
            if candidates.iter().any(|c| fold.eq(c, &candidate)) {
                continue;
            }
            if let Some(other) = unwanted.iter().find(|u| fold.contains(u, &candidate)) {
                let reason = if fold.eq(other, &candidate) {
                    format!("it is the other state's value {}", quote(other))
                } else {
                    format!(
                        "it is contained in the other state's value {}",
                        quote(other)
                    )
                };
                if !refused
                    .iter()
                    .any(|(c, _): &(String, String)| fold.eq(c, &candidate))
                {
                    refused.push((candidate, reason));
                }
                continue;
            }
            candidates.push(candidate);
        }
    }
    // Greedy cover: the item covering most of what is left, the shortest among equals.
    let mut left: Vec<&str> = wanted.to_vec();
    let mut chosen = Vec::new();
    while !left.is_empty() {
        let best = candidates
            .iter()
            .map(|c| (left.iter().filter(|v| fold.contains(v, c)).count(), c))
            .filter(|(n, _)| *n > 0)
            .max_by(|a, b| {
                a.0.cmp(&b.0)
                    .then(b.1.chars().count().cmp(&a.1.chars().count()))
            })?;
        let item = best.1.clone();
        left.retain(|v| !fold.contains(v, &item));
        chosen.push(item);
    }
    Some(Items { chosen, refused })
}

/// The parts of a value an item can be: the whole value, and each word of it (split at anything that
/// is not a letter or digit), longest first so that equals keep the more telling one.
fn parts(value: &str) -> Vec<String> {
    let mut parts = Vec::new();
    if value.chars().count() <= 50 && !value.trim().is_empty() {
        parts.push(value.to_owned());
    }
    for word in value.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() && word.chars().count() <= 50 && !parts.iter().any(|p| p == word) {
            parts.push(word.to_owned());
        }
    }
    parts
}

/// A value as a comment shows it: quoted, at most 40 characters.
pub fn quote(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    let cut = if short.len() < text.len() { "..." } else { "" };
    format!("{:?}", format!("{short}{cut}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLD: Fold = Fold {
        case_sensitive: false,
    };

    #[test]
    fn words_say_what_a_value_means() {
        assert_eq!(meaning("Re-Triggered"), Some(State::Firing));
        assert_eq!(meaning("incident.resolved"), Some(State::Resolved));
        assert_eq!(meaning("OK"), Some(State::Resolved));
        assert_eq!(meaning("unresolved"), None);
        assert_eq!(meaning("BROKEN"), None);
        assert_eq!(meaning("0"), None);
    }

    #[test]
    fn an_item_contained_in_the_other_state_is_refused() {
        // `OK` is in `BROKEN`: no part of OK tells the states apart.
        let none = items(&["OK"], &["BROKEN"], FOLD);
        assert_eq!(none, None);
        // `resolved` is in `unresolved`, but `unresolved` is not in `resolved`.
        let firing = items(&["unresolved"], &["resolved"], FOLD).unwrap();
        assert_eq!(firing.chosen, ["unresolved"]);
        assert_eq!(items(&["resolved"], &["unresolved"], FOLD), None);
    }

    #[test]
    fn one_item_covers_alternatives_where_it_can() {
        let i = items(&["Triggered", "Re-Triggered"], &["Recovered"], FOLD).unwrap();
        assert_eq!(i.chosen, ["Triggered"]);
        let i = items(&["incident.triggered"], &["incident.resolved"], FOLD).unwrap();
        assert_eq!(i.chosen, ["triggered"]);
        assert_eq!(i.refused[0].0, "incident");
        let i = items(&["OPEN", "FIRING", "CRITICAL"], &["RESOLVED"], FOLD).unwrap();
        assert_eq!(i.chosen, ["OPEN", "FIRING", "CRITICAL"]);
    }

    #[test]
    fn case_counts_only_when_read_case_sensitively() {
        let sensitive = Fold {
            case_sensitive: true,
        };
        assert_eq!(
            items(&["ok"], &["BROKEN"], sensitive).unwrap().chosen,
            ["ok"]
        );
        assert_eq!(items(&["ok"], &["BROKEN"], FOLD), None);
    }
}
