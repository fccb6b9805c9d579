//! The filter-file format as written by hand: one TOML document per service.
//!
//! These types mirror the file exactly, keep every value's span for error messages, and refuse unknown
//! fields. [`Table`] names the kinds of table in the file so that the loader can say which fields each
//! allows; the lists come from the types themselves, never from a copy.

use crate::semantics::SemanticsLayer;
use serde::Deserialize;
use toml::Spanned;

/// A whole filter file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDoc {
    pub service: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub semantics: Option<SemanticsLayer>,
    #[serde(default)]
    pub filter: Vec<Spanned<FilterDoc>>,
}

/// One `[[filter]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilterDoc {
    pub name: Option<Spanned<String>>,
    pub urgency: Spanned<String>,
    pub trigger: Spanned<TriggerDoc>,
    pub resolve: Option<Spanned<ResolveDoc>>,
}

/// `[filter.trigger]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TriggerDoc {
    pub conditions: Spanned<Vec<Spanned<ConditionDoc>>>,
    pub title_from: Spanned<String>,
    pub description_from: Option<Spanned<String>>,
    pub map_with: Option<Spanned<String>>,
}

/// `[filter.resolve]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResolveDoc {
    pub conditions: Spanned<Vec<Spanned<ConditionDoc>>>,
    pub mapped_with: Spanned<String>,
}

/// `{ key = "…", contains = ["…"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConditionDoc {
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

impl Table {
    /// The fields this table allows.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Table::Root => fields_of::<FileDoc>(),
            Table::Semantics => fields_of::<SemanticsLayer>(),
            Table::Filter => fields_of::<FilterDoc>(),
            Table::Trigger => fields_of::<TriggerDoc>(),
            Table::Resolve => fields_of::<ResolveDoc>(),
            Table::Condition => fields_of::<ConditionDoc>(),
        }
    }

    /// The table a field of this table holds (directly, or as the elements of an array).
    pub fn child(self, field: &str) -> Option<Table> {
        match (self, field) {
            (Table::Root, "semantics") => Some(Table::Semantics),
            (Table::Root, "filter") => Some(Table::Filter),
            (Table::Filter, "trigger") => Some(Table::Trigger),
            (Table::Filter, "resolve") => Some(Table::Resolve),
            (Table::Trigger | Table::Resolve, "conditions") => Some(Table::Condition),
            _ => None,
        }
    }

    /// How the table is written in the file, for messages.
    pub fn header(self) -> &'static str {
        match self {
            Table::Root => "the top level",
            Table::Semantics => "[semantics]",
            Table::Filter => "[[filter]]",
            Table::Trigger => "[filter.trigger]",
            Table::Resolve => "[filter.resolve]",
            Table::Condition => "a condition",
        }
    }
}

/// The field names a derived `Deserialize` struct accepts, read from the derive itself: it hands them
/// to `deserialize_struct`, which this probe records and then refuses.
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut probe = FieldProbe(&[]);
    // The probe always refuses; the fields were recorded before that.
    let _ = T::deserialize(&mut probe);
    probe.0
}

struct FieldProbe(&'static [&'static str]);

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field probe")
    }
}

impl std::error::Error for Refused {}

impl serde::de::Error for Refused {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Refused
    }
}

impl<'de> serde::Deserializer<'de> for &mut FieldProbe {
    type Error = Refused;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Refused> {
        Err(Refused)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Refused> {
        self.0 = fields;
        Err(Refused)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
