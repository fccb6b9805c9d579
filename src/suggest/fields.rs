//! The fields an incident is made of: the mapping key (the same over one alert's life, different
//! between alerts, never a time), the title (a short text named like one) and the description (the
//! longest prose the firing payloads carry).

use super::leaves::{Leaf, is_timestamp, last_name};
use super::{Choice, Sample};

/// Names of keys that identify an alert, strongest first.
const IDENTITY: &[&str] = &[
    "groupkey",
    "alert_cycle_key",
    "cycle_key",
    "incident_key",
    "dedup_key",
    "fingerprint",
    "alertid",
    "alert_id",
    "eventid",
    "event_id",
    "incident_id",
    "issue_id",
    "monitorid",
    "monitor_id",
];
/// Names of keys that carry a title, strongest first.
const TITLE: &[&str] = &[
    "title",
    "alertname",
    "alert_name",
    "alertrule",
    "rule_name",
    "name",
    "summary",
    "subject",
    "event_title",
    "trigger_name",
    "monitor_name",
    "check",
];

/// Words in a path that say the key belongs to the alert itself, not to the sender or the account.
const ALERT_WORDS: &[&str] = &[
    "alert", "incident", "event", "issue", "problem", "monitor", "check", "alarm",
];

/// How strongly a key's name says it identifies an alert: the known identity names by their rank, then
/// any name ending in `key`, `id` or `arn` inside something named like an alert
/// (`data.metric_alert.id`, not `actor.id`), then any such name, then 0.
fn identity(key: &str) -> usize {
    let name = last_name(key);
    let lower = key.to_lowercase();
    if let Some(rank) = IDENTITY.iter().position(|n| *n == name) {
        3 + IDENTITY.len() - rank
    } else if name.ends_with("key")
        || name.ends_with("id")
        || name.ends_with("arn")
        || name == "uuid"
    {
        if ALERT_WORDS.iter().any(|w| lower.contains(w)) {
            2
        } else {
            1
        }
    } else {
        0
    }
}

/// Text that reads as prose: three words or more, most of them words (not ids or paths).
fn is_prose(key: &str, text: &str) -> bool {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let words = tokens
        .iter()
        .filter(|t| t.chars().count() <= 20 && t.chars().any(char::is_alphabetic))
        .count();
    identity(key) == 0 && tokens.len() >= 3 && words * 10 >= tokens.len() * 6
}

/// Text that is itself a JSON object or array: an embedded document, not a name or prose.
fn is_json_text(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with(['{', '['])
        && serde_json::from_str::<serde_json::Value>(text)
            .is_ok_and(|v| v.is_object() || v.is_array())
}

/// How settled a key is: one not inside an array (`commonLabels.alertname`, not
/// `alerts.0.labels.alertname`, whose first alert may change), and shallow.
fn settled(key: &str) -> (bool, std::cmp::Reverse<usize>) {
    let parts: Vec<&str> = key.split('.').collect();
    let in_array = parts
        .iter()
        .skip(1)
        .any(|p| p.chars().all(|c| c.is_ascii_digit()));
    (!in_array, std::cmp::Reverse(parts.len()))
}

/// Why a key cannot be the mapping key, if it cannot.
fn refuse_map(leaf: &Leaf, firing: &[&Sample], resolved: &[&Sample]) -> Option<String> {
    if is_timestamp(&leaf.key, &leaf.text) {
        return Some(
            "a timestamp, which need not match across the lifecycle and differs between repeats"
                .into(),
        );
    }
    if let Some(missing) = firing
        .iter()
        .chain(resolved)
        .find(|s| s.text(&leaf.key).is_none())
    {
        return Some(format!("{} does not carry it", missing.label));
    }
    for r in resolved {
        let value = r.text(&leaf.key);
        if !firing.iter().any(|f| f.text(&leaf.key) == value) {
            return Some(format!(
                "{} carries a value no firing sample does: it would resolve nothing",
                r.label
            ));
        }
    }
    None
}

