//! Near-miss diagnosis: for a condition that does not hold, the likely mistake and its fix: a key at
//! another depth or in another case, an item that differs only in case or spacing, a value that is not
//! a string or is empty, alternatives ANDed in one list, a value that the readings in force do not
//! read (a nested key without nesting, a null read as missing).

use super::{Found, ItemTrace};
use crate::did_you_mean;
use crate::filter::Condition;
use crate::keypath::{KeyPath, Step, quoted, spell, spell_exact, spell_name};
use crate::semantics::{NullValues, Semantics};
use serde_json::Value;
use std::fmt;

/// How many payload keys are looked at for suggestions: enough for any real alert.
const KEY_BUDGET: usize = 10_000;

/// A likely reason a condition does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// The body is not JSON: no key can be read.
    NotJson,
    /// The key is absent; `candidates` are payload keys it may have meant.
    KeyMissing {
        /// The key as written.
        key: String,
        /// Paths in the payload that look like it, best first.
        candidates: Vec<String>,
    },
    /// These items are in the value except for case, and matching is case-sensitive.
    CaseOnly {
        /// The items.
        items: Vec<String>,
    },
    /// These items are in the value once whitespace and punctuation are ignored.
    Spacing {
        /// The items.
        items: Vec<String>,
    },
    /// The value is not a string: it is compared as its JSON text.
    NotAString {
        /// `number`, `boolean`, `null`, `object` or `array`.
        kind: &'static str,
    },
    /// The value is empty.
    EmptyValue,
    /// The key's value is JSON null, which reads as a missing key (`null_values = "missing"`).
    NullIsMissing {
        /// The key as written.
        key: String,
    },
    /// Keys do not nest (`nested_keys = false`), and the key finds a value only as a path.
    NestedKeysOff {
        /// The key as written.
        key: String,
        /// Where the path reading finds it.
        path: String,
    },
    /// Several one-word items, some contained and some not: alternatives written as one ANDed list.
    AndedAlternatives {
        /// The items.
        items: Vec<String>,
    },
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: &[String]| {
            items
                .iter()
                .map(|i| quoted(i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Hint::NotJson => f.write_str("the body is not JSON, so no key can be read from it"),
            Hint::KeyMissing { key, candidates } => match candidates.as_slice() {
                [] => write!(f, "the payload has no key `{key}`"),
                [one] => write!(f, "the payload has no key `{key}`; did you mean `{one}`?"),
                many => write!(
                    f,
                    "the payload has no key `{key}`; did you mean one of {}?",
                    many.iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            Hint::CaseOnly { items } => write!(
                f,
                "{} would match but for case: matching is case-sensitive here; write the item as the payload does",
                list(items)
            ),
            Hint::Spacing { items } => write!(
                f,
                "{} would match but for whitespace or punctuation; copy the item from the payload",
                list(items)
            ),
            Hint::NotAString { kind: "null" } => f.write_str(
                "the value is JSON null: it is compared as the text `null`, so only a part of that text can be contained",
            ),
            Hint::NotAString { kind } => write!(
                f,
                "the value is {} {kind}: it is compared as its JSON text, so write items as that text shows it",
                if kind.starts_with(['a', 'o']) { "an" } else { "a" }
            ),
            Hint::EmptyValue => f.write_str("the value is empty: no item can be contained in it"),
            Hint::NullIsMissing { key } => write!(
                f,
                "`{key}` is JSON null, which reads as a missing key here (null_values = \"missing\")"
            ),
            Hint::NestedKeysOff { key, path } => write!(
                f,
                "`{key}` is found only as the nested path `{path}`, and keys do not nest here (nested_keys = false): only a top-level key of that exact name is read; have the sender flatten the body, or switch nested keys on"
            ),
            Hint::AndedAlternatives { items } => write!(
                f,
                "items of one list are ANDed, and {} look like alternatives: give each its own filter",
                list(items)
            ),
        }
    }
}

/// Every path of a payload, spelled, with its last step: listed on first use, then kept for the other
/// hints of the same trace.
pub(super) struct Paths<'j> {
    json: Option<&'j Value>,
    all: std::cell::OnceCell<Vec<(String, String)>>,
}

impl<'j> Paths<'j> {
    /// The paths of `json`, not listed yet.
    pub(super) fn new(json: Option<&'j Value>) -> Paths<'j> {
        Paths {
            json,
            all: std::cell::OnceCell::new(),
        }
    }

    fn all(&self) -> &[(String, String)] {
        self.all.get_or_init(|| {
            let mut paths = Vec::new();
            if let Some(json) = self.json {
                collect_paths(json, &mut String::new(), &mut paths);
            }
            paths
        })
    }
}

/// The hints for a condition that does not hold; `paths` are `json`'s.
pub(super) fn diagnose(
    c: &Condition,
    json: Option<&Value>,
    found: Option<&Found>,
    items: &[ItemTrace],
    semantics: Semantics,
    paths: &Paths<'_>,
) -> Vec<Hint> {
    let Some(json) = json else {
        return vec![Hint::NotJson];
    };
    let Some(found) = found else {
        let key = c.key.to_string();
        if semantics.null_values == NullValues::Missing && c.key.lookup(json).is_some() {
            return vec![Hint::NullIsMissing { key }];
        }
        if !c.key.is_nested()
            && let Some((_, path)) = c.key.read_as(true).locate(json)
        {
            let path = spell_exact(&path);
            return vec![Hint::NestedKeysOff { key, path }];
        }
        return vec![Hint::KeyMissing {
            key,
            candidates: key_candidates(&c.key, json, paths),
        }];
    };
    let missing: Vec<&str> = items
        .iter()
        .filter(|i| i.at.is_none())
        .map(|i| i.item.as_str())
        .collect();
    let mut hints = Vec::new();
    if found.text.is_empty() {
        hints.push(Hint::EmptyValue);
    }
    if found.kind != "string" {
        hints.push(Hint::NotAString { kind: found.kind });
    }
    if semantics.case_sensitive {
        let lower = found.text.to_lowercase();
        let items: Vec<String> = missing
            .iter()
            .filter(|i| lower.contains(&i.to_lowercase()))
            .map(|i| i.to_string())
            .collect();
        if !items.is_empty() {
            hints.push(Hint::CaseOnly { items });
        }
    }
    let squeeze = |s: &str| -> String {
        let kept = s.chars().filter(|c| c.is_alphanumeric());
        if semantics.case_sensitive {
            kept.collect()
        } else {
            kept.flat_map(char::to_lowercase).collect()
        }
    };
    let value = squeeze(&found.text);
    let spaced: Vec<String> = missing
        .iter()
        .filter(|i| {
            let item = squeeze(i);
            !item.is_empty() && value.contains(&item)
        })
        .map(|i| i.to_string())
        .collect();
    if !spaced.is_empty() {
        hints.push(Hint::Spacing { items: spaced });
    }
    let one_word = items
        .iter()
        .all(|i| !i.item.trim().contains(char::is_whitespace));
    if items.len() >= 2 && one_word && missing.len() < items.len() {
        hints.push(Hint::AndedAlternatives {
            items: items.iter().map(|i| i.item.clone()).collect(),
        });
    }
    hints
}

/// Payload paths that `key` may have meant: the same last name at another depth, the same name in
/// another case, then close spellings. Each is spelled as a key that reads it (names holding dots
/// quoted). A key that does not nest can only mean a top-level key.
fn key_candidates(key: &KeyPath, json: &Value, all: &Paths<'_>) -> Vec<String> {
    let mut top = Vec::new();
    let paths: &[(String, String)] = if key.is_nested() {
        all.all()
    } else {
        if let Value::Object(map) = json {
            let names = map.keys().take(KEY_BUDGET);
            top.extend(names.map(|k| (spell(&[Step::Key(k.clone())]), k.clone())));
        }
        &top
    };
    let wanted = key.last_name();
    let mut out: Vec<String> = Vec::new();
    let mut add = |p: &str| {
        if out.len() < 3 && !out.iter().any(|o| o == p) {
            out.push(p.to_owned());
        }
    };
    for (p, _) in paths.iter().filter(|(_, last)| last == wanted) {
        add(p);
    }
    for (p, _) in paths.iter().filter(|(p, last)| {
        p.eq_ignore_ascii_case(key.as_str()) || last.eq_ignore_ascii_case(wanted)
    }) {
        add(p);
    }
    if let Some(close) = did_you_mean::closest(key.as_str(), paths.iter().map(|(p, _)| p.as_str()))
    {
        add(close);
    }
    out
}

/// Every path in `value` below the path spelled `at` (empty: the top), spelled, with its last step.
/// Each path is spelled from its parent's, once.
fn collect_paths(value: &Value, at: &mut String, out: &mut Vec<(String, String)>) {
    // No path below the top spells empty: an empty name is quoted, an index has digits.
    let top = at.is_empty();
    let mut visit = |name: &str, last: String, child: &Value, out: &mut Vec<(String, String)>| {
        let parent = at.len();
        if !top {
            at.push('.');
        }
        at.push_str(name);
        out.push((at.clone(), last));
        collect_paths(child, at, out);
        at.truncate(parent);
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if out.len() >= KEY_BUDGET {
                    return;
                }
                visit(&spell_name(k), k.clone(), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if out.len() >= KEY_BUDGET {
                    return;
                }
                let index = i.to_string();
                visit(&index, index.clone(), v, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_spelled_from_their_parents_are_spelled_as_whole_paths_are() {
        let value = json!({
            "alerts": [{"labels": {"app.kubernetes.io/name": "x", "": 1}}, [2, {"a\"b": null}]],
            "": {"[0]": {"k": true}},
            "plain": {"nested": {"deep": "v"}}
        });
        let (mut walked, mut every) = (Vec::new(), Vec::new());
        collect_paths(&value, &mut String::new(), &mut walked);
        // Every path spelled whole from its steps, as `spell` spells one path.
        crate::keypath::tests::paths(&value, &mut Vec::new(), &mut every);
        let whole: Vec<(String, String)> = every
            .iter()
            .map(|(steps, _)| (spell(steps), steps.last().unwrap().to_string()))
            .collect();
        assert_eq!(walked, whole);
        assert!(
            walked
                .iter()
                .any(|(p, _)| p == "alerts.0.labels.\"app.kubernetes.io/name\"")
        );
    }
}
