//! The filter-file format as written by hand: one TOML document per service.
//!
//! These types mirror the file exactly, keep every value's span for error messages, and refuse unknown
//! fields. [`Table`] names the kinds of table in the file so that unknown fields can be reported per
//! table; the lists come from the types themselves, never from a copy.

use crate::semantics::SemanticsLayer;
use crate::strict_toml::{Schema, fields_of, string_field};
use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

/// A whole filter file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileDoc {
    pub service: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub semantics: Option<SemanticsLayer>,
    #[serde(default)]
    pub filter: Vec<Spanned<FilterDoc>>,
}

/// One `[[filter]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilterDoc {
    pub name: Option<Spanned<String>>,
    pub urgency: Spanned<String>,
    pub trigger: Spanned<TriggerDoc>,
    pub resolve: Option<Spanned<ResolveDoc>>,
}

/// `[filter.trigger]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TriggerDoc {
    pub conditions: Spanned<Vec<Spanned<ConditionDoc>>>,
    pub title_from: Spanned<String>,
    pub description_from: Option<Spanned<String>>,
    pub map_with: Option<Spanned<String>>,
}

/// `[filter.resolve]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolveDoc {
    pub conditions: Spanned<Vec<Spanned<ConditionDoc>>>,
    pub mapped_with: Spanned<String>,
}

/// `{ key = "…", contains = ["…"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionDoc {
    pub key: Spanned<String>,
    pub contains: Spanned<Vec<Spanned<String>>>,
}

/// The kinds of table a filter file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Root,
    Semantics,
    Filter,
    Trigger,
    Resolve,
    Condition,
}

impl Schema for Table {
    fn fields(self) -> &'static [&'static str] {
        match self {
            Table::Root => fields_of::<FileDoc>(),
            Table::Semantics => fields_of::<SemanticsLayer>(),
            Table::Filter => fields_of::<FilterDoc>(),
            Table::Trigger => fields_of::<TriggerDoc>(),
            Table::Resolve => fields_of::<ResolveDoc>(),
            Table::Condition => fields_of::<ConditionDoc>(),
        }
    }

    fn child(self, field: &str) -> Option<Table> {
        match (self, field) {
            (Table::Root, "semantics") => Some(Table::Semantics),
            (Table::Root, "filter") => Some(Table::Filter),
            (Table::Filter, "trigger") => Some(Table::Trigger),
            (Table::Filter, "resolve") => Some(Table::Resolve),
            (Table::Trigger | Table::Resolve, "conditions") => Some(Table::Condition),
            _ => None,
        }
    }

    fn header(self) -> &'static str {
        match self {
            Table::Root => "the top level",
            Table::Semantics => "[semantics]",
            Table::Filter => "[[filter]]",
            Table::Trigger => "[filter.trigger]",
            Table::Resolve => "[filter.resolve]",
            Table::Condition => "a condition",
        }
    }

    fn item_context(self, position: usize, item: &DeTable<'_>) -> Option<String> {
        (self == Table::Filter).then(|| {
            let name = string_field(item, "name")
                .map_or_else(|| format!("filter {position}"), str::to_owned);
            filter_context(position, &name)
        })
    }
}

/// `in filter #2 "resolved"`: the note of every diagnostic about one filter.
pub(super) fn filter_context(position: usize, name: &str) -> String {
    format!("in filter #{position} \"{name}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strict_toml::Schema;

    #[test]
    fn field_lists_come_from_the_types() {
        assert_eq!(
            Table::Trigger.fields(),
            ["conditions", "title_from", "description_from", "map_with"]
        );
        assert_eq!(
            Table::Semantics.fields(),
            [
                "case_sensitive",
                "conditions",
                "nested_keys",
                "resolve_scope",
                "null_values",
                "empty_map_value"
            ]
        );
        assert_eq!(
            Table::Root.fields(),
            ["service", "from", "semantics", "filter"]
        );
    }
}
