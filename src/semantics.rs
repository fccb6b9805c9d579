//! The readings of Callgoose behaviour that its documentation leaves open, and how they are chosen.
//!
//! Each service starts from the documented defaults, a filter file's `[semantics]` table may change them,
//! and command-line flags win over both. Every reading has exactly two values, so that a result can be
//! checked against the other one ([`Semantics::flipped`]): that is how fragile results are found.

use schemars::JsonSchema;
use serde::Deserialize;
use std::fmt;

/// How the (up to two) conditions of one trigger part combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// Every condition must hold (the default: the documentation's wording points this way).
    All,
    /// One condition holding is enough.
    Any,
}

impl fmt::Display for Combine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Combine::All => "all",
            Combine::Any => "any",
        })
    }
}

/// Which open incidents a resolve closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResolveScope {
    /// Every open incident of the service with an equal mapping value, whichever filter opened it (the
    /// default: the documentation speaks of `resolved Incident(s)`).
    Service,
    /// Only those opened by the filter whose resolve part matched.
    Filter,
}

impl fmt::Display for ResolveScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResolveScope::Service => "service",
            ResolveScope::Filter => "filter",
        })
    }
}

/// What a JSON `null` value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NullValues {
    /// The text `null`, like any other value compared as its JSON text (the default).
    Text,
    /// A key that is not there.
    Missing,
}

impl fmt::Display for NullValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NullValues::Text => "text",
            NullValues::Missing => "missing",
        })
    }
}

/// What an empty (or blank) mapping value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EmptyMapValue {
    /// A mapping value like any other: every incident with an empty value folds into one (the default).
    Key,
    /// No mapping value at all: the incident cannot be resolved, a resolve closes nothing.
    None,
}

impl fmt::Display for EmptyMapValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmptyMapValue::Key => "key",
            EmptyMapValue::None => "none",
        })
    }
}

/// The readings in force for one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Semantics {
    /// Whether "key value contains" compares case-sensitively.
    pub case_sensitive: bool,
    /// How the trigger conditions of one filter combine.
    pub conditions: Combine,
    /// Whether keys reach into objects and arrays (`labels.namespace`, `alerts.0.x`); off, a key names
    /// one top-level key exactly.
    pub nested_keys: bool,
    /// Which open incidents a resolve closes.
    pub resolve_scope: ResolveScope,
    /// What a JSON `null` is.
    pub null_values: NullValues,
    /// What an empty mapping value is.
    pub empty_map_value: EmptyMapValue,
}

impl Default for Semantics {
    /// The reference's default readings.
    fn default() -> Self {
        Semantics {
            case_sensitive: false,
            conditions: Combine::All,
            nested_keys: true,
            resolve_scope: ResolveScope::Service,
            null_values: NullValues::Text,
            empty_map_value: EmptyMapValue::Key,
        }
    }
}

/// A partial set of readings: what one layer (a filter file, or the command line) says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SemanticsLayer {
    /// Whether "key value contains" compares case-sensitively; default: no, as the documented example
    /// matches `this` against `This is content`.
    #[schemars(extend("default" = false))]
    pub case_sensitive: Option<bool>,
    /// How the two conditions of a trigger part combine: `all` must hold (the default), or `any` one.
    #[schemars(extend("default" = "all"))]
    pub conditions: Option<Combine>,
    /// `nested_keys = true|false`.
    #[schemars(extend("default" = true))]
    pub nested_keys: Option<bool>,
    /// `resolve_scope = "service"|"filter"`.
    #[schemars(extend("default" = "service"))]
    pub resolve_scope: Option<ResolveScope>,
    /// `null_values = "text"|"missing"`.
    #[schemars(extend("default" = "text"))]
    pub null_values: Option<NullValues>,
    /// `empty_map_value = "key"|"none"`.
    #[schemars(extend("default" = "key"))]
    pub empty_map_value: Option<EmptyMapValue>,
}

/// One of the readings, to switch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// `case_sensitive`.
    CaseSensitive,
    /// `conditions`.
    Conditions,
    /// `nested_keys`.
    NestedKeys,
    /// `resolve_scope`.
    ResolveScope,
    /// `null_values`.
    NullValues,
    /// `empty_map_value`.
    EmptyMapValue,
}

impl Reading {
    /// The readings that decide what one request does, each evaluation on its own; the others
    /// (`resolve_scope`) act on the incidents a simulation keeps.
    pub const EVALUATION: [Reading; 5] = [
        Reading::CaseSensitive,
        Reading::Conditions,
        Reading::NestedKeys,
        Reading::NullValues,
        Reading::EmptyMapValue,
    ];
}

impl Semantics {
    /// Applies `layer` on top of these readings: what the layer states wins.
    pub fn with(self, layer: SemanticsLayer) -> Semantics {
        Semantics {
            case_sensitive: layer.case_sensitive.unwrap_or(self.case_sensitive),
            conditions: layer.conditions.unwrap_or(self.conditions),
            nested_keys: layer.nested_keys.unwrap_or(self.nested_keys),
            resolve_scope: layer.resolve_scope.unwrap_or(self.resolve_scope),
            null_values: layer.null_values.unwrap_or(self.null_values),
            empty_map_value: layer.empty_map_value.unwrap_or(self.empty_map_value),
        }
    }

