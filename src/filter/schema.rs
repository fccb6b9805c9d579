//! The filter-file format as written by hand: one TOML document per service.
//!
//! These types mirror the file exactly, keep every value's span, and refuse unknown fields: they give the
//! lists of allowed fields and the spanned form `lint` points into. Loading reads the same fields one by
//! one (`validate`), so that every error of a file is reported; a test keeps the two in step. [`Table`]
//! names the kinds of table in the file so that unknown fields can be reported per table; the lists come
//! from the types themselves, never from a copy. The types also derive the JSON Schema that editors check
//! filter files with (`sqibs-filter schema filters`): their doc comments are its descriptions, their
//! `schemars` attributes its limits.

use super::{limits, shapes};
use crate::semantics::SemanticsLayer;
use crate::strict_toml::{Schema, fields_of, string_field};
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

/// A filter file: the API filters of one Callgoose service, in the order Callgoose tries them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sqibs-filter filter file", transform = shapes::require_filters)]
pub(crate) struct FileDoc {
    /// The service's name; default: the file's name without `.toml`. Case files and `--service` pick a
    /// service by it.
    #[schemars(with = "Option<String>", length(min = 1))]
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub service: Option<Spanned<String>>,
    /// The `from=` parameter the sender's webhook URL carries: incident titles read `<from> - <title>`.
    /// Empty: no `from`.
    #[schemars(with = "Option<String>")]
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub from: Option<Spanned<String>>,
    /// The service's state: `enabled` (the default), `disabled` (it evaluates nothing and logs
    /// nothing) or `maintenance` (it evaluates, but the incidents its triggers would create are
    /// suppressed; resolves still close open incidents). `--maintenance SERVICE` puts it in maintenance.
    #[schemars(with = "Option<shapes::StateWord>")]
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub state: Option<Spanned<String>>,
    /// Readings of what Callgoose's documentation leaves open; command-line switches win over them.
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub semantics: Option<SemanticsLayer>,
    /// The API filters, 1 to 10, in the order Callgoose tries them: the first whose trigger part holds
    /// creates the incident.
    #[schemars(with = "Vec<FilterDoc>", length(min = 1, max = limits::FILTERS))]
    #[serde(default)]
    pub filter: Vec<Spanned<FilterDoc>>,
}

/// One `[[filter]]`: a trigger part that creates incidents and an optional resolve part that closes
/// them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shapes::urgency_or_priority)]
pub(crate) struct FilterDoc {
    /// The filter's name in every report and in case files; default: `filter N`.
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    /// The urgency of the incidents it creates: `high` or `low` (any case), or a priority `P1`-`P3`
    /// (high) or `P4`-`P5` (low). `urgency`, `priority` or both (agreeing) must be given.
    #[schemars(with = "Option<shapes::UrgencyWord>")]
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub urgency: Option<Spanned<String>>,
    /// The priority of the incidents it creates, `P1` to `P5` (any case): P1-P3 page with high urgency,
    /// P4-P5 with low. Give it instead of `urgency`, or with an urgency that agrees with it.
    #[schemars(with = "Option<shapes::PriorityWord>")]
    #[allow(
        dead_code,
        reason = "declares the field; read field by field by `validate`"
    )]
    pub priority: Option<Spanned<String>>,
    /// `[filter.trigger]`: when the filter creates an incident, and what the incident says.
    #[schemars(with = "TriggerDoc")]
    pub trigger: Spanned<TriggerDoc>,
    /// `[filter.resolve]`: when the filter resolves incidents. Present: the resolve part is on.
    #[schemars(with = "Option<ResolveDoc>")]
    pub resolve: Option<Spanned<ResolveDoc>>,
}

/// `[filter.trigger]`: when the filter creates an incident, and what the incident says; without
/// conditions, a catch-all.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TriggerDoc {
    /// 0 to 2 conditions; by default all must hold (`[semantics] conditions` changes that). None (or
    /// `[]`): a catch-all that holds for every request, text bodies included.
    #[schemars(
        with = "Option<Vec<ConditionDoc>>",
        length(max = limits::TRIGGER_CONDITIONS)
    )]
    pub conditions: Option<Spanned<Vec<Spanned<ConditionDoc>>>>,
    /// Incident Title From: the payload key whose value is the title, e.g. `alert_name` or
    /// `labels.alertname`; absent or empty: the title is `Incident from <from>`.
    #[schemars(with = "Option<String>")]
    pub title_from: Option<Spanned<String>>,
    /// Incident Description From: the payload key whose value is the description; absent or empty: the
    /// whole payload is the description.
    #[schemars(with = "Option<String>")]
    pub description_from: Option<Spanned<String>>,
    /// Map Incident With: the payload key whose value identifies the incident, so that a resolve can
    /// find it and repeats are duplicates. Without it (or empty) nothing this filter creates can be
    /// resolved.
    #[schemars(with = "Option<String>")]
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

/// `[filter.resolve]`: when the filter resolves incidents, and which.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolveDoc {
    /// Exactly 1 condition.
    #[schemars(with = "Vec<ConditionDoc>", length(equal = 1))]
    pub conditions: Spanned<Vec<Spanned<ConditionDoc>>>,
    /// Incident Mapped With: the payload key whose value names the incidents to resolve; normally the
    /// trigger's `map_with`.
    #[schemars(with = "String", length(min = 1))]
    pub mapped_with: Spanned<String>,
}

/// A condition: the key's value must contain every item.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionDoc {
    /// Payload JSON Key: where the value is read, e.g. `status`, `labels.severity` or
    /// `alerts.0.status`. Keys are case-sensitive.
    #[schemars(with = "String", length(min = 1))]
    pub key: Spanned<String>,
    /// Key Value Contains: 1 to 10 items of at most 50 characters, ANDed: every one must be contained in
    /// the value (case-insensitively by default). Alternatives need filters of their own.
    #[schemars(
        with = "Vec<String>",
        length(min = 1, max = limits::ITEMS),
        inner(length(max = limits::ITEM_CHARS), regex(pattern = crate::schema_shape::NO_CONTROL_CHARACTERS))
    )]
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
            ["service", "from", "state", "semantics", "filter"]
        );
    }
}
