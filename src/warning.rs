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
    /// The mapping value is empty: every alert with an empty value maps to the same incident.
    EmptyMapKey {
        /// The `map_with` key.
        key: String,
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
    /// A stable identifier for machine output.
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::NotJson { .. } => "not_json",
            Warning::NotAnObject { .. } => "not_an_object",
            Warning::TitleFallback { .. } => "title_fallback",
            Warning::DescriptionFallback { .. } => "description_fallback",
            Warning::NoMapWith { .. } => "no_map_with",
            Warning::EmptyTitle { .. } => "empty_title",
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
            Warning::EmptyMapKey { key } => write!(
                f,
                "mapping key `{key}` is empty: every alert with an empty value maps to one incident; map on a key that identifies the alert"
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
