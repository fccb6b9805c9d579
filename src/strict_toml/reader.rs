//! Reading a strict document table by table and field by field: a missing field, a wrong type or a
//! broken rule of the caller's is recorded, located and placed in its section, and reading goes on, so
//! that one run reports every error of a file.

use super::{SourceFile, UnknownFields};
use crate::diagnostic::Diagnostic;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Unexpected};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// A table of the tree, with its span: what a [`Reader`] reads fields from.
#[derive(Clone)]
pub struct TableRef<'a, 't> {
    /// The table's entries.
    pub table: &'a DeTable<'t>,
    /// Where it is written: its header, or the inline table.
    pub span: Range<usize>,
}

impl<'a, 't> TableRef<'a, 't> {
    /// The root table of `tree`.
    pub fn root(tree: &'a Spanned<DeTable<'t>>) -> TableRef<'a, 't> {
        TableRef {
            table: tree.get_ref(),
            span: tree.span(),
        }
    }
}

/// Reads a document field by field, collecting every problem (a missing field, a wrong type, a broken
/// rule of the caller's) instead of stopping at the first, so that one run shows everything to fix.
pub struct Reader<'s> {
    src: SourceFile<'s>,
    /// Shown with type errors.
    help: &'static str,
    /// Fields already reported by the unknown-field check (see [`UnknownFields::explained`]).
    explained: Vec<(usize, &'static str)>,
    /// Everything found so far.
    errors: Vec<Diagnostic>,
}

