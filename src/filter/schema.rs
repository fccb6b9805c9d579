//! The filter-file format as written by hand: one TOML document per service.
//!
//! These types mirror the file exactly, keep every value's span, and refuse unknown fields: they give the
//! lists of allowed fields and the spanned form `lint` points into. Loading reads the same fields one by
//! one (`validate`), so that every error of a file is reported; a test keeps the two in step. [`Table`] names the kinds of table in the file so that unknown fields can be reported per
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
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub service: Option<Spanned<String>>,
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub from: Option<Spanned<String>>,
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub semantics: Option<SemanticsLayer>,
    #[serde(default)]
    pub filter: Vec<Spanned<FilterDoc>>,
}

/// One `[[filter]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilterDoc {
    pub name: Option<Spanned<String>>,
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub urgency: Option<Spanned<String>>,
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub priority: Option<Spanned<String>>,
    pub trigger: Spanned<TriggerDoc>,
    pub resolve: Option<Spanned<ResolveDoc>>,
}

/// `[filter.trigger]`: without conditions, a catch-all.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TriggerDoc {
    pub conditions: Option<Spanned<Vec<Spanned<ConditionDoc>>>>,
    pub title_from: Option<Spanned<String>>,
    pub description_from: Option<Spanned<String>>,
    pub map_with: Option<Spanned<String>>,
}

impl TriggerDoc {
    /// Its conditions: none for a catch-all.
    pub fn conditions(&self) -> &[Spanned<ConditionDoc>] {
        self.conditions.as_ref().map_or(&[], |c| c.get_ref())
    }
}

/// An optional key field (`title_from`, `description_from`, `map_with`) when it is set: an empty one
/// is not, as loading reads it.
pub(crate) fn set_key(field: &Option<Spanned<String>>) -> Option<&Spanned<String>> {
    field.as_ref().filter(|k| !k.get_ref().is_empty())
}

/// Where a trigger's conditions are written, or its table when it has none.
pub(crate) fn conditions_span(trigger: &Spanned<TriggerDoc>) -> std::ops::Range<usize> {
    trigger
        .get_ref()
        .conditions
        .as_ref()
        .map_or_else(|| trigger.span(), Spanned::span)
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
        assert_eq!(Table::Semantics.fields(), ["case_sensitive", "conditions"]);
        assert_eq!(
            Table::Root.fields(),
            ["service", "from", "semantics", "filter"]
        );
    }
}
