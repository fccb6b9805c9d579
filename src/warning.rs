//! Non-fatal findings about one request: values, not side effects. The evaluator collects them, the
//! renderers show them (`warning:` lines, or the `warnings` array of JSON output).

use crate::timestamp::TimeError;
use std::fmt;

/// Something about a request that the user should know although it did not stop anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The body is not JSON: no key can be read, so no condition can hold.
    NotJson {
        /// 1-based line of the parse error in the input.
        line: usize,
        /// 1-based column of the parse error in the input.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The body is JSON but not an object: only index keys (`0.status`) can reach into an array, and
    /// nothing into a string, number, boolean or null.
    NotAnObject {
        /// `array`, `string`, `number`, `boolean` or `null`.
        kind: &'static str,
    },
    /// The title key is absent: Callgoose uses its fallback title.
    TitleFallback {
        /// The `title_from` key.
        key: String,
        /// The title used instead.
        title: String,
    },
    /// The description key is absent: the whole payload becomes the description.
    DescriptionFallback {
        /// The `description_from` key.
        key: String,
    },
    /// The firing filter has no `map_with`: the incident can never be resolved through the API and every
    /// repeat of the alert is a new incident.
    NoMapWith {
        /// The filter's name.
        filter: String,
    },
    /// The title key's value is empty: the incident has no real title.
    EmptyTitle {
        /// The `title_from` key.
        key: String,
    },
    /// The description key's value is empty: the incident has no description.
    EmptyDescription {
        /// The `description_from` key.
        key: String,
    },
    /// The title key's value is JSON `null`: the title shows the text `null`.
    NullTitle {
        /// The `title_from` key.
        key: String,
    },
    /// The description key's value is JSON `null`: the description is the text `null`.
    NullDescription {
        /// The `description_from` key.
        key: String,
    },
    /// The mapping value (of a trigger or a resolve part) is JSON `null`: it is the text `null`, so
    /// every alert whose value is null maps to one incident.
    NullMapKey {
        /// The `map_with` or `mapped_with` key.
        key: String,
    },
    /// The mapping value (of a trigger or a resolve part) is empty: every alert with an empty value
    /// maps to the same incident, or, under `empty_map_value = "none"`, there is no mapping value.
    EmptyMapKey {
        /// The `map_with` or `mapped_with` key.
        key: String,
        /// The empty value is read as no mapping value.
        no_key: bool,
    },
    /// The `map_with` key is absent from the payload: same consequence as having none.
    MapKeyMissing {
        /// The `map_with` key.
        key: String,
    },
    /// A resolve part matched but its `mapped_with` key is absent: nothing can be resolved.
    ResolveKeyMissing {
        /// The filter whose resolve part matched.
        filter: String,
        /// The `mapped_with` key.
        key: String,
    },
    /// `replay --time-key`: the payload gives the request no time, so the duplicate window cannot fold
    /// it and the ages of its incidents are unknown.
    NoTime {
        /// The `--time-key` key.
        key: String,
        /// Why its value is not a time; `None`: the key is absent.
        problem: Option<TimeError>,
    },
}

impl Warning {
    /// Every kind, in the order the README lists them: what a case file's `warnings` may name.
    pub const KINDS: &[&str] = &[
        "not_json",
        "not_an_object",
        "title_fallback",
        "description_fallback",
        "no_map_with",
        "empty_title",
        "empty_description",
        "empty_map_key",
        "null_title",
        "null_description",
        "null_map_key",
        "map_key_missing",
        "resolve_key_missing",
    ];