/// The mapping key: a key every firing and resolved sample carries, whose value in each resolved
/// sample is that of a firing one, not a time; among those, the one that separates the most firing
/// samples, then the most clearly named, then top-level, then the shortest.
pub fn map_key(
    candidates: &[Leaf],
    firing: &[&Sample],
    resolved: &[&Sample],
    state_key: Option<&str>,
) -> Option<Choice> {
    let mut fit = Vec::new();
    let mut refused = Vec::new();
    for leaf in candidates {
        if Some(leaf.key.as_str()) == state_key
            || leaf.text.is_empty()
            || leaf.text.chars().count() > 200
        {
            continue;
        }
        if let Some(why) = refuse_map(leaf, firing, resolved) {
            // Only keys that look like identities are worth telling about.
            if identity(&leaf.key) > 0 || is_timestamp(&leaf.key, &leaf.text) {
                refused.push((leaf.key.clone(), why));
            }
            continue;
        }
        let mut distinct: Vec<&str> = firing.iter().filter_map(|s| s.text(&leaf.key)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let url = leaf.text.starts_with("http://") || leaf.text.starts_with("https://");
        let score = (
            distinct.len(),
            identity(&leaf.key),
            !url,
            settled(&leaf.key),
            std::cmp::Reverse(leaf.key.len()),
        );
        fit.push((score, leaf));
    }
    fit.sort_by_key(|a| std::cmp::Reverse(a.0));
    let (_, best) = fit.first()?;
    let mut reason = if resolved.is_empty() {
        "the best-named identity the samples carry; no resolved sample was given, so it is not checked against one".to_owned()
    } else {
        "the same in the firing and resolved samples of an alert".to_owned()
    };
    if firing.len() > 1 {
        let (distinct, ..) = fit[0].0;
        reason += &format!(
            ", {distinct} different value{} across the {} firing samples",
            if distinct == 1 { "" } else { "s" },
            firing.len()
        );
    }
    reason += ", not a time";
    let also: Vec<String> = fit[1..]
        .iter()
        .take(3)
        .map(|(_, l)| format!("`{}`", l.key))
        .collect();
    let mut alternatives = Vec::new();
    if !also.is_empty() {
        alternatives.push((also.join(", "), "also fit".to_owned()));
    }
    // Refusals with one reason are told once.
    let mut reasons: Vec<(String, Vec<String>)> = Vec::new();
    for (key, why) in refused {
        match reasons.iter_mut().find(|(w, _)| *w == why) {
            Some((_, keys)) => keys.push(format!("`{key}`")),
            None => reasons.push((why, vec![format!("`{key}`")])),
        }
    }
    for (why, mut keys) in reasons.into_iter().take(3) {
        if keys.len() > 4 {
            let more = keys.len() - 3;
            keys.truncate(3);
            keys.push(format!("{more} more"));
        }
        alternatives.push((keys.join(", "), format!("refused: {why}")));
    }
    Some(Choice {
        key: best.key.clone(),
        nested: best.nested,
        example: best.text.clone(),
        reason,
        alternatives,
    })
}

/// The title: a short text field every firing sample carries, named like a title where one is.
pub fn title(candidates: &[Leaf], firing: &[&Sample], taken: &[&str]) -> Option<Choice> {
    let mut fit = Vec::new();
    for leaf in candidates {
        let len = leaf.text.chars().count();
        let usable = leaf.is_string
            && (3..=120).contains(&len)
            && leaf.text.chars().any(char::is_alphabetic)
            && !leaf.text.starts_with("http")
            && !is_json_text(&leaf.text)
            && !is_timestamp(&leaf.key, &leaf.text)
            && firing.iter().all(|s| s.text(&leaf.key).is_some());
        if !usable {
            continue;
        }
        let name = last_name(&leaf.key);
        let named = TITLE
            .iter()
            .position(|t| name == *t || name.ends_with(&format!("_{t}")))
            .map_or(0, |p| TITLE.len() - p);
        let score = (
            !taken.contains(&leaf.key.as_str()),
            named,
            settled(&leaf.key),
            leaf.text.contains(' ') || leaf.text.chars().any(char::is_uppercase),
            std::cmp::Reverse(len),
        );
        fit.push((score, leaf));
    }
    fit.sort_by_key(|a| std::cmp::Reverse(a.0));
    let (score, best) = fit.first()?;
    let reason = if score.1 > 0 {
        "a short text field named like a title"
    } else {
        "the shortest text field that reads like a name"
    };
    Some(Choice {
        key: best.key.clone(),
        nested: best.nested,
        example: best.text.clone(),
        reason: reason.into(),
        alternatives: fit[1..]
            .iter()
            .filter(|(s, _)| s.1 > 0)
            .take(3)
            .map(|(_, l)| (format!("`{}`", l.key), "also a title".to_owned()))
            .collect(),
    })
}

/// The description: the longest prose (three words or more) every firing sample carries.
pub fn description(candidates: &[Leaf], firing: &[&Sample], taken: &[&str]) -> Option<Choice> {
    let mut fit: Vec<(usize, &Leaf)> = candidates
        .iter()
        .filter(|l| {
            l.is_string
                && !taken.contains(&l.key.as_str())
                && is_prose(&l.key, &l.text)
                && !is_json_text(&l.text)
                && !l.text.starts_with("http")
                && firing.iter().all(|s| s.text(&l.key).is_some())
        })
        .map(|l| {
            (
                firing
                    .iter()
                    .filter_map(|s| s.text(&l.key))
                    .map(|t| t.chars().count())
                    .sum::<usize>(),
                l,
            )
        })
        .collect();
    fit.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(settled(&b.1.key).cmp(&settled(&a.1.key)))
    });
    let (_, best) = fit.first()?;
    Some(Choice {
        key: best.key.clone(),
        nested: best.nested,
        example: best.text.clone(),
        reason: "the longest prose the firing samples carry".into(),
        alternatives: fit[1..]
            .iter()
            .take(2)
            .map(|(_, l)| (format!("`{}`", l.key), "shorter prose".to_owned()))
            .collect(),
    })
}