    /// These readings with `reading` switched to its other value, and that value as a filter file's
    /// `[semantics]` writes it (`nested_keys = false`), or in words for case sensitivity.
    pub fn flipped(self, reading: Reading) -> (Semantics, &'static str) {
        let mut s = self;
        let name = match reading {
            Reading::CaseSensitive => {
                s.case_sensitive = !self.case_sensitive;
                if s.case_sensitive {
                    "case-sensitive matching"
                } else {
                    "case-insensitive matching"
                }
            }
            Reading::Conditions => {
                let (other, name) = match self.conditions {
                    Combine::All => (Combine::Any, "conditions = \"any\""),
                    Combine::Any => (Combine::All, "conditions = \"all\""),
                };
                s.conditions = other;
                name
            }
            Reading::NestedKeys => {
                s.nested_keys = !self.nested_keys;
                if s.nested_keys {
                    "nested_keys = true"
                } else {
                    "nested_keys = false"
                }
            }
            Reading::ResolveScope => {
                let (other, name) = match self.resolve_scope {
                    ResolveScope::Service => (ResolveScope::Filter, "resolve_scope = \"filter\""),
                    ResolveScope::Filter => (ResolveScope::Service, "resolve_scope = \"service\""),
                };
                s.resolve_scope = other;
                name
            }
            Reading::NullValues => {
                let (other, name) = match self.null_values {
                    NullValues::Text => (NullValues::Missing, "null_values = \"missing\""),
                    NullValues::Missing => (NullValues::Text, "null_values = \"text\""),
                };
                s.null_values = other;
                name
            }
            Reading::EmptyMapValue => {
                let (other, name) = match self.empty_map_value {
                    EmptyMapValue::Key => (EmptyMapValue::None, "empty_map_value = \"none\""),
                    EmptyMapValue::None => (EmptyMapValue::Key, "empty_map_value = \"key\""),
                };
                s.empty_map_value = other;
                name
            }
        };
        (s, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_reference() {
        let s = Semantics::default();
        assert!(!s.case_sensitive);
        assert_eq!(s.conditions, Combine::All);
        assert!(s.nested_keys);
        assert_eq!(s.resolve_scope, ResolveScope::Service);
        assert_eq!(s.null_values, NullValues::Text);
        assert_eq!(s.empty_map_value, EmptyMapValue::Key);
    }

    #[test]
    fn later_layers_win_and_silent_layers_keep() {
        let file = SemanticsLayer {
            case_sensitive: Some(true),
            conditions: Some(Combine::Any),
            nested_keys: Some(false),
            null_values: Some(NullValues::Missing),
            ..SemanticsLayer::default()
        };
        let cli = SemanticsLayer {
            case_sensitive: Some(false),
            nested_keys: Some(true),
            resolve_scope: Some(ResolveScope::Filter),
            empty_map_value: Some(EmptyMapValue::None),
            ..SemanticsLayer::default()
        };
        let s = Semantics::default().with(file).with(cli);
        assert_eq!(
            s,
            Semantics {
                case_sensitive: false,
                conditions: Combine::Any,
                nested_keys: true,
                resolve_scope: ResolveScope::Filter,
                null_values: NullValues::Missing,
                empty_map_value: EmptyMapValue::None,
            }
        );
    }

    #[test]
    fn flipping_a_reading_changes_it_alone_and_twice_restores_it() {
        let all = [
            Reading::CaseSensitive,
            Reading::Conditions,
            Reading::NestedKeys,
            Reading::ResolveScope,
            Reading::NullValues,
            Reading::EmptyMapValue,
        ];
        let base = Semantics::default();
        let names: Vec<&str> = all.iter().map(|r| base.flipped(*r).1).collect();
        assert_eq!(
            names,
            [
                "case-sensitive matching",
                "conditions = \"any\"",
                "nested_keys = false",
                "resolve_scope = \"filter\"",
                "null_values = \"missing\"",
                "empty_map_value = \"none\"",
            ]
        );
        for reading in all {
            let (once, _) = base.flipped(reading);
            assert_ne!(once, base, "{reading:?}");
            assert_eq!(once.flipped(reading).0, base, "{reading:?}");
        }
    }

    #[test]
    fn the_readme_table_lists_every_reading_with_its_default_switch_and_why() {
        let readme = include_str!("../README.md");
        let section = readme
            .split_once("\n## Semantics\n")
            .and_then(|(_, rest)| rest.split_once("\n## "))
            .map(|(section, _)| section)
            .expect("README has a Semantics section");
        let rows: Vec<Vec<&str>> = section
            .lines()
            .filter(|l| {
                l.starts_with("| ") && !l.starts_with("| ---") && !l.starts_with("| question")
            })
            .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
            .collect();
        for field in crate::strict_toml::fields_of::<SemanticsLayer>() {
            let row = rows
                .iter()
                .find(|r| {
                    r.get(2)
                        .is_some_and(|switch| switch.contains(&format!("`{field} = ")))
                })
                .unwrap_or_else(|| panic!("no README row switches `{field}`"));
            let flag = format!("`--{}", field.replace('_', "-"));
            assert!(
                row[2].contains(&flag) || row[2].contains(&format!("`--no-{}", &flag[3..])),
                "the row of `{field}` names no flag: {row:?}"
            );
            assert!(
                row.len() == 4 && row.iter().all(|cell| !cell.is_empty()),
                "the row of `{field}` needs a default and a why: {row:?}"
            );
        }
    }
}