impl<'s> Reader<'s> {
    /// A reader of `src` whose unknown fields were `unknown` (their errors come first).
    pub fn new(src: SourceFile<'s>, unknown: UnknownFields, help: &'static str) -> Reader<'s> {
        Reader {
            src,
            help,
            explained: unknown.explained,
            errors: unknown.diagnostics,
        }
    }

    /// The 1-based line where `span` starts, for reports that point at a part of the file.
    pub fn line(&self, span: &Range<usize>) -> usize {
        let before = self
            .src
            .text
            .as_bytes()
            .get(..span.start)
            .unwrap_or_default();
        memchr::memchr_iter(b'\n', before).count() + 1
    }

    /// Records an error at `span`, in section `ctx`.
    pub fn error(
        &mut self,
        message: impl Into<String>,
        span: Range<usize>,
        ctx: Option<&str>,
        help: impl Into<String>,
    ) {
        let d = self.src.error(message, span);
        self.errors
            .push(d.in_context(ctx.map(str::to_owned)).with_help(help));
    }

    /// Every error, in file order.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.errors
            .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        self.errors
    }

    /// `field` of `table`, which must be there.
    pub fn required<T: DeserializeOwned>(
        &mut self,
        table: &TableRef<'_, '_>,
        field: &'static str,
        ctx: Option<&str>,
    ) -> Option<Spanned<T>> {
        if table.table.get(field).is_none() {
            self.missing(table, field, ctx);
        }
        self.optional(table, field, ctx)
    }

    /// Records an error when `table` has none of `fields` (one of which it must have), unless the
    /// unknown-field check has explained the absence of one of them already.
    pub fn require_one_of(
        &mut self,
        table: &TableRef<'_, '_>,
        fields: &[&'static str],
        ctx: Option<&str>,
    ) {
        let start = table.span.start;
        if fields
            .iter()
            .any(|f| table.table.contains_key(*f) || self.explained.contains(&(start, *f)))
        {
            return;
        }
        let named: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
        let d = self.src.error(
            format!("missing field {}", named.join(" or ")),
            table.span.clone(),
        );
        let help = format!("add one of them to this table; {}", self.help);
        self.errors
            .push(d.in_context(ctx.map(str::to_owned)).with_help(help));
    }

    /// `field` of `table`, if it is there; `None` also when it cannot be read (the error is recorded).
    pub fn optional<T: DeserializeOwned>(
        &mut self,
        table: &TableRef<'_, '_>,
        field: &str,
        ctx: Option<&str>,
    ) -> Option<Spanned<T>> {
        let value = table.table.get(field)?;
        match Spanned::<T>::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(v) => Some(v),
            Err(e) => {
                self.type_error(&e, ctx);
                None
            }
        }
    }

    /// The table `field` of `table` holds, if there is one.
    pub fn table<'a, 't>(
        &mut self,
        table: &TableRef<'a, 't>,
        field: &'static str,
        required: bool,
        ctx: Option<&str>,
    ) -> Option<TableRef<'a, 't>> {
        let Some(value) = table.table.get(field) else {
            if required {
                self.missing(table, field, ctx);
            }
            return None;
        };
        self.as_table(value, ctx)
    }

    /// The tables of the array `field` of `table` holds (none when it is absent).
    pub fn tables<'a, 't>(
        &mut self,
        table: &TableRef<'a, 't>,
        field: &'static str,
        required: bool,
        ctx: Option<&str>,
    ) -> Option<Spanned<Vec<Option<TableRef<'a, 't>>>>> {
        let Some(value) = table.table.get(field) else {
            if required {
                self.missing(table, field, ctx);
            }
            return None;
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, "an array of tables", ctx);
            return None;
        };
        let tables = items.iter().map(|item| self.as_table(item, ctx)).collect();
        Some(Spanned::new(value.span(), tables))
    }

    /// Reads `table` into `T`, whose fields must all be optional, one field at a time so that every
    /// field with a wrong value is reported. Unknown fields are left out (they are reported already).
    pub fn all_optional<T: DeserializeOwned>(
        &mut self,
        table: &TableRef<'_, '_>,
        fields: &[&str],
        ctx: Option<&str>,
    ) -> Option<T> {
        let mut known = DeTable::new();
        let mut ok = true;
        for (key, value) in table.table {
            if !fields.contains(&key.get_ref().as_ref()) {
                continue;
            }
            let mut one = DeTable::new();
            one.insert(key.clone(), value.clone());
            let one = Spanned::new(table.span.clone(), one);
            if let Err(e) = T::deserialize(toml::de::Deserializer::from(one)) {
                self.type_error(&e, ctx);
                ok = false;
            } else {
                known.insert(key.clone(), value.clone());
            }
        }
        let known = Spanned::new(table.span.clone(), known);
        // The fields that read on their own, together: this fails only on a rule across fields.
        match T::deserialize(toml::de::Deserializer::from(known)) {
            Ok(value) => ok.then_some(value),
            Err(e) => {
                self.type_error(&e, ctx);
                None
            }
        }
    }

    fn as_table<'a, 't>(
        &mut self,
        value: &'a Spanned<DeValue<'t>>,
        ctx: Option<&str>,
    ) -> Option<TableRef<'a, 't>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(TableRef {
                table: t,
                span: value.span(),
            }),
            _ => {
                self.wrong_type(value, "a table", ctx);
                None
            }
        }
    }

    fn type_error(&mut self, e: &toml::de::Error, ctx: Option<&str>) {
        let d = self.src.toml_error(e);
        let d = d.in_context(ctx.map(str::to_owned)).with_help(self.help);
        self.errors.push(d);
    }

    fn missing(&mut self, table: &TableRef<'_, '_>, field: &'static str, ctx: Option<&str>) {
        if self.explained.contains(&(table.span.start, field)) {
            return;
        }
        let d = self
            .src
            .error(format!("missing field `{field}`"), table.span.clone());
        let help = format!("add `{field} = ...` to this table; {}", self.help);
        self.errors
            .push(d.in_context(ctx.map(str::to_owned)).with_help(help));
    }

    fn wrong_type(&mut self, value: &Spanned<DeValue<'_>>, expected: &str, ctx: Option<&str>) {
        let message = format!(
            "invalid type: {}, expected {expected}",
            unexpected(value.get_ref())
        );
        let help = self.help;
        self.error(message, value.span(), ctx, help);
    }
}

/// How serde names a value of the wrong type, so that every type error reads alike.
fn unexpected(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => Unexpected::Str(s).to_string(),
        DeValue::Integer(i) => format!("integer `{i}`"),
        DeValue::Float(f) => format!("floating point `{f}`"),
        DeValue::Boolean(b) => Unexpected::Bool(*b).to_string(),
        DeValue::Datetime(_) => "a date-time".to_owned(),
        DeValue::Array(_) => Unexpected::Seq.to_string(),
        DeValue::Table(_) => Unexpected::Map.to_string(),
    }
}