    /// A stable identifier for machine output.
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::NotJson { .. } => "not_json",
            Warning::NotAnObject { .. } => "not_an_object",
            Warning::TitleFallback { .. } => "title_fallback",
            Warning::DescriptionFallback { .. } => "description_fallback",
            Warning::NoMapWith { .. } => "no_map_with",
            Warning::EmptyTitle { .. } => "empty_title",
            Warning::EmptyDescription { .. } => "empty_description",
            Warning::NullTitle { .. } => "null_title",
            Warning::NullDescription { .. } => "null_description",
            Warning::NullMapKey { .. } => "null_map_key",
            Warning::EmptyMapKey { .. } => "empty_map_key",
            Warning::MapKeyMissing { .. } => "map_key_missing",
            Warning::ResolveKeyMissing { .. } => "resolve_key_missing",
            Warning::NoTime { .. } => "no_time",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NotJson {
                line,
                column,
                message,
            } => write!(
                f,
                "the body is not JSON (line {line}, column {column}: {message}): it is taken as text, and no key can be read from it"
            ),
            Warning::NotAnObject { kind: "array" } => f.write_str(
                "the body is a JSON array, not an object: only keys that start with an index (`0.status`) can read it",
            ),
            Warning::NotAnObject { kind } => write!(
                f,
                "the body is a JSON {kind}, not an object: no key can be read from it"
            ),
            Warning::TitleFallback { key, title } => {
                write!(
                    f,
                    "title key `{key}` not found: the title falls back to \"{title}\""
                )
            }
            Warning::DescriptionFallback { key } => write!(
                f,
                "description key `{key}` not found: the whole payload becomes the description"
            ),
            Warning::NoMapWith { filter } => write!(
                f,
                "filter \"{filter}\" has no map_with: this incident can never be resolved through the API, and every repeat creates a new one"
            ),
            Warning::EmptyTitle { key } => write!(
                f,
                "title key `{key}` is empty: the incident has no title of its own; take the title from a key that always has a value"
            ),
            Warning::EmptyDescription { key } => write!(
                f,
                "description key `{key}` is empty: the incident has no description; take it from a key that always has a value, or leave description_from out to get the whole payload"
            ),
            Warning::NullTitle { key } => write!(
                f,
                "title key `{key}` is null: the title shows the text `null`; take the title from a key that always has a value"
            ),
            Warning::NullDescription { key } => write!(
                f,
                "description key `{key}` is null: the description is the text `null`; take it from a key that always has a value"
            ),
            Warning::NullMapKey { key } => write!(
                f,
                "mapping key `{key}` is null: it is read as the text `null`, so every alert whose `{key}` is null maps to one incident; map on a key that identifies the alert"
            ),
            Warning::EmptyMapKey { key, no_key: false } => write!(
                f,
                "mapping key `{key}` is empty: every alert with an empty value maps to one incident; map on a key that identifies the alert"
            ),
            Warning::EmptyMapKey { key, no_key: true } => write!(
                f,
                "mapping key `{key}` is empty, which is no mapping value here (empty_map_value = \"none\"): nothing can be mapped or resolved by it; map on a key that identifies the alert"
            ),
            Warning::MapKeyMissing { key } => write!(
                f,
                "mapping key `{key}` not found: this incident can never be resolved through the API, and every repeat creates a new one"
            ),
            Warning::ResolveKeyMissing { filter, key } => write!(
                f,
                "the resolve part of filter \"{filter}\" matched, but its key `{key}` is not in the payload: nothing can be resolved"
            ),
            Warning::NoTime { key, problem } => {
                match problem {
                    None => write!(f, "time key `{key}` not found")?,
                    Some(problem) => write!(f, "time key `{key}` is {problem}")?,
                }
                f.write_str(": the request has no time, so the duplicate window cannot fold it and its incidents' ages are unknown")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One warning of each kind.
    fn one_of_each() -> Vec<Warning> {
        let key = || "k".to_owned();
        vec![
            Warning::NotJson {
                line: 1,
                column: 1,
                message: "m".into(),
            },
            Warning::NotAnObject { kind: "array" },
            Warning::TitleFallback {
                key: key(),
                title: "t".into(),
            },
            Warning::DescriptionFallback { key: key() },
            Warning::NoMapWith { filter: "f".into() },
            Warning::EmptyTitle { key: key() },
            Warning::EmptyDescription { key: key() },
            Warning::EmptyMapKey {
                key: key(),
                no_key: false,
            },
            Warning::NullTitle { key: key() },
            Warning::NullDescription { key: key() },
            Warning::NullMapKey { key: key() },
            Warning::MapKeyMissing { key: key() },
            Warning::ResolveKeyMissing {
                filter: "f".into(),
                key: key(),
            },
        ]
    }

    #[test]
    fn kinds_lists_every_kind_once_in_order() {
        let kinds: Vec<&str> = one_of_each().iter().map(Warning::kind).collect();
        assert_eq!(kinds, Warning::KINDS);
    }

    #[test]
    fn the_readme_lists_every_kind_with_one_line() {
        let readme = include_str!("../README.md");
        let section = readme
            .split_once("\n### Warnings\n")
            .and_then(|(_, rest)| rest.split_once("\n#"))
            .map(|(section, _)| section)
            .expect("README has a Warnings section");
        let listed: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("- `")?.split_once("`: ").map(|(k, _)| k))
            .collect();
        assert_eq!(listed, Warning::KINDS);
    }
}
